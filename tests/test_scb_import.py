"""SCB exports (json-stat2, PxWeb v1 json, PC-Axis, wide CSV) through `digimotor import`.

Expected values are recomputed from the fixture files themselves (index arithmetic on the
json-stat2 `value` array, the PX DATA block), never copied from the code's output.
"""

import itertools
import json
from pathlib import Path

import pytest

from digimotor.datasets import load
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.provenance import verify
from digimotor.sources import scb_readers
from digimotor.sources.jsonstat import parse_jsonstat2
from digimotor.sources.pcaxis import read_px

FIX = Path(__file__).resolve().parent / "fixtures" / "public"


def _cells(name):
    """{(code per dimension): value} from a json-stat2 fixture, by its own index arithmetic."""
    doc = json.loads((FIX / name).read_text(encoding="utf-8"))
    codes = [sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
             for d in doc["id"]]
    return doc["id"], dict(zip(itertools.product(*codes), doc["value"], strict=True))


def test_reduced_real_response_gives_scbs_value():
    doc = json.loads((FIX / "scb_v2_tab638_riket_2024_reduced.json").read_text(encoding="utf-8"))
    frame = parse_jsonstat2(doc, "x")
    assert frame.attrs["table_id"] == "TAB638"
    row = frame.iloc[0]
    assert (row["Region"], row["Civilstand"], row["Alder"], row["Kon"], row["Tid"]) == ("00", "OG", "0", "1", "2024")
    assert row["value"] == 50937


def test_json_stat2_population_sums_civil_status_and_sex(project):
    ids, cells = _cells("scb_v2_tab638_two_municipalities.json")
    target = import_file("population", FIX / "scb_v2_tab638_two_municipalities.json", name="two", kind="public")
    assert verify(target).kind == "public"
    frame = load("population", "two")
    assert len(frame) == 4
    for row in frame.itertuples():
        expected = sum(v for key, v in cells.items()
                       if key[ids.index("Region")] == row.municipality_code and key[ids.index("Tid")] == str(row.year))
        assert row.population == expected


def test_json_stat2_by_age_drops_tot_and_renames_100_plus(project):
    ids, cells = _cells("scb_v2_tab638_county14_by_age.json")
    import_file("population_by_age", FIX / "scb_v2_tab638_county14_by_age.json", name="vg", kind="public")
    frame = load("population_by_age", "vg")
    assert sorted(set(frame["age_group"])) == ["0", "1", "100-", "4", "5"]
    sex_code = {"men": "1", "women": "2"}
    for row in frame.itertuples():
        age = "100+" if row.age_group == "100-" else row.age_group
        expected = sum(v for key, v in cells.items()
                       if key[ids.index("Alder")] == age and key[ids.index("Kon")] == sex_code[row.sex])
        assert row.population == expected
    assert frame["population"].sum() == sum(v for k, v in cells.items() if k[ids.index("Alder")] != "tot")


def test_reduced_real_response_as_population_by_age(project):
    import_file("population_by_age", FIX / "scb_v2_tab638_riket_2024_reduced.json", name="riket", kind="public")
    frame = load("population_by_age", "riket")
    assert frame[["region_code", "year", "age_group", "sex", "population"]].values.tolist() == [
        ["00", 2024, "0", "men", 50937]]


def test_pxweb_v1_json(project):
    doc = json.loads((FIX / "scb_v1_json_population.json").read_text(encoding="utf-8"))
    import_file("population", FIX / "scb_v1_json_population.json", name="v1", kind="public")
    frame = load("population", "v1")
    expected = {(d["key"][0], int(d["key"][1])): int(d["values"][0]) for d in doc["data"]}
    assert {(r.municipality_code, r.year): r.population for r in frame.itertuples()} == expected


def test_px_latin1_file():
    path = FIX / "scb_population_by_age_latin1.px"
    long = read_px(path)
    assert list(long.columns[:4]) == ["region", "ålder", "kön", "år"]
    assert long.attrs["labels"]["region"]["1492"] == "1492 Åmål"
    text = path.read_bytes().decode("iso-8859-1")
    numbers = [float(t) for t in text.split("DATA=", 1)[1].replace(";", " ").split()]
    assert long["value"].tolist() == numbers


def test_px_import_to_population_by_age(project):
    import_file("population_by_age", FIX / "scb_population_by_age_latin1.px", name="px", kind="public")
    frame = load("population_by_age", "px")
    long = read_px(FIX / "scb_population_by_age_latin1.px")
    pick = long[(long["region"] == "1492") & (long["ålder"] == "100+") & (long["kön"] == "2") & (long["år"] == "2020")]
    got = frame[(frame["region_code"] == "1492") & (frame["age_group"] == "100-") & (frame["sex"] == "women")
                & (frame["year"] == 2020)]
    assert got["population"].item() == pick["value"].item()


