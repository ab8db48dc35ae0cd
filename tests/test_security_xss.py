"""Stored XSS: user text (imported files, parameters) reaches the published site only as text.

Two layers are tested: values put into notebook prose are escaped (``outputs.markdown``,
``outputs.present``'s caption and headers), and every cell and output is sanitised by the site's
exporter (``digimotor.site.sanitize``). The browser test imports files and passes parameters that
carry script and event-handler payloads through every free-text path, builds the site and loads
every page in headless Chromium.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from digimotor import outputs, site
from digimotor.site.sanitize import clean

PWNED = "pwned"
SCRIPT = f"<script>document.title='{PWNED}'</script>"
IMG = f"<img src=x onerror=\"document.title='{PWNED}'\">"
SVG = f"<svg onload=\"document.title='{PWNED}'\"><circle r=9></circle></svg>"
LINK = f"[klicka här](javascript:document.title='{PWNED}')"
RAW = f"<iframe srcdoc=\"<script>parent.document.title='{PWNED}'</script>\"></iframe>"
PAYLOADS = (SCRIPT, IMG, SVG, LINK, RAW)


class _Dom(HTMLParser):
    """Tags, attributes, link targets, the title and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)


def _parse(html: str) -> _Dom:
    dom = _Dom()
    dom.feed(html)
    return dom


#: The one script the site's frame links (never cell output): digimotor/site/tables.js.
SITE_SCRIPTS = ("tables.js", "../tables.js")


def _active_content(html: str) -> list[str]:
    """Everything in ``html`` that could run a script or load a document: should be empty."""
    found = []
    for tag, attrs in _parse(html).tags:
        if tag == "script" and set(attrs) <= {"src", "defer"} and attrs.get("src") in SITE_SCRIPTS:
            continue  # the frame's own sorting and filtering script (digimotor/site/tables.js)
        if tag in ("script", "iframe", "object", "embed", "svg", "frame", "applet", "base", "form"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "data") and value and re.match(
                    r"\s*(javascript|vbscript|data:text/html)", value, re.IGNORECASE):
                found.append(f"<{tag} {name}={value[:30]}>")
    return found


# ---------------------------------------------------------------------------------------
# Fast: the escaping helper and the sanitiser on the payloads
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_helper_shows_values_as_text(payload):
    from nbconvert.filters.markdown import markdown2html

    text = outputs.markdown_text("**Organisation:** {name} · `{name}` · {share:.1f} %", name=payload, share=2.345)
    html = markdown2html(text)
    assert _active_content(html) == []
    assert "<a" not in html  # the Markdown link stays text
    shown = "".join(_parse(html).text).strip()
    assert shown == f"Organisation: {payload} · {payload} · 2.3 %"
    assert outputs.markdown("{x}", x=payload).data == outputs.markdown_text("{x}", x=payload)


def test_markdown_helper_keeps_markdown_of_the_template_and_escapes_every_value():
    text = outputs.markdown_text("*{a}* **{b}** `{c}`", a="_x_ & #1", b="Åmål (1492)\n\n# rubrik", c="a`b")
    assert text == r"*\_x\_ \& \#1* **Åmål \(1492\) \# rubrik** `aˋb`"
    assert outputs.markdown_text("```\n{form}\n```", form="a\n<b>\n```") == "```\na\n<b>\nˋˋˋ\n```"
    assert outputs.escape_markdown("$x$ [y](z) <b>") == r"\$x\$ \[y\]\(z\) \<b\>"
    with pytest.raises(ValueError, match="named"):
        outputs.markdown_text("{}", x="x")


def test_notebooks_build_markdown_only_through_the_helper():
    """No notebook writes Markdown or HTML itself: values would reach the page unescaped."""
    repo = Path(__file__).resolve().parents[1]
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                found = re.findall(r"\b(Markdown|HTML|Javascript|display_markdown|display_html)\b", cell.source)
                assert not found, f"{path.name}: use outputs.markdown(template, **values), not {found[0]}"


