"""The site's HTML sanitiser: what notebook cells and outputs may put into a published page.

Defence in depth behind the escaping in :func:`digimotor.outputs.markdown` and
:func:`digimotor.outputs.present`: every Markdown cell, every ``text/html`` and ``text/markdown``
output (after Markdown is rendered), every raw cell and inline SVG goes through :func:`clean`
before it reaches a page (nbconvert's ``clean_html`` filter, switched on by the exporter's
``sanitize_html``). :func:`clean` uses `nh3 <https://nh3.readthedocs.io>`_ (the Ammonia
sanitiser) with an allow-list: the tags and attributes of rendered Markdown and of pandas tables
stay; ``<script>``, ``<style>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<svg>``, ``<form>``
… are removed with their content, as are event-handler attributes (``on*``), ``srcdoc``,
``style`` other than text alignment, and URLs other than ``http(s)``, ``mailto`` or relative
ones (so no ``javascript:`` or ``data:`` links). The page frame (navigation, banners) and the
figures (PNG as ``data:image/png``) are written by the template, outside the sanitiser.
"""

from __future__ import annotations

#: Removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "noscript", "template", "form", "textarea", "select", "button", "title", "head", "meta", "link", "base",
})
#: Tags kept (rendered Markdown, tables from pandas and its Styler); others are unwrapped.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
})
#: Attributes kept, per tag (``*``: on every kept tag).
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border"},
    "th": {"colspan", "rowspan", "scope", "headers", "align"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
#: The only CSS properties a ``style`` attribute keeps (pandas writes ``text-align`` on headers).
STYLE_PROPERTIES = frozenset({"text-align", "vertical-align"})
#: URL schemes links and images may use; relative URLs (``#cell-id=…``, ``files/x.csv``) stay.
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def clean(html: object) -> str:
    """``html`` with everything that could run a script, load a frame or restyle the page removed.

    Used as nbconvert's ``clean_html`` filter (it may be handed bytes).
    """
    import nh3

    text = html.decode("utf-8") if isinstance(html, bytes) else str(html)
    return nh3.clean(
        text,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,  # no target=_blank survives, so no opener to cut
    )
