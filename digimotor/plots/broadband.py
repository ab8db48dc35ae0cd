"""Figure 14: broadband coverage per municipality against the goals, and the known public facts beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..provenance import kind_and_source
from .style import PALETTE, label, many_units, mark_kind, new_axes, thin_unit_ticks

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = labels.table("plots_broadband")


def coverage_bars(
    coverage: pd.DataFrame,
    year: int,
    *,
    regional_goal: tuple[int, float] = (2020, 95.0),
    national_goal: tuple[int, float] | None = (2025, 98.0),
    premises: str = "households",
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Grouped bars of the total and outside-urban shares per municipality with the goal lines (Figure 14).

    Parameters
    ----------
    coverage
        Output of :func:`digimotor.metrics.broadband.coverage_against_goals`.
    regional_goal, national_goal
        ``(target year, share %)``; the national goal is drawn dotted, since it is for 1 Gbit/s.
    source
        Source line written inside the figure. The data kind is read from ``coverage``'s
        provenance (:func:`digimotor.provenance.kind_of`); synthetic data get a watermark.
    """
    kind, source = kind_and_source(coverage, source, "the data of coverage_bars()")
    import numpy as np

    ax = new_axes(ax, figsize=(10, 5))
    many = many_units(len(coverage))
    if many:  # sorted, every k-th name labelled (issue 12)
        coverage = coverage.sort_values("share_total_pct", ascending=False, kind="stable")
    x = np.arange(len(coverage))
    width = 0.4
    colour = PALETTE["synthetic"] if kind == "synthetic" else PALETTE["base"]
    thin = {"linewidth": 0} if many else {}  # no white edges between 290 bars
    ax.bar(x - width / 2, coverage["share_total_pct"], width, color=colour, label=label("total", lang, LABELS), **thin)
    ax.bar(x + width / 2, coverage["share_outside_urban_pct"], width, color=colour, alpha=0.45,
           hatch="//" if kind == "synthetic" else None, label=label("outside_urban", lang, LABELS), **thin)
    ax.axhline(regional_goal[1], color=PALETTE["negative"], linestyle="--", linewidth=1.2,
               label=label("regional_goal", lang, LABELS).format(year=regional_goal[0], pct=regional_goal[1]))
    if national_goal is not None:
        ax.axhline(national_goal[1], color=PALETTE["reference"], linestyle=":", linewidth=1.2,
                   label=label("national_goal", lang, LABELS).format(year=national_goal[0], pct=national_goal[1]))
    if many:
        thin_unit_ticks(ax, list(coverage["municipality"]), lang=lang, by_value=True, rotation=90)
    else:
        ax.set_xticks(x, coverage["municipality"], rotation=45, ha="right")
    ax.set_ylim(0, 105)
    ax.set_ylabel(label("share", lang, LABELS).format(premises=label(premises, lang, LABELS)))
    ax.set_title(label("fig14.title", lang, LABELS).format(year=year))
    if many:  # the thinned names and their note fill the space under the axes
        ax.legend(loc="upper right", frameon=True, framealpha=0.9, fontsize=8)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False, fontsize=8)
    mark_kind(ax, kind, lang, source)
    return ax


def known_facts_bars(facts: pd.DataFrame, *, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """The known public shares (country, county, single municipalities) as their own bars.

    They are drawn on their own axes, never among the example's bars, and say their kind
    inside the axes.

    Parameters
    ----------
    facts
        :func:`digimotor.sources.pts.load_broadband_facts` rows to show (``region``, ``year``,
        ``share_pct``).
    """
    ax = new_axes(ax, figsize=(4, 5))
    names = [f"{r.region} {r.year}" for r in facts.itertuples()]
    bars = ax.barh(names, facts["share_pct"], color=PALETTE["base"])
    ax.bar_label(bars, labels=[f"{v:g} %" for v in facts["share_pct"]], padding=2, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 115)
    ax.set_xlabel(label("share_pct", lang, LABELS))
    ax.set_title(label("facts.title", lang, LABELS))
    if facts.empty:  # a study without public facts of its region (facts_source="none")
        ax.set_yticks([])
        ax.text(0.5, 0.5, label("facts.none", lang, LABELS), transform=ax.transAxes, ha="center", va="center",
                fontsize=9, color=PALETTE["reference"])
        return ax
    ax.text(0.0, -0.16, label("facts.note", lang, LABELS), transform=ax.transAxes, fontsize=8,
            color=PALETTE["reference"], va="top")
    return ax


def coverage_figure(
    coverage: pd.DataFrame,
    facts: pd.DataFrame,
    year: int,
    *,
    regional_goal: tuple[int, float] = (2020, 95.0),
    national_goal: tuple[int, float] | None = (2025, 98.0),
    premises: str = "households",
    source: str | None = None,
    lang: str = "sv",
) -> tuple[Axes, Axes]:
    """Figure 14 with the known public facts in a separate panel to its right; returns both axes.

    Each panel reads its data kind from its own frame (the facts panel always says "public").
    """
    import matplotlib.pyplot as plt

    from .style import apply_style

    apply_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 1.1]})
    coverage_bars(coverage, year, regional_goal=regional_goal, national_goal=national_goal, premises=premises,
                  source=source, lang=lang, ax=left)
    known_facts_bars(facts, lang=lang, ax=right)
    right.axvline(regional_goal[1], color=PALETTE["negative"], linestyle="--", linewidth=1.0)
    return left, right


def table_labels(lang: str, columns: list[str]) -> dict[str, str]:
    """Headers for the notebook's tables in ``lang``."""
    return {c: label(c, lang, LABELS) for c in columns}


def goal_labels(lang: str) -> dict[str, str]:
    """Headers of the goals table in ``lang``."""
    keys = {"goal": "goal", "scope": "scope", "target_year": "target_year", "speed_mbit": "speed_mbit",
            "share_pct": "goal_share_pct", "data_kind": "data_kind", "statement": "statement"}
    return {column: label(key, lang, LABELS) for column, key in keys.items()}
