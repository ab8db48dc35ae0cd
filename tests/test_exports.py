"""Exports that open where people work (issue 15, item 2 and "Bad input").

The XLSX workbooks read back to the CSVs' values, the deck has a slide per figure plus the
conclusions, the slide PNGs are 16:9 at 200 dpi or more, the CSVs keep formula-like text as it
is, and a figure that fails is a placeholder with its error, never a broken image.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from digimotor import exports, outputs
from digimotor.errors import DigimotorError
from digimotor.exports import FigureExhibit, Page, TableExhibit
from digimotor.exports.deck import write_deck
from digimotor.exports.xlsx import HEADER_ROW, read_table, write_workbook
from digimotor.metrics.suppression import SUPPRESSED

#: slide PNGs and the deck are what these tests look at: every figure format (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("every_figure_format")

SLIDE_WIDTH_INCHES = 13.333  # PowerPoint's widescreen slide


def _pages(root: Path) -> list[Page]:
    """The default run's pages, as the site's exports saw them (manifests from the run's cache)."""
    pages = []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        record = json.loads((root / "build" / "cache" / f"{path.stem}.json").read_text(encoding="utf-8"))
        res = type("Res", (), {"manifest": record["manifest"], "parameters": record.get("parameters", {}),
                               "cached": False})()
        pages.extend(exports.collect_pages([(path, res)], root=root))
    return pages


def _sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=False)]


