"""Capabilities (notebook 05) for another region and two measurements: region, per-measurement
matrix, improved / declined per capability and element.

Inputs are built here (real municipality names of Skaraborg, invented scores on a 1–5 scale);
never shipped. The measurement is the year of the assessment date. Every municipality assessed
twice scores exactly one point (+0.25 on the common 0–1 scale) higher in 2024, in the score and
in every element, except Skara's "act_on_trends", which declines by one point.
"""

import pandas as pd
import pytest

from digimotor import repeat_exhibits
from digimotor.errors import ParameterError
from digimotor.metrics import capabilities as cm
from digimotor.provenance import tag
from digimotor.regions import display_name, resolve_municipality

CAPABILITIES = ("act_on_trends", "user_support")
#: municipality -> base score 2021 (1–5)
BASE = {"Skövde": 2.0, "Lidköping": 3.0, "Mariestad": 1.0, "Falköping": 2.0, "Skara": 3.0, "Tidaholm": 1.0,
        "Götene": 2.0}
ONLY_2021, ONLY_2024, OUTSIDE = "Töreboda", "Hjo", "Uddevalla"


def _assessment() -> pd.DataFrame:
    rows = []
    towns = {**BASE, ONLY_2021: 2.0, ONLY_2024: 3.0, OUTSIDE: 4.0}
    for town, base in towns.items():
        code = resolve_municipality(town)
        for year, rise in ((2021, 0.0), (2024, 1.0)):
            if (town, year) in ((ONLY_2021, 2024), (ONLY_2024, 2021)):
                continue
            for capability in CAPABILITIES:
                step = -rise if (town, capability) == ("Skara", "act_on_trends") else rise
                score = base + step
                rows.append({"municipality_code": code, "municipality": display_name(code), "capability": capability,
                             "score": score, "scale_min": 1, "scale_max": 5, "process": score, "organisation": score,
                             "policy": score, "technology": score, "information": score, "assessor": "grupp",
                             "date": f"{year}-05-0{1 + int(rise)}"})
    frame = pd.DataFrame(rows)
    frame[["scale_min", "scale_max"]] = frame[["scale_min", "scale_max"]].astype("Int64")
    return tag(frame, "user", "test")


def test_per_measurement_matrix_is_hand_computed_and_never_pooled():
    scope, current = cm.select_assessment(_assessment(), "Skaraborg", 2021)
    assert scope.applies and scope.outside == [resolve_municipality(OUTSIDE)]
    assert current.year == 2021 and set(current.frame["date"]) == {"2021-05-01"}
    matrix = cm.capability_matrix(current.frame)
    assert matrix.loc[resolve_municipality("Lidköping"), "user_support"] == pytest.approx(0.5)  # (3-1)/4
    ranking = cm.joint_ranking(matrix).set_index("capability")
    # 2021: Skövde 2, Lidköping 3, Mariestad 1, Falköping 2, Skara 3, Tidaholm 1, Götene 2, Töreboda 2
    assert ranking.loc["user_support", "mean"] == pytest.approx((1 + 2 + 0 + 1 + 2 + 0 + 1 + 1) / 4 / 8)
    later = cm.capability_matrix(scope.frame, year=2024)
    assert later.loc[resolve_municipality("Skara"), "act_on_trends"] == pytest.approx(0.25)
    assert resolve_municipality(ONLY_2021) not in later.index


def test_several_measurements_without_a_choice_is_an_error_naming_them():
    with pytest.raises(ParameterError) as info:
        cm.select_assessment(_assessment(), "Skaraborg", 0, file="formagor.csv")
    assert "formagor.csv" in str(info.value) and "2021 (8 units)" in str(info.value) and "2024 (8 units)" in str(info.value)


