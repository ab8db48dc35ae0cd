"""Prose numbers in the page's language (issue 15, item 1): a Swedish page writes ``1 734 443`` and
``3,5``, an English one ``1,734,443`` and ``3.5``; code spans and CSV outputs are left alone."""

from __future__ import annotations

import numpy as np

from digimotor import outputs
from digimotor.numbers import number_text, swedish


def test_swedish_number_format():
    assert swedish("-1,734,443.5") == "\u22121\u00a0734\u00a0443,5"
    assert number_text("3.5", 3.5, "sv") == "3,5"
    assert number_text("3.5", 3.5, "en") == "3.5"
    assert number_text("a.b", "a.b", "sv") == "a.b"  # text is never touched
    assert number_text("True", True, "sv") == "True"


def test_markdown_writes_numbers_in_the_page_language():
    template = "**{n:,}** invånare, delningspunkt {split:g}, år {year}, `{split}`, andel {share:.1f} %"
    values = {"n": 1734443, "split": 3.5, "year": 2019, "share": np.float64(12.34)}
    sv = outputs.markdown_text(template, number_lang="sv", **values)
    assert sv == "**1\u00a0734\u00a0443** invånare, delningspunkt 3\\,5, år 2019, `3.5`, andel 12\\,3 %"
    en = outputs.markdown_text(template, number_lang="en", **values)
    assert en == outputs.markdown_text(template, **values)
    assert en == "**1\\,734\\,443** invånare, delningspunkt 3\\.5, år 2019, `3.5`, andel 12\\.3 %"


def test_prose_follows_the_page_language(monkeypatch):
    from digimotor import parts

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))

    class Demo(parts.Page):
        NOTEBOOK = "demo"
        PARAMETERS = ("lang",)

        def setup(self) -> None:
            parts.prose("delningspunkt {split:g}", split=3.5)

    Demo(lang="sv")
    Demo(lang="en")
    assert shown == ["delningspunkt 3\\,5", "delningspunkt 3\\.5"]
