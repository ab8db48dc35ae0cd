"""Figure 6: population in the base year and the forecast year per municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .style import PALETTE, label, mark_kind, new_axes

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = {
    "fig06.title": {"sv": "Befolkningsprognos", "en": "Population forecast"},
    "population_in": {"sv": "Befolkning {year}", "en": "Population {year}"},
    "forecast_in": {"sv": "Befolkning {year} prognos", "en": "Population {year} forecast"},
    "change_pct": {"sv": "Förändring %", "en": "Change %"},
    "change": {"sv": "Förändring", "en": "Change"},
    "population_base": {"sv": "Befolkning {year}", "en": "Population {year}"},
    "population_target": {"sv": "Befolkning {year} prognos", "en": "Population {year} forecast"},
}


def population_forecast_bars(
    change: pd.DataFrame,
    base_year: int,
    target_year: int,
    *,
    kind: str = "published",
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of the base-year and forecast population per municipality (Figure 6).

    Parameters
    ----------
    change
        Output of :func:`digimotor.metrics.demography.population_change`.
    kind, source
        Data kind and source text written inside the figure.
    """
    import numpy as np

    ax = new_axes(ax, figsize=(10, 5))
    x = np.arange(len(change))
    width = 0.4
    ax.bar(x - width / 2, change["population_base"], width, color=PALETTE["base"],
           label=label("population_in", lang, LABELS).format(year=base_year))
    ax.bar(x + width / 2, change["population_target"], width, color=PALETTE["target"],
           label=label("forecast_in", lang, LABELS).format(year=target_year))
    ax.set_xticks(x, change["municipality"], rotation=45, ha="right")
    ax.set_ylabel(label("population", lang))
    ax.set_xlabel("")
    ax.yaxis.set_major_formatter(_thousands(lang))
    ax.set_title(label("fig06.title", lang, LABELS))
    ax.legend(loc="upper left", frameon=False, ncols=2)
    mark_kind(ax, kind, lang, source)
    return ax


def _thousands(lang: str):
    from matplotlib.ticker import FuncFormatter

    sep = "\u00a0" if lang == "sv" else ","
    return FuncFormatter(lambda value, _pos: f"{value:,.0f}".replace(",", sep))


def table_labels(lang: str, base_year: int, target_year: int) -> dict[str, str]:
    """Column headers of the Figure 7 table in ``lang``."""
    return {
        "municipality": label("municipality", lang),
        "population_base": label("population_base", lang, LABELS).format(year=base_year),
        "population_target": label("population_target", lang, LABELS).format(year=target_year),
        "change": label("change", lang, LABELS),
        "change_pct": label("change_pct", lang, LABELS),
    }
