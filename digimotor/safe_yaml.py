"""YAML restricted to the JSON types: parameters are data, never code.

Every YAML text that reaches the runner (``-p`` values, ``--params`` files, the notebooks'
parameter schemas) is read by :func:`load_yaml`, which knows only the JSON types (text,
numbers, true/false, null, lists and mappings with text keys). Any other tag (``!!binary``,
``!!omap``, ``!!set``, ``!!timestamp``, ``!!python/…``, custom tags), anchors and aliases,
duplicate keys, nesting deeper than :data:`MAX_DEPTH` and a text longer than
:data:`MAX_YAML_BYTES` are :class:`~digimotor.errors.ParameterError` naming the file or option
and the key. PyYAML is imported only when a text is read.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .errors import ParameterError

#: Largest ``--params`` file or ``-p`` value read, in bytes (1 MiB).
MAX_YAML_BYTES = 1 << 20
#: Deepest nesting of lists and mappings in a parameters text.
MAX_DEPTH = 16


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (a message stays one short line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TAG = "tag:yaml.org,2002:"
#: Plain scalars resolve as in YAML 1.2's core schema (``yes``/``no``, ``0o17``, ``1:30`` and
#: dates stay text); explicit ``!!int`` etc. must match the same patterns.
_SCALARS = {
    "null": (re.compile(r"(?:~|null|Null|NULL|)\Z"), ["~", "n", "N", ""]),
    "bool": (re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z"), list("tTfF")),
    "int": (re.compile(r"[-+]?[0-9]+\Z"), list("-+0123456789")),
    "float": (re.compile(r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"), list("-+0123456789.")),
}
_ALLOWED_TYPES = "only text, numbers, true/false, null, lists and mappings are allowed"


@functools.cache
def _loader_class():
    """A PyYAML loader without constructors: composes nodes, refusing anchors, aliases and depth."""
    from yaml.composer import Composer
    from yaml.events import AliasEvent
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.resolver import BaseResolver
    from yaml.scanner import Scanner

    class Resolver(BaseResolver):
        pass

    for kind, (pattern, first) in _SCALARS.items():
        Resolver.add_implicit_resolver(_TAG + kind, pattern, first)

    class Loader(Reader, Scanner, Parser, Composer, Resolver):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _Refused("YAML anchors and aliases (&, *) are not allowed", event.start_mark)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return Loader


class _Refused(Exception):
    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


def at_mark(mark: Any) -> str:
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


def load_yaml(text: str, where: str) -> Any:
    """Parse ``text`` as YAML restricted to the JSON types; ``where`` names the file or option.

    Raises
    ------
    ParameterError
        For a disallowed tag, an anchor or alias, a duplicate or non-text key, too deep
        nesting or too long a text: naming ``where`` and the key (``notebook.key[2]``).
    yaml.YAMLError
        If ``text`` is not YAML at all (the caller words that message).
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise ParameterError(f"{where}: larger than {MAX_YAML_BYTES // 1024} KiB; parameters are short values")
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        raise ParameterError(f"{where}: {exc.message}{at_mark(exc.mark)}") from None
    finally:
        loader.dispose()
    return None if node is None else _to_python(node, where, "")


def _to_python(node: Any, where: str, path: str) -> Any:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    tag = node.tag
    label = f"{where}: {path}" if path else where
    kind = tag[len(_TAG):] if tag.startswith(_TAG) else None
    if isinstance(node, ScalarNode) and kind == "str":
        return node.value
    if isinstance(node, ScalarNode) and kind in _SCALARS:
        text = node.value
        if not _SCALARS[kind][0].match(text):
            raise ParameterError(f"{label}: {short_repr(text)} is not a valid !!{kind}{at_mark(node.start_mark)}")
        try:
            if kind == "null":
                return None
            if kind == "bool":
                return text.lower() == "true"
            if kind == "int":
                return int(text)
            low = text.lower().lstrip("+")
            return float(low.replace(".inf", "inf").replace(".nan", "nan"))
        except ValueError:  # an int of thousands of digits
            raise ParameterError(f"{label}: the number {short_repr(text, 20)} is too long{at_mark(node.start_mark)}") from None
    if isinstance(node, SequenceNode) and kind == "seq":
        return [_to_python(item, where, f"{path}[{i}]") for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode) and kind == "map":
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and key_node.tag in (_TAG + "str", _TAG + "int")):
                raise ParameterError(f"{label}: keys must be names (text){at_mark(key_node.start_mark)}")
            key = key_node.value
            if key in out:
                raise ParameterError(f"{label}: key '{key}' is given twice{at_mark(key_node.start_mark)}")
            out[key] = _to_python(value_node, where, f"{path}.{key}" if path else key)
        return out
    shown = "!!" + kind if kind else tag
    raise ParameterError(f"{label}: YAML tag {short_repr(shown, 60)} is not allowed{at_mark(node.start_mark)}",
                         hint=_ALLOWED_TYPES)
