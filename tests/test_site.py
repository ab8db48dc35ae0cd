"""The published site: banners, run card, scorecard groups, and a real-browser check of links and images."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from digimotor import site

CONTEXT = {"notebooks": [("01-demography", "01 · Demografi"), ("02-broadband", "02 · Bredband")]}


def _render(tmp_path: Path, manifest, failure=None) -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1", id="abc123")
    nb.cells = [nbformat.v4.new_markdown_cell("# 02 · Bredband"), cell]
    target = tmp_path / "02-broadband.html"
    site.render_notebook(nb, target, name="02-broadband", show_code=False, manifest=manifest,
                         failure=failure, context=CONTEXT)
    return target.read_text(encoding="utf-8")


def test_synthetic_pages_say_so_at_the_top(tmp_path):
    page = _render(tmp_path, [{"entry": "input", "kind": "published", "path": "a.csv"},
                              {"entry": "table", "kind": "synthetic", "name": "fig14_x"}])
    banner = page.index("SYNTETISKA EXEMPELDATA")
    assert banner < page.index("<main>")
    assert "Datatyper på sidan: publicerad (ur rapporten), syntetisk (exempeldata)" in page
    plain = _render(tmp_path, [{"entry": "input", "kind": "published", "path": "a.csv"}])
    assert "SYNTETISKA" not in plain
    # navigation to every page, the current one marked; no script from a CDN
    assert '<a href="01-demography.html">01 · Demografi</a>' in plain
    assert '<a aria-current="page" href="02-broadband.html">02 · Bredband</a>' in plain
    assert '<html lang="sv">' in plain
    assert 'href="method.html"' in plain and 'href="index.html"' in plain
    assert "cdnjs" not in plain and "<script src=" not in plain
    # code hidden by default
    assert "x = 1" not in plain


def test_failure_banner_links_to_the_failing_cell(tmp_path):
    page = _render(tmp_path, [], failure={"cell": 4, "cell_id": "abc123", "error": "KeyError: 'kommun'"})
    assert "Notebooken misslyckades i cell 4:" in page and "<code>KeyError: 'kommun'</code>" in page
    assert 'href="#cell-id=abc123"' in page and 'id="cell-id=abc123"' in page


def test_scorecard_keeps_evidence_apart_from_what_is_not():
    card = pd.DataFrame({
        "claim_id": ["a", "b", "c", "d", "e", "f"],
        "part": ["demography", "demography", "demography", "dimios", "dimios", "dimios"],
        "exhibit": ["Figur 7"] * 6,
        "description": ["derived equal", "derived off", "read back", "built to agree", "no data", "ocr"],
        "published_value": [1.0, 2.0, 3.0, 4.0, None, None],
        "computed_value": [1.0, 2.5, 3.0, 4.0, None, None],
        "outcome": ["reproduced", "differs", "transcribed", "calibrated", "not_reproducible", "uncertain"],
        "note": ["", "", "", "", "per-municipality scores are not public", ""],
        "raw_text": ["", "", "", "", "", "83 %"],
    })
    text = site.scorecard_html(card)
    counts = {key: text.split(f'class="dm-score-{key}"')[1].split("</tr>")[0] for key, *_ in site.SCORE_GROUPS}
    assert {k: v.rsplit("<td>", 1)[1].split("<")[0] for k, v in counts.items()} == {
        "derived": "1", "differs": "1", "not_computed": "0", "transcribed": "1", "calibrated": "1",
        "not_reproducible": "1", "uncertain": "1", "qualitative": "0", "recovered": "0",
        "inconsistent": "0", "background": "0"}
    per_part = text.split('id="claims-per-part"')[1].split("</table>")[0]
    assert "<tr><td>Demografi</td><td>1</td><td>1</td><td>1</td><td>0</td>" in per_part
    assert "<tr><td>Digital mognad (DiMiOS)</td><td>0</td><td>0</td><td>0</td><td>1</td>" in per_part
    section = text.split('id="claims-not_reproducible"')[1]
    assert "per-municipality scores are not public" in section.split("</table>")[0]
    assert "(bevis)" in text and "(inte bevis)" in text


def require_chromium() -> str:
    """The headless Chromium to use; skip without one, except under CI=true where that fails."""
    browser = _chromium()
    if browser is None:
        message = "no headless Chromium (Debian package 'chromium'; .ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail(message + ": under CI=true a missing browser is a failure")
        pytest.skip(message)
    return browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHECKER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script>
const PAGES = PAGES_JSON;
for (const page of PAGES) {
  const frame = document.createElement('iframe');
  frame.src = page;
  document.body.appendChild(frame);
}
function fetchText(href) {
  const xhr = new XMLHttpRequest();
  try { xhr.open('GET', href, false); xhr.overrideMimeType('text/html; charset=utf-8'); xhr.send(); return xhr.responseText; }
  catch (e) { return null; }
}
function columnTexts(table, column) {
  return Array.from(table.tBodies[0].rows).map(r => Array.from(r.children)[column].textContent.trim());
}
window.addEventListener('load', () => {
  const bad = [], external = [], sorting = [], tables = {}; let links = 0, images = 0, thumbs = 0, profiles = 0;
  const checked = new Map();
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument;
    if (!doc || !doc.body) { bad.push('frame not loaded: ' + frame.src); continue; }
    for (const img of doc.images) {
      images++;
      if (img.getAttribute('src').startsWith('thumbs/')) thumbs++;
      if (!(img.complete && img.naturalWidth > 0)) bad.push('image: ' + frame.src + ' ' + img.src.slice(0, 80));
    }
    for (const el of doc.querySelectorAll('script[src], link[href]')) {
      const url = new URL(el.getAttribute(el.tagName === 'LINK' ? 'href' : 'src'), frame.contentWindow.location.href);
      if (url.protocol !== 'file:') { external.push(url.href); continue; }
      if (!fetchText(url.href)) bad.push('resource: ' + frame.src + ' -> ' + url.href);
    }
    for (const a of doc.querySelectorAll('a[href]')) {
      links++;
      const url = new URL(a.getAttribute('href'), frame.contentWindow.location.href);
      if (url.protocol !== 'file:') { external.push(url.href); continue; }
      if (url.pathname.includes('/kommuner/')) profiles++;
      const file = url.href.split('#')[0];
      if (!checked.has(file)) checked.set(file, fetchText(file));
      const text = checked.get(file);
      if (!text) { bad.push('link: ' + frame.src + ' -> ' + a.getAttribute('href')); continue; }
      if (url.hash) {
        // as a browser does: the fragment as written, then percent-decoded
        const raw = url.hash.slice(1), id = decodeURIComponent(raw);
        const target = new DOMParser().parseFromString(text, 'text/html');
        if (!target.getElementById(raw) && !target.getElementById(id) && file.endsWith('.html'))
          bad.push('anchor: ' + frame.src + ' -> ' + a.getAttribute('href'));
      }
    }
  }
  // sorting and filtering: the index's table of exhibits, by its file-name column
  const index = document.querySelector('iframe').contentDocument;
  const table = Array.from(index.querySelectorAll('table')).find(t => t.tHead && t.tHead.textContent.includes('Fil'));
  const heading = Array.from(table.tHead.rows[0].children).findIndex(th => th.textContent.trim().startsWith('Fil'));
  const before = columnTexts(table, heading);
  table.tHead.rows[0].children[heading].click();
  const up = columnTexts(table, heading);
  table.tHead.rows[0].children[heading].click();
  const down = columnTexts(table, heading);
  const filter = table.previousElementSibling;
  let shown = -1;
  if (filter && filter.classList.contains('dm-filter')) {
    filter.value = 'fig14_broadband_coverage';
    filter.dispatchEvent(new Event('input'));
    shown = Array.from(table.tBodies[0].rows).filter(r => !r.hidden).length;
  }
  sorting.push({before, up, down, shown});
  // a pandas table on a notebook page, by a column of Swedish numbers ("2 698" < "17 458")
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument;
    const found = Array.from(doc.querySelectorAll('main table')).find(t => t.tHead && t.tHead.textContent.includes('Kontrollsumma'));
    if (!found) continue;
    const head = Array.from(found.tHead.rows[found.tHead.rows.length - 1].children);
    const column = head.findIndex(th => th.textContent.trim() === 'Summa');
    head[column].click();
    sorting.push({page: frame.getAttribute('src'), up: columnTexts(found, column)});
  }
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument;
    const all = Array.from(doc.querySelectorAll('main table:not(.dm-plain)'));  // dm-plain: a profile's facts
    tables[frame.getAttribute('src')] = [all.length, all.filter(t => t.querySelector('th.dm-sortable')).length];
  }
  const out = document.createElement('pre');
  out.id = 'result';
  out.textContent = JSON.stringify({bad, external, links, images, thumbs, profiles, sorting, tables});
  document.body.appendChild(out);
});
</script></body></html>
"""


