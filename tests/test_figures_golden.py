"""Every figure keeps its content, and figures are saved once per format asked for.

The text of each SVG of the session's default run (labels, tick labels, annotations, legends,
the synthetic-data watermark and the data-kind note; ``svg.fonttype`` is "none", so every text
is a ``<text>`` element) is compared, in document order, with ``tests/golden/figure_texts.json``.
Pixels may change with the layout; what a figure says may not, and every text sits inside the
saved image.

After an intended change of a figure's texts, rewrite the golden file and review its diff:

    DIGIMOTOR_UPDATE_GOLDEN=1 python -m pytest tests/test_figures_golden.py -k golden
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

#: save_figure's default formats and the slide PNGs are tested here: every figure format (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("every_figure_format")

GOLDEN = Path(__file__).resolve().parent / "golden" / "figure_texts.json"
SVG = "{http://www.w3.org/2000/svg}"
_TRANSLATE = re.compile(r"translate\(([-\d.e]+)[ ,]([-\d.e]+)\)")


def svg_texts(path: Path) -> list[str]:
    """The texts of an SVG written by matplotlib with ``svg.fonttype: none``, in document order."""
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()).strip() for t in root.iter(SVG + "text")]


def svg_text_anchors(path: Path) -> tuple[float, float, list[tuple[str, float, float]]]:
    """The SVG's viewBox width and height, and each text with the point it is anchored at."""
    root = ET.parse(path).getroot()
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    anchors = []
    for t in root.iter(SVG + "text"):
        if t.get("x") is not None:
            x, y = float(t.get("x")), float(t.get("y"))
        else:
            x, y = (float(v) for v in _TRANSLATE.search(t.get("transform", "")).groups())
        anchors.append(("".join(t.itertext()).strip(), x, y))
    return width, height, anchors


@pytest.mark.slow
def test_figure_texts_equal_the_golden_file(default_run):
    figures = sorted((default_run.root / "figures").glob("*.svg"))
    assert figures, "the default run wrote no SVG"
    produced = {p.stem: svg_texts(p) for p in figures}
    if os.environ.get("DIGIMOTOR_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(produced, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(produced) == sorted(golden)
    for name, texts in golden.items():
        assert produced[name] == texts, f"{name}: texts differ from {GOLDEN.name}"


@pytest.mark.slow
def test_every_text_is_inside_the_saved_figure(default_run):
    outside = []
    for path in sorted((default_run.root / "figures").glob("*.svg")):
        width, height, anchors = svg_text_anchors(path)
        outside += [(path.stem, text, x, y) for text, x, y in anchors
                    if text and not (0 <= x <= width and 0 <= y <= height)]
    assert outside == []


def test_seaborn_theme_is_seaborns():
    """The theme applied without importing seaborn equals seaborn's ``set_theme`` values."""
    import seaborn as sns

    from digimotor.plots.style import SEABORN_DEEP, SEABORN_THEME

    expected = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.95)}
    expected.pop("image.cmap")  # "rocket", seaborn's own colormap: every image names its colormap
    assert SEABORN_THEME == expected
    assert list(SEABORN_DEEP) == sns.color_palette("deep").as_hex()


