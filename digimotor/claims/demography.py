"""Derived demography claims (report Figure 7 and the text around it).

The largest member's size is printed damaged ("kna@@d 60") and registered as *recovered*
("knappt 60 000"); ``text.size.largest.fig07`` is the derived check of that reading against
Figure 7's populations, kept apart so that the recovered value is never taken for evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def claim_values(change: pd.DataFrame, region_name: str = "Fyrbodal") -> dict[str, float]:
    """Claim id -> value from a per-municipality change table (the notebook's Figure 7).

    ``change`` is :func:`digimotor.metrics.demography.population_change` for the Fyrbodal
    municipalities, 2019 -> 2030.
    """
    from ..metrics.demography import regional_total

    total = regional_total(change, region_name).iloc[0]
    values: dict[str, float] = {}
    for row in change.itertuples():
        values[f"fig07.{row.municipality_code}.change"] = float(row.change)
        values[f"fig07.{row.municipality_code}.change_pct"] = float(row.change_pct)
        values[f"text.{row.municipality_code}.change_pct"] = float(row.change_pct)
    for quantity in ("population_base", "population_target", "change", "change_pct"):
        values[f"fig07.fyrbodal.{quantity}"] = float(total[quantity])
    values["text.fyrbodal.change"] = float(total["change"])
    values["text.fyrbodal.change_pct"] = float(total["change_pct"])
    values["text.size.smallest"] = float(change["population_base"].min())
    values["text.size.largest.fig07"] = float(change["population_base"].max())
    declining = float((change["change"] < 0).sum())
    values["summary.declining.count"] = declining
    values["text.declining.count"] = declining
    return values


def derive() -> dict[str, float]:
    """Recompute Figure 7's change columns, the Fyrbodal total and the text's figures
    from the published 2019 and 2030 populations."""
    from ..metrics.demography import population_change
    from ..regions import resolve_region
    from ..sources.published import load_population_forecast

    population = load_population_forecast("published")
    change = population_change(population, 2019, 2030, codes=resolve_region("Fyrbodal").codes)
    return claim_values(change)
