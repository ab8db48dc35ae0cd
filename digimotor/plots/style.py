"""One style for every figure, the label catalogue, and data-kind marks inside images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

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
COMMON_LABELS: dict[str, dict[str, str]] = {
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "population": {"sv": "Befolkning", "en": "Population"},
    "source": {"sv": "Källa", "en": "Source"},
    "kind.published": {"sv": "publicerade värden ur rapporten", "en": "values published in the report"},
    "kind.public": {"sv": "offentlig statistik", "en": "public statistics"},
    "kind.synthetic": {"sv": "SYNTETISKA EXEMPELDATA", "en": "SYNTHETIC EXAMPLE DATA"},
    "kind.user": {"sv": "användarens data", "en": "user data"},
    "synthetic.note": {
        "sv": "Syntetiska exempeldata – inte studiens resultat",
        "en": "Synthetic example data – not the study's results",
    },
}


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


def apply_style() -> None:
    """Set the package's matplotlib/seaborn style (deterministic SVG output included)."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    mpl.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
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
    fig.text(0.01, 0.0, text, fontsize=8, color=PALETTE["reference"], ha="left", va="top",
             transform=fig.transFigure)


def number_formatter(lang: str, *, absolute: bool = False):
    """Tick labels with the language's thousands separator (no-break space in Swedish).

    ``absolute`` drops the sign, for axes that run both ways from zero (population pyramids,
    diverging bars).
    """
    from matplotlib.ticker import FuncFormatter

    sep = "\u00a0" if check_lang(lang) == "sv" else ","
    return FuncFormatter(lambda value, _pos: f"{abs(value) if absolute else value:,.0f}".replace(",", sep))