def _csv_value(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


# ---------------------------------------------------------------------------------------
# The default run's exports
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_workbooks_read_back_to_the_csv_values(default_run):
    from openpyxl import load_workbook

    root, files = default_run.root, default_run.root / "build" / "site" / "files"
    pages = _pages(root)
    assert [p.name for p in pages] == [f"0{i}-" + n for i, n in enumerate(
        ["demography", "broadband", "dimios-maturity", "tbm-cost", "capability-map", "scenarios",
         "survey-and-strategy"], start=1)]
    labels = exports.headers("sv")
    missing = sorted({c for p in pages for t in p.tables for c in pd.read_csv(t.path, nrows=0).columns} - set(labels))
    assert missing == []  # every column of the default run has a Swedish header
    checked = {"numbers": 0, "formula": 0, "suppressed": 0}
    for page in pages:
        book = load_workbook(files / f"{page.name}.xlsx")
        assert book.sheetnames[-1] == "Källor och datatyper"
        assert len(book.sheetnames) == len(page.tables) + 1
        for table, name in zip(page.tables, book.sheetnames, strict=False):
            sheet = book[name]
            assert name == table.name[:31]
            frame = read_table(table.path)
            header = [c.value for c in sheet[HEADER_ROW]]
            assert header == [labels[c] for c in frame.columns]
            assert sheet.cell(2, 1).value.startswith("Datatyp: ")
            rows = _sheet_rows(sheet)
            assert len(rows) == len(frame)
            flags = frame["suppressed"].tolist() if "suppressed" in frame else [False] * len(frame)
            for cells, values, flagged in zip(rows, frame.itertuples(index=False, name=None), flags, strict=True):
                for cell, value in zip(cells, values, strict=True):
                    expected = _csv_value(value)
                    if expected is None and flagged:
                        assert cell.value == SUPPRESSED
                        checked["suppressed"] += 1
                    elif isinstance(expected, bool) or expected is None:
                        assert cell.value is expected
                    elif isinstance(expected, int | float):
                        assert cell.data_type == "n" and cell.value == pytest.approx(expected, rel=1e-12)
                        assert cell.number_format != "General"
                        checked["numbers"] += 1
                    else:
                        assert cell.value == expected and cell.data_type == "s"
                        if outputs.formula_like(expected):
                            assert cell.quotePrefix
                            checked["formula"] += 1
            if flags and any(flags):
                assert "Röjandeskydd: " in sheet.cell(3, 1).value and "(”..”)" in sheet.cell(3, 1).value
        # the sources sheet: every exhibit with its data kind (code) and a source
        sources = book["Källor och datatyper"]
        listed = {}
        for row in sources.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
            if not any(row):  # the inputs follow after an empty row
                break
            listed[row[1]] = row
        for exhibit in [*page.tables, *page.figures]:
            row = listed[exhibit.name]
            assert row[5] in ("published", "public", "synthetic", "user"), row
            assert row[6] and row[6] != "–", row
        assert any(r[0] and r[0].startswith("data/raw/") for r in sources.iter_rows(values_only=True))
    assert checked["numbers"] > 5000 and checked["formula"] >= 9 and checked["suppressed"] > 100, checked


@pytest.mark.slow
def test_csvs_keep_formula_like_text_unmodified(default_run):
    infosec = (default_run.root / "data" / "processed" / "fig12_dimios_infosec.csv").read_text(encoding="utf-8")
    shares = (default_run.root / "data" / "processed" / "fig20_survey_published_shares.csv").read_text(encoding="utf-8")
    assert ",= 1-10 timmar," in infosec and ",'=" not in infosec
    assert "15.0,=,0,2322" in shares and "'=" not in shares


@pytest.mark.slow
def test_deck_has_a_slide_per_figure_and_the_conclusions(default_run):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    root = default_run.root
    pages = _pages(root)
    figures = [(page, figure) for page in pages for figure in page.figures]
    assert len(figures) == 22
    deck = Presentation(root / "build" / "site" / "files" / exports.DECK_NAME)
    slides = list(deck.slides)
    assert len(slides) == len(figures) + 1
    assert deck.slide_width * 9 == deck.slide_height * 16
    for slide, (page, figure) in zip(slides, figures, strict=False):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        png = next(p for p in figure.paths if p.name == f"{figure.name}.png")
        assert pictures[0].image.blob == png.read_bytes()  # the figure itself
        words = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        kind = page.figure_kind(figure)
        assert kind is not None, figure.name
        assert f"Datatyp: {exports.kind_label(kind)}" in words
        source = page.source_of(figure.name, kind)
        assert source != "–" and f"Källa: {source}" in words
        if figure.title:
            assert words.startswith(figure.title)
    last = slides[-1]
    words = "\n".join(s.text_frame.text for s in last.shapes if s.has_text_frame)
    assert "Studiens slutsatser prövade på körningens data" in words and "Källa: " in words and "Datatyp: " in words
    table = next(s.table for s in last.shapes if s.has_table)
    verdicts = pd.read_csv(root / "build" / "site" / "conclusions.csv")
    assert len(table.rows) == len(verdicts) + 1 == 6
    assert [table.cell(i + 1, 0).text for i in range(len(verdicts))] == [
        f"{n}. {t}" for n, t in zip(verdicts["number"], verdicts["title_sv"], strict=True)]
    assert table.cell(3, 1).text == "inte prövad (exempeldata)"  # C3 on synthetic TBM data
    # the figure that leaves municipalities out says so on its slide, and only that one
    noted = [f.name for slide, (_p, f) in zip(slides, figures, strict=False)
             if "med färre än 3 svarande: värdena visas inte (röjandeskydd)"
             in "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)]
    assert noted == ["survey_by_municipality"]
    # the index links the workbooks and the deck
    index = (root / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="files/{exports.DECK_NAME}"' in index and 'href="files/01-demography.xlsx"' in index


@pytest.mark.slow
def test_slide_pngs_are_16_9_at_200_dpi_or_more(default_run):
    from PIL import Image

    slides = sorted((default_run.root / "figures").glob("*.slide.png"))
    assert len(slides) == 22
    for path in slides:
        with Image.open(path) as image:
            width, height = image.size
            assert width * 9 == height * 16, path.name
            assert width / SLIDE_WIDTH_INCHES >= 200 and image.info["dpi"][0] >= 200, path.name
            assert (default_run.root / "figures" / path.name.replace(".slide.png", ".svg")).exists()


# ---------------------------------------------------------------------------------------
# Workbooks and decks from hand-made tables
# ---------------------------------------------------------------------------------------


def _written_page(project: Path) -> Page:
    frame = pd.DataFrame({
        "municipality_code": ["0114", "1460", "1461"],
        "assessor": ["=cmd|'/c calc'!A1", "@SUM(A1)", "Åmål\x07"],
        "respondents": [12, 2, 15000],
        "share_pct": [12.25, None, -3.5],
        "suppressed": [False, True, False],
    })
    path = outputs.write_table(frame, "fig99_exports", kind="user")
    return Page("99-test", "99 · Test", tables=[TableExhibit("fig99_exports", path, "user")],
                inputs=[{"entry": "input", "path": "data/raw/user/x/a.csv", "dataset": "x", "source": "a",
                         "kind": "user", "sha256": "ab" * 32, "title": "Testdata"}],
                parameters={"min_respondents": 3})


def test_workbook_neutralises_formulas_and_marks_suppressed_values(project, tmp_path):
    from openpyxl import load_workbook

    page = _written_page(project)
    assert "=cmd|'/c calc'!A1" in page.tables[0].path.read_text(encoding="utf-8")  # the CSV as it is
    path = write_workbook(page, tmp_path)
    assert path.name == "99-test.xlsx"
    sheet = load_workbook(path)["fig99_exports"]
    assert sheet.cell(1, 1).value == "Figur 99 · fig99_exports · 99 · Test"
    assert sheet.cell(2, 1).value == "Datatyp: användarens data"
    assert sheet.cell(3, 1).value == "Röjandeskydd: 1 rad(er) har värden som inte visas (”..”), färre än 3 svarande"
    assert [c.value for c in sheet[HEADER_ROW]] == ["Kommunkod", "assessor", "Svarande", "Andel (%)", "Röjandeskydd",
                                                     "Datatyp"]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    assert [r[0].value for r in rows] == ["0114", "1460", "1461"]  # codes stay text, leading zero kept
    formula, at = rows[0][1], rows[1][1]
    assert formula.value == "=cmd|'/c calc'!A1" and formula.data_type == "s" and formula.quotePrefix
    assert at.value == "@SUM(A1)" and at.data_type == "s" and at.quotePrefix
    assert rows[2][1].value == "Åmål\ufffd" and not rows[2][1].quotePrefix
    assert [r[2].value for r in rows] == [12, 2, 15000]
    assert [r[2].number_format for r in rows] == ["#,##0"] * 3
    assert [r[3].value for r in rows] == [12.25, SUPPRESSED, -3.5] and rows[0][3].number_format == "#,##0.0"
    assert [r[4].value for r in rows] == [False, True, False]
    sources = load_workbook(path)["Källor och datatyper"]
    values = [r for r in sources.iter_rows(values_only=True)]
    assert ("Figur 99 (tabell)", "fig99_exports", "fig99_exports", "fig99_exports.csv", "användarens data", "user",
            "Testdata", "Röjandeskydd: 1 rad(er) har värden som inte visas (”..”), färre än 3 svarande") in values
    assert ("data/raw/user/x/a.csv", "x", "a", "användarens data", "ab" * 32, "Testdata") in [r[:6] for r in values]
    # the same inputs give the same bytes; English headers under lang="en"
    (tmp_path / "again").mkdir()
    assert write_workbook(page, tmp_path / "again").read_bytes() == path.read_bytes()
    stamped = load_workbook(path).properties  # openpyxl stamps the save time; the file keeps a fixed date
    assert stamped.modified == stamped.created and stamped.modified.year < 2026
    english = load_workbook(write_workbook(page, tmp_path, lang="en"))
    assert english.sheetnames[-1] == "Sources and data kinds"
    assert [c.value for c in english["fig99_exports"][HEADER_ROW]][:3] == ["Municipality code", "assessor", "Respondents"]


# ---------------------------------------------------------------------------------------
# A figure that fails
# ---------------------------------------------------------------------------------------


def _failing_figure():
    from matplotlib.artist import Artist

    from digimotor.plots.style import mark_kind, new_axes

    class Broken(Artist):
        def draw(self, renderer):
            raise ValueError("bar 3 has no value")

    ax = new_axes()
    ax.bar([1, 2], [3, 4])
    ax.set_title("Bredband")
    mark_kind(ax, "public", "sv", "PTS")
    ax.add_artist(Broken())
    return ax.figure


def test_a_figure_that_cannot_be_drawn_is_saved_as_a_placeholder(project, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    from PIL import Image

    from digimotor.manifest import ENV_MANIFEST, read

    monkeypatch.setenv(ENV_MANIFEST, str(tmp_path / "manifest.jsonl"))
    fig = _failing_figure()
    with pytest.raises(DigimotorError, match=r"figure fig99_broken could not be drawn: ValueError: bar 3 has no value"):
        outputs.save_figure(fig, "fig99_broken")
    figures = project / "figures"
    assert sorted(p.name for p in figures.iterdir()) == ["fig99_broken.png", "fig99_broken.slide.png",
                                                         "fig99_broken.svg"]
    expected = outputs.placeholder_png("ValueError: bar 3 has no value")
    assert (figures / "fig99_broken.png").read_bytes() == expected
    with Image.open(figures / "fig99_broken.slide.png") as slide:
        assert slide.size == outputs.SLIDE_PIXELS
    svg = (figures / "fig99_broken.svg").read_text(encoding="utf-8")
    assert "Figuren kunde inte ritas" in svg and "ValueError: bar 3 has no value" in svg
    # the page shows the placeholder, not a half-drawn figure
    shown, size = outputs.shown_png(fig, lambda _f: pytest.fail("drawn again"))
    assert base64.b64decode(shown) == expected and size["width"] > 0
    (entry,) = read(tmp_path / "manifest.jsonl", root=project)
    assert entry["error"] == "ValueError: bar 3 has no value" and entry["kind"] == "public" and entry["title"] == "Bredband"
    # the deck shows the placeholder and the error on the figure's slide
    page = Page("99-test", "99 · Test", figures=[FigureExhibit(
        "fig99_broken", [figures / "fig99_broken.png"], title="Bredband", kind="public", source="PTS",
        error=entry["error"])])
    from pptx import Presentation

    deck = Presentation(write_deck([page], tmp_path / "deck.pptx"))
    first = list(deck.slides)[0]
    words = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "Figuren kunde inte ritas: ValueError: bar 3 has no value" in words
    assert "Källa: PTS" in words and "Datatyp: offentlig statistik" in words
    assert [s.image.blob for s in first.shapes if s.shape_type == 13] == [expected]
    plt.close(fig)


_FAILED_CELL = """
import json, sys
import nbformat
from digimotor.run import execute_in_process
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(
    "import matplotlib.pyplot as plt\\nfig, ax = plt.subplots()\\nax.plot([1, 2])\\nraise RuntimeError('the data ran out')")]
cell, _cell_id, error = execute_in_process(nb)
images = [o["data"]["image/png"] for o in nb.cells[0].outputs if "image/png" in o.get("data", {})]
print(json.dumps({"cell": cell, "error": error, "images": images}))
"""


def test_a_failed_cell_shows_a_placeholder_not_a_half_drawn_figure(project):
    import subprocess
    import sys

    from conftest import REPO

    # in a process of its own: the notebook shell is a singleton and switches pyplot to inline
    proc = subprocess.run([sys.executable, "-c", _FAILED_CELL], capture_output=True, text=True, timeout=120,
                          cwd=project, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["cell"] == 1 and result["error"] == "RuntimeError: the data ran out"
    assert len(result["images"]) == 1
    assert base64.b64decode(result["images"][0]) == outputs.placeholder_png("RuntimeError: the data ran out")


def test_a_figure_that_raises_while_shown_is_a_placeholder():
    from matplotlib.figure import Figure

    def draw(_fig):
        raise OverflowError("too many ticks")

    data, size = outputs.shown_png(Figure(), draw)
    assert base64.b64decode(data) == outputs.placeholder_png("OverflowError: too many ticks")
    # the placeholder's 9 x 5 in at the figure's 100 dpi; a figure without a title says so as its alt text
    assert size == {"width": 900, "height": 500, "alt": "Figur utan rubrik"}
