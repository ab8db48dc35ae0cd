"""Snapshots: where a dataset's files live under ``data/raw/``, their sidecars, and loading them.

A *snapshot* is one file of a dataset with a provenance sidecar:

=========================================  ==========================================
``source`` parameter                        file
=========================================  ==========================================
``"published"``                             ``data/raw/published/<dataset>.csv``
``"synthetic"``                             ``data/raw/synthetic/<dataset>.csv``
any other name, e.g. ``"fyrbodal-2024"``    ``data/raw/user/<dataset>/<name>.csv`` or
                                            ``data/raw/public/<dataset>/<name>.csv``
=========================================  ==========================================

Users bring their own files in with ``digimotor import <dataset> <file>``
(:mod:`digimotor.importer`), which validates them against the spec and writes a snapshot;
notebooks then select it with their ``source`` parameter. :func:`load` verifies the checksum
in the sidecar and returns a tidy frame whose ``attrs["provenance"]`` says its kind. It takes
the dataset's :class:`~digimotor.schema.DatasetSpec`; :func:`digimotor.sources.registry.load`
takes a dataset's name. Base layer: no study imports.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import raw_dir
from .errors import DataIntegrityError, DigimotorError
from .schema import DatasetSpec, apply_dtypes, pandas_dtype

if TYPE_CHECKING:
    import pandas as pd

_SNAPSHOT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")  # always with fullmatch
_DATASET_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")  # always with fullmatch
# Windows device names: "nul.csv" is no file there, whatever follows the first dot.
_RESERVED_STEMS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}



def check_snapshot_name(name: str) -> str:
    """Validate a snapshot name (lower case letters, digits, ``.``, ``_`` and ``-``).

    The whole name must match: no trailing newline, no path separator, at most 64 characters.
    """
    if (not isinstance(name, str) or not _SNAPSHOT_NAME.fullmatch(name) or name in ("published", "synthetic")
            or name.split(".")[0] in _RESERVED_STEMS or name.endswith(".")):
        raise DigimotorError(
            f"{name!r} cannot name a snapshot",
            hint="use up to 64 lower-case letters, digits, '.', '_' or '-' (e.g. 'fyrbodal-2024'); "
            "'published', 'synthetic' and Windows device names (con, nul …) are reserved",
        )
    return name


def snapshot_path(dataset: str, source: str) -> Path:
    """Return the file of snapshot ``source`` of ``dataset`` (it may not exist yet for imports)."""
    if not isinstance(dataset, str) or not _DATASET_NAME.fullmatch(dataset):
        raise DigimotorError(f"{dataset!r} cannot name a dataset", hint="`digimotor template --list` shows them")
    raw = raw_dir()
    if source in ("published", "synthetic"):
        return raw / source / f"{dataset}.csv"
    check_snapshot_name(source)
    found = [raw / kind / dataset / f"{source}.csv" for kind in ("user", "public")]
    existing = [p for p in found if p.exists()]
    if len(existing) > 1:
        raise DataIntegrityError(
            f"snapshot '{source}' of {dataset} exists both as user and public data",
            hint="remove one of " + " and ".join(str(p) for p in existing),
        )
    return existing[0] if existing else found[0]


def available_snapshots(dataset: str) -> list[str]:
    """Names of the snapshots of ``dataset`` under ``data/raw/`` ("published", "synthetic", imports)."""
    if not isinstance(dataset, str) or not _DATASET_NAME.fullmatch(dataset):
        return []
    raw = raw_dir()
    found = [s for s in ("published", "synthetic") if (raw / s / f"{dataset}.csv").exists()]
    for kind in ("public", "user"):
        folder = raw / kind / dataset
        if folder.is_dir():
            found += sorted(p.stem for p in folder.glob("*.csv") if _SNAPSHOT_NAME.fullmatch(p.stem))
    return found


def load(spec: DatasetSpec, source: str = "published") -> pd.DataFrame:
    """Load snapshot ``source`` of the dataset ``spec`` describes as a tidy frame, after checking its checksum.

    The frame's ``attrs["provenance"]`` holds ``kind``, ``source``, ``snapshot``, ``path``,
    ``sha256``, ``title``, ``producer`` and ``citation``, so that tables and figures read which
    kind of number they show from the frame itself (:func:`digimotor.provenance.kind_of`).

    Raises
    ------
    DigimotorError
        If the snapshot does not exist (the message lists the ones that do).
    DataIntegrityError
        If the file differs from its sidecar, or the sidecar names another dataset.
    """
    import pandas as pd

    from .provenance import verify

    dataset = spec.name
    path = snapshot_path(dataset, source)
    if not path.exists():
        have = available_snapshots(dataset)
        hint = (
            "available: " + ", ".join(have) if have else "none is available yet"
        ) + f"; bring a file in with `digimotor import {dataset} <file> --name {source}`"
        raise DigimotorError(f"no snapshot '{source}' of dataset {dataset}", hint=hint)
    prov = verify(path)
    if prov.dataset != dataset:
        raise DataIntegrityError(
            f"{path} is recorded as dataset '{prov.dataset}', not '{dataset}'",
        )
    dtypes = {c.name: pandas_dtype(c) for c in spec.columns}
    frame = pd.read_csv(path, dtype={k: v for k, v in dtypes.items() if v in ("string", "Int64")},
                        keep_default_na=False, na_values=[""])
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise DataIntegrityError(f"{path} lacks the column(s) {', '.join(missing)}")
    frame = apply_dtypes(frame, spec)
    input_record = {
        "dataset": dataset,
        "source": source,
        "kind": prov.kind,
        "path": _project_relative(path),
        "sha256": prov.sha256,
        "title": prov.get("title"),
    }
    frame.attrs["provenance"] = {
        **input_record,
        "snapshot": path.stem,
        "producer": prov.get("producer"),
        "citation": _citation(prov.fields),
        **{key: prov.get(key) for key in ("exhibit", "page") if prov.get(key)},
    }
    from .manifest import record

    record("input", **input_record)
    return frame


def _citation(fields: dict[str, Any]) -> str | None:
    """A snapshot's citation line: the sidecar's ``citation`` (published data: report, exhibit,
    page), else who produced it and when."""
    if fields.get("citation"):
        return " ".join(str(fields["citation"]).split())
    producer, when = fields.get("producer"), fields.get("date_accessed")
    return f"{producer} ({when})" if producer and when else (str(producer) if producer else None)


#: The source value of an optional input a study does not have: an empty table, never another
#: region's data (notebook parameters that accept it list it under ``allowed``).
NO_DATA = "none"


def empty(spec: DatasetSpec, *, kind: str, note: str) -> pd.DataFrame:
    """An empty frame of ``spec``'s columns (typed) for :data:`NO_DATA`; ``note`` is its ``path``."""
    import pandas as pd

    frame = apply_dtypes(pd.DataFrame({c.name: pd.Series(dtype="object") for c in spec.columns}), spec)
    for col in spec.columns:
        if col.dtype != "category":
            frame[col.name] = frame[col.name].astype(pandas_dtype(col))
    frame.attrs["provenance"] = {"dataset": spec.name, "source": NO_DATA, "kind": kind, "path": note,
                                 "sha256": None, "title": note}
    return frame


def _project_relative(path: Path) -> str:
    from .config import project_root

    try:
        return path.resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)
