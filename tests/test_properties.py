"""Property-based tests (hypothesis) of the demography metrics and the number parser."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from digimotor.claims import round_half_up
from digimotor.datasets import parse_number
from digimotor.metrics import demography
from digimotor.regions import resolve_region

CODES = list(resolve_region("Fyrbodal").codes)
populations = st.lists(st.integers(min_value=1, max_value=2_000_000), min_size=len(CODES), max_size=len(CODES))


def _frame(base, target):
    rows = []
    for code, b, t in zip(CODES, base, target, strict=True):
        rows += [
            {"municipality_code": code, "municipality": code, "year": 2019, "population": b},
            {"municipality_code": code, "municipality": code, "year": 2030, "population": t},
        ]
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(populations, populations, st.randoms(use_true_random=False))
def test_change_is_target_minus_base_and_pct_is_change_over_base(base, target, rnd):
    frame = _frame(base, target)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10_000))
    change = demography.population_change(shuffled, 2019, 2030)
    assert (change["change"] == change["population_target"] - change["population_base"]).all()
    expected = 100 * change["change"] / change["population_base"]
    assert ((change["change_pct"] - expected).abs() < 1e-9).all()
    # row order of the input does not matter
    pd.testing.assert_frame_equal(change, demography.population_change(frame, 2019, 2030))
    total = demography.regional_total(change, "R").iloc[0]
    assert total["population_base"] == sum(base) and total["change"] == sum(target) - sum(base)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-10_000_000, max_value=10_000_000, places=2, allow_nan=False))
def test_swedish_number_text_round_trips(value):
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",")
    assert abs(parse_number(text) - float(value)) < 1e-6


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=-3, max_value=3))
def test_round_half_up_is_within_half_a_step(value, decimals):
    shown = round_half_up(value, decimals)
    assert abs(shown - value) <= 0.5 * 10.0 ** (-decimals) + 1e-9