def test_plots_and_notebook_helpers_import_no_seaborn():
    import subprocess
    import sys

    code = ("import sys, pkgutil, importlib\nimport digimotor.plots as p\n"
            "from digimotor.plots.style import apply_style, new_axes\nimport digimotor.outputs\n"
            "[importlib.import_module('digimotor.plots.' + m.name) for m in pkgutil.iter_modules(p.__path__)]\n"
            "apply_style(); new_axes()\nprint('seaborn' in sys.modules, 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "MPLBACKEND": "agg"}, timeout=120).stdout
    assert out.split() == ["False", "False"]


# ---------------------------------------------------------------------------------------
# save_figure: one layout, the formats asked for, nothing cut off
# ---------------------------------------------------------------------------------------


def _figure(note_outside: bool = False):
    from digimotor.plots.style import mark_kind, new_axes

    ax = new_axes()  # the package default size, 9 × 5 in
    ax.plot([1, 2, 3], [3, 1, 2], label="Åmål")
    ax.set_title("Vänersborg")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    mark_kind(ax, "synthetic", "sv")
    if note_outside:
        ax.figure.text(0.01, -0.05, "en rad under figuren", va="top")
    return ax.figure


def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def test_save_figure_writes_both_formats_of_one_layout(project):
    import matplotlib.pyplot as plt

    from digimotor import outputs

    fig = _figure()
    engine = fig.get_layout_engine()
    paths = outputs.save_figure(fig, "fig99_speed")
    assert [p.name for p in paths] == ["fig99_speed.png", "fig99_speed.svg", "fig99_speed.slide.png"]
    width, height, anchors = svg_text_anchors(paths[1])
    assert (width, height) == (9 * 72, 5 * 72)  # the figure itself: no tight bounding box
    assert _png_size(paths[0]) == (9 * 150, 5 * 150)
    texts = [text for text, _x, _y in anchors]
    assert {"Vänersborg", "Åmål", "SYNTETISKA EXEMPELDATA", "Syntetiska exempeldata – inte studiens resultat"} <= set(texts)
    assert all(0 <= x <= width and 0 <= y <= height for _t, x, y in anchors)
    assert fig.get_layout_engine() is engine  # the layout engine is given back
    again = outputs.save_figure(fig, "fig99_again", formats="png,svg")
    assert again[1].read_bytes().replace(b"fig99_again", b"") == paths[1].read_bytes().replace(b"fig99_speed", b"")
    plt.close(fig)


def test_a_slide_drawn_in_a_forked_child_equals_one_drawn_in_place(project):
    """The runner's workers draw slides in a child (figure_files.background_slides): same bytes."""
    import matplotlib.pyplot as plt

    from digimotor import figure_files, outputs

    fig = _figure()
    in_place = outputs.save_figure(fig, "fig99_here")
    with figure_files.background_slides():
        in_child = outputs.save_figure(fig, "fig99_child")
        assert figure_files._BACKGROUND["children"]  # the slide is being drawn in a child
    assert figure_files._BACKGROUND is None  # every child was waited for
    for here, child in zip(in_place, in_child, strict=True):
        assert child.exists()
        assert child.read_bytes().replace(b"fig99_child", b"") == here.read_bytes().replace(b"fig99_here", b""), child.name
    plt.close(fig)


def test_a_text_outside_the_figure_widens_the_saved_area(project):
    import matplotlib.pyplot as plt

    from digimotor import outputs

    fig = _figure(note_outside=True)
    png, svg, slide = outputs.save_figure(fig, "fig99_outside")
    width, height, anchors = svg_text_anchors(svg)
    assert width == 9 * 72 and height > 5 * 72
    assert all(0 <= x <= width and 0 <= y <= height for _t, x, y in anchors)
    assert "en rad under figuren" in [t for t, _x, _y in anchors]
    assert _png_size(png) == (round(width * 150 / 72), round(height * 150 / 72))
    assert _png_size(slide) == outputs.SLIDE_PIXELS
    plt.close(fig)


def test_only_the_formats_asked_for_are_written(project, monkeypatch):
    import matplotlib.pyplot as plt

    from digimotor import outputs
    from digimotor.errors import ParameterError

    fig = _figure()
    assert [p.name for p in outputs.save_figure(fig, "fig99_svg", formats="svg")] == ["fig99_svg.svg"]
    both = outputs.save_figure(_figure(), "fig99_both", formats="png,svg")
    # an SVG saved alone is laid out exactly as one saved with its PNG
    assert (project / "figures/fig99_svg.svg").read_bytes() == both[1].read_bytes()
    for path in both:
        path.unlink()
    monkeypatch.setenv(outputs.ENV_FIGURE_FORMATS, "png")
    assert [p.name for p in outputs.save_figure(fig, "fig99_png")] == ["fig99_png.png"]
    assert sorted(p.name for p in (project / "figures").iterdir()) == ["fig99_png.png", "fig99_svg.svg"]
    assert outputs.figure_formats(" SVG , png,svg") == ("svg", "png")
    for bad in ("pdf", "", "png;svg"):
        with pytest.raises(ParameterError, match="figure formats must be one or more of png, svg"):
            outputs.figure_formats(bad)
    plt.close(fig)


@pytest.mark.slow
def test_reproduce_formats_reach_the_notebooks_and_the_cache(project, monkeypatch, capsys):
    """``formats`` reaches the notebooks and the cache key; without it ``reproduce()`` and
    ``digimotor reproduce`` take DIGIMOTOR_FIGURE_FORMATS when set, else every format."""
    import nbformat

    from digimotor import outputs
    from digimotor.cli import main
    from digimotor.run import reproduce

    for path in (project / "notebooks").glob("[0-9][0-9]-*"):
        path.unlink()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 10-figure · test"), nbformat.v4.new_code_cell(
        "from digimotor import outputs\nfrom digimotor.plots.style import new_axes\n"
        "ax = new_axes()\nax.plot([1, 2])\noutputs.save_figure(ax.figure, 'fig99_nb')")]
    nbformat.write(nb, str(project / "notebooks" / "10-figure.ipynb"))
    (project / "notebooks" / "10-figure.params.yml").write_text("{}\n", encoding="utf-8")
    quiet = {"echo": lambda _m: None}
    result = reproduce(formats="png", **quiet)
    assert result.ok, result.results[0].error
    assert sorted(p.name for p in (project / "figures").iterdir()) == ["fig99_nb.png"]
    assert reproduce(formats="png", dry_run=True, **quiet).planned == []
    monkeypatch.setenv(outputs.ENV_FIGURE_FORMATS, "png")  # the variable stands for formats=None
    assert reproduce(dry_run=True, **quiet).planned == []
    assert main(["reproduce", "--dry-run"]) == 0 and "cached    10-figure: unchanged" in capsys.readouterr().out
    monkeypatch.setenv(outputs.ENV_FIGURE_FORMATS, "png,svg")
    assert main(["reproduce", "--dry-run"]) == 0 and "would run 10-figure: figure formats changed" in capsys.readouterr().out
    monkeypatch.delenv(outputs.ENV_FIGURE_FORMATS)
    assert reproduce(dry_run=True, **quiet).planned == [("10-figure", "figure formats changed")]
    assert reproduce(**quiet).ok
    assert sorted(p.name for p in (project / "figures").iterdir()) == ["fig99_nb.png", "fig99_nb.slide.png", "fig99_nb.svg"]