def test_present_escapes_caption_headers_and_cells():
    frame = pd.DataFrame({"organisation": [IMG], "share_pct": [1.5]})
    html = outputs.present(frame, {"organisation": SVG, "share_pct": "Andel"}, caption=SCRIPT,
                           decimals={"share_pct": 1}, kind="user").to_html()
    assert _active_content(html) == []
    text = "".join(_parse(html).text)
    assert SCRIPT in text and IMG in text and SVG in text and "1,5" in text


def test_tbm_sentence_escapes_organisation_names():
    from digimotor.plots import tbm as tbm_plots

    sentence = tbm_plots.sentence("definition", "en", orgs=f"{IMG}, {SCRIPT}").data
    assert sentence.startswith("**Warning:** the total cost of \\<img src\\=x")
    assert tbm_plots.caption("by_municipality", "en", allocation_key="population").endswith("by population)")


def test_sanitiser_removes_active_content_and_keeps_the_projects_html():
    dirty = (SCRIPT + IMG + SVG + RAW + '<a href="javascript:alert(1)">j</a><a href="JaVaScRiPt:x">k</a>'
             '<a href="data:text/html,<script>alert(1)</script>">d</a><object data="x.swf"></object>'
             '<embed src="x.swf"><p onclick="x()" style="position:fixed;text-align:right">p</p>'
             '<style>body{display:none}</style><form action="https://evil"><button>b</button></form>')
    cleaned = clean(dirty)
    assert _active_content(cleaned) == []
    assert "display:none" not in cleaned and "position" not in cleaned and "<a>j</a>" in cleaned
    assert '<p style="text-align:right">p</p>' in cleaned
    styler = ('<style type="text/css">\n</style>\n<table id="T_x">\n<caption>Figur 7 · Fyrbodal</caption>\n'
              '<thead>\n<tr>\n<th id="T_x_level0_col0" class="col_heading level0 col0">Kommun</th>\n</tr>\n'
              '</thead>\n<tbody>\n<tr>\n<td id="T_x_row0_col0" class="data row0 col0">Åmål</td>\n</tr>\n</tbody>\n</table>\n')
    assert clean(styler) == styler.split("</style>", 1)[1]  # only the (empty) style element goes
    markdown = ('<h2 id="Data">Data<a class="anchor-link" href="#Data">¶</a></h2><p><strong>a</strong> '
                '<em>b</em> <code>c</code> <a href="method.html#x">m</a> <a href="https://www.scb.se">s</a></p>'
                '<ul><li>x</li></ul><pre><code>y</code></pre><blockquote><p>q</p></blockquote>')
    assert clean(markdown) == markdown
    assert clean(b"<b>bytes</b>") == "<b>bytes</b>"


