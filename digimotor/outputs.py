"""Write the notebooks' products: tables to ``data/processed/``, figures to ``figures/``.

Names follow the report's exhibits: ``figNN_<slug>`` (``fig07_population_forecast.csv``,
``fig06_population_forecast.png`` and ``.svg``). Everything is written atomically and
deterministically (no timestamps, fixed SVG hash salt), so two runs on the same inputs
give byte-identical files.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import string
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import atomic_path, write_text
from .config import DATA_KINDS, figures_dir, processed_dir
from .errors import DigimotorError, ParameterError
from .metrics.suppression import SUPPRESSED as _SUPPRESSED
from .numbers import round_half_up

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import Markdown
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

_NAME = re.compile(r"(fig\d{2}[a-z]?|tab\d{2}|[a-z]+)_[a-z0-9_]+")  # always with fullmatch
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)+[ \t]*")
_BACKTICKS = re.compile(r"`+")


def check_output_name(name: str) -> str:
    """Output names are ``figNN_slug`` (or ``<word>_slug``) in lower case, matched in full."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise DigimotorError(
            f"{name!r} is not an output name", hint="use figNN_slug, e.g. fig07_population_forecast"
        )
    return name


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Protect text cells against spreadsheet formula injection.

    A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe, so Excel or LibreOffice shows it as text instead of running it.
    Numbers are left alone.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) and not _is_number(v) else v
            )
    return out


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def write_table(frame: pd.DataFrame, name: str, *, kind: str | None = None) -> Path:
    """Write ``frame`` to ``data/processed/<name>.csv`` with a ``data_kind`` column.

    Parameters
    ----------
    frame
        The table (tidy, English snake_case column names). Its data kind (``published``,
        ``public``, ``synthetic`` or ``user``) is read from its provenance
        (:func:`digimotor.provenance.kind_of`) and written into every row, so that a table read
        without its page still says what kind of number it holds.
    name
        ``figNN_slug``.
    kind
        Only for a table that carries no data kind (a parameter table built in code, one of the
        package's reference tables): the kind of the exhibit it belongs to. A frame with a data
        kind in its provenance says its own kind; passing one too is an error.

    Raises
    ------
    DigimotorError
        If the frame carries no provenance, or mixes kinds without saying so.
    """

    check_output_name(name)
    kind = _kind(frame, kind, f"table {name}")
    if kind not in DATA_KINDS:
        raise DigimotorError(f"kind must be one of {', '.join(DATA_KINDS)}, not '{kind}'")
    table = neutralise_formulas(frame.drop(columns=["data_kind"], errors="ignore"))
    table["data_kind"] = kind
    target = processed_dir() / f"{name}.csv"
    write_text(target, table.to_csv(index=False, lineterminator="\n"))
    from .manifest import record

    record("table", name=name, kind=kind, path=f"data/processed/{name}.csv")
    return target


def _kind(frame: pd.DataFrame, given: str | None, what: str) -> str:
    """The kind of a table: from its provenance, or ``given`` for a frame that carries none."""
    from .provenance import kind_of, kinds

    if given is None:
        return kind_of(frame, what)
    if kinds(frame):
        raise DigimotorError(f"{what} carries its own data kind; do not pass kind='{given}'",
                             hint="its kind is read from frame.attrs['provenance']")
    return given


#: Figure formats :func:`save_figure` writes, in this order, unless told otherwise.
FIGURE_FORMATS = ("png", "svg")
#: ``digimotor reproduce --formats`` passes its choice to the notebooks in this variable.
ENV_FIGURE_FORMATS = "DIGIMOTOR_FIGURE_FORMATS"
_SAVE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def figure_formats(value: str | Sequence[str] | None = None) -> tuple[str, ...]:
    """The figure formats to write: ``value`` (``"png,svg"`` or a list), else the run's choice.

    Without ``value`` the ``DIGIMOTOR_FIGURE_FORMATS`` variable (set by ``digimotor reproduce
    --formats``) decides, else both formats. Raises :class:`ParameterError` for an unknown or
    empty choice.
    """
    if value is None:
        value = os.environ.get(ENV_FIGURE_FORMATS) or ",".join(FIGURE_FORMATS)
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = [str(item).strip().lower() for item in items if str(item).strip()]
    unknown = [item for item in chosen if item not in FIGURE_FORMATS]
    if unknown or not chosen:
        raise ParameterError(
            f"figure formats must be one or more of {', '.join(FIGURE_FORMATS)} (comma-separated), "
            f"not '{','.join(items) if not isinstance(value, str) else value}'"
        )
    return tuple(dict.fromkeys(chosen))


