"""Validation of raw cells against a dataset's schema, with the file, row and column of every problem.

:func:`conform` turns the raw cells of :func:`digimotor.sources.files.read_rows` (every cell as
text, the row number in ``__row__``) into a typed frame or raises one
:class:`~digimotor.errors.InputFileError` that names each problem. :func:`parse_number` and
:func:`parse_integer` read numbers as Swedish files write them. Base layer: no study imports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import DigimotorError, InputFileError, UnknownRegionError
from .regions import fold
from .schema import FALSE_TEXTS, ROW, TRUE_TEXTS, Column, DatasetSpec, match_headers

if TYPE_CHECKING:
    import pandas as pd

MAX_REPORTED_PROBLEMS = 8
_NA_TEXT = {"", "na", "n/a", "nan", "none", "null", ".."}
# A date column takes YYYY-MM-DD, optionally with a time of day (dropped) as spreadsheets export it.
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?")


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

    mapping = match_headers([c for c in raw.columns if c != ROW], spec)
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
    problems = Problems(file)
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
        if key in TRUE_TEXTS:
            return True
        if key in FALSE_TEXTS:
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
