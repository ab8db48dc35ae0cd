"""Planning a run: each notebook's cache key, and why a notebook must run (or need not).

A notebook's key is made of its source, its schema, its parameters, the checksums of the
inputs it loaded last time (its manifest, :mod:`digimotor.manifest`), a digest of
``data/claims/``, the package (version and source) and the figure formats
(:func:`cache_parts`). The last run's record (``build/cache/<name>.json``) is data: a
malformed one, or one naming a file outside ``data/raw/``, counts as absent ("never run").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import PACKAGE_DIR, build_dir, claims_dir, project_root
from ..manifest import clean, safe_path
from ..outputs import FIGURE_FORMATS
from ..params import schema_path
from .results import NotebookResult, result_from_record

#: Cache-key part for the figure formats (a run with fewer formats leaves files unwritten).
FORMATS_PART = "figures"
#: Why a notebook runs again, by the first part of its key that changed.
_REASONS = {"notebook": "notebook changed", "schema": "parameter schema changed",
            "parameters": "parameters changed", "claims": "claims registry changed",
            "package": "digimotor package changed", FORMATS_PART: "figure formats changed"}
#: Fields of a cache record and their types (a record is data: anything else means "absent").
_RECORD_FIELDS: dict[str, tuple[type, ...]] = {
    "status": (str,), "seconds": (int, float), "error": (str,), "cell": (int, type(None)),
    "cell_id": (str, type(None)), "parameters": (dict,), "manifest": (list,), "show_code": (bool,),
    "parts": (dict,), "key": (str,),
}
_PART_FIELDS = {"notebook": str, "schema": str, "parameters": str, "inputs": dict, "claims": str, "package": str}


@dataclass
class Job:
    """A notebook the run executes, and its worker's state while it runs."""

    path: Path
    parameters: dict[str, Any]
    reason: str
    last: float = 0.0  # expected seconds: the last run's, else estimated (plan.estimated_seconds)
    pid: int = 0
    pipe: int = -1
    start: float = 0.0
    state: str = "queued"
    detail: str = ""
    buffer: bytes = b""
    render: bool = True  # its worker renders its page (else the parent does: workers.render_staged)
    rendered: str = ""  # the parent rendered its page: "ok", or the error that stopped it


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """A digest of the files under ``root`` (their relative paths and contents)."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if suffixes and path.suffix not in suffixes:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + sha256_file(path).encode())
    return digest.hexdigest()


def package_digest() -> str:
    """The package version and a digest of its code and reference data."""
    return __version__ + ":" + tree_digest(PACKAGE_DIR, (".py", ".csv", ".yml", ".yaml", ".json"))


def input_checksums(manifest: list[dict[str, Any]]) -> dict[str, str]:
    """The current checksums of the inputs a manifest names (only files inside ``data/raw/``)."""
    root = project_root()
    sums = {}
    for entry in manifest:
        if isinstance(entry, dict) and entry.get("entry") == "input":
            path = safe_path(entry.get("path"), root, "data/raw")  # never a file outside data/raw/
            if path is not None:
                sums[entry["path"]] = sha256_file(path) if path.is_file() else "missing"
    return sums


def cache_parts(path: Path, parameters: Mapping[str, Any], previous: Mapping[str, Any] | None,
                package: str, claims: str, formats: str | None = None) -> dict[str, Any]:
    """What a notebook's cache key is made of (compared part by part to explain a re-run).

    ``formats`` are the figure formats of the run (default ``png,svg``).
    """
    schema = schema_path(path)
    return {
        "notebook": sha256_file(path),
        "schema": sha256_file(schema) if schema.exists() else "",
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
        "inputs": input_checksums((previous or {}).get("manifest", [])),
        "claims": claims,
        "package": package,
        FORMATS_PART: formats or ",".join(FIGURE_FORMATS),
    }


def cache_key(parts: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def why(parts: Mapping[str, Any], previous: Mapping[str, Any] | None, page: Path) -> str:
    """Why a notebook must run ("" if it need not)."""
    if not previous:
        return "never run"
    if previous.get("status") != "done":
        return "failed last time"
    old = previous.get("parts", {})
    for part, text in _REASONS.items():
        if old.get(part) != parts.get(part):
            return text
    changed = [p for p, s in parts["inputs"].items() if old.get("inputs", {}).get(p) != s]
    if changed:
        return "input changed: " + ", ".join(changed)
    if not page.exists():
        return "page missing"
    return ""


def read_cache(name: str) -> dict[str, Any] | None:
    """The cache record of notebook ``name``; None (run it again) if absent or malformed."""
    try:
        record = json.loads((build_dir() / "cache" / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return record if _valid_record(record) else None


def _valid_record(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    if any(not isinstance(record.get(k), t) or isinstance(record.get(k), bool) and bool not in t
           for k, t in _RECORD_FIELDS.items()):
        return False
    parts = record["parts"]
    if record["status"] not in ("done", "failed") or any(not isinstance(parts.get(k), t) for k, t in _PART_FIELDS.items()):
        return False
    if not all(isinstance(v, str) and safe_path(p, None, "data/raw") for p, v in parts["inputs"].items()):
        return False
    return len(clean(record["manifest"])) == len(record["manifest"])


def last_seconds(record: Mapping[str, Any] | None) -> float:
    seconds = (record or {}).get("seconds")
    return float(seconds) if isinstance(seconds, int | float) and not isinstance(seconds, bool) else 0.0


#: Seconds a code cell takes, roughly, for a notebook that has never run here (about what the
#: study's notebooks took per code cell on a 2-core machine, 0.15 to 0.35): only to order the jobs.
SECONDS_PER_CODE_CELL = 0.25


def code_cells(path: Path) -> int:
    """The number of non-empty code cells of notebook ``path`` (0 if it cannot be read)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
        return sum(1 for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"
                   and "".join(c.get("source", "")).strip())
    except (OSError, ValueError, RecursionError, TypeError):
        return 0


