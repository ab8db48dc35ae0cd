"""The site's frame, shared by every page builder: labels, escaping, the navigation, the page
template and the few helpers the index, the profiles, the verdicts and the exports all use.

It imports nothing of the site itself, so :mod:`digimotor.site`, its page modules and
:mod:`digimotor.exports` depend on it and never on each other in a circle.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import labels

SITE_DIR = Path(__file__).resolve().parent


LABELS: dict[str, dict[str, str]] = labels.table("site")


KIND_LABELS = labels.table("site_kind_labels")


def label(key: str, lang: str = "sv") -> str:
    """The site label ``key`` in ``lang``."""
    return LABELS[key][lang]


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def page_kinds(manifest: Sequence[Mapping[str, Any]]) -> list[str]:
    """The data kinds a page used: those of the inputs it loaded and the tables it wrote."""
    kinds = {e.get("kind") for e in manifest if e.get("entry") in ("input", "table") and e.get("kind")}
    return [k for k in ("published", "public", "synthetic", "user") if k in kinds]


def notebook_titles(context: Mapping[str, Any], lang: str = "sv") -> list[tuple[str, str]]:
    """The (name, title) of every notebook page in ``lang``: ``context["by_lang"]`` when the runner
    gave the titles per language, else ``context["notebooks"]``."""
    return list((context.get("by_lang") or {}).get(lang) or context.get("notebooks", []))


def nav(context: Mapping[str, Any], current: str | None, lang: str = "sv", prefix: str = "") -> str:
    """The navigation bar: Overview, every notebook page (short title), Method."""
    items = [("index.html", label("home", lang), current == "index")]
    items += [(f"{name}.html", title.split(":")[0].strip(), current == name)
              for name, title in notebook_titles(context, lang)]
    items.append(("method.html", label("method", lang), current == "method"))
    current_mark = ' aria-current="page"'
    links = "".join(
        f'<li><a href="{prefix}{esc(href)}"{current_mark if here else ""}>{esc(text)}</a></li>'
        for href, text, here in items
    )
    return f'<nav class="dm-nav" aria-label="navigation"><ul>{links}</ul></nav>'


def _part_label(part: str, lang: str) -> str:
    key = f"part.{part}"
    return label(key, lang) if key in LABELS else part


def _findings_html(lang: str = "sv") -> str:
    import yaml

    data = yaml.safe_load((SITE_DIR / "findings.yml").read_text(encoding="utf-8"))

    def text(item: Mapping[str, Any], key: str) -> str:  # ``key_en`` on English pages, ``key`` (Swedish) else
        return item.get(f"{key}_{lang}") or item[key]

    items = "".join(
        f"<li><strong>{esc(text(f, 'title'))}</strong> {esc(text(f, 'text'))} "
        f'<span class="dm-source">({esc(label("findings.where", lang))} {esc(f["seed_lines"])})</span></li>'
        for f in data["findings"]
    )
    return (f"<p>{esc(text(data, 'intro'))}</p><ol class=\"dm-findings\">{items}</ol>"
            f'<p class="dm-source">{esc(text(data, "source"))}</p>')


def page(title: str, body: str, context: Mapping[str, Any], current: str, lang: str = "sv", prefix: str = "") -> str:
    """A site page (index, method, profiles) in the site's frame; ``prefix`` leads to the site's root
    from a page in a subfolder (``"../"``)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><link rel="stylesheet" href="{prefix}style.css">
<script src="{prefix}tables.js" defer></script></head>
<body class="dm-page">
{nav(context, current, lang, prefix)}
<main class="dm-main">{body}</main>
<footer class="dm-footer">{nav(context, current, lang, prefix)}</footer>
</body></html>
"""
