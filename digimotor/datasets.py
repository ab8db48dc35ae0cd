"""Datasets: named, documented tables that notebooks read through one route.

A *dataset* (``population_forecast``, ``dimios``, ``tbm_ledger`` …) has a schema, a
:class:`DatasetSpec`, declared in the :mod:`digimotor.sources` module that reads it. A
*snapshot* is one file of that dataset under ``data/raw/`` with a provenance sidecar:

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
in the sidecar and returns a tidy frame whose ``attrs["provenance"]`` says its kind.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import raw_dir
from .errors import DataIntegrityError, DigimotorError, InputFileError, UnknownRegionError
from .regions import fold

if TYPE_CHECKING:
    import pandas as pd

DTYPES = ("str", "int", "float", "year", "municipality", "category", "date", "bool")
MAX_REPORTED_PROBLEMS = 8
_SNAPSHOT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")  # always with fullmatch
_DATASET_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")  # always with fullmatch
# Windows device names: "nul.csv" is no file there, whatever follows the first dot.
_RESERVED_STEMS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_NA_TEXT = {"", "na", "n/a", "nan", "none", "null", ".."}
_TRUE = {"1", "ja", "j", "yes", "y", "true", "sant", "x"}
_FALSE = {"0", "nej", "n", "no", "false", "falskt"}
# A date column takes YYYY-MM-DD, optionally with a time of day (dropped) as spreadsheets export it.
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?")


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    ``dtype`` is one of ``str``, ``int``, ``float``, ``year``, ``municipality`` (a name or
    code, stored as the 4-character SCB code; synthetic data's pseudonyms such as
    "Kommun 01" are kept as they are), ``category`` (one of ``allowed``), ``date``
    (ISO ``YYYY-MM-DD``, optionally followed by a time of day after a space or ``T``, which
    is dropped; nothing else) or ``bool`` (ja/nej, yes/no, 1/0). ``int`` and ``year`` are
    read exactly within the 64-bit range; numbers that are not finite (``inf``) are errors,
    never compared with ``min``/``max``. ``aliases`` are other header texts accepted on
    import (Swedish and English); matching ignores case and diacritics.
    """

    name: str
    dtype: str
    description: str
    unit: str = ""
    required: bool = True
    aliases: tuple[str, ...] = ()
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    example: Any = None

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} not in {DTYPES}")
        if self.dtype == "category" and not self.allowed:
            raise ValueError(f"column {self.name}: a category needs allowed values")

    def header_keys(self) -> set[str]:
        return {fold(self.name), *(fold(a) for a in self.aliases)}


