"""Property-based tests (hypothesis) of the broadband metrics (coverage against the goals,
households vs workplaces, change between years) and the population pyramid."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from digimotor.metrics import broadband
from digimotor.metrics.population import pyramid_table

FAST = settings(max_examples=50, deadline=None)
SHARES = st.floats(0, 100).map(lambda x: round(x, 1))


@st.composite
def coverage_frames(draw):
    """Tidy coverage for 1–8 municipalities in 2019: households and workplaces, total and
    (not always) outside urban areas, outside urban never above the total."""
    rows = []
    for m in range(draw(st.integers(1, 8))):
        code = f"Kommun {m + 1:02d}"
        for premises in ("households", "workplaces"):
            total = draw(SHARES)
            rows.append((code, 2019, premises, "total", total))
            if draw(st.booleans()):
                rows.append((code, 2019, premises, "outside_urban", draw(st.floats(0, total).map(lambda x: round(x, 1)))))
    frame = pd.DataFrame(rows, columns=["municipality_code", "year", "premises", "area", "share_pct"])
    frame["municipality"] = frame["municipality_code"]
    return frame


GOALS = st.tuples(st.floats(50, 100), st.floats(0, 20))


@FAST
@given(coverage_frames(), GOALS)
def test_coverage_gaps_and_goal_flags_follow_their_definitions(frame, goals):
    goal, close = goals
    table = broadband.coverage_against_goals(frame, 2019, regional_goal_pct=goal, close_within_pp=close)
    totals = frame[(frame["premises"] == "households") & (frame["area"] == "total")].set_index("municipality_code")
    assert list(table["municipality_code"]) == list(totals.index)
    for row in table.itertuples():
        total = totals.loc[row.municipality_code, "share_pct"]
        assert row.share_total_pct == total
        assert row.regional_gap_pp == max(0.0, goal - total)
        assert row.meets_regional_goal == (total >= goal) == (row.regional_gap_pp == 0)
        assert row.close_to_regional_goal == (total < goal and goal - total <= close)
        assert row.national_gap_min_pp == max(0.0, 98.0 - total)
        if math.isnan(row.share_outside_urban_pct):
            assert math.isnan(row.urban_rural_gap_pp)
        else:
            assert row.urban_rural_gap_pp == total - row.share_outside_urban_pct >= 0
    summary = broadband.goal_summary(table)
    # every municipality is in exactly one of the three groups
    assert summary["meeting_goal"] + summary["close_to_goal"] + summary["below_goal_not_close"] == len(table)
    assert summary["below_goal_not_close"] >= 0
    assert summary["lowest_total_pct"] <= summary["highest_total_pct"]


@FAST
@given(coverage_frames(), st.floats(50, 99), st.floats(0, 1), st.floats(0, 10))
def test_a_higher_goal_or_a_narrower_margin_never_adds_a_municipality(frame, goal, raise_by, close):
    lower = broadband.coverage_against_goals(frame, 2019, regional_goal_pct=goal, close_within_pp=close)
    higher = broadband.coverage_against_goals(frame, 2019, regional_goal_pct=min(100, goal + raise_by),
                                              close_within_pp=close)
    narrower = broadband.coverage_against_goals(frame, 2019, regional_goal_pct=goal, close_within_pp=close / 2)
    assert higher["meets_regional_goal"].sum() <= lower["meets_regional_goal"].sum()
    assert (higher["regional_gap_pp"] >= lower["regional_gap_pp"]).all()
    assert narrower["close_to_regional_goal"].sum() <= lower["close_to_regional_goal"].sum()
    # meeting 95 % implies nothing about 98 %, but the national gap is never below the regional one
    default = broadband.coverage_against_goals(frame, 2019)
    assert (default["national_gap_min_pp"] >= default["regional_gap_pp"]).all()


@FAST
@given(coverage_frames(), st.randoms(use_true_random=False))
def test_coverage_is_invariant_to_row_order_and_municipality_names(frame, rnd):
    expected = broadband.coverage_against_goals(frame, 2019).set_index("municipality_code").sort_index()
    codes = list(frame["municipality_code"].unique())
    new = dict(zip(codes, [f"Ort {i:03d} ö" for i in rnd.sample(range(1000), len(codes))], strict=True))
    back = {v: k for k, v in new.items()}
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10_000))
    shuffled = shuffled.assign(municipality_code=shuffled["municipality_code"].map(new),
                               municipality=shuffled["municipality"].map(new))
    got = broadband.coverage_against_goals(shuffled, 2019)
    got = got.assign(municipality_code=got["municipality_code"].map(back), municipality=got["municipality"].map(back))
    got = got.set_index("municipality_code").sort_index()
    pd.testing.assert_frame_equal(got, expected)
    # the output keeps the input's order of first appearance
    assert list(broadband.coverage_against_goals(shuffled, 2019)["municipality_code"]) == list(
        dict.fromkeys(shuffled.loc[shuffled["premises"] == "households", "municipality_code"]))


@FAST
@given(coverage_frames())
def test_households_minus_workplaces_is_antisymmetric(frame):
    versus = broadband.households_vs_workplaces(frame, 2019).set_index("municipality_code")
    totals = frame[frame["area"] == "total"].pivot(index="municipality_code", columns="premises", values="share_pct")
    assert (versus["difference_pp"] == totals["households"] - totals["workplaces"]).all()
    swapped = frame.assign(premises=frame["premises"].map({"households": "workplaces", "workplaces": "households"}))
    back = broadband.households_vs_workplaces(swapped, 2019).set_index("municipality_code")
    assert (back["difference_pp"] == -versus["difference_pp"]).all()


@FAST
@given(st.lists(SHARES, min_size=3, max_size=3), st.permutations([2017, 2018, 2019]))
def test_change_between_years_is_antisymmetric_and_additive(values, years):
    facts = pd.DataFrame({"region_code": "1461", "premises": "households", "area": "total",
                          "year": [2017, 2018, 2019], "share_pct": values})
    facts = facts.set_index("year").loc[list(years)].reset_index()  # row order must not matter
    a_b = broadband.change_between(facts, "1461", 2017, 2018)
    b_c = broadband.change_between(facts, "1461", 2018, 2019)
    a_c = broadband.change_between(facts, "1461", 2017, 2019)
    assert a_b == values[1] - values[0]
    assert broadband.change_between(facts, "1461", 2018, 2017) == -a_b
    assert abs(a_b + b_c - a_c) < 1e-9
    assert broadband.change_between(facts, "1461", 2018, 2018) == 0


# ---------------------------------------------------------------------------------------
# The population pyramid
# ---------------------------------------------------------------------------------------

@st.composite
def single_ages(draw):
    """Population by single age 0–99 and an open group "100-", women and men (some ages empty)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    counts = rng.integers(0, draw(st.sampled_from([1, 10, 5_000])), size=2 * 101)
    counts[rng.random(2 * 101) < draw(st.sampled_from([0.0, 0.5]))] = 0
    labels = [str(a) for a in range(100)] + ["100-"]
    frame = pd.DataFrame({"region_code": "14", "year": 2020, "age_group": labels * 2,
                          "sex": ["women"] * 101 + ["men"] * 101, "population": counts})
    return frame


