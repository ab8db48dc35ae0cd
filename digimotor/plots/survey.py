"""Figures 20–23: survey answers as diverging stacked bars (default) or as the report's pies,
and the efficiency–innovation term counts.

Diverging bars put the answers below the middle of the scale to the left of zero and those
above it to the right, so questions with different scales can be compared at a glance; "don't
know" and any share the report's text does not state are drawn apart, to the right, in grey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..metrics.suppression import SUPPRESSED, note
from ..metrics.survey import UNSTATED, diverging_layout
from ..model.survey import DONT_KNOW, QUESTIONS
from ..numbers import decimal_comma
from ..provenance import kind_and_source
from .style import (
    PALETTE,
    check_lang,
    label,
    many_units,
    mark_kind,
    new_axes,
    number_formatter,
    thin_unit_ticks,
    unit_figure_length,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STYLES = ("diverging", "pie")

LABELS = labels.table("plots_survey")


def _option_label(question_id: str, option: str, lang: str) -> str:
    if option == UNSTATED:
        return label("unstated", lang, LABELS)
    question = QUESTIONS.get(question_id)
    if question is None:
        return labels.text("model_survey.dont_know", lang) if option == DONT_KNOW else option
    if option == DONT_KNOW or option in question.options:
        return question.label(option, lang)
    low, high = option.split("-", 1)
    joiner = labels.label("plots_survey_inline.or", lang)
    return question.label(low, lang) + joiner + question.label(high, lang).lower()


def _question_label(question_id: str, lang: str) -> str:
    return LABELS[question_id][lang] if question_id in LABELS else question_id


def question_label(question_id: str, lang: str = "sv") -> str:
    """The question's short title in ``lang`` ("Figur 22 · IT möjliggör …"); its id for the user's own questions."""
    check_lang(lang)
    return _question_label(question_id, lang)


def _colour(side: str, order: float, points: int):
    """Reds below the middle, blues above, grey for the middle, light grey for don't know."""
    import matplotlib as mpl

    if side == DONT_KNOW:
        return "#bdbdbd"
    if side == UNSTATED:
        return "#ffffff"
    middle = (points + 1) / 2
    if side == "neutral":
        return "#d9d9d9"
    distance = abs(order - middle) / max(middle - 1, 1)
    cmap = mpl.colormaps["Reds" if side == "negative" else "Blues"]
    return cmap(0.35 + 0.5 * distance)


