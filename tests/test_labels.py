"""The label catalogue: the same keys in every language, safe YAML, lookups and formatting."""

from __future__ import annotations

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
