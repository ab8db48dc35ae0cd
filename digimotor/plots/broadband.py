"""Figure 14: broadband coverage per municipality against the goals, and the known public facts beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .style import PALETTE, label, many_units, mark_kind, new_axes, thin_unit_ticks

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = {
    "fig14.title": {"sv": "Tillgång till fast bredband {year}", "en": "Access to fixed broadband {year}"},
    "total": {"sv": "Minst 100 Mbit/s (faktisk hastighet)", "en": "At least 100 Mbit/s (actual speed)"},
    "outside_urban": {"sv": "Minst 100 Mbit/s – utanför tätort och småort",
                      "en": "At least 100 Mbit/s – outside urban areas"},
    "share": {"sv": "Andel {premises} (%)", "en": "Share of {premises} (%)"},
    "households": {"sv": "hushåll", "en": "households"},
    "workplaces": {"sv": "arbetsställen", "en": "workplaces"},
    "regional_goal": {"sv": "Regionalt mål {year}: {pct:g} % (100 Mbit/s)",
                      "en": "Regional goal {year}: {pct:g} % (100 Mbit/s)"},
    "national_goal": {"sv": "Nationellt mål {year}: {pct:g} % (1 Gbit/s)",
                      "en": "National goal {year}: {pct:g} % (1 Gbit/s)"},
    "facts.title": {"sv": "Kända offentliga värden", "en": "Known public values"},
    "facts.note": {"sv": "Offentlig statistik (PTS via VGR) –\ninte del av exemplet till vänster",
                   "en": "Public statistics (PTS via VGR) –\nnot part of the example on the left"},
    "facts.none": {"sv": "Inga offentliga värden\nför studiens region", "en": "No public values\nfor the study's region"},
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "share_total_pct": {"sv": "Andel totalt (%)", "en": "Share in total (%)"},
    "share_outside_urban_pct": {"sv": "Andel utanför tätort och småort (%)", "en": "Share outside urban areas (%)"},
    "urban_rural_gap_pp": {"sv": "Skillnad tätort–landsbygd (p.e.)", "en": "Urban–rural gap (pp)"},
    "regional_gap_pp": {"sv": "Kvar till 95 %-målet (p.e.)", "en": "Short of the 95 % goal (pp)"},
    "national_gap_min_pp": {"sv": "Kvar till 98 %-målet, minst (p.e.)", "en": "Short of the 98 % goal, at least (pp)"},
    "close_to_regional_goal": {"sv": "Nära målet", "en": "Close to the goal"},
    "households_pct": {"sv": "Hushåll (%)", "en": "Households (%)"},
    "workplaces_pct": {"sv": "Arbetsställen (%)", "en": "Workplaces (%)"},
    "difference_pp": {"sv": "Hushåll − arbetsställen (p.e.)", "en": "Households − workplaces (pp)"},
    "region": {"sv": "Område", "en": "Area"},
    "year": {"sv": "År", "en": "Year"},
    "share_pct": {"sv": "Andel hushåll ≥ 100 Mbit/s (%)", "en": "Households ≥ 100 Mbit/s (%)"},
    "goal": {"sv": "Mål", "en": "Goal"},
    "scope": {"sv": "Omfattning", "en": "Scope"},
    "target_year": {"sv": "Målår", "en": "Target year"},
    "speed_mbit": {"sv": "Hastighet (Mbit/s)", "en": "Speed (Mbit/s)"},
    "goal_share_pct": {"sv": "Andel (%)", "en": "Share (%)"},
    "data_kind": {"sv": "Datatyp", "en": "Data kind"},
    "statement": {"sv": "Lydelse", "en": "Wording"},
}


def coverage_bars(
    coverage: pd.DataFrame,
    year: int,
    *,
    regional_goal: tuple[int, float] = (2020, 95.0),
    national_goal: tuple[int, float] | None = (2025, 98.0),
    premises: str = "households",
    kind: str = "synthetic",
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
    kind, source
        Data kind and source written inside the figure (synthetic data get a watermark).
    """
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
    kind: str = "synthetic",
    source: str | None = None,
    lang: str = "sv",
) -> tuple[Axes, Axes]:
    """Figure 14 with the known public facts in a separate panel to its right; returns both axes."""
    import matplotlib.pyplot as plt

    from .style import apply_style

    apply_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 1.1]})
    coverage_bars(coverage, year, regional_goal=regional_goal, national_goal=national_goal, premises=premises,
                  kind=kind, source=source, lang=lang, ax=left)
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
