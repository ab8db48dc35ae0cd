"""Notebook parameter schemas: ``notebooks/NN-topic.params.yml``, checked before any kernel starts.

Every notebook declares its knobs twice: in its ``parameters`` cell (the defaults papermill
sees) and in a schema file next to it (format in CONTRIBUTING.md)::

    base_year:
      type: int            # str | int | float | bool | list | region | source | lang
      default: 2019        # equal to the parameters cell (tests/test_params.py checks)
      min: 1968            # optional, numbers
      max: 2100
      allowed: [..]        # optional; type source: values besides the snapshots (e.g. none = no data)
      dataset: <name>      # type source: the dataset whose snapshot it names; a list: each item's
      description: ...

:func:`resolve_parameters` turns the command line's ``-p key=value`` (applies to every notebook
that has the key) and a ``--params FILE.yaml`` (per-notebook values) into checked values per
notebook. Unknown keys, wrong types, out-of-range values, unknown regions and snapshots that do
not exist are :class:`~digimotor.errors.ParameterError` with the valid choices in the message.

Parameters are data, never code:

* every YAML text (``-p`` values, ``--params`` files, the schemas) is read by
  :func:`~digimotor.safe_yaml.load_yaml` (JSON types only: no tags, anchors, aliases or
  duplicate keys; see :mod:`digimotor.safe_yaml`), errors naming the file or option and the key;
* a ``--params`` file or ``-p`` value is at most :data:`MAX_YAML_BYTES`; a list parameter has
  at most ``max_items`` items (default :data:`MAX_ITEMS`), each of the schema's ``items``
  type (default ``str``); floats must be finite; ``seed`` lies in 0 … 2**32-1;
* values reach the notebook as one JSON document in a string literal, decoded in the
  injected cell (:func:`injected_source`), never as Python source built from the values.
"""

from __future__ import annotations

import copy
import json
import keyword
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DigimotorError, ParameterError
from .safe_yaml import MAX_YAML_BYTES, at_mark, load_yaml, short_repr

