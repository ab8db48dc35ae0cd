"""The label catalogue: every user-facing text of the package, one YAML file per language.

``digimotor/labels/sv.yml`` and ``digimotor/labels/en.yml`` hold the same keys (a test fails on
a key that exists in one file only). Each file maps a *section* (``plots_dimios``, ``site``,
``parts_dimios`` …) to its keys and texts::

    plots_dimios:
      fig10.title: Digital mognad per område (DiMiOS)

A text is addressed as ``"<section>.<key>"`` (the section is everything before the first
dot) and may hold ``str.format`` fields, filled by :func:`label`::

    label("plots_dimios.split", "sv", split=3.5)   # 'delningspunkt 3.5'

The files are read with ``yaml.safe_load`` once per process (cached).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("sv", "en")
HERE = Path(__file__).resolve().parent


def _check(lang: str) -> str:
    if lang not in LANGS:
        from digimotor.errors import ParameterError

        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, not '{lang}'")
    return lang


@cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """The catalogue of ``lang``: ``{section: {key: text}}`` (read once, safe YAML)."""
    import yaml

    path = HERE / f"{_check(lang)}.yml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe either way; the C one is faster
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of sections to mappings of texts")
    return data


def text(key: str, lang: str) -> str:
    """The raw text of ``"<section>.<key>"`` in ``lang`` (no formatting)."""
    section, _, name = key.partition(".")
    try:
        return catalogue(lang)[section][name]
    except KeyError:
        raise KeyError(f"no label '{key}' in digimotor/labels/{lang}.yml") from None


def label(key: str, lang: str, **values: Any) -> str:
    """The text of ``"<section>.<key>"`` in ``lang``, its ``{fields}`` filled from ``values``.

    Without ``values`` the text is returned as it is (braces untouched).
    """
    raw = text(key, lang)
    return raw.format(**values) if values else raw


def table(section: str) -> dict[str, dict[str, str]]:
    """A section as ``{key: {"sv": text, "en": text}}`` (the shape of the plot modules' ``LABELS``)."""
    sv, en = catalogue("sv")[section], catalogue("en")[section]
    return {key: {"sv": sv[key], "en": en[key]} for key in sv}


def pairs(section: str) -> dict[str, tuple[str, str]]:
    """A section as ``{key: (sv text, en text)}``."""
    sv, en = catalogue("sv")[section], catalogue("en")[section]
    return {key: (sv[key], en[key]) for key in sv}


def missing_keys() -> dict[str, list[str]]:
    """Keys present in one language's file but not in another's, per language: ``{lang: [key, …]}``."""
    keys = {lang: {f"{s}.{k}" for s, texts in catalogue(lang).items() for k in texts} for lang in LANGS}
    everything = set().union(*keys.values())
    return {lang: sorted(everything - found) for lang, found in keys.items() if everything - found}


def by_lang(key: str) -> dict[str, str]:
    """One text in every language: ``{"sv": text, "en": text}``."""
    return {lang: text(key, lang) for lang in LANGS}


#: Tag of a notebook markdown cell written in one language: ``lang-sv`` or ``lang-en``.
LANG_TAG = "lang-{lang}"


def page_language(nb: Any, default: str = "sv") -> str:
    """The language of an executed notebook: its ``lang`` parameter as run, else ``default``."""
    papermill = nb.metadata.get("papermill", {}) if hasattr(nb, "metadata") else {}
    lang = (papermill.get("parameters") or {}).get("lang") or default
    return lang if lang in LANGS else default


def in_language(nb: Any, lang: str) -> Any:
    """A copy of notebook ``nb`` without the cells tagged for another language.

    A markdown cell tagged ``lang-sv`` is kept on Swedish pages only, one tagged ``lang-en`` on
    English pages only; cells without such a tag are kept on both.
    """
    import copy

    other = {LANG_TAG.format(lang=code) for code in LANGS if code != _check(lang)}
    copied = copy.copy(nb)
    copied.cells = [cell for cell in nb.cells if not other & set(cell.get("metadata", {}).get("tags", []))]
    return copied


def notebook_heading(cells: Any, lang: str = "sv") -> str | None:
    """The first ``# `` heading of a notebook's markdown cells (a list of cell dicts) in ``lang``:
    cells tagged for another language are passed over; None without one."""
    other = {LANG_TAG.format(lang=code) for code in LANGS if code != _check(lang)}
    for cell in cells:
        if cell.get("cell_type") != "markdown" or other & set(cell.get("metadata", {}).get("tags", [])):
            continue
        source = cell.get("source", "")
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return None


def column(stem: str, lang: str) -> str:
    """The name of the column of a reference table that holds a text in ``lang``: ``name_sv``, ``name_en``."""
    return f"{stem}_{_check(lang)}"
