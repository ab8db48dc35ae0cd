"""The capability map (förmågekarta): heatmap and joint ranking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .. import labels
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

LABELS = labels.table("plots_capabilities")


def capability_names(catalogue: pd.DataFrame, lang: str = "sv") -> dict[str, str]:
    """Capability id -> display name in ``lang`` (ids not in the catalogue keep their id)."""
    column = labels.column("name", lang)
    return dict(zip(catalogue["capability_id"], catalogue[column], strict=True))


def catalogue_table(catalogue: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """The catalogue for display: name in ``lang``, translated group and list names."""
    out = catalogue.copy()
    out["capability"] = out[labels.column("name", lang)]
    out["group"] = out["group"].astype(str).map(lambda g: label(f"group.{g}", lang, LABELS))
    out["lists"] = out["lists"].fillna("").map(
        lambda text: ", ".join(label(f"list.{x}", lang, LABELS) for x in text.split(";") if x))
    out["aliases"] = out["aliases"].fillna("").str.replace("|", "; ", regex=False)
    return out


def table_labels(lang: str, columns: Sequence[str]) -> dict[str, str]:
    """Translated headers for ``columns`` (municipality labels come from the common catalogue)."""
    return {c: label(c, lang, LABELS) for c in columns}


def capability_heatmap(
    matrix: pd.DataFrame,
    rows: Sequence[str],
    columns: Sequence[str],
    names: Mapping[str, str],
    *,
    municipality_names: Mapping[str, str] | None = None,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Heatmap municipality × capability of normalised scores, in the given (similarity) order.

    Parameters
    ----------
    matrix
        :func:`digimotor.metrics.capabilities.capability_matrix`.
    rows, columns
        Display order (:func:`digimotor.metrics.capabilities.similarity_order`).
    names
        Capability id -> display name.
    """
    kind, source = kind_and_source(matrix, source, "the data of capability_heatmap()")
    import numpy as np

    many = many_units(len(rows))  # every k-th municipality labelled, the figure at most 14 in high (issue 12)
    height = unit_figure_length(len(rows), 0.32, 3.5) if many else max(4.5, 0.32 * len(rows) + 3.5)
    ax = new_axes(ax, figsize=(max(9.0, 0.32 * len(columns) + 3), height))
    data = matrix.loc[list(rows), list(columns)].to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdYlBu", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(columns)), [names.get(c, c) for c in columns], rotation=60, ha="right", fontsize=8)
    shown = [(municipality_names or {}).get(r, r) for r in rows]
    ax.grid(False)
    ax.set_ylabel(label("municipality", lang))
    if many:
        thin_unit_ticks(ax, shown, axis="y", lang=lang)
    else:
        ax.set_yticks(range(len(rows)), shown, fontsize=9)
    ax.set_title(label("map.title", lang, LABELS))
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.6, pad=0.01)
    bar.set_label(label("map.colorbar", lang, LABELS))
    mark_kind(ax, kind, lang, source)
    return ax


def joint_ranking_bars(
    ranking: pd.DataFrame,
    names: Mapping[str, str],
    *,
    k: int = 5,
    report_lists: Mapping[str, Sequence[str]] | None = None,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of every capability's mean score; the ``k`` strongest and weakest coloured.

    ``report_lists`` (``{"strongest": [...], "weakest": [...]}``) marks the capabilities the
    report lists with a ◆ after the name.
    """
    kind, source = kind_and_source(ranking, source, "the data of joint_ranking_bars()")
    import numpy as np

    ax = new_axes(ax, figsize=(9, max(5.0, 0.26 * len(ranking) + 1.5)))
    ordered = ranking.sort_values("rank_strongest", ascending=False)
    listed = {c for ids in (report_lists or {}).values() for c in ids}
    colours = [
        PALETTE["positive"] if r <= k else PALETTE["negative"] if w <= k else "#b0b0b0"
        for r, w in zip(ordered["rank_strongest"], ordered["rank_weakest"], strict=True)
    ]
    y = np.arange(len(ordered))
    ax.barh(y, ordered["mean"], color=colours)
    ax.set_yticks(y, [names.get(c, c) + (" ◆" if c in listed else "") for c in ordered["capability"]], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(label("ranking.mean", lang, LABELS))
    ax.set_title(label("ranking.title", lang, LABELS))
    from matplotlib.patches import Patch

    handles = [Patch(color=PALETTE["positive"], label=label("ranking.strongest", lang, LABELS).format(k=k)),
               Patch(color=PALETTE["negative"], label=label("ranking.weakest", lang, LABELS).format(k=k)),
               Patch(color="#b0b0b0", label=label("ranking.other", lang, LABELS))]
    if listed:
        handles.append(Patch(color="white", label=label("ranking.report", lang, LABELS)))
    ax.legend(handles=handles, loc="lower right", frameon=True, fontsize=8)
    mark_kind(ax, kind, lang, source)
    return ax