@FAST
@given(single_ages(), st.sampled_from([1, 2, 4, 5, 10, 20]), st.randoms(use_true_random=False))
def test_pyramid_keeps_every_person_in_the_right_group(frame, width, rnd):
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10_000))
    table = pyramid_table(shuffled, "14", 2020, width=width)
    assert (table["total"] == table["women"] + table["men"]).all()
    for sex in ("women", "men"):
        assert table[sex].sum() == frame.loc[frame["sex"] == sex, "population"].sum()
    assert list(table["age_from"]) == sorted(table["age_from"])
    # the youngest group holds exactly the ages 0 … width-1
    young = frame[frame["age_group"].isin([str(a) for a in range(width)])]
    assert table["total"].iloc[0] == young["population"].sum()
    assert table["age_group"].iloc[-1] == "100-"


@FAST
@given(single_ages(), single_ages(), st.sampled_from([5, 10]))
def test_pyramid_of_summed_populations_is_the_sum_of_pyramids(first, second, width):
    combined = first.assign(population=first["population"] + second["population"])
    both = pyramid_table(combined, "14", 2020, width=width).set_index("age_group")
    a = pyramid_table(first, "14", 2020, width=width).set_index("age_group")
    b = pyramid_table(second, "14", 2020, width=width).set_index("age_group")
    pd.testing.assert_frame_equal(both, a + b.assign(age_from=0))
    # grouping in steps of 10 equals summing pairs of 5-year groups
    five = pyramid_table(first, "14", 2020, width=5)
    ten = pyramid_table(first, "14", 2020, width=10)
    paired = five.groupby(five["age_from"] // 10 * 10)[["women", "men"]].sum()
    assert (ten.set_index("age_from")[["women", "men"]] == paired).all().all()