TYPES = ("str", "int", "float", "bool", "list", "region", "source", "lang")
LANGS = ("sv", "en")
#: Types a list parameter's items may have (``items: float`` or ``items: int|float``).
ITEM_TYPES = ("str", "int", "float", "bool")
_FIELDS = {"type", "default", "allowed", "min", "max", "dataset", "description", "items", "max_items"}
#: Most items of a list parameter unless its schema sets ``max_items``.
MAX_ITEMS = 1000
#: Bounds of every parameter named ``seed`` (numpy's legacy seeds are 32-bit).
SEED_RANGE = (0, 2**32 - 1)
#: Keys of a ``--params`` file that apply to every notebook.
ALL_NOTEBOOKS = ("all", "*")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a notebook."""

    name: str
    type: str
    default: Any
    description: str = ""
    allowed: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    dataset: str | None = None
    items: tuple[str, ...] = ("str",)
    max_items: int = MAX_ITEMS

    def describe(self) -> str:
        """One line for ``digimotor params``."""
        extra = []
        if self.allowed is not None:
            extra.append("one of " + ", ".join(map(str, self.allowed)))
        if self.min is not None or self.max is not None:
            extra.append(f"range {self.min if self.min is not None else '-inf'}–{self.max if self.max is not None else 'inf'}")
        if self.dataset:
            extra.append(f"snapshot of dataset {self.dataset}")
        if self.type == "list":
            extra.append(f"items {'|'.join(self.items)}, at most {self.max_items}")
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"  {self.name:<14} {self.type:<7} default {self.default!r:<14} {self.description}{tail}"

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` if it fits this parameter; raise :class:`ParameterError` otherwise."""
        label = f"{where}: parameter '{self.name}'"
        kind = self.type
        if kind in ("str", "source", "lang") and not isinstance(value, str):
            raise ParameterError(f"{label} must be text ({kind}), not {_typename(value)} {short_repr(value)}")
        if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise ParameterError(f"{label} must be a whole number (int), not {_typename(value)} {short_repr(value)}")
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"{label} must be a number (float), not {_typename(value)} {short_repr(value)}")
            value = _finite(float(value), label)
        if kind == "bool" and not isinstance(value, bool):
            raise ParameterError(f"{label} must be true or false (bool), not {_typename(value)} {short_repr(value)}")
        if kind == "list":
            if not isinstance(value, list):
                raise ParameterError(f"{label} must be a list, not {_typename(value)} {short_repr(value)}")
            if len(value) > self.max_items:
                raise ParameterError(f"{label} has {len(value)} items; at most {self.max_items} are allowed")
            checked = [self._check_item(item, f"{label} item {i + 1}") for i, item in enumerate(value)]
            if self.dataset:  # a list of snapshots: each must exist
                for i, item in enumerate(checked):
                    self._check_snapshot(item, f"{label} item {i + 1}")
            return checked
        if kind == "region":
            if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
                raise ParameterError(f"{label} must be a region name or a list of municipalities, not {short_repr(value)}")
            if isinstance(value, list) and len(value) > self.max_items:
                raise ParameterError(f"{label} has {len(value)} items; at most {self.max_items} are allowed")
            from .regions import resolve_region

            try:
                resolve_region(value)
            except DigimotorError as exc:
                raise ParameterError(f"{label}: {exc}") from None
        if kind == "lang" and value not in LANGS:
            raise ParameterError(f"{label} must be one of {', '.join(LANGS)}, not {short_repr(value)}")
        if kind == "source":
            if self.allowed is not None and value in self.allowed:  # e.g. "none": no data
                return value
            self._check_snapshot(value, label)
            return value
        if self.allowed is not None and value not in self.allowed:
            raise ParameterError(
                f"{label} must be one of {', '.join(map(repr, self.allowed))}, not {short_repr(value)}"
            )
        if kind in ("int", "float"):
            self._check_range(value, label)
        return value

    def _check_snapshot(self, value: str, label: str) -> None:
        """``value`` names a snapshot of :attr:`dataset` under ``data/raw/``."""
        from .datasets import available_snapshots

        have = available_snapshots(self.dataset or "")
        if value not in have:
            extra = f"; or {', '.join(map(repr, self.allowed))}" if self.type == "source" and self.allowed else ""
            raise ParameterError(
                f"{label}: no snapshot {short_repr(value)} of dataset {self.dataset}",
                hint=("available: " + ", ".join(have) if have else "none is available") + extra
                + f"; bring a file in with `digimotor import {self.dataset} <file> --name {value if len(value) <= 40 else '<name>'}`",
            )

    def _check_item(self, item: Any, label: str) -> Any:
        """One item of a list parameter, against ``items``, ``min``/``max`` and ``allowed``."""
        if isinstance(item, bool):
            ok = "bool" in self.items
        elif isinstance(item, int):
            ok = "int" in self.items or "float" in self.items
            if ok and "int" not in self.items:
                item = float(item)
        elif isinstance(item, float):
            ok = "float" in self.items
        else:
            ok = isinstance(item, str) and "str" in self.items
        if not ok:
            raise ParameterError(f"{label} must be {' or '.join(self.items)}, not {_typename(item)} {short_repr(item)}")
        if isinstance(item, float):
            _finite(item, label)
        if isinstance(item, int | float) and not isinstance(item, bool):
            self._check_range(item, label)
        if self.allowed is not None and item not in self.allowed:
            raise ParameterError(f"{label} must be one of {', '.join(map(repr, self.allowed))}, not {short_repr(item)}")
        return item

    def _check_range(self, value: float, label: str) -> None:
        if self.min is not None and not value >= self.min:  # "not >=": NaN never passes
            raise ParameterError(f"{label} = {value!r} is below its minimum {self.min}")
        if self.max is not None and not value <= self.max:
            raise ParameterError(f"{label} = {value!r} is above its maximum {self.max}")


def _finite(value: float, label: str) -> float:
    if not math.isfinite(value):
        raise ParameterError(f"{label} must be a finite number, not {value!r}")
    return value


def _typename(value: Any) -> str:
    return {bool: "bool", int: "int", float: "float", str: "text", list: "list", dict: "mapping"}.get(
        type(value), type(value).__name__
    )


