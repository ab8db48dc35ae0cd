"""PTS broadband tables in the two layouts PTS publishes them in (read by :func:`pts.read_pts_table`).

* **Three header rows** — a measure row ("Tillgång till fast bredband om minst 100 Mbit/s …",
  written once over the columns it spans), a year row and a premises row (Hushåll /
  Arbetsställen); one row per municipality below; shares as **fractions** (0.58 = 58 %).
* **Long sheet** — one row per municipality, year and area, with an area column (Område:
  Totalt, Utanför tätort och småort … up to 2019; Tätbebyggt / Glesbebyggt from 2020) and one
  column per premises (Hushåll, Arbetsställen); fractions or percent (all values ≤ 1 → fractions).

These layouts are as described for PTS's files as republished (issue 13); no PTS file was read
here, so the fixtures are **assumed** (``tests/fixtures/public/README.md``). A file in neither
layout falls through to the declared column mapping (``<file>.columns.yml``) or the default one.
Only measures of at least 100 Mbit/s are read; a column with another measure (1 Gbit/s, fibre)
is left out and counted in ``frame.attrs["skipped_columns"]``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError
from ..model.broadband import AREA_TEXTS, PREMISES_TEXTS
from ..regions import fold

if TYPE_CHECKING:
    import pandas as pd

ROW = "__row__"
_MUNICIPALITY = {"kommun", "kommunnamn", "kommunkod", "kommun kod", "municipality"}
_YEAR = {"ar", "year", "artal"}
_AREA = {"omrade", "omradestyp", "area", "geografi", "typ av omrade"}


def _cells(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    """Every row of the file as stripped texts, with its 1-based row number."""
    import csv
    import io

    from .files import _sniff_delimiter, decode_bytes

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise InputFileError(f"cannot open the workbook: {exc}", file=str(path)) from exc
        try:
            name = sheet if sheet is not None else book.sheetnames[0]
            rows = [(n, ["" if c is None else str(c).strip() for c in cells])
                    for n, cells in enumerate(book[name].iter_rows(values_only=True), start=1)]
        finally:
            book.close()
        return rows
    text, _encoding = decode_bytes(path.read_bytes(), str(path))
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(lines))
    return [(n, [c.strip() for c in cells]) for n, cells in enumerate(reader, start=1)]


def _premises(text: str) -> str | None:
    return PREMISES_TEXTS.get(fold(text).strip())


def _area(text: str) -> str | None:
    key = fold(text).strip()
    if key in AREA_TEXTS:
        return AREA_TEXTS[key]
    for phrase, area in sorted(AREA_TEXTS.items(), key=lambda kv: -len(kv[0])):
        if len(phrase) > 6 and phrase in key:
            return area
    return None


def _is_100_mbit(measure: str) -> bool:
    key = fold(measure)
    return bool(re.search(r"100\s*mbit", key)) and "gbit" not in key


def _share(value: str, divisor: float, file: str, row: int, column: str) -> float | None:
    from ..conform import parse_number

    if value is None or str(value).strip() in ("", "-", "..", "."):
        return None
    try:
        number = parse_number(value)
    except ValueError:
        raise InputFileError(f"'{value}' is not a share", file=file, row=row, column=column) from None
    return round(float(number) * divisor, 10)


def read_known_layout(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame | None:
    """Raw ``broadband`` cells from a PTS table in one of the two layouts, or None if it is in neither."""
    path = Path(path)
    rows = _cells(path, sheet)
    found = _three_header_rows(rows, str(path))
    if found is None:
        found = _long_sheet(rows, str(path))
    return found


def _three_header_rows(rows: list[tuple[int, list[str]]], file: str) -> pd.DataFrame | None:
    import pandas as pd

    for i in range(len(rows) - 3):
        _n1, measures = rows[i]
        _n2, years = rows[i + 1]
        n3, premises = rows[i + 2]
        year_cols = [j for j, c in enumerate(years) if re.fullmatch(r"\d{4}", c)]
        premises_cols = [j for j, c in enumerate(premises) if _premises(c)]
        if not year_cols or not premises_cols or not any("mbit" in fold(c) or "bredband" in fold(c) for c in measures):
            continue
        header = [next((h for h in (measures[j] if j < len(measures) else "", years[j] if j < len(years) else "",
                                     premises[j] if j < len(premises) else "") if fold(h) in _MUNICIPALITY), "")
                  for j in range(max(len(measures), len(years), len(premises)))]
        municipality_cols = [j for j, h in enumerate(header) if h]
        if not municipality_cols:
            raise InputFileError("the table has three header rows (measure / year / premises) but no "
                                 "municipality column", file=file, row=n3,
                                 hint="expected a column named Kommun or Kommunkod")
        code_col = next((j for j in municipality_cols if "kod" in fold(header[j])), municipality_cols[0])
        measure, year = "", ""
        columns = []
        skipped = []
        for j in range(len(premises)):
            measure = measures[j] if j < len(measures) and measures[j] else measure
            year = years[j] if j < len(years) and years[j] else year
            kind = _premises(premises[j]) if j < len(premises) else None
            if kind is None:
                continue
            if not _is_100_mbit(measure):
                skipped.append(f"{measure} {year} {premises[j]}".strip())
                continue
            area = _area(measure) or "total"
            columns.append((j, kind, area, int(year), f"{measure} / {year} / {premises[j]}"))
        if not columns:
            raise InputFileError("no column of the table measures fixed broadband of at least 100 Mbit/s",
                                 file=file, row=rows[i][0], hint="measures found: " + "; ".join(skipped))
        records = []
        for number, cells in rows[i + 3:]:
            if not any(cells) or code_col >= len(cells) or not cells[code_col]:
                continue
            for j, kind, area, year_value, name in columns:
                records.append({"municipality_code": cells[code_col], "year": year_value, "premises": kind,
                                "area": area, "share_pct": _share(cells[j] if j < len(cells) else "", 100.0,
                                                                  file, number, name),
                                ROW: number})
        frame = pd.DataFrame(records)
        frame.attrs.update({"header_row": None, "column_mapping": "PTS layout: three header rows, fractions",
                            "skipped_columns": skipped})
        return frame
    return None


def _long_sheet(rows: list[tuple[int, list[str]]], file: str) -> pd.DataFrame | None:
    import pandas as pd

    for i, (number, cells) in enumerate(rows):
        keys = [fold(c) for c in cells]
        municipality = [j for j, k in enumerate(keys) if k in _MUNICIPALITY]
        area = [j for j, k in enumerate(keys) if k in _AREA]
        premises = [(j, _premises(c)) for j, c in enumerate(cells) if _premises(c)]
        if not municipality or not area or not premises:
            continue
        code_col = next((j for j in municipality if "kod" in keys[j]), municipality[0])
        year_col = next((j for j, k in enumerate(keys) if k in _YEAR), None)
        if year_col is None:
            raise InputFileError("the long PTS sheet has no year column", file=file, row=number,
                                 hint="expected a column År")
        body = [(n, c) for n, c in rows[i + 1:] if any(c)]
        numbers = []
        for _n, c in body:
            for j, _kind in premises:
                try:
                    from ..conform import parse_number

                    numbers.append(float(parse_number(c[j])))
                except (ValueError, IndexError, TypeError):
                    pass
        fractions = bool(numbers) and max(numbers) <= 1.0
        records = []
        for n, c in body:
            text = c[area[0]] if area[0] < len(c) else ""
            kind_area = _area(text)
            if kind_area is None:
                raise InputFileError(f"'{text}' is not an area PTS uses", file=file, row=n, column=cells[area[0]],
                                     hint="expected Totalt, Utanför tätort och småort, Tätort och småort, "
                                          "Tätbebyggt or Glesbebyggt")
            for j, kind in premises:
                records.append({"municipality_code": c[code_col], "year": c[year_col], "premises": kind,
                                "area": kind_area,
                                "share_pct": _share(c[j] if j < len(c) else "", 100.0 if fractions else 1.0,
                                                    file, n, cells[j]),
                                ROW: n})
        frame = pd.DataFrame(records)
        frame.attrs.update({"header_row": None, "column_mapping": "PTS layout: long sheet with an area column, "
                            + ("fractions" if fractions else "percent")})
        return frame
    return None