@dataclass(frozen=True)
class DatasetSpec:
    """The schema of a dataset, used to validate imports, write templates and load snapshots.

    ``key`` names the columns that identify a row: two rows with the same key are an error.
    ``check`` is an optional extra rule ``check(frame, file) -> None`` that raises
    :class:`~digimotor.errors.InputFileError` (it sees the ``__row__`` column).
    ``reader`` is an optional function ``reader(path, spec, **options) -> frame`` for file
    formats that are not plain tables (PC-Axis, json-stat2); it returns raw cells like
    :func:`digimotor.sources.files.read_rows`.
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    check: Callable[[pd.DataFrame, str], None] | None = None
    reader: Callable[..., pd.DataFrame] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def describe(self) -> str:
        """A plain-text column table for ``digimotor template`` and docstrings."""
        lines = [f"{self.name}: {self.title}", "", self.description, ""]
        for col in self.columns:
            need = "required" if col.required else "optional"
            extra = ""
            if col.allowed:
                extra = " one of: " + ", ".join(col.allowed)
            elif col.min is not None or col.max is not None:
                extra = f" range {col.min if col.min is not None else '-inf'}–{col.max if col.max is not None else 'inf'}"
            unit = f" [{col.unit}]" if col.unit else ""
            lines.append(f"  {col.name:<24} {col.dtype:<12} {need:<9}{unit} {col.description}{extra}")
        if self.key:
            lines += ["", "  one row per: " + ", ".join(self.key)]
        return "\n".join(lines)


_REGISTRY: dict[str, DatasetSpec] = {}
_DISCOVERED = False


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add a dataset spec to the registry (called by the :mod:`digimotor.sources` modules)."""
    existing = _REGISTRY.get(spec.name)
    if existing is not None and existing is not spec:
        raise ValueError(f"dataset {spec.name!r} is registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    from . import sources

    for info in pkgutil.iter_modules(sources.__path__):
        importlib.import_module(f"{sources.__name__}.{info.name}")
    _DISCOVERED = True


def get(name: str) -> DatasetSpec:
    """Return the spec of dataset ``name``; an unknown name lists the known ones."""
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = ("did you mean " + ", ".join(close) + "? ") if close else ""
        raise DigimotorError(
            f"unknown dataset '{name}'", hint=hint + "known datasets: " + ", ".join(sorted(_REGISTRY))
        ) from None


def names() -> list[str]:
    """All registered dataset names."""
    _discover()
    return sorted(_REGISTRY)


# ---------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------


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


def load(dataset: str, source: str = "published") -> pd.DataFrame:
    """Load snapshot ``source`` of ``dataset`` as a tidy frame, after checking its checksum.

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

    spec = get(dataset)
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
    dtypes = {c.name: _pandas_dtype(c) for c in spec.columns}
    frame = pd.read_csv(path, dtype={k: v for k, v in dtypes.items() if v in ("string", "Int64")},
                        keep_default_na=False, na_values=[""])
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise DataIntegrityError(f"{path} lacks the column(s) {', '.join(missing)}")
    frame = _apply_dtypes(frame, spec)
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


def _project_relative(path: Path) -> str:
    from .config import project_root

    try:
        return path.resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)


def _pandas_dtype(col: Column) -> str:
    return {
        "str": "string",
        "municipality": "string",
        "category": "category",
        "date": "string",
        "int": "Int64",
        "year": "Int64",
        "float": "float64",
        "bool": "boolean",
    }[col.dtype]


def _apply_dtypes(frame: pd.DataFrame, spec: DatasetSpec) -> pd.DataFrame:
    import pandas as pd

    out = frame.copy()
    for col in spec.columns:
        if col.name not in out.columns:
            continue
        if col.dtype == "category":
            out[col.name] = pd.Categorical(out[col.name], categories=list(col.allowed or ()), ordered=True)
        elif col.dtype == "bool":
            out[col.name] = out[col.name].map(
                lambda v: pd.NA if pd.isna(v) else str(v).strip().lower() in _TRUE
            ).astype("boolean")
        elif col.dtype in ("int", "year"):
            out[col.name] = pd.array(out[col.name], dtype="Int64")
        elif col.dtype == "float":
            out[col.name] = out[col.name].astype("float64")
        else:
            out[col.name] = out[col.name].astype("string")
    ordered = [c.name for c in spec.columns if c.name in out.columns]
    return out[ordered + [c for c in out.columns if c not in ordered]]


# ---------------------------------------------------------------------------------------
# Validation of raw cells against a spec
# ---------------------------------------------------------------------------------------


_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_INTEGER = re.compile(r"[-+]?\d+")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_EXACT_FLOAT = 2**53  # whole numbers from here on are not all exact as floats
_DASHES = {"-", "\u2013", "\u2014", "\u2212"}  # hyphen, en dash, em dash, minus sign
_SPACES = ("\u00a0", "\u202f", "\u2009", "\u2007", "\u200a", " ")  # no-break, narrow, thin, figure, hair
DASH_MEANINGS = ("missing", "zero")


def _number_text(value: object) -> str:
    """A number as written in a Swedish file, normalised for :func:`float`/:func:`int`."""
    text = str(value).strip().replace("\u2212", "-").replace("\u2013", "-")
    for space in _SPACES:
        text = text.replace(space, "")
    text = text.removesuffix("%")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    return text


def parse_number(value: object, *, dash: str = "missing") -> float | None:
    """Parse a number as Swedish files write it: ``1 234,5``, ``−3,4``, ``–3,4``, ``45,3 %`` …

    Returns ``None`` for empty cells (and a float NaN from a workbook) and SCB's ``..``
    (uppgift saknas); raises ``ValueError`` for text that is not a number and for numbers that
    are not finite (``inf``, ``1e999``): those are never compared with a column's range. A
    comma is a decimal separator; spaces (also no-break, narrow no-break, thin and figure
    spaces) separate thousands; the minus sign U+2212 and the en dash are minus signs. A lone
    dash ("-", "–", "—") is ``None`` or ``0.0`` as ``dash`` says ("missing" or "zero"; take it
    from the source's legend).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a truth value is not a number")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"{value} is too large to be a number here") from None
    else:
        text = str(value).strip()
        if text.casefold() in _NA_TEXT:
            return None
        if text in _DASHES:
            return 0.0 if dash == "zero" else None
        text = _number_text(text)
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"'{value}' is not a number")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not a finite number")
    return number


def parse_integer(value: object, *, dash: str = "missing") -> int | None:
    """Parse a whole number exactly (never through a float), within the 64-bit range.

    Accepts what :func:`parse_number` accepts when the value is whole (``12 600``,
    ``12600,0``); returns ``None`` for empty cells (a lone dash as :func:`parse_number` says).
    Raises ``ValueError`` for a fraction, for a number outside -2**63 .. 2**63-1, and for a
    whole number written with decimals or an exponent that is too large for a float to hold
    exactly (2**53 and above).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a truth value is not a number")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().casefold() not in _NA_TEXT:
        text = _number_text(value)
        if _INTEGER.fullmatch(text):
            if len(text.lstrip("+-").lstrip("0")) > 19:
                raise ValueError(f"'{value.strip()}' is beyond the 64-bit integer range")
            number = int(text)
    if number is None:
        real = parse_number(value, dash=dash)
        if real is None:
            return None
        if real != int(real):
            raise ValueError(f"'{value}' is not a whole number")
        if abs(real) >= _EXACT_FLOAT:
            raise ValueError(f"'{value}' is too large to be read exactly; write it as a whole number without "
                             "decimals or exponent")
        number = int(real)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f"'{value}' is beyond the 64-bit integer range")
    return number


def _missing_marker(value: object) -> str | None:
    """The marker a cell uses for a missing or zero value ("..", "–"), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text == ".." or text in _DASHES else None


def _match_headers(frame_columns: Sequence[str], spec: DatasetSpec) -> dict[str, str]:
    """File header -> spec column name, for headers that match a column or alias."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for key in col.header_keys():
            lookup[key] = col.name
    return {h: lookup[fold(h)] for h in frame_columns if fold(h) in lookup}


def header_matcher(spec: DatasetSpec) -> Callable[[list[str]], bool]:
    """A predicate for :func:`~digimotor.sources.files.read_rows`: does a row look like the header?"""
    required = [c for c in spec.columns if c.required]

    def is_header(cells: list[str]) -> bool:
        keys = {fold(c) for c in cells}
        hits = sum(1 for c in required if c.header_keys() & keys)
        return hits >= max(1, math.ceil(len(required) / 2))

    return is_header


class Problems:
    """Collect every problem of a file, then raise them together as one :class:`InputFileError`.

    Each problem has a row, a column (as the file writes it), a message and optionally its
    fix. Problems with the same column, message and fix are merged ("rows 3, 5, 9"); the
    error names the first problem's row and column (in file order) and lists the others with their fixes
    (the first ``MAX_REPORTED_PROBLEMS`` kinds, then a count).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[tuple[int | None, str | None, str, str | None]] = []

    def add(self, row: int | None, column: str | None, message: str, hint: str | None = None) -> None:
        self.items.append((row, column, message, hint))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, hint: str | None = None) -> None:
        if not self.items:
            return
        groups: dict[tuple[str | None, str, str | None], list[int | None]] = {}
        ordered = sorted(self.items, key=lambda item: -1 if item[0] is None else item[0])  # file order
        for row, column, message, fix in ordered:
            groups.setdefault((column, message, fix or hint), []).append(row)
        (column, message, fix), rows = next(iter(groups.items()))
        if len(rows) > 1:
            message += f" (also {'rows' if len(rows) > 2 else 'row'} {_rows_text(rows[1:])})"
        others = list(groups.items())[1:]
        if others:
            shown = "; ".join(
                f"{'rows' if len(r) > 1 else 'row'} {_rows_text(r)} column '{c}': {m}" + (f" — {f}" if f else "")
                for (c, m, f), r in others[:MAX_REPORTED_PROBLEMS]
            )
            rest = len(others) > MAX_REPORTED_PROBLEMS
            message += f" (and {len(self.items) - len(rows)} more: {shown}{'; …' if rest else ''})"
        raise InputFileError(message, file=self.file, row=rows[0], column=column, hint=fix)


