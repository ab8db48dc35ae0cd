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

from .atomic import atomic_path, write_bytes, write_text
from .config import DATA_KINDS, figures_dir, processed_dir
from .errors import DigimotorError, ParameterError
from .labels import label as _label
from .metrics.suppression import SUPPRESSED as _SUPPRESSED
from .numbers import number_text, round_half_up, swedish
from .placeholder import (
    PLACEHOLDER_DPI,
    PLACEHOLDER_SIZE,
    one_line_error,
    placeholder_png,
    placeholder_svg,
)

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


def formula_like(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``,
    tab or carriage return first, and not a number such as ``-2.5``)."""
    return isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose formula-like text cells (:func:`formula_like`) start with ``'``.

    For a spreadsheet that is handed text, not for the tidy CSVs (:func:`write_table` writes
    every value as it is; the XLSX workbooks mark such cells as text instead,
    :mod:`digimotor.exports.xlsx`). Numbers are left alone.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(
                lambda v: "'" + v if formula_like(v) else v
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
        kind in its provenance says its own kind; passing one too is an error. The kind is
        written into every row, so that a table read without its page still says what kind of
        number it holds.

    The CSV is the canonical machine output: every cell is written as it is, text that starts
    with ``=`` included (a prefix would corrupt the data for every program that is not a
    spreadsheet). The page's XLSX workbook (:mod:`digimotor.exports.xlsx`) is the file for
    spreadsheets, and neutralises formula-like text there.

    Raises
    ------
    DigimotorError
        If the frame carries no provenance, or mixes kinds without saying so.
    """

    check_output_name(name)
    kind = _kind(frame, kind, f"table {name}")
    if kind not in DATA_KINDS:
        raise DigimotorError(f"kind must be one of {', '.join(DATA_KINDS)}, not '{kind}'")
    table = frame.drop(columns=["data_kind"], errors="ignore")
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


