"""Datasets: named, documented tables that notebooks read through one route (the callers' entry).

The real homes are :mod:`digimotor.schema` (:class:`DatasetSpec`, columns, dtypes),
:mod:`digimotor.conform` (validating raw cells), :mod:`digimotor.snapshots` (where files live,
sidecars, loading one) and :mod:`digimotor.sources.registry` (the datasets the loaders declare,
:func:`get`, :func:`names`, :func:`load` by name). This module gathers their public names for
callers above the sources layer (importer, commands, checks, notebooks); modules of the base
and sources layers import the real homes.
"""

from __future__ import annotations

from .conform import MAX_REPORTED_PROBLEMS, Problems, conform, parse_integer, parse_number
from .schema import DTYPES, ROW, Column, DatasetSpec, header_matcher, to_tidy_csv
from .snapshots import available_snapshots, check_snapshot_name, snapshot_path
from .sources.registry import get, load, names, register

__all__ = [
    "DTYPES", "MAX_REPORTED_PROBLEMS", "ROW", "Column", "DatasetSpec", "Problems", "available_snapshots",
    "check_snapshot_name", "conform", "get", "header_matcher", "load", "names", "parse_integer",
    "parse_number", "register", "snapshot_path", "to_tidy_csv",
]