# ---------------------------------------------------------------------------------------
# The warm parent of the fork engine (issue 18, item 2)
# ---------------------------------------------------------------------------------------


def test_warm_parent_imports_no_seaborn_and_no_papermill():
    """seaborn is used by no notebook; papermill's import scans every entry point. scipy.optimize
    (used by several notebooks) is not in the warm-up itself: the parent imports it while the first
    workers run (``warm_shared``, when more notebooks wait). scipy.stats is in neither: the default
    run does not use it (``metrics.numstats``)."""
    import subprocess
    import sys

    code = ("import sys\nfrom digimotor.run import workers\nworkers.warm_up()\n"
            "print(*[m in sys.modules for m in ('seaborn', 'scipy.stats', 'papermill', 'pandas', "
            "'matplotlib.backends.backend_svg', 'nbconvert', 'pandas.io.formats.style')])\n"
            "workers.warm_shared()\nprint('scipy.optimize' in sys.modules, 'scipy.stats' in sys.modules, "
            "'seaborn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=os.environ.copy(), timeout=180).stdout
    assert out.split() == ["False", "False", "False", "True", "True", "True", "True", "True", "False", "False"]


def test_notebooks_are_read_as_papermill_reads_them():
    from papermill.iorw import load_notebook_node

    from digimotor.run.execute import load_notebook

    notebooks = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert notebooks
    for path in notebooks:
        assert load_notebook(path) == load_notebook_node(str(path)), path.name


@pytest.mark.slow
def test_the_longest_notebook_of_the_last_run_starts_first(project):
    import nbformat

    from digimotor.run import reproduce

    for path in (project / "notebooks").glob("[0-9][0-9]-*"):
        path.unlink()
    for name, code in (("10-quick", "x = 1"), ("11-slow", "import time\ntime.sleep(1.5)")):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name} · test"), nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, str(project / "notebooks" / f"{name}.ipynb"))
        (project / "notebooks" / f"{name}.params.yml").write_text("{}\n", encoding="utf-8")
    quiet = {"echo": lambda _m: None}
    assert reproduce(dry_run=True, **quiet).planned == [("10-quick", "never run"), ("11-slow", "never run")]
    first = reproduce(**quiet)
    assert first.ok and [r.name for r in first.results] == ["10-quick", "11-slow"]  # results keep notebook order
    assert reproduce(force=True, dry_run=True, **quiet).planned == [("11-slow", "forced"), ("10-quick", "forced")]