def save_figure(fig: Figure, name: str, formats: str | Sequence[str] | None = None) -> list[Path]:
    """Save ``fig`` as ``figures/<name>.png`` and ``.svg`` without timestamps; return the paths.

    The figure is laid out once: one Agg draw at the save resolution runs its layout engine
    (constrained layout for the package's figures) and rasterises it, and the PNG is written
    from that image; the layout is then held fixed while the SVG is rendered. No
    tight-bounding-box pass: the saved area is the figure, widened only where a figure-level
    text or legend sticks out of it. ``formats`` (default: :func:`figure_formats`) limits what
    is written: no work for a format nobody asked for.
    """
    import matplotlib as mpl

    check_output_name(name)
    chosen = figure_formats(formats)
    engine = fig.get_layout_engine()
    paths = []
    png = None
    with mpl.rc_context({"savefig.bbox": "standard"}):
        image, dpi = _draw_agg(fig, rasterise="png" in chosen)
        try:
            if engine is not None:
                # no engine while saving: even a placeholder engine makes savefig draw twice
                with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
                    fig.set_layout_engine(None)
            _snap_positions(fig)
            area = _area_outside(fig)
            for ext in chosen:
                target = figures_dir() / f"{name}.{ext}"
                with atomic_path(target) as tmp:
                    if ext == "png":
                        if area is None:
                            png = _png_bytes(image, dpi)
                        else:
                            buffer = io.BytesIO()
                            fig.savefig(buffer, format="png", metadata=_SAVE_METADATA[ext], bbox_inches=area)
                            png = buffer.getvalue()
                        Path(tmp).write_bytes(png)
                    else:
                        fig.savefig(tmp, format=ext, metadata=_SAVE_METADATA[ext], bbox_inches=area)
                paths.append(target)
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
    if png is not None:
        # the figure is now as drawn: a page that shows it can use this image (saved_png)
        fig.stale = False
        _SAVED_PNG[fig] = (png, dpi)
    from .manifest import record

    record("figure", name=name, paths=[f"figures/{p.name}" for p in paths])
    return paths


#: The PNG that save_figure wrote for each figure (bytes, dpi), while the figure lives.
_SAVED_PNG: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def saved_png(fig: Figure) -> tuple[str, dict[str, int]] | None:
    """The image :func:`save_figure` wrote for ``fig`` if the figure has not changed since.

    Returned as IPython's PNG formatter returns a figure (base64 text) with the size to show
    it at, the figure's own dpi (``(data, {"width": …, "height": …})``), so that a notebook
    page shows the saved image instead of drawing the figure once more; ``None`` when the
    figure was not saved as PNG or was changed after (then it is drawn as usual).
    """
    from binascii import b2a_base64

    from PIL import Image

    saved = _SAVED_PNG.get(fig)
    if saved is None or fig.stale:
        return None
    data, dpi = saved
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    scale = fig.dpi / dpi
    return b2a_base64(data, newline=False).decode("ascii"), {"width": int(width * scale),
                                                              "height": int(height * scale)}


def _png_bytes(image, dpi: float) -> bytes:
    """``image`` (RGBA array) as PNG bytes: RGB when it is opaque, no text chunks."""
    from PIL import Image

    height, width = image.shape[:2]
    picture = Image.frombuffer("RGBA", (width, height), image, "raw", "RGBA", 0, 1)
    if (image[..., 3] == 255).all():
        picture = picture.convert("RGB")
    buffer = io.BytesIO()
    # zlib level 3: a third faster than the default 6 for about 5 % more bytes
    picture.save(buffer, format="png", dpi=(dpi, dpi), compress_level=3)
    return buffer.getvalue()