@dataclass
class Schema:
    """The parameters of one notebook."""

    notebook: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    inferred: bool = False  # True when read from the parameters cell (no params.yml)

    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.parameters.items()}

    def describe(self) -> str:
        """The schema as text (``digimotor params``)."""
        head = f"{self.notebook}" + (" (no params.yml: inferred from the parameters cell)" if self.inferred else "")
        return "\n".join([head, *(p.describe() for p in self.parameters.values())])

    def check(self, values: Mapping[str, Any], where: str | None = None) -> dict[str, Any]:
        """Check ``values`` (a subset of the parameters); return them checked.

        An unknown key is an error that lists the valid keys.
        """
        where = where or self.notebook
        unknown = [k for k in values if k not in self.parameters]
        if unknown:
            raise ParameterError(
                f"{where}: unknown parameter(s) {', '.join(map(repr, unknown))}",
                hint="valid: " + ", ".join(self.parameters),
            )
        return {k: self.parameters[k].check(v, where) for k, v in values.items()}


def schema_path(notebook: Path) -> Path:
    """``notebooks/NN-topic.params.yml`` for ``notebooks/NN-topic.ipynb``."""
    return notebook.with_name(notebook.stem + ".params.yml")


def parse_schema(text: str, notebook: str, file: str) -> Schema:
    """Parse and check the YAML text of a schema file."""
    import yaml

    try:
        raw = load_yaml(text, file)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{file}: not valid YAML ({' '.join(str(exc).split())})") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ParameterError(f"{file}: a schema maps parameter names to their declarations")
    schema = Schema(notebook)
    for name, decl in raw.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ParameterError(f"{file}: parameter name {short_repr(name, 40)} is not a Python name")
        if not isinstance(decl, dict):
            raise ParameterError(f"{file}: parameter '{name}' needs a mapping with type and default")
        extra = set(decl) - _FIELDS
        if extra:
            raise ParameterError(f"{file}: parameter '{name}' has unknown field(s) {', '.join(sorted(extra))}",
                                 hint="fields: " + ", ".join(sorted(_FIELDS)))
        if decl.get("type") not in TYPES:
            raise ParameterError(f"{file}: parameter '{name}' has type {decl.get('type')!r}",
                                 hint="types: " + ", ".join(TYPES))
        if "default" not in decl:
            raise ParameterError(f"{file}: parameter '{name}' has no default")
        if decl["type"] == "source" and not decl.get("dataset"):
            raise ParameterError(f"{file}: parameter '{name}' (type source) needs 'dataset'")
        bounds = {}
        for end in ("min", "max"):
            limit = decl.get(end)
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float)
                                      or not math.isfinite(limit)):
                raise ParameterError(f"{file}: parameter '{name}': {end} must be a finite number, not {limit!r}")
            bounds[end] = limit
        if name == "seed":  # every seed is bounded, declared or not
            low, high = SEED_RANGE
            if decl["type"] != "int" or not low <= (bounds["min"] if bounds["min"] is not None else low) \
                    <= (bounds["max"] if bounds["max"] is not None else high) <= high:
                raise ParameterError(f"{file}: parameter 'seed' must be an int within {low}…{high}")
            bounds = {"min": low if bounds["min"] is None else bounds["min"],
                      "max": high if bounds["max"] is None else bounds["max"]}
        items = decl.get("items", "str")
        kinds = tuple(k.strip() for k in items.split("|")) if isinstance(items, str) else ()
        if not kinds or any(k not in ITEM_TYPES for k in kinds):
            raise ParameterError(f"{file}: parameter '{name}' has items {items!r}",
                                 hint="items: one or more of " + "|".join(ITEM_TYPES) + ", e.g. int|float")
        max_items = decl.get("max_items", MAX_ITEMS)
        if isinstance(max_items, bool) or not isinstance(max_items, int) or not 0 < max_items <= 100 * MAX_ITEMS:
            raise ParameterError(f"{file}: parameter '{name}': max_items must be a whole number "
                                 f"from 1 to {100 * MAX_ITEMS}, not {max_items!r}")
        if ("items" in decl or "max_items" in decl) and decl["type"] not in ("list", "region"):
            raise ParameterError(f"{file}: parameter '{name}': items and max_items are for lists")
        allowed = decl.get("allowed")
        if allowed is not None and not isinstance(allowed, list):
            raise ParameterError(f"{file}: parameter '{name}': allowed must be a list")
        schema.parameters[name] = Parameter(
            name=name, type=decl["type"], default=decl["default"],
            description=str(decl.get("description", "")).strip(),
            allowed=tuple(allowed) if allowed is not None else None,
            min=bounds["min"], max=bounds["max"], dataset=decl.get("dataset"),
            items=kinds, max_items=max_items,
        )
    return schema


