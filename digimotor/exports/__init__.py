"""Exports that open where people work: an XLSX workbook per page and a PPTX deck of the study.

The tidy CSVs in ``data/processed/`` stay the canonical machine output; these files are made
from them (and from the figures in ``figures/``) after the notebooks ran, for the site:

* ``files/<page>.xlsx`` (:mod:`.xlsx`): a sheet per table the page wrote, Swedish headers
  (English under ``lang="en"``), numbers as numbers with number formats, suppressed values
  shown as "..", formula-like text stored as text, and a sheet with every exhibit's source,
  data kind and the page's inputs with their checksums;
* ``files/digimotor.pptx`` (:mod:`.deck`): a slide per figure with title, image, source line
  and data kind, and a slide with the study's conclusions re-tested on the run's data.

What each page wrote comes from its run manifest (:mod:`digimotor.manifest`), so a page whose
notebook was cached still gets its exports. :func:`start_site_exports` is the one call the
site makes: it writes them in a forked process while the site builds its index
(:func:`write_site_exports` in place, where there is no ``fork``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pages import (
    DECK_NAME,
    FigureExhibit,
    Page,
    TableExhibit,
    _one_line,  # noqa: F401 - the link line names a failed write
    collect_pages,
    exhibit_label,
    headers,
    kind_label,
    suppressed_rows,
    suppression_note,
    text,
    write_zip,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DECK_NAME", "FigureExhibit", "Page", "TableExhibit", "collect_pages", "exhibit_label", "headers",
           "kind_label", "start_site_exports", "suppressed_rows", "suppression_note", "text", "write_site_exports",
           "write_zip"]


def write_site_exports(site_dir: Path, summaries: Sequence[tuple[Path, Any]], *, lang: str = "sv",
                       verdicts: pd.DataFrame | None = None, titles: Mapping[str, str] | None = None) -> str:
    """Write every page's workbook and the study's deck into ``site_dir/files``; return the index's link line.

    A file that cannot be written is named in the link line with the error (one line); the
    site is still built. The workbook of a page whose notebook was cached is copied from the
    current site (``build/site/files/``) when it is there.
    """
    import shutil

    from ..config import build_dir
    from .deck import write_deck
    from .pages import esc
    from .xlsx import workbook_name, write_workbook

    folder = site_dir / "files"
    folder.mkdir(parents=True, exist_ok=True)
    current = build_dir() / "site" / "files"
    pages = collect_pages(summaries, titles=titles)
    links = []
    for page in pages:
        if not page.tables and not page.figures:
            continue
        try:
            old = current / workbook_name(page, lang)
            if page.cached and old.is_file() and old.resolve() != (folder / old.name).resolve():
                book = Path(shutil.copy2(old, folder / old.name))
            else:
                book = write_workbook(page, folder, lang=lang)
        except Exception as exc:  # noqa: BLE001 - one failed export must not stop the site
            links.append(f"{esc(page.name)}.xlsx {text('failed', lang)}: <code>{esc(_one_line(exc))}</code>")
        else:
            links.append(f'<a href="files/{esc(book.name)}">{esc(book.name)}</a>')
    try:
        deck = write_deck(pages, folder / DECK_NAME, lang=lang, verdicts=verdicts)
        deck_link = f'<a href="files/{esc(deck.name)}">{esc(deck.name)}</a>'
    except Exception as exc:  # noqa: BLE001 - as above
        deck_link = f"{DECK_NAME} {text('failed', lang)}: <code>{esc(_one_line(exc))}</code>"
    return (f'<p class="dm-downloads">{text("workbooks", lang)}: {" · ".join(links) or "–"}<br>'
            f'{text("deck", lang)}: {deck_link}</p>')




def start_site_exports(site_dir: Path, summaries: Sequence[tuple[Path, Any]], *, lang: str = "sv",
                       verdicts: pd.DataFrame | None = None,
                       titles: Mapping[str, str] | None = None) -> Callable[[], str]:
    """Start :func:`write_site_exports` in a forked child; return the call that waits for its link line.

    The workbooks and the deck take a second or two of pure Python (openpyxl, python-pptx) that
    nothing else of the site needs: the child writes them while the site builds its index on
    another core. A child that ends without its answer (killed, crashed) is replaced by the
    work done in place, so the files and the line are always those of :func:`write_site_exports`.
    Without ``fork`` (or if it fails) the work is done at once.
    """
    import json
    import os

    from ..forking import end_with

    def in_place() -> str:
        return write_site_exports(site_dir, summaries, lang=lang, verdicts=verdicts, titles=titles)

    if not hasattr(os, "fork"):
        line = in_place()
        return lambda: line
    read_end, write_end = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        line = in_place()
        return lambda: line
    if pid == 0:  # the child: write the files, send the line, end without running the parent's code
        code = 1
        try:
            os.close(read_end)
            end_with(parent)
            data = json.dumps(in_place()).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)

    def result() -> str:
        chunks = []
        try:
            while chunk := os.read(read_end, 65536):
                chunks.append(chunk)
        finally:
            os.close(read_end)
            _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            try:
                return json.loads(b"".join(chunks))
            except ValueError:
                pass
        return in_place()

    return result

