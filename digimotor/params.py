"""Notebook parameter schemas: ``notebooks/NN-topic.params.yml``, checked before any kernel starts.

Every notebook declares its knobs twice: in its ``parameters`` cell (the defaults papermill
sees) and in a schema file next to it (format in CONTRIBUTING.md)::

    base_year:
      type: int            # str | int | float | bool | list | region | source | lang
      default: 2019        # equal to the parameters cell (tests/test_params.py checks)
      min: 1968            # optional, numbers
      max: 2100
      allowed: [..]        # optional
      dataset: <name>      # type source: the dataset whose snapshot it names
      description: ...

:func:`resolve_parameters` turns the command line's ``-p key=value`` (applies to every notebook
that has the key) and a ``--params FILE.yaml`` (per-notebook values) into checked values per
notebook. Unknown keys, wrong types, out-of-range values, unknown regions and snapshots that do
not exist are :class:`~digimotor.errors.ParameterError` with the valid choices in the message.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DigimotorError, ParameterError

TYPES = ("str", "int", "float", "bool", "list", "region", "source", "lang")
LANGS = ("sv", "en")
_FIELDS = {"type", "default", "allowed", "min", "max", "dataset", "description"}
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

    def describe(self) -> str:
        """One line for ``digimotor params``."""
        extra = []
        if self.allowed is not None:
            extra.append("one of " + ", ".join(map(str, self.allowed)))
        if self.min is not None or self.max is not None:
            extra.append(f"range {self.min if self.min is not None else '-inf'}–{self.max if self.max is not None else 'inf'}")
        if self.dataset:
            extra.append(f"snapshot of dataset {self.dataset}")
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"  {self.name:<14} {self.type:<7} default {self.default!r:<14} {self.description}{tail}"

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` if it fits this parameter; raise :class:`ParameterError` otherwise."""
        label = f"{where}: parameter '{self.name}'"
        kind = self.type
        if kind in ("str", "source", "lang") and not isinstance(value, str):
            raise ParameterError(f"{label} must be text ({kind}), not {_typename(value)} {value!r}")
        if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise ParameterError(f"{label} must be a whole number (int), not {_typename(value)} {value!r}")
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"{label} must be a number (float), not {_typename(value)} {value!r}")
            value = float(value)
        if kind == "bool" and not isinstance(value, bool):
            raise ParameterError(f"{label} must be true or false (bool), not {_typename(value)} {value!r}")
        if kind == "list" and not isinstance(value, list):
            raise ParameterError(f"{label} must be a list, not {_typename(value)} {value!r}")
        if kind == "region":
            if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
                raise ParameterError(f"{label} must be a region name or a list of municipalities, not {value!r}")
            from .regions import resolve_region

            try:
                resolve_region(value)
            except DigimotorError as exc:
                raise ParameterError(f"{label}: {exc}") from None
        if kind == "lang" and value not in LANGS:
            raise ParameterError(f"{label} must be one of {', '.join(LANGS)}, not {value!r}")
        if kind == "source":
            from .datasets import available_snapshots

            have = available_snapshots(self.dataset or "")
            if value not in have:
                raise ParameterError(
                    f"{label}: no snapshot '{value}' of dataset {self.dataset}",
                    hint=("available: " + ", ".join(have) if have else "none is available")
                    + f"; bring a file in with `digimotor import {self.dataset} <file> --name {value}`",
                )
        if self.allowed is not None and value not in self.allowed:
            raise ParameterError(
                f"{label} must be one of {', '.join(map(repr, self.allowed))}, not {value!r}"
            )
        if kind in ("int", "float"):
            if self.min is not None and value < self.min:
                raise ParameterError(f"{label} = {value!r} is below its minimum {self.min}")
            if self.max is not None and value > self.max:
                raise ParameterError(f"{label} = {value!r} is above its maximum {self.max}")
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
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{file}: not valid YAML ({exc})") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ParameterError(f"{file}: a schema maps parameter names to their declarations")
    schema = Schema(notebook)
    for name, decl in raw.items():
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
        allowed = decl.get("allowed")
        schema.parameters[str(name)] = Parameter(
            name=str(name), type=decl["type"], default=decl["default"],
            description=str(decl.get("description", "")).strip(),
            allowed=tuple(allowed) if allowed is not None else None,
            min=decl.get("min"), max=decl.get("max"), dataset=decl.get("dataset"),
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
                    values[node.targets[0].id] = ast.literal_eval(node.value)
            return values
    return {}


def load_schema(notebook: Path) -> Schema:
    """The schema of ``notebook``: its ``.params.yml``; without one, inferred with a warning."""
    path = schema_path(notebook)
    if path.exists():
        return parse_schema(path.read_text(encoding="utf-8"), notebook.stem, str(path))
    warnings.warn(
        f"{notebook.name} has no {path.name}: parameter types inferred from its parameters cell",
        stacklevel=2,
    )
    schema = Schema(notebook.stem, inferred=True)
    for name, value in inspect_parameters_cell(notebook).items():
        schema.parameters[name] = Parameter(name, _infer_type(value), value)
    return schema


def read_params_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a ``--params FILE.yaml``: ``{notebook: {key: value}}`` (``all:`` applies to every one)."""
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"cannot read parameters file {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ParameterError(f"{path}: not valid YAML{where}",
                             hint="write one block per notebook, e.g. `01-demography: {lang: en}`") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ParameterError(f"{path}: expected notebook names mapping to parameters",
                             hint="e.g. `01-demography: {lang: en}` or `all: {lang: en}`")
    return {str(k): dict(v) for k, v in raw.items()}


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
    for name, schema in schemas.items():
        values = {k: v for k, v in common.items() if k in schema.parameters}
        values.update({k: v for k, v in everywhere.items() if k in schema.parameters})
        values.update(per_notebook.get(name, {}))
        resolved[name] = schema.check(values)
    return resolved
