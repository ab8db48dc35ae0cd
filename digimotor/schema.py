"""Dataset schemas: the columns, dtypes and keys every snapshot of a dataset follows.

A *dataset* (``population_forecast``, ``dimios``, ``tbm_ledger`` …) has a schema, a
:class:`DatasetSpec`, declared in the :mod:`digimotor.sources` module that reads it and
registered in :mod:`digimotor.sources.registry`. :mod:`digimotor.conform` validates raw cells
against a spec; :mod:`digimotor.snapshots` stores and loads the files. This module is part of the
base layer: it imports nothing of the study.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .regions import fold

if TYPE_CHECKING:
    import pandas as pd

DTYPES = ("str", "int", "float", "year", "municipality", "category", "date", "bool")
#: The column that carries a raw cell's row number in the file (1-based, as a spreadsheet shows it).
ROW = "__row__"
#: Texts read as "true" in a ``bool`` column.
TRUE_TEXTS = frozenset({"1", "ja", "j", "yes", "y", "true", "sant", "x"})
#: Texts read as "false" in a ``bool`` column.
FALSE_TEXTS = frozenset({"0", "nej", "n", "no", "false", "falskt"})


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    ``dtype`` is one of ``str``, ``int``, ``float``, ``year``, ``municipality`` (a name or
    code, stored as the 4-character SCB code; synthetic data's pseudonyms such as
    "Kommun 01" are kept as they are), ``category`` (one of ``allowed``), ``date``
    (ISO ``YYYY-MM-DD``, optionally followed by a time of day after a space or ``T``, which
    is dropped; nothing else) or ``bool`` (ja/nej, yes/no, 1/0). ``int`` and ``year`` are
    read exactly within the 64-bit range; numbers that are not finite (``inf``) are errors,
    never compared with ``min``/``max``. ``aliases`` are other header texts accepted on
    import (Swedish and English); matching ignores case and diacritics.
    """

    name: str
    dtype: str
    description: str
    unit: str = ""
    required: bool = True
    aliases: tuple[str, ...] = ()
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    example: Any = None

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} not in {DTYPES}")
        if self.dtype == "category" and not self.allowed:
            raise ValueError(f"column {self.name}: a category needs allowed values")

    def header_keys(self) -> set[str]:
        return {fold(self.name), *(fold(a) for a in self.aliases)}


@dataclass(frozen=True)
class DatasetSpec:
    """The schema of a dataset, used to validate imports, write templates and load snapshots.

    ``key`` names the columns that identify a row: two rows with the same key are an error.
    ``check`` is an optional extra rule ``check(frame, file) -> None`` that raises
    :class:`~digimotor.errors.InputFileError` (it sees the ``__row__`` column).
    ``reader`` is an optional function ``reader(path, spec, **options) -> frame`` for file
    formats that are not plain tables (PC-Axis, json-stat2); it returns raw cells like
    :func:`digimotor.sources.files.read_rows`.
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    check: Callable[[pd.DataFrame, str], None] | None = None
    reader: Callable[..., pd.DataFrame] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def describe(self) -> str:
        """A plain-text column table for ``digimotor template`` and docstrings."""
        lines = [f"{self.name}: {self.title}", "", self.description, ""]
        for col in self.columns:
            need = "required" if col.required else "optional"
            extra = ""
            if col.allowed:
                extra = " one of: " + ", ".join(col.allowed)
            elif col.min is not None or col.max is not None:
                extra = f" range {col.min if col.min is not None else '-inf'}–{col.max if col.max is not None else 'inf'}"
            unit = f" [{col.unit}]" if col.unit else ""
            lines.append(f"  {col.name:<24} {col.dtype:<12} {need:<9}{unit} {col.description}{extra}")
        if self.key:
            lines += ["", "  one row per: " + ", ".join(self.key)]
        return "\n".join(lines)


def pandas_dtype(col: Column) -> str:
    return {
        "str": "string",
        "municipality": "string",
        "category": "category",
        "date": "string",
        "int": "Int64",
        "year": "Int64",
        "float": "float64",
        "bool": "boolean",
    }[col.dtype]


def apply_dtypes(frame: pd.DataFrame, spec: DatasetSpec) -> pd.DataFrame:
    import pandas as pd

    out = frame.copy()
    for col in spec.columns:
        if col.name not in out.columns:
            continue
        if col.dtype == "category":
            out[col.name] = pd.Categorical(out[col.name], categories=list(col.allowed or ()), ordered=True)
        elif col.dtype == "bool":
            out[col.name] = out[col.name].map(
                lambda v: pd.NA if pd.isna(v) else str(v).strip().lower() in TRUE_TEXTS
            ).astype("boolean")
        elif col.dtype in ("int", "year"):
            out[col.name] = pd.array(out[col.name], dtype="Int64")
        elif col.dtype == "float":
            out[col.name] = out[col.name].astype("float64")
        else:
            out[col.name] = out[col.name].astype("string")
    ordered = [c.name for c in spec.columns if c.name in out.columns]
    return out[ordered + [c for c in out.columns if c not in ordered]]


def match_headers(frame_columns: Sequence[str], spec: DatasetSpec) -> dict[str, str]:
    """File header -> spec column name, for headers that match a column or alias."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for key in col.header_keys():
            lookup[key] = col.name
    return {h: lookup[fold(h)] for h in frame_columns if fold(h) in lookup}


def header_matcher(spec: DatasetSpec) -> Callable[[list[str]], bool]:
    """A predicate for :func:`~digimotor.sources.files.read_rows`: does a row look like the header?"""
    required = [c for c in spec.columns if c.required]

    def is_header(cells: list[str]) -> bool:
        keys = {fold(c) for c in cells}
        hits = sum(1 for c in required if c.header_keys() & keys)
        return hits >= max(1, math.ceil(len(required) / 2))

    return is_header


def to_tidy_csv(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """Serialise a conformed frame as the canonical snapshot CSV (UTF-8, comma, dot decimals)."""
    columns = [c.name for c in spec.columns if c.required or c.name in frame.columns]
    body = frame[columns].to_csv(index=False, lineterminator="\n")
    return body.encode("utf-8")
