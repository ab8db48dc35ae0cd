"""Where each exhibit of a run sits: its notebook page, the heading above it, its data kind and sources.

A notebook writes a table with ``outputs.write_table(df, "name", …)`` and a figure with
``outputs.save_figure(fig, "name")``; the run's manifest lists the names, not where on the page
they are. :func:`exhibit_index` reads the executed notebook (``build/notebooks/<name>.ipynb``,
else the source notebook) and takes, for every output name of the manifest that a code cell
mentions, the last heading above that cell (Markdown cells and Markdown outputs); the page's
HTML gives the heading's anchor. The gallery uses the heading as a figure's title (its alt text),
the municipality profiles link each number to the heading of its exhibit.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..labels import label
from .memo import by_content

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LITERAL = re.compile(r"""["']([A-Za-z0-9_]+)["']""")
_PAGE_IMPORT = re.compile(r"^\s*from digimotor\.parts import (\w+)", re.MULTILINE)
_METHOD_CALL = re.compile(r"\b\w+\.(\w+)\(")
_SELF_CALL = re.compile(r"\bself\.(\w+)\(")
PARTS_DIR = Path(__file__).resolve().parent.parent / "parts"


@dataclass
class Exhibit:
    """One table or figure a notebook wrote."""

    name: str
    notebook: str  # the page's stem, e.g. "02-broadband"
    entry: str  # "table" or "figure"
    heading: str = ""  # the heading above the cell that wrote it ("" if not found)
    anchor: str = ""  # the heading's fragment on the page, "#…" ("" if not found)
    kind: str | None = None  # the data kind (tables; figures: that of the table of the same name)
    paths: list[str] = field(default_factory=list)  # project-relative files

    @property
    def href(self) -> str:
        """The exhibit on its page (relative to the site's root)."""
        return f"{self.notebook}.html{self.anchor}"

    def title(self, lang: str = "sv") -> str:
        """The heading above it, else a label from its name ("Figur 14", …)."""
        return self.heading or exhibit_label(self.name, lang)


def exhibit_label(name: str, lang: str = "sv") -> str:
    """``fig14_x`` -> "Figur 14", ``tab04_x`` -> "Tabell, notebook 04", else the name."""
    prefix = name.split("_", 1)[0]
    if prefix.startswith("fig") and prefix[3:5].isdigit():
        return label("site_inline.figure", lang) + str(int(prefix[3:5])) + prefix[5:]
    if prefix.startswith("tab") and prefix[3:5].isdigit():  # a table of notebook NN, not a report exhibit
        return label("site_inline.table_notebook", lang) + prefix[3:5]
    return name


def _cell_text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _markdown_outputs(cell: Mapping[str, Any]) -> list[str]:
    texts = []
    for output in cell.get("outputs", []) or []:
        data = output.get("data", {}) if isinstance(output, Mapping) else {}
        text = data.get("text/markdown")
        if text:
            texts.append("".join(text) if isinstance(text, list) else str(text))
    return texts


def _clean_heading(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\\(.)", r"\1", text).strip()


def page_methods(module: str) -> dict[str, str]:
    """Source of each method of ``digimotor.parts.<module>.NotebookPage`` (read, not imported).

    A method's text includes the methods it calls on ``self``; ``__init__`` stands for the
    constructor cell (it runs ``setup``).
    """
    try:
        return by_content(PARTS_DIR / f"{module}.py", "page_methods", _page_methods)
    except (OSError, SyntaxError, ValueError):
        return {}


def _page_methods(source: bytes) -> dict[str, str]:
    tree = ast.parse(source.decode("utf-8"))
    own: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "NotebookPage":
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    own[item.name] = ast.unparse(item)
    own.setdefault("__init__", own.get("setup", ""))

    def closure(name: str, seen: set[str]) -> str:
        seen.add(name)
        called = [closure(m, seen) for m in _SELF_CALL.findall(own.get(name, "")) if m in own and m not in seen]
        return "\n".join([own.get(name, ""), *called])

    return {name: closure(name, set()) for name in own}


def _page_code(nb: Mapping[str, Any]) -> dict[str, str]:
    """The page class methods a thin notebook's cells call (``page.figure14()`` …), by name."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            found = _PAGE_IMPORT.search(_cell_text(cell))
            if found:
                return page_methods(found.group(1))
    return {}


def _with_methods(text: str, methods: Mapping[str, str]) -> str:
    """A code cell's text followed by the source of the page methods it calls."""
    calls = ["__init__" if m == "NotebookPage" else m for m in _METHOD_CALL.findall(text)]
    return "\n".join([text, *(methods[m] for m in calls if m in methods)])


def _cell_language(nb: Mapping[str, Any]) -> str:
    parameters = (nb.get("metadata", {}).get("papermill", {}) or {}).get("parameters") or {}
    return str(parameters.get("lang") or "sv")


def notebook_headings(nb: Mapping[str, Any], names: Sequence[str]) -> dict[str, str]:
    """For each of ``names`` that a code cell of ``nb`` mentions as a literal: the last heading above it.

    A thin notebook's cell that calls a page method (:mod:`digimotor.parts`) mentions what that
    method mentions; markdown cells tagged for another language than the page's are skipped.
    """
    wanted = set(names)
    found: dict[str, str] = {}
    current = ""
    methods = _page_code(nb)
    other = {f"lang-{code}" for code in ("sv", "en") if code != _cell_language(nb)}
    for cell in nb.get("cells", []):
        text = _cell_text(cell)
        if other & set(cell.get("metadata", {}).get("tags", []) or []):
            continue
        if cell.get("cell_type") == "code":
            text = _with_methods(text, methods)
        if cell.get("cell_type") == "markdown":
            headings = _HEADING.findall(text)
            if headings:
                current = _clean_heading(headings[-1])
            continue
        if cell.get("cell_type") != "code":
            continue
        for name in _LITERAL.findall(text):
            if name in wanted and name not in found:
                found[name] = current
        for markdown in _markdown_outputs(cell):  # a heading a cell displays counts for the next cells
            headings = _HEADING.findall(markdown)
            if headings:
                current = _clean_heading(headings[-1])
    return found


class _Headings(HTMLParser):
    """(text, fragment) of every heading of an nbconvert page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self._open: list[str] | None = None
        self._id = ""
        self._in_anchor = False

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open, self._id = [], attributes.get("id") or ""
        elif tag == "a" and self._open is not None and "anchor-link" in (attributes.get("class") or ""):
            self._in_anchor = True
            self._id = (attributes.get("href") or "").lstrip("#") or self._id

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_anchor = False
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._open is not None:
            self.headings.append(("".join(self._open).strip(), self._id))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._in_anchor:
            self._open.append(data)


def page_anchors(page: Path) -> dict[str, str]:
    """Heading text -> ``#fragment`` on an nbconvert page (the first heading of each text).

    Read once per page: kept by the digest of the page's bytes in this process (:mod:`.memo`),
    and taken from ``build/cache/anchors/`` where the runner stored them when it rendered the
    page (:func:`store_anchors`), so a run reads only the pages it renders.
    """
    try:
        return dict(by_content(page, "page_anchors", _stored_anchors))
    except OSError:
        return {}


#: Anchor files kept in ``build/cache/anchors/`` (the oldest are removed beyond this).
KEEP_ANCHORS = 200
_FORMAT: list[str] = []


def _anchors_file(html: bytes) -> Path:
    from ..config import build_dir

    if not _FORMAT:  # the parser is this module's code: a changed module reads every page again
        _FORMAT.append(hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest())
    digest = hashlib.blake2b(_FORMAT[0].encode() + html, digest_size=20).hexdigest()
    return build_dir() / "cache" / "anchors" / f"{digest}.json"


def _stored_anchors(html: bytes) -> dict[str, str]:
    try:
        anchors = json.loads(_anchors_file(html).read_text(encoding="utf-8"))
        if isinstance(anchors, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in anchors.items()):
            return anchors
    except (OSError, ValueError, RecursionError):
        pass
    return _page_anchors(html)


def store_anchors(page: Path) -> None:
    """Read the anchors of ``page`` (just rendered) and keep them in ``build/cache/anchors/``
    for :func:`page_anchors` (in this process and the next runs); a cache that cannot be
    written only costs time."""
    html = page.read_bytes()
    anchors = by_content(page, "page_anchors", _page_anchors)
    stored = _anchors_file(html)
    with contextlib.suppress(Exception):
        write_text(stored, json.dumps(anchors, ensure_ascii=False, sort_keys=True))
        kept = sorted(stored.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP_ANCHORS]:
            old.unlink(missing_ok=True)


def _page_anchors(html: bytes) -> dict[str, str]:
    parser = _Headings()
    parser.feed(html.decode("utf-8", errors="replace"))
    anchors: dict[str, str] = {}
    for text, fragment in parser.headings:
        if fragment and " ".join(text.split()) not in anchors:
            anchors[" ".join(text.split())] = "#" + fragment
    return anchors


def _executed_notebook(name: str, source: Path, site_dir: Path) -> dict[str, Any] | None:
    from ..config import build_dir

    candidates = [site_dir.parent / "notebooks" / f"{name}.ipynb", build_dir() / "notebooks" / f"{name}.ipynb", source]
    for path in candidates:
        try:
            return by_content(path, "notebook", lambda data: json.loads(data.decode("utf-8")), keep=16)
        except (OSError, ValueError, RecursionError):
            continue
    return None


def exhibit_index(site_dir: Path, summaries: Sequence[tuple[Path, Any]]) -> list[Exhibit]:
    """Every table and figure of the run in notebook and page order, with heading, anchor and kind."""
    exhibits: list[Exhibit] = []
    for path, res in summaries:
        if res is None:
            continue
        name = path.stem
        found: dict[tuple[str, str], Exhibit] = {}
        for entry in res.manifest:
            what = entry.get("entry")
            if what not in ("table", "figure") or (entry.get("name"), what) in found:
                continue
            paths = [entry["path"]] if what == "table" else list(entry.get("paths", []))
            found[(entry["name"], what)] = Exhibit(entry["name"], name, what, kind=entry.get("kind"), paths=paths)
        if not found:
            continue
        nb = _executed_notebook(name, path, site_dir)
        headings = notebook_headings(nb, [n for n, _ in found]) if nb else {}
        anchors = page_anchors(site_dir / f"{name}.html")
        for (output, what), exhibit in found.items():
            exhibit.heading = headings.get(output, "")
            exhibit.anchor = anchors.get(" ".join(exhibit.heading.split()), "") if exhibit.heading else ""
            if what == "figure" and exhibit.kind is None:
                table = found.get((output, "table"))
                exhibit.kind = table.kind if table else None
            exhibits.append(exhibit)
    return exhibits


def input_sources(manifest: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The inputs a page loaded (path, kind, title from the provenance sidecar), each once."""
    seen: dict[str, dict[str, Any]] = {}
    for entry in manifest:
        if entry.get("entry") == "input" and entry.get("path") and entry["path"] not in seen:
            seen[entry["path"]] = {"path": entry["path"], "kind": entry.get("kind"),
                                   "title": entry.get("title") or entry.get("dataset") or entry["path"],
                                   "dataset": entry.get("dataset")}
    return list(seen.values())


def claim_parts(nb: Mapping[str, Any] | None, manifest: Sequence[Mapping[str, Any]]) -> list[str]:
    """The claims-registry parts a page reports: its ``record_claims`` entries, else the
    ``parts=[…]`` of the scorecard it shows."""
    parts = [e["part"] for e in manifest if e.get("entry") == "claims" and e.get("part")]
    if not parts and nb:
        methods = _page_code(nb)
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                for group in re.findall(r"parts\s*=\s*\[([^\]]*)\]", _with_methods(_cell_text(cell), methods)):
                    parts += _LITERAL.findall(group)
    return list(dict.fromkeys(parts))