def _draw_agg(fig: Figure, rasterise: bool = True):
    """Lay ``fig`` out, and draw it, once on an Agg canvas at the save resolution.

    Returns ``(RGBA array, dpi)``; with ``rasterise=False`` only the layout engine runs, with
    the same renderer and resolution (so an SVG saved alone is laid out exactly as one saved
    with its PNG), and the array is None.
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    dpi = mpl.rcParams["savefig.dpi"]
    dpi = fig.dpi if dpi == "figure" else float(dpi)
    canvas, screen_dpi = fig.canvas, fig.dpi
    try:
        fig.dpi = dpi
        agg = FigureCanvasAgg(fig)
        if rasterise:
            agg.draw()
            return np.array(agg.buffer_rgba()), dpi
        engine = fig.get_layout_engine()
        if engine is not None:
            engine.execute(fig)  # measures with agg's renderer at this dpi, as agg.draw() does
        return None, dpi
    finally:
        fig.dpi = screen_dpi
        fig.set_canvas(canvas)


def _snap_positions(fig: Figure) -> None:
    """Round the laid-out axes positions to 1e-10 of the figure.

    The layout solver's last bits vary from process to process; the SVG names each clip path
    by a hash of its exact rectangle, so unrounded positions would make SVGs differ between
    two runs on the same inputs.
    """
    for ax in fig.axes:
        in_layout = ax.get_in_layout()
        ax.set_position([round(v, 10) for v in ax.get_position(original=True).bounds], which="both")
        ax.set_in_layout(in_layout)


def _area_outside(fig: Figure) -> Bbox | None:
    """The area to save (inches) when a figure-level text or legend sticks out; else None.

    Axes and their decorations are inside the figure after constrained layout, so only the
    figure's own texts and legends are measured; where they stick out, the area takes them in
    with ``savefig.pad_inches`` of margin.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.transforms import Bbox

    width, height = fig.get_size_inches()
    artists = [a for a in [*fig.texts, *fig.legends]
               if a.get_visible() and (not hasattr(a, "get_text") or a.get_text())]
    if not artists:
        return None
    # measured with a renderer at the figure's own dpi (a text keeps the renderer it was last
    # drawn with, here the save-resolution one, and would mix the two scales)
    renderer = RendererAgg(max(1, int(width * fig.dpi)), max(1, int(height * fig.dpi)), fig.dpi)
    extents = [artist.get_window_extent(renderer).get_points() / fig.dpi for artist in artists]
    (x0, y0), (x1, y1) = Bbox.union([Bbox.from_bounds(0, 0, width, height), *map(Bbox, extents)]).get_points()
    if x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= height:
        return None
    pad = float(mpl.rcParams["savefig.pad_inches"])
    return Bbox([[x0 - pad if x0 < 0 else 0, y0 - pad if y0 < 0 else 0],
                 [x1 + pad if x1 > width else width, y1 + pad if y1 > height else height]])


def record_claims(part: str, values: Mapping[str, float]) -> Path:
    """Record the claim values a notebook produced (read by the run's claims scorecard)."""
    clean = {key: (None if value != value else float(value)) for key, value in sorted(values.items())}
    target = processed_dir() / "claims" / f"{part}.json"
    write_text(target, json.dumps(clean, indent=1, ensure_ascii=False) + "\n")
    from .manifest import record

    record("claims", part=part, path=f"data/processed/claims/{part}.json")
    return target


