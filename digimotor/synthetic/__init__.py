"""Seeded generators of synthetic example inputs (``data/raw/synthetic/``).

Where the study's own microdata are not public (survey answers, cost ledgers,
self-assessments, per-municipality broadband), the notebooks run on a synthetic example so
that every step can be seen working. Each generator module here exposes

* ``GENERATOR`` — a short name, ``VERSION`` — bumped when its output changes,
* ``generate(seed) -> dict[dataset, DataFrame]`` — pure, deterministic for a seed.

:func:`write_all` writes the frames as snapshot files with sidecars (kind ``synthetic``,
generator, seed, version); ``tests/test_synthetic.py`` regenerates them and compares bytes.
Synthetic units carry pseudonyms ("Kommun 01", "IT-org 03"), never real names: a made-up
score must never read as a statement about a real municipality. Agreement between synthetic
data and the report's aggregates is *calibrated* by construction and is not evidence.

Generators may use :mod:`digimotor.metrics` to check the constraints they promise; nothing
in ``metrics`` or ``sources`` imports them.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import pkgutil
from types import ModuleType

DEFAULT_SEED = 2021
#: A fixed date for sidecars, so that regeneration is byte-identical.
GENERATED_ON = _dt.date(2021, 2, 26).isoformat()


def generator_modules() -> list[ModuleType]:
    """All generator modules in this package."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]


def render(module: ModuleType, seed: int = DEFAULT_SEED) -> dict[str, tuple[bytes, dict]]:
    """Generate ``module``'s datasets; return ``{dataset: (csv bytes, sidecar fields)}``."""
    from .. import datasets

    out = {}
    for dataset, frame in module.generate(seed).items():
        spec = datasets.get(dataset)
        conformed = frame[[c for c in spec.column_names if c in frame.columns or spec.column(c).required]]
        body = datasets.to_tidy_csv(conformed, spec)
        fields = {
            "title": f"{spec.title} — synthetic example",
            "dataset": dataset,
            "kind": "synthetic",
            "producer": f"digimotor synthetic generator '{module.GENERATOR}'",
            "date_accessed": GENERATED_ON,
            "licence": "CC0 (generated example data)",
            "generator": f"{module.__name__}.generate",
            "seed": seed,
            "version": module.VERSION,
            "pseudonyms": "units are pseudonyms (Kommun NN, IT-org NN); no real municipality's values",
            "note": (module.__doc__ or "").strip().splitlines()[0],
        }
        if callable(spec.extra.get("sidecar_fields")):  # as digimotor import records them
            fields.update(spec.extra["sidecar_fields"](conformed))
        out[dataset] = (body, fields)
    return out


def write_all(seed: int = DEFAULT_SEED, only: list[str] | None = None) -> list[str]:
    """Regenerate every synthetic snapshot under ``data/raw/synthetic/``; return the datasets."""
    from ..config import raw_dir
    from ..provenance import write_snapshot

    written = []
    for module in generator_modules():
        if only and module.GENERATOR not in only:
            continue
        for dataset, (body, fields) in render(module, seed).items():
            write_snapshot(raw_dir() / "synthetic" / f"{dataset}.csv", body, fields)
            written.append(dataset)
    return written
