"""Every loader path against the messy-input corpus (tests/data/messy/README.md).

Each file gives the right tidy result or an error naming file, row and column.
"""

from pathlib import Path

import pytest

from digimotor.datasets import get
from digimotor.errors import InputFileError
from digimotor.importer import read_for_dataset

MESSY = Path(__file__).resolve().parent / "data" / "messy"
SPEC = get("population_forecast")


def read(name):
    return read_for_dataset(SPEC, MESSY / name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("excel_sv_cp1252.csv", {("1492", 2019): 12600, ("1487", 2019): 39600, ("1439", 2019): 6600}),
        ("utf8_bom_comma.csv", {("1492", 2019): 12600, ("1487", 2019): 39600, ("1439", 2019): 6600}),
        ("units_row.csv", {("1435", 2019): 12800, ("1435", 2030): 13300}),
        ("excel_unicode.txt", {("1421", 2019): 15200}),
        ("utf16le_no_bom.txt", {("1421", 2019): 15200}),
        ("utf16be_no_bom.txt", {("1421", 2019): 15200}),
        ("english_header.csv", {("1435", 2019): 12800}),
        ("several_sheets.xlsx", {("1492", 2019): 12600, ("1487", 2019): 39600}),
    ],
)
def test_readable_files_give_the_right_rows(name, expected):
    frame = read(name)
    got = {(r.municipality_code, r.year): r.population for r in frame.itertuples()}
    assert got == expected


def test_units_row_is_recorded_and_sheet_is_found():
    assert read("units_row.csv").attrs["units_row"] == 2
    assert read("several_sheets.xlsx").attrs["sheet"] == "Befolkning"


@pytest.mark.parametrize(
    ("name", "row", "column", "text"),
    [
        ("duplicated.csv", 3, "municipality_code, year", "duplicates row 2"),
        ("unknown_name.csv", 3, "Kommun", "did you mean Bengtsfors"),
        ("ambiguous_name.csv", 2, "Kommun", "Håbo (0305"),
        ("truncated.csv", 3, "År", "not a plausible year"),
        ("fractional_population.csv", 2, "Folkmängd", "not a whole number"),
        ("extra_values.csv", 2, None, "4 values but the header names 3"),
        ("formula_injection.csv", 2, "Kommun", "not a Swedish municipality"),
        ("big_integer.csv", 3, "Folkmängd", "'99999999999999999999' is beyond the 64-bit integer range"),
        ("infinite_population.csv", 2, "Folkmängd", "'1e999' is not a finite number"),
        ("control_characters.csv", 2, "Kommun", "'Åmål\\x1b[2J\\x07' is not a Swedish municipality"),
    ],
)
def test_bad_files_name_file_row_and_column(name, row, column, text):
    with pytest.raises(InputFileError) as info:
        read(name)
    err = info.value
    assert err.file.endswith(name)
    assert err.row == row
    assert err.column == column
    assert text in str(err)
    assert name in str(err)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.csv", "the file is empty"),
        ("blank_lines.csv", "the file is empty"),
        ("wrong_table.csv", "no header row"),
        ("workbook_named.csv", "rename it to .xlsx"),
        ("truncated.xlsx", "cannot open the workbook"),
        ("broken_quote.csv", "row 2: a quote (\") opened in this row is never closed"),
        ("opendocument.ods", "OpenDocument spreadsheets (.ods) are not read — save it as .xlsx or CSV"),
        ("hidden_sheet.xlsx", "the data are on the hidden sheet 'Data', which is not read unless named"),
    ],
)
def test_unreadable_files_fail_clearly(name, text):
    with pytest.raises(InputFileError) as info:
        read(name)
    assert text in str(info.value)


def test_hidden_sheet_is_read_when_named():
    frame = read_for_dataset(SPEC, MESSY / "hidden_sheet.xlsx", sheet="Data")
    assert {(r.municipality_code, r.year): r.population for r in frame.itertuples()} == {("1492", 2019): 12600}
    assert frame.attrs["sheet"] == "Data" and frame.attrs["sheet_hidden"] is True


def test_messages_are_one_printable_line():
    with pytest.raises(InputFileError) as info:
        read("control_characters.csv")
    text = str(info.value)
    assert "\x1b" not in text and "\x07" not in text and "\n" not in text


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        read_for_dataset(SPEC, tmp_path / "nothing.csv")
    with pytest.raises(InputFileError, match="folder"):
        read_for_dataset(SPEC, tmp_path)


def test_large_file_generated_at_test_time(tmp_path):
    """200 000 rows of every municipality x year: read correctly, row numbers kept."""
    from digimotor.regions import all_municipalities

    codes = [m.code for m in all_municipalities()]
    lines = ["Kommun;År;Folkmängd"]
    for year in range(1330, 2020):  # 690 years x 290 municipalities = 200 100 rows
        if year < 1900:
            continue
        lines += [f"{code};{year};{1000 + i}" for i, code in enumerate(codes)]
    lines.append(f"{codes[0]};1899;5")  # a bad year in the last row
    path = tmp_path / "large.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_for_dataset(SPEC, path)
    assert info.value.row == len(lines)
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    frame = read_for_dataset(SPEC, path)
    assert len(frame) == len(lines) - 2


def test_scb_export_with_every_name_resolves_habo_and_habo(tmp_path):
    """An export that keeps diacritics names Habo and Håbo exactly: both resolve, all 290 do."""
    from digimotor.regions import all_municipalities

    lines = ["Region;År;Folkmängd"] + [f"{m.name};2019;{1000 + i}" for i, m in enumerate(all_municipalities())]
    path = tmp_path / "scb.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    frame = read_for_dataset(SPEC, path)
    assert frame["municipality_code"].nunique() == 290
    by_code = dict(zip(frame["municipality_code"], frame["population"], strict=True))
    names = [m.code for m in all_municipalities()]
    assert by_code["0643"] == 1000 + names.index("0643")  # Habo
    assert by_code["0305"] == 1000 + names.index("0305")  # Håbo
