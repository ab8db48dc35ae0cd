"""Figure 6: population in the base year and the forecast year per municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..provenance import kind_and_source
from .style import (
    PALETTE,
    label,
    many_units,
    mark_kind,
    new_axes,
    number_formatter,
    thin_unit_ticks,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = labels.table("plots_demography")


def population_forecast_bars(
    change: pd.DataFrame,
    base_year: int,
    target_year: int,
    *,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of the base-year and forecast population per municipality (Figure 6).

    Parameters
    ----------
    change
        Output of :func:`digimotor.metrics.demography.population_change`.
    source
        Source text written inside the figure; the data kind is read from ``change``'s provenance.
    """
    kind, source = kind_and_source(change, source, "the data of population_forecast_bars()")
    import numpy as np

    ax = new_axes(ax, figsize=(10, 5))
    x = np.arange(len(change))
    width = 0.4
    many = many_units(len(change))
    thin = {"linewidth": 0} if many else {}  # 290 narrow bars: no white edges hiding them
    ax.bar(x - width / 2, change["population_base"], width, color=PALETTE["base"],
           label=label("population_in", lang, LABELS).format(year=base_year), **thin)
    ax.bar(x + width / 2, change["population_target"], width, color=PALETTE["target"],
           label=label("forecast_in", lang, LABELS).format(year=target_year), **thin)
    ax.set_ylabel(label("population", lang))
    ax.set_xlabel("")
    if many:  # a national study: every k-th municipality named, all in the table
        thin_unit_ticks(ax, [str(m) for m in change["municipality"]], lang=lang, rotation=90)
        ax.set_xlim(-0.6, len(change) - 0.4)
    else:
        ax.set_xticks(x, change["municipality"], rotation=45, ha="right")
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_title(label("fig06.title", lang, LABELS))
    ax.legend(loc="upper left", frameon=False, ncols=2)
    mark_kind(ax, kind, lang, source)
    return ax


def table_labels(lang: str, base_year: int, target_year: int) -> dict[str, str]:
    """Column headers of the Figure 7 table in ``lang``."""
    return {
        "municipality": label("municipality", lang),
        "population_base": label("population_base", lang, LABELS).format(year=base_year),
        "population_target": label("population_target", lang, LABELS).format(year=target_year),
        "change": label("change", lang, LABELS),
        "change_pct": label("change_pct", lang, LABELS),
    }


PYRAMID_LABELS = labels.table("plots_demography_pyramid_labels")


def population_pyramid(
    bars: pd.DataFrame,
    bars_year: int,
    *,
    line: pd.DataFrame | None = None,
    line_year: int | None = None,
    line_vintage: str | None = None,
    region: str = "Västra Götalands län",
    source: str | None = None,
    note: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Population pyramid (Figure 8): men to the left, women to the right, per age group.

    Parameters
    ----------
    bars
        :func:`digimotor.metrics.population.pyramid_table` of the year drawn as bars.
    line, line_year, line_vintage
        Optionally a second year drawn as an outline (the report: 2030 as bars, 2019 as a
        blue line); ``line_vintage`` names a projection's edition in the legend.
    note
        A sentence written under the title (e.g. what the comparison would need).
    """
    kind, source = kind_and_source(bars, source, "the data of population_pyramid()")
    import numpy as np

    labels = {**LABELS, **PYRAMID_LABELS}
    ax = new_axes(ax, figsize=(8, 7))
    y = np.arange(len(bars))
    bar_label = label("observed", lang, labels).format(year=bars_year)
    ax.barh(y, -bars["men"], color=PALETTE["base"], height=0.85, label=f"{label('men', lang, labels)} {bar_label}")
    ax.barh(y, bars["women"], color=PALETTE["target"], height=0.85,
            label=f"{label('women', lang, labels)} {bar_label}")
    if line is not None:
        aligned = line.set_index("age_group").reindex(bars["age_group"])
        text = (label("projected", lang, labels).format(year=line_year, vintage=line_vintage)
                if line_vintage else label("observed", lang, labels).format(year=line_year))
        edges = np.repeat(y, 2) + np.tile([-0.5, 0.5], len(y))  # the outline of each age group's band
        ax.plot(-np.repeat(aligned["men"].to_numpy(dtype=float), 2), edges, color=PALETTE["negative"],
                linewidth=1.5, label=text)
        ax.plot(np.repeat(aligned["women"].to_numpy(dtype=float), 2), edges, color=PALETTE["negative"], linewidth=1.5)
    ax.set_yticks(y, bars["age_group"])
    ax.set_ylabel(label("age", lang, labels))
    ax.set_xlabel(label("persons", lang, labels))
    limit = float(max(bars["men"].max(), bars["women"].max())) * 1.1
    if line is not None:
        limit = max(limit, float(np.nanmax(line[["men", "women"]].to_numpy())) * 1.1)
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(number_formatter(lang, absolute=True))
    ax.text(0.02, 0.98, label("men", lang, labels), transform=ax.transAxes, ha="left", va="top", fontweight="bold")
    ax.text(0.98, 0.98, label("women", lang, labels), transform=ax.transAxes, ha="right", va="top",
            fontweight="bold")
    ax.set_title(label("fig08.title", lang, labels).format(region=region))
    if note:
        ax.text(0.5, 1.0, note, transform=ax.transAxes, ha="center", va="bottom", fontsize=8.5,
                color=PALETTE["negative"], wrap=True)
        ax.set_title(label("fig08.title", lang, labels).format(region=region), pad=22)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=3, frameon=False, fontsize=8)
    mark_kind(ax, kind, lang, source)
    return ax


STUDY_PROJECTION_VINTAGE = "2020"

PYRAMID_NOTES = labels.table("plots_demography_pyramid_notes")


def pyramid_note(observed_year: int, vintage: str | None, lang: str = "sv") -> str:
    """The sentence under Figure 8's title: what is shown, and whether a projection is the study's edition."""
    if vintage is None:
        return label("offline", lang, PYRAMID_NOTES).format(year=observed_year)
    key = "study_vintage" if str(vintage) <= STUDY_PROJECTION_VINTAGE else "later_vintage"
    return label(key, lang, PYRAMID_NOTES).format(vintage=vintage)
