"""`digimotor import`: the files users really have, and clear errors naming file, row, column."""

import pandas as pd
import pytest

from digimotor.datasets import load, parse_number
from digimotor.errors import InputFileError
from digimotor.importer import import_file, write_template
from digimotor.provenance import verify


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


SWEDISH_EXCEL = (
    "Folkmängd efter region och år\r\n"
    "Källa: SCB\r\n"
    "\r\n"
    "Kommun;År;Folkmängd\r\n"
    "Åmål;2019;12 600\r\n"
    "Vanersborg;2019;39 600\r\n"
    "\r\n"
    "Åmål;2030;12 000\r\n"
    "1487;2030;38 300\r\n"
    ";;\r\n"
)


def test_swedish_excel_csv_in_windows_1252(project, tmp_path):
    source = _write(tmp_path / "befolkning.csv", SWEDISH_EXCEL, "cp1252")
    target = import_file("population_forecast", source, name="mine")
    assert target == project / "data/raw/user/population_forecast/mine.csv"
    prov = verify(target)
    assert prov.kind == "user"
    assert prov.get("original_file") == "befolkning.csv"
    frame = load("population_forecast", "mine")
    assert frame.attrs["provenance"]["kind"] == "user"
    assert sorted(frame["municipality_code"].unique()) == ["1487", "1492"]
    assert frame.loc[(frame["municipality_code"] == "1492") & (frame["year"] == 2030), "population"].item() == 12000


def test_utf8_bom_comma_separated_with_quoted_decimal_commas(project, tmp_path):
    text = '\ufeffkommunkod,år,befolkning\n"1421",2019,"15 200,0"\n1421,2030,15400\n'
    source = _write(tmp_path / "orust.csv", text)
    import_file("population_forecast", source, name="orust")
    frame = load("population_forecast", "orust")
    assert list(frame["population"]) == [15200, 15400]


def test_xlsx_with_several_sheets(project, tmp_path):
    path = tmp_path / "befolkning.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Notes": ["nothing here"]}).to_excel(writer, sheet_name="Info", index=False)
        pd.DataFrame({"Kommun": ["Tanum", "Tanum"], "År": [2019, 2030], "Folkmängd": [12800, 13300]}).to_excel(
            writer, sheet_name="Data", index=False
        )
    import_file("population_forecast", path, name="tanum")
    assert verify(project / "data/raw/user/population_forecast/tanum.csv").get("sheet") == "Data"
    assert list(load("population_forecast", "tanum")["population"]) == [12800, 13300]


def test_unknown_municipality_names_file_row_and_column(project, tmp_path):
    source = _write(tmp_path / "bad.csv", "Kommun;År;Folkmängd\nÅmål;2019;12600\nBengtfors;2019;9800\n")
    with pytest.raises(InputFileError) as info:
        import_file("population_forecast", source, name="bad")
    err = info.value
    assert (err.row, err.column) == (3, "Kommun")
    assert "bad.csv" in str(err) and "did you mean Bengtsfors" in str(err)


def test_non_numeric_and_negative_values_are_reported_together(project, tmp_path):
    source = _write(tmp_path / "bad.csv", "Kommun;År;Folkmängd\nÅmål;2019;tolv\nTanum;2019;-5\n")
    with pytest.raises(InputFileError) as info:
        import_file("population_forecast", source)
    message = str(info.value)
    assert "row 2" in message and "'tolv' is not a number" in message
    assert "row 3 column 'Folkmängd'" in message and "outside the allowed range" in message


def test_duplicate_rows_are_an_error(project, tmp_path):
    source = _write(tmp_path / "dup.csv", "Kommun;År;Folkmängd\nÅmål;2019;12600\nAmal;2019;12600\n")
    with pytest.raises(InputFileError, match="row 3.*duplicates row 2"):
        import_file("population_forecast", source)


def test_missing_column_lists_what_was_found(project, tmp_path):
    source = _write(tmp_path / "cols.csv", "Kommun;Folkmängd\nÅmål;12600\n")
    with pytest.raises(InputFileError, match="missing column.*year"):
        import_file("population_forecast", source)