def _infer_type(value: Any) -> str:
    for kind, types in (("bool", bool), ("int", int), ("float", float), ("list", list)):
        if isinstance(value, types):
            return kind
    return "str"


def inspect_parameters_cell(notebook: Path) -> dict[str, Any]:
    """The defaults of a notebook's ``parameters`` cell, evaluated as literals (never executed)."""
    import ast

    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            values: dict[str, Any] = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        values[node.targets[0].id] = ast.literal_eval(node.value)
                    except (ValueError, TypeError, SyntaxError, RecursionError):
                        continue  # not a literal: not a parameter that can be set
            return values
    return {}


#: Parsed schemas by (text, notebook, path): :func:`load_schema` parses a text once.
_SCHEMAS: dict[tuple[str, str, str], Schema] = {}


def load_schema(notebook: Path) -> Schema:
    """The schema of ``notebook``: its ``.params.yml``; without one, inferred with a warning."""
    path = schema_path(notebook)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        key = (text, notebook.stem, str(path))
        if key not in _SCHEMAS:  # parsing is slow (YAML); a run reads each schema several times
            _SCHEMAS.clear() if len(_SCHEMAS) > 256 else None
            _SCHEMAS[key] = parse_schema(text, notebook.stem, str(path))
        return copy.deepcopy(_SCHEMAS[key])
    warnings.warn(
        f"{notebook.name} has no {path.name}: parameter types inferred from its parameters cell",
        stacklevel=2,
    )
    schema = Schema(notebook.stem, inferred=True)
    for name, value in inspect_parameters_cell(notebook).items():
        kind = _infer_type(value)
        items = tuple(dict.fromkeys(_infer_type(v) for v in value)) if kind == "list" else ()
        if not items or any(k not in ITEM_TYPES for k in items):
            items = ("str",)
        schema.parameters[name] = Parameter(name, kind, value, items=items)
    return schema


def run_values(notebook: Path, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The values ``notebook`` ran with: its schema's defaults, overlaid by the parameters
    ``given``; only those given when the schema cannot be read (the run reports that itself)."""
    try:
        defaults = load_schema(notebook).defaults()
    except Exception:  # noqa: BLE001 - a broken schema is reported by the run itself
        defaults = {}
    return {**defaults, **(given or {})}


def read_params_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a ``--params FILE.yaml``: ``{notebook: {key: value}}`` (``all:`` applies to every one).

    The file is at most :data:`MAX_YAML_BYTES` and read by :func:`load_yaml` (JSON types only).
    """
    import yaml

    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise ParameterError(f"cannot read parameters file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_YAML_BYTES:
        raise ParameterError(f"{path}: parameters file larger than {MAX_YAML_BYTES // 1024} KiB",
                             hint="a parameters file holds a few short values per notebook")
    try:
        raw = load_yaml(data.decode("utf-8"), str(path))
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(f"{path}: not valid YAML{at_mark(mark)}",
                             hint="write one block per notebook, e.g. `01-demography: {lang: en}`") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ParameterError(f"{path}: expected notebook names mapping to parameters",
                             hint="e.g. `01-demography: {lang: en}` or `all: {lang: en}`")
    return {str(k): dict(v) for k, v in raw.items()}


def parse_assignment(text: str) -> tuple[str, Any]:
    """``-p KEY=VALUE`` as ``(key, value)``: VALUE is YAML (JSON types only), else kept as text."""
    import yaml

    if "=" not in text:
        raise ParameterError(f"-p {short_repr(text, 60)} is not KEY=VALUE", hint="e.g. -p lang=en")
    key, value = (part.strip() for part in text.split("=", 1))
    if not key.isidentifier():
        raise ParameterError(f"-p {short_repr(key, 60)}: not a parameter name", hint="e.g. -p lang=en")
    if not value:
        return key, ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes the terminal could not decode (surrogate escapes)
        raise ParameterError(f"-p {key}: the value is not valid UTF-8 text") from None
    try:
        return key, load_yaml(value, f"-p {key}")
    except yaml.YAMLError:  # not YAML (e.g. an unbalanced quote): the text itself
        return key, value


def parameters_cell_names(notebook: Path) -> set[str]:
    """The names the notebook's one ``parameters``-tagged cell assigns.

    Read as JSON and parsed with :mod:`ast` (never executed). A notebook without such a cell,
    or with several, is a :class:`ParameterError` naming it: values given to it would be
    silently ignored (or applied to the wrong cell).
    """
    import ast

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError) as exc:
        raise ParameterError(f"{notebook.name}: cannot read the notebook ({exc})") from None
    tagged = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"
              and "parameters" in ((c.get("metadata") or {}).get("tags") or [])]
    if len(tagged) != 1:
        raise ParameterError(
            f"{notebook.name} has {'no' if not tagged else len(tagged)} code cell(s) tagged 'parameters'; "
            "its parameters cannot be set", hint="tag exactly one cell, the one that sets the defaults")
    source = tagged[0].get("source", "")
    try:
        tree = ast.parse("".join(source) if isinstance(source, list) else str(source))
    except SyntaxError as exc:
        raise ParameterError(f"{notebook.name}: the parameters cell is not valid Python (line {exc.lineno})") from None
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def injected_source(values: Mapping[str, Any]) -> str:
    """The source of the cell that sets ``values`` in a notebook: data, never code.

    All values travel as ONE JSON document inside one Python string literal (``repr`` of
    ``json.dumps``), decoded by :func:`json.loads`; the names are checked identifiers. No
    value, whatever its characters, can end the literal or become a statement.
    """
    bad = [k for k in values if not (isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k))]
    if bad:
        raise ParameterError(f"parameter name(s) {', '.join(map(short_repr, bad))} are not Python names")
    try:
        document = json.dumps(dict(values), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"parameters cannot be passed to the notebook as JSON data: {exc}") from None
    lines = ["# Parameters (set by digimotor as JSON data)", "import json as _json",
             f"_p = _json.loads({document!r})"]
    lines += [f"{name} = _p[{name!r}]" for name in values]
    lines.append("del _json, _p")
    return "\n".join(lines) + "\n"


