"""Property-based tests (hypothesis) of the DiMiOS metrics: dimension scores, types, aggregation,
bootstrap intervals and the overestimation sensitivity, on random respondent × item answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from digimotor.metrics import dimios
from digimotor.model import dimios as model
from digimotor.model.dimios import AREAS, SCORE_MAX, SCORE_MIN

AREA_IDS = list(AREAS)
CAPABILITY_AREAS = model.DIMENSION_AREAS["capability"]
LEGACY_AREAS = model.DIMENSION_AREAS["legacy"]
SCORES = st.integers(min_value=int(SCORE_MIN), max_value=int(SCORE_MAX))
SPLITS = st.sampled_from([2.0, 3.0, 3.5, 4.0, 5.5])
FAST = settings(max_examples=50, deadline=None)


@st.composite
def answer_sets(draw, max_municipalities=3, max_respondents=4):
    """Respondent × item answers: every respondent answers 1–2 items of every area (scores 1–6)."""
    rows = []
    for m in range(draw(st.integers(1, max_municipalities))):
        code = f"Kommun {m + 1:02d}"
        for r in range(draw(st.integers(1, max_respondents))):
            for area in AREA_IDS:
                for i in range(draw(st.integers(1, 2))):
                    rows.append((code, 2021, f"{code}/r{r}", area, f"{area}{i}", float(draw(SCORES))))
    frame = pd.DataFrame(rows, columns=["municipality_code", "year", "respondent", "area", "item", "score"])
    frame["area"] = pd.Categorical(frame["area"], categories=AREA_IDS)
    return frame


def _position(letter):
    return model.TYPE_POSITION[letter]


# ---------------------------------------------------------------------------------------
# Dimension scores, maturity and the typology
# ---------------------------------------------------------------------------------------


@FAST
@given(st.lists(st.lists(st.floats(SCORE_MIN, SCORE_MAX), min_size=6, max_size=6), min_size=1, max_size=8))
def test_dimension_scores_are_the_mean_of_their_three_areas(profiles):
    frame = pd.DataFrame(profiles, columns=AREA_IDS)
    dims = dimios.dimension_scores(frame)
    for row, (_i, dim) in zip(profiles, dims.iterrows(), strict=True):
        assert abs(dim["capability"] - sum(row[:3]) / 3) < 1e-12
        assert abs(dim["legacy"] - sum(row[3:]) / 3) < 1e-12
        # a dimension lies between its lowest and highest area
        assert min(row[:3]) - 1e-12 <= dim["capability"] <= max(row[:3]) + 1e-12
    # the two maturity readings are the documented affine maps of the mean of the six areas
    mean = (dims["capability"] + dims["legacy"]) / 2
    share = dimios.maturity_level(dims["capability"], dims["legacy"], "mean/6")
    above_floor = dimios.maturity_level(dims["capability"], dims["legacy"], "(mean-1)/5")
    assert ((share - 100 * mean / 6).abs() < 1e-9).all()
    assert ((above_floor - 100 * (mean - 1) / 5).abs() < 1e-9).all()
    assert share.between(100 / 6 - 1e-9, 100 + 1e-9).all() and above_floor.between(-1e-9, 100 + 1e-9).all()


@settings(max_examples=100, deadline=None)
@given(st.floats(SCORE_MIN, SCORE_MAX), st.floats(SCORE_MIN, SCORE_MAX), st.floats(0, 5), st.floats(0, 5),
       SPLITS)
def test_types_are_monotone_in_the_scores(capability, legacy, raise_cap, raise_leg, split):
    before = _position(dimios.dimios_type(capability, legacy, split))
    after = _position(dimios.dimios_type(min(capability + raise_cap, SCORE_MAX), min(legacy + raise_leg, SCORE_MAX),
                                         split))
    # raising scores never turns a high dimension low
    assert after[0] >= before[0] and after[1] >= before[1]
    # and the letters mean what the module says: high = score >= split
    assert before == (capability >= split, legacy >= split)


@FAST
@given(answer_sets(), st.integers(0, 3), SPLITS)
def test_raising_every_answer_never_lowers_a_municipality_type(answers, step, split):
    base = dimios.municipality_types(answers, split=split)
    raised = answers.assign(score=(answers["score"] + step).clip(upper=SCORE_MAX))
    moved = dimios.municipality_types(raised, split=split)
    assert list(moved["municipality_code"]) == list(base["municipality_code"])
    for b, m in zip(base["dimios_type"], moved["dimios_type"], strict=True):
        assert _position(m)[0] >= _position(b)[0] and _position(m)[1] >= _position(b)[1]
    assert (moved["capability"] >= base["capability"] - 1e-12).all()


# ---------------------------------------------------------------------------------------
# Respondent -> municipality -> region
# ---------------------------------------------------------------------------------------


@FAST
@given(answer_sets())
def test_municipality_scores_recomputed_from_the_answers(answers):
    towns = dimios.municipality_types(answers).set_index("municipality_code")
    per_respondent = answers.groupby(["municipality_code", "respondent", "area"], observed=True)["score"].mean()
    for code, town in towns.iterrows():
        mine = per_respondent.loc[code]
        assert town["n_respondents"] == answers.loc[answers["municipality_code"] == code, "respondent"].nunique()
        for area in AREA_IDS:
            expected = mine.xs(area, level="area").mean()
            assert abs(town[area] - expected) < 1e-9
        assert abs(town["capability"] - town[CAPABILITY_AREAS].mean()) < 1e-9
        assert abs(town["legacy"] - town[LEGACY_AREAS].mean()) < 1e-9
        assert town["dimios_type"] == dimios.dimios_type(town["capability"], town["legacy"])
        assert town["few_respondents"] == (town["n_respondents"] < 3)


@FAST
@given(answer_sets(), st.randoms(use_true_random=False))
def test_aggregation_is_invariant_to_row_order_and_respondent_ids(answers, rnd):
    expected = dimios.municipality_types(answers)
    shuffled = answers.sample(frac=1, random_state=rnd.randint(0, 10_000)).reset_index(drop=True)
    ids = list(answers["respondent"].unique())
    relabelled = dict(zip(ids, rnd.sample(range(10_000, 99_999), len(ids)), strict=True))
    shuffled["respondent"] = shuffled["respondent"].map(lambda r: f"anon-{relabelled[r]}")
    got = dimios.municipality_types(shuffled)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=0, atol=1e-12)


@FAST
@given(answer_sets(), answer_sets())
def test_municipality_scores_of_a_concatenation_are_those_of_the_parts(first, second):
    # the same municipality codes in another year are separate units: aggregating the whole
    # equals aggregating each part
    second = second.assign(year=2022)
    whole = dimios.municipality_types(pd.concat([first, second], ignore_index=True))
    parts = pd.concat([dimios.municipality_types(first), dimios.municipality_types(second)], ignore_index=True)
    parts = parts.sort_values(dimios.UNIT_KEYS, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(whole, parts, check_exact=False, rtol=0, atol=1e-12)


@FAST
@given(answer_sets())
def test_area_summary_brackets_the_mean_and_follows_the_aggregation(answers):
    respondents = dimios.respondent_area_scores(answers)
    towns = dimios.municipality_scores(respondents)
    by_town = dimios.area_summary(respondents, towns, "municipality").set_index("area")
    by_person = dimios.area_summary(respondents, towns, "respondent").set_index("area")
    for area in AREA_IDS:
        for summary in (by_town, by_person):
            assert summary.loc[area, "lowest"] <= summary.loc[area, "mean"] + 1e-12
            assert summary.loc[area, "mean"] <= summary.loc[area, "highest"] + 1e-12
        assert abs(by_town.loc[area, "mean"] - towns[area].mean()) < 1e-12
        assert abs(by_person.loc[area, "mean"] - respondents[area].mean()) < 1e-12
        # municipality means lie within the respondents' range
        assert by_person.loc[area, "lowest"] - 1e-12 <= by_town.loc[area, "lowest"]
        assert by_town.loc[area, "highest"] <= by_person.loc[area, "highest"] + 1e-12
    counts = dimios.type_counts(towns)
    assert list(counts.index) == list(model.TYPES) and counts.sum() == len(towns)


@settings(max_examples=50, deadline=None)
@given(answer_sets(max_municipalities=2), st.integers(0, 1000))
def test_bootstrap_intervals_contain_the_point_estimate(answers, seed):
    respondents = dimios.respondent_area_scores(answers)
    towns = dimios.municipality_scores(respondents)
    ci = dimios.bootstrap_ci(respondents, towns, n_resamples=99, seed=seed)
    assert len(ci) == (len(towns) + 1) * (len(AREA_IDS) + 2)
    with_interval = ci.dropna(subset=["ci_low", "ci_high"])
    tolerance = 1e-9
    assert (with_interval["ci_low"] <= with_interval["mean"] + tolerance).all()
    assert (with_interval["mean"] <= with_interval["ci_high"] + tolerance).all()
    # no interval only where a single value has no spread to resample
    assert (ci.loc[ci["ci_low"].isna(), "n"] < 2).all()
    local = ci[ci["level"] == "municipality"].set_index(["municipality_code", "measure"])
    town = towns.set_index("municipality_code")
    for (code, measure), row in local.iterrows():
        assert abs(row["mean"] - town.loc[code, measure]) < 1e-9
        assert row["n"] == town.loc[code, "n_respondents"]


@FAST
@given(answer_sets(), st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0, 5.0]), min_size=1, max_size=3, unique=True))
def test_lowering_the_scores_only_moves_types_down(answers, shifts):
    respondents = dimios.respondent_area_scores(answers)
    base = dimios.municipality_scores(respondents)
    table = dimios.overestimation_sensitivity(respondents, shifts=sorted(shifts))
    assert table.loc[0, "shift"] == 0 and table.loc[0, "n_changed"] == 0
    for row in table.itertuples():
        assert sum(getattr(row, f"n_{t}") for t in model.TYPES) == len(base)
        # every change is to a type with no dimension higher than before
        for change in filter(None, row.changed.split("; ")):
            before, after = change.split(": ")[1].split("→")
            assert _position(after)[0] <= _position(before)[0] and _position(after)[1] <= _position(before)[1]
        assert row.n_changed == len(list(filter(None, row.changed.split("; "))))
    # the count of the lowest type A never falls as the shift grows
    assert np.all(np.diff(table["n_A"].to_numpy()) >= 0)
