"""Change between two measurements: mean change with intervals, and a from × to transition table.

Reusable by every part that measures twice (:mod:`digimotor.metrics.change`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..provenance import kind_and_source
from .style import PALETTE, label, mark_kind, new_axes

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = {
    "change.title": {"sv": "Förändring {before} → {after}: medel per kommun med {level} % KI (bootstrap)",
                     "en": "Change {before} → {after}: mean per municipality with {level} % CI (bootstrap)"},
    "change.axis": {"sv": "Förändring (efter − före)", "en": "Change (after − before)"},
    "change.pairs": {"sv": "n = {n} kommuner i båda mätningarna", "en": "n = {n} municipalities in both measurements"},
    "change.p": {"sv": "Wilcoxon p = {p}", "en": "Wilcoxon p = {p}"},
    "transition.title": {"sv": "Byte av typ {before} → {after} (antal kommuner)",
                         "en": "Type transitions {before} → {after} (number of municipalities)"},
    "transition.from": {"sv": "Typ {before}", "en": "Type {before}"},
    "transition.to": {"sv": "Typ {after}", "en": "Type {after}"},
}


def _p_text(p: float, lang: str) -> str:
    if p != p:
        return "–"
    text = "< 0.001" if p < 0.001 else f"{p:.3f}"
    return text.replace(".", ",") if lang == "sv" else text


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
        ax.annotate(text.replace(".", ",") if lang == "sv" else text, (1.02, yy), xycoords=("axes fraction", "data"),
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
