"""SCB's PxWeb APIs: endpoints, the tables the study reads, and the queries :mod:`digimotor.fetch` sends.

v2 (PxWebApi 2) first, v1 as a fallback. The answers are read by :mod:`digimotor.sources.scb`
(json-stat2, :mod:`digimotor.sources.jsonstat`).
"""

from __future__ import annotations

#: PxWeb endpoints (see README, "Public data: fetch and import"). The v2 base is SCB's production
#: PxWebApi 2; the v2beta base has at times carried newer data, so the base is configurable
#: (``digimotor fetch --scb-base`` or the environment variable :data:`V2_BASE_ENV`). The v1 API is
#: reported to close around the turn of 2026/27: it is a fallback only, and says so in the sidecar.
V2_BASE = "https://statistikdatabasen.scb.se/api/v2"
V2_BASE_ENV = "DIGIMOTOR_SCB_V2_BASE"
V1_BASE = "https://api.scb.se/OV0104/v1/doris/{lang}/ssd"

#: Tables: v2 id, v1 path, content code. TAB638 = v1 BefolkningNy (content BE0101N1). The regional
#: projection is v2 TAB698 = v1 BE0401A/BefProgOsiktRegN (content 000004LG "Folkmängd"; edition
#: 2024-2070, as Region Dalarna's public script Region-Dalarna/hamta_data
#: hamta_befprognos_scb_data.R records the v1 -> v2 correspondence); the study's
#: 2020 edition exists only in v1 as BE0401B/BefProgOsiktRegN20.
TABLES = {
    "population": {"v2": "TAB638", "v1": "BE/BE0101/BE0101A/BefolkningNy", "contents": "BE0101N1",
                   "accept": ("TAB638", "BefolkningNy", "BE0101")},
    "population_projection": {"v2": "TAB698", "v1": "BE/BE0401/BE0401A/BefProgOsiktRegN",
                              "contents": "000004LG",
                              "accept": ("TAB698", "BefProgOsiktRegN", "BE0401")},
}
#: Projection editions that exist only in v1 (edition -> v1 path).
V1_ONLY_EDITIONS = {"2020": "BE/BE0401/BE0401B/BefProgOsiktRegN20"}


def v2_base(base: str | None = None) -> str:
    """The PxWebApi 2 base: ``base``, else ``$DIGIMOTOR_SCB_V2_BASE``, else SCB's production base."""
    import os

    return (base or os.environ.get(V2_BASE_ENV) or V2_BASE).rstrip("/")


def v2_data_url(table: str, lang: str = "sv", base: str | None = None) -> str:
    """URL of a v2 data request (POST), json-stat2 output."""
    return f"{v2_base(base)}/tables/{table}/data?lang={lang}&outputFormat=json-stat2"


def v2_metadata_url(table: str, lang: str = "sv", base: str | None = None) -> str:
    """URL of a v2 table's metadata (GET), json-stat2 without values."""
    return f"{v2_base(base)}/tables/{table}/metadata?lang={lang}&outputFormat=json-stat2"


def v2_config_url(base: str | None = None) -> str:
    """URL of the API's ``/config`` (limits: maxDataCells, maxCallsPerTimeWindow, timeWindow)."""
    return f"{v2_base(base)}/config"


def first_period(metadata: dict, time_code: str = "Tid") -> str | None:
    """The first period of a table's time variable, from v2 json-stat2 metadata (``dimension``) or
    v1 metadata (``variables``)."""
    periods: list[str] = []
    if isinstance(metadata.get("dimension"), dict):
        category = (metadata["dimension"].get(time_code) or {}).get("category") or {}
        index = category.get("index") or category.get("label") or {}
        periods = [str(p) for p in index]
    elif isinstance(metadata.get("variables"), list):
        for variable in metadata["variables"]:
            if variable.get("code") == time_code or variable.get("time"):
                periods = [str(v) for v in variable.get("values", [])]
                break
    return min(periods) if periods else None


def v2_query(selection: dict[str, list[str]]) -> dict:
    """A v2 POST body selecting ``{variable: [codes]}``."""
    return {"selection": [{"variableCode": var, "valueCodes": list(codes)} for var, codes in selection.items()]}


def v1_url(path: str, lang: str = "sv") -> str:
    """URL of a v1 table (GET: metadata, POST: data)."""
    return f"{V1_BASE.format(lang=lang)}/{path}"


def v1_query(selection: dict[str, list[str]]) -> dict:
    """A v1 POST body selecting ``{variable: [codes]}`` with json-stat2 output."""
    return {
        "query": [{"code": var, "selection": {"filter": "item", "values": list(codes)}}
                  for var, codes in selection.items()],
        "response": {"format": "json-stat2"},
    }


def population_selection(region_codes: list[str], years: list[int], *, by_age: bool = False) -> dict[str, list[str]]:
    """The TAB638 selection for population (total age) or population by single age and sex."""
    ages = [str(a) for a in range(100)] + ["100+"] if by_age else ["tot"]
    return {
        "Region": list(region_codes),
        "Civilstand": ["OG", "G", "SK", "ÄNKL"],
        "Alder": ages,
        "Kon": ["1", "2"],
        "ContentsCode": ["BE0101N1"],
        "Tid": [str(y) for y in years],
    }