def _fmt(value: float, lang: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return (decimal_comma(text, lang)) + " %"


def diverging_bar(
    layout: pd.DataFrame,
    question_id: str,
    *,
    lang: str = "sv",
    respondents: int | None = None,
    xlim: tuple[float, float] | None = None,
    notes: list[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One question's diverging stacked bar from :func:`digimotor.metrics.survey.diverging_layout`.

    ``notes`` are written into the grey remainder (e.g. a share the text states only as
    "more than half").
    """
    check_lang(lang)
    ax = new_axes(ax, figsize=(10, 1.6))
    rows = layout[layout["question_id"] == question_id].sort_values("start")
    question = QUESTIONS.get(question_id)
    points = question.points if question else int(rows["scale_points"].iloc[0])
    for row in rows.itertuples():
        unstated = row.option == UNSTATED
        ax.barh(0, row.share_pct, left=row.start, height=0.6,
                color=_colour(str(row.side), row.order, points),
                edgecolor=PALETTE["reference"] if unstated else "white",
                hatch="///" if unstated else None, linewidth=0.8,
                label=_option_label(question_id, row.option, lang))
        if row.share_pct >= 5:
            text = _fmt(row.share_pct, lang)
            if unstated and notes:
                text += "\n" + "\n".join(notes)
            ax.text(row.start + row.share_pct / 2, 0, text, ha="center", va="center", fontsize=8,
                    color="black", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1} if unstated else None)
    ax.axvline(0, color=PALETTE["reference"], linewidth=0.8)
    title = _question_label(question_id, lang)
    if respondents is not None:
        title += " · " + label("respondents", lang, LABELS).format(n=respondents)
    ax.set_title(title, loc="left", fontsize=10)
    ax.set_yticks([])
    if xlim:
        ax.set_xlim(*xlim)
    ax.xaxis.set_major_formatter(number_formatter(lang, absolute=True))
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    return ax


def pie(segments: pd.DataFrame, question_id: str, *, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """One question's answers as a pie, as the report draws them."""
    check_lang(lang)
    ax = new_axes(ax, figsize=(4, 4))
    laid = diverging_layout(segments[segments["question_id"] == question_id])
    laid = laid.sort_values("order")
    question = QUESTIONS.get(question_id)
    points = question.points if question else int(laid["scale_points"].iloc[0])
    colours = [_colour(str(r.side), r.order, points) for r in laid.itertuples()]
    wedges, _texts = ax.pie(laid["share_pct"], colors=colours, startangle=90, counterclock=False,
                            wedgeprops={"edgecolor": "white", "linewidth": 1})
    for wedge, row in zip(wedges, laid.itertuples(), strict=True):
        if row.option == UNSTATED:
            wedge.set_hatch("///")
            wedge.set_edgecolor(PALETTE["reference"])
        if row.share_pct >= 4:
            import math

            angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
            ax.text(0.7 * math.cos(angle), 0.7 * math.sin(angle), _fmt(row.share_pct, lang),
                    ha="center", va="center", fontsize=8)
    ax.legend(wedges, [_option_label(question_id, r.option, lang) for r in laid.itertuples()],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=7)
    ax.set_title(_question_label(question_id, lang), fontsize=9)
    ax.set_aspect("equal")
    return ax


def survey_figure(
    segments: pd.DataFrame,
    *,
    style: str = "diverging",
    source: str | None = None,
    lang: str = "sv",
    respondents: dict[str, int] | None = None,
) -> Figure:
    """Figures 20–23 in one figure: one diverging bar per question (or one pie per question).

    Parameters
    ----------
    segments
        ``question_id, option, share_pct`` — from
        :func:`digimotor.metrics.survey.published_segments` (the report's stated shares, the
        rest ``unstated``) or :func:`digimotor.metrics.survey.distribution_segments`
        (microdata).
    style
        ``"diverging"`` (default) or ``"pie"``.
    source
        Written inside the figure. The data kind is read from ``segments``' provenance; synthetic
        figures get a watermark on every panel.
    respondents
        Question id -> number of respondents, shown in the panel titles.
    """
    kind, source = kind_and_source(segments, source, "the data of survey_figure()")
    import math

    import matplotlib.pyplot as plt

    from .style import apply_style

    check_lang(lang)
    if style not in STYLES:
        from ..errors import ParameterError

        raise ParameterError(f"style must be one of {', '.join(STYLES)}, not '{style}'")
    apply_style()
    questions = list(dict.fromkeys(segments["question_id"]))
    respondents = respondents or {}
    if style == "diverging":
        layout = diverging_layout(segments)
        left = min(0.0, float(layout["start"].min()))
        right = float((layout["start"] + layout["share_pct"]).max())
        scale = layout[~layout["side"].isin([DONT_KNOW, UNSTATED])]
        scale_right = float((scale["start"] + scale["share_pct"]).max()) if len(scale) else 0.0
        ticks = [t for t in range(-100, 101, 25) if left - 1 <= t <= max(scale_right, 0) + 1]
        notes: dict[str, list[str]] = {}
        for item in segments.attrs.get("inequalities", []):
            text = "{} {} {}".format(_option_label(item["question_id"], item["answer_option"], lang),
                                     item["relation"], _fmt(float(item["share_pct"]), lang))
            notes.setdefault(item["question_id"], []).append(
                text + labels.label("plots_survey_inline.per_the_text", lang))
        fig, axes = plt.subplots(len(questions), 1, figsize=(11, 1.35 * len(questions) + 0.9),
                                 layout="constrained", squeeze=False, sharex=True)
        axes = list(axes[:, 0])
        for ax, question_id in zip(axes, questions, strict=True):
            diverging_bar(layout, question_id, lang=lang, respondents=respondents.get(question_id),
                          xlim=(left - 3, right + 3), notes=notes.get(question_id), ax=ax)
            ax.set_xticks(ticks)
            if right > scale_right + 1:
                ax.axvline(scale_right + 3, color=PALETTE["reference"], linewidth=0.6, linestyle=":")
        axes[-1].set_xlabel(label("share_axis", lang, LABELS))
    else:
        cols = 2 if len(questions) > 1 else 1
        nrows = math.ceil(len(questions) / cols)
        fig, grid = plt.subplots(nrows, cols, figsize=(5.2 * cols, 4.6 * nrows), layout="constrained",
                                 squeeze=False)
        axes = list(grid.ravel())
        for ax, question_id in zip(axes, questions, strict=False):
            pie(segments, question_id, lang=lang, ax=ax)
        for ax in axes[len(questions):]:
            ax.axis("off")
        axes = axes[: len(questions)]
    fig.suptitle(label("survey.title", lang, LABELS), fontweight="bold")
    mark_kind(axes[-1], kind, lang, source)
    if kind == "synthetic":
        for ax in axes[:-1]:
            ax.text(0.5, 0.5, label("kind.synthetic", lang), transform=ax.transAxes, fontsize=20,
                    color=PALETTE["synthetic"], alpha=0.22, ha="center", va="center", rotation=8,
                    fontweight="bold", zorder=10)
    return fig


def municipality_bars(
    dist: pd.DataFrame,
    question_id: str,
    *,
    unit_column: str = "municipality",
    source: str | None = None,
    lang: str = "sv",
    min_respondents: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One question's answers per municipality as diverging stacked bars (one bar each).

    Parameters
    ----------
    dist
        :func:`digimotor.metrics.survey.distribution` with ``by=["municipality_code", "municipality"]``.
        Municipalities whose rows are ``suppressed``
        (:func:`digimotor.metrics.survey.suppress_municipalities`) get no bar but ".." after
        their name, and a note under the axes counts them.
    question_id
        The question to draw.
    min_respondents
        The threshold named in that note.
    """
    kind, source = kind_and_source(dist, source, "the data of municipality_bars()")
    check_lang(lang)
    rows = dist[dist["question_id"] == question_id]
    hidden = set(rows.loc[rows["suppressed"].astype(bool), unit_column]) if "suppressed" in rows else set()
    drawn = rows[~rows[unit_column].isin(hidden)]
    columns = ["question_id", unit_column, "option", "share_pct", "scale_points", "respondents"]
    layout = diverging_layout(drawn[columns], by=["question_id", unit_column]) if len(drawn) else (
        drawn[columns].assign(start=0.0, side="", order=0.0))
    units = list(dict.fromkeys(rows[unit_column]))
    many = many_units(len(units))  # every k-th municipality labelled, at most 14 in high (issue 12)
    ax = new_axes(ax, figsize=(11, unit_figure_length(len(units), 0.42, 1.8) if many else 0.42 * len(units) + 1.8))
    question = QUESTIONS.get(question_id)
    points = question.points if question else int(rows["scale_points"].iloc[0])
    seen: set[str] = set()
    by_unit = {unit: part for unit, part in layout.groupby(unit_column, sort=False, observed=True)}  # rows in order
    for i, unit in enumerate(units):
        if unit not in by_unit:
            continue
        for row in by_unit[unit].itertuples():
            if row.share_pct <= 0:
                continue
            text = _option_label(question_id, row.option, lang)
            ax.barh(i, row.share_pct, left=row.start, height=0.7, color=_colour(str(row.side), row.order, points),
                    edgecolor="white", linewidth=0.6, label=None if text in seen else text)
            seen.add(text)
    counts = rows.groupby(unit_column, sort=False)["respondents"].first()
    names = [f"{u} (n = {int(counts[u])})" + (f"  {SUPPRESSED}" if u in hidden else "") for u in units]
    if many:
        thin_unit_ticks(ax, names, axis="y", lang=lang)
    else:
        ax.set_yticks(range(len(units)), names)
    if hidden:
        height = ax.figure.get_figheight()  # the note goes 0.16 in under mark_kind's source line
        ax.figure.text(0.01, -0.16 / height, note(len(hidden), min_respondents or 0, lang), fontsize=8,
                       color="#333333", va="top")
    ax.set_ylim(len(units) - 0.5, -0.5)
    ax.axvline(0, color=PALETTE["reference"], linewidth=0.8)
    scale = layout[~layout["side"].isin([DONT_KNOW, UNSTATED])]
    scale_right = float((scale["start"] + scale["share_pct"]).max()) if len(scale) else 0.0
    left = float(layout["start"].min()) if len(layout) else 0.0
    ax.set_xticks([t for t in range(-100, 101, 25) if left - 1 <= t <= max(scale_right, 0) + 1])
    if (layout["side"].isin([DONT_KNOW]) & (layout["share_pct"] > 0)).any():
        ax.axvline(scale_right + 3, color=PALETTE["reference"], linewidth=0.6, linestyle=":")
    ax.xaxis.set_major_formatter(number_formatter(lang, absolute=True))
    ax.set_xlabel(label("share_axis", lang, LABELS))
    ax.set_title(_question_label(question_id, lang), loc="left", fontsize=11)
    handles, labels_ = ax.get_legend_handles_labels()
    order = sorted(range(len(labels_)), key=lambda k: _legend_rank(question_id, labels_[k], lang))
    ax.legend([handles[k] for k in order], [labels_[k] for k in order], loc="center left",
              bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    mark_kind(ax, kind, lang, source)
    return ax


def _legend_rank(question_id: str, text: str, lang: str) -> int:
    question = QUESTIONS.get(question_id)
    options = list(question.options) if question else []
    for rank, option in enumerate([*options, DONT_KNOW]):
        if _option_label(question_id, option, lang) == text:
            return rank
    return len(options) + 1


def term_bars(
    counts: pd.DataFrame,
    *,
    unit_column: str = "unit",
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of efficiency and innovation mentions per unit (municipality, or the total).

    ``counts`` has ``efficiency``, ``innovation``, ``balance_index`` and a label column
    ``unit_column``. A unit without readable documents (<NA> counts) keeps its row, marked
    "no readable text" — it is not drawn as zero.
    """
    kind, source = kind_and_source(counts, source, "the data of term_bars()")
    import numpy as np
    import pandas as pd

    check_lang(lang)
    shown = counts.reset_index(drop=True)
    ax = new_axes(ax, figsize=(9, 0.7 * len(shown) + 1.8))
    y = np.arange(len(shown))
    height = 0.38
    readable = shown["efficiency"].notna() & shown["innovation"].notna()
    efficiency = shown["efficiency"].astype("Float64").fillna(0).astype(float)
    innovation = shown["innovation"].astype("Float64").fillna(0).astype(float)
    ax.barh(y[readable] - height / 2, efficiency[readable], height, color=PALETTE["base"],
            label=label("efficiency", lang, LABELS))
    ax.barh(y[readable] + height / 2, innovation[readable], height, color=PALETTE["positive"],
            label=label("innovation", lang, LABELS))
    for i, row in enumerate(shown.itertuples()):
        if not readable.iloc[i]:
            ax.text(0, i, "  " + label("unreadable", lang, LABELS), va="center", fontsize=8, color=PALETTE["negative"])
            continue
        for offset, value in ((-height / 2, row.efficiency), (height / 2, row.innovation)):
            ax.text(float(value), i + offset, f" {int(value)}", va="center", fontsize=8)
        index = row.balance_index
        text = "–" if pd.isna(index) else decimal_comma(f"{index:.2f}", lang).replace("-", "−")
        ax.text(1.0, i, "  " + label("balance", lang, LABELS).format(value=text), transform=ax.get_yaxis_transform(),
                va="center", fontsize=8, color=PALETTE["reference"])
    ax.set_yticks(y, shown[unit_column])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.margins(x=0.08)
    ax.set_xlabel(label("mentions", lang, LABELS))
    ax.set_title(label("terms.title", lang, LABELS))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False, ncols=2)
    mark_kind(ax, kind, lang, source)
    return ax
