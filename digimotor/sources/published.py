"""The report's published tables, transcribed into ``data/raw/published/``.

Only numbers the report prints are transcribed; everything the report derives from them
(change, change %, totals) is recomputed by :mod:`digimotor.metrics` and checked against the
claims registry (:mod:`digimotor.claims`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schema import Column, DatasetSpec
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

POPULATION_FORECAST = register(
    DatasetSpec(
        name="population_forecast",
        title="Population per municipality: observed base year and forecast target year",
        description=(
            "One row per municipality and year. The published snapshot is the report's "
            "Figure 7 (31 Dec 2019 and the 2030 forecast, rounded to hundreds). A user or "
            "public snapshot may hold any years, e.g. SCB's regional projection."
        ),
        columns=(
            Column("municipality_code", "municipality", "SCB municipality code (a name is accepted on import)",
                   aliases=("kommunkod", "kod", "kommun", "municipality", "region", "code")),
            Column("year", "year", "year (population on 31 December)", aliases=("år", "ar", "tid")),
            Column("population", "int", "number of inhabitants", unit="persons", min=0,
                   aliases=("folkmängd", "befolkning", "antal", "invånare", "value", "värde")),
            Column("series", "category", "observed or forecast", allowed=("observed", "forecast"),
                   aliases=("serie", "typ"), required=False),
        ),
        key=("municipality_code", "year"),
    )
)


def load_population_forecast(source: str = "published") -> pd.DataFrame:
    """Population per municipality and year.

    ==================  =========  ==============================================
    column              dtype      meaning
    ==================  =========  ==============================================
    municipality_code   string     SCB code, 4 characters ("1460")
    municipality        string     Swedish name from the registry ("Bengtsfors")
    year                Int64      year; the population is on 31 December
    population          Int64      inhabitants (the report rounds to hundreds)
    series              category   "observed" or "forecast"
    ==================  =========  ==============================================

    Parameters
    ----------
    source
        ``"published"`` (the report's Figure 7) or the name of an imported snapshot.
    """
    from ..regions import display_name

    frame = load("population_forecast", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame
