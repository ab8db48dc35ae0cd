"""The synthetic DiMiOS example keeps every promise of its generator (calibrated, not evidence)."""

from __future__ import annotations

import pytest

from digimotor.claims import dimios as dimios_claims
from digimotor.claims import load_claims, matches, round_half_up, scorecard
from digimotor.metrics import dimios
from digimotor.regions import is_pseudonym
from digimotor.sources.dimios import load_dimios, load_dimios_areas
from digimotor.synthetic import dimios as generator


@pytest.fixture
def example(repo_root):
    answers = load_dimios("synthetic")
    respondents = dimios.respondent_area_scores(answers)
    towns = dimios.municipality_scores(respondents)
    return answers, respondents, towns


def test_pseudonyms_scale_and_counts(example):
    answers, _respondents, towns = example
    assert answers.attrs["provenance"]["kind"] == "synthetic"
    assert answers["municipality_code"].map(is_pseudonym).all()
    assert sorted(answers["municipality_code"].unique()) == [f"Kommun {i:02d}" for i in range(1, 14)]
    assert answers["score"].between(1, 6).all() and (answers["score"] % 1 == 0).all()
    in_2020 = towns[towns["year"] == 2020]
    assert len(in_2020) == 12 and in_2020["n_respondents"].sum() == 48
    assert (towns["year"] == 2019).sum() == 1
    assert towns["few_respondents"].sum() >= 1  # the page has a flag to show


def test_figure9_agrees_at_printed_precision(example):
    _answers, respondents, towns = example
    published = load_dimios_areas("published").set_index("area")
    computed = dimios.area_summary(respondents, towns).set_index("area")
    for area, row in published.iterrows():
        for stat in ("lowest", "highest", "mean"):
            assert round_half_up(computed.loc[area, stat], 1) == row[stat], (area, stat)


def test_types_as_the_report_describes(example):
    _answers, respondents, towns = example
    counts = dimios.type_counts(towns)
    assert counts["A"] == 1 and counts["D"] >= 2 and counts["C"] == 0
    constraining = towns[towns["legacy"] < dimios.DEFAULT_SPLIT]
    assert len(constraining) == 1 and constraining["dimios_type"].tolist() == ["A"]
    summary = dimios.area_summary(respondents, towns)
    average = dimios.dimension_scores(summary.set_index("area")[["mean"]].T).iloc[0]
    assert dimios.dimios_type(average["capability"], average["legacy"]) == "B"


def test_calibrated_claims_hold_and_are_not_evidence(example):
    _answers, respondents, towns = example
    values = dimios_claims.calibrated_values(respondents, towns)
    claims = load_claims("dimios").set_index("claim_id")
    calibrated = claims[claims["status"] == "calibrated"]
    assert set(values) == set(calibrated.index)
    for claim_id, row in calibrated.iterrows():
        assert matches(values[claim_id], row["published_value"], row["relation"], int(row["decimals"])), claim_id
    card = scorecard(produced=values, parts=["dimios"]).set_index("claim_id")
    assert set(card.loc[calibrated.index, "outcome"]) == {"calibrated"}


def test_check_calibration_rejects_a_broken_example():
    frame = generator.generate(2021)["dimios"]
    broken = frame.copy()
    broken.loc[broken["area"] == "Teknik", "score"] = 6
    with pytest.raises(AssertionError):
        generator.check_calibration(broken)


def test_another_seed_keeps_the_promises():
    frame = generator.generate(7)["dimios"]
    values = generator.check_calibration(frame)
    assert values["n_A"] == 1