def resolve_parameters(
    notebooks: Sequence[Path],
    common: Mapping[str, Any] | None = None,
    per_notebook: Mapping[str, Mapping[str, Any]] | None = None,
    strict: bool = True,
) -> dict[str, dict[str, Any]]:
    """Checked parameter values per notebook (only the values that were given).

    Parameters
    ----------
    notebooks
        The notebooks of the run.
    common
        ``-p key=value``: applies to every notebook that declares the key. A key that no
        notebook of the run declares is an error listing the valid keys.
    per_notebook
        ``--params FILE``: ``{notebook name or "all": {key: value}}``.
    strict
        If False, a common key that no notebook has is ignored (Python API compatibility).
    """
    common = dict(common or {})
    per_notebook = dict(per_notebook or {})
    schemas = {nb.stem: load_schema(nb) for nb in notebooks}
    known = sorted({k for s in schemas.values() for k in s.parameters})
    unknown = [k for k in common if k not in known]
    if unknown and strict:
        raise ParameterError(f"unknown parameter(s) {', '.join(map(repr, unknown))} for the notebooks of this run",
                             hint="valid: " + ", ".join(known))
    for name in per_notebook:
        if name not in schemas and name not in ALL_NOTEBOOKS:
            raise ParameterError(f"parameters file names notebook '{name}', which is not in this run",
                                 hint="notebooks: " + ", ".join(schemas) + " (or 'all')")
    everywhere = {}
    for key in ALL_NOTEBOOKS:
        everywhere.update(per_notebook.get(key, {}))
    stray = [k for k in everywhere if k not in known]
    if stray:
        raise ParameterError(f"unknown parameter(s) {', '.join(map(repr, stray))} under 'all'",
                             hint="valid: " + ", ".join(known))
    resolved = {}
    paths = {nb.stem: nb for nb in notebooks}
    for name, schema in schemas.items():
        values = {k: v for k, v in common.items() if k in schema.parameters}
        values.update({k: v for k, v in everywhere.items() if k in schema.parameters})
        values.update(per_notebook.get(name, {}))
        resolved[name] = schema.check(values)
        if schema.parameters or values:  # values must land in a parameters cell that sets them
            assigned = parameters_cell_names(paths[name])
            unset = [k for k in resolved[name] if k not in assigned]
            if unset:
                raise ParameterError(f"{paths[name].name}: the parameters cell does not set "
                                     f"{', '.join(map(repr, unset))}, so the value(s) would not apply",
                                     hint=f"add them to its parameters cell, as in {schema_path(paths[name]).name}")
    return resolved