def dump_dom(browser: str, checker: Path, text: str, profile: Path, *, budget_ms: int,
             extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Write the checker page ``checker`` (``text``) beside the pages it loads, let headless
    Chromium run it for ``budget_ms`` of virtual time, remove it; the finished process (its DOM on
    stdout), asserted to have exited 0."""
    checker.write_text(text, encoding="utf-8")
    try:
        proc = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--allow-file-access-from-files", *extra,
             f"--virtual-time-budget={budget_ms}", "--dump-dom", checker.as_uri()],
            capture_output=True, text=True, timeout=300,
        )
    finally:
        checker.unlink()
    assert proc.returncode == 0, proc.stderr[-800:]
    return proc


def run_checker(browser: str, site_dir: Path, pages: list[str], profile: Path) -> tuple[dict, list[str]]:
    """Load ``pages`` of ``site_dir`` in headless Chromium with the checker; return its report and
    the console messages the site's pages wrote (errors included)."""
    proc = dump_dom(browser, site_dir / "_check.html", CHECKER.replace("PAGES_JSON", json.dumps(pages)), profile,
                    budget_ms=30000, extra=("--enable-logging=stderr", "--v=0"))
    dom = proc.stdout
    assert '<pre id="result">' in dom, "the checker script did not run:\n" + proc.stderr[-800:]
    report = json.loads(html.unescape(dom.split('<pre id="result">', 1)[1].split("</pre>", 1)[0]))
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line and "_check.html" not in line]
    return report, console