_Problems = Problems


def _rows_text(rows: Sequence[int | None], limit: int = 12) -> str:
    shown = ", ".join(str(r) for r in rows[:limit] if r is not None)
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def conform(
    raw: pd.DataFrame, spec: DatasetSpec, file: str, *, within: Sequence[str] | None = None, dash: str = "missing",
    options: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Validate raw cells (from :func:`read_rows`) against ``spec`` and return a tidy frame.

    Headers are matched to columns by name or alias; cells are parsed by type; every
    problem is collected and the first few are reported together, each with its row and
    column. The returned frame keeps ``__row__`` for further checks. Number cells that hold
    SCB's ".." (missing) or a lone dash (missing or zero, as ``dash`` says) are kept as
    missing or zero and listed in ``frame.attrs["cell_notes"]``. ``options`` (e.g. the
    capability catalogue to check against) reach ``spec.check`` as ``frame.attrs["options"]``.

    Raises
    ------
    InputFileError
        Naming file, row and column of the first problem (and listing more).
    """
    import pandas as pd

    from .sources.files import ROW

    mapping = _match_headers([c for c in raw.columns if c != ROW], spec)
    missing = [c.name for c in spec.columns if c.required and c.name not in mapping.values()]
    if missing:
        expected = "; ".join(
            f"{c.name} (also: {', '.join(c.aliases)})" if c.aliases else c.name
            for c in spec.columns
            if c.name in missing
        )
        raise InputFileError(
            f"missing column(s): {expected}",
            file=file,
            row=None,
            hint="found: " + ", ".join(str(c) for c in raw.columns if c != ROW)
            + f"; `digimotor template {spec.name}` writes a file with the right header",
        )
    dup_targets = [t for t in set(mapping.values()) if list(mapping.values()).count(t) > 1]
    if dup_targets:
        raise InputFileError(
            f"several columns map to '{dup_targets[0]}'",
            file=file,
            hint="keep one of: " + ", ".join(h for h, t in mapping.items() if t == dup_targets[0]),
        )
    by_target = {target: header for header, target in mapping.items()}
    raw = _drop_units_row(raw, spec, by_target)
    # A län/county column the spec does not use settles names that exist in two counties.
    from .regions import is_county_header

    county_header = next((h for h in raw.columns if h != ROW and h not in mapping and is_county_header(h)), None)
    if dash not in DASH_MEANINGS:
        raise DigimotorError(f"a lone dash means 'missing' or 'zero', not '{dash}'")
    problems = _Problems(file)
    notes: list[str] = []
    out: dict[str, list[Any]] = {ROW: list(raw[ROW])}
    for col in spec.columns:
        header = by_target.get(col.name)
        if header is None:
            out[col.name] = [None] * len(raw)
            continue
        parsed: list[Any] = []
        # Exports repeat the same few values (names, years, categories) on many rows:
        # parse each distinct value once.
        cache: dict[object, tuple[bool, Any]] = {}
        # A column whose names keep their diacritics (Håbo, Åmål) settles "Habo" as Habo.
        exact_names = col.dtype == "municipality" and any(
            isinstance(v, str) and not v.isascii() for v in raw[header]
        )
        counties = raw[county_header] if county_header and col.dtype == "municipality" else [None] * len(raw)
        for row_number, value, county in zip(raw[ROW], raw[header], counties, strict=True):
            try:
                key: object = (type(value), value, county)
                hash(key)
            except TypeError:
                key = None
            result = cache.get(key) if key is not None else None
            if result is None:
                try:
                    result = (True, _parse_cell(value, col, within, exact_names, county, dash))
                except (ValueError, ArithmeticError, UnknownRegionError) as exc:
                    result = (False, str(exc))
                if key is not None:
                    cache[key] = result
            ok, parsed_value = result
            if ok:
                parsed.append(parsed_value)
            else:
                problems.add(int(row_number), header, parsed_value)
                parsed.append(None)
        out[col.name] = parsed
        if col.dtype in ("int", "float"):
            notes += _marker_notes(raw[ROW], raw[header], header, dash)
    frame = pd.DataFrame(out)
    frame.attrs.update(raw.attrs)
    frame.attrs["cell_notes"] = notes
    frame.attrs["options"] = dict(options or {})
    frame.attrs["headers"] = dict(by_target)  # column -> the file's header, for errors raised by spec.check
    if frame.empty:
        raise InputFileError("the file has a header but no data rows", file=file)
    if spec.key:  # reported together with the cell problems (rows whose key cells parsed)
        keys = list(spec.key)
        bad_rows = {row for row, *_ in problems.items}
        dup = frame.duplicated(keys, keep="first") & ~frame[ROW].isin(bad_rows)
        first_row = frame.groupby(keys, dropna=False, sort=False)[ROW].transform("first")
        for row_number, first in zip(frame.loc[dup, ROW], first_row[dup], strict=True):
            problems.add(int(row_number), ", ".join(keys),
                         f"duplicates row {first} (same {', '.join(keys)})", "remove or merge the duplicated rows")
    problems.raise_if_any()
    if spec.check is not None:
        spec.check(frame, file)
    return frame


def _marker_notes(rows: Sequence[Any], values: Sequence[Any], header: str, dash: str) -> list[str]:
    """One note per marker in a number column: how many cells, read as what, on which rows."""
    found: dict[str, list[int]] = {}
    for row_number, value in zip(rows, values, strict=True):
        marker = _missing_marker(value)
        if marker is not None:
            found.setdefault(marker, []).append(int(row_number))
    notes = []
    for marker, where in found.items():
        meaning = "missing (SCB: uppgift saknas)" if marker == ".." else (
            "zero" if dash == "zero" else "missing")
        shown = ", ".join(str(r) for r in where[:10]) + (", …" if len(where) > 10 else "")
        notes.append(f"column '{header}': {len(where)} cell(s) '{marker}' read as {meaning} (rows {shown})")
    return notes


def _drop_units_row(raw: pd.DataFrame, spec: DatasetSpec, by_target: dict[str, str]) -> pd.DataFrame:
    """Drop a second header row that only carries units ("antal", "%", "tkr").

    Statistics exports often put units on the row under the column names. Such a row is
    recognised when it is the very next row after the header, every numeric column holds
    text that is not a number or nothing, and every other required column is empty.
    """
    from .sources.files import ROW

    header_row = raw.attrs.get("header_row")
    if raw.empty or header_row is None or int(raw[ROW].iloc[0]) != header_row + 1:
        return raw
    first = raw.iloc[0]
    saw_unit = False
    for col in spec.columns:
        header = by_target.get(col.name)
        if header is None:
            continue
        value = first[header]
        blank = value is None or str(value).strip() == ""
        if col.dtype in ("int", "float"):
            if blank:
                continue
            try:
                parse_number(value)
                return raw
            except ValueError:
                saw_unit = True
        elif col.required and not blank:
            return raw
    if not saw_unit:
        return raw
    trimmed = raw.iloc[1:].reset_index(drop=True)
    trimmed.attrs.update(raw.attrs)
    trimmed.attrs["units_row"] = int(first[ROW])
    return trimmed


def _parse_cell(
    value: object, col: Column, within: Sequence[str] | None, exact_names: bool = False, county: object = None,
    dash: str = "missing",
) -> Any:
    from .regions import resolve_municipality

    text = None if value is None else str(value).strip()
    empty = text is None or text.casefold() in _NA_TEXT or (isinstance(value, float) and math.isnan(value))
    if empty:
        if col.required:
            raise ValueError("'..' marks a missing value (SCB: uppgift saknas), but the column is required"
                             if text == ".." else "the value is missing; fill it in or remove the row")
        return None
    if col.dtype in ("int", "float", "year"):
        number = parse_integer(value, dash=dash) if col.dtype in ("int", "year") else parse_number(value, dash=dash)
        if number is None:
            if col.required:
                if _missing_marker(value):
                    raise ValueError(f"'{text}' marks a missing value, but the column is required"
                                     + (" (if the source's legend says '-' is zero, import with --dash zero)"
                                        if text in _DASHES else ""))
                raise ValueError("the value is missing; fill it in or remove the row")
            return None
        if col.dtype in ("int", "year"):
            if col.dtype == "year" and not 1900 <= number <= 2100:
                raise ValueError(f"{number} is not a plausible year")
        low = col.min if col.min is not None else -math.inf
        high = col.max if col.max is not None else math.inf
        if not low <= number <= high:
            raise ValueError(f"{value} is outside the allowed range {col.min}–{col.max}")
        return number
    if col.dtype == "municipality":
        from .regions import is_pseudonym

        if is_pseudonym(text):  # synthetic example units keep their pseudonym
            return text
        county = None if county is None or (isinstance(county, float) and math.isnan(county)) else county
        return resolve_municipality(text, within=within, exact_names=exact_names, county=county)
    if col.dtype == "category":
        allowed = {fold(a): a for a in col.allowed or ()}
        key = fold(text)
        if key not in allowed:
            raise ValueError(f"'{text}' is not allowed; use one of: {', '.join(col.allowed or ())}")
        return allowed[key]
    if col.dtype == "bool":
        key = text.casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueError(f"'{text}' is not yes/no (ja/nej, 1/0)")
    if col.dtype == "date":
        import datetime as dt

        if hasattr(value, "date") and not isinstance(value, str):
            return value.date().isoformat()  # a datetime from a workbook
        match = _DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            if match[2]:
                dt.time.fromisoformat(match[2])
            return dt.date.fromisoformat(match[1]).isoformat()
        except ValueError:
            raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD") from None
    return text


def to_tidy_csv(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """Serialise a conformed frame as the canonical snapshot CSV (UTF-8, comma, dot decimals)."""
    columns = [c.name for c in spec.columns if c.required or c.name in frame.columns]
    body = frame[columns].to_csv(index=False, lineterminator="\n")
    return body.encode("utf-8")
