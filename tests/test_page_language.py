"""One language per page (issue 15, item 1): the prose of a Swedish page is not repeated on the English one.

This holds for the notebook pages and for the site's own pages (index, Method): the site is in the
run's ``lang``.

The default run writes Swedish pages; the same notebooks run with ``lang=en`` must give pages whose
prose (markdown cells and the sentences the code writes) is English: no paragraph may be the same in
both, once code, numbers, names and the report's own quotations are set aside.
"""

from __future__ import annotations

import re

import pytest
from lxml import html

pytestmark = pytest.mark.slow
NOTEBOOKS = ["01-demography", "02-broadband", "03-dimios-maturity", "04-tbm-cost", "05-capability-map", "06-scenarios", "07-survey-and-strategy"]
#: Words that are the same in both languages: names of places, methods and programs.
NAMES = r"Fyrbodal|Västra Götalands?( län)?|Digital motor|DiMiOS|SCB|Kolada|PTS|TBM|OCR|Wilcoxon|scipy|Sverige|regionfakta\.com"


def paragraphs(page: str) -> dict[str, str]:
    """The prose of a page's ``<main>``: paragraphs, list items and headings, keyed by their words."""
    doc = html.fromstring(page)
    main = doc.xpath("//main")[0]
    for skip in main.xpath(".//code|.//table|.//svg|.//img|.//pre"):
        skip.drop_tree()
    found = {}
    for node in main.xpath(".//p|.//li|.//h1|.//h2|.//h3"):
        text = " ".join(node.text_content().split())
        if re.fullmatch(r"\d+ rows × \d+ columns", text):  # pandas' own footer under a long table
            continue
        words = re.sub(r"“[^”]*”|\"[^\"]*\"|" + NAMES, " ", text)  # quotations of the report, names
        words = " ".join(re.findall(r"[A-Za-zÅÄÖåäöÉé]{4,}", re.sub(r"\S*_\S*", " ", words)))
        if len(words.split()) >= 3:  # a formula or a list of codes is no prose
            found[words] = text
    return found


def nav_titles(page: str) -> list[str]:
    """The link texts of a page's navigation bar."""
    return [" ".join(a.text_content().split()) for a in html.fromstring(page).xpath("//nav[1]//a")]


def test_english_pages_share_no_prose_with_swedish_pages(english_run, default_run):
    """Every page of a ``lang=en`` run, the seven notebook pages, the index and the Method page, is
    English: no prose paragraph is the same as on the Swedish page, ``<html lang>`` says so and the
    navigation names the pages by their English headings.

    The ``lang=en`` run is the session's ``english_run`` (every notebook, otherwise defaults)."""
    result, project = english_run.result, english_run.root
    assert sorted(r.name for r in result.results) == NOTEBOOKS
    assert result.ok, [r.error for r in result.results if r.error]
    for name in [*NOTEBOOKS, "index", "method"]:
        swedish = (default_run.root / "build/site" / f"{name}.html").read_text(encoding="utf-8")
        english = (project / "build/site" / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="sv"' in swedish and '<html lang="en"' in english, name
        sv, en = paragraphs(swedish), paragraphs(english)
        assert len(sv) >= 10 and len(en) >= 10, name
        assert sorted(en[w] for w in set(sv) & set(en)) == [], name
        assert nav_titles(swedish)[:3] == ["Översikt", "01 · Demografi", "02 · Bredband"], name
        assert nav_titles(english)[:3] == ["Overview", "01 · Demography", "02 · Broadband"], name
    # numbers in prose are written the page's way: 1 734 443 and 3,5 in Swedish, 1,734,443 and 3.5 in English
    prose = {lang: {name: "\n".join(paragraphs((root / "build/site" / f"{name}.html").read_text(encoding="utf-8")).values())
                    for name in ("01-demography", "03-dimios-maturity")}
             for lang, root in (("sv", default_run.root), ("en", project))}
    assert re.search(r"\b1 734 443 invånare", prose["sv"]["01-demography"])  # (no-break spaces, split)
    assert re.search(r"\b1,734,443 inhabitants", prose["en"]["01-demography"])
    assert "delningspunkt 3,5" in prose["sv"]["03-dimios-maturity"]
    assert "delningspunkt 3.5" not in prose["sv"]["03-dimios-maturity"]
    assert "split 3.5" in prose["en"]["03-dimios-maturity"]
    for page in prose["sv"].values():  # no English thousands separator or decimal point in a number
        assert not re.findall(r"\d,\d{3}\b(?!,)|(?<![\d.v])\d+\.\d+(?![\d.])", page)
