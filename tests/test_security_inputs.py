"""Reading users' files safely (issue 20): resource limits, silent wrong data, encodings and
formats, and one-line failures.

Large and hostile files (sparse files, zip bombs, pipes) are made inside the tests, never
committed. Cases that would hang or eat memory if a check regressed run in a child process
with a time limit and a cap on its address space.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from digimotor.datasets import (
    Column,
    DatasetSpec,
    conform,
    get,
    header_matcher,
    parse_integer,
    parse_number,
)
from digimotor.errors import InputFileError, ParameterError, printable
from digimotor.importer import import_file, read_for_dataset
from digimotor.provenance import verify
from digimotor.sources import files, inputs, jsonstat, pcaxis

SPEC = get("population_forecast")
REPO = Path(__file__).resolve().parents[1]
ROWS = "Kommun;År;Folkmängd\nÅmål;2019;12 600\nVänersborg;2019;39 600\n"
EXPECTED = {("1492", 2019): 12600, ("1487", 2019): 39600}

needs_posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


def read(path, **options):
    return read_for_dataset(SPEC, path, **options)


def rows_of(frame):
    return {(r.municipality_code, r.year): r.population for r in frame.itertuples()}


def one_line(err: Exception) -> str:
    text = str(err)
    assert "\n" not in text and "\r" not in text
    assert printable(text) == text, repr(text)
    return text


def _cap_memory():  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def child(args: list[str], project: Path | None = None) -> subprocess.CompletedProcess:
    """Python in a child process: 60 s at most, 4 GiB of address space at most.

    Whatever could read forever if a check regressed (/dev/zero, a sparse file, a zip bomb)
    runs here, never in the test process.
    """
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    if project is not None:
        environ["DIGIMOTOR_ROOT"] = str(project)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60, env=environ,
                          preexec_fn=_cap_memory, check=False)


def cli_import(project: Path, path: Path | str, *extra: str) -> subprocess.CompletedProcess:
    """`digimotor import population_forecast PATH --name t` in a :func:`child`."""
    return child(["-m", "digimotor.cli", "import", "population_forecast", str(path), "--name", "t", *extra], project)


def read_in_child(path: Path) -> str:
    """Read ``path`` as population_forecast in a :func:`child`: its rows, or ``error: <message>``."""
    code = (
        "from digimotor.datasets import get\nfrom digimotor.importer import read_for_dataset\n"
        "from digimotor.errors import DigimotorError\ntry:\n"
        f"    f = read_for_dataset(get('population_forecast'), {str(path)!r})\n"
        "    print(sorted((r.municipality_code, r.year, r.population) for r in f.itertuples()))\n"
        "except DigimotorError as exc:\n    print('error:', exc)\n"
    )
    proc = child(["-c", code])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def assert_one_line_failure(proc: subprocess.CompletedProcess, *texts: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for text in texts:
        assert text in lines[0], lines[0]
    return lines[0]


def finishes(call, fifo: Path):
    """Run ``call`` in a thread; if it blocks on ``fifo``, unblock it and fail the test."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(20)
    if thread.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # a writer that closes at once ends the read
        os.close(fd)
        thread.join(5)
        pytest.fail(f"reading {fifo} blocked")
    return outcome


# ---------------------------------------------------------------------------------------
# Workbooks made in the tests
# ---------------------------------------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _cell(ref: str, value) -> str:
    if isinstance(value, str) and not value.startswith("="):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{str(value).lstrip("=")}</v></c>'


