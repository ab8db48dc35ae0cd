"""One style for every figure, the label catalogue, and data-kind marks inside images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import labels
from ..errors import ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LANGS = ("sv", "en")

#: Colours: published/public data in the study's blues, synthetic data in grey-violet.
PALETTE = {
    "base": "#1f4e79",
    "target": "#7fb2de",
    "positive": "#2e7d32",
    "negative": "#c62828",
    "synthetic": "#7e57c2",
    "reference": "#555555",
}

#: Labels shared by several figures. Each plot module adds its own catalogue.
COMMON_LABELS: dict[str, dict[str, str]] = labels.table("plots_style_common_labels")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"sv"`` or ``"en"``; raise :class:`ParameterError` otherwise."""
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, not '{lang}'")
    return lang


def label(key: str, lang: str, catalogue: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Look ``key`` up in ``catalogue`` (then the common one) in language ``lang``."""
    check_lang(lang)
    for table in (catalogue or {}, COMMON_LABELS):
        if key in table:
            return table[key][lang]
    raise KeyError(f"no label '{key}'")


#: The seaborn theme the figures were designed with, ``sns.set_theme(context="notebook",
#: style="whitegrid", font_scale=0.95)``, as plain rcParams: applying it needs no seaborn (whose
#: import, with scipy.stats, costs seconds in every fresh process). ``image.cmap`` ("rocket",
#: registered by seaborn) is left out: every image names its colormap.
#: ``tests/test_figures_golden.py`` checks this against seaborn's own values.
SEABORN_THEME: dict[str, object] = {
    # sns.axes_style("whitegrid")
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out",
    "ytick.direction": "out", "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True,
    "grid.linestyle": "-", "text.color": ".15", "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white",
    "axes.edgecolor": ".8", "grid.color": ".8", "axes.spines.left": True, "axes.spines.bottom": True,
    "axes.spines.right": True, "axes.spines.top": True, "xtick.bottom": False, "ytick.left": False,
    # sns.plotting_context("notebook", font_scale=0.95)
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
    "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25,
    "xtick.minor.width": 1, "ytick.minor.width": 1, "xtick.major.size": 6, "ytick.major.size": 6,
    "xtick.minor.size": 4, "ytick.minor.size": 4, "font.size": 11.399999999999999,
    "axes.labelsize": 11.399999999999999, "axes.titlesize": 11.399999999999999,
    "xtick.labelsize": 10.45, "ytick.labelsize": 10.45, "legend.fontsize": 10.45,
    "legend.title_fontsize": 11.399999999999999,
}
#: sns.color_palette("deep"): the default colour cycle.
SEABORN_DEEP = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
                "#8c8c8c", "#ccb974", "#64b5cd")


def apply_style() -> None:
    """Set the package's matplotlib style (deterministic SVG output included).

    The theme is seaborn's "whitegrid"/"notebook" one (:data:`SEABORN_THEME`), set without
    importing seaborn. Figures are laid out by constrained layout (no tight bounding box at
    save time: :func:`digimotor.outputs.save_figure` lays a figure out once).
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(SEABORN_THEME)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(SEABORN_DEEP))
    mpl.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "standard",
            "svg.hashsalt": "digimotor",
            "svg.fonttype": "none",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
        }
    )


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = (9, 5)) -> Axes:
    """Return ``ax`` or a new styled axes."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    apply_style()
    _fig, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def mark_kind(ax: Axes, kind: str, lang: str = "sv", source: str | None = None) -> None:
    """Write the data kind (and source) inside the figure.

    ``synthetic`` data get a large diagonal watermark across the axes and a note under them;
    the other kinds a small source line under the axes.
    """
    fig: Figure = ax.figure
    if kind == "synthetic":
        ax.text(
            0.5, 0.5, label("kind.synthetic", lang), transform=ax.transAxes, fontsize=26,
            color=PALETTE["synthetic"], alpha=0.22, ha="center", va="center", rotation=25,
            fontweight="bold", zorder=10,
        )
        text = label("synthetic.note", lang)
    else:
        text = f"{label('source', lang)}: {source}" if source else ""
        text = (text + " – " if text else "") + label(f"kind.{kind}", lang)
    _note_under_axes(fig, text)
    # read by outputs.save_figure into the run manifest (the slide deck's source and kind lines)
    fig.digimotor_mark = {"kind": kind, "source": source, "note": text, "lang": lang}


#: Height (inches) of the strip kept under the axes for the data-kind note, and its margin.
NOTE_STRIP, NOTE_MARGIN = 0.22, 0.04


def _note_under_axes(fig: Figure, text: str) -> None:
    """Write the note at the bottom of the figure, inside it.

    A figure laid out by constrained layout keeps a strip of :data:`NOTE_STRIP` inches free
    under its axes for the note, so the saved figure needs no tight bounding box. Other
    figures get the note just under their bottom edge (the saved area then takes it in).
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = fig.get_layout_engine()
    style = {"fontsize": 8, "color": PALETTE["reference"], "ha": "left", "transform": fig.transFigure}
    if isinstance(engine, ConstrainedLayoutEngine):
        height = fig.get_figheight()
        strip = NOTE_STRIP / height
        engine.set(rect=(0, strip, 1, 1 - strip))
        fig.text(0.01, NOTE_MARGIN / height, text, va="bottom", **style)
    else:
        fig.text(0.01, 0.0, text, va="top", **style)