def test_rendered_pages_are_sanitised(tmp_path):
    """Cells and outputs that carry active content are cleaned by the exporter itself."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": " ".join(PAYLOADS), "text/plain": ""}),
        nbformat.v4.new_output("display_data", data={"text/html": " ".join(PAYLOADS), "text/plain": ""}),
        nbformat.v4.new_output("display_data", data={"application/javascript": f"document.title='{PWNED}'",
                                                     "text/plain": ""}),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": ""}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# 04 · TBM\n\n" + "\n\n".join(PAYLOADS)), cell]
    target = tmp_path / "p.html"
    site.render_notebook(nb, target, name="p", show_code=False, manifest=[], failure=None,
                         context={"notebooks": [("p", "04 · TBM")]})
    page = target.read_text(encoding="utf-8")
    assert _active_content(page) == []
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in page  # figures are written outside the sanitiser
    assert '<h1 id="04-%C2%B7-TBM">04 · TBM<a class="anchor-link" href="#04-%C2%B7-TBM">' in page
    assert 'href="style.css"' in page


def test_svg_figures_escape_their_text(tmp_path, monkeypatch):
    """Figures are copied to the site as SVG: matplotlib writes their text XML-escaped."""
    import xml.etree.ElementTree as ET

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digimotor.plots.style import apply_style

    monkeypatch.setenv("DIGIMOTOR_ROOT", str(tmp_path))
    for folder in ("data/raw", "figures"):
        (tmp_path / folder).mkdir(parents=True)
    apply_style()
    fig, ax = plt.subplots()
    ax.set_title(SCRIPT + " --> " + IMG)
    ax.set_xlabel(SVG)
    ax.set_xticks([0, 1], [RAW, LINK])
    paths = outputs.save_figure(fig, "fig99_payload")
    plt.close(fig)
    svg = paths[1].read_text(encoding="utf-8")
    root = ET.fromstring(svg)  # well-formed: no payload broke out of a text node or comment
    names = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not names & {"script", "iframe", "foreignObject", "img"}
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    assert SCRIPT in "".join(root.itertext())


# ---------------------------------------------------------------------------------------
# Slow: the whole path, in a real browser
# ---------------------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
    return path


@pytest.fixture
def poisoned(project, tmp_path):
    """A TBM ledger, total costs and a survey whose free-text cells carry the payloads."""
    from digimotor.importer import import_file

    orgs = [f"IT {payload}" for payload in PAYLOADS]
    towns = [("Sotenäs", 900), ("Munkedal", 950), ("Lysekil", 1350), ("Åmål", 1000), ("Uddevalla", 5000)]
    ledger = [["Organisation", "Kommuner", "År", "Konto", "Arbetsområde", "Belopp", "Enhet", "Kreditering"]]
    for org, (town, _cost) in zip(orgs, towns, strict=True):
        ledger += [[org, town, 2020, "Löner", "infrastructure", "9 000", "tkr", ""],
                   [org, town, 2020, "Licenser", "application_operations", "6 000", "tkr", ""],
                   [org, town, 2020, f"Konto {SCRIPT}", "steer_and_support", "1 000", "tkr", ""]]
    costs = [["Kommun", "År", "Total kostnad", "Enhet", "Definition", "Befolkning"]]
    costs += [[town, 2020, cost, "mnkr", "kolada_net_cost", 10000 + i] for i, (town, cost) in enumerate(towns)]
    import_file("tbm_ledger", _write_csv(tmp_path / "ledger.csv", ledger), name="poisoned")
    import_file("municipal_total_cost", _write_csv(tmp_path / "costs.csv", costs), name="poisoned")
    survey = [["Kommun", "Respondent", "Respondentgrupp", "Fråga", "Svar", "Skalsteg"]]
    for i, town in enumerate(("Åmål", "Munkedal", "Lysekil")):
        for j, payload in enumerate(PAYLOADS):
            survey += [[town, f"r{i}", "it_chief", f"q{j} {payload}", str(1 + (i + j) % 4), 4]]
    import_file("survey", _write_csv(tmp_path / "survey.csv", survey), name="poisoned")
    return project


PARAMETERS = {
    "03-dimios-maturity": {"region_label": " ".join(PAYLOADS)},
    "04-tbm-cost": {"source": "poisoned", "cost_source": "poisoned", "year": 2020, "unmapped": "separate"},
    "07-survey-and-strategy": {"survey_source": "poisoned", "question": f"q0 {SCRIPT}"},
}


#: A page that loads the pages of PAGES_JSON in frames of one headless Chromium and, once they
#: have run their scripts, writes what each holds: its ``<title>`` text and its live DOM.
CHECKER = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>checker</title></head><body>
<pre id="result"></pre>
<script>
for (const page of PAGES_JSON) {
  const frame = document.createElement('iframe');
  frame.src = page;
  document.body.appendChild(frame);
}
window.addEventListener('load', () => setTimeout(() => {
  const pages = {};
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument;
    const title = doc && doc.querySelector('title');
    pages[frame.getAttribute('src')] = doc && doc.body ? {title: title ? title.textContent : '',
                                                          dom: doc.documentElement.outerHTML} : null;
  }
  document.getElementById('result').textContent = JSON.stringify({title: document.title, pages});
}, 2000));
</script></body></html>"""


