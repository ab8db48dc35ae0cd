"""One XLSX workbook per page: a sheet per table, and a sheet of sources and data kinds.

Each table sheet holds a caption (exhibit, table name), its data kind, a note on suppressed
values (where there are any), then the table with translated headers from row
:data:`HEADER_ROW`. Values are those of the tidy CSV: numbers as numbers with a number format
(Excel shows them in the reader's locale, e.g. ``1 234,5`` in Swedish Excel), booleans as
booleans, identifiers (``*_code``, ``*_id``) as text, empty cells empty, and a suppressed
value (``suppressed`` true, value empty) as ".." (:data:`digimotor.metrics.suppression.SUPPRESSED`).
Text that a spreadsheet could run as a formula (:func:`digimotor.outputs.formula_like`) is
stored as a text cell with Excel's quote prefix: it reads back unchanged and never runs.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..labels import table as catalogue_table
from ..outputs import formula_like
from .pages import (
    Page,
    TableExhibit,
    exhibit_label,
    headers,
    kind_label,
    suppressed_rows,
    suppression_note,
    text,
    write_zip,
)

if TYPE_CHECKING:
    import pandas as pd

#: Row of the column headers on a table sheet (rows above: caption, data kind, suppression note).
HEADER_ROW = 4
#: Fixed workbook timestamps: the same inputs give the same file.
_FIXED_TIME = datetime(2021, 1, 1)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

SHEET_TEXT: dict[str, dict[str, str]] = catalogue_table("exports_sheet")


def _t(key: str, lang: str, **values: object) -> str:
    entry = SHEET_TEXT[key]
    return entry.get(lang, entry["sv"]).format(**values)


def read_table(path: Path) -> pd.DataFrame:
    """A tidy CSV as the workbook shows it: identifiers (``*_code``, ``*_id``) as text, only an
    empty cell missing (``NA`` or ``None`` stay text)."""
    import pandas as pd

    columns = pd.read_csv(path, nrows=0).columns
    text_columns = {c: str for c in columns if _identifier(c)}
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=text_columns)


def _identifier(column: str) -> bool:
    return column.endswith(("_code", "_id")) or column in ("id", "code")


def sheet_names(tables: list[TableExhibit], reserved: str) -> dict[str, str]:
    """A sheet name per table: the table name, at most 31 characters, unique (case-insensitive)."""
    names: dict[str, str] = {}
    used = {reserved.casefold()}
    for table in tables:
        base = _SHEET_FORBIDDEN.sub("_", table.name)[:31]
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base[:31 - len(str(n)) - 1]}~{n}"
        used.add(name.casefold())
        names[table.name] = name
    return names


def number_format(column: str, values: list[Any]) -> str | None:
    """The number format of a column of numbers (None for other columns).

    Whole numbers: ``0`` for years, line numbers and small counts, else ``#,##0``; percentages
    and percentage points one decimal; kronor none; other decimals as many as the values need
    (at most three, four for values below 0.1).
    """
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool) and v == v]
    if not numbers:
        return None
    if all(isinstance(v, int) for v in numbers):
        plain = "year" in column or "seed" in column or "line" in column or max(abs(v) for v in numbers) < 10000
        return "0" if plain else "#,##0"
    if column.endswith(("_pct", "_pp")) or "pct" in column:
        return "#,##0.0"
    if column.endswith("_sek"):
        return "#,##0"
    small = max(abs(v) for v in numbers) < 0.1
    places = min(max(_decimals(v) for v in numbers), 4 if small else 3)
    return "#,##0" + ("." + "0" * places if places else "")


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text:
        return 4
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def _cell_value(value: Any) -> Any:
    """A pandas value as an openpyxl one: None for missing, Python numbers and booleans."""
    import numpy as np

    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # openpyxl's ILLEGAL_CHARACTERS_RE


def put(cell, value: Any) -> None:
    """Set ``cell`` to ``value``; formula-like text stays text (quote prefix), illegal characters go."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("\ufffd", value)
        cell.value = value
        if formula_like(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value


def workbook_name(page: Page, lang: str = "sv") -> str:
    """``<page>.xlsx`` (Swedish), ``<page>.en.xlsx`` (English)."""
    return f"{page.name}.en.xlsx" if lang == "en" else f"{page.name}.xlsx"


def write_workbook(page: Page, folder: Path, *, lang: str = "sv") -> Path:
    """Write ``folder/<page>.xlsx`` (:func:`workbook_name`): a sheet per table of ``page``, then the
    sources sheet; return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..metrics.suppression import FLAG, SUPPRESSED

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "digimotor"
    book.properties.created = book.properties.modified = _FIXED_TIME
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE3EA")
    labels = headers(lang)
    sources_title = _t("sources", lang)
    names = sheet_names(page.tables, sources_title)
    notes: dict[str, str] = {}
    for table in page.tables:
        frame = read_table(table.path)
        sheet = book.create_sheet(names[table.name])
        label = exhibit_label(table.name, lang)
        put(sheet.cell(1, 1), " · ".join(dict.fromkeys([label, table.name, page.title])))
        sheet.cell(1, 1).font = Font(bold=True, size=12)
        kind_line = f"{text('kind', lang)}: {kind_label(table.kind, lang)}"
        if table.kind == "synthetic":
            kind_line += " — " + _t("synthetic", lang)
        put(sheet.cell(2, 1), kind_line)
        hidden = suppressed_rows(frame)
        if hidden:
            notes[table.name] = suppression_note(hidden, page.min_respondents, lang)
            put(sheet.cell(3, 1), notes[table.name])
            sheet.cell(3, 1).font = Font(italic=True)
        columns = list(frame.columns)
        for j, column in enumerate(columns, start=1):
            cell = sheet.cell(HEADER_ROW, j)
            put(cell, labels.get(column, column))
            cell.font, cell.fill = bold, header_fill
        flags = (frame[FLAG].map(lambda v: v is True or str(v).strip().lower() == "true").tolist()
                 if FLAG in frame.columns else [False] * len(frame))
        rows = [[_cell_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        formats = {j: number_format(c, [r[j] for r in rows]) for j, c in enumerate(columns)}
        for i, (row, flagged) in enumerate(zip(rows, flags, strict=True), start=HEADER_ROW + 1):
            for j, value in enumerate(row):
                cell = sheet.cell(i, j + 1)
                if value is None and flagged and columns[j] != FLAG:
                    put(cell, SUPPRESSED)
                    continue
                put(cell, value)
                if formats[j] and isinstance(value, int | float) and not isinstance(value, bool):
                    cell.number_format = formats[j]
        for j, column in enumerate(columns, start=1):
            width = max([len(str(labels.get(column, column)))] + [len(str(r[j - 1])) for r in rows[:300]])
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
        if columns:
            sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + max(len(rows), 1)}"
    _sources_sheet(book.create_sheet(sources_title), page, names, notes, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_zip(folder / workbook_name(page, lang), buffer.getvalue())


def _sources_sheet(sheet, page: Page, names: dict[str, str], notes: dict[str, str], lang: str) -> None:
    """Every exhibit of the page with its sheet, file, data kind and source; then the page's inputs."""
    from openpyxl.styles import Font

    from .. import __version__

    bold = Font(bold=True)
    put(sheet.cell(1, 1), f"{_t('sources', lang)} · {page.title}")
    sheet.cell(1, 1).font = Font(bold=True, size=12)
    put(sheet.cell(2, 1), _t("made_by", lang, version=__version__))
    head = [_t("exhibit", lang), _t("name", lang), _t("sheet", lang), _t("file", lang), text("kind", lang),
            _t("kind_code", lang), text("source", lang), _t("note", lang)]
    row = HEADER_ROW
    for j, value in enumerate(head, start=1):
        put(sheet.cell(row, j), value)
        sheet.cell(row, j).font = bold
    exhibits = [(t.name, _t("table", lang), names[t.name], t.path.name, t.kind, notes.get(t.name, ""))
                for t in page.tables]
    for figure in page.figures:
        kind = page.figure_kind(figure)
        files = ", ".join(p.name for p in figure.paths)
        note = f"{text('figure_failed', lang)}: {figure.error}" if figure.error else (figure.note or "")
        if figure.suppressed:
            note = f"{note}; {figure.suppressed}" if note else figure.suppressed
        exhibits.append((figure.name, _t("figure", lang), "–", files, kind, note))
    for name, what, sheet_name, files, kind, note in exhibits:
        row += 1
        values = [f"{exhibit_label(name, lang)} ({what})", name, sheet_name, files, kind_label(kind, lang),
                  kind or "–", page.source_of(name, kind, lang), note]
        for j, value in enumerate(values, start=1):
            put(sheet.cell(row, j), value)
    row += 2
    put(sheet.cell(row, 1), _t("inputs", lang))
    sheet.cell(row, 1).font = bold
    row += 1
    for j, value in enumerate([_t("file", lang), _t("dataset", lang), _t("origin", lang), text("kind", lang),
                               "sha256", _t("title", lang)], start=1):
        put(sheet.cell(row, j), value)
        sheet.cell(row, j).font = bold
    for entry in page.inputs:
        row += 1
        values = [entry.get("path"), entry.get("dataset"), entry.get("source"), kind_label(entry.get("kind"), lang),
                  entry.get("sha256"), entry.get("title") or ""]
        for j, value in enumerate(values, start=1):
            put(sheet.cell(row, j), value)
    for letter, width in zip("ABCDEFGH", (24, 34, 26, 40, 26, 14, 50, 60), strict=True):
        sheet.column_dimensions[letter].width = width
