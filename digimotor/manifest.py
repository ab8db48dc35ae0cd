"""The run manifest: which inputs a notebook loaded and which outputs it wrote.

``digimotor reproduce`` sets the environment variable ``DIGIMOTOR_MANIFEST`` to a file per
notebook; :func:`snapshots.load <digimotor.snapshots.load>` and the writers in
:mod:`digimotor.outputs` then append one JSON line per file. The run card (input checksums
and their data kinds), the synthetic-data banner and the list of exhibits are built from it.
Outside a run the variable is unset and nothing is recorded.

Records are data, never instructions: :func:`read` and :func:`clean` keep only well-formed
entries whose paths are relative, inside the project root (after resolving symlinks) and, for
the known entries, in their own folder (inputs under ``data/raw/``, tables and claims under
``data/processed/``, figures under ``figures/``). Anything else is treated as absent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

ENV_MANIFEST = "DIGIMOTOR_MANIFEST"

_TEXT = (str,)
_OPTIONAL_TEXT = (str, type(None))
#: Known entries: their required fields and types, and the folder their files lie in.
ENTRIES: dict[str, tuple[dict[str, tuple[type, ...]], str]] = {
    "input": ({"path": _TEXT, "dataset": _TEXT, "source": _TEXT, "kind": _TEXT, "sha256": _TEXT,
               "title": _OPTIONAL_TEXT}, "data/raw"),
    "table": ({"name": _TEXT, "kind": _TEXT, "path": _TEXT}, "data/processed"),
    "figure": ({"name": _TEXT, "paths": (list,)}, "figures"),
    "claims": ({"part": _TEXT, "path": _TEXT}, "data/processed"),
}
_SCALARS = (str, int, float, bool, type(None))


def record(entry: str, **fields: Any) -> None:
    """Append ``{"entry": entry, **fields}`` to the manifest named by ``DIGIMOTOR_MANIFEST``."""
    target = os.environ.get(ENV_MANIFEST)
    if not target:
        return
    line = json.dumps({"entry": entry, **fields}, ensure_ascii=False, sort_keys=True, default=str)
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def safe_path(relative: Any, root: Path | None = None, under: str = "") -> Path | None:
    """The file a record names, or None unless it is a relative path inside ``root/under``.

    ``..``, absolute paths, drive letters, backslashes, NUL and symlinks that lead out of the
    folder all give None. ``root`` defaults to the project root.
    """
    if not isinstance(relative, str) or not relative or "\0" in relative or "\\" in relative:
        return None
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
        return None
    if root is None:
        from .config import project_root

        root = project_root()
    try:
        base = Path(root).resolve()
        target = (base / pure).resolve()
        target.relative_to(base)
        target.relative_to((base / under).resolve())
    except (OSError, ValueError, RuntimeError):
        return None
    return target


def valid_entry(entry: Any, root: Path | None = None) -> bool:
    """Whether ``entry`` is a well-formed manifest entry whose paths are safe to open."""
    from .config import DATA_KINDS

    if not isinstance(entry, dict) or not isinstance(entry.get("entry"), str):
        return False
    if not all(isinstance(k, str) and (isinstance(v, _SCALARS) or _text_list(v)) for k, v in entry.items()):
        return False
    fields, folder = ENTRIES.get(entry["entry"], ({}, ""))
    if any(not isinstance(entry.get(name), types) for name, types in fields.items()):
        return False
    if "kind" in fields and entry["kind"] not in DATA_KINDS:
        return False
    paths = ([entry["path"]] if "path" in entry else []) + (entry["paths"] if "paths" in entry else [])
    if "path" in entry and not isinstance(entry["path"], str) or "paths" in entry and not _text_list(entry["paths"]):
        return False
    return all(safe_path(p, root, folder) is not None for p in paths)


def _text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def clean(entries: Any, root: Path | None = None) -> list[dict[str, Any]]:
    """The valid entries of ``entries`` (anything that is not a list gives none)."""
    if not isinstance(entries, list):
        return []
    return [e for e in entries if valid_entry(e, root)]


def read(path: str | os.PathLike[str], root: Path | None = None) -> list[dict[str, Any]]:
    """The valid entries of a manifest file (lines that are not valid entries are skipped)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()
    except (FileNotFoundError, IsADirectoryError):
        return []
    return clean(list(_parse(lines)), root)


def _parse(lines: Iterable[str]) -> Iterable[Any]:
    for line in lines:
        if line.strip():
            try:
                yield json.loads(line)
            except (ValueError, RecursionError):
                continue
