"""What the exports share: the pages of a run and what each wrote, labels, headers, zips."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes
from ..config import project_root
from ..labels import table as catalogue_table

if TYPE_CHECKING:
    import pandas as pd

#: File name of the slide deck in the site's ``files/`` folder.
DECK_NAME = "digimotor.pptx"

TEXT: dict[str, dict[str, str]] = catalogue_table("exports_pages")


def text(key: str, lang: str = "sv", **values: object) -> str:
    """The export text ``key`` in ``lang`` (Swedish unless ``en``), filled with ``values``."""
    entry = TEXT[key]
    return entry.get(lang, entry["sv"]).format(**values)


@dataclass
class TableExhibit:
    """A table a page wrote: its name, CSV and data kind."""

    name: str
    path: Path
    kind: str


@dataclass
class FigureExhibit:
    """A figure a page wrote, with what it said about itself (``outputs.figure_meta``)."""

    name: str
    paths: list[Path]
    title: str = ""
    kind: str | None = None
    source: str | None = None
    note: str | None = None
    error: str | None = None
    suppressed: str | None = None  # the figure's own note on suppressed units


@dataclass
class Page:
    """What one notebook page wrote, read from its run manifest."""

    name: str
    title: str
    tables: list[TableExhibit] = field(default_factory=list)
    figures: list[FigureExhibit] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    cached: bool = False  # the notebook did not run this time (its outputs are those of its last run)

    @property
    def kinds(self) -> list[str]:
        found = {t.kind for t in self.tables} | {i.get("kind") for i in self.inputs}
        return [k for k in ("published", "public", "synthetic", "user") if k in found]

    def figure_kind(self, figure: FigureExhibit) -> str | None:
        """A figure's kind: its own (``mark_kind``), else that of the table of the same name."""
        if figure.kind:
            return figure.kind
        same = [t.kind for t in self.tables if t.name == figure.name]
        if same:
            return same[0]
        kinds = self.kinds
        return kinds[0] if len(kinds) == 1 else None

    def source_of(self, name: str, kind: str | None, lang: str = "sv") -> str:
        """The source line of exhibit ``name``: the figure's own, else the page's inputs of its kind."""
        own = [f.source for f in self.figures if f.name == name and f.source]
        if own:
            return own[0]
        titles = sorted({str(i.get("title") or i.get("dataset")) for i in self.inputs
                         if kind is None or i.get("kind") == kind})
        return "; ".join(titles) if titles else "–"

    @property
    def min_respondents(self) -> int | None:
        value = self.parameters.get("min_respondents")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def collect_pages(summaries: Sequence[tuple[Path, Any]], root: Path | None = None,
                  titles: Mapping[str, str] | None = None) -> list[Page]:
    """The pages of the run (``(notebook path, NotebookResult or None)`` pairs) and what each wrote.

    A table or figure named twice on a page counts once (its last entry); files that do not
    exist are left out.
    """
    from ..params import run_values

    root = project_root() if root is None else root
    pages = []
    for path, res in summaries:
        if res is None:
            continue
        parameters = run_values(path, res.parameters)
        page = Page(path.stem, (titles or {}).get(path.stem, path.stem), parameters=parameters, cached=bool(getattr(res, "cached", False)))
        tables: dict[str, TableExhibit] = {}
        figures: dict[str, FigureExhibit] = {}
        for entry in res.manifest:
            kind = entry.get("entry")
            if kind == "table" and (root / entry["path"]).exists():
                tables.pop(entry["name"], None)
                tables[entry["name"]] = TableExhibit(entry["name"], root / entry["path"], entry["kind"])
            elif kind == "figure":
                figures.pop(entry["name"], None)
                figures[entry["name"]] = FigureExhibit(
                    entry["name"], [root / p for p in entry["paths"] if (root / p).exists()],
                    title=str(entry.get("title") or ""), kind=entry.get("kind"), source=entry.get("source"),
                    note=entry.get("note"), error=entry.get("error"), suppressed=entry.get("suppressed"))
            elif kind == "input" and entry not in page.inputs:
                page.inputs.append(entry)
        page.tables, page.figures = list(tables.values()), list(figures.values())
        pages.append(page)
    return pages


def esc(value: object) -> str:
    """HTML-escaped text of ``value`` (None is empty)."""
    import html

    return html.escape("" if value is None else str(value))


def kind_label(kind: str | None, lang: str = "sv") -> str:
    from ..site.frame import KIND_LABELS

    if not kind:
        return "–"
    return KIND_LABELS.get(kind, {}).get(lang, kind)


def exhibit_label(name: str, lang: str = "sv") -> str:
    """``Figur 7`` for ``fig07_…`` (the site's exhibit label), else the name."""
    from ..site.exhibits import exhibit_label as _exhibit_label

    return _exhibit_label(name, lang)


def suppressed_rows(frame: pd.DataFrame) -> int:
    """Rows of ``frame`` whose ``suppressed`` flag is true (values withheld, shown as "..")."""
    from ..metrics.suppression import FLAG

    if FLAG not in frame.columns:
        return 0
    return int(frame[FLAG].map(lambda v: v is True or str(v).strip().lower() == "true").sum())


def suppression_note(count: int, min_respondents: int | None, lang: str = "sv") -> str:
    threshold = text("threshold", lang, n=min_respondents) if min_respondents else ""
    return text("suppressed", lang, count=count, threshold=threshold)


_STORED = (".png", ".jpeg", ".jpg")


_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"<dcterms:created\b[^>]*>([^<]*)</dcterms:created>")


def _fixed_core(xml: bytes) -> bytes:
    """``docProps/core.xml`` with ``modified`` equal to ``created`` (openpyxl stamps the save time)."""
    created = _CREATED.search(xml)
    return _MODIFIED.sub(lambda m: m.group(1) + created.group(1) + m.group(2), xml) if created else xml


def stable_zip(data: bytes) -> bytes:
    """``data`` (a zip: XLSX, PPTX) with fixed entry timestamps and document dates, so a rerun
    writes the same bytes."""
    import io

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            # images are compressed already: deflating them again costs time and saves nothing
            info.compress_type = zipfile.ZIP_STORED if item.filename.endswith(_STORED) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            body = source.read(item.filename)
            target.writestr(info, _fixed_core(body) if item.filename == "docProps/core.xml" else body)
    return out.getvalue()


def write_zip(target: Path, data: bytes) -> Path:
    return write_bytes(target, stable_zip(data))


def _one_line(exc: BaseException) -> str:
    from ..outputs import one_line_error

    return one_line_error(exc)


def headers(lang: str = "sv") -> Mapping[str, str]:
    """Column headers of the workbooks (``headers.yml``: column -> [Swedish, English]) in ``lang``."""
    if not _HEADERS:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(Path(__file__).with_name("headers.yml").read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        _HEADERS.update({str(k): [str(v[0]), str(v[1])] for k, v in data.items()})
    index = 1 if lang == "en" else 0
    return {k: v[index] for k, v in _HEADERS.items()}


_HEADERS: dict[str, list[str]] = {}