def test_empty_file_and_header_only(project, tmp_path):
    with pytest.raises(InputFileError, match="empty"):
        import_file("population_forecast", _write(tmp_path / "empty.csv", "\n\n"))
    with pytest.raises(InputFileError, match="no data rows"):
        import_file("population_forecast", _write(tmp_path / "header.csv", "Kommun;År;Folkmängd\n"))


def test_failed_import_leaves_previous_snapshot_untouched(project, tmp_path):
    good = _write(tmp_path / "good.csv", "Kommun;År;Folkmängd\nÅmål;2019;12600\n")
    target = import_file("population_forecast", good, name="snap")
    before = target.read_bytes()
    bad = _write(tmp_path / "bad.csv", "Kommun;År;Folkmängd\nÅmål;2019;x\n")
    with pytest.raises(InputFileError):
        import_file("population_forecast", bad, name="snap")
    assert target.read_bytes() == before
    verify(target)
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_template_round_trip(project, tmp_path):
    paths = write_template("population_forecast", tmp_path)
    assert {p.suffix for p in paths} == {".csv", ".xlsx"}
    header = paths[0].read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "municipality_code;year;population;series"
    filled = _write(tmp_path / "filled.csv", header + "\n1492;2019;12600;observed\n")
    import_file("population_forecast", filled, name="filled")
    assert load("population_forecast", "filled")["series"].iloc[0] == "observed"


@pytest.mark.parametrize(
    ("text", "value"),
    [("12 600", 12600.0), ("3,4", 3.4), ("−2,1", -2.1), ("58 %", 58.0), ("1.234,5", 1234.5), ("", None), (7, 7.0)],
)
def test_parse_number_swedish_formats(text, value):
    assert parse_number(text) == value


def test_parse_number_rejects_text():
    with pytest.raises(ValueError):
        parse_number("tolv")


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "1e999", "-1e400", float("inf"), 10**400])
def test_parse_number_rejects_what_is_not_finite(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("12 600", 12600), ("12600,0", 12600), ("−3", -3), (12600.0, 12600), ("9 223 372 036 854 775 807", 2**63 - 1),
     ("9007199254740993", 2**53 + 1), ("", None), ("nan", None)],
)
def test_parse_integer_is_exact(text, value):
    from digimotor.datasets import parse_integer

    assert parse_integer(text) == value


def test_import_records_the_sheet_it_read_and_skips_hidden_ones(project, tmp_path):
    path = tmp_path / "befolkning.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"Kommun": ["Tanum"], "År": [2019], "Folkmängd": [1]}).to_excel(writer, sheet_name="Gammal",
                                                                                    index=False)
        pd.DataFrame({"Kommun": ["Tanum"], "År": [2019], "Folkmängd": [12_300]}).to_excel(writer, sheet_name="Data",
                                                                                         index=False)
        writer.book["Gammal"].sheet_state = "hidden"
    target = import_file("population_forecast", path, name="tanum")
    assert verify(target).get("sheet") == "Data"
    assert load("population_forecast", "tanum")["population"].tolist() == [12_300]


def test_duplicates_detected_when_an_optional_key_column_is_empty(tmp_path):
    """An empty optional key column must not break duplicate detection (NA equals NA here)."""
    from digimotor.datasets import Column, DatasetSpec, conform
    from digimotor.sources.files import read_rows

    spec = DatasetSpec(
        name="x", title="x", description="x",
        columns=(Column("municipality_code", "municipality", "m", aliases=("kommun",)),
                 Column("item", "str", "optional key", required=False),
                 Column("score", "float", "s")),
        key=("municipality_code", "item"),
    )
    path = _write(tmp_path / "d.csv", "kommun;item;score\nÅmål;;1\nTanum;;2\nAmal;;3\n")
    with pytest.raises(InputFileError) as info:
        conform(read_rows(path), spec, str(path))
    assert info.value.row == 4 and "duplicates row 2" in str(info.value)