def sheet_xml(rows: list[tuple[int, list]], dimension: str | None = None) -> str:
    """Sheet XML with inline strings; a value '=X' is written as the raw number text X."""
    body = "".join(
        f'<row r="{n}">' + "".join(_cell(f"{chr(65 + i)}{n}", v) for i, v in enumerate(cells)) + "</row>"
        for n, cells in rows
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>{body}</sheetData></worksheet>'


def workbook(path: Path, sheets: dict[str, str | list], states: dict[str, str] | None = None) -> Path:
    """Write an .xlsx with openpyxl; a sheet given as XML text replaces what openpyxl wrote."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, content in sheets.items():
        ws = book.create_sheet(name)
        ws.sheet_state = (states or {}).get(name, "visible")
        if isinstance(content, list):
            for row in content:
                ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    replaced = {f"xl/worksheets/sheet{i}.xml": c for i, c in enumerate(sheets.values(), start=1) if isinstance(c, str)}
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replaced.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, data)
    return path


def zip_bomb_xlsx(path: Path, megabytes: int = 64) -> Path:
    """A valid-looking workbook whose sheet XML is ``megabytes`` MiB of one repeated character."""
    xml = sheet_xml([(1, ["Kommun", "År", "Folkmängd"]), (2, ["Åmål", 2019, 12600])])
    padding = "A" * (megabytes * 2**20)
    xml = xml.replace("<t>Åmål</t>", f"<t>Åmål{padding}</t>")
    return workbook(path, {"Befolkning": xml})


def opendocument(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


# ---------------------------------------------------------------------------------------
# 1. Resource exhaustion: only regular files within the limits are read
# ---------------------------------------------------------------------------------------


@needs_posix
@pytest.mark.parametrize("kind", ["dev-zero", "link-to-dev-zero", "dev-urandom", "fifo"])
def test_devices_and_pipes_are_refused_by_the_cli_in_one_line(project, tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
    elif kind == "link-to-dev-zero":
        path = tmp_path / "zero.csv"
        path.symlink_to("/dev/zero")
    else:
        path = Path("/dev/zero" if kind == "dev-zero" else "/dev/urandom")
    line = assert_one_line_failure(cli_import(project, path), str(path))
    assert ("pipe (FIFO)" if kind == "fifo" else "device, not a regular file") in line
    if kind == "link-to-dev-zero":
        assert "a link to /dev/zero" in line


@needs_posix
def test_every_reader_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    readers = {
        "read_rows": lambda: files.read_rows(fifo),
        "read_px": lambda: pcaxis.read_px(fifo),
        "read_pxweb_file": lambda: jsonstat.read_pxweb_file(fifo),
        "kolada": lambda: read_for_dataset(get("municipal_costs"), fifo),
        "population (.json)": lambda: read_for_dataset(get("population"), fifo),
    }
    for name, call in readers.items():
        outcome = finishes(call, fifo)
        assert isinstance(outcome.get("error"), InputFileError), (name, outcome)
        assert "pipe (FIFO)" in one_line(outcome["error"]), name


@needs_posix
def test_links_to_devices_and_folders_are_refused(tmp_path):
    (tmp_path / "zero.px").symlink_to("/dev/zero")
    (tmp_path / "folder.csv").symlink_to(tmp_path)
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "gone.csv")
    proc = child(["-c", "from digimotor.sources.pcaxis import read_px\nimport sys\ntry:\n"
                  f"    read_px({str(tmp_path / 'zero.px')!r})\nexcept Exception as exc:\n    print(exc)"])
    assert "zero.px: this is a device, not a regular file (a link to /dev/zero)" in proc.stdout, proc
    with pytest.raises(InputFileError, match="this is a folder, not a file"):
        read(tmp_path / "folder.csv")
    with pytest.raises(InputFileError, match="does not exist .a link to the missing"):
        read(tmp_path / "dangling.csv")
    with pytest.raises(InputFileError, match="this is a folder"):
        inputs.check_input_file(tmp_path)


@needs_posix
def test_a_huge_sparse_file_is_refused_before_it_is_read(project, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(300 * 2**30)  # 300 GiB of nothing: no disk is used
    assert_one_line_failure(cli_import(project, path), "the file is 307 200.0 MiB, larger than the limit of 200.0 MiB",
                            inputs.ENV_MAX_INPUT_MB)


def test_the_size_limit_is_set_by_an_environment_variable(tmp_path, monkeypatch):
    small = tmp_path / "small.csv"
    small.write_text(ROWS, encoding="utf-8")
    path = tmp_path / "two_mib.csv"
    path.write_text(ROWS + "\n" * (2 * 2**20), encoding="utf-8")
    monkeypatch.setenv(inputs.ENV_MAX_INPUT_MB, "1")
    assert rows_of(read(small)) == EXPECTED
    with pytest.raises(InputFileError, match="the file is 2.0 MiB, larger than the limit of 1.0 MiB"):
        read(path)
    monkeypatch.setenv(inputs.ENV_MAX_INPUT_MB, "2.5")
    assert rows_of(read(path)) == EXPECTED
    monkeypatch.setenv(inputs.ENV_MAX_INPUT_MB, "lots")
    with pytest.raises(ParameterError, match="DIGIMOTOR_MAX_INPUT_MB='lots' is not a size in MiB"):
        read(path)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_a_file_longer_than_its_reported_size_is_cut_at_the_limit(monkeypatch):
    """/proc files report size 0 but have content: the read itself stops at the limit."""
    assert os.stat("/proc/self/maps").st_size == 0
    monkeypatch.setenv(inputs.ENV_MAX_INPUT_MB, "0.0001")  # 104 bytes
    with pytest.raises(InputFileError) as info:
        inputs.read_input_bytes("/proc/self/maps")
    assert "/proc/self/maps: the file holds more than the limit of 0.0 MiB" in one_line(info.value)


@needs_posix
def test_a_zip_bomb_workbook_is_refused_quickly_and_small(project, tmp_path):
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx", megabytes=64)
    assert path.stat().st_size < 2**20  # about 65 KiB on disk, 64 MiB unpacked
    assert_one_line_failure(cli_import(project, path), "cannot open the workbook: its part xl/worksheets/sheet1.xml "
                            "is compressed", "(more than 100:1), as in a zip bomb")


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    import random

    generator = random.Random(1)
    rows = [["Kommun", "År", "Folkmängd", "Kommentar"]]
    rows += [["Åmål", year, 12600, "".join(generator.choices("abcdefghij klmnopqrstuvwxyzåäö", k=20_000))]
             for year in range(1950, 2050)]  # 2 MB of text that compresses as text does (~1.7:1)
    path = workbook(tmp_path / "large.xlsx", {"Befolkning": rows})
    assert len(read(path)) == 100  # within the default limit of 500 MiB
    monkeypatch.setenv(inputs.ENV_MAX_UNZIPPED_MB, "1")
    with pytest.raises(InputFileError) as info:
        read(path)
    assert "unpacks to" in one_line(info.value) and "more than the limit of 1.0 MiB" in str(info.value)
    assert inputs.ENV_MAX_UNZIPPED_MB in str(info.value)


def test_sheets_declaring_or_reaching_huge_sizes_cost_nothing(tmp_path):
    """A declared dimension A1:XFD1048576 is ignored; a row past Excel's limit is an error."""
    declared = sheet_xml([(1, ["Kommun", "År", "Folkmängd"]), (2, ["Åmål", 2019, 12600])], "A1:XFD1048576")
    path = workbook(tmp_path / "declared.xlsx", {"Befolkning": declared})
    assert read_in_child(path) == "[('1492', 2019, 12600)]"
    far = sheet_xml([(1, ["Kommun", "År", "Folkmängd"]), (2, ["Åmål", 2019, 12600]), (999_999_999, ["Åmål"])])
    path = workbook(tmp_path / "far.xlsx", {"Befolkning": far})
    assert read_in_child(path) == f"error: {path} [Befolkning]: the sheet has more than 1 048 576 rows, Excel's limit"
    wide = sheet_xml([(1, ["Kommun", "År", "Folkmängd"])]).replace(
        "</sheetData>", "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, 5000)) + "</sheetData>")
    path = workbook(tmp_path / "wide.xlsx", {"Befolkning": wide})
    assert read_in_child(path).startswith(f"error: {path} [Befolkning]: the workbook has more than 50 000 000 cells")


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"PK\x03\x04 this is not really a zip", "the zip archive is damaged or cut short"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Excel .xls file or a password-protected workbook"),
        (ROWS.encode(), "a text file (CSV?) with an Excel ending"),
        (b"<html><table><tr><td>Kommun</td></tr></table></html>", "a web page (HTML)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF with an Excel ending"),
        (bytes(range(256)) * 4, "not an .xlsx workbook (not a zip archive)"),
    ],
)
def test_an_xlsx_that_is_really_something_else_says_what_it_is(tmp_path, content, text):
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as info:
        read(path)
    assert "cannot open the workbook" in one_line(info.value)
    assert text in str(info.value)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "data.xlsx", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputFileError, match="a zip archive but not an Excel workbook"):
        read(tmp_path / "data.xlsx")
    with pytest.raises(InputFileError, match="OpenDocument spreadsheet"):
        read(opendocument(tmp_path / "calc.xlsx"))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_binary_excel_workbook_is_named(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(InputFileError, match=r"binary Excel workbook \(.xlsb\), which is not read"):
        read(path)


@pytest.mark.parametrize("entity", ["laughs", "external"])
def test_xml_entities_in_a_workbook_are_refused(tmp_path, entity):
    """Billion laughs and external entities (XXE): refused by openpyxl's defusedxml, in one line."""
    if entity == "laughs":
        decl = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
        name = "&a9;"
    else:
        decl, name = '<!ENTITY a9 SYSTEM "file:///etc/hostname">', "&a9;"
    xml = sheet_xml([(1, ["Kommun", "År", "Folkmängd"]), (2, [name, 2019, 12600])])
    xml = xml.replace("?>", f"?><!DOCTYPE worksheet [{decl}]>", 1)
    line = read_in_child(workbook(tmp_path / "entities.xlsx", {"Befolkning": xml}))
    assert line.startswith("error: ") and "cannot open the workbook: EntitiesForbidden" in line
    assert "\\n" not in line  # openpyxl's several-line message is not passed on


# ---------------------------------------------------------------------------------------
# 2. Silent wrong data
# ---------------------------------------------------------------------------------------

DATA = [["Kommun", "År", "Folkmängd"], ["Åmål", 2019, 12600], ["Vänersborg", 2019, 39600]]
OLD = [["Kommun", "År", "Folkmängd"], ["Åmål", 2019, 1], ["Vänersborg", 2019, 2]]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_read_only_when_named(tmp_path, state):
    path = workbook(tmp_path / "hidden.xlsx", {"Info": [["Notes"], ["see the other sheet"]], "Data": DATA},
                    {"Data": state})
    with pytest.raises(InputFileError) as info:
        read(path)
    assert "the data are on the hidden sheet 'Data', which is not read unless named" in one_line(info.value)
    assert "--sheet 'Data'" in str(info.value)
    frame = read(path, sheet="Data")
    assert rows_of(frame) == EXPECTED
    assert frame.attrs["sheet"] == "Data" and frame.attrs["sheet_hidden"] is True


def test_a_hidden_sheet_never_replaces_the_visible_one(project, tmp_path):
    path = workbook(tmp_path / "two.xlsx", {"Old": OLD, "Data": DATA}, {"Old": "veryHidden"})
    frame = read(path)
    assert rows_of(frame) == EXPECTED
    assert frame.attrs["sheet"] == "Data" and frame.attrs["sheets_skipped_hidden"] == ["Old"]
    assert rows_of(read(path, sheet="Old")) == {("1492", 2019): 1, ("1487", 2019): 2}
    target = import_file("population_forecast", path, name="two")
    assert verify(target).get("sheet") == "Data"  # the sheet used is recorded in the sidecar


def test_two_visible_sheets_with_the_columns_need_a_choice(tmp_path):
    path = workbook(tmp_path / "years.xlsx", {"2018": OLD, "2019": DATA})
    with pytest.raises(InputFileError) as info:
        read(path)
    assert "several sheets have the expected columns: '2018', '2019'" in one_line(info.value)
    assert rows_of(read(path, sheet="2019")) == EXPECTED


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("99999999999999999999", "beyond the 64-bit integer range"),
        ("9223372036854775808", "beyond the 64-bit integer range"),
        ("-9223372036854775809", "beyond the 64-bit integer range"),
        ("1" + "0" * 5000, "beyond the 64-bit integer range"),
        ("1e20", "too large to be read exactly"),
        ("9,007199254740993e15", "too large to be read exactly"),
        ("1e400", "not a finite number"),
        ("12 600,5", "not a whole number"),
    ],
)
def test_integers_are_exact_or_an_error_naming_file_row_and_column(tmp_path, cell, text):
    path = tmp_path / "ints.csv"
    path.write_text(f"Kommun;År;Folkmängd\nÅmål;2019;12600\nVänersborg;2019;{cell}\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read(path)
    err = info.value
    assert (err.file, err.row, err.column) == (str(path), 3, "Folkmängd")
    assert text in one_line(err)


def test_large_integers_within_int64_are_kept_exactly(tmp_path):
    path = tmp_path / "exact.csv"
    path.write_text("Kommun;År;Folkmängd\nÅmål;2019;9 007 199 254 740 993\nVänersborg;2019;9223372036854775807\n",
                    encoding="utf-8")
    assert rows_of(read(path)) == {("1492", 2019): 2**53 + 1, ("1487", 2019): 2**63 - 1}
    assert parse_integer("12 600") == 12600 and parse_integer("12600,0") == 12600 and parse_integer(12600.0) == 12600
    with pytest.raises(ValueError, match="64-bit"):
        parse_integer(2**63)


def test_integer_cells_of_a_workbook_beyond_int64_are_errors(tmp_path):
    xml = sheet_xml([(1, ["Kommun", "År", "Folkmängd"]), (2, ["Åmål", 2019, "=9223372036854775808"]),
                     (3, ["Vänersborg", 2019, "=1E999"])])
    with pytest.raises(InputFileError) as info:
        read(workbook(tmp_path / "big.xlsx", {"Befolkning": xml}))
    err = info.value
    assert (err.row, err.column) == (2, "Folkmängd")  # openpyxl hands 2**63 over as a float: never rounded
    assert "'9.223372036854776e+18' is too large to be read exactly" in one_line(err)
    assert "row 3 column 'Folkmängd': 'inf' is not a finite number" in str(err)


CHECKED = DatasetSpec(
    name="checked_example",
    title="Example for the tests",
    description="",
    columns=(
        Column("id", "int", "row id", min=1),
        Column("when", "date", "a date", required=False),
        Column("share", "float", "a share", unit="%", min=0, max=100, required=False),
        Column("count", "int", "a count", min=0, max=10, required=False),
        Column("level", "float", "a level", min=0, max=5),
        Column("label", "category", "a label", allowed=("a", "b"), required=False),
    ),
)


def conform_text(tmp_path, body: str, name="checked.csv"):
    path = tmp_path / name
    path.write_text("id;when;share;count;level;label\n" + body, encoding="utf-8")
    raw = files.read_rows(path, is_header=header_matcher(CHECKED))
    return conform(raw, CHECKED, str(path))


@pytest.mark.parametrize("text", ["2020-11-16xyz", "2020-13-01", "16/11/2020x", "16/11/2020", "20201116",
                                  "2020-W47-1", "2020-11-16T25:00", "2020-11-16 10:00 CET", "2020-02-30"])
def test_dates_are_parsed_strictly(tmp_path, text):
    with pytest.raises(InputFileError) as info:
        conform_text(tmp_path, f"1;{text};;;1;\n")
    assert (info.value.row, info.value.column) == (2, "when")
    assert "is not a date in the form YYYY-MM-DD" in one_line(info.value)


def test_documented_date_forms_are_read(tmp_path):
    frame = conform_text(tmp_path, "1;2020-11-16;;;1;\n2;2020-11-16 00:00:00;;;1;\n3;2020-11-16T10:30;;;1;\n4;;;;1;\n")
    assert list(frame["when"][:3]) == ["2020-11-16", "2020-11-16", "2020-11-16"]
    assert frame["when"].isna().tolist() == [False, False, False, True]


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "-Infinity", "+inf", "1e999", "-1e999", "∞"])
def test_infinite_numbers_never_pass_min_and_max(tmp_path, text):
    with pytest.raises(InputFileError) as info:
        conform_text(tmp_path, f"1;;{text};;1;\n")
    assert (info.value.row, info.value.column) == (2, "share")
    assert "not a" in one_line(info.value)  # "not a number" / "not a finite number"
    with pytest.raises(InputFileError):
        conform_text(tmp_path, f"1;;;;{text};\n")


