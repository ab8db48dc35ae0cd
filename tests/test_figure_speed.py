"""The faster figure files keep every pixel: the PNG encoder and the slide composition (issue 18).

``figure_files.encode_png`` writes PNGs itself (rows unfiltered, zlib level 3) instead of PIL's
encoder, and the slide is composed in numpy; these tests decode what ``save_figure`` wrote and
compare it with what matplotlib's own ``savefig`` and PIL's paste (the code before) give for the
same laid-out figure: equal pixels, equal dpi, the same size.
"""

from __future__ import annotations

import io

import numpy as np
import pytest


def _decoded(data: bytes):
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.mode, image.info.get("dpi"), np.asarray(image.convert("RGBA"))


@pytest.mark.parametrize(("shape", "dpi"), [((1, 1, 3), 72), ((7, 13, 3), 150), ((40, 31, 4), 216.0),
                                            ((300, 17, 4), 96.5)])
def test_encode_png_round_trips(shape, dpi):
    from PIL import Image

    from digimotor.figure_files import encode_png

    pixels = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    pixels[: shape[0] // 2] = 255  # flat rows, as in a figure
    data = encode_png(pixels, dpi)
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # checks every chunk's CRC and the zlib stream
        assert image.mode == ("RGB" if shape[2] == 3 else "RGBA") and image.size == (shape[1], shape[0])
        assert np.array_equal(np.asarray(image), pixels)
        assert image.info["dpi"][0] == pytest.approx(dpi, abs=0.0127)  # pHYs holds whole dots per metre
        assert set(image.info) == {"dpi"}  # no text chunks, no timestamp


def _reference_slide(fig, area) -> bytes:
    """The slide as save_figure drew it before issue 18: savefig/Agg at the fitting dpi, PIL paste."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from digimotor.figure_files import SLIDE_DPI, SLIDE_PIXELS

    width, height = (area.width, area.height) if area is not None else tuple(fig.get_size_inches())
    canvas_w, canvas_h = SLIDE_PIXELS
    dpi = min(canvas_w * 0.96 / width, canvas_h * 0.96 / height)
    if area is None:
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
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches=area)
        with Image.open(io.BytesIO(buffer.getvalue())) as drawn:
            picture = drawn.convert("RGBA")
    slide = Image.new("RGB", SLIDE_PIXELS, "white")
    slide.paste(picture, ((canvas_w - picture.width) // 2, (canvas_h - picture.height) // 2), picture)
    out = io.BytesIO()
    slide.save(out, format="png", dpi=(SLIDE_DPI, SLIDE_DPI))
    return out.getvalue()


@pytest.mark.parametrize("variant", ["plain", "text_outside", "transparent"])
def test_saved_pixels_equal_matplotlibs_savefig_and_pils_paste(project, monkeypatch, variant):
    import matplotlib.pyplot as plt

    from digimotor import figure_files, outputs
    from digimotor.plots.style import mark_kind, new_axes

    ax = new_axes()
    ax.bar(["Åmål", "Bengtsfors", "Dals-Ed"], [3.2, 1.5, 2.25], label="Andel")
    ax.set_title("Vänersborg")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    mark_kind(ax, "synthetic", "sv")
    fig = ax.figure
    if variant == "text_outside":
        fig.text(0.01, -0.05, "en rad under figuren", va="top")
    if variant == "transparent":
        fig.patch.set_alpha(0.0)
        ax.patch.set_alpha(0.3)

    expected: dict[str, bytes] = {}
    area_seen = []
    area_outside, png_bytes, slide_png = figure_files._area_outside, figure_files._png_bytes, figure_files._slide_png

    def spy_area(figure):
        area_seen.append(area_outside(figure))
        return area_seen[-1]

    def spy_png(image, dpi):
        # before: PIL encoded the image of the layout pass, or savefig drew the widened area
        from PIL import Image

        buffer = io.BytesIO()
        if area_seen[0] is None:
            picture = Image.frombuffer("RGBA", image.shape[1::-1], np.ascontiguousarray(image), "raw", "RGBA", 0, 1)
            (picture.convert("RGB") if (image[..., 3] == 255).all() else picture).save(buffer, format="png",
                                                                                       dpi=(dpi, dpi))
        else:
            fig.savefig(buffer, format="png", bbox_inches=area_seen[0])
        expected["png"] = buffer.getvalue()
        return png_bytes(image, dpi)

    def spy_slide(figure, area):
        expected["slide"] = _reference_slide(figure, area)  # the layout is fixed here: the same figure
        return slide_png(figure, area)

    monkeypatch.setattr(figure_files, "_png_bytes", spy_png)
    monkeypatch.setattr(figure_files, "_area_outside", spy_area)
    monkeypatch.setattr(figure_files, "_slide_png", spy_slide)
    png, _svg, slide = outputs.save_figure(fig, "fig99_pixels", formats="png,svg,slide")
    assert (area_seen[0] is not None) == (variant == "text_outside")
    for name, path in (("png", png), ("slide", slide)):
        mode, dpi, pixels = _decoded(path.read_bytes())
        ref_mode, ref_dpi, ref_pixels = _decoded(expected[name])
        assert pixels.shape == ref_pixels.shape, name
        assert np.array_equal(pixels, ref_pixels), name
        assert dpi == pytest.approx(ref_dpi, abs=0.01), name
        assert mode == ("RGBA" if name == "png" and variant == "transparent" else "RGB"), name
    assert _decoded(slide.read_bytes())[2].shape[:2] == tuple(reversed(outputs.SLIDE_PIXELS))
    plt.close(fig)
