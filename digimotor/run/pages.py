"""The runner's one interface to the site builder (:mod:`digimotor.site`).

The runner hands the site what it produced: executed notebooks, their results and the
notebooks' titles (:func:`~digimotor.run.discover.page_context`). The site imports nothing
from the runner; every call from the runner into the site goes through this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import site
from ..atomic import write_text
from ..config import notebooks_dir
from .discover import discover_notebooks, page_context


def warm_exporters() -> None:
    """Build the site's HTML exporters (both modes) in the warm parent and render a page with the
    default one (:func:`digimotor.site.warm_exporter`), so that no process pays for it again."""
    site.warm_exporter(False)
    site.exporter(True)


def render_page(nb, target: Path, *, name: str, show_code: bool, manifest: Sequence[Mapping[str, Any]],
                failure: Mapping[str, Any] | None, context: Mapping[str, Any]) -> Path:
    """The page of an executed (or failed) notebook, with navigation and banners."""
    return site.render_notebook(nb, target, name=name, show_code=show_code, manifest=manifest,
                                failure=failure, context=context)


def remember_anchors(page: Path) -> None:
    """Read the heading anchors of a page just rendered (kept for the index, :func:`digimotor.site.exhibits.page_anchors`)."""
    import contextlib

    from ..site.exhibits import store_anchors

    with contextlib.suppress(Exception):  # the index reads the page itself then
        store_anchors(page)


def banner_page(target: Path, name: str, failure: Mapping[str, Any], context: Mapping[str, Any]) -> Path:
    """A page that holds only the failure banner (the notebook itself could not be rendered)."""
    return write_text(target, site.page(name, site.failure_banner(failure), context, name))


def index_preparation(old_site: Path, kept: Sequence[tuple[Path, Any]]) -> list[Callable[[], Any]]:
    """Steps to take while notebooks run: read what the index needs of the pages ``kept`` from ``old_site``."""
    return site.preparation(old_site, kept)


def build_index(site_dir: Path, summaries: Sequence[tuple[Path, Any]], context: Mapping[str, Any], *,
                show_code: bool):
    """The index, method page, style and files of the site; returns the claims scorecard."""
    return site.build_site(site_dir, summaries, show_code=show_code, titles=dict(context["notebooks"]),
                           titles_by_lang={lang: dict(pairs) for lang, pairs in context.get("by_lang", {}).items()})


def render_html(notebook: Path, page: Path, show_code: bool = False) -> Path:
    """Render an executed notebook file to a standalone HTML page (code hidden unless ``show_code``)."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    context = page_context(discover_notebooks()) if notebooks_dir().exists() else {"notebooks": []}
    render_page(nb, page, name=notebook.stem, show_code=show_code, manifest=[], failure=None, context=context)
    return page