def test_nan_is_missing_where_missing_is_allowed_and_an_error_elsewhere(tmp_path):
    frame = conform_text(tmp_path, "1;;nan;NaN;1;\n2;;NAN;;2;\n")
    assert frame["share"].isna().all() and frame["count"].isna().all()
    with pytest.raises(InputFileError) as info:
        conform_text(tmp_path, "1;;;;NaN;\n")
    assert info.value.column == "level" and "column 'level': the value is missing" in str(info.value)
    assert parse_number(float("nan")) is None
    for value in (float("inf"), float("-inf"), 10**400):
        with pytest.raises(ValueError):
            parse_number(value)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\r", "\ud800",
                                  "\u00ad", "\ue000", "\U000e0001"])
def test_control_characters_are_shown_escaped(char):
    text = printable(f"Åmål{char}[31m\ttab")
    assert text == "Åmål" + ascii(char)[1:-1] + "[31m\ttab"  # escaped as repr does; a tab stays


def test_a_huge_cell_is_not_echoed_whole(tmp_path):
    path = tmp_path / "huge_cell.csv"
    path.write_text(f"Kommun;År;Folkmängd\n{'x' * 100_000};2019;1\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read(path)
    text = one_line(info.value)
    assert len(text) < 5000 and "characters more)" in text and "row 2, column 'Kommun'" in text


def test_control_characters_in_cells_and_headers_never_reach_the_message_raw(tmp_path):
    with pytest.raises(InputFileError) as info:
        conform_text(tmp_path, "1;;;;1;a\x1b[2J\u2028\x7f\n")
    text = one_line(info.value)
    assert "'a\\x1b[2J\\u2028\\x7f' is not allowed" in text
    path = tmp_path / "header.csv"
    path.write_text("Kommun\x1b;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read(path)
    assert "Kommun\\x1b" in one_line(info.value)
    weird = tmp_path / "line\nbreak\x1b.csv"
    weird.write_text("Kommun;År;Folkmängd\nÅmål;2019;x\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read(weird)
    assert "line\\nbreak\\x1b.csv, row 2" in one_line(info.value)


# ---------------------------------------------------------------------------------------
# 3. Encodings and formats
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-32"])
def test_utf16_with_and_without_a_byte_order_mark_is_decoded(tmp_path, encoding):
    path = tmp_path / "unicode.txt"
    path.write_bytes(ROWS.replace(";", "\t").encode(encoding))
    assert rows_of(read(path)) == EXPECTED


def test_broken_utf16_and_binary_content_are_refused(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_bytes(ROWS.encode("utf-16-le") + b"x")
    with pytest.raises(InputFileError, match="looks like UTF-16-LE text without a byte-order mark but has an odd"):
        read(odd)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"Kommun;\x00\x01\x02\x03" * 20)
    with pytest.raises(InputFileError, match="contains NUL bytes: it is not a text table"):
        read(binary)
    lone = tmp_path / "lone.csv"
    lone.write_bytes(b"\xff\xfe" + "Kommun".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(InputFileError, match="byte-order mark but is not valid UTF-16"):
        read(lone)


def test_opendocument_spreadsheets_get_a_clear_message(tmp_path):
    with pytest.raises(InputFileError) as info:
        read(opendocument(tmp_path / "befolkning.ods"))
    assert "OpenDocument spreadsheets (.ods) are not read — save it as .xlsx or CSV" in one_line(info.value)
    with pytest.raises(InputFileError, match=r"this is an OpenDocument spreadsheet \(.ods\), which is not read"):
        read(opendocument(tmp_path / "befolkning.csv"))


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"%PDF-1.4\n", "this is a PDF, not a table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Excel .xls workbook"),
        (b"\x1f\x8b\x08\x00" + bytes(40), "a compressed \\(gzip\\) file"),
    ],
)
def test_binary_formats_named_csv_say_what_they_are(tmp_path, content, text):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=text):
        read(path)