#: Figure formats :func:`save_figure` writes, in this order, unless told otherwise: ``slide`` is
#: the slide-ready PNG ``figures/<name>.slide.png`` (16:9, :data:`SLIDE_PIXELS` at :data:`SLIDE_DPI`).
FIGURE_FORMATS = ("png", "svg", "slide")
#: Pixel size of the slide PNG: 16:9, a 13.33 × 7.5 in (widescreen) slide at :data:`SLIDE_DPI`.
SLIDE_PIXELS = (2880, 1620)
SLIDE_DPI = 216
#: File name ending of each figure format.
FIGURE_SUFFIXES = {"png": ".png", "svg": ".svg", "slide": ".slide.png"}
#: ``digimotor reproduce --formats`` passes its choice to the notebooks in this variable.
ENV_FIGURE_FORMATS = "DIGIMOTOR_FIGURE_FORMATS"
_SAVE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def figure_formats(value: str | Sequence[str] | None = None) -> tuple[str, ...]:
    """The figure formats to write: ``value`` (``"png,svg"`` or a list), else the run's choice.

    Without ``value`` the ``DIGIMOTOR_FIGURE_FORMATS`` variable (set by ``digimotor reproduce
    --formats``) decides, else every format. Raises :class:`ParameterError` for an unknown or
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
    """Save ``fig`` as ``figures/<name>.png``, ``.svg`` and ``.slide.png`` without timestamps; return the paths.

    The figure is laid out once: one Agg draw at the save resolution runs its layout engine
    (constrained layout for the package's figures) and rasterises it, and the PNG is written
    from that image; the layout is then held fixed while the SVG and the slide PNG (the same
    figure drawn at a higher resolution, centred on a white 16:9 canvas) are rendered. No
    tight-bounding-box pass: the saved area is the figure, widened only where a figure-level
    text or legend sticks out of it. ``formats`` (default: :func:`figure_formats`) limits what
    is written: no work for a format nobody asked for.

    A figure that cannot be drawn is saved as a placeholder image in every chosen format that
    says so with the error (:func:`placeholder_png`), shown as such on the page, recorded with
    its ``error`` in the run manifest, and the call raises :class:`DigimotorError`: the page
    and the exports never hold a broken or a half-drawn image.
    """
    check_output_name(name)
    chosen = figure_formats(formats)
    meta = figure_meta(fig)
    folder = figures_dir()
    try:
        paths, png, dpi = _save_formats(fig, folder / name, chosen)
    except (OSError, DigimotorError):  # the files cannot be written: no placeholder can be either
        raise
    except Exception as exc:  # noqa: BLE001 - whatever broke the drawing, the files say so
        message = one_line_error(exc)
        paths = write_placeholders(folder / name, message, chosen, lang=meta.get("lang", "sv"))
        _SAVED_PNG[fig] = (placeholder_png(message, lang=meta.get("lang", "sv")), PLACEHOLDER_DPI)
        fig.stale = False
        from .manifest import record

        record("figure", name=name, paths=[f"figures/{p.name}" for p in paths], error=message, **meta)
        raise DigimotorError(f"figure {name} could not be drawn: {message}",
                             hint="the figure's files are placeholders that show this error") from exc
    if png is not None:
        # the figure is now as drawn: a page that shows it can use this image (saved_png)
        fig.stale = False
        _SAVED_PNG[fig] = (png, dpi)
    from .manifest import record

    record("figure", name=name, paths=[f"figures/{p.name}" for p in paths], **meta)
    return paths


def _save_formats(fig: Figure, stem: Path, chosen: Sequence[str]) -> tuple[list[Path], bytes | None, float]:
    """The work of :func:`save_figure` (files ``stem`` + suffix): ``(paths in the order chosen, PNG or None, dpi)``."""
    import matplotlib as mpl

    engine = fig.get_layout_engine()
    written: dict[str, Path] = {}
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
            # the slide last: the PNG and the SVG are drawn before any other resolution
            for ext in sorted(chosen, key=lambda e: e == "slide"):
                target = stem.with_name(stem.name + FIGURE_SUFFIXES[ext])
                with atomic_path(target) as tmp:
                    if ext == "png":
                        if area is None:
                            png = _png_bytes(image, dpi)
                        else:
                            buffer = io.BytesIO()
                            fig.savefig(buffer, format="png", metadata=_SAVE_METADATA[ext], bbox_inches=area)
                            png = buffer.getvalue()
                        Path(tmp).write_bytes(png)
                    elif ext == "slide":
                        Path(tmp).write_bytes(_slide_png(fig, area))
                    else:
                        fig.savefig(tmp, format=ext, metadata=_SAVE_METADATA[ext], bbox_inches=area)
                written[ext] = target
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
    return [written[ext] for ext in chosen], png, dpi


def _slide_png(fig: Figure, area: Bbox | None) -> bytes:
    """``fig`` (its saved area) drawn as large as fits, centred on a white :data:`SLIDE_PIXELS` canvas."""
    from PIL import Image

    width, height = (area.width, area.height) if area is not None else tuple(fig.get_size_inches())
    canvas_w, canvas_h = SLIDE_PIXELS
    margin = 0.96  # a little white around the figure
    dpi = min(canvas_w * margin / width, canvas_h * margin / height)
    if area is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas, screen_dpi = fig.canvas, fig.dpi
        try:
            fig.dpi = dpi
            agg = FigureCanvasAgg(fig)
            agg.draw()
            rgba = agg.buffer_rgba()
            picture = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1).copy()
        finally:
            fig.dpi = screen_dpi
            fig.set_canvas(canvas)
    else:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata=_SAVE_METADATA["png"], bbox_inches=area)
        with Image.open(io.BytesIO(buffer.getvalue())) as drawn:
            picture = drawn.convert("RGBA")
    slide = Image.new("RGB", SLIDE_PIXELS, "white")
    slide.paste(picture, ((canvas_w - picture.width) // 2, (canvas_h - picture.height) // 2), picture)
    out = io.BytesIO()
    slide.save(out, format="png", dpi=(SLIDE_DPI, SLIDE_DPI), compress_level=3)
    return out.getvalue()


def figure_meta(fig: Figure) -> dict[str, str]:
    """What a figure says about itself, for the manifest and the slide deck.

    ``title`` (the figure's suptitle, else its first axes title), ``suppressed`` (the figure's
    note on suppressed units, :func:`digimotor.metrics.suppression.note`), and the ``kind``,
    ``source``, ``note`` and ``lang`` that :func:`digimotor.plots.style.mark_kind` wrote into it;
    absent keys are left out.
    """
    meta: dict[str, str] = {}
    try:
        titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
        titles += [ax.get_title() for ax in fig.axes]
        title = next((t.strip() for t in titles if t and t.strip()), "")
    except Exception:  # noqa: BLE001 - a title is a nicety; the figure itself reports its errors
        title = ""
    if title:
        meta["title"] = " ".join(title.split())
    withheld = [t.get_text() for t in fig.texts if t.get_text().startswith(f"{_SUPPRESSED} = ")]
    if withheld:  # the note of digimotor.metrics.suppression.note: this figure leaves units out
        meta["suppressed"] = " ".join(withheld[0].split())
    marked = getattr(fig, "digimotor_mark", None)
    if isinstance(marked, Mapping):
        meta.update({k: str(v) for k, v in marked.items() if k in ("kind", "source", "note", "lang") and v})
        if meta.get("kind") not in DATA_KINDS:
            meta.pop("kind", None)
    return meta


def write_placeholders(stem: Path, message: str, formats: Sequence[str], *, lang: str = "sv") -> list[Path]:
    """Write a placeholder (``stem`` + each format's suffix) in each of ``formats``; return the paths."""
    paths = []
    for ext in formats:
        target = stem.with_name(stem.name + FIGURE_SUFFIXES[ext])
        if ext == "svg":
            paths.append(write_text(target, placeholder_svg(message, lang)))
        elif ext == "slide":
            paths.append(write_bytes(target, placeholder_png(message, lang=lang, pixels=SLIDE_PIXELS,
                                                             dpi=SLIDE_DPI)))
        else:
            paths.append(write_bytes(target, placeholder_png(message, lang=lang)))
    return paths


def shown_png(fig: Figure, draw, *, cell_failed: bool = False):
    """What a notebook page shows for ``fig`` (IPython's ``image/png`` formatter).

    The image :func:`save_figure` wrote (:func:`saved_png`; a failed save's placeholder
    included); else, when the cell that made the figure failed, a placeholder instead of a
    half-drawn figure; else ``draw(fig)``, and a placeholder with the error if that raises.
    """
    from binascii import b2a_base64

    saved = saved_png(fig)
    if saved is not None:
        return saved
    if cell_failed:
        import sys

        last = getattr(sys, "last_value", None)
        message = one_line_error(last) if isinstance(last, BaseException) else "–"
        data = placeholder_png(message)
    else:
        try:
            return draw(fig)
        except Exception as exc:  # noqa: BLE001 - the page shows the error instead of a broken image
            data = placeholder_png(one_line_error(exc))
    width, height = (int(v * fig.dpi) for v in PLACEHOLDER_SIZE)
    return b2a_base64(data, newline=False).decode("ascii"), {"width": width, "height": height}


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


def markdown_text(template: str, /, *, number_lang: str | None = None, **values: object) -> str:
    """Fill ``template`` (``str.format`` syntax, keyword fields only) with escaped ``values``.

    The template is the author's Markdown; each value is formatted with its format spec and
    then escaped (:func:`escape_markdown`), so user text (names from an imported file,
    parameters, file paths) shows as text and never as HTML or Markdown. Inside a code span
    (`` `{path}` ``) or a fenced block a value is shown literally as code is, with any backtick
    replaced by ``ˋ`` so that it cannot close the code (and, in a span, line breaks by spaces).
    With ``number_lang="sv"`` a number outside code is written the Swedish way
    (:func:`digimotor.numbers.number_text`: ``1 734 443``, ``3,5``); code shows it as Python does.
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
            parts.append(escape_markdown(number_text(text, value, number_lang or "")))
        elif code >= 3:
            parts.append(text.replace("`", "\u02cb"))
        else:
            parts.append(_LINE_BREAKS.sub(" ", text).replace("`", "\u02cb"))
    return "".join(parts)


def markdown(template: str, /, *, number_lang: str | None = None, **values: object) -> Markdown:
    """Notebook prose: ``template`` filled with escaped ``values`` (:func:`markdown_text`) for ``display``.

    The one way notebooks and package functions put values into Markdown, e.g.
    ``display(outputs.markdown("**Data:** `{path}` (kind **{kind}**)", path=path, kind=kind))``.
    Never place a value inside a link destination or raw HTML of the template.
    """
    from IPython.display import Markdown

    return Markdown(markdown_text(template, number_lang=number_lang, **values))


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
            return swedish(text) if lang == "sv" else text

        return inner

    formats = {
        labels[col]: fmt(decimals.get(col, 0))
        for col in frame.columns
        if col in labels and _numeric(frame[col])
    }
    yes, no = _label("outputs.yes", lang), _label("outputs.no", lang)
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
