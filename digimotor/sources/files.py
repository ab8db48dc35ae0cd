"""Read the tabular files users really have into rows of text, keeping row numbers.

Handles CSV exported from Swedish Excel (semicolons, decimal commas, Windows-1252, UTF-8
with a byte-order mark, UTF-16 with or without one, title lines above the header, blank
lines, trailing empty columns) and XLSX workbooks with several sheets. The result is a
DataFrame of strings (XLSX numbers stay numbers) with an extra column ``__row__``: the
1-based row number in the file as a spreadsheet or text editor shows it, so that every
later error can name file, row and column.

Every reader of a user's file opens it through :func:`digimotor.sources.inputs.open_input` /
:func:`~digimotor.sources.inputs.read_input_bytes`, which accept only a regular file (links
are followed) no larger than ``DIGIMOTOR_MAX_INPUT_MB`` MiB (default 200). Devices, pipes
(FIFOs), sockets and folders are refused before anything is read. A workbook (a zip archive) is further
refused when it unpacks to more than ``DIGIMOTOR_MAX_UNZIPPED_MB`` MiB (default 500),
when a member is compressed more than 100:1 (a zip bomb), or when a sheet has more rows
than Excel allows. Hidden worksheets are read only when named with ``sheet=``.

Parsing values into types is :mod:`digimotor.conform`'s job.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..errors import InputFileError
from ..schema import ROW
from .inputs import ENV_MAX_UNZIPPED_MB, MIB, max_unzipped_bytes, mib_text, read_input_bytes

_ENCODINGS = ("utf-8-sig", "cp1252")
_DELIMITERS = ";,\t|"
MAX_ZIP_RATIO = 100  # uncompressed : compressed, for members above 1 MiB; real sheets are ~5-20
MAX_ZIP_MEMBERS = 10_000
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_SHEET_CELLS = 50_000_000  # cells (empty ones included) openpyxl may hand us from one workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OPENDOCUMENT_SUFFIXES = (".ods", ".fods", ".ots")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_SAVE_AS = "save it as .xlsx or CSV (UTF-8) and import that"


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NUL bytes fill every other byte, as in UTF-16 text."""
    sample = data[:8192]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text file; return the text and the encoding used.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); UTF-16 without one (LE or BE) is
    recognised by its NUL bytes in every other position; otherwise UTF-8 first, then
    Windows-1252. Other content with NUL bytes is refused as not being text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, file, f"the file starts with a {encoding.upper()} byte-order mark but")
    guessed = _utf16_without_bom(data)
    if guessed is not None:
        if len(data) % 2:
            raise InputFileError(
                f"the file looks like {guessed.upper()} text without a byte-order mark but has an odd "
                "number of bytes", file=file, hint=_SAVE_AS)
        return _decode(data, guessed, file, f"the file looks like {guessed.upper()} text (no byte-order mark) but")
    if b"\x00" in data:
        raise InputFileError(
            "the file contains NUL bytes: it is not a text table (a binary file, or text in an "
            "encoding other than UTF-8, UTF-16 or Windows-1252)", file=file, hint=_SAVE_AS)
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputFileError("cannot decode the file as UTF-8 or Windows-1252", file=file, hint=_SAVE_AS)


def _decode(data: bytes, encoding: str, file: str, claim: str) -> tuple[str, str]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{claim} is not valid {encoding.upper()} (byte {exc.start})",
                             file=file, hint=_SAVE_AS) from None
    if "\x00" in text:
        raise InputFileError(f"{claim} holds NUL characters: it is not a text table", file=file, hint=_SAVE_AS)
    return text, encoding


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
        The file, opened with :func:`read_input_bytes` (a regular file within the size
        limit). ``.xlsx``/``.xlsm`` are read with openpyxl; anything else as delimited text.
    is_header
        Decides which row is the header, given its non-empty cell texts. Rows above it
        (titles, notes, blank lines) are skipped. Without it the first non-blank row is used.
    sheet
        For workbooks: the sheet to read (also a hidden one). Without it, the one visible
        sheet with a matching header; hidden sheets are skipped and several matching sheets
        are an error. The sheet read is in ``attrs["sheet"]``.

    Raises
    ------
    InputFileError
        If the file is missing, not a regular file, too large, empty, undecodable, of
        another format than its name says, or has no header row.
    """
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    data = read_input_bytes(path)
    if suffix in WORKBOOK_SUFFIXES or (suffix == ".xls" and data.startswith(b"PK\x03\x04")):
        return _read_workbook(data, file, is_header=is_header, sheet=sheet)
    if suffix in OPENDOCUMENT_SUFFIXES:
        raise InputFileError("OpenDocument spreadsheets (.ods) are not read", file=file, hint=_SAVE_AS)
    if suffix == ".xls":
        raise InputFileError(
            "old Excel .xls files are not supported", file=file, hint="save the sheet as .xlsx or CSV"
        )
    if not data or data.isspace():  # no stripped copy of a large file
        raise InputFileError("the file is empty", file=file)
    _refuse_other_formats(data, file)
    if sheet is not None:
        raise InputFileError(f"this is a text file, so it has no sheet '{sheet}'", file=file,
                             hint="--sheet applies to .xlsx workbooks only")
    text, _encoding = decode_bytes(data, file)
    head = text[:65536]
    lines = head.splitlines()
    if len(head) < len(text) and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    delimiter = _sniff_delimiter(lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    try:
        start = 1
        for cells in reader:
            if cells:  # a blank line is skipped here already: millions of them cost little
                rows.append((start, cells))
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


def _zip_kind(data: bytes) -> str:
    """What a zip archive holds: ``xlsx``, ``ods``, ``docx``, ``pptx``, ``zip`` or ``broken``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    mimetype = archive.read("mimetype")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return "broken"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "ods" if b"spreadsheet" in mimetype else "odf"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"


