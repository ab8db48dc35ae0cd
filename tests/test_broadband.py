"""Broadband metrics, the synthetic example's promises, the public facts, Figure 14 and Figure 8 data."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from digimotor import synthetic
from digimotor.claims import scorecard
from digimotor.errors import DigimotorError, ParameterError
from digimotor.metrics import broadband
from digimotor.metrics.population import pyramid_table
from digimotor.regions import is_pseudonym
from digimotor.synthetic import broadband as broadband_generator


def _frame(rows):
    frame = pd.DataFrame(rows, columns=["municipality_code", "year", "premises", "area", "share_pct"])
    frame["municipality"] = frame["municipality_code"]
    return frame


SMALL = _frame([
    ("Kommun 01", 2019, "households", "total", 96.0), ("Kommun 01", 2019, "households", "outside_urban", 90.0),
    ("Kommun 02", 2019, "households", "total", 91.5), ("Kommun 02", 2019, "households", "outside_urban", 60.0),
    ("Kommun 03", 2019, "households", "total", 70.0),
    ("Kommun 01", 2019, "workplaces", "total", 94.0), ("Kommun 02", 2019, "workplaces", "total", 93.0),
    ("Kommun 03", 2019, "workplaces", "total", 65.0),
])


def test_coverage_against_goals_value_by_value():
    table = broadband.coverage_against_goals(SMALL, 2019, close_within_pp=5.0).set_index("municipality_code")
    assert table.loc["Kommun 01", "regional_gap_pp"] == 0 and table.loc["Kommun 01", "meets_regional_goal"]
    assert table.loc["Kommun 01", "national_gap_min_pp"] == 98.0 - 96.0
    assert table.loc["Kommun 01", "urban_rural_gap_pp"] == 96.0 - 90.0
    assert table.loc["Kommun 02", "regional_gap_pp"] == 95.0 - 91.5
    assert table.loc["Kommun 02", "close_to_regional_goal"] and not table.loc["Kommun 03", "close_to_regional_goal"]
    assert pd.isna(table.loc["Kommun 03", "share_outside_urban_pct"])
    assert pd.isna(table.loc["Kommun 03", "urban_rural_gap_pp"])
    summary = broadband.goal_summary(table.reset_index())
    assert summary == {"municipalities": 3.0, "meeting_goal": 1.0, "close_to_goal": 1.0, "below_goal_not_close": 1.0,
                       "lowest_total_pct": 70.0, "highest_total_pct": 96.0, "largest_urban_rural_gap_pp": 31.5,
                       "smallest_urban_rural_gap_pp": 6.0}


def test_goal_parameters_move_the_results():
    strict = broadband.coverage_against_goals(SMALL, 2019, regional_goal_pct=97.0, close_within_pp=1.0)
    assert strict["meets_regional_goal"].sum() == 0
    assert strict.set_index("municipality_code").loc["Kommun 01", "close_to_regional_goal"]
    with pytest.raises(ParameterError):
        broadband.coverage_against_goals(SMALL, 2019, regional_goal_pct=120)
    with pytest.raises(DigimotorError, match="years present: 2019"):
        broadband.coverage_against_goals(SMALL, 2018)


def test_households_vs_workplaces():
    versus = broadband.households_vs_workplaces(SMALL, 2019).set_index("municipality_code")
    assert versus["difference_pp"].to_dict() == {"Kommun 01": 2.0, "Kommun 02": -1.5, "Kommun 03": 5.0}
    with pytest.raises(DigimotorError, match="households and workplaces"):
        broadband.households_vs_workplaces(SMALL[SMALL["premises"] == "households"], 2019)


def test_synthetic_example_keeps_its_promises():
    frame = broadband_generator.generate(synthetic.DEFAULT_SEED)["broadband"]
    assert frame["municipality_code"].map(is_pseudonym).all()
    assert frame["municipality_code"].nunique() == 14
    totals = frame[(frame["premises"] == "households") & (frame["area"] == "total")]["share_pct"]
    assert (totals < 95).all()
    assert ((totals >= 90) & (totals < 95)).sum() == 3
    outside = frame[(frame["premises"] == "households") & (frame["area"] == "outside_urban")]["share_pct"]
    gaps = totals.to_numpy() - outside.to_numpy()
    assert (gaps <= 8).sum() >= 3 and (gaps >= 15).sum() >= 3  # some even, some large (seed lines 1990-1991)


def test_synthetic_snapshot_loads_with_its_kind(repo_root):
    from digimotor.sources.pts import load_broadband

    frame = load_broadband("synthetic")
    assert frame.attrs["provenance"]["kind"] == "synthetic"
    assert (frame["municipality"] == frame["municipality_code"]).all()


def test_public_facts(repo_root):
    from digimotor.sources.pts import load_broadband_facts, load_broadband_goals

    facts = load_broadband_facts()
    assert facts.attrs["provenance"]["kind"] == "public"
    shares = {(r.region, r.year): r.share_pct for r in facts.itertuples()}
    assert shares[("Västra Götalands län", 2019)] == 86 and shares[("Riket", 2019)] == 85
    assert shares[("Göteborg", 2019)] == 96
    assert broadband.change_between(facts, "1461", 2018, 2019) == 58 - 46
    goals = load_broadband_goals().set_index("goal")
    assert goals.loc["regional", ["target_year", "speed_mbit", "share_pct", "data_kind"]].tolist() == [
        2020, 100, 95.0, "published"]
    assert goals.loc["national", ["target_year", "speed_mbit", "share_pct", "data_kind"]].tolist() == [
        2025, 1000, 98.0, "public"]


def test_county_pyramid_2020_sums_to_the_published_totals(repo_root):
    from digimotor.sources.scb import load_population_by_age

    by_age = load_population_by_age("vg-2020-regionfakta")
    assert by_age.attrs["provenance"]["kind"] == "public"
    assert set(by_age["year"]) == {2020}
    table = pyramid_table(by_age, "14", 2020)
    assert (table["women"].sum(), table["men"].sum(), table["total"].sum()) == (859_986, 874_457, 1_734_443)
    assert table["age_group"].iloc[0] == "0-4" and table["age_group"].iloc[-1] == "100-"
    ten = pyramid_table(by_age, "14", 2020, width=10)
    assert ten.loc[ten["age_group"] == "0-9", "women"].item() == 48_405 + 49_886
    with pytest.raises(DigimotorError, match="region 14 in 2019"):
        pyramid_table(by_age, "14", 2019)


def test_pyramid_from_single_ages_and_a_straddling_group():
    frame = pd.DataFrame({"region_code": "14", "year": 2019, "age_group": ["0", "4", "5", "100-", "0", "4", "5", "100-"],
                          "sex": ["men"] * 4 + ["women"] * 4, "population": [1, 2, 3, 4, 10, 20, 30, 40]})
    table = pyramid_table(frame, "14", 2019)
    assert table[["age_group", "women", "men"]].values.tolist() == [["0-4", 30, 3], ["5-9", 30, 3],
                                                                    ["100-", 40, 4]]
    frame.loc[0, "age_group"] = "3-7"
    with pytest.raises(DigimotorError, match="3-7 does not fit"):
        pyramid_table(frame, "14", 2019)


def test_figure14_keeps_facts_apart_and_watermarks_the_example(repo_root):
    from digimotor.plots.broadband import coverage_figure
    from digimotor.sources.pts import load_broadband, load_broadband_facts

    table = broadband.coverage_against_goals(load_broadband("synthetic"), 2019)
    facts = load_broadband_facts()
    left, right = coverage_figure(table, facts, 2019, lang="en")  # synthetic: the loaded snapshot says so
    texts = [t.get_text() for t in left.texts]
    assert "SYNTHETIC EXAMPLE DATA" in texts
    left_heights = sorted(round(p.get_height(), 6) for p in left.patches)
    expected = sorted(round(v, 6) for v in [*table["share_total_pct"], *table["share_outside_urban_pct"]])
    assert left_heights == expected  # no public fact among the example's bars
    assert sorted(p.get_width() for p in right.patches) == sorted(facts["share_pct"])
    import matplotlib.pyplot as plt

    plt.close(left.figure)


def test_pyramid_note_names_the_vintage():
    from digimotor.plots.demography import pyramid_note

    assert "2019-vs-2030 comparison needs fetched or imported data" in pyramid_note(2020, None, "en")
    assert "not the forecast the study used" in pyramid_note(2020, "2024", "en")
    assert "not" not in pyramid_note(2020, "2020", "en")


def test_broadband_claims(repo_root):
    card = scorecard(produced={"text.broadband.close_to_goal_count": 3.0}, parts=["broadband"]).set_index("claim_id")
    assert card.loc["text.broadband.close_to_goal_count", "outcome"] == "calibrated"
    assert card.loc["fig14.municipality_shares", "outcome"] == "not_reproducible"
    assert card.loc["text.broadband.regional_goal_pct", "published_value"] == 95
    assert (card["status"] != "derived").all()


def test_known_facts_are_separate_series_without_interpolation(project):
    from digimotor.metrics.broadband_facts import fact_series
    from digimotor.regions import resolve_region
    from digimotor.sources.pts import load_broadband_fact_snapshots

    facts = load_broadband_fact_snapshots(["vgr-pts-2019", "fyrbodal-pages"])
    series = fact_series(facts, resolve_region("Fyrbodal").codes)
    mellerud = series[(series["region_code"] == "1461") & (series["area"] == "total")]
    assert mellerud[["year", "share_pct"]].values.tolist() == [[2015, 18.0], [2016, 19.12], [2017, 28.05],
                                                              [2018, 46.0], [2019, 58.0]]
    bengtsfors = series[series["region_code"] == "1460"]
    assert bengtsfors["year"].tolist() == [2022, 2023]  # 2018-2021 are not stated anywhere: absent
    sotenas = series[series["region_code"] == "1427"]
    assert sotenas["area"].tolist() == ["outside_urban"] and sotenas["series"].nunique() == 1
    assert series["series"].nunique() == 3 and len(series) == 8
    assert all(str(u).startswith("http") for u in series["url"].dropna()) and series["url"].notna().sum() == 6
