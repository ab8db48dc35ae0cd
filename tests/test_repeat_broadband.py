"""Broadband (notebook 02) for another region and two mappings: region, per-year values, change.

Inputs are built here (real municipality names of Skaraborg, invented shares); never shipped.
Every municipality mapped twice has exactly +1 percentage point in the later year.
"""

import pandas as pd
import pytest

from digimotor import repeat_exhibits
from digimotor.errors import ParameterError
from digimotor.metrics import broadband, measurement
from digimotor.provenance import tag
from digimotor.regions import display_name, resolve_municipality, resolve_region

#: municipality -> (total 2019, outside urban 2019); 2021 is +1 for both where mapped
SHARES = {"Skövde": (90.0, 70.0), "Lidköping": (94.5, 80.0), "Mariestad": (80.0, 50.0), "Falköping": (70.0, 40.0),
          "Skara": (96.0, 90.0), "Tidaholm": (60.0, 30.0), "Götene": (85.0, 60.0)}
ONLY_2019 = "Töreboda"
ONLY_2021 = "Hjo"
OUTSIDE = "Uddevalla"  # Fyrbodal: left out of Skaraborg


def _coverage() -> pd.DataFrame:
    rows = []
    for town, (total, outside) in {**SHARES, ONLY_2019: (50.0, 20.0), ONLY_2021: (75.0, 55.0),
                                   OUTSIDE: (99.0, 98.0)}.items():
        code = resolve_municipality(town)
        for year, rise in ((2019, 0.0), (2021, 1.0)):
            if (town == ONLY_2019 and year == 2021) or (town == ONLY_2021 and year == 2019):
                continue
            for area, share in (("total", total), ("outside_urban", outside)):
                rows.append({"municipality_code": code, "municipality": display_name(code), "year": year,
                             "premises": "households", "area": area, "share_pct": share + rise})
    return tag(pd.DataFrame(rows), "user", "test")


def _scoped():
    scope = measurement.region_scope(_coverage(), "Skaraborg")
    return scope, scope.frame


def test_per_year_values_are_hand_computed_and_never_pooled():
    scope, frame = _scoped()
    assert OUTSIDE not in set(frame["municipality"]) and scope.outside == [resolve_municipality(OUTSIDE)]
    codes = resolve_region("Skaraborg").codes
    y2019 = broadband.coverage_against_goals(frame, 2019, codes=codes).set_index("municipality")
    y2021 = broadband.coverage_against_goals(frame, 2021, codes=codes).set_index("municipality")
    assert y2019.loc["Lidköping", "regional_gap_pp"] == pytest.approx(0.5)
    assert y2021.loc["Lidköping", "regional_gap_pp"] == pytest.approx(0.0)
    assert y2019.loc["Tidaholm", "urban_rural_gap_pp"] == pytest.approx(30.0)
    assert broadband.goal_summary(y2019.reset_index())["meeting_goal"] == 1  # Skara
    assert broadband.goal_summary(y2021.reset_index())["meeting_goal"] == 2  # Skara, Lidköping (95.5)
    assert ONLY_2021 not in y2019.index and ONLY_2019 not in y2021.index


def test_several_years_without_a_choice_is_an_error_naming_them():
    _scope, frame = _scoped()
    with pytest.raises(ParameterError) as info:
        measurement.chosen_year(frame, 0, file="broadband.csv")
    message = str(info.value)
    assert "broadband.csv" in message and "2019 (8 units)" in message and "2021 (8 units)" in message
    assert measurement.chosen_year(frame[frame["year"] == 2021], 0) == 2021
    with pytest.raises(ParameterError, match="2019.*2021"):
        measurement.chosen_year(frame, 2020)


def test_plus_one_everywhere_gives_plus_one_with_interval_one_one_and_lists_the_unpaired():
    _scope, frame = _scoped()
    codes = resolve_region("Skaraborg").codes
    before, after = (broadband.coverage_against_goals(frame, y, codes=codes) for y in (2019, 2021))
    exhibit = broadband.change_against_goals(before, after, before_year=2019, after_year=2021)
    summary = exhibit["summary"].iloc[0]
    assert summary["n_pairs"] == len(SHARES)
    assert summary["mean_change"] == pytest.approx(1.0)
    assert (summary["ci_low"], summary["ci_high"]) == (pytest.approx(1.0), pytest.approx(1.0))
    assert summary["wilcoxon_p"] == pytest.approx(2 / 2 ** len(SHARES)) and summary["wilcoxon_p"] < 0.05
    rows = exhibit["municipalities"].set_index("municipality")
    assert (rows["change_pp"] == 1.0).all() and (rows["pace_pp_per_year"] == 0.5).all()
    # Lidköping: 95.5 in 2021, 2.5 points short of 98 % at 0.5 per year -> 2026, not on track for 2025
    assert rows.loc["Lidköping", "national_goal_year_at_pace"] == pytest.approx(2026.0)
    assert not rows.loc["Lidköping", "on_track_national"]
    # Skara: 97 -> 1 point at 0.5 per year -> 2023, on track
    assert rows.loc["Skara", "national_goal_year_at_pace"] == pytest.approx(2023.0) and rows.loc["Skara", "on_track_national"]
    assert summary["meeting_regional_before"] == 1 and summary["meeting_regional_after"] == 2
    unpaired = exhibit["unpaired"]
    assert unpaired.set_index("municipality")["present_in"].to_dict() == {ONLY_2019: "before", ONLY_2021: "after"}