def _dump_doms(browser: str, site_dir: Path, pages: list[str], profile: Path) -> dict[str, dict | None]:
    """Every page of ``pages`` (paths under ``site_dir``) as a real browser left it after running its
    scripts: ``{page: {"title": …, "dom": …}}``, all in one Chromium (a frame per page)."""
    import html
    import json

    from test_site import dump_dom

    proc = dump_dom(browser, site_dir / "_xss_check.html", CHECKER.replace("PAGES_JSON", json.dumps(pages)), profile,
                    budget_ms=10000)
    assert '<pre id="result">{' in proc.stdout, "the checker script did not run:\n" + proc.stderr[-800:]
    report = json.loads(html.unescape(proc.stdout.split('<pre id="result">', 1)[1].split("</pre>", 1)[0]))
    assert report["title"] == "checker"  # no page reached its parent
    return report["pages"]


@pytest.mark.slow
@pytest.mark.browser
def test_payloads_stay_text_in_a_real_browser(poisoned, tmp_path):
    """Every page of a site built from poisoned inputs keeps its title and runs no payload."""
    from test_site import require_chromium

    browser = require_chromium()
    from digimotor.run import reproduce

    result = reproduce(only=list(PARAMETERS), per_notebook=PARAMETERS, echo=lambda _m: None)
    assert result.ok, [r.error for r in result.results if r.error]
    site_dir = poisoned / "build" / "site"
    pages = sorted(site_dir.glob("*.html"))
    assert {p.stem for p in pages} >= {"index", "method", *PARAMETERS}
    # the municipality profiles that show the poisoned organisation names and survey questions
    profiles = [p for p in sorted(site_dir.glob("kommuner/*.html")) if PWNED in p.read_text(encoding="utf-8")]
    assert {p.name for p in profiles} >= {"1427-sotenas.html", "1430-munkedal.html", "1484-lysekil.html",
                                          "1485-uddevalla.html", "1492-amal.html"}
    pages += profiles
    live = _dump_doms(browser, site_dir, [p.relative_to(site_dir).as_posix() for p in pages], tmp_path / "chromium")
    for page in pages:
        title = _parse(page.read_text(encoding="utf-8")).title
        shown = live[page.relative_to(site_dir).as_posix()]
        assert shown is not None, f"{page.name} did not load"
        assert _parse(shown["dom"]).title == shown["title"] == title and PWNED not in title, page.name
        assert _active_content(shown["dom"]) == [], page.name
    # the payloads did reach the pages, as text: in prose, captions, tables and the run card
    text = {p.stem: "".join(_parse(p.read_text(encoding="utf-8")).text) for p in pages}
    for payload in PAYLOADS:
        assert f"Figur 9 · {' '.join(PAYLOADS)}" in text["03-dimios-maturity"]  # table caption
        assert f"Snitt ({' '.join(PAYLOADS)}):" in text["03-dimios-maturity"]  # prose (Swedish page)
        assert f"IT {payload}" in text["04-tbm-cost"]  # table cells
        assert f"q1 {IMG}" in text["07-survey-and-strategy"]
    warning = text["04-tbm-cost"].split("Varning:", 1)[1].split("Figur 19", 1)[0]  # prose from the ledger
    assert all(f"IT {payload}" in warning for payload in PAYLOADS)
    assert f"Konto {SCRIPT}" in text["04-tbm-cost"]
    assert "region_label=" in text["index"] and SCRIPT in text["index"]
    amal = "".join(_parse((site_dir / "kommuner" / "1492-amal.html").read_text(encoding="utf-8")).text)
    assert f"IT {PAYLOADS[3]}" in amal and f"q1 {IMG}" in amal  # organisation and survey question, as text
