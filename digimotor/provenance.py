"""Provenance sidecars: every file under ``data/raw/`` says where it comes from.

A data file ``x.csv`` has a sidecar ``x.csv.meta.yml`` with at least

=============== ==============================================================
field           meaning
=============== ==============================================================
title           what the file holds
dataset         the dataset name it fits (see :mod:`digimotor.datasets`)
kind            ``published`` | ``public`` | ``synthetic`` | ``user``
producer        who made the numbers (the report's authors, SCB, PTS, a generator)
citation        for ``published``: report, figure/table, page and seed lines
date_accessed   when the numbers were read, fetched, generated or imported
licence         the terms the numbers are under
sha256          checksum of the data file; loaders refuse a file that differs
=============== ==============================================================

plus kind-specific fields (``exhibit``, ``page``, ``seed_lines`` and ``notes`` for published
data; ``generator``, ``seed`` and ``version`` for synthetic; ``original_file`` for user data).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_text
from .config import DATA_KINDS
from .errors import DataIntegrityError, DigimotorError

SIDECAR_SUFFIX = ".meta.yml"
REQUIRED_FIELDS = ("title", "dataset", "kind", "producer", "date_accessed", "licence", "sha256")


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(data_path: str | Path) -> Path:
    """Return the sidecar path of a data file (``x.csv`` -> ``x.csv.meta.yml``)."""
    data_path = Path(data_path)
    return data_path.with_name(data_path.name + SIDECAR_SUFFIX)


@dataclass
class Provenance:
    """The parsed sidecar of one data file."""

    path: Path
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.fields["kind"])

    @property
    def dataset(self) -> str:
        return str(self.fields["dataset"])

    @property
    def sha256(self) -> str:
        return str(self.fields["sha256"])

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_provenance(data_path: str | Path) -> Provenance:
    """Read and check the sidecar of ``data_path`` (fields present, kind known).

    Raises
    ------
    DataIntegrityError
        If the sidecar is missing, unreadable or incomplete.
    """
    import yaml

    data_path = Path(data_path)
    side = sidecar_path(data_path)
    if not side.exists():
        raise DataIntegrityError(
            f"{_relative(data_path)} has no provenance sidecar ({side.name})",
            hint="every file under data/raw/ needs one; bring files in with `digimotor import`",
        )
    try:
        fields = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataIntegrityError(f"{_relative(side)} is not valid YAML: {exc}") from exc
    if not isinstance(fields, dict):
        raise DataIntegrityError(f"{_relative(side)} must hold a mapping of fields")
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise DataIntegrityError(f"{_relative(side)} lacks the field(s) {', '.join(missing)}")
    if fields["kind"] not in DATA_KINDS:
        raise DataIntegrityError(
            f"{_relative(side)}: kind '{fields['kind']}' is not one of {', '.join(DATA_KINDS)}"
        )
    return Provenance(path=data_path, fields=fields)


def verify(data_path: str | Path) -> Provenance:
    """Check that ``data_path`` matches the checksum in its sidecar and return the sidecar.

    Raises
    ------
    DataIntegrityError
        If the file is missing or its bytes differ from what the sidecar records.
    """
    data_path = Path(data_path)
    prov = read_provenance(data_path)
    if not data_path.exists():
        raise DataIntegrityError(f"{_relative(data_path)} is missing (its sidecar exists)")
    actual = sha256_file(data_path)
    if actual != prov.sha256:
        if prov.kind in ("published", "synthetic"):
            fix = (
                f"restore it with `git checkout -- {_relative(data_path)}`"
                if prov.kind == "published"
                else "regenerate it with `digimotor synthetic`"
            )
        else:
            fix = f"bring the file in again with `digimotor import {prov.dataset} <file>`"
        raise DataIntegrityError(
            f"{_relative(data_path)} has changed since its sidecar was written "
            f"(sha256 {actual[:12]}… ≠ recorded {prov.sha256[:12]}…)",
            hint=fix,
        )
    return prov


def dump_sidecar(fields: dict[str, Any]) -> str:
    """Serialise sidecar fields as YAML in a stable order (required fields first)."""
    import yaml

    ordered = {key: fields[key] for key in REQUIRED_FIELDS if key in fields}
    ordered.update({key: value for key, value in fields.items() if key not in ordered})
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)


def write_sidecar(data_path: str | Path, fields: dict[str, Any]) -> Path:
    """Write the sidecar for ``data_path``, recording the file's current checksum.

    The data file must already be in place; ``sha256`` is computed here, never trusted
    from the caller.
    """
    data_path = Path(data_path)
    if fields.get("kind") not in DATA_KINDS:
        raise DigimotorError(f"sidecar kind must be one of {', '.join(DATA_KINDS)}")
    fields = {**fields, "sha256": sha256_file(data_path)}
    return write_text(sidecar_path(data_path), dump_sidecar(fields))


def write_snapshot(target: str | Path, body: bytes, fields: dict[str, Any]) -> Path:
    """Write a data file and its sidecar so that a failure leaves the previous pair intact.

    Both are staged as temporary files next to the target first (the sidecar records the
    checksum of the staged bytes); then the data file and the sidecar are moved into place.
    If the process dies between the two moves, :func:`verify` refuses the pair with a
    message that says how to write it again. Only ``digimotor import``, ``fetch`` and the
    synthetic generators call this.
    """
    import tempfile

    from .atomic import write_bytes

    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigimotorError(f"cannot create {target.parent}: {exc.strerror or exc}") from exc
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".staging-") as tmpdir:
        staged = Path(tmpdir) / target.name
        staged.write_bytes(body)
        side_text = dump_sidecar({**fields, "sha256": sha256_file(staged)})
        write_bytes(target, body)
        write_text(sidecar_path(target), side_text)
    return target