def test_an_xlsx_named_xls_is_read_and_sheet_is_refused_for_text(tmp_path):
    path = workbook(tmp_path / "data.xls", {"Befolkning": DATA})
    assert rows_of(read(path)) == EXPECTED
    text = tmp_path / "data.csv"
    text.write_text(ROWS, encoding="utf-8")
    with pytest.raises(InputFileError, match="has no sheet 'Data'"):
        read(text, sheet="Data")


# ---------------------------------------------------------------------------------------
# Other readers and the documents folder
# ---------------------------------------------------------------------------------------


def test_json_too_deep_or_with_huge_integers_is_one_line(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputFileError, match="nested too deeply"):
        jsonstat.read_pxweb_file(deep)
    digits = tmp_path / "digits.json"
    digits.write_text('{"value": ' + "9" * 5000 + "}", encoding="utf-8")
    with pytest.raises(InputFileError, match="broken JSON"):
        jsonstat.read_pxweb_file(digits)


@needs_posix
def test_documents_folder_lists_pipes_and_devices_as_unreadable(tmp_path):
    import json

    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "Uddevalla_plan.txt").write_text("digitalisering", encoding="utf-8")
    os.mkfifo(folder / "Munkedal_plan.txt")
    (folder / "Tanum_plan.pdf").symlink_to("/dev/zero")
    proc = child(["-c", "import json\nfrom digimotor.sources.documents import read_documents\n"
                  f"f = read_documents({str(folder)!r})\n"
                  "print(json.dumps({d: [s, r] for d, s, r in zip(f['document'], f['status'], f['reason'])}))"])
    by_name = json.loads(proc.stdout)
    assert by_name["Uddevalla_plan.txt"][0] == "ok"
    assert by_name["Munkedal_plan.txt"] == ["unreadable", "this is a pipe (FIFO), not a regular file"]
    assert by_name["Tanum_plan.pdf"] == ["unreadable", "this is a device, not a regular file (a link to /dev/zero)"]


