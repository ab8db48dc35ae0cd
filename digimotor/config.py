"""Where things are: one place for every path the package reads or writes.

The project root is found, in order, from

1. the environment variable ``DIGIMOTOR_ROOT`` (a folder that holds ``data/raw/``);
2. the current directory or one of its parents that holds ``data/raw/`` and ``notebooks/``;
3. the checkout this package was installed from (editable install).

Notebooks, the command line and the tests all go through :func:`project_root`, so a notebook
never guesses a relative path.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DigimotorError

ENV_ROOT = "DIGIMOTOR_ROOT"

#: The four kinds of number the project shows (see README, "Data kinds").
DATA_KINDS = ("published", "public", "synthetic", "user")

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"


def _looks_like_root(path: Path) -> bool:
    return (path / "data" / "raw").is_dir() and (path / "notebooks").is_dir()


def project_root() -> Path:
    """Return the project folder (the one that holds ``data/raw/`` and ``notebooks/``).

    Raises
    ------
    DigimotorError
        If no such folder can be found.
    """
    env = os.environ.get(ENV_ROOT)
    if env:
        root = Path(env).expanduser().resolve()
        if not (root / "data" / "raw").is_dir():
            raise DigimotorError(
                f"{ENV_ROOT}={env} does not hold a data/raw/ folder",
                hint="point it at a digimotor checkout or unset it",
            )
        return root
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _looks_like_root(candidate):
            return candidate
    installed = PACKAGE_DIR.parent
    if _looks_like_root(installed):
        return installed
    raise DigimotorError(
        "cannot find the digimotor project folder (one with data/raw/ and notebooks/)",
        hint=f"run from inside the checkout or set {ENV_ROOT}",
    )


def raw_dir() -> Path:
    """``data/raw/``: inputs with provenance sidecars (read-only to analysis code)."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``data/processed/``: tables the notebooks write (build products)."""
    return project_root() / "data" / "processed"


def figures_dir() -> Path:
    """``figures/``: PNG and SVG figures the notebooks write (build products)."""
    return project_root() / "figures"


def claims_dir() -> Path:
    """``data/claims/``: the registry of the report's quantitative claims."""
    return project_root() / "data" / "claims"


def notebooks_dir() -> Path:
    """``notebooks/``: the parameterised notebooks, committed without outputs."""
    return project_root() / "notebooks"


def build_dir() -> Path:
    """``build/``: executed notebooks, the HTML site and the run cache."""
    return project_root() / "build"