@pytest.mark.slow
@pytest.mark.browser
def test_site_in_a_real_browser(default_run, tmp_path):
    """Headless Chromium loads every page of the default run's site (index, notebook pages, method,
    municipality profiles): no console message, every link, anchor, image (the gallery's thumbnails),
    stylesheet and script resolves in file://, and a click on a column heading sorts the table."""
    browser = require_chromium()
    site_dir = default_run.root / "build" / "site"  # the session's default run of every notebook
    assert all(r.ok for r in (default_run.only(r.name) for r in default_run.result.results))
    pages = ["index.html", *(f"{r.name}.html" for r in default_run.result.results), "method.html",
             *sorted(f"kommuner/{p.name}" for p in (site_dir / "kommuner").glob("*.html"))]
    assert "kommuner/1460-bengtsfors.html" in pages and "kommuner/kommun-01.html" in pages
    # the checker page is written beside the pages: into a copy, never into the shared run
    # (another worker may be reading its site at the same time)
    checked = shutil.copytree(site_dir, tmp_path / "site")
    report, console = run_checker(browser, checked, pages, tmp_path / "chromium")
    assert report["bad"] == []
    assert report["external"] == []
    assert console == []
    assert report["links"] >= 20  # navigation, exhibits, scorecard.csv, failing-cell anchors …
    figures = sorted(p for p in (default_run.root / "figures").glob("*.png") if not p.name.endswith(".slide.png"))
    assert report["thumbs"] == len(figures) >= 20  # one thumbnail per figure of the run, all loaded
    assert report["images"] > report["thumbs"]  # and the figures on the notebook pages
    assert report["profiles"] >= 28  # the index links 14 municipalities and 14 examples
    sort, pandas = report["sorting"]
    assert sort["up"] == sorted(sort["before"]) != sort["before"]  # file names: ascending
    assert sort["down"] == sorted(sort["before"], reverse=True)
    assert sort["shown"] == 1  # the filter keeps the one row of fig14_broadband_coverage
    sums = [int(re.sub(r"\s", "", text)) for text in pandas["up"]]
    assert pandas["page"] == "04-tbm-cost.html" and len(sums) >= 10 and sums == sorted(sums)
    # tables.js reaches the tables of every page: all but those whose headings span columns
    for page, (count, sortable) in report["tables"].items():
        assert sortable >= (1 if count else 0), page
    assert report["tables"]["04-tbm-cost.html"][1] >= 10


def test_show_code_keeps_the_code(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("answer = 41 + 1")]
    target = tmp_path / "p.html"
    site.render_notebook(nb, target, name="p", show_code=True, manifest=[], failure=None, context=CONTEXT)
    assert "answer" in target.read_text(encoding="utf-8")
    site.render_notebook(nb, target, name="p", show_code=False, manifest=[], failure=None, context=CONTEXT)
    assert "answer" not in target.read_text(encoding="utf-8")


def _result(name: str, parameters, tables):
    from digimotor.run import NotebookResult

    manifest = [{"entry": "table", "name": t, "kind": k, "path": f"data/processed/{t}.csv"} for t, k in tables]
    return NotebookResult(name=name, status="done", seconds=0.1, parameters=parameters, manifest=manifest)


