"""The study as a slide deck (python-pptx): a slide per figure, then the conclusions slide.

Each figure slide holds the figure's title, its image (the PNG of ``figures/``, else its slide
PNG, else a placeholder that says why there is none), a source line and the data kind, and the
figure's note on suppressed values when it leaves any out. A figure that failed shows its placeholder
and the error. The conclusions slide lists the report's conclusions with their verdicts on the
run's data (:mod:`digimotor.metrics.conclusions`, the index's section). Slides are 16:9
(13.33 × 7.5 in).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import labels
from ..labels import table as catalogue_table
from .pages import (
    FigureExhibit,
    Page,
    exhibit_label,
    kind_label,
    suppressed_rows,
    suppression_note,
    text,
    write_zip,
)

if TYPE_CHECKING:
    import pandas as pd

#: PowerPoint's widescreen slide, 13.33 × 7.5 in (16:9 exactly), in EMU.
SLIDE_EMU = (12192000, 6858000)
DECK_TEXT: dict[str, dict[str, str]] = catalogue_table("exports_deck")


def _d(key: str, lang: str) -> str:
    entry = DECK_TEXT[key]
    return entry.get(lang, entry["sv"])


def _image(figure: FigureExhibit, lang: str) -> bytes:
    """The figure's PNG (the plain one, else the slide one), else a placeholder saying why."""
    from ..outputs import placeholder_png

    pngs = [p for p in figure.paths if p.name.endswith(".png") and not p.name.endswith(".slide.png")]
    pngs += [p for p in figure.paths if p.name.endswith(".slide.png")]
    if pngs:
        return pngs[0].read_bytes()
    return placeholder_png(figure.error or _d("no_image", lang), lang=lang)


def _textbox(slide, box, lines: Sequence[tuple[str, float, bool]]) -> None:
    """A text box at ``box`` (left, top, width, height in inches) with ``(text, size pt, bold)`` lines."""
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for i, (line, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold


def _figure_slide(deck, page: Page, figure: FigureExhibit, suppressed: str, lang: str) -> None:
    from PIL import Image
    from pptx.util import Inches

    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    title = figure.title or exhibit_label(figure.name, lang)
    _textbox(slide, (0.4, 0.2, 12.5, 0.9), [(title, 24, True),
                                            (f"{exhibit_label(figure.name, lang)} · {page.title}", 12, False)])
    data = _image(figure, lang)
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    box_w, box_h, top = 12.5, 5.0, 1.2
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    slide.shapes.add_picture(io.BytesIO(data), Inches(0.4 + (box_w - w) / 2), Inches(top + (box_h - h) / 2),
                             Inches(w), Inches(h))
    kind = page.figure_kind(figure)
    lines = [(f"{text('source', lang)}: {page.source_of(figure.name, kind, lang)}", 12, False),
             (f"{text('kind', lang)}: {kind_label(kind, lang) if kind else _page_kinds(page, lang)}", 12, True)]
    if figure.error:
        lines.append((f"{text('figure_failed', lang)}: {figure.error}", 12, True))
    if suppressed:
        lines.append((suppressed, 11, False))
    _textbox(slide, (0.4, 6.3, 12.5, 1.1), lines)
    slide.notes_slide.notes_text_frame.text = f"{page.name}.html · {', '.join(p.name for p in figure.paths)}"


def _page_kinds(page: Page, lang: str) -> str:
    return ", ".join(kind_label(k, lang) for k in page.kinds) or "–"


def _suppression(page: Page, figure: FigureExhibit, lang: str) -> str:
    """The figure's line on suppressed values: its own note, else that of the table of the same name."""
    if figure.suppressed:
        return figure.suppressed
    import pandas as pd

    from ..metrics.suppression import FLAG
    from .xlsx import read_table

    for table in page.tables:
        if table.name == figure.name and FLAG in pd.read_csv(table.path, nrows=0).columns:
            count = suppressed_rows(read_table(table.path))
            if count:
                return suppression_note(count, page.min_respondents, lang)
    return ""


def _conclusions_slide(deck, verdicts: pd.DataFrame | None, lang: str) -> None:
    import pandas as pd
    from pptx.util import Inches, Pt

    from ..site.frame import LABELS, label

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _textbox(slide, (0.4, 0.2, 12.5, 0.8), [(_d("conclusions", lang), 26, True)])
    kinds: list[str] = []
    if verdicts is None or verdicts.empty:
        _textbox(slide, (0.4, 1.3, 12.5, 1.0), [(_d("no_rules", lang), 16, False)])
    else:
        head = [label(k, lang) for k in ("conclusion", "verdict", "explanation")]
        table = slide.shapes.add_table(len(verdicts) + 1, 3, Inches(0.4), Inches(1.1), Inches(12.5),
                                       Inches(5.0)).table
        for j, width in enumerate((3.6, 1.9, 7.0)):
            table.columns[j].width = Inches(width)
        rows = [head]
        for r in verdicts.to_dict("records"):
            verdict = str(r["verdict"])
            name = label(f"verdict.{verdict}", lang) if f"verdict.{verdict}" in LABELS else verdict
            title = r[labels.column("title", lang)]
            explanation = r[labels.column("explanation", lang)]
            rows.append([f"{r['number']}. {title}", name, str(explanation)])
            given = r.get("data_kinds")
            for k in (str(given).split(";") if given is not None and not pd.isna(given) else []):
                if k and k not in kinds:
                    kinds.append(k)
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.text = value
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(12 if i == 0 else 10)
                        run.font.bold = i == 0
    _textbox(slide, (0.4, 6.4, 12.5, 0.9), [
        (f"{text('source', lang)}: {_d('conclusions.source', lang)}", 12, False),
        (f"{text('kind', lang)}: {', '.join(kind_label(k, lang) for k in kinds) or '–'}", 12, True)])


def write_deck(pages: Sequence[Page], target: Path, *, lang: str = "sv",
               verdicts: pd.DataFrame | None = None) -> Path:
    """Write the deck: a slide per figure of ``pages`` (in page order), then the conclusions slide."""
    from pptx import Presentation

    from ..study.file import study_title

    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_EMU
    props = deck.core_properties
    props.author = props.last_modified_by = "digimotor"
    props.title = study_title() or labels.text("exports_deck.title", lang)  # a study's deck is titled for it
    props.created = props.modified = datetime(2021, 1, 1)
    props.revision = 1
    for page in pages:
        for figure in page.figures:
            _figure_slide(deck, page, figure, _suppression(page, figure, lang), lang)
    _conclusions_slide(deck, verdicts, lang)
    buffer = io.BytesIO()
    deck.save(buffer)
    return write_zip(target, buffer.getvalue())
