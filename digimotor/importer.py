"""``digimotor import`` and ``digimotor template``: the one route for a user's own data.

:func:`import_file` reads a CSV/XLSX file (or a format a dataset's spec knows how to read),
validates it against the dataset's schema, and writes the tidy result under
``data/raw/<kind>/<dataset>/<name>.csv`` with a provenance sidecar, atomically: a failed
import leaves the previous snapshot untouched. Notebooks then use it with
``source="<name>"``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from .atomic import write_bytes
from .config import raw_dir
from .datasets import DatasetSpec, check_snapshot_name, conform, get, header_matcher, to_tidy_csv
from .errors import DigimotorError
from .provenance import write_snapshot


def default_snapshot_name(file: str | Path) -> str:
    """A snapshot name from a file name: ``Fyrbodal DiMiOS 2024.xlsx`` -> ``fyrbodal-dimios-2024``."""
    from .regions import fold

    stem = fold(Path(file).stem)
    name = re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-._")[:64]
    try:
        return check_snapshot_name(name)
    except DigimotorError:  # empty, reserved ("published", "nul" …)
        return "imported"


def read_for_dataset(spec: DatasetSpec, file: str | Path, *, sheet: str | None = None,
                     within: Sequence[str] | None = None, dash: str = "missing", options: dict | None = None,
                     keep: Callable | None = None):
    """Read and validate ``file`` as ``spec``; return the conformed frame (with ``__row__``).

    ``keep`` (raw cells -> raw cells) drops rows before validation, keeping their row numbers
    (a study's template rows that were pre-filled and left blank).
    """
    from .sources.files import read_rows

    if spec.reader is not None:
        raw = spec.reader(Path(file), spec, sheet=sheet)
    else:
        raw = read_rows(file, is_header=header_matcher(spec), sheet=sheet)
    if keep is not None:
        raw = keep(raw)
    return conform(raw, spec, str(file), within=within, dash=dash, options=options)


def import_file(
    dataset: str,
    file: str | Path,
    *,
    name: str | None = None,
    kind: str = "user",
    sheet: str | None = None,
    title: str | None = None,
    producer: str | None = None,
    licence: str | None = None,
    citation: str | None = None,
    within: Sequence[str] | None = None,
    extra: dict | None = None,
    replace: bool = False,
    dash: str = "missing",
    options: dict | None = None,
    keep: Callable | None = None,
) -> Path:
    """Validate ``file`` as ``dataset`` and store it as snapshot ``name``.

    Parameters
    ----------
    dataset
        A registered dataset (``digimotor template`` lists them).
    file
        CSV (comma or semicolon, UTF-8 or Windows-1252, decimal comma), or XLSX.
    name
        Snapshot name (default: from the file name). Notebooks use it as ``source``.
    kind
        ``user`` (default) for your own data, ``public`` for official statistics you downloaded.
    replace
        Overwrite an existing snapshot of that name. The old data and sidecar are kept until
        the new pair is completely written, and put back if writing fails.
    dash
        What a lone dash ("-", "–") in a number column means, as the source's legend says:
        ``missing`` (default) or ``zero``. Either way the sidecar notes the cells.
    options
        Dataset-specific choices the checks use, recorded in the sidecar: ``{"catalogue":
        name}`` checks capability names against a study's catalogue.
    keep
        Raw cells -> the rows to import (see :func:`read_for_dataset`).

    Returns
    -------
    pathlib.Path
        The written snapshot file.

    Raises
    ------
    InputFileError
        If the file does not fit the schema (naming file, row and column).
    SnapshotExistsError
        If snapshot ``name`` exists and ``replace`` is false, or exists as the other kind.
    """
    if kind not in ("user", "public"):
        raise DigimotorError(f"an import is of kind 'user' or 'public', not '{kind}'")
    spec = get(dataset)
    name = check_snapshot_name(name or default_snapshot_name(file))
    frame = read_for_dataset(spec, file, sheet=sheet, within=within, dash=dash, options=options, keep=keep)
    target = raw_dir() / kind / dataset / f"{name}.csv"
    other = raw_dir() / ("public" if kind == "user" else "user") / dataset / f"{name}.csv"
    body = to_tidy_csv(frame, spec)
    fields = {
        "title": title or f"{spec.title} — imported from {Path(file).name}",
        "dataset": dataset,
        "kind": kind,
        "producer": producer or ("the user" if kind == "user" else "see citation"),
        "date_accessed": dt.date.today().isoformat(),
        "licence": licence or "as the user's file (not stated)",
        "citation": citation or "",
        "original_file": Path(file).name,
        "original_sha256": _original_sha256(file),
        "rows": int(len(frame)),
        "columns": [c.name for c in spec.columns],
    }
    if options:
        fields["options"] = dict(options)
    if frame.attrs.get("cell_notes"):  # "..", "–" kept as missing or zero
        fields["cell_notes"] = list(frame.attrs["cell_notes"])
    if frame.attrs.get("sheet"):
        fields["sheet"] = frame.attrs["sheet"]
    if frame.attrs.get("sheets_skipped_hidden"):
        fields["sheets_skipped_hidden"] = list(frame.attrs["sheets_skipped_hidden"])
    if callable(spec.extra.get("sidecar_fields")):  # dataset-specific facts, e.g. a cost definition
        fields.update(spec.extra["sidecar_fields"](frame))
    fields.update(extra or {})
    write_snapshot(target, body, fields, replace=replace, conflicts=[other])
    return target


def write_template(dataset: str, folder: str | Path = ".", *, formats: Sequence[str] = ("csv", "xlsx"),
                   rows: Sequence[dict] | None = None, extra_columns: Sequence[str] = (),
                   stem: str | None = None) -> list[Path]:
    """Write an empty template of ``dataset`` (header + one example row) as CSV and/or XLSX.

    The CSV uses semicolons, as Swedish Excel expects; the workbook has a second sheet that
    documents every column. ``rows`` replaces the example row (pre-filled rows, or none);
    ``extra_columns`` are helper columns the import ignores (e.g. a municipality's name);
    ``stem`` names the files (default ``<dataset>_template``).
    """
    import pandas as pd

    spec = get(dataset)
    folder = Path(folder)
    example = {c.name: ("" if c.example is None else c.example) for c in spec.columns}
    columns = [*spec.column_names, *extra_columns]
    if rows is None:
        frame = pd.DataFrame([example], columns=columns)
    else:
        frame = pd.DataFrame(list(rows), columns=columns, dtype=object).fillna("")
    written = []
    stem = stem or f"{dataset}_template"
    if "csv" in formats:
        target = folder / f"{stem}.csv"
        write_bytes(target, frame.to_csv(index=False, sep=";", lineterminator="\n").encode("utf-8-sig"))
        written.append(target)
    if "xlsx" in formats:
        target = folder / f"{stem}.xlsx"
        doc = pd.DataFrame(
            [
                {
                    "column": c.name,
                    "type": c.dtype,
                    "required": "yes" if c.required else "no",
                    "unit": c.unit,
                    "allowed": ", ".join(c.allowed) if c.allowed else (
                        f"{c.min}–{c.max}" if c.min is not None or c.max is not None else ""
                    ),
                    "also accepted as header": ", ".join(c.aliases),
                    "description": c.description,
                }
                for c in spec.columns
            ]
        )
        from .atomic import atomic_path

        with atomic_path(target) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                frame.to_excel(writer, sheet_name=dataset[:31], index=False)
                doc.to_excel(writer, sheet_name="columns", index=False)
        written.append(target)
    return written


def _original_sha256(file: str | Path) -> str:
    """SHA-256 of the user's file, read through the same checks as the import (never a pipe)."""
    import hashlib

    from .sources.inputs import open_input

    digest = hashlib.sha256()
    with open_input(file) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