# ---------------------------------------------------------------------------------------
# 4. Every failure is one line from the command line
# ---------------------------------------------------------------------------------------


def test_cli_failures_on_hostile_files_are_one_line(project, tmp_path):
    hidden = workbook(tmp_path / "hidden.xlsx", {"Info": [["Notes"]], "Data": DATA}, {"Data": "hidden"})
    assert_one_line_failure(cli_import(project, hidden), "hidden sheet 'Data'")
    cells = tmp_path / "cells.csv"
    cells.write_text("Kommun;År;Folkmängd\nÅmål\u2028\x1b[2J;2019;1e999\n", encoding="utf-8")
    line = assert_one_line_failure(cli_import(project, cells), "'Åmål\\u2028\\x1b[2J' is not a Swedish",
                                   "'1e999' is not a finite number")
    assert "\x1b" not in line
    ods = opendocument(tmp_path / "calc.ods")
    assert_one_line_failure(cli_import(project, ods), "OpenDocument")
    proc = cli_import(project, hidden, "--sheet", "Data")
    assert proc.returncode == 0, proc.stderr
    assert verify(project / "data/raw/user/population_forecast/t.csv").get("sheet") == "Data"


HOSTILE_CELLS = ["inf", "1e400", "9" * 25, "\x1b[2J\u2028x", "2020-13-01", "nan", "", "x" * 5000]


def test_hostile_cells_in_every_dataset_give_one_line_errors(tmp_path):
    """Every dataset's template with one cell replaced: read, or a one-line DigimotorError."""
    from digimotor import datasets
    from digimotor.errors import DigimotorError
    from digimotor.importer import write_template

    failures = []
    for name in datasets.names():
        template = write_template(name, tmp_path, formats=("csv",))[0]
        header, example = (line.split(";") for line in template.read_text(encoding="utf-8-sig").splitlines()[:2])
        for position, column in enumerate(header):
            for value in HOSTILE_CELLS:
                cells = [*example[:position], value, *example[position + 1:]]
                path = tmp_path / f"{name}.csv"
                path.write_text(";".join(header) + "\n" + ";".join(cells) + "\n", encoding="utf-8")
                try:
                    read_for_dataset(datasets.get(name), path)
                except DigimotorError as exc:
                    if printable(str(exc)) != str(exc):
                        failures.append((name, column, value, str(exc)))
                except Exception as exc:  # noqa: BLE001 - what the test looks for
                    failures.append((name, column, value, f"{type(exc).__name__}: {exc}"))
    assert failures == []
