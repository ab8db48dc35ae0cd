"""Figures 15–19: cost-pool spread, pooled and per-organisation split, work areas, central-IT share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..numbers import decimal_comma
from ..provenance import kind_and_source, strictest_kind
from .style import PALETTE, label, many_units, mark_kind, new_axes, thin_unit_ticks

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import Markdown
    from matplotlib.axes import Axes

LABELS = labels.table("plots_tbm")


def combined_kind(*kinds: str) -> str:
    """The kind to label an exhibit built from inputs of several kinds: synthetic wins (a synthetic
    input makes the result an example), then user, then public, then published
    (:func:`digimotor.provenance.strictest_kind`)."""
    return strictest_kind(*kinds)


def caption(key: str, lang: str = "sv", **values: object) -> str:
    """A table caption from :data:`LABELS` (``cap.*``) in ``lang``, formatted: plain text, which
    :func:`digimotor.outputs.present` escapes. For a sentence in the notebook use :func:`sentence`."""
    return label(f"cap.{key}", lang, LABELS).format(**values)


def sentence(key: str, lang: str = "sv", **values: object) -> Markdown:
    """A notebook sentence from :data:`LABELS` (``cap.*``) in ``lang``: Markdown in which every value
    (organisation names from an imported ledger, …) is escaped (:func:`digimotor.outputs.markdown`)."""
    from ..outputs import markdown

    return markdown(label(f"cap.{key}", lang, LABELS), **values)


def _pct(value: float, lang: str, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f} %"
    return decimal_comma(text, lang)


def _pool_names(pools: pd.DataFrame, lang: str) -> dict[str, str]:
    column = labels.column("name", lang)
    names = dict(zip(pools["cost_pool"], pools[column], strict=True))
    names["unmapped"] = label("unmapped", lang, LABELS)
    return names


def _pool_colours(categories: list[str]) -> dict[str, str]:
    import matplotlib as mpl
    from matplotlib.colors import to_hex

    colours = [to_hex(c) for c in mpl.colormaps["tab10"].colors]  # as seaborn's color_palette("tab10")
    return {pool: ("#9e9e9e" if pool == "unmapped" else colours[i % 10]) for i, pool in enumerate(categories)}


def cost_pool_boxplot(
    pool_shares: pd.DataFrame,
    pools: pd.DataFrame,
    *,
    comparison: pd.DataFrame | None = None,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Box plot of each cost pool's share across organisations, with each organisation as a dot (Figure 15).

    Parameters
    ----------
    pool_shares
        :func:`digimotor.metrics.tbm.cost_pool_shares`.
    pools
        :func:`digimotor.sources.tbm.load_cost_pools` (names and the report's order).
    comparison
        Optional comparison series: ``series``, ``cost_pool``, ``share_pct`` (e.g. an
        organisation's or a benchmark's split), drawn as markers. The report's own comparison
        series are chart-only and not published in text, so by default none is drawn and the
        figure says so.
    """
    kind, source = kind_and_source(pool_shares, source, "the data of cost_pool_boxplot()")
    import numpy as np

    ax = new_axes(ax, figsize=(11, 5.5))
    categories = list(pool_shares["cost_pool"].cat.categories)
    names = _pool_names(pools, lang)
    data = [pool_shares.loc[pool_shares["cost_pool"] == p, "share_pct"].to_numpy() for p in categories]
    x = np.arange(len(categories))
    ax.boxplot(data, positions=x, widths=0.55, patch_artist=True, showfliers=False,
               boxprops={"facecolor": PALETTE["target"], "edgecolor": PALETTE["base"]},
               medianprops={"color": PALETTE["base"], "linewidth": 2},
               whiskerprops={"color": PALETTE["base"]}, capprops={"color": PALETTE["base"]})
    rng = np.random.default_rng(0)  # fixed jitter: the image is reproducible
    for position, values in zip(x, data, strict=True):
        ax.scatter(position + rng.uniform(-0.12, 0.12, len(values)), values, s=14, color=PALETTE["base"],
                   zorder=3, alpha=0.8, label=label("participants", lang, LABELS) if position == 0 else None)
    if comparison is not None and not comparison.empty:
        markers = iter(["D", "^", "s", "v"])
        for series, part in comparison.groupby("series", sort=False):
            pos = [categories.index(p) for p in part["cost_pool"]]
            ax.scatter(pos, part["share_pct"], marker=next(markers), s=50, zorder=4, label=str(series))
    else:
        ax.text(0.99, 0.98, label("no_comparison", lang, LABELS), transform=ax.transAxes, ha="right", va="top",
                fontsize=8, color=PALETTE["reference"], wrap=True)
    ax.set_xticks(x, [names[p] for p in categories], rotation=30, ha="right")
    ax.set_ylabel(label("share_of_it_cost", lang, LABELS))
    ax.set_ylim(bottom=min(0.0, float(np.nanmin(np.concatenate(data))) - 1))
    ax.set_title(label("fig15.title", lang, LABELS))
    ax.legend(loc="upper right", frameon=False, bbox_to_anchor=(1.0, 0.93))
    mark_kind(ax, kind, lang, source)
    return ax


