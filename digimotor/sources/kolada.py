"""Kolada (RKA): key figures per municipality — municipal costs, population, broadband.

Dataset ``municipal_costs`` holds any Kolada KPI per municipality and year (e.g. ``N03011``
"Verksamhetens nettokostnader … kr/inv"). Kolada exports are read from their CSV/XLSX form or
from a saved API response (``.json``).

The API (v3, ``https://api.kolada.se/v3``) is used by ``digimotor fetch``. Its response shape
is **assumed** (no official v3 documentation was read; see README): an envelope
``{"values": [...], "count": n, "next_page" | "next_url": url-or-null}`` whose data objects are
``{"kpi", "municipality", "period", "values": [{"gender": "T"|"K"|"M", "value", "status", "count"}]}``.
Both pagination keys are followed. The broadband KPI's id is not known for certain, so it is
resolved at run time by its title (:data:`BROADBAND_TITLE`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datasets import Column, DatasetSpec, load, register
from ..errors import InputFileError

if TYPE_CHECKING:
    import pandas as pd

ROW = "__row__"
BASE = "https://api.kolada.se/v3"
POPULATION_KPI = "N01951"
COST_KPI = "N03011"
BROADBAND_TITLE = "Tillgång till fast bredband om minst 100 Mbit/s, andel (%)"


def next_link(envelope: dict) -> str | None:
    """The next page's URL of a Kolada envelope: ``next_page`` or ``next_url`` (both seen in clients)."""
    for key in ("next_page", "next_url"):
        value = envelope.get(key)
        if value:
            return str(value)
    return None


def check_envelope(envelope: Any, file: str) -> list[dict]:
    """The ``values`` list of a Kolada response, or a clear error."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("values"), list):
        raise InputFileError("not a Kolada response (no 'values' list)", file=file)
    return envelope["values"]


def data_rows(items: list[dict], file: str, gender: str = "T") -> list[dict]:
    """Flatten Kolada data objects to ``{kpi, municipality, period, value}`` (one gender, default total).

    Raises
    ------
    InputFileError
        If an object lacks ``kpi``/``municipality``/``period``/``values`` (with its position).
    """
    rows = []
    for number, item in enumerate(items, start=1):
        try:
            kpi, municipality, period = item["kpi"], item["municipality"], item["period"]
            values = item["values"]
        except (KeyError, TypeError):
            raise InputFileError("a Kolada data object lacks kpi, municipality, period or values",
                                 file=file, row=number) from None
        for value in values:
            if value.get("gender", "T") == gender:
                rows.append({"kpi": str(kpi), "municipality": str(municipality), "period": int(period),
                             "value": value.get("value"), ROW: number})
    return rows


def resolve_kpi(kpis: list[dict], title: str) -> dict:
    """The KPI whose title equals ``title`` (case-insensitive), from a ``/kpi?title=`` answer.

    Raises
    ------
    InputFileError
        If none or several match (the message lists the candidates' ids and titles).
    """
    exact = [k for k in kpis if str(k.get("title", "")).strip().casefold() == title.strip().casefold()]
    if len(exact) == 1:
        return exact[0]
    listed = "; ".join(f"{k.get('id')} {k.get('title')}" for k in kpis[:8]) or "none"
    what = "several KPIs are titled" if exact else "no KPI is titled"
    raise InputFileError(f"{what} '{title}' (candidates: {listed})", file="Kolada /kpi")


def read_kolada(path: Path, spec: DatasetSpec, **options: Any) -> pd.DataFrame:
    """Reader of dataset ``municipal_costs``: a saved Kolada JSON response, or CSV/XLSX."""
    import pandas as pd

    from .files import read_rows

    path = Path(path)
    if path.suffix.lower() != ".json":
        from ..datasets import header_matcher

        return read_rows(path, is_header=header_matcher(spec), sheet=options.get("sheet"))
    from .files import read_input_bytes
    from .jsonstat import load_json_bytes

    file = str(path)
    items = check_envelope(load_json_bytes(read_input_bytes(path), file), file)
    rows = data_rows(items, file)
    frame = pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value", ROW]).rename(
        columns={"municipality": "municipality_code", "period": "year"})
    frame.attrs["header_row"] = None
    return frame


MUNICIPAL_COSTS = register(DatasetSpec(
    name="municipal_costs",
    title="Kolada key figures per municipality and year (e.g. net costs per inhabitant)",
    description=(
        "One row per municipality, year and Kolada KPI (N03011 'Verksamhetens nettokostnader, kr/inv' by "
        "default in `digimotor fetch municipal_costs`). Values are Kolada's totals (gender T)."
    ),
    columns=(
        Column("municipality_code", "municipality", "SCB municipality code",
               aliases=("kommunkod", "kommun", "municipality", "kod"), example="1461"),
        Column("year", "year", "year", aliases=("år", "ar", "period"), example=2019),
        Column("kpi", "str", "Kolada KPI id (N03011)", aliases=("nyckeltal", "kpi_id", "id"), example="N03011"),
        Column("value", "float", "the KPI's value", aliases=("värde", "varde"), example=60000.0),
        Column("kpi_title", "str", "the KPI's title", required=False, aliases=("titel", "title")),
    ),
    key=("municipality_code", "year", "kpi"),
    reader=read_kolada,
))


def load_municipal_costs(source: str) -> pd.DataFrame:
    """Kolada key figures.

    =================  =======  ===================================
    column             dtype    meaning
    =================  =======  ===================================
    municipality_code  string   SCB code
    municipality       string   Swedish name
    year               Int64    year
    kpi                string   Kolada KPI id
    value              float64  the KPI's value
    kpi_title          string   the KPI's title (when known)
    =================  =======  ===================================
    """
    from ..regions import display_name

    frame = load("municipal_costs", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame
