"""The milestone plan as a Gantt chart, marked as resting on the project's unit assumptions."""

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

#: One colour per samtrappan step (1 talk … 5 joint action).
STEP_COLOURS = {1: "#deebf7", 2: "#c6dbef", 3: "#9ecae1", 4: "#6baed6", 5: "#2171b5"}

LABELS = labels.table("plots_plan")


def table_labels(lang: str, columns: Sequence[str]) -> dict[str, str]:
    """Translated headers for ``columns``."""
    return {c: label(c, lang, LABELS) for c in columns}


def collaboration_labels(frame: pd.DataFrame, names: Mapping[str, str], lang: str = "sv") -> list[str]:
    """Display names of collaborations: "capability (lead)" with the capability's and the lead's names.

    ``frame`` has ``capability`` and ``lead`` columns (plan or budget); the budget's total line
    (``capability`` empty) reads "Totalt" / "Total".
    """
    from ..regions import display_name

    out = []
    for capability, lead in zip(frame["capability"], frame["lead"], strict=True):
        if not capability:
            out.append(label("total", lang, LABELS))
            continue
        text = names.get(capability, capability)
        out.append(f"{text} ({display_name(lead)})" if lead else text)
    return out


def assumptions_note(lang: str = "sv", all_assumed: bool = True) -> str:
    """The marking every plan table and figure carries ("antaganden/assumptions")."""
    return label("assumptions" if all_assumed else "assumptions.mixed", lang, LABELS)


def gantt(
    milestones: pd.DataFrame,
    step_names: Mapping[int, str],
    *,
    names: Mapping[str, str] | None = None,
    source: str | None = None,
    all_assumed: bool = True,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """The milestone plan: one row per collaboration, one bar per samtrappan step it climbs.

    More than :data:`~digimotor.plots.style.MAX_LABELLED_UNITS` collaborations (a national
    plan) are drawn in a figure of capped height with every k-th name, all names in the table.

    ``milestones`` is :attr:`digimotor.metrics.plan.PlanResult.milestones`; bars run over the
    mid durations, a thin line from the sum of the low to the sum of the high durations. The
    unit assumptions are named inside the image.
    """
    kind, source = kind_and_source(milestones, source, "the data of gantt()")
    from matplotlib.patches import Patch

    names = dict(names or {})
    rows = milestones.drop_duplicates("collaboration_no")[["collaboration_no", "capability", "lead"]]
    rows = rows.reset_index(drop=True)
    many = many_units(len(rows))  # a national plan: hundreds of rows, drawn at once, every k-th named
    height = unit_figure_length(len(rows), 0.28, 2.5) if many else max(4.5, 0.28 * len(rows) + 2.5)
    ax = new_axes(ax, figsize=(11, height))
    y_of = {no: len(rows) - 1 - k for k, no in enumerate(rows["collaboration_no"])}
    labels = collaboration_labels(rows, names, lang)
    if many:
        from matplotlib.collections import PolyCollection

        ys = milestones["collaboration_no"].map(y_of).to_numpy(dtype=float)
        starts, ends = (milestones[c].to_numpy(dtype=float) for c in ("start_month", "end_month"))
        ax.add_collection(PolyCollection(  # one collection: thousands of bars drawn at once
            [[(a, y - 0.4), (b, y - 0.4), (b, y + 0.4), (a, y + 0.4)] for a, b, y in zip(starts, ends, ys, strict=True)],
            facecolors=[STEP_COLOURS[int(s)] for s in milestones["step"]], linewidths=0))
        spans = milestones.groupby("collaboration_no")[["duration_low", "duration_high"]].sum()
        ax.hlines([y_of[no] - 0.42 for no in spans.index], spans["duration_low"], spans["duration_high"],
                  color=PALETTE["reference"], linewidth=0.3, alpha=0.5)
        thin_unit_ticks(ax, labels[::-1], axis="y", lang=lang, collaborations=True)
    else:
        for rec in milestones.itertuples(index=False):
            ax.barh(y_of[rec.collaboration_no], rec.end_month - rec.start_month, left=rec.start_month, height=0.7,
                    color=STEP_COLOURS[int(rec.step)], edgecolor="white", linewidth=0.5)
        for no, group in milestones.groupby("collaboration_no"):
            ax.plot([group["duration_low"].sum(), group["duration_high"].sum()], [y_of[no] - 0.42] * 2,
                    color=PALETTE["reference"], linewidth=0.8)
        ax.set_yticks([y_of[no] for no in rows["collaboration_no"]], labels, fontsize=7)
    ax.set_xlabel(label("gantt.xlabel", lang, LABELS))
    ax.set_xlim(0, max(1.0, float(milestones["duration_high"].groupby(milestones["collaboration_no"]).sum().max())
                       if len(milestones) else 1.0) * 1.02)
    ax.set_title(label("gantt.title", lang, LABELS))
    steps = sorted({int(s) for s in milestones["step"]})
    ax.legend(handles=[Patch(color=STEP_COLOURS[s], label=f"{s} {step_names.get(s, s)}") for s in steps],
              loc="lower right", fontsize=8, frameon=True)
    ax.set_ylim(-0.7, len(rows) + 0.6)
    ax.text(0.5, 0.995, assumptions_note(lang, all_assumed), transform=ax.transAxes, ha="center", va="top",
            fontsize=8, color=PALETTE["negative"], fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": PALETTE["negative"], "linewidth": 0.6, "pad": 2})
    ax.grid(axis="y", visible=False)
    mark_kind(ax, kind, lang, source)
    return ax
