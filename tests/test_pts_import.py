"""PTS broadband tables through `digimotor import broadband`: declared column mapping, clear errors."""

from pathlib import Path

import pytest

from digimotor.datasets import load
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.sources import pts

FIX = Path(__file__).resolve().parent / "fixtures" / "public"


def test_default_mapping_reads_the_assumed_layout(project):
    import_file("broadband", FIX / "pts_assumed_layout_sv.csv", name="pts", kind="public")
    frame = load("broadband", "pts")
    got = {(r.municipality_code, r.premises, r.area): r.share_pct for r in frame.itertuples()}
    text = (FIX / "pts_assumed_layout_sv.csv").read_bytes().decode("cp1252").splitlines()
    keys = [("households", "total"), ("households", "outside_urban"), ("workplaces", "total"),
            ("workplaces", "outside_urban")]
    for line in text[3:]:
        cells = line.split(";")
        for key, cell in zip(keys, cells[3:], strict=True):
            assert got[(cells[0], *key)] == float(cell.replace(",", "."))
    assert len(got) == 8 and set(frame["year"]) == {2019}


def test_declared_mapping_with_fractions(project):
    import_file("broadband", FIX / "pts_own_layout_fractions.csv", name="own", kind="public")
    frame = load("broadband", "own")
    got = {(r.municipality_code, r.area): r.share_pct for r in frame.itertuples()}
    assert got == {("1461", "total"): 58.0, ("1461", "outside_urban"): 31.5,
                   ("1492", "total"): 70.4, ("1492", "outside_urban"): 40.1}
    assert set(frame["premises"]) == {"households"}


def test_english_header_is_a_clear_error(project):
    with pytest.raises(InputFileError) as info:
        import_file("broadband", FIX / "pts_english_header.csv", name="en")
    error = info.value
    assert error.file == str(FIX / "pts_english_header.csv")
    assert error.row == 1 and error.column == "Kommun"
    assert "Municipality code" in str(error) and "pts_english_header.csv.columns.yml" in str(error)
    assert not (project / "data/raw/user/broadband").exists()


def test_tidy_form_is_read_as_it_is(project, tmp_path):
    path = tmp_path / "tidy.csv"
    path.write_text("municipality_code;year;premises;area;share_pct\nMellerud;2019;households;total;58,0\n",
                    encoding="utf-8")
    import_file("broadband", path, name="tidy")
    assert load("broadband", "tidy")[["municipality_code", "share_pct"]].values.tolist() == [["1461", 58.0]]


def test_share_above_100_names_row_and_column(project, tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("Kommun;År;Hushåll minst 100 Mbit/s (%)\nMellerud;2019;58\nÅmål;2019;158\n", encoding="utf-8")
    path.with_name("pts.csv.columns.yml").write_text(
        "municipality: Kommun\nyear: År\nshares:\n  households.total: Hushåll minst 100 Mbit/s (%)\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file("broadband", path, name="bad")
    assert info.value.row == 3 and info.value.column == "share_pct"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [({"municipality": "K", "year": "År"}, "needs 'municipality' and 'shares'"),
     ({"municipality": "K", "shares": {"households.total": "x"}}, "needs 'year'"),
     ({"municipality": "K", "year": "År", "shares": {"homes.total": "x"}}, "share 'homes.total'")],
)
def test_bad_mapping(tmp_path, mapping, message):
    with pytest.raises(InputFileError, match=message):
        pts.mapping_for(tmp_path / "x.csv", mapping)


def test_three_header_rows_with_fractions(project):
    import_file("broadband", FIX / "pts_three_header_rows.csv", name="three", kind="public")
    frame = load("broadband", "three")
    got = {(r.municipality_code, r.premises, r.area): r.share_pct for r in frame.itertuples()}
    assert got == {("1461", "households", "total"): 58.0, ("1461", "workplaces", "total"): 55.2,
                   ("1461", "households", "outside_urban"): 31.5, ("1461", "workplaces", "outside_urban"): 29.9,
                   ("1492", "households", "total"): 70.4, ("1492", "workplaces", "total"): 66.0,
                   ("1492", "households", "outside_urban"): 40.1, ("1492", "workplaces", "outside_urban"): 38.2}
    assert set(frame["year"]) == {2019}  # the 1 Gbit/s columns are left out


def test_long_sheet_keeps_the_old_and_new_area_categories_apart(project):
    import_file("broadband", FIX / "pts_long_sheet.csv", name="long", kind="public")
    frame = load("broadband", "long")
    got = {(r.year, r.premises, r.area): r.share_pct for r in frame.itertuples()}
    assert got[(2019, "households", "outside_urban")] == 31.5
    assert got[(2020, "households", "sparse")] == 38.0 and got[(2020, "workplaces", "dense")] == 79.0
    assert (2020, "households", "outside_urban") not in got  # glesbebyggt is not 'utanför tätort och småort'
    assert len(got) == 10


def test_long_sheet_with_an_unknown_area_names_row_and_column(project, tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("Kommun;År;Område;Hushåll\nMellerud;2019;Landsbygd;0,4\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file("broadband", path, name="bad")
    assert info.value.file == str(path) and info.value.row == 2 and info.value.column == "Område"
    assert "Glesbebyggt" in str(info.value)
    assert not (project / "data/raw/user/broadband").exists()


def test_headers_matching_no_layout_name_the_file_and_what_was_expected(project, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Region;Year;Coverage\nMellerud;2019;58\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file("broadband", path, name="other")
    assert info.value.file == str(path)
    assert "three header rows" in str(info.value) and "long sheet" in str(info.value)
    assert not (project / "data/raw/user/broadband").exists()
