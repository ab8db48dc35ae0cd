"""Where things are: one place for every path the package reads or writes.

The project root is found, in order, from

1. the environment variable ``DIGIMOTOR_ROOT`` (a folder that holds ``data/raw/``);
2. the current directory or one of its parents that holds ``data/raw/`` and ``notebooks/``
   (a checkout) or ``data/raw/`` and ``study.yml`` (a study folder, ``digimotor init``);
3. the checkout this package was installed from (editable install).

A study folder holds its own ``data/``, ``figures/`` and ``build/`` but no notebooks: its
notebooks and the claims registry come from the checkout (:func:`notebooks_dir`,
:func:`claims_dir` fall back to :data:`CHECKOUT_DIR`). Notebooks, the command line and the
tests all go through :func:`project_root`, so a notebook never guesses a relative path.
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
#: The checkout the package runs from (its notebooks and claims serve study folders too).
CHECKOUT_DIR = PACKAGE_DIR.parent
#: The file that makes a folder a study (``digimotor init``).
STUDY_FILE = "study.yml"


def _looks_like_root(path: Path) -> bool:
    return (path / "data" / "raw").is_dir() and ((path / "notebooks").is_dir() or (path / STUDY_FILE).is_file())


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
    """``data/claims/``: the registry of the report's quantitative claims (a study folder
    without one uses the checkout's)."""
    return _own_or_checkout(Path("data") / "claims")


def notebooks_dir() -> Path:
    """``notebooks/``: the parameterised notebooks, committed without outputs (a study folder
    without one uses the checkout's)."""
    return _own_or_checkout(Path("notebooks"))


def _own_or_checkout(relative: Path) -> Path:
    own = project_root() / relative
    if own.is_dir() or not (CHECKOUT_DIR / relative).is_dir():
        return own
    return CHECKOUT_DIR / relative


def study_file() -> Path | None:
    """``study.yml`` of the project root when the root is a study folder, else None."""
    path = project_root() / STUDY_FILE
    return path if path.is_file() else None


def build_dir() -> Path:
    """``build/``: executed notebooks, the HTML site and the run cache."""
    return project_root() / "build"
