"""digimotor: reproduce and repeat the "Digital motor Fyrbodal" pre-study (2021).

The package is organised so that data flow one way::

    raw file -> sources (loaders) -> tidy table -> metrics -> plots/outputs -> notebooks -> site

``import digimotor`` is kept light: heavy libraries (pandas, matplotlib, papermill) are
imported by the modules that need them, so the command line starts quickly.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