def test_the_region_note_names_municipalities_without_data():
    scope, frame = _scoped()
    text = repeat_exhibits.region_note(scope, "Skaraborg", "en", present=frame.loc[frame["year"] == 2019,
                                                                                    "municipality_code"]).data
    assert "Skaraborg" in text and "8 municipalities with data" in text and "outside the region, left out: 1" in text
    assert "Hjo" in text  # mapped in 2021 only: no data in 2019
    assert "Fyrbodal" not in text and "1447" not in text  # names, never codes (Gullspång, no data)


def test_synthetic_source_is_not_filtered_by_region_and_says_so():
    from digimotor.sources.pts import load_broadband

    data = load_broadband("synthetic")
    scope = measurement.region_scope(data, "Skaraborg")
    assert not scope.applies and len(scope.frame) == len(data)
    text = repeat_exhibits.region_note(scope, "Skaraborg", "sv").data
    assert "pseudonymer" in text and "tillämpas inte" in text


def test_no_compare_year_writes_nothing(project):
    items = repeat_exhibits.broadband_change(_coverage(), year=2021, compare_year=0, premises="households",
                                             regional_goal=(2020, 95.0), national_goal=(2025, 98.0),
                                             close_within_pp=5.0, codes=None, source="x", lang="en")
    assert len(items) == 1 and "compare_year" in items[0].data
    assert not list((project / "data/processed").glob("broadband_change*"))


@pytest.mark.slow
def test_notebook_02_for_skaraborg_with_two_mappings(project, tmp_path):
    from digimotor.importer import import_file
    from digimotor.run import reproduce

    path = tmp_path / "pts_skaraborg.csv"
    frame = _coverage().drop(columns="municipality")
    frame["municipality_code"] = frame["municipality_code"].map(display_name)  # names, as a user writes them
    frame.to_csv(path, index=False, sep=";")
    import_file("broadband", path, name="skaraborg")
    result = reproduce(only=["02-broadband"], parameters={"source": "skaraborg", "region": "Skaraborg", "year": 2021,
                                                          "compare_year": 2019}, echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    processed = project / "data/processed"
    coverage = pd.read_csv(processed / "fig14_broadband_coverage.csv")
    assert sorted(coverage["municipality"]) == sorted([*SHARES, ONLY_2021])  # 2021, Skaraborg only
    summary = pd.read_csv(processed / "broadband_change_summary.csv").iloc[0]
    assert (summary["n_pairs"], summary["mean_change"], summary["ci_low"], summary["ci_high"]) == (
        7, pytest.approx(1.0), pytest.approx(1.0), pytest.approx(1.0))
    unpaired = pd.read_csv(processed / "broadband_change_unpaired.csv")
    assert unpaired[["municipality", "present_in"]].values.tolist() == [[ONLY_2019, "before"], [ONLY_2021, "after"]]
    for name in ("fig14_broadband_coverage", "broadband_change"):
        svg = (project / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert "Fyrbodal" not in svg and "Skövde" in svg
    for table in ("fig14_broadband_coverage", "broadband_change_municipalities"):
        assert "Fyrbodal" not in (processed / f"{table}.csv").read_text(encoding="utf-8")
    html = (project / "build/site/02-broadband.html").read_text(encoding="utf-8")
    assert "Gullspång" in html  # a Skaraborg municipality without data is named


@pytest.mark.slow
def test_notebook_02_with_two_mappings_and_no_year_names_them(project, tmp_path):
    from digimotor.importer import import_file
    from digimotor.run import reproduce

    path = tmp_path / "pts.csv"
    _coverage().drop(columns="municipality").to_csv(path, index=False, sep=";")
    import_file("broadband", path, name="two-years")
    result = reproduce(only=["02-broadband"], parameters={"source": "two-years", "region": "Skaraborg", "year": 0},
                       echo=lambda _msg: None)
    assert not result.ok
    error = result.results[0].error
    assert "two-years" in error and "2019" in error and "2021" in error and "'year'" in error
