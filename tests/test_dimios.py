"""DiMiOS: Figure 9 reproduction, the typology, aggregation, bootstrap and sensitivity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from digimotor.claims import dimios as dimios_claims
from digimotor.claims import load_claims, round_half_up, scorecard
from digimotor.errors import DigimotorError, ParameterError
from digimotor.metrics import dimios
from digimotor.model.dimios import AREAS, TYPE_CODE
from digimotor.sources.dimios import load_dimios, load_dimios_areas, load_dimios_facts


@pytest.fixture
def figure9(repo_root):
    return load_dimios_areas("published")


def test_figure9_reading_of_the_lost_decimal_commas_is_consistent(figure9):
    # "34" and "55" in the OCR can only be 3,4 and 5,5: scores lie on 1-6 and lowest <= mean <= highest
    assert figure9["area"].tolist() == list(AREAS)
    assert ((figure9["lowest"] <= figure9["mean"]) & (figure9["mean"] <= figure9["highest"])).all()
    assert figure9[["lowest", "highest", "mean"]].stack().between(1, 6).all()
    assert figure9.set_index("area").loc["organisation", "highest"] == 5.5
    assert figure9.attrs["provenance"]["kind"] == "published"


def test_dimension_scores_and_maturity_from_the_six_area_means(figure9):
    summary = dimios.summarise_published(figure9).set_index("profile")
    mean = summary.loc["mean"]
    means = figure9.set_index("area")["mean"]
    capability = (means["efficiency"] + means["innovation"] + means["balancing"]) / 3
    legacy = (means["technology"] + means["users"] + means["organisation"]) / 3
    assert mean["capability"] == pytest.approx(capability) == pytest.approx(10.1 / 3)
    assert mean["legacy"] == pytest.approx(legacy) == pytest.approx(13.1 / 3)
    overall = (capability + legacy) / 2
    assert mean["maturity_pct[mean/6]"] == pytest.approx(100 * overall / 6)
    assert mean["maturity_pct[(mean-1)/5]"] == pytest.approx(100 * (overall - 1) / 5)
    assert round_half_up(mean["maturity_pct[mean/6]"], 1) == 64.4
    assert round_half_up(mean["maturity_pct[(mean-1)/5]"], 1) == 57.3
    assert mean["dimios_type"] == "B" and bool(mean["is_position"])
    assert summary.loc["lowest", "dimios_type"] == "A" and not summary.loc["lowest", "is_position"]


def test_the_split_is_a_parameter(figure9):
    # capability 3.37, legacy 4.37: B under the default 3.5, D if the split were 3.3
    assert dimios.summarise_published(figure9, split=3.3).set_index("profile").loc["mean", "dimios_type"] == "D"
    assert dimios.summarise_published(figure9, split=4.5).set_index("profile").loc["mean", "dimios_type"] == "A"
    with pytest.raises(ParameterError, match="split"):
        dimios.summarise_published(figure9, split=6)


def test_quadrant_letters():
    assert dimios.dimios_type(2.0, 2.0) == "A"
    assert dimios.dimios_type(2.0, 5.0) == "B"
    assert dimios.dimios_type(5.0, 2.0) == "C"
    assert dimios.dimios_type(5.0, 5.0) == "D"
    assert dimios.dimios_type(3.5, 3.49) == "C"  # equal to the split counts as high
    out = dimios.dimios_type(pd.Series([1.0, np.nan, 6.0]), pd.Series([6.0, 2.0, 6.0]))
    assert out.tolist() == ["B", None, "D"]


def test_maturity_formula_must_be_known():
    assert dimios.maturity_level(6.0, 6.0, "mean/6") == 100
    assert dimios.maturity_level(1.0, 1.0, "(mean-1)/5") == 0
    with pytest.raises(ParameterError, match="mean/6"):
        dimios.maturity_level(3.0, 3.0, "mean/5")


def test_derived_claims_are_reproduced(repo_root):
    card = scorecard(parts=["dimios"]).set_index("claim_id")
    derived = card[card["status"] == "derived"]
    assert set(derived["outcome"]) == {"reproduced"}
    assert derived.loc["fig11.fyrbodal_mean.type", "computed_value"] == TYPE_CODE["B"]
    assert derived.loc["text.dimios.respondents_per_municipality", "computed_value"] == 48 / 12
    assert derived.loc["fig13.yes.pct", "computed_value"] == 40.0
    assert derived.loc["fig13.no.pct", "computed_value"] == 60.0
    # both formulas put Fyrbodal above the national 47 %
    facts, areas = load_dimios_facts(), load_dimios_areas()
    for formula in dimios.FORMULAS:
        assert dimios_claims.claim_values(areas, facts, formula=formula)["text.fyrbodal.maturity_above_national"] > 47


def test_damaged_values_keep_their_raw_text_and_status(repo_root):
    claims = load_claims("dimios").set_index("claim_id")
    level = claims.loc["text.fyrbodal.maturity_pct"]
    assert level["status"] == "inconsistent" and level["published_value"] == 83  # legible, but no formula gives it
    assert "83 %" in level["raw_text"]
    for statement in ("project_control", "investment_prioritisation", "benefits_realisation"):
        sd = claims.loc[f"text.statement.{statement}.sd"]
        assert sd["status"] == "recovered" and "Standardavvikelset 4" in sd["raw_text"]
    assert claims.loc["text.infosec.ciso_present_count", "status"] == "recovered"
    assert claims.filter(like="fig12.", axis=0)["status"].eq("uncertain").all()
    facts = load_dimios_facts().set_index("fact_id")
    assert not facts.loc["maturity_level_pct", "readable"] and math.isnan(facts.loc["maturity_level_pct", "value"])


def test_transcribed_figure9_claims_match_the_published_file(figure9):
    claims = load_claims("dimios").set_index("claim_id")
    for row in figure9.itertuples():
        for stat in ("lowest", "highest", "mean"):
            claim = claims.loc[f"fig09.{row.area}.{stat}"]
            assert claim["status"] == "transcribed"
            assert claim["published_value"] == getattr(row, stat)
            assert claims.loc[f"synthetic.fig09.{row.area}.{stat}", "status"] == "calibrated"


def _answers(rows):
    frame = pd.DataFrame(rows, columns=["municipality_code", "year", "respondent", "area", "item", "score"])
    frame["area"] = pd.Categorical(frame["area"], categories=list(AREAS))
    return frame


def _respondent(code, year, respondent, capability, legacy, items=1):
    rows = []
    for area in AREAS:
        value = capability if AREAS[area][2] == "capability" else legacy
        for i in range(items):
            rows.append((code, year, respondent, area, f"{area}{i}", value))
    return rows


def test_aggregation_by_hand():
    rows = (
        _respondent("Kommun 01", 2020, "R1", 2.0, 5.0)
        + _respondent("Kommun 01", 2020, "R2", 3.0, 4.0)
        + _respondent("Kommun 02", 2020, "R1", 5.0, 5.0)
    )
    rows[0] = ("Kommun 01", 2020, "R1", "efficiency", "efficiency0", 5.0)  # R1's efficiency is 5, not 2
    answers = _answers(rows)
    respondents = dimios.respondent_area_scores(answers)
    assert respondents.set_index("respondent").loc["R1"].iloc[0]["efficiency"] == 5.0
    towns = dimios.municipality_scores(respondents, min_respondents=2).set_index("municipality_code")
    assert towns.loc["Kommun 01", "efficiency"] == (5.0 + 3.0) / 2
    assert towns.loc["Kommun 01", "innovation"] == (2.0 + 3.0) / 2
    assert towns.loc["Kommun 01", "capability"] == pytest.approx((4.0 + 2.5 + 2.5) / 3)
    assert towns.loc["Kommun 01", "legacy"] == 4.5
    assert towns.loc["Kommun 01", "dimios_type"] == "B"
    assert towns.loc["Kommun 02", "dimios_type"] == "D"
    assert towns["n_respondents"].tolist() == [2, 1]
    assert towns["few_respondents"].tolist() == [False, True]
    by_town = dimios.area_summary(respondents, towns.reset_index()).set_index("area")
    assert by_town.loc["efficiency", "mean"] == (4.0 + 5.0) / 2  # each municipality weighs the same
    assert by_town.loc["efficiency", "lowest"] == 4.0
    by_person = dimios.area_summary(respondents, towns.reset_index(), "respondent").set_index("area")
    assert by_person.loc["efficiency", "mean"] == pytest.approx((5.0 + 3.0 + 5.0) / 3)
    assert by_person.loc["innovation", "lowest"] == 2.0
    with pytest.raises(ParameterError, match="aggregation"):
        dimios.area_summary(respondents, towns, "county")


def test_item_means_before_respondent_means():
    rows = _respondent("Kommun 01", 2020, "R1", 2.0, 4.0, items=2) + _respondent("Kommun 01", 2020, "R2", 4.0, 4.0)
    rows[0] = ("Kommun 01", 2020, "R1", "efficiency", "efficiency0", 6.0)  # items 6 and 2 -> 4
    towns = dimios.municipality_types(_answers(rows))
    assert towns.loc[0, "efficiency"] == 4.0


def test_fast_path_equals_a_plain_groupby(repo_root):
    answers = load_dimios("synthetic")
    fast = dimios.municipality_types(answers).set_index(["municipality_code", "year"])
    per_respondent = answers.groupby(["municipality_code", "year", "respondent", "area"], observed=True)["score"].mean()
    per_town = per_respondent.groupby(["municipality_code", "year", "area"], observed=True).mean().unstack("area")
    for area in AREAS:
        np.testing.assert_allclose(fast[area].to_numpy(), per_town[area].to_numpy())
    assert (fast["n_respondents"] == per_respondent.groupby(["municipality_code", "year"]).size() / 6).all()


def test_bootstrap_is_seeded_and_wide_with_few_respondents(repo_root):
    answers = load_dimios("synthetic")
    respondents = dimios.respondent_area_scores(answers)
    towns = dimios.municipality_scores(respondents)
    first = dimios.bootstrap_ci(respondents, towns, n_resamples=500, seed=7)
    again = dimios.bootstrap_ci(respondents, towns, n_resamples=500, seed=7)
    pd.testing.assert_frame_equal(first, again)
    usable = first.dropna(subset=["ci_low"])
    assert ((usable["ci_low"] <= usable["mean"] + 1e-9) & (usable["mean"] <= usable["ci_high"] + 1e-9)).all()
    # a percentile interval of a mean stays within the respondents' own range, and is wide with ~4 of them
    dims = dimios.dimension_scores(respondents)
    spread = respondents.assign(**dims).groupby("municipality_code")["capability"].agg(["min", "max"])
    local = first[(first["level"] == "municipality") & (first["measure"] == "capability")].set_index("municipality_code")
    assert (local["ci_low"] >= spread["min"] - 1e-9).all() and (local["ci_high"] <= spread["max"] + 1e-9).all()
    assert (local["ci_high"] - local["ci_low"]).median() > 0.25
    region = first[(first["level"] == "region") & (first["measure"] == "capability")].iloc[0]
    assert region["n"] == len(towns) and region["mean"] == pytest.approx(towns["capability"].mean())


def test_bootstrap_edge_cases():
    rows = _respondent("Kommun 01", 2020, "R1", 3.0, 4.0) + _respondent("Kommun 02", 2020, "R1", 3.0, 4.0) \
        + _respondent("Kommun 02", 2020, "R2", 3.0, 4.0)
    respondents = dimios.respondent_area_scores(_answers(rows))
    towns = dimios.municipality_scores(respondents)
    ci = dimios.bootstrap_ci(respondents, towns, n_resamples=100).set_index(["municipality_code", "measure"])
    assert math.isnan(ci.loc[("Kommun 01", "efficiency"), "ci_low"])  # one respondent: no interval
    assert ci.loc[("Kommun 02", "efficiency"), "ci_low"] == ci.loc[("Kommun 02", "efficiency"), "ci_high"] == 3.0


def test_overestimation_sensitivity_counts_type_changes():
    rows = (
        _respondent("Kommun 01", 2020, "R1", 3.6, 4.0)   # D; below 3.5 capability after 0.25 -> B
        + _respondent("Kommun 02", 2020, "R1", 4.2, 3.9)  # D; after 0.5 legacy 3.4 -> C; after 1.0 -> A
        + _respondent("Kommun 03", 2020, "R1", 1.2, 5.0)  # B; floored at 1, stays B
    )
    respondents = dimios.respondent_area_scores(_answers(rows))
    table = dimios.overestimation_sensitivity(respondents, shifts=(0.25, 0.5, 1.0), min_respondents=1)
    assert table["shift"].tolist() == [0.0, 0.25, 0.5, 1.0]
    assert table["n_changed"].tolist() == [0, 1, 2, 2]
    assert table.loc[2, "changed"] == "Kommun 01: D→B; Kommun 02: D→C"
    assert table.loc[3, "changed"] == "Kommun 01: D→A; Kommun 02: D→A"  # legacy 3.0 and 2.9
    assert table.loc[3, ["n_A", "n_B", "n_C", "n_D"]].tolist() == [2, 1, 0, 0]


def test_published_has_no_microdata(repo_root):
    with pytest.raises(DigimotorError, match="no DiMiOS microdata"):
        load_dimios("published")
