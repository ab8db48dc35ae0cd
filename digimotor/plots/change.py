"""Change between two measurements: mean change with intervals, and a from × to transition table.

Reusable by every part that measures twice (:mod:`digimotor.metrics.change`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import labels
from ..numbers import decimal_comma
from ..provenance import kind_and_source
from .style import (
    PALETTE,
    label,
    many_units,
    mark_kind,
    new_axes,
    thin_unit_ticks,
    unit_figure_length,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = labels.table("plots_change")


def _p_text(p: float, lang: str) -> str:
    if p != p:
        return "–"
    text = "< 0.001" if p < 0.001 else f"{p:.3f}"
    return decimal_comma(text, lang)


def mean_change(summary: pd.DataFrame, names: Mapping[str, str], *, before: str, after: str,
                confidence: float = 0.95, source: str | None = None, lang: str = "sv",
                ax: Axes | None = None) -> Axes:
    """Mean change per measure with its bootstrap interval (horizontal), n and Wilcoxon p.

    ``summary`` is :func:`digimotor.metrics.change.change_summary` output; ``names`` maps each
    ``measure`` to its display name (the order of ``names`` is the order drawn, top down).
    """
    kind, source = kind_and_source(summary, source, "the data of mean_change()")
    import numpy as np

    ax = new_axes(ax, figsize=(9, 0.55 * len(names) + 1.8))
    rows = summary.set_index("measure").reindex(list(names))
    y = np.arange(len(rows))[::-1]
    colour = PALETTE["synthetic"] if kind == "synthetic" else PALETTE["base"]
    mean = rows["mean_change"].to_numpy(dtype=float)
    err = np.vstack([mean - rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float) - mean])
    ax.errorbar(mean, y, xerr=np.nan_to_num(np.abs(err)), fmt="o", color=colour, ecolor=colour, capsize=4)
    ax.axvline(0, color=PALETTE["reference"], lw=1)
    for yy, (_measure, row) in zip(y, rows.iterrows(), strict=True):
        text = f"{row['mean_change']:+.2f}  [{row['ci_low']:+.2f}; {row['ci_high']:+.2f}]"
        text += "   " + label("change.p", lang, LABELS).format(p=_p_text(row["wilcoxon_p"], lang))
        ax.annotate(decimal_comma(text, lang), (1.02, yy), xycoords=("axes fraction", "data"),
                    va="center", fontsize=8)
    ax.set_yticks(y, list(names.values()))
    n = int(rows["n_pairs"].max()) if len(rows) and rows["n_pairs"].notna().any() else 0
    ax.set_xlabel(label("change.axis", lang, LABELS) + " · " + label("change.pairs", lang, LABELS).format(n=n))
    ax.set_title(label("change.title", lang, LABELS).format(before=before, after=after, level=f"{100 * confidence:g}"),
                 fontsize=10)
    mark_kind(ax, kind, lang, source)
    return ax


def transition_matrix(table: pd.DataFrame, *, before: str, after: str,
                      source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """The from × to table (:func:`digimotor.metrics.change.transitions`) as a grid of counts."""
    kind, source = kind_and_source(table, source, "the data of transition_matrix()")
    import numpy as np

    ax = new_axes(ax, figsize=(5.5, 4.8))
    counts = table.to_numpy(dtype=float)
    ax.imshow(counts, cmap="Purples" if kind == "synthetic" else "Blues", vmin=0, vmax=max(1.0, counts.max()))
    for (i, j), value in np.ndenumerate(counts):
        ax.text(j, i, f"{int(value)}", ha="center", va="center", fontsize=11,
                color="white" if value > counts.max() / 2 else "#222222", fontweight="bold" if i == j else None)
    ax.set_xticks(range(len(table.columns)), list(map(str, table.columns)))
    ax.set_yticks(range(len(table.index)), list(map(str, table.index)))
    ax.set_xlabel(label("transition.to", lang, LABELS).format(after=after))
    ax.set_ylabel(label("transition.from", lang, LABELS).format(before=before))
    ax.grid(False)
    ax.set_title(label("transition.title", lang, LABELS).format(before=before, after=after), fontsize=10)
    mark_kind(ax, kind, lang, source)
    return ax


def unit_change(pairs: pd.DataFrame, *, what: str, before: str, after: str,
                lines: Mapping[str, float] | None = None, source: str | None = None,
                lang: str = "sv", ax: Axes | None = None) -> Axes:
    """Each municipality's value before (open circle) and after (dot), joined, sorted by the later value.

    Parameters
    ----------
    pairs
        ``municipality``, ``before``, ``after`` (e.g. the ``share_before``/``share_after`` of a
        change exhibit renamed).
    what
        The measure's name (title and axis).
    lines
        Optional reference lines ``{label: value}`` (e.g. the goals), drawn vertical.

    With more than :data:`~digimotor.plots.style.MAX_LABELLED_UNITS` municipalities every k-th
    name is labelled and the figure stays at most 14 in high. The data kind (and the source
    line unless ``source`` is given) comes from the frame's provenance.
    """
    import numpy as np

    kind, source = kind_and_source(pairs, source, "the data of unit_change()")
    frame = pairs.sort_values(["after", "municipality"], ascending=[True, True], kind="stable")
    n = len(frame)
    many = many_units(n)
    ax = new_axes(ax, figsize=(9, unit_figure_length(n, 0.32, 1.8) if many else 0.32 * n + 1.8))
    y = np.arange(n)
    colour = PALETTE["synthetic"] if kind == "synthetic" else PALETTE["base"]
    ax.hlines(y, frame["before"], frame["after"], color=colour, alpha=0.5, lw=1.2)
    size = 10 if many else 30
    ax.scatter(frame["before"], y, s=size, facecolor="white", edgecolor=colour, zorder=3,
               label=label("units.before", lang, LABELS).format(before=before))
    ax.scatter(frame["after"], y, s=size, color=colour, zorder=3, label=label("units.after", lang, LABELS).format(after=after))
    for (name, value), style in zip((lines or {}).items(), ("--", ":", "-."), strict=False):
        ax.axvline(value, color=PALETTE["negative"] if style == "--" else PALETTE["reference"], linestyle=style,
                   lw=1.1, label=name)
    ax.set_xlabel(what)
    if many:
        thin_unit_ticks(ax, list(frame["municipality"].astype(str)), axis="y", lang=lang, by_value=True)
    else:
        ax.set_yticks(y, list(frame["municipality"].astype(str)), fontsize=9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_title(label("units.title", lang, LABELS).format(what=what, before=before, after=after), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if not many else -0.05), ncols=2, frameon=False, fontsize=8)
    mark_kind(ax, kind, lang, source)
    return ax


def improved_declined(summary: pd.DataFrame, names: Mapping[str, str], *, before: str, after: str,
                      source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars per item (capability, element): municipalities improved, unchanged, declined.

    ``summary`` has ``n_improved``, ``n_unchanged``, ``n_declined`` and the item in its first
    column; ``names`` maps items to display names (drawn in the summary's order, top down). The
    data kind (and the source line unless ``source`` is given) comes from the frame's provenance.
    """
    import numpy as np

    kind, source = kind_and_source(summary, source, "the data of improved_declined()")
    key = summary.columns[0]
    frame = summary.set_index(key)
    ax = new_axes(ax, figsize=(9, unit_figure_length(len(frame), 0.28, 1.8)))
    y = np.arange(len(frame))[::-1]
    left = np.zeros(len(frame))
    for column, colour in (("n_improved", PALETTE["positive"]), ("n_unchanged", "#b0b0b0"),
                           ("n_declined", PALETTE["negative"])):
        values = frame[column].fillna(0).to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=colour, height=0.7,
                label=label("counts." + column.removeprefix("n_"), lang, LABELS))
        left += values
    ax.set_yticks(y, [names.get(str(i), str(i)) for i in frame.index], fontsize=8)
    ax.set_title(label("counts.title", lang, LABELS).format(before=before, after=after), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncols=3, frameon=False, fontsize=8)
    mark_kind(ax, kind, lang, source)
    return ax