def pooled_cost_pool_bars(pooled: pd.DataFrame, pools: pd.DataFrame, *,
                          source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """Horizontal bars of the pooled cost-pool shares (Figure 16).

    Parameters
    ----------
    pooled
        :func:`digimotor.metrics.tbm.pooled_cost_pool_shares`.
    """
    kind, source = kind_and_source(pooled, source, "the data of pooled_cost_pool_bars()")
    ax = new_axes(ax, figsize=(9, 5))
    names = _pool_names(pools, lang)
    frame = pooled.iloc[::-1]
    colours = _pool_colours(list(pooled["cost_pool"].astype(str)))
    bars = ax.barh([names[str(p)] for p in frame["cost_pool"]], frame["share_pct"],
                   color=[colours[str(p)] for p in frame["cost_pool"]])
    ax.bar_label(bars, labels=[_pct(v, lang) for v in frame["share_pct"]], padding=3, fontsize=9)
    ax.set_xlabel(label("share_of_it_cost", lang, LABELS))
    ax.set_xlim(0, max(frame["share_pct"].max() * 1.18, 1))
    ax.set_title(label("fig16.title", lang, LABELS))
    mark_kind(ax, kind, lang, source)
    return ax


def cost_pool_stacked(pool_shares: pd.DataFrame, pools: pd.DataFrame, *,
                      source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """100 % stacked bars: each organisation's IT cost split over the cost pools (Figure 17).

    Parameters
    ----------
    pool_shares
        :func:`digimotor.metrics.tbm.cost_pool_shares`.
    """
    kind, source = kind_and_source(pool_shares, source, "the data of cost_pool_stacked()")
    import numpy as np

    ax = new_axes(ax, figsize=(11, 5.5))
    names = _pool_names(pools, lang)
    wide = pool_shares.pivot_table(index="organisation", columns="cost_pool", values="share_pct",
                                   observed=False, aggfunc="sum")
    categories = [str(c) for c in wide.columns]
    colours = _pool_colours(categories)
    bottom = np.zeros(len(wide))
    for pool in wide.columns:
        values = wide[pool].fillna(0.0).to_numpy()
        ax.bar(wide.index, values, bottom=bottom, color=colours[str(pool)], label=names[str(pool)], width=0.7)
        bottom += values
    ax.set_ylabel(label("share_of_it_cost", lang, LABELS))
    ax.set_ylim(0, 100)
    if many_units(len(wide)):  # every k-th organisation labelled (issue 12)
        thin_unit_ticks(ax, [str(o) for o in wide.index], lang=lang, organisations=True, rotation=90)
    else:
        ax.tick_params(axis="x", rotation=45)
    ax.set_title(label("fig17.title", lang, LABELS))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=9)
    mark_kind(ax, kind, lang, source)
    return ax


def work_area_bars(work_areas: pd.DataFrame, catalogue: pd.DataFrame, *,
                   source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """100 % stacked bars of the four IT work areas per organisation and for all (Figure 18).

    Run areas are drawn in blues, develop areas in greens.

    Parameters
    ----------
    work_areas
        :func:`digimotor.metrics.tbm.work_area_shares`.
    catalogue
        :func:`digimotor.sources.tbm.load_work_areas`.
    """
    kind, source = kind_and_source(work_areas, source, "the data of work_area_bars()")
    import numpy as np

    ax = new_axes(ax, figsize=(11, 5.5))
    column = labels.column("name", lang)
    names = dict(zip(catalogue["work_area"], catalogue[column], strict=True))
    names["unassigned"] = label("unassigned", lang, LABELS)
    colours = {"infrastructure": "#1f4e79", "end_user_services": "#7fb2de",
               "application_operations": "#2e7d32", "steer_and_support": "#a5d6a7", "unassigned": "#bdbdbd"}
    wide = work_areas.pivot_table(index="organisation", columns="work_area", values="share_pct",
                                  observed=False, aggfunc="sum")
    order = [o for o in wide.index if o != "all"] + ["all"]
    wide = wide.loc[order]
    ticks = [label("all", lang, LABELS) if o == "all" else o for o in order]
    bottom = np.zeros(len(wide))
    focus = dict(zip(work_areas["work_area"].astype(str), work_areas["focus"], strict=False))
    for area in wide.columns:
        values = wide[area].fillna(0.0).to_numpy()
        tag = label(focus.get(str(area), "unassigned"), lang, LABELS)
        ax.bar(ticks, values, bottom=bottom, color=colours[str(area)], label=f"{names[str(area)]} ({tag})", width=0.7)
        bottom += values
    ax.axvline(len(order) - 1.5, color=PALETTE["reference"], linewidth=0.8, linestyle=":")
    ax.set_ylabel(label("share_of_it_cost", lang, LABELS))
    ax.set_ylim(0, 100)
    if many_units(len(order)):  # every k-th organisation labelled (issue 12)
        thin_unit_ticks(ax, ticks, lang=lang, organisations=True, rotation=90)
    else:
        ax.tick_params(axis="x", rotation=45)
    ax.set_title(label("fig18.title", lang, LABELS))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=9)
    mark_kind(ax, kind, lang, source)
    return ax


def central_it_share_bars(shares: pd.DataFrame, reference_levels: pd.DataFrame | None = None, *,
                          source: str | None = None, lang: str = "sv",
                          ax: Axes | None = None) -> Axes:
    """Central-IT share of total cost per IT organisation, with the organisations' mean and the
    published reference levels (Figure 19).

    Parameters
    ----------
    shares
        :func:`digimotor.metrics.tbm.central_it_share`.
    reference_levels
        :func:`digimotor.sources.tbm.load_reference_levels` (published): the research level for
        municipalities is drawn as a line, the banks' level (off the scale) noted in the figure.
        Unreadable levels (Försäkringskassan) are not drawn.
    """
    kind, source = kind_and_source(shares, source, "the data of central_it_share_bars()")
    ax = new_axes(ax, figsize=(10, 5.5))
    frame = shares.sort_values("share_pct", ascending=False)
    ticks = [o if n == 1 else f"{o}\n({label('serves', lang, LABELS).format(n=n)})"
             for o, n in zip(frame["organisation"], frame["n_municipalities"], strict=True)]
    many = many_units(len(frame))
    bars = ax.bar(range(len(ticks)) if many else ticks, frame["share_pct"], color=PALETTE["base"], width=0.7)
    if not many:  # 290 value labels would overlap: the table holds them
        ax.bar_label(bars, labels=[_pct(v, lang, 2) for v in frame["share_pct"]], padding=2, fontsize=8)
    mean = float(frame["share_pct"].mean())
    ax.axhline(mean, color=PALETTE["negative"], linestyle="--", linewidth=1.2,
               label=label("mean_line", lang, LABELS).format(value=_pct(mean, lang, 2)))
    top = float(frame["share_pct"].max())
    if reference_levels is not None:
        levels = reference_levels[reference_levels["readable"].fillna(False).astype(bool)].set_index("reference")
        if "municipalities_research" in levels.index:
            value = float(levels.loc["municipalities_research", "share_pct"])
            ax.axhline(value, color=PALETTE["positive"], linestyle="-.", linewidth=1.2,
                       label=label("research_line", lang, LABELS).format(value=_pct(value, lang, 0)))
            top = max(top, value)
        if "banks" in levels.index:
            value = float(levels.loc["banks", "share_pct"])
            ax.text(0.99, 0.98, label("banks_note", lang, LABELS).format(value=_pct(value, lang, 0)),
                    transform=ax.transAxes, ha="right", va="top", fontsize=8, color=PALETTE["reference"])
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel(label("share_of_total_cost", lang, LABELS))
    if many:  # sorted by share, every k-th organisation labelled (issue 12)
        thin_unit_ticks(ax, [str(o) for o in frame["organisation"]], lang=lang, by_value=True, organisations=True,
                        rotation=90)
    else:
        ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.set_title(label("fig19.title", lang, LABELS))
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.93), frameon=False, fontsize=9)
    mark_kind(ax, kind, lang, source)
    return ax


