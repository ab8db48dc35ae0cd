"""Figure files: a figure saved as PNG, SVG and a 16:9 slide PNG, placeholders, and what a page shows.

:func:`save_figure` writes ``figures/<name>.png``, ``.svg`` and ``.slide.png`` (the formats
chosen, :func:`figure_formats`) atomically and deterministically (no timestamps, fixed SVG hash
salt), so two runs on the same inputs give byte-identical files. A figure that cannot be drawn
is saved as a placeholder that shows the error. :func:`shown_png` / :func:`saved_png` let a
notebook page show the saved image instead of drawing the figure again. The names are
re-exported by :mod:`digimotor.outputs`, where notebooks find them (``outputs.save_figure``).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import atomic_path, write_bytes, write_text
from .config import DATA_KINDS, figures_dir
from .errors import DigimotorError, ParameterError
from .forking import end_with
from .metrics.suppression import SUPPRESSED as _SUPPRESSED
from .placeholder import (
    PLACEHOLDER_DPI,
    PLACEHOLDER_SIZE,
    one_line_error,
    placeholder_png,
    placeholder_svg,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

_NAME = re.compile(r"(fig\d{2}[a-z]?|tab\d{2}|[a-z]+)_[a-z0-9_]+")  # always with fullmatch


def check_output_name(name: str) -> str:
    """Output names are ``figNN_slug`` (or ``<word>_slug``) in lower case, matched in full."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise DigimotorError(
            f"{name!r} is not an output name", hint="use figNN_slug, e.g. fig07_population_forecast"
        )
    return name



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
                if ext == "slide" and _slide_in_background(fig, area, target):
                    written[ext] = target
                    continue
                with atomic_path(target) as tmp:
                    if ext == "png":
                        png = _png_bytes(image if area is None else _rasterise(fig, dpi, area), dpi)
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


#: While :func:`background_slides` is active: the most slide children at a time, and the
#: running ones (pid -> slide file).
_BACKGROUND: dict[str, Any] | None = None


@contextlib.contextmanager
def background_slides(limit: int = 1) -> Iterator[None]:
    """Within this block :func:`save_figure` draws each slide PNG in a forked child process.

    The slide is the largest drawing of a figure (about as long as the PNG and the SVG together)
    and nothing in the notebook waits for it: the child, a copy of this process at the moment
    the figure was saved, draws it while the notebook goes on (on another core), ``limit``
    children at a time. The block ends when every slide is written. A child that cannot draw its
    slide writes the placeholder that says so (as :func:`save_figure` does) and the block
    reports it on stderr. For the runner's worker processes (POSIX ``fork``); elsewhere, or
    nested, slides are drawn in place as before.
    """
    global _BACKGROUND
    if _BACKGROUND is not None or not hasattr(os, "fork"):
        yield
        return
    _BACKGROUND = {"limit": max(1, int(limit)), "children": {}}
    try:
        yield
    finally:
        state, _BACKGROUND = _BACKGROUND, None
        while state["children"]:
            _reap_one(state["children"])


def _reap_one(children: dict[int, Path]) -> None:
    """Wait for the oldest slide child; report one that failed."""
    import sys

    pid = next(iter(children))
    target = children.pop(pid)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        print(f"digimotor: the slide {target.name} could not be drawn; it is a placeholder", file=sys.stderr)


def _slide_in_background(fig: Figure, area: Bbox | None, target: Path) -> bool:
    """Fork a child that writes ``fig``'s slide PNG to ``target``; False when not in :func:`background_slides`."""
    state = _BACKGROUND
    if state is None:
        return False
    children = state["children"]
    while len(children) >= state["limit"]:
        _reap_one(children)
    parent = os.getpid()
    pid = os.fork()
    if pid:
        children[pid] = target
        return True
    code = 1  # the child: draw, write, and end without running anything of the parent's
    try:
        end_with(parent)
        try:
            write_bytes(target, _slide_png(fig, area))
            code = 0
        except Exception as exc:  # noqa: BLE001 - the slide says what went wrong
            meta = getattr(fig, "digimotor_mark", None)
            lang = meta.get("lang", "sv") if isinstance(meta, Mapping) else "sv"
            write_bytes(target, placeholder_png(one_line_error(exc), lang=lang, pixels=SLIDE_PIXELS, dpi=SLIDE_DPI))
    finally:
        os._exit(code)


