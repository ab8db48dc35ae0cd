"""json-stat2 index arithmetic (property test), PX missing cells, and XLSX/CSV long exports of SCB tables."""

import itertools
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digimotor.datasets import load
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.sources.jsonstat import parse_jsonstat2
from digimotor.sources.pcaxis import parse_px


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4))
def test_jsonstat2_cell_index_is_row_major(sizes):
    ids = [f"D{i}" for i in range(len(sizes))]
    doc = {"version": "2.0", "class": "dataset", "id": ids, "size": sizes,
           "dimension": {d: {"category": {"index": {f"{d}c{k}": k for k in range(n)}}} for d, n in zip(ids, sizes,
                                                                                                   strict=True)},
           "value": list(range(math.prod(sizes)))}
    frame = parse_jsonstat2(doc, "x")
    for row in frame.itertuples(index=False):
        positions = [int(getattr(row, d).split("c")[1]) for d in ids]
        index = sum(p * math.prod(sizes[i + 1:]) for i, p in enumerate(positions))
        assert row.value == index


def test_jsonstat2_wrong_length_and_bad_cell():
    doc = {"version": "2.0", "class": "dataset", "id": ["A"], "size": [2],
           "dimension": {"A": {"category": {"index": {"a": 0, "b": 1}}}}, "value": [1]}
    with pytest.raises(InputFileError, match="holds 1 cells but .* need 2"):
        parse_jsonstat2(doc, "x")
    doc["value"] = [1, "abc"]
    with pytest.raises(InputFileError, match="'abc' is not a number \\(cell A=b\\)") as info:
        parse_jsonstat2(doc, "x")
    assert info.value.row == 2


def test_px_missing_cell_is_nan_and_px_without_data():
    text = ('MATRIX="X";\nSTUB="region";\nHEADING="år";\nVALUES("region")="1460 Bengtsfors";\n'
            'VALUES("år")="2019","2020";\nDATA=\n9739 "..";\n')
    frame = parse_px(text, "x.px")
    assert frame["value"].iloc[0] == 9739 and math.isnan(frame["value"].iloc[1])
    with pytest.raises(InputFileError, match="no DATA block"):
        parse_px(text.split("DATA=")[0], "x.px")
    with pytest.raises(InputFileError, match="not closed with ';'") as info:
        parse_px(text.rstrip().rstrip(";"), "x.px")
    assert info.value.column == "DATA"


def test_missing_population_cell_names_the_row(project, tmp_path):
    text = ('CODEPAGE="utf-8";\nMATRIX="BE0101A9";\nCONTENTS="Folkmängd";\nSTUB="region";\nHEADING="år";\n'
            'VALUES("region")="1460 Bengtsfors","1492 Åmål";\nVALUES("år")="2019";\nDATA=\n9739\n"..";\n')
    path = tmp_path / "befolkning.px"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(InputFileError, match="missing") as info:
        import_file("population", path, name="x")
    assert info.value.row == 10 and info.value.column == "value"


def test_xlsx_long_export_by_age_in_swedish(project, tmp_path):
    path = tmp_path / "befolkning.xlsx"
    table = pd.DataFrame([[region, age, sex, 2019, 100 + n] for n, (region, age, sex) in enumerate(
        itertools.product(["14 Västra Götalands län"], ["0 år", "1 år", "100+ år"], ["män", "kvinnor"]))],
        columns=["region", "ålder", "kön", "år", "Folkmängd"])
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Folkmängd efter region, ålder och kön": []}).to_excel(writer, sheet_name="Info", index=False)
        table.to_excel(writer, sheet_name="Data", index=False, startrow=2)
    import_file("population_by_age", path, name="xlsx", kind="public")
    frame = load("population_by_age", "xlsx")
    got = {(r.age_group, r.sex): r.population for r in frame.itertuples()}
    assert got == {("0", "men"): 100, ("0", "women"): 101, ("1", "men"): 102, ("1", "women"): 103,
                   ("100-", "men"): 104, ("100-", "women"): 105}
    assert set(frame["region_code"]) == {"14"}


def test_csv_with_an_unknown_sex_names_row_and_column(project, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("Region;Ålder;Kön;År;Folkmängd\n14;0;män;2019;5\n14;0;okänt;2019;6\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file("population_by_age", path, name="b")
    assert info.value.row == 3 and info.value.column == "Kön"


def test_px_notes_with_two_subkeys_other_languages_and_comma_separated_data():
    text = ('MATRIX="X";\nSTUB="region";\nHEADING="år";\nVALUES("region")="1460 Bengtsfors";\n'
            'VALUES("år")="2019","2020";\nVALUENOTE("region","1460 Bengtsfors")="a note";\n'
            'VALUES[en]("region")="1460 Bengtsfors (en)";\nDATA=\n9739,9700;\n')
    frame = parse_px(text, "x.px")
    assert frame[["region", "år", "value"]].values.tolist() == [["1460 Bengtsfors", "2019", 9739.0],
                                                                ["1460 Bengtsfors", "2020", 9700.0]]
