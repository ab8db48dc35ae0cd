"""The image a figure that failed leaves behind: a placeholder that says so, with the error.

:func:`digimotor.outputs.save_figure` writes it in every format asked for when a figure cannot
be drawn, and a notebook page shows it instead of a half-drawn figure
(:func:`digimotor.outputs.shown_png`), so neither the site nor the exports ever hold a broken
image. Drawn on a matplotlib figure of its own (never pyplot's), without timestamps.
"""

from __future__ import annotations

import html
import io

from . import labels

_SAVE_METADATA = {"Software": None}


def one_line_error(exc: BaseException) -> str:
    """``Type: message`` on one line (at most 300 characters)."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 300 else text[:299] + "…"


#: Size and resolution of a placeholder image (inches, dpi).
PLACEHOLDER_SIZE, PLACEHOLDER_DPI = (9.0, 5.0), 150
_PLACEHOLDER_TEXT = {lang: (labels.text("placeholder.title", lang), labels.text("placeholder.error", lang))
                     for lang in labels.LANGS}


def placeholder_png(message: str, *, lang: str = "sv", pixels: tuple[int, int] | None = None,
                    dpi: float = PLACEHOLDER_DPI) -> bytes:
    """A PNG that says the figure could not be drawn, with ``message``, instead of a broken image.

    ``pixels`` is the image size (default :data:`PLACEHOLDER_SIZE` at ``dpi``). Drawn on a
    figure of its own (never pyplot's), so it works while the failed figure is still open.
    """
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as PlainFigure

    width, height = pixels or (int(PLACEHOLDER_SIZE[0] * dpi), int(PLACEHOLDER_SIZE[1] * dpi))
    holder = PlainFigure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="#f4f4f4")
    FigureCanvasAgg(holder)
    heading, lead = _PLACEHOLDER_TEXT.get(lang, _PLACEHOLDER_TEXT["sv"])
    holder.text(0.5, 0.62, heading, ha="center", va="center", fontsize=22, fontweight="bold", color="#b00020")
    wrapped = "\n".join(textwrap.wrap(message, 70)[:6]) or "–"
    holder.text(0.5, 0.42, f"{lead}\n{wrapped}", ha="center", va="top", fontsize=12, color="#222222",
                family="monospace")
    holder.patches.append(_frame(holder))
    buffer = io.BytesIO()
    holder.savefig(buffer, format="png", dpi=dpi, metadata=_SAVE_METADATA)
    return buffer.getvalue()


def _frame(holder):
    from matplotlib.patches import Rectangle

    return Rectangle((0.005, 0.01), 0.99, 0.98, transform=holder.transFigure, fill=False,
                     edgecolor="#b00020", linewidth=3, linestyle="--")


def placeholder_svg(message: str, lang: str = "sv") -> str:
    """The placeholder as an SVG (the size of :data:`PLACEHOLDER_SIZE`), its texts escaped."""
    heading, lead = _PLACEHOLDER_TEXT.get(lang, _PLACEHOLDER_TEXT["sv"])
    width, height = int(PLACEHOLDER_SIZE[0] * 72), int(PLACEHOLDER_SIZE[1] * 72)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
            f'viewBox="0 0 {width} {height}"><rect x="2" y="2" width="{width - 4}" height="{height - 4}" '
            'fill="#f4f4f4" stroke="#b00020" stroke-width="3" stroke-dasharray="9 6"/>'
            f'<text x="{width / 2}" y="{height * 0.4}" text-anchor="middle" font-size="22" font-weight="bold" '
            f'fill="#b00020">{html.escape(heading)}</text>'
            f'<text x="{width / 2}" y="{height * 0.55}" text-anchor="middle" font-size="12" '
            f'font-family="monospace" fill="#222222">{html.escape(lead + " " + message)}</text></svg>\n')