def test_plus_one_point_everywhere_and_one_decline_per_capability_and_element():
    scope, _ = cm.select_assessment(_assessment(), "Skaraborg", 2024)
    before, after = (cm.assessment_measurement(scope.frame, y).frame for y in (2021, 2024))
    exhibit = cm.capability_change(before, after)
    table = exhibit["capabilities"].set_index("capability")
    support = table.loc["user_support"]
    assert (support["n_pairs"], support["n_improved"], support["n_declined"]) == (7, 7, 0)
    assert support["mean_change"] == pytest.approx(0.25)
    assert (support["ci_low"], support["ci_high"]) == (pytest.approx(0.25), pytest.approx(0.25))
    assert support["wilcoxon_p"] == pytest.approx(2 / 2 ** 7)
    trends = table.loc["act_on_trends"]
    assert (trends["n_improved"], trends["n_declined"]) == (6, 1)
    assert trends["mean_change"] == pytest.approx((6 * 0.25 - 0.25) / 7)
    elements = exhibit["elements"].set_index("element")
    assert list(elements.index) == ["process", "organisation", "policy", "technology", "information"]
    assert (elements["n_pairs"] == 14).all() and (elements["n_improved"] == 13).all() and (elements["n_declined"] == 1).all()
    unpaired = exhibit["unpaired"]
    assert set(zip(unpaired["municipality_code"], unpaired["present_in"], strict=True)) == {
        (resolve_municipality(ONLY_2021), "before"), (resolve_municipality(ONLY_2024), "after")}


def test_the_region_note_names_municipalities_without_data(project):
    scope, current = cm.select_assessment(_assessment(), "Skaraborg", 2024)
    text = repeat_exhibits.region_note(scope, "Skaraborg", "en", present=current.frame["municipality_code"]).data
    assert "8 municipalities with data" in text and ONLY_2021 in text and "Fyrbodal" not in text
    items = repeat_exhibits.capabilities_change(scope.frame, year=2024, compare_year=2021, names={},
                                                source="x", lang="en")
    listed = items[1].data
    assert "2021: Töreboda" in listed and "2024: Hjo" in listed
    written = sorted(p.name for p in (project / "data/processed").glob("capabilities_change_*.csv"))
    assert written == [f"capabilities_change_{p}.csv" for p in ("capabilities", "elements", "municipalities",
                                                                 "unpaired")]
    # the tables say the kind the assessment carries (its provenance, kept by the metrics)
    for name in written:
        assert set(pd.read_csv(project / "data/processed" / name)["data_kind"]) == {"user"}


def test_synthetic_source_is_not_filtered_by_region_and_says_so():
    from digimotor.sources.capabilities import load_capabilities

    data = load_capabilities("synthetic")
    scope, current = cm.select_assessment(data, "Skaraborg", 0)
    assert not scope.applies and len(current.frame) == len(data) and list(current.frame.columns) == list(data.columns)
    assert "does not apply" in repeat_exhibits.region_note(scope, "Skaraborg", "en").data


@pytest.mark.slow
def test_notebook_05_for_skaraborg_with_two_measurements(project, tmp_path):
    from digimotor.importer import import_file
    from digimotor.run import reproduce

    frame = _assessment().drop(columns="municipality_code").rename(columns={"municipality": "municipality_code"})
    frame.to_csv(tmp_path / "formagor.csv", index=False, sep=";")
    import_file("capabilities", tmp_path / "formagor.csv", name="skaraborg")
    result = reproduce(only=["05-capability-map"], parameters={"source": "skaraborg", "region": "Skaraborg",
                                                                "year": 2024, "compare_year": 2021},
                       echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    processed = project / "data/processed"
    mapped = pd.read_csv(processed / "capabilities_map.csv")
    assert sorted(set(mapped["municipality"])) == sorted([*BASE, ONLY_2024])  # 2024, Skaraborg only
    table = pd.read_csv(processed / "capabilities_change_capabilities.csv").set_index("capability")
    assert table.loc["user_support", ["n_pairs", "n_improved", "n_declined"]].tolist() == [7, 7, 0]
    assert table.loc["user_support", "mean_change"] == pytest.approx(0.25)
    assert table.loc["act_on_trends", ["n_improved", "n_declined"]].tolist() == [6, 1]
    html = (project / "build/site/05-capability-map.html").read_text(encoding="utf-8")
    assert "Töreboda" in html and "Gullspång" in html
    svg = (project / "figures/capabilities_change.svg").read_text(encoding="utf-8")
    assert "Fyrbodal" not in svg