def escape_markdown(value: object) -> str:
    """``value`` as Markdown text that renders as exactly these characters, never as markup.

    Every ASCII punctuation character gets a backslash (CommonMark's escape): ``<`` cannot
    start HTML, ``*``, ``_``, ``[``, ``#``, ``$`` … format nothing, ``&`` starts no entity.
    Line breaks become spaces, so a value cannot start a block of its own.
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def markdown_text(template: str, /, **values: object) -> str:
    """Fill ``template`` (``str.format`` syntax, keyword fields only) with escaped ``values``.

    The template is the author's Markdown; each value is formatted with its format spec and
    then escaped (:func:`escape_markdown`), so user text (names from an imported file,
    parameters, file paths) shows as text and never as HTML or Markdown. Inside a code span
    (`` `{path}` ``) or a fenced block a value is shown literally as code is, with any backtick
    replaced by ``ˋ`` so that it cannot close the code (and, in a span, line breaks by spaces).
    """
    formatter = string.Formatter()
    parts: list[str] = []
    code = 0  # length of the backtick run that opened the code span or fence we are in
    for literal, field, spec, conversion in formatter.parse(template):
        parts.append(literal)
        for run in _BACKTICKS.finditer(literal):
            n = len(run.group())
            if not code:
                code = n
            elif n == code or (code >= 3 and n >= code):
                code = 0
        if field is None:
            continue
        if not field or field[0].isdigit():
            raise ValueError(f"markdown template fields must be named: {{{field}}} in {template!r}")
        value, _ = formatter.get_field(field, (), values)
        value = formatter.convert_field(value, conversion)
        text = format(value, formatter.vformat(spec, (), values) if spec else "")
        if not code:
            parts.append(escape_markdown(text))
        elif code >= 3:
            parts.append(text.replace("`", "\u02cb"))
        else:
            parts.append(_LINE_BREAKS.sub(" ", text).replace("`", "\u02cb"))
    return "".join(parts)


def markdown(template: str, /, **values: object) -> Markdown:
    """Notebook prose: ``template`` filled with escaped ``values`` (:func:`markdown_text`) for ``display``.

    The one way notebooks and package functions put values into Markdown, e.g.
    ``display(outputs.markdown("**Data:** `{path}` (kind **{kind}**)", path=path, kind=kind))``.
    Never place a value inside a link destination or raw HTML of the template.
    """
    from IPython.display import Markdown

    return Markdown(markdown_text(template, **values))


def present(
    frame: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    lang: str = "sv",
    decimals: Mapping[str, int] | None = None,
    caption: str | None = None,
    kind: str | None = None,
    show_kind: bool = True,
):
    """A display version of a table: translated headers, Swedish number format, a caption.

    Numbers are shown with a space as thousands separator and a decimal comma (``sv``) or
    comma/point (``en``). The caption says the table's data kind, read from its provenance
    (:func:`digimotor.provenance.kind_of`; a synthetic table's caption says it is an example),
    unless ``show_kind`` is false or the table is one of the package's reference tables. ``kind``
    is only for a table that carries no data kind (as for :func:`write_table`). In rows
    whose ``suppressed`` column is true (:mod:`digimotor.metrics.suppression`) an empty value
    shows as "..".

    Raises
    ------
    DigimotorError
        If ``show_kind`` and the frame carries no provenance, or mixes kinds without saying so.
    """
    from .plots.style import label
    from .provenance import is_reference

    kind = _kind(frame, kind, "the table shown") if show_kind and (kind is not None or not is_reference(frame)) \
        else None

    decimals = dict(decimals or {})
    shown = frame[[c for c in labels if c in frame.columns]].rename(columns=dict(labels))
    if "suppressed" in frame.columns and frame["suppressed"].astype(bool).any():
        hidden = frame["suppressed"].astype(bool).to_numpy()
        for position in range(shown.shape[1]):
            cells = shown.iloc[:, position]
            empty = cells.isna().to_numpy() & hidden
            if empty.any():
                shown.isetitem(position, cells.astype(object).where(~empty, _SUPPRESSED))

    def fmt(places: int):
        def inner(value: object) -> str:
            if isinstance(value, str) and value == _SUPPRESSED:
                return _SUPPRESSED
            if value is None or value != value:
                return "–"
            text = f"{round_half_up(float(value), places):,.{places}f}"
            if lang == "sv":
                text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
            return text

        return inner

    formats = {
        labels[col]: fmt(decimals.get(col, 0))
        for col in frame.columns
        if col in labels and _numeric(frame[col])
    }
    yes, no = ("ja", "nej") if lang == "sv" else ("yes", "no")
    formats.update(
        {
            labels[col]: (lambda v: v if isinstance(v, str) and v == _SUPPRESSED else "–" if v is None or v != v else (yes if v else no))
            for col in frame.columns
            if col in labels and _is_bool(frame[col])
        }
    )
    # User data reach the published pages through these tables: escape every text cell, every
    # header and the caption (Styler inserts captions and headers as raw HTML otherwise).
    styler = shown.style.format(formats, escape="html").format_index(escape="html", axis=1).hide(axis="index")
    parts = [caption] if caption else []
    if kind:
        parts.append(label("synthetic.note", lang) if kind == "synthetic" else label(f"kind.{kind}", lang))
    if parts:
        styler = styler.set_caption(html.escape(" — ".join(parts)))
    return styler


def _is_bool(series: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_bool_dtype(series) or (
        series.dtype == object and series.dropna().map(lambda v: isinstance(v, bool)).all() and series.notna().any()
    )


def _numeric(series: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