def _population_table(root: Path, declining: int, total: int, kind: str) -> None:
    changes = [-10] * declining + [10] * (total - declining)
    frame = pd.DataFrame({"municipality_code": [f"14{i:02d}" for i in range(total)] + [""],
                          "municipality": [f"Kommun <{i}>" for i in range(total)] + ["Region"],
                          "change": changes + [sum(changes)], "data_kind": kind})
    frame.to_csv(root / "data" / "processed" / "fig07_population_forecast.csv", index=False)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_index_for_another_region_shows_verdicts_instead_of_fyrbodal_conclusions(project, tmp_path, lang):
    """Sjuhärad: population (user data) declines in 5 of 8 municipalities; the index re-tests the
    conclusions instead of listing Fyrbodal's; a table the run did not write cannot tell."""
    _population_table(project, 5, 8, "user")
    nb01 = project / "notebooks" / "01-demography.ipynb"
    nb03 = project / "notebooks" / "03-dimios-maturity.ipynb"
    summaries = [(nb01, _result("01-demography", {"region": "Sjuhärad"}, [("fig07_population_forecast", "user")])),
                 (nb03, None)]
    out = tmp_path / f"site-{lang}"
    out.mkdir()
    site.build_site(out, summaries, lang=lang)
    index = (out / "index.html").read_text(encoding="utf-8")
    section = index.split('<section id="conclusions">')[1].split("</section>")[0]
    assert 'class="dm-findings"' not in index  # Fyrbodal's five conclusions are replaced …
    assert "Den digitala mognaden är otillräcklig" not in section.split("<table")[0]
    heading = ("Studiens slutsatser prövade på Sjuhärad" if lang == "sv"
               else "The study's conclusions re-tested on Sjuhärad")
    assert f"<h2>{html.escape(heading)}</h2>" in section
    rows = section.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    assert len(rows) == 5
    c1, c2, c3 = rows[0], rows[1], rows[2]
    assert 'class="dm-verdict-holds"' in c1 and ("62,50 % (5/8)" if lang == "sv" else "62.50 % (5/8)") in c1
    assert ("5 av 8 kommuner minskar (62,5 %)" if lang == "sv" else "5 of 8 municipalities decline (62.5 %)") in c1
    assert "&gt; 50 %" in c1 and "summary.declining.count" in c1
    assert 'class="dm-verdict-cannot_tell"' in c2 and ("extern bedömning" if lang == "sv" else "outside") in c2
    assert 'class="dm-verdict-cannot_tell"' in c3 and "fig18_run_develop" in c3  # notebook 04 did not run
    verdicts = pd.read_csv(out / "conclusions.csv")
    assert verdicts["verdict"].tolist() == ["holds", "cannot_tell", "cannot_tell", "cannot_tell", "cannot_tell"]


def test_index_for_fyrbodal_keeps_the_conclusions_and_adds_verdicts(project, tmp_path):
    _population_table(project, 8, 14, "published")
    nb01 = project / "notebooks" / "01-demography.ipynb"
    summaries = [(nb01, _result("01-demography", {}, [("fig07_population_forecast", "published")]))]
    site.build_site(tmp_path, summaries)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    section = index.split('<section id="conclusions">')[1].split("</section>")[0]
    assert "<h2>Studiens huvudslutsatser</h2>" in section and 'class="dm-findings"' in section
    retest = section.split('id="retest"')[1]
    assert 'class="dm-verdict-as_published"' in retest and "57,14 % (8/14)" in retest
    assert "Som publicerat" in retest


def test_conclusions_section_escapes_region_and_verdict_text():
    from digimotor.site.verdicts import findings_section

    verdicts = pd.DataFrame([{
        "conclusion": "C1", "number": 1, "title_sv": "<b>t</b>", "title_en": "t", "verdict": "holds",
        "testable": True, "rule_met": True, "value": 60.0, "relation": ">", "threshold": 50.0, "unit": "pct",
        "count": 3, "n": 5, "tables": "fig07_population_forecast", "data_kinds": "user",
        "threshold_claim": "<i>c</i>", "explanation_sv": "<script>alert(1)</script>", "explanation_en": "e"}])
    text = findings_section(verdicts, ["<img src=x onerror=alert(1)>"])
    assert "<script>" not in text and "<img" not in text and "<b>t" not in text and "<i>c" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;img src=x" in text
    assert "60,00 % (3/5)" in text and "&gt; 50 %" in text


def test_every_figure_on_a_page_has_its_title_as_alternative_text(default_run):
    """nbconvert's "No description has been provided" is English on Swedish pages and says nothing:
    each figure's image carries its own title (or "Figur utan rubrik")."""
    import re

    site_dir = default_run.root / "build" / "site"
    alts = []
    for page in sorted(site_dir.glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        assert "No description has been provided" not in text, page.name
        for tag in re.findall(r"<img\b[^>]*>", text):
            assert 'src="data:image/png' in tag and ' alt="' in tag, (page.name, tag[:80])
            alts.append(re.search(r' alt="([^"]*)"', tag).group(1))
    assert len(alts) >= 20 and all(alts)
    assert "Digital mognad per område (DiMiOS)" in alts  # Figure 10's title, on the Swedish page
