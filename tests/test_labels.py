"""The label catalogue: the same keys in every language, safe YAML, lookups and formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from digimotor import labels


def test_every_key_exists_in_every_language():
    assert labels.missing_keys() == {}


def test_a_key_in_one_language_only_is_found(monkeypatch):
    sv = {"demo": {"only_sv": "bara svenska", "both": "båda"}}
    en = {"demo": {"both": "both"}, "extra": {"x": "only English"}}
    monkeypatch.setattr(labels, "catalogue", lambda lang: {"sv": sv, "en": en}[lang])
    assert labels.missing_keys() == {"en": ["demo.only_sv"], "sv": ["extra.x"]}


def test_texts_are_non_empty_strings_and_fields_match_between_languages():
    import string

    sv, en = labels.catalogue("sv"), labels.catalogue("en")
    for section, texts in sv.items():
        for key, text in texts.items():
            assert isinstance(text, str) and text.strip(), f"{section}.{key}"
            fields_sv = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            fields_en = {f for _, f, _, _ in string.Formatter().parse(en[section][key]) if f}
            assert fields_sv == fields_en, f"{section}.{key}: {fields_sv} vs {fields_en}"


def test_lookup_format_and_shapes():
    assert labels.label("plots_dimios.split", "sv", split=3.5) == "delningspunkt 3.5"
    assert labels.label("plots_dimios.split", "en") == "split {split:g}"
    assert labels.table("plots_style_common_labels")["municipality"] == {"sv": "Kommun", "en": "Municipality"}
    assert labels.pairs("metrics_conclusions_prefix")["holds"] == ("Gäller", "Holds")
    with pytest.raises(KeyError, match="no label 'plots_dimios.nope'"):
        labels.label("plots_dimios.nope", "sv")
    with pytest.raises(Exception, match="lang must be one of sv, en"):
        labels.label("plots_dimios.split", "de")


def test_catalogue_is_cached_and_read_as_safe_yaml(tmp_path, monkeypatch):
    assert labels.catalogue("sv") is labels.catalogue("sv")
    (tmp_path / "sv.yml").write_text("demo: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    monkeypatch.setattr(labels, "HERE", tmp_path)
    labels.catalogue.cache_clear()
    try:
        with pytest.raises(yaml.YAMLError):
            labels.catalogue("sv")
    finally:
        monkeypatch.undo()
        labels.catalogue.cache_clear()


def _two_language_notebook(lang=None):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Prov", metadata={"tags": ["lang-sv"]}),
                nbformat.v4.new_markdown_cell("# 99 · Trial", metadata={"tags": ["lang-en"]}),
                nbformat.v4.new_markdown_cell("Fyrbodal 2021"),
                nbformat.v4.new_code_cell("x = 1")]
    if lang:
        nb.metadata["papermill"] = {"parameters": {"lang": lang}}
    return nb


def test_a_page_keeps_the_cells_of_its_language():
    nb = _two_language_notebook()
    assert [c.source for c in labels.in_language(nb, "sv").cells] == ["# 99 · Prov", "Fyrbodal 2021", "x = 1"]
    assert [c.source for c in labels.in_language(nb, "en").cells] == ["# 99 · Trial", "Fyrbodal 2021", "x = 1"]
    assert len(nb.cells) == 4  # the notebook itself is untouched
    assert labels.page_language(nb) == "sv"
    assert labels.page_language(_two_language_notebook("en")) == "en"


def test_the_site_renders_a_notebook_in_its_own_language(tmp_path):
    from digimotor import site

    context = {"notebooks": [("99-trial", "99 · Prov")]}
    for lang, kept, dropped, home in (("sv", "Prov", "Trial", "Översikt"), ("en", "Trial", "Prov", "Overview")):
        target = tmp_path / f"{lang}.html"
        site.render_notebook(_two_language_notebook(lang), target, name="99-trial", show_code=False, manifest=[],
                             failure=None, context=context)
        page = target.read_text(encoding="utf-8")
        main = page[page.index("<main>"):page.index("</main>")]
        assert f"99 · {kept}" in main and f"99 · {dropped}" not in main and "Fyrbodal 2021" in main
        assert home in page and f'lang="{lang}"' in page


def test_page_prose_differs_between_the_languages():
    """The texts the pages write (prose, captions, headers) are translated, names and codes aside."""
    import re

    sv, en = labels.catalogue("sv"), labels.catalogue("en")
    same = []
    for section in (s for s in sv if s.startswith("parts")):
        for key, text in sv[section].items():
            words = re.sub(r"\{[^}]*\}|`[^`]*`|\*\*?|Fyrbodal|Digital motor|DiMiOS|TBM|SOU|OCR|Wilcoxon|Mellerud|Definition", "", text)
            if re.search(r"[A-Za-zÅÄÖåäö]{3,}", words) and text == en[section][key]:
                same.append(f"{section}.{key}")
    assert same == [], same


def test_exhibit_headings_of_a_thin_notebook_follow_its_page_methods_and_language():
    """The gallery and profiles find an exhibit's heading through the page method a cell calls."""
    import json

    from digimotor.site.exhibits import claim_parts, notebook_headings

    nb = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "01-demography.ipynb").read_text(encoding="utf-8"))
    names = ["fig07_population_forecast", "fig08_population_pyramid"]
    assert notebook_headings(nb, names) == {"fig07_population_forecast": "Figur 7 – befolkningsprognos per kommun",
                                            "fig08_population_pyramid": "Figur 8 – befolkningspyramid"}
    nb["metadata"]["papermill"] = {"parameters": {"lang": "en"}}
    assert notebook_headings(nb, names)["fig07_population_forecast"] == "Figure 7 – population forecast per municipality"
    scenarios = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "06-scenarios.ipynb").read_text(encoding="utf-8"))
    assert claim_parts(scenarios, []) == ["capabilities"]  # parts=[…] inside the page class
