"""A study is a file: ``study.yml`` names the region, the measurement years, the snapshot each
dataset comes from and the notebook parameters that differ from the defaults.

``digimotor init DIR --region NAME --years 2021 2024`` writes a study folder (:func:`init_study`);
``digimotor reproduce --study DIR/study.yml`` imports the templates that were filled in, checks
everything, and runs the study's notebooks with its parameters (:func:`prepare`,
:func:`run_study`). The folder of ``study.yml`` is the study's root: its ``data/``,
``figures/`` and ``build/`` live there, the notebooks and the claims registry come from the
checkout (:mod:`digimotor.config`). The Fyrbodal 2021 reproduction is the study
``digimotor/reference/studies/fyrbodal-2021.yml`` (``root: project``: the checkout itself).

A study file::

    study: 1
    name: skaraborg-2021-2024
    title: Digital motor Skaraborg 2021–2024
    region: Skaraborg               # association, county, "Sverige" or a list of municipalities
    years: [2021, 2024]             # the measurements
    datasets:                       # dataset -> where its data come from
      dimios:
        snapshot: skaraborg-2021-2024   # data/raw/user/dimios/<snapshot>.csv after the import
        file: [templates/dimios.xlsx, templates/dimios.csv]   # the filled-in template
        required: true              # empty -> error; optional and empty -> its part is skipped
    parameters:                     # per notebook (or "all"): values that differ from the defaults
      03-dimios-maturity: {year: 2024, compare_year: 2021}

``region`` is given to every notebook that has a ``region`` parameter, and each dataset's
snapshot to the notebook parameters that read it (:data:`PARTS`).
"""

from .file import (
    DEFAULT_STUDY,
    FORMAT,
    MEASURED,
    NAME_COLUMN,
    PARTS,
    PER_MUNICIPALITY,
    TEMPLATES,
    DatasetEntry,
    Plan,
    Study,
    StudyError,
    load_study,
    rooted,
    study_title,
)
from .init import init_study
from .run import prepare, run_study

__all__ = [
    "DEFAULT_STUDY", "FORMAT", "MEASURED", "NAME_COLUMN", "PARTS", "PER_MUNICIPALITY", "TEMPLATES",
    "DatasetEntry", "Plan", "Study", "StudyError", "init_study", "load_study", "prepare", "rooted",
    "run_study", "study_title",
]