_FOREIGN = {
    "xlsx": ("this is an Excel workbook with the wrong file ending", "rename it to .xlsx"),
    "xlsb": ("this is a binary Excel workbook (.xlsb), which is not read", _SAVE_AS),
    "ods": ("this is an OpenDocument spreadsheet (.ods), which is not read", _SAVE_AS),
    "odf": ("this is an OpenDocument text or presentation, not a table", _SAVE_AS),
    "docx": ("this is a Word document, not a table", _SAVE_AS),
    "pptx": ("this is a PowerPoint presentation, not a table", _SAVE_AS),
    "zip": ("this is a zip archive, not a table", "unpack it and import the CSV or .xlsx file inside"),
    "broken": ("this is a damaged zip archive (a workbook?), not a table", _SAVE_AS),
}


def _refuse_other_formats(data: bytes, file: str) -> None:
    """Refuse binary formats that a text reader would turn into garbage, saying what they are."""
    if data.startswith(b"PK\x03\x04"):
        message, hint = _FOREIGN[_zip_kind(data)]
        raise InputFileError(message, file=file, hint=hint)
    if data.startswith(_OLE2):
        raise InputFileError("this is an old Excel .xls workbook (or a password-protected one), not a CSV file",
                             file=file, hint="remove any password and save it as .xlsx or CSV")
    if data.startswith(b"%PDF"):
        raise InputFileError("this is a PDF, not a table", file=file, hint="export the table as .xlsx or CSV")
    if data.startswith(b"\x1f\x8b"):
        raise InputFileError("this is a compressed (gzip) file, not a table", file=file,
                             hint="unpack it and import the file inside")


def _check_zip(data: bytes, file: str) -> None:
    """Refuse a workbook that is not a zip, unpacks to too much, or is compressed like a bomb."""
    where = "cannot open the workbook"
    if data.startswith(_OLE2):
        raise InputFileError(f"{where}: it is an old Excel .xls file or a password-protected workbook",
                             file=file, hint="remove the password, or save it as .xlsx, and import that")
    if not data.startswith(b"PK"):
        text = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if text.startswith((b"<!doctype html", b"<html", b"<table")):
            raise InputFileError(f"{where}: it is a web page (HTML) saved with an Excel ending", file=file,
                                 hint="open it in Excel and save as .xlsx, or export CSV")
        if data.startswith(b"%PDF"):
            raise InputFileError(f"{where}: it is a PDF with an Excel ending", file=file)
        if b"\x00" not in data[:4096] and (b";" in data[:4096] or b"," in data[:4096] or b"\t" in data[:4096]):
            raise InputFileError(f"{where}: it is a text file (CSV?) with an Excel ending", file=file,
                                 hint="rename it to .csv")
        raise InputFileError(f"{where}: it is not an .xlsx workbook (not a zip archive)", file=file, hint=_SAVE_AS)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputFileError(f"{where}: the zip archive is damaged or cut short ({exc})", file=file,
                             hint="save or download the workbook again") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise InputFileError(f"{where}: it holds {len(infos)} files, more than {MAX_ZIP_MEMBERS}", file=file)
        total = sum(info.file_size for info in infos)
        limit = max_unzipped_bytes()
        if total > limit:
            raise InputFileError(
                f"{where}: it unpacks to {mib_text(total)}, more than the limit of {mib_text(limit)}",
                file=file, hint=f"set {ENV_MAX_UNZIPPED_MB} to a larger number of MiB if the workbook is really meant")
        for info in infos:
            if info.file_size > MIB and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                ratio = info.file_size / max(info.compress_size, 1)
                raise InputFileError(
                    f"{where}: its part {info.filename} is compressed {ratio:,.0f}:1 "
                    f"(more than {MAX_ZIP_RATIO}:1), as in a zip bomb", file=file, hint=_SAVE_AS)
        names = {info.filename for info in infos}
    kind = _zip_kind(data)
    if kind in ("ods", "odf", "docx", "pptx", "xlsb"):
        message, hint = _FOREIGN[kind]
        raise InputFileError(f"{where}: {message.removeprefix('this is ')}", file=file, hint=hint)
    if "[Content_Types].xml" not in names or kind != "xlsx":
        raise InputFileError(f"{where}: it is a zip archive but not an Excel workbook", file=file, hint=_SAVE_AS)


