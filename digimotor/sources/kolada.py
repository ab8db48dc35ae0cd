"""Kolada (RKA): key figures per municipality — municipal costs, population, broadband.

Dataset ``municipal_costs`` holds any Kolada KPI per municipality and year (e.g. ``N03011``
"Verksamhetens nettokostnader … kr/inv"). Kolada exports are read from their CSV/XLSX form or
from a saved API response (``.json``).

The API (v3, ``https://api.kolada.se/v3``) is used by ``digimotor fetch``. Its shape follows
public v3 clients (rKolada's ``R/data.R``, koladapy's ``koladapy/api.py`` and its pagination
tests; see ``tests/fixtures/public/README.md``): an envelope ``{"values": [...], "count": n,
"next_url": url-or-null, "previous_url": url-or-null}`` where ``count`` is the number of items *on
the page*, not a total; data objects ``{"kpi", "municipality", "period", "values": [{"gender":
"T"|"K"|"M", "count", "status", "value", "isdeleted"}]}`` where ``value`` may be null and deleted
entries carry ``isdeleted: true``. Both are skipped and counted. ``per_page`` is at most 5000 and
a path segment takes at most 25 ids (:data:`MAX_IDS`), so larger selections are split. ``next_page``
(API v2) is still followed when a saved v2 answer is read.

KPIs (ids and titles from rKolada's saved KPI catalogue ``R/sysdata.rda``): broadband
:data:`BROADBAND_KPI` ``N07900`` "Tillgång till fast bredband om minst 100 Mbit/s, andel (%)"
(households 2015–2020, population before 2015 and from 2021; 1 October; source PTS), the 1 Gbit/s
KPI :data:`GIGABIT_KPI` ``N07918``; total cost :data:`COST_KPIS` (see
:mod:`digimotor.metrics.kolada_costs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputFileError
from ..schema import Column, DatasetSpec
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

ROW = "__row__"
BASE = "https://api.kolada.se/v3"
PER_PAGE = 5000
MAX_IDS = 25
POPULATION_KPI = "N01951"
COST_KPI = "N03011"
#: Verksamhetens kostnader totalt (kr/inv), Avskrivningar kommun (kr/inv), Invånare totalt (antal):
#: the three KPIs from which ``metrics.kolada_costs`` builds a total cost near the report's.
COST_KPIS = ("N03013", "N03012", "N01951")
BROADBAND_KPI = "N07900"
BROADBAND_TITLE = "Tillgång till fast bredband om minst 100 Mbit/s, andel (%)"
#: Years for which N07900 counts households (before 2015 and from 2021 it counts the population).
BROADBAND_HOUSEHOLD_YEARS = range(2015, 2021)
GIGABIT_KPI = "N07918"
#: Titles as Kolada's KPI catalogue gives them (rKolada ``R/sysdata.rda``, ``kpi_df``).
KPI_TITLES = {
    "N01951": "Invånare totalt, antal",
    "N03011": "Verksamhetens nettokostnader enligt resultaträkningen kommun, kr/inv",
    "N03012": "Avskrivningar kommun, kr/inv",
    "N03013": "Verksamhetens kostnader totalt, kr/inv",
    "N07900": BROADBAND_TITLE,
    "N07918": "Hushåll med tillgång till eller möjlighet att ansluta till bredband om minst 1 Gbit/s, andel (%)",
}


def chunks(ids: list[str], size: int = MAX_IDS) -> list[list[str]]:
    """``ids`` in consecutive parts of at most ``size`` (Kolada's limit per path segment)."""
    return [list(ids[i:i + size]) for i in range(0, len(ids), size)] or [[]]


def next_link(envelope: dict) -> str | None:
    """The next page's URL of a Kolada envelope: ``next_url`` (v3), or ``next_page`` (v2)."""
    for key in ("next_url", "next_page"):
        value = envelope.get(key)
        if value:
            return str(value)
    return None


def check_envelope(envelope: Any, file: str) -> list[dict]:
    """The ``values`` list of a Kolada response, or a clear error."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("values"), list):
        raise InputFileError("not a Kolada response (no 'values' list)", file=file,
                             hint='expected a Kolada v3 answer {"values": [...], "count": n, "next_url": ...}')
    return envelope["values"]


def data_rows(items: list[dict], file: str, gender: str = "T", skipped: dict | None = None) -> list[dict]:
    """Flatten Kolada data objects to ``{kpi, municipality, period, value}`` (one gender, default total).

    Entries with ``isdeleted: true`` or a null ``value`` are skipped; ``skipped``, if given, counts
    them under ``"deleted"`` and ``"null"`` (for the sidecar).

    Raises
    ------
    InputFileError
        If an object lacks ``kpi``/``municipality``/``period``/``values`` (with its position).
    """
    rows = []
    counts = skipped if skipped is not None else {}
    counts.setdefault("deleted", 0)
    counts.setdefault("null", 0)
    for number, item in enumerate(items, start=1):
        try:
            kpi, municipality, period = item["kpi"], item["municipality"], item["period"]
            values = item["values"]
        except (KeyError, TypeError):
            raise InputFileError("a Kolada data object lacks kpi, municipality, period or values",
                                 file=file, row=number,
                                 hint='expected {"kpi", "municipality", "period", "values": [...]}') from None
        for value in values:
            if value.get("gender", "T") != gender:
                continue
            if value.get("isdeleted") is True:
                counts["deleted"] += 1
                continue
            if value.get("value") is None:
                counts["null"] += 1
                continue
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
        from ..schema import header_matcher

        return read_rows(path, is_header=header_matcher(spec), sheet=options.get("sheet"))
    from .inputs import read_input_bytes
    from .jsonstat import load_json_bytes

    file = str(path)
    items = check_envelope(load_json_bytes(read_input_bytes(path), file), file)
    skipped: dict = {}
    rows = data_rows(items, file, skipped=skipped)
    frame = pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value", ROW]).rename(
        columns={"municipality": "municipality_code", "period": "year"})
    frame.attrs["header_row"] = None
    frame.attrs["skipped_values"] = skipped
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
    extra={"sidecar_fields": lambda frame: (
        {"skipped_values": {k: int(v) for k, v in frame.attrs["skipped_values"].items()}}
        if frame.attrs.get("skipped_values") is not None else {})},
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
