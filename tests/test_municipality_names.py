"""Names as Swedes write them: official, legal and genitive forms of all 290 municipalities.

The lists under tests/data/municipality_names/ come from a cited independent source (see the
README there), not from the resolver's rules; the hand cases and their expected codes are
written by hand.
"""

from pathlib import Path

import pytest

from digimotor.datasets import Column, DatasetSpec, conform, header_matcher
from digimotor.errors import InputFileError, UnknownRegionError
from digimotor.regions import resolve_county, resolve_municipality
from digimotor.sources.files import read_rows

DATA = Path(__file__).parent / "data" / "municipality_names"

SPEC = DatasetSpec(
    name="names_test",
    title="municipality names",
    description="a municipality column and an optional number",
    columns=(
        Column("municipality_code", "municipality", "municipality", aliases=("kommun",)),
        Column("population", "int", "inhabitants", required=False, aliases=("folkmängd",)),
    ),
)


def _import(path: Path):
    raw = read_rows(path, is_header=header_matcher(SPEC))
    return raw, conform(raw, SPEC, str(path))


@pytest.mark.parametrize("name", ["official_names.csv", "legal_names.csv", "genitive_names.csv"])
def test_all_290_names_of_a_form_import_to_290_distinct_correct_codes(name):
    raw, frame = _import(DATA / name)
    assert len(frame) == 290
    assert frame["municipality_code"].is_unique
    assert list(frame["municipality_code"]) == list(raw["expected_scb_code"])


def test_the_official_list_holds_the_self_designations():
    raw, frame = _import(DATA / "official_names.csv")
    by_name = dict(zip(raw["Kommun"], frame["municipality_code"], strict=True))
    assert by_name["Falu kommun"] == "2080"
    assert by_name["Region Gotland"] == "0980"
    assert by_name["Göteborgs stad"] == "1480"
    assert by_name["Stockholms stad"] == "0180"
    assert by_name["Habo kommun"] == "0643"  # the file keeps diacritics: Habo, not Håbo
    assert by_name["Håbo kommun"] == "0305"
    assert sum(n.endswith(" stad") for n in raw["Kommun"]) == 14


HAND_DIACRITICS = [  # (row in the file, expected code) — written by hand
    ("Arjeplogs", "2506"), ("Falu", "2080"), ("Falu kommun", "2080"), ("Göteborgs", "1480"),
    ("Göteborgs Stad", "1480"), ("Malung-Sälens", "2023"), ("Malung-Sälen", "2023"), ("Habo", "0643"),
    ("Habo kommun", "0643"), ("Håbo", "0305"), ("Håbo kommun", "0305"), ("Region Gotland", "0980"),
    ("Gotlands", "0980"), ("Upplands Väsby kommun", "0114"), ("STOCKHOLMS STAD", "0180"),
    ("Dals-Eds kommun", "1438"), ("Lilla Edets", "1462"), ("Östra Göinge kommun", "1256"),
    ("Åmåls kommun", "1492"), ("Kristinehamns", "1781"),
]

HAND_ASCII = [
    ("Habo", "0643"), ("Habo", "0305"), ("Habo kommun", "0643"), ("Habo", "0305"),
    ("Goteborgs stad", "1480"), ("Falu", "2080"), ("Malung-Salens kommun", "2023"), ("Ostra Goinge", "1256"),
    ("Alvkarleby", "0319"), ("Orebro kommun", "1880"), ("Upplands Vasby", "0114"),
]


@pytest.mark.parametrize(("name", "cases"), [("hand_cases_diacritics.csv", HAND_DIACRITICS),
                                             ("hand_cases_ascii.csv", HAND_ASCII)])
def test_hand_written_forms_with_a_county_column(name, cases):
    raw, frame = _import(DATA / name)
    assert list(raw["Kommun"]) == [n for n, _ in cases]
    assert list(frame["municipality_code"]) == [c for _, c in cases]


def test_thousands_with_spaces_in_a_copied_list():
    _, frame = _import(DATA / "hand_cases_diacritics.csv")
    assert frame["population"].iloc[0] == 2718
    assert frame["population"].iloc[3] == 604616


def test_habo_without_diacritics_or_county_is_still_ambiguous(tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text("Kommun,Folkmängd\nHabo,1\nAle,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 2.*ambiguous.*Håbo \(0305.*Habo \(0643"):
        _import(path)


def test_a_county_column_that_contradicts_the_name_is_an_error_naming_both(tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text("Kommun;Län\nAle;Skåne län\nFalu;Jönköpings län\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        _import(path)
    message = str(info.value)
    assert "'Ale' is not in Skåne län" in message and "Ale (1440, Västra Götalands län)" in message
    assert "'Falu' is not in Jönköpings län" in message  # every problem of the file at once


def test_unknown_county_and_fuzzy_names_are_errors_with_suggestions():
    with pytest.raises(UnknownRegionError, match="did you mean Jönköpings län"):
        resolve_county("Jönkopings lään")
    with pytest.raises(UnknownRegionError, match="did you mean Arjeplog"):
        resolve_municipality("Arjeplogg kommun")
    with pytest.raises(UnknownRegionError, match="in Dalarnas län"):
        resolve_municipality("Falköpings", county="20")


@pytest.mark.parametrize(("text", "code"), [("06", "06"), (6, "06"), ("6.0", "06"), ("Jönköpings län", "06"),
                                           ("Jonkoping", "06"), ("Västra Götaland", "14"), ("14", "14")])
def test_county_forms(text, code):
    assert resolve_county(text) == code