def municipality_names(shares: pd.DataFrame) -> pd.DataFrame:
    """A copy of :func:`digimotor.metrics.tbm.central_it_share` whose ``municipalities`` are names
    (";"-joined as in the table), never bare SCB codes, for the page; pseudonyms stay as they are."""
    from ..regions import display_name

    return shares.assign(municipalities=shares["municipalities"].astype(str).map(
        lambda text: ";".join(display_name(code) for code in text.split(";") if code)))


def with_names(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """``frame`` with a display name column for its ``cost_pool`` (``cost_pool_name``) or
    ``work_area`` (``work_area_name``) from the taxonomy ``catalogue`` in ``lang``."""
    column = labels.column("name", lang)
    key = "cost_pool" if "cost_pool" in catalogue.columns else "work_area"
    names = dict(zip(catalogue[key], catalogue[column], strict=True))
    names.update({"unmapped": label("unmapped", lang, LABELS), "unassigned": label("unassigned", lang, LABELS)})
    out = frame.copy()
    out.insert(list(out.columns).index(key) + 1, f"{key}_name", out[key].astype(str).map(names))
    return out


def table_labels(lang: str) -> dict[str, str]:
    """Column headers for the notebook's tables in ``lang``."""
    return {
        "organisation": label("organisation", lang, LABELS),
        "municipalities": labels.label("plots_tbm_inline.municipalities", lang),
        "n_municipalities": labels.label("plots_tbm_inline.municipalities_n", lang),
        "cost_pool_name": labels.label("plots_tbm_inline.cost_pool", lang),
        "work_area_name": labels.label("plots_tbm_inline.work_area", lang),
        "amount_sek": labels.label("plots_tbm_inline.amount_sek", lang),
        "it_cost_sek": labels.label("plots_tbm_inline.it_cost_sek", lang),
        "total_cost_sek": labels.label("plots_tbm_inline.total_cost_sek", lang),
        "population": labels.label("plots_tbm_inline.population", lang),
        "share_pct": labels.label("plots_tbm_inline.share", lang),
        "median": labels.label("plots_tbm_inline.median", lang),
        "q1": labels.label("plots_tbm_inline.quartile_1", lang),
        "q3": labels.label("plots_tbm_inline.quartile_3", lang),
        "min": "Min (%)",
        "max": "Max (%)",
        "mean": labels.label("plots_tbm_inline.mean", lang),
        "iqr": labels.label("plots_tbm_inline.iqr", lang),
        "run_pct": labels.label("plots_tbm_inline.run", lang),
        "develop_pct": labels.label("plots_tbm_inline.develop", lang),
        "run_develop_ratio": labels.label("plots_tbm_inline.run_develop", lang),
        "quantity": labels.label("plots_tbm_inline.quantity", lang),
        "rho": labels.label("plots_tbm_inline.spearmans_rho", lang),
        "p_value": labels.label("plots_tbm_inline.p_value", lang),
        "n": "n",
        "reading": labels.label("plots_tbm_inline.reading_of_snittet", lang),
        "level_pct": labels.label("plots_tbm_inline.level", lang),
        "below": labels.label("plots_tbm_inline.number_below", lang),
        "municipality": label("municipality", lang),
        "allocated_it_cost_sek": labels.label("plots_tbm_inline.allocated_it_cost_sek", lang),
        "allocation_key": labels.label("plots_tbm_inline.allocation_key", lang),
        "account": labels.label("plots_tbm_inline.account", lang),
        "reference": labels.label("plots_tbm_inline.reference", lang),
        "relation": labels.label("plots_tbm_inline.stated_as", lang),
        "cited_source": labels.label("plots_tbm_inline.source", lang),
        "organisations": labels.label("plots_tbm_inline.organisations", lang),
        "rows": labels.label("plots_tbm_inline.rows", lang),
        "amount_sum": labels.label("plots_tbm_inline.sum", lang),
        "control_total": labels.label("plots_tbm_inline.control_total", lang),
        "difference": labels.label("plots_tbm_inline.difference", lang),
        "reconciled": labels.label("plots_tbm_inline.reconciled", lang),
        "unit": labels.label("plots_tbm_inline.unit", lang),
    }
