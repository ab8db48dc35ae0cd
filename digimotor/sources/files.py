"""Read the tabular files users really have into rows of text, keeping row numbers.

Handles CSV exported from Swedish Excel (semicolons, decimal commas, Windows-1252 or UTF-8
with a byte-order mark, title lines above the header, blank lines, trailing empty columns)
and XLSX workbooks with several sheets. The result is a DataFrame of strings (XLSX numbers
stay numbers) with an extra column ``__row__``: the 1-based row number in the file as a
spreadsheet or text editor shows it, so that every later error can name file, row and column.

Parsing values into types is :mod:`digimotor.datasets`' job.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import InputFileError

ROW = "__row__"
_ENCODINGS = ("utf-8-sig", "cp1252")
_DELIMITERS = ";,\t|"


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM) first, then Windows-1252.

    Returns the text and the encoding used. UTF-16 files (Excel's "Unicode text") are
    recognised by their byte-order mark.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputFileError("cannot decode the file as UTF-8 or Windows-1252", file=file)


def _sniff_delimiter(lines: Sequence[str]) -> str:
    """Pick the delimiter that splits the most non-blank lines into the same number of fields."""
    sample = [line for line in lines if line.strip()][:50]
    best, best_score = ",", -1
    for delim in _DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delim))) for line in sample]
        if not counts or max(counts) < 2:
            continue
        widest = max(counts)
        score = sum(1 for c in counts if c == widest) * widest
        if score > best_score:
            best, best_score = delim, score
    return best


def _is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _frame(rows: list[tuple[int, list[object]]], header_at: int, file: str):
    import pandas as pd

    header_row, header_cells = rows[header_at]
    header = [str(c).strip() if c is not None else "" for c in header_cells]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise InputFileError("the header row is empty", file=file, row=header_row)
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        if name == "":
            raise InputFileError(
                f"column {position + 1} of the header has no name", file=file, row=header_row
            )
        if name.casefold() in seen:
            raise InputFileError(f"the column '{name}' appears twice in the header", file=file, row=header_row)
        seen[name.casefold()] = position
    records = []
    for number, cells in rows[header_at + 1 :]:
        if _is_blank(cells):
            continue
        extra = [c for c in cells[len(header) :] if c is not None and str(c).strip() != ""]
        if extra:
            raise InputFileError(
                f"the row has {len(header) + len(extra)} values but the header names {len(header)} columns",
                file=file,
                row=number,
            )
        values = list(cells[: len(header)]) + [None] * (len(header) - len(cells))
        records.append([*values, number])
    frame = pd.DataFrame(records, columns=[*header, ROW])
    frame.attrs["header_row"] = header_row
    return frame


def _find_header(
    rows: list[tuple[int, list[object]]], is_header: Callable[[list[str]], bool] | None
) -> int | None:
    for index, (_number, cells) in enumerate(rows):
        if _is_blank(cells):
            continue
        if is_header is None:
            return index
        names = [str(c).strip() for c in cells if c is not None and str(c).strip()]
        if is_header(names):
            return index
    return None


def read_rows(
    path: str | Path,
    *,
    is_header: Callable[[list[str]], bool] | None = None,
    sheet: str | None = None,
):
    """Read a CSV/TXT/XLSX file into a DataFrame of raw cells plus ``__row__``.

    Parameters
    ----------
    path
        The file. ``.xlsx``/``.xlsm`` are read with openpyxl; anything else as delimited text.
    is_header
        Decides which row is the header, given its non-empty cell texts. Rows above it
        (titles, notes, blank lines) are skipped. Without it the first non-blank row is used.
    sheet
        For workbooks: the sheet to read. Without it, the first sheet with a matching header.

    Raises
    ------
    InputFileError
        If the file is missing, empty, undecodable, or has no header row.
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise InputFileError("the file does not exist", file=file)
    if path.is_dir():
        raise InputFileError("this is a folder, not a file", file=file)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, is_header=is_header, sheet=sheet)
    if path.suffix.lower() == ".xls":
        raise InputFileError(
            "old Excel .xls files are not supported", file=file, hint="save the sheet as .xlsx or CSV"
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError("the file is empty", file=file)
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            "this looks like an Excel workbook with the wrong file ending", file=file,
            hint="rename it to .xlsx",
        )
    text, _encoding = decode_bytes(data, file)
    lines = text.splitlines()
    delimiter = _sniff_delimiter(lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    try:
        start = 1
        for cells in reader:
            rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError(f"broken CSV: {exc}", file=file, row=reader.line_num) from exc
    if rows and any("\n" in str(cell) or "\r" in str(cell) for cell in rows[-1][1]) and text.count('"') % 2:
        raise InputFileError(
            'a quote (") opened in this row is never closed', file=file, row=rows[-1][0],
            hint="remove the stray quote or close it",
        )
    header_at = _find_header(rows, is_header)
    if header_at is None:
        raise InputFileError(
            "no header row with the expected column names was found",
            file=file,
            hint="run `digimotor template <dataset>` to see the expected columns",
        )
    return _frame(rows, header_at, file)


def _read_workbook(path: Path, *, is_header, sheet: str | None):
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputFileError("reading .xlsx needs openpyxl", file=str(path)) from exc
    file = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputFileError(f"cannot open the workbook: {exc}", file=file) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputFileError(
                f"the workbook has no sheet '{sheet}'",
                file=file,
                hint="sheets: " + ", ".join(book.sheetnames),
            )
        names = [sheet] if sheet is not None else list(book.sheetnames)
        for name in names:
            rows = [
                (number, list(cells))
                for number, cells in enumerate(book[name].iter_rows(values_only=True), start=1)
            ]
            header_at = _find_header(rows, is_header)
            if header_at is not None:
                frame = _frame(rows, header_at, f"{file} [{name}]")
                frame.attrs["sheet"] = name
                return frame
    finally:
        book.close()
    raise InputFileError(
        "no sheet has a header row with the expected column names",
        file=file,
        hint="sheets: " + ", ".join(names) + "; run `digimotor template <dataset>` to see the columns",
    )
