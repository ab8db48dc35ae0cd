"""The broadband page's real-facts panel: published values per municipality over the years, against the goals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..provenance import kind_and_source
from .style import label, mark_kind, new_axes

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = labels.table("plots_broadband_facts")


def facts_over_time(series: pd.DataFrame, *, regional_goal: tuple[int, float] = (2020, 95.0),
                    national_goal: tuple[int, float] | None = (2025, 98.0),
                    source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """One marker series per municipality and measure (no connecting lines: absent years stay absent)."""
    kind, source = kind_and_source(series, source, "the data of facts_over_time()")
    ax = new_axes(ax, figsize=(8.0, 4.8))
    markers = "osD^v<>p*h"
    colours = ("#1f4e79", "#c0504d", "#2e7d32", "#7f6000", "#5b2c6f", "#0e6655", "#784212")
    for number, (_key, part) in enumerate(series.groupby("series", sort=True)):
        first = part.iloc[0]
        name = (f"{first['region']} – {label(str(first['premises']), lang, LABELS)}, "
                f"{label(str(first['area']), lang, LABELS)}, ≥{int(first['speed_mbit'])} Mbit/s")
        ax.plot(part["year"].astype(int), part["share_pct"].astype(float), linestyle="none",
                marker=markers[number % len(markers)], markersize=7, color=colours[number % len(colours)], label=name)
    ax.axhline(regional_goal[1], color="black", linestyle="--", linewidth=1,
               label=label("regional_goal", lang, LABELS).format(year=regional_goal[0], pct=regional_goal[1]))
    if national_goal is not None:
        ax.plot([national_goal[0]], [national_goal[1]], marker="*", markersize=12, color="grey", linestyle="none",
                label=label("national_goal", lang, LABELS).format(year=national_goal[0], pct=national_goal[1]))
    ax.set_ylim(0, 100)
    ax.set_ylabel(label("share", lang, LABELS))
    ax.set_xlabel(label("year", lang, LABELS))
    ax.set_title(label("title", lang, LABELS), fontsize=11)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7, loc="lower right")
    if series.empty:  # a study without public facts of its region (facts_series_sources = [])
        ax.text(0.5, 0.5, label("none", lang, LABELS), transform=ax.transAxes, ha="center", va="center", fontsize=9)
    ax.text(0.01, 0.02, label("note", lang, LABELS), transform=ax.transAxes, va="bottom", fontsize=7)
    mark_kind(ax, kind, lang, source)
    return ax