def test_wide_csv_export_with_title_and_footnote(project):
    import_file("population", FIX / "scb_population_wide_export.csv", name="wide", kind="public")
    frame = load("population", "wide")
    got = {(r.municipality_code, r.year): r.population for r in frame.itertuples()}
    assert got == {("1460", 2019): 9739, ("1460", 2020): 9668, ("1492", 2019): 12600, ("1492", 2020): 12500}


@pytest.mark.parametrize(
    ("name", "dataset", "row", "column", "text"),
    [
        ("scb_population_by_age_utf8_declared_latin1.px", "population_by_age", 8, "CODEPAGE", "bytes are UTF-8"),
        ("scb_population_by_age_broken_data.px", "population_by_age", 30, "DATA", "'x53' in the DATA block"),
        ("scb_population_by_age_short_data.px", "population_by_age", 35, "DATA", "holds 22 cells but"),
        ("scb_v2_other_table_income.json", "population", None, None, "this is table TAB5444"),
        ("scb_v2_truncated.json", "population", 1, None, "ends too early"),
    ],
)
def test_bad_files_fail_clearly_and_keep_the_previous_snapshot(project, name, dataset, row, column, text):
    good = "scb_population_by_age_latin1.px" if dataset == "population_by_age" else "scb_v1_json_population.json"
    target = import_file(dataset, FIX / good, name="snap", kind="public")
    others = sorted(p.name for p in target.parent.iterdir())
    before = target.read_bytes(), (target.parent / (target.name + ".meta.yml")).read_bytes()
    with pytest.raises(InputFileError) as info:
        import_file(dataset, FIX / name, name="snap", kind="public")
    error = info.value
    assert error.file == str(FIX / name)
    assert error.row == row and error.column == column
    assert text in str(error)
    assert (target.read_bytes(), (target.parent / (target.name + ".meta.yml")).read_bytes()) == before
    assert sorted(p.name for p in target.parent.iterdir()) == others  # nothing half-written


def test_projection_records_its_vintage(project):
    import_file("population_projection", FIX / "scb_projection_2024_edition.json", name="p24", kind="public")
    import_file("population_projection", FIX / "scb_projection_2020_edition.json", name="p20", kind="public")
    later = load("population_projection", "p24")
    study = load("population_projection", "p20")
    assert set(later["vintage"]) == {"2024"} and set(study["vintage"]) == {"2020"}
    assert later.set_index("sex")["population"].to_dict() == {"men": 900100, "women": 880200}
    assert set(later["age_group"]) == {"total"}


def test_projection_csv_with_two_vintages_is_refused(project, tmp_path):
    path = tmp_path / "prognos.csv"
    path.write_text("region;år;folkmängd;utgåva\n14;2030;1800000;2020\n14;2031;1810000;2024\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="one projection edition"):
        import_file("population_projection", path, name="mixed")


@pytest.mark.parametrize(("text", "code"), [("1460 Bengtsfors", "1460"), ("14 Västra Götalands län", "14"),
                                            ("Västra Götalands län", "14"), ("Riket", "00"), ("Amal", "1492")])
def test_region_code(text, code):
    assert scb_readers.region_code(text) == code


@pytest.mark.parametrize(("text", "label"), [("0 år", "0"), ("100+ år", "100-"), ("0-4 år", "0-4"), ("100+", "100-")])
def test_age_label(text, label):
    assert scb_readers.age_label(text) == label


def test_projection_vintage_is_the_first_projection_year():
    # the table's first year (read from its metadata) wins over the title; the update date is never used
    assert scb_readers.projection_vintage({"first_period": "2024", "label": "År 2020-2070"}) == "2024"
    assert scb_readers.projection_vintage({"label": "Folkmängd efter region. År 2020 - 2070"}) == "2020"
    assert scb_readers.projection_vintage({"label": "x", "updated": "2024-06-11T07:00:00Z"}) is None


def test_tab698_file_without_a_first_year_is_refused_clearly(project):
    with pytest.raises(InputFileError) as info:
        import_file("population_projection", FIX / "scb_v2_tab698_county14_decimals.json", name="p", kind="public")
    assert info.value.file == str(FIX / "scb_v2_tab698_county14_decimals.json")
    assert "edition" in str(info.value) and "digimotor fetch population_projection" in str(info.value)
    assert not (project / "data/raw/public/population_projection").exists()


def test_folkmangd_year_columns_are_read(project):
    import_file("population", FIX / "scb_population_wide_content_in_header.csv", name="wide", kind="public")
    frame = load("population", "wide")
    got = {(r.municipality_code, r.year): r.population for r in frame.itertuples()}
    assert got == {("1460", 2019): 9739, ("1460", 2020): 9668, ("1492", 2019): 12600, ("1492", 2020): 12500}
