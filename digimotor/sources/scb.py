"""Statistics Sweden (SCB): population, population by age and sex, and the regional projection.

Three datasets, each importable from what Statistikdatabasen exports (PC-Axis ``.px``,
json-stat2 ``.json``, PxWeb v1 ``json``, CSV with title lines and XLSX) and fetchable with
``digimotor fetch`` (:mod:`digimotor.fetch`):

* ``population`` — municipality × year (TAB638 / v1 ``BefolkningNy``, ``BE0101N1``, 31 Dec).
* ``population_by_age`` — region (county ``14``, municipality or ``00``) × age group × sex × year.
* ``population_projection`` — region × year (× age × sex), with the projection's **vintage**
  (the edition, e.g. ``2020`` for SCB's first regional projection 2020–2070). A later edition
  is never presented as the study's 2030 forecast: notebooks show the vintage.

The readers (:mod:`digimotor.sources.scb_readers`) turn every format into the raw cells that
:func:`digimotor.conform.conform` validates: SCB codes for regions, ``women``/``men`` for sex,
``0-4``/``37``/``100-`` for age.
The PxWeb queries (v2 first, v1 as fallback) used by ``fetch`` are :mod:`digimotor.sources.pxweb`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..conform import Problems
from ..errors import InputFileError
from ..model.population import age_bounds
from ..schema import Column, DatasetSpec
from .pxweb import TABLES
from .registry import load, register
from .scb_readers import (
    age_label,
    read_population,
    read_population_by_age,
    read_population_projection,
)

if TYPE_CHECKING:
    import pandas as pd

from ..schema import ROW


def _check_by_age(frame: pd.DataFrame, file: str) -> None:
    problems = Problems(file)
    for number, row in zip(frame[ROW], frame.itertuples(), strict=True):  # itertuples renames __row__
        try:
            age_label(row.age_group)
        except ValueError as exc:
            problems.add(int(number), "age_group", str(exc))
        if not re.fullmatch(r"\d{2}|\d{4}", str(row.region_code)):
            problems.add(int(number), "region_code",
                         f"'{row.region_code}' is not an SCB region code (00, 14, 1460 …)",
                         "write the riket (00), county (14) or municipality (1460) code")
    problems.raise_if_any()


def _check_projection(frame: pd.DataFrame, file: str) -> None:
    vintages = sorted(set(frame["vintage"].astype(str)))
    if len(vintages) > 1:
        raise InputFileError(f"one snapshot holds one projection edition; found vintages {', '.join(vintages)}",
                             file=file, column="vintage", hint="import each edition as its own snapshot")
    problems = Problems(file)
    for number, row in zip(frame[ROW], frame.itertuples(), strict=True):  # itertuples renames __row__
        if not re.fullmatch(r"\d{4}", str(row.vintage)):
            problems.add(int(number), "vintage", f"vintage '{row.vintage}' is not a year (the edition, e.g. 2020)",
                         "write the projection's first year, e.g. 2020")
        if str(row.age_group) != "total":
            try:
                age_label(row.age_group)
            except ValueError as exc:
                problems.add(int(number), "age_group", str(exc))
    problems.raise_if_any()


# ---------------------------------------------------------------------------------------
# Dataset specs
# ---------------------------------------------------------------------------------------

_REGION_ALIASES = ("region", "regionkod", "län", "lan", "county", "kod", "code")
_YEAR_ALIASES = ("år", "ar", "tid", "year")
_POP_ALIASES = ("folkmängd", "befolkning", "antal", "invånare", "value", "värde", "population")

POPULATION = register(DatasetSpec(
    name="population",
    title="Population per municipality and year (SCB, 31 December)",
    description=(
        "SCB table TAB638 (v1 BefolkningNy), content BE0101N1 Folkmängd, population on 31 December, "
        "summed over civil status, age and sex. Import a Statistikdatabasen export (.px, json-stat2 "
        ".json, CSV/XLSX, long or with one column per year) or fetch it with `digimotor fetch population`."
    ),
    columns=(
        Column("municipality_code", "municipality", "SCB municipality code",
               aliases=("kommunkod", "kommun", "municipality", "region", "kod", "code"), example="1461"),
        Column("year", "year", "year (population on 31 December)", aliases=_YEAR_ALIASES, example=2019),
        Column("population", "int", "inhabitants", unit="persons", min=0, aliases=_POP_ALIASES, example=9300),
    ),
    key=("municipality_code", "year"),
    reader=read_population,
    extra={"accept_tables": TABLES["population"]["accept"], "contents": "BE0101N1",
           "needs_roles": ("region", "time")},
))

SEX_VALUES = ("women", "men")

POPULATION_BY_AGE = register(DatasetSpec(
    name="population_by_age",
    title="Population by region, age, sex and year (SCB, 31 December)",
    description=(
        "One row per region (00 Riket, a county such as 14, or a municipality), year, age or age group "
        "(\"37\", \"0-4\", \"100-\") and sex (women/men; kvinnor/män and SCB's 2/1 are accepted). SCB table "
        "TAB638 content BE0101N1, summed over civil status; the 'tot' age is dropped."
    ),
    columns=(
        Column("region_code", "str", "SCB region code: 00, a county (14) or a municipality (1460)",
               aliases=_REGION_ALIASES, example="14"),
        Column("year", "year", "year (population on 31 December)", aliases=_YEAR_ALIASES, example=2019),
        Column("age_group", "str", "age in years or a group: 37, 0-4, 100-",
               aliases=("ålder", "alder", "age", "åldersgrupp", "aldersgrupp", "age group"), example="0-4"),
        Column("sex", "category", "sex", allowed=SEX_VALUES, aliases=("kön", "kon"), example="women"),
        Column("population", "int", "inhabitants", unit="persons", min=0, aliases=_POP_ALIASES, example=48000),
    ),
    key=("region_code", "year", "age_group", "sex"),
    check=_check_by_age,
    reader=read_population_by_age,
    extra={"accept_tables": TABLES["population"]["accept"], "contents": "BE0101N1",
           "needs_roles": ("region", "age", "sex", "time")},
))

POPULATION_PROJECTION = register(DatasetSpec(
    name="population_projection",
    title="Population projection by region and year, with the projection's edition (SCB)",
    description=(
        "SCB's regional population projection (BE0401, v1 BefProgOsiktRegN). `vintage` is the edition "
        "(2020 = the first regional projection 2020-2070, published 2020-06-03; later editions replace "
        "it). The study's 2030 forecast is the 2020 edition at most; a later vintage is shown as such."
    ),
    columns=(
        Column("region_code", "str", "SCB region code: 00, a county (14) or a municipality (1460)",
               aliases=_REGION_ALIASES, example="14"),
        Column("year", "year", "projected year (31 December)", aliases=_YEAR_ALIASES, example=2030),
        Column("age_group", "str", "age, age group or 'total'", required=False,
               aliases=("ålder", "alder", "age", "åldersgrupp"), example="total"),
        Column("sex", "category", "sex or total", allowed=(*SEX_VALUES, "total"), required=False,
               aliases=("kön", "kon"), example="total"),
        Column("population", "int", "projected inhabitants", unit="persons", min=0, aliases=_POP_ALIASES,
               example=1800000),
        Column("vintage", "str", "edition of the projection (its first year, e.g. 2020)",
               aliases=("utgåva", "edition", "prognosår", "framskrivningsår"), example="2020"),
    ),
    key=("region_code", "year", "age_group", "sex"),
    check=_check_projection,
    reader=read_population_projection,
    extra={"accept_tables": TABLES["population_projection"]["accept"], "needs_roles": ("region", "time"),
           "sidecar_fields": lambda frame: (
               {"rounded_cells": int(frame.attrs["rounded_cells"]),
                "rounding_note": "projected populations with decimals rounded to whole persons after summing"}
               if frame.attrs.get("rounded_cells") else {})},
))


# ---------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------


def load_population(source: str) -> pd.DataFrame:
    """Population per municipality and year.

    =================  ======  ==========================================
    column             dtype   meaning
    =================  ======  ==========================================
    municipality_code  string  SCB code ("1460")
    municipality       string  Swedish name ("Bengtsfors")
    year               Int64   year; population on 31 December
    population         Int64   inhabitants
    =================  ======  ==========================================
    """
    from ..regions import display_name

    frame = load("population", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame


def load_population_by_age(source: str) -> pd.DataFrame:
    """Population by region, year, age group and sex.

    ===========  ========  ===============================================
    column       dtype     meaning
    ===========  ========  ===============================================
    region_code  string    "00", county ("14") or municipality ("1460")
    year         Int64     year; population on 31 December
    age_group    string    "0-4" … "100-", or single ages "0" … "100-"
    age_from     Int64     first age of the group
    age_to       Int64     last age of the group (missing for "100-")
    sex          category  "women", "men"
    population   Int64     inhabitants
    ===========  ========  ===============================================
    """
    import pandas as pd

    frame = load("population_by_age", source)
    bounds = [age_bounds(a) for a in frame["age_group"]]
    position = list(frame.columns).index("age_group") + 1
    frame.insert(position, "age_from", pd.array([b[0] for b in bounds], dtype="Int64"))
    frame.insert(position + 1, "age_to", pd.array([b[1] for b in bounds], dtype="Int64"))
    return frame


def load_population_projection(source: str) -> pd.DataFrame:
    """A population projection with its edition.

    ===========  ========  ===============================================
    column       dtype     meaning
    ===========  ========  ===============================================
    region_code  string    "00", county ("14") or municipality ("1460")
    year         Int64     projected year
    age_group    string    as in population_by_age, or "total"
    sex          category  "women", "men" or "total"
    population   Int64     projected inhabitants
    vintage      string    edition of the projection ("2020")
    ===========  ========  ===============================================
    """
    frame = load("population_projection", source)
    frame["age_group"] = frame["age_group"].fillna("total")
    frame["sex"] = frame["sex"].fillna("total")
    return frame


def region_name(code: str) -> str:
    """Name of an SCB region code: "00" → "Riket", "14" → "Västra Götalands län", "1460" → "Bengtsfors"."""
    from ..regions import county_codes, display_name

    if code == "00":
        return "Riket"
    return county_codes().get(code) or display_name(code)