def _slide_png(fig: Figure, area: Bbox | None) -> bytes:
    """``fig`` (its saved area) drawn as large as fits, centred on a white :data:`SLIDE_PIXELS` canvas."""
    import numpy as np

    width, height = (area.width, area.height) if area is not None else tuple(fig.get_size_inches())
    canvas_w, canvas_h = SLIDE_PIXELS
    margin = 0.96  # a little white around the figure
    dpi = min(canvas_w * margin / width, canvas_h * margin / height)
    picture = _rasterise(fig, dpi, area)
    rows, columns = picture.shape[:2]
    top, left = (canvas_h - rows) // 2, (canvas_w - columns) // 2
    if (picture[..., 3] == 255).all():  # an opaque figure: its pixels are the slide's
        slide = np.full((canvas_h, canvas_w, 3), 255, dtype=np.uint8)
        slide[top:top + rows, left:left + columns] = picture[..., :3]
    else:  # blended over white by its alpha, as PIL pastes with a mask
        from PIL import Image

        drawn = Image.frombuffer("RGBA", (columns, rows), np.ascontiguousarray(picture), "raw", "RGBA", 0, 1)
        white = Image.new("RGB", SLIDE_PIXELS, "white")
        white.paste(drawn, (left, top), drawn)
        slide = np.asarray(white)
    return encode_png(slide, SLIDE_DPI)


def _rasterise(fig: Figure, dpi: float, area: Bbox | None):
    """``fig`` (or its ``area``, inches) drawn by Agg at ``dpi``: the RGBA array (rows × columns × 4).

    The pixels of ``savefig(format="png", dpi=dpi, bbox_inches=area)`` without the PNG (which
    :func:`encode_png` writes faster); the figure's own canvas is kept.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas, screen_dpi = fig.canvas, fig.dpi
    try:
        if area is None:
            fig.dpi = dpi
            agg = FigureCanvasAgg(fig)
            agg.draw()
            return np.asarray(agg.buffer_rgba())
        held: list = []
        _pixel_canvas()(fig)  # the figure's canvas while it saves
        fig.savefig(held, format="pixels", dpi=dpi, bbox_inches=area)
        return held[0]
    finally:
        fig.dpi = screen_dpi
        fig.set_canvas(canvas)


@functools.cache
def _pixel_canvas():
    """An Agg canvas class whose ``savefig(list, format="pixels")`` appends the RGBA array to the list."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    class PixelCanvas(FigureCanvasAgg):
        def print_pixels(self, held, **_kwargs):
            import numpy as np

            FigureCanvasAgg.draw(self)
            held.append(np.array(self.buffer_rgba()))

    return PixelCanvas


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
        return _with_alt(fig, saved)
    if cell_failed:
        import sys

        last = getattr(sys, "last_value", None)
        message = one_line_error(last) if isinstance(last, BaseException) else "–"
        data = placeholder_png(message)
    else:
        try:
            return _with_alt(fig, draw(fig))
        except Exception as exc:  # noqa: BLE001 - the page shows the error instead of a broken image
            data = placeholder_png(one_line_error(exc))
    width, height = (int(v * fig.dpi) for v in PLACEHOLDER_SIZE)
    return _with_alt(fig, (b2a_base64(data, newline=False).decode("ascii"), {"width": width, "height": height}))


def _with_alt(fig: Figure, shown):
    """``shown`` (IPython's PNG formatter result: data, or data and metadata) with the figure's
    alternative text, its title (:func:`figure_alt`), in the metadata the page template reads."""
    if shown is None:
        return None
    data, meta = shown if isinstance(shown, tuple) else (shown, {})
    return data, {**(meta or {}), "alt": figure_alt(fig)}


def figure_alt(fig: Figure) -> str:
    """The alternative text of a figure on a page: its title, else "figure without a title" in
    the figure's language."""
    from .labels import label

    meta = figure_meta(fig)
    return meta.get("title") or label("figure_files.untitled", meta.get("lang", "sv"))


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
    return encode_png(image[..., :3] if (image[..., 3] == 255).all() else image, dpi)


def encode_png(pixels, dpi: float) -> bytes:
    """``pixels`` (rows × columns × 3 RGB or × 4 RGBA, 8 bits) as PNG bytes that say ``dpi``.

    Rows unfiltered and deflated by zlib at level 3, in one IDAT chunk; IHDR, pHYs (``dpi`` as
    PIL writes it), IDAT, IEND and nothing else. PIL's encoder picks a PNG row filter for each
    row by trying them, which on a figure's flat colours costs about three times the CPU time
    for a file about 3 % smaller: a 4.7-megapixel slide takes about 40 ms here instead of
    130 ms, a 150 dpi figure 15 ms instead of 43 ms, with the same pixels
    (``tests/test_figure_speed.py``).
    """
    import struct
    import zlib

    import numpy as np

    pixels = np.asarray(pixels, dtype=np.uint8)
    height, width, channels = pixels.shape
    if channels not in (3, 4):
        raise ValueError(f"a PNG of 3 or 4 channels, not {channels}")
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0, none
    rows[:, 1:].reshape(height, width, channels)[...] = pixels

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)),
        chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        chunk(b"IDAT", zlib.compress(rows.data, 3)),
        chunk(b"IEND", b""),
    ))


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