def number_formatter(lang: str, *, absolute: bool = False):
    """Tick labels with the language's thousands separator (no-break space in Swedish).

    ``absolute`` drops the sign, for axes that run both ways from zero (population pyramids,
    diverging bars).
    """
    from matplotlib.ticker import FuncFormatter

    sep = "\u00a0" if check_lang(lang) == "sv" else ","
    return FuncFormatter(lambda value, _pos: f"{abs(value) if absolute else value:,.0f}".replace(",", sep))


#: A figure with more municipalities (or IT organisations) than this no longer labels every one:
#: it draws them sorted (or in its own order) and labels every k-th, with a note that the table
#: lists them all (issue 12: a national study has 290 municipalities).
MAX_LABELLED_UNITS = 40

UNIT_LABELS = labels.table("plots_style_units")


def unnamed_units_note(n: int, lang: str = "sv") -> str:
    """The axis-label note of a figure that draws more than :data:`MAX_LABELLED_UNITS` units unnamed."""
    return label("units.unnamed", lang, UNIT_LABELS).format(n=n)


def many_units(n: int) -> bool:
    """True when ``n`` units are too many to label each one (more than :data:`MAX_LABELLED_UNITS`)."""
    return n > MAX_LABELLED_UNITS


def unit_figure_length(n: int, per_unit: float, base: float, cap: float = 14.0) -> float:
    """The length (inches) of a figure side with one row or bar per unit: ``per_unit * n + base``,
    at most ``cap`` (a figure for 290 municipalities stays on a page)."""
    return min(per_unit * n + base, cap)


def thin_unit_ticks(ax: Axes, names: list[str], *, axis: str = "x", lang: str = "sv", by_value: bool = False,
                    organisations: bool = False, fontsize: float = 7.0, rotation: float = 0.0,
                    collaborations: bool = False) -> int:
    """Label every k-th of ``names`` (units at positions 0 … n−1) so that at most
    :data:`MAX_LABELLED_UNITS` labels are drawn, and say so in the axis label; returns k."""
    import math

    n = len(names)
    step = max(1, math.ceil(n / MAX_LABELLED_UNITS))
    positions = list(range(0, n, step))
    shown = [names[i] for i in positions]
    key = ("units.thinned_orgs" if organisations else "units.thinned_collaborations" if collaborations
           else "units.thinned")
    text = label(key, lang, UNIT_LABELS).format(
        n=n, k=step, order=label("units.sorted", lang, UNIT_LABELS) if by_value else "")
    if axis == "x":
        ax.set_xticks(positions, shown, rotation=rotation, ha="right" if 0 < rotation < 90 else "center",
                      fontsize=fontsize)
        ax.set_xlabel(" · ".join(t for t in (ax.get_xlabel(), text) if t))
    else:
        ax.set_yticks(positions, shown, fontsize=fontsize)
        ax.set_ylabel(" · ".join(t for t in (ax.get_ylabel(), text) if t))
    return step
