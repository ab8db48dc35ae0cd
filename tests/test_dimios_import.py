"""DiMiOS microdata: `digimotor import dimios` and `digimotor template dimios`, with messy and bad files."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from digimotor.cli import main
from digimotor.errors import InputFileError
from digimotor.importer import import_file, write_template
from digimotor.metrics import dimios
from digimotor.model.dimios import AREAS
from digimotor.sources.dimios import load_dimios

SWEDISH_AREAS = [v[0] for v in AREAS.values()]


def _rows(municipality="Vänersborg", respondents=("R1", "R2"), scores=None, year=2020):
    """Rows of a respondent × area export; ``scores`` maps (respondent, area) to a text cell."""
    scores = scores or {}
    out = []
    for r, respondent in enumerate(respondents):
        for a, area in enumerate(SWEDISH_AREAS):
            out.append([str(year), municipality, respondent, area, scores.get((respondent, area), f"{2 + (r + a) % 4},5")])
    return out


def _write_csv(path, header, rows, sep=";", encoding="utf-8", title=None):
    lines = ([title, ""] if title else []) + [sep.join(header)] + [sep.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


HEADER_SV = ["År", "Kommun", "Svarande", "Område", "Poäng"]


def test_template_writes_csv_and_xlsx(tmp_path, project):
    paths = write_template("dimios", tmp_path)
    assert [p.name for p in paths] == ["dimios_template.csv", "dimios_template.xlsx"]
    header = paths[0].read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    assert header == ["year", "municipality_code", "respondent", "role", "area", "item", "score"]
    book = openpyxl.load_workbook(paths[1])
    assert book.sheetnames == ["dimios", "columns"]
    described = {row[0].value: row[4].value for row in book["columns"].iter_rows(min_row=2)}
    assert described["score"] == "1.0–6.0" and "Effektivitet" in described["area"]
    assert main(["template", "dimios", "--out", str(tmp_path / "t")]) == 0


def test_the_template_example_imports(tmp_path, project):
    csv_path = write_template("dimios", tmp_path, formats=("csv",))[0]
    with pytest.raises(InputFileError, match="no score for the area"):  # one example row is one area only
        import_file("dimios", csv_path, name="template")


def test_swedish_excel_csv_semicolons_decimal_commas_cp1252(tmp_path, project):
    rows = _rows() + _rows("Åmål", ("A", "B", "C"))
    path = _write_csv(tmp_path / "mätning.csv", HEADER_SV, rows, encoding="cp1252",
                      title="DiMiOS-export Fyrbodal")
    import_file("dimios", path, name="fyrbodal-2020")
    answers = load_dimios("fyrbodal-2020")
    assert answers.attrs["provenance"]["kind"] == "user"
    assert set(answers["municipality_code"]) == {"1487", "1492"}
    assert set(answers["municipality"]) == {"Vänersborg", "Åmål"}
    assert len(answers) == 5 * 6
    r1 = answers[(answers["municipality_code"] == "1487") & (answers["respondent"] == "R1")].set_index("area")
    assert r1.loc["efficiency", "score"] == 2.5 and r1.loc["innovation", "score"] == 3.5
    towns = dimios.municipality_types(answers, min_respondents=3).set_index("municipality_code")
    assert towns.loc["1487", "few_respondents"] and not towns.loc["1492", "few_respondents"]
    # Vänersborg efficiency: R1 2,5 and R2 3,5
    assert towns.loc["1487", "efficiency"] == 3.0


def test_comma_separated_utf8_with_items_and_english_area_ids(tmp_path, project):
    rows = []
    for area in AREAS:
        for item, score in (("1", "2"), ("2", "5")):
            rows.append(["2019", "1460", "x", area, f"{area[:3]}{item}", score])
    path = _write_csv(tmp_path / "export.csv", ["year", "municipality", "respondent", "area", "item", "score"], rows,
                      sep=",")
    import_file("dimios", path, name="bengtsfors")
    towns = dimios.municipality_types(load_dimios("bengtsfors"))
    assert towns.loc[0, "municipality_code"] == "1460" and towns.loc[0, "efficiency"] == 3.5


def test_xlsx_with_title_row(tmp_path, project):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Resultat"
    sheet.append(["Digital mognad 2020"])
    sheet.append(HEADER_SV)
    for row in _rows("Tanum", ("R1", "R2", "R3")):
        sheet.append([int(row[0]), row[1], row[2], row[3], float(row[4].replace(",", "."))])
    path = tmp_path / "dimios.xlsx"
    book.save(path)
    import_file("dimios", path, name="tanum")
    answers = load_dimios("tanum")
    assert answers["municipality_code"].unique().tolist() == ["1435"] and len(answers) == 18


def test_the_synthetic_example_passes_the_import_route(tmp_path, project):
    source = project / "data/raw/synthetic/dimios.csv"
    import_file("dimios", source, name="copy")
    pd.testing.assert_frame_equal(
        load_dimios("copy").drop(columns=[]).reset_index(drop=True),
        load_dimios("synthetic").reset_index(drop=True),
        check_dtype=False,
    )


def _error(tmp_path, rows, header=HEADER_SV, name="bad.csv"):
    path = _write_csv(tmp_path / name, header, rows)
    with pytest.raises(InputFileError) as info:
        import_file("dimios", path, name="bad")
    return info.value, path


def test_score_outside_the_scale(tmp_path, project):
    error, path = _error(tmp_path, _rows(scores={("R2", "Teknik"): "7"}))
    # header is row 1; R2's Teknik is the 6 + 4th data row -> file row 11
    assert error.file == str(path) and error.row == 11 and error.column == "Poäng"
    assert "1 to 6" in str(error)


def test_score_not_a_number(tmp_path, project):
    error, _ = _error(tmp_path, _rows(scores={("R1", "Innovation"): "hög"}))
    assert error.row == 3 and error.column == "Poäng"
    assert "'hög' is not a score" in str(error) and "1 to 6" in str(error)


def test_unknown_municipality(tmp_path, project):
    error, _ = _error(tmp_path, _rows("Fyrbodalstad"))
    assert error.row == 2 and error.column == "Kommun"
    assert "Fyrbodalstad" in str(error)


def test_unknown_area_lists_the_allowed_ones(tmp_path, project):
    rows = _rows()
    rows[4][3] = "Teknologi"
    error, _ = _error(tmp_path, rows)
    assert error.row == 6 and error.column == "Område"
    assert "use one of: Effektivitet, Innovation, Balansering, Teknik, Användare, Organisation" in str(error)


def test_missing_area_for_a_respondent(tmp_path, project):
    rows = [r for r in _rows() if not (r[2] == "R2" and r[3] == "Organisation")]
    error, _ = _error(tmp_path, rows)
    assert error.row == 8 and error.column == "area"  # R2's first row
    assert "respondent 'R2'" in str(error) and "Organisation" in str(error)
    assert "Effektivitet, Innovation, Balansering, Teknik, Användare, Organisation" in str(error)


def test_duplicated_respondent_rows(tmp_path, project):
    rows = _rows()
    rows.insert(3, list(rows[1]))  # R1 Innovation twice
    error, _ = _error(tmp_path, rows)
    assert error.row == 5 and "duplicates row 3" in str(error)
    assert error.column == "year, municipality_code, respondent, area, item"


def test_empty_and_header_only_files(tmp_path, project):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match=re.escape(f"{empty}: the file is empty")):
        import_file("dimios", empty)
    error, path = _error(tmp_path, [], name="header.csv")
    assert error.file == str(path) and "no data rows" in str(error)


def test_a_failed_import_keeps_the_previous_snapshot(tmp_path, project):
    good = _write_csv(tmp_path / "good.csv", HEADER_SV, _rows())
    target = import_file("dimios", good, name="same")
    before = target.read_bytes()
    bad = _write_csv(tmp_path / "bad.csv", HEADER_SV, _rows(scores={("R1", "Teknik"): "0"}))
    with pytest.raises(InputFileError):
        import_file("dimios", bad, name="same")
    assert target.read_bytes() == before