def estimated_seconds(path: Path, record: Mapping[str, Any] | None) -> float:
    """How long notebook ``path`` will take: its last run's time, else an estimate from its code cells."""
    return last_seconds(record) or SECONDS_PER_CODE_CELL * code_cells(path)


def plan_run(notebooks: Sequence[Path], values: Mapping[str, dict[str, Any]], *, show_code: bool,
             force: bool, formats: str) -> tuple[list[Job], list[NotebookResult], dict[str, dict[str, Any]]]:
    """The notebooks to run (longest first), the cached results, and the new records' key parts.

    Called while holding the run lock. The jobs start longest first by their last run's time
    (stable, so in notebook order without one): with more notebooks than workers, a long
    notebook started last would run on alone.
    """
    package = package_digest()
    claims_sum = tree_digest(claims_dir())
    jobs: list[Job] = []
    cached: list[NotebookResult] = []
    records: dict[str, dict[str, Any]] = {}
    for path in notebooks:
        name = path.stem
        previous = read_cache(name)
        parts = cache_parts(path, values[name], previous, package, claims_sum, formats)
        page = build_dir() / "site" / f"{name}.html"
        reason = "forced" if force else why(parts, previous, page)
        if not reason and bool(previous.get("show_code")) != show_code:
            reason = "re-render (show code changed)"
        if reason:
            jobs.append(Job(path, values[name], reason, last=estimated_seconds(path, previous)))
            records[name] = {"parts": parts}
        else:
            cached.append(result_from_record(name, previous, page))
    jobs.sort(key=lambda job: -job.last)
    return jobs, cached, records


def site_key(everything: Sequence[Path], show_code: bool) -> str:
    """The site's key: every notebook's record key, the show-code mode, the site package, the version."""
    parts = {p.stem: (read_cache(p.stem) or {}).get("key", "") for p in everything}
    return cache_key({"notebooks": parts, "show_code": show_code, "site": tree_digest(PACKAGE_DIR / "site"),
                      "version": __version__})


def site_current(everything: Sequence[Path], show_code: bool) -> bool:
    stamp = build_dir() / "site" / ".site-key"
    return stamp.exists() and stamp.read_text().strip() == site_key(everything, show_code)