def _sheet_rows(ws, file: str, name: str, budget: list[int]) -> Iterator[tuple[int, list[object]]]:
    """Rows of a read-only worksheet with trailing empty cells dropped, within the budgets.

    ``budget`` holds the number of cells still allowed (shared by all sheets of a workbook).
    The dimension the file declares is ignored, so a sheet claiming A1:XFD1048576 costs
    nothing; rows past Excel's limit and runaway cell counts are refused.
    """
    ws.reset_dimensions()
    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > MAX_SHEET_ROWS:
            raise InputFileError(f"the sheet has more than {MAX_SHEET_ROWS:_} rows, Excel's limit".replace("_", " "),
                                 file=f"{file} [{name}]")
        budget[0] -= len(cells)
        if budget[0] < 0:
            raise InputFileError(f"the workbook has more than {MAX_SHEET_CELLS:_} cells".replace("_", " "),
                                 file=f"{file} [{name}]", hint=_SAVE_AS)
        row = list(cells)
        while row and row[-1] is None:
            row.pop()
        yield number, row


def _has_header(ws, file: str, name: str, is_header, budget: list[int]) -> bool:
    rows = _sheet_rows(ws, file, name, budget)
    try:
        for _number, cells in rows:
            if _is_blank(cells):
                continue
            if is_header is None:
                return True
            if is_header([str(c).strip() for c in cells if c is not None and str(c).strip()]):
                return True
        return False
    finally:
        rows.close()


def _read_workbook(data: bytes, file: str, *, is_header, sheet: str | None):
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputFileError("reading .xlsx needs openpyxl", file=file) from exc
    if not data or data.isspace():  # no stripped copy of a large file
        raise InputFileError("the file is empty", file=file)
    _check_zip(data, file)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files (and defusedxml's for entities)
        raise InputFileError(f"cannot open the workbook: {_first_line(exc)}", file=file, hint=_SAVE_AS) from None
    budget = [MAX_SHEET_CELLS]
    try:
        return _pick_sheet(book, file, is_header=is_header, sheet=sheet, budget=budget)
    except InputFileError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise InputFileError(f"cannot read the workbook: it is too large or too deeply nested ({type(exc).__name__})",
                             file=file, hint=_SAVE_AS) from None
    except Exception as exc:  # malformed sheet XML surfaces while rows are parsed
        raise InputFileError(f"cannot read the workbook: {_first_line(exc)}", file=file, hint=_SAVE_AS) from None
    finally:
        book.close()


def _first_line(exc: BaseException) -> str:
    """The first line of the innermost cause (openpyxl wraps what defusedxml or zipfile said)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _pick_sheet(book, file: str, *, is_header, sheet: str | None, budget: list[int]):
    worksheets = [n for n in book.sheetnames if hasattr(book[n], "iter_rows")]  # not chart sheets
    hidden = [n for n in worksheets if book[n].sheet_state != "visible"]
    if sheet is not None:
        if sheet not in worksheets:
            raise InputFileError(f"the workbook has no sheet '{sheet}'", file=file,
                                 hint="sheets: " + ", ".join(worksheets))
        chosen = sheet
    else:
        visible = [n for n in worksheets if n not in hidden]
        matching = [n for n in visible if _has_header(book[n], file, n, is_header, budget)]
        if len(matching) > 1 and is_header is not None:
            raise InputFileError(
                "several sheets have the expected columns: " + ", ".join(f"'{n}'" for n in matching),
                file=file, hint="name the one to read with --sheet")
        if not matching:
            in_hidden = [n for n in hidden if _has_header(book[n], file, n, is_header, budget)]
            if in_hidden:
                raise InputFileError(
                    f"the data are on the hidden sheet '{in_hidden[0]}', which is not read unless named",
                    file=file, hint=f"check the sheet, then name it with --sheet '{in_hidden[0]}'")
            raise InputFileError(
                "no visible sheet has a header row with the expected column names",
                file=file,
                hint="sheets: " + ", ".join(worksheets) + "; run `digimotor template <dataset>` to see the columns",
            )
        chosen = matching[0]
    rows = list(_sheet_rows(book[chosen], file, chosen, budget))
    header_at = _find_header(rows, is_header)
    if header_at is None:
        raise InputFileError("no header row with the expected column names was found", file=f"{file} [{chosen}]",
                             hint="run `digimotor template <dataset>` to see the columns")
    frame = _frame(rows, header_at, f"{file} [{chosen}]")
    frame.attrs["sheet"] = chosen
    frame.attrs["sheet_hidden"] = chosen in hidden
    frame.attrs["sheets_skipped_hidden"] = [n for n in hidden if n != chosen]
    return frame
