"""Integrity check of ``data/raw/``: every file, its sidecar, checksum, schema and kind.

:func:`check_raw_data` collects every problem at once (it never stops at the first) and
says, for each, the command that fixes it. ``digimotor check`` prints the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import DATA_KINDS, project_root, raw_dir
from .errors import DigimotorError
from .provenance import SIDECAR_SUFFIX, read_provenance, sha256_file


@dataclass(frozen=True)
class Problem:
    """One problem with one file under ``data/raw/``."""

    path: str
    message: str
    fix: str


def _rel(path: Path) -> str:
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)


def _snapshot_of(path: Path, raw: Path) -> tuple[str | None, str | None, str | None]:
    """(kind by folder, dataset, source name) of a data file's location, or Nones."""
    parts = path.relative_to(raw).parts
    if len(parts) == 2 and parts[0] in ("published", "synthetic"):
        return parts[0], Path(parts[1]).stem, parts[0]
    if len(parts) == 3 and parts[0] in ("public", "user"):
        return parts[0], parts[1], Path(parts[2]).stem
    return None, None, None


def _fix_for(kind: str | None, dataset: str | None, source: str | None, path: Path, fields: dict) -> str:
    rel = _rel(path)
    if kind == "published":
        return f"git checkout -- {rel} {rel}{SIDECAR_SUFFIX}"
    if kind == "synthetic":
        generator = str(fields.get("generator", "")).split(".")[-2] if fields.get("generator") else ""
        return "digimotor synthetic" + (f" --only {generator}" if generator else "")
    if kind in ("user", "public"):
        original = fields.get("original_file", "<file>")
        return f"digimotor import {dataset} {original} --name {source} --kind {kind} --replace"
    return f"remove {rel} or move it to the right folder"


def check_raw_data() -> list[Problem]:
    """Check every file under ``data/raw/``; return all problems found (empty if none)."""
    from . import datasets

    raw = raw_dir()
    problems: list[Problem] = []
    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        rel = _rel(path)
        if path.name == "README.md":
            continue
        if path.name.startswith(".") or any(part.startswith((".staging-", ".import-")) for part in path.parts):
            problems.append(Problem(rel, "leftover temporary file from an interrupted write", f"rm {rel}"))
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            data_file = path.with_name(path.name[: -len(SIDECAR_SUFFIX)])
            if not data_file.exists():
                problems.append(Problem(rel, "sidecar without its data file", f"rm {rel}"))
            continue
        kind, dataset, source = _snapshot_of(path, raw)
        if kind is None or path.suffix != ".csv":
            problems.append(Problem(rel, "file outside the data/raw layout (see data/raw/README.md)",
                                    f"move it or bring it in with `digimotor import <dataset> {rel}`"))
            continue
        try:
            prov = read_provenance(path)
        except DigimotorError as exc:
            problems.append(Problem(rel, exc.message, _fix_for(kind, dataset, source, path, {})))
            continue
        fields = prov.fields
        fix = _fix_for(kind, dataset, source, path, fields)
        found_before = len(problems)
        if prov.kind not in DATA_KINDS or prov.kind != kind:
            problems.append(Problem(rel, f"sidecar says kind '{prov.kind}' but the file is under {kind}/", fix))
        if prov.dataset != dataset:
            problems.append(Problem(rel, f"sidecar says dataset '{prov.dataset}' but the file is named {dataset}", fix))
        actual = sha256_file(path)
        if actual != prov.sha256:
            problems.append(Problem(rel, f"checksum differs from the sidecar ({actual[:12]}… ≠ {prov.sha256[:12]}…)", fix))
            continue
        try:
            datasets.get(dataset)
        except DigimotorError:
            problems.append(Problem(rel, f"no dataset '{dataset}' is registered", fix))
            continue
        if len(problems) > found_before:  # load would refuse it for the reason already reported
            continue
        try:
            datasets.load(dataset, source)
        except DigimotorError as exc:
            problems.append(Problem(rel, f"does not load as {dataset}: {exc.message}", fix))
        except Exception as exc:  # a malformed CSV pandas cannot read
            problems.append(Problem(rel, f"does not load as {dataset}: {type(exc).__name__}: {exc}", fix))
    return problems
