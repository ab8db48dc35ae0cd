"""The registry of datasets: every :class:`~digimotor.schema.DatasetSpec` the loaders declare.

Each :mod:`digimotor.sources` module registers the specs of the datasets it reads with
:func:`register` when it is imported; :func:`get` and :func:`names` first import every
source module (discovery), so that a caller may name any dataset. :func:`load` loads a
snapshot by the dataset's name (:func:`digimotor.snapshots.load` takes its spec).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from .. import snapshots
from ..errors import DigimotorError
from ..schema import DatasetSpec

if TYPE_CHECKING:
    import pandas as pd

_REGISTRY: dict[str, DatasetSpec] = {}
_DISCOVERED = False


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add a dataset spec to the registry (called by the :mod:`digimotor.sources` modules)."""
    existing = _REGISTRY.get(spec.name)
    if existing is not None and existing is not spec:
        raise ValueError(f"dataset {spec.name!r} is registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def discover() -> None:
    """Import every :mod:`digimotor.sources` module once, so that all specs are registered."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    from .. import sources

    for info in pkgutil.iter_modules(sources.__path__):
        importlib.import_module(f"{sources.__name__}.{info.name}")
    _DISCOVERED = True


def get(name: str) -> DatasetSpec:
    """Return the spec of dataset ``name``; an unknown name lists the known ones."""
    discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = ("did you mean " + ", ".join(close) + "? ") if close else ""
        raise DigimotorError(
            f"unknown dataset '{name}'", hint=hint + "known datasets: " + ", ".join(sorted(_REGISTRY))
        ) from None


def names() -> list[str]:
    """All registered dataset names."""
    discover()
    return sorted(_REGISTRY)


def load(dataset: str, source: str = "published") -> pd.DataFrame:
    """Load snapshot ``source`` of ``dataset`` (see :func:`digimotor.snapshots.load`)."""
    return snapshots.load(get(dataset), source)
