"""Figure 7 recomputed from the two published population columns, value by value."""

import math

import pandas as pd
import pytest

from digimotor.claims import round_half_up
from digimotor.errors import DigimotorError, ParameterError
from digimotor.metrics import demography
from digimotor.regions import resolve_region
from digimotor.sources.published import load_population_forecast

# The report's Figure 7 as printed (seed lines 1337-1351): change and change % per row.
PRINTED = {
    "Bengtsfors": (-1200, -12.2), "Dals-Ed": (-100, -2.1), "Färgelanda": (-400, -6.1),
    "Lysekil": (-500, -3.4), "Mellerud": (-1000, -10.8), "Munkedal": (0, 0.0), "Orust": (200, 1.3),
    "Sotenäs": (100, 1.1), "Strömstad": (-500, -3.8), "Tanum": (500, 3.9), "Trollhättan": (2000, 3.4),
    "Uddevalla": (2300, 4.1), "Vänersborg": (-1300, -3.3), "Åmål": (-600, -4.8),
}


@pytest.fixture
def change(repo_root):
    population = load_population_forecast("published")
    return demography.population_change(population, 2019, 2030, codes=resolve_region("Fyrbodal").codes)


def test_figure7_every_row_equals_the_printed_table(change):
    assert list(change["municipality"]) == list(PRINTED)  # the report's (Swedish) order
    for row in change.itertuples():
        printed_change, printed_pct = PRINTED[row.municipality]
        assert row.change == printed_change, row.municipality
        assert round_half_up(row.change_pct, 1) == printed_pct, row.municipality


def test_figure7_fyrbodal_total(change):
    total = demography.regional_total(change, "Fyrbodal").iloc[0]
    assert total["population_base"] == 273_900
    assert total["population_target"] == 273_400
    assert total["change"] == -500
    assert round_half_up(total["change_pct"], 1) == -0.2


def test_change_pct_is_change_over_base():
    base = pd.Series([100, 250, 0])
    target = pd.Series([110, 200, 5])
    pct = demography.change_pct(base, target)
    assert pct.iloc[0] == pytest.approx(10.0)
    assert pct.iloc[1] == pytest.approx(-20.0)
    assert math.isnan(pct.iloc[2])


def test_target_before_base_is_an_error(change, repo_root):
    population = load_population_forecast("published")
    with pytest.raises(ParameterError, match="not after base year"):
        demography.population_change(population, 2030, 2019)


def test_region_without_data_is_an_error(repo_root):
    population = load_population_forecast("published")
    with pytest.raises(DigimotorError, match="no population data for 15 selected municipalities"):
        demography.population_change(population, 2019, 2030, codes=resolve_region("Skaraborg").codes)


def test_missing_year_names_years_present(repo_root):
    population = load_population_forecast("published")
    with pytest.raises(DigimotorError, match="years present: 2019, 2030"):
        demography.population_change(population, 2019, 2025)


def test_ranking(change):
    ranked = demography.rank_by_change(change)
    assert list(ranked["municipality"].head(3)) == ["Uddevalla", "Tanum", "Trollhättan"]
    assert list(ranked["municipality"].tail(2)) == ["Mellerud", "Bengtsfors"]
    assert list(ranked["rank"]) == list(range(1, 15))


def test_largest_changes_with_few_municipalities(change):
    ranked = demography.rank_by_change(change)
    picked = demography.largest_changes(ranked, 3)
    assert list(picked["rank"]) == [1, 2, 3, 12, 13, 14]
    two = demography.rank_by_change(change[change["municipality"].isin(["Åmål", "Vänersborg"])])
    assert list(demography.largest_changes(two, 3)["municipality"]) == ["Vänersborg", "Åmål"]
