"""``digimotor fetch``: live public data from SCB (PxWeb v2, v1 fallback) and Kolada (v3).

This is the only module that uses the network, and only when ``digimotor fetch`` calls it;
``reproduce`` and every loader stay offline. A fetch

1. builds the query (splitting it so that no call asks for more than ``max_cells`` cells),
2. calls the API through :class:`~digimotor.fetch_client.Client` — at most ``max_calls`` calls per ``window_s``
   seconds, timeouts, retries with exponential backoff on time-outs, connection errors,
   HTTP 5xx and truncated bodies, and HTTP 429 honoured by waiting ``Retry-After`` seconds —
   with a local response cache under ``build/cache/http/``,
3. converts the responses with the same readers ``digimotor import`` uses, validates them
   against the dataset's schema, and only then
4. writes ``data/raw/public/<dataset>/<name>.csv`` and its sidecar atomically. A failed fetch
   leaves the previous snapshot untouched and writes nothing.

SCB documents 30 calls per 10 seconds and 150 000 cells per call for PxWebApi 2; both are
configurable (:class:`~digimotor.fetch_client.Limits`).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import DigimotorError, ParameterError, SnapshotExistsError
from .fetch_apis import _fetch_projection, kolada_frame, scb_long
from .fetch_client import Client

# ---------------------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------------------

DATASETS = ("population", "population_by_age", "population_projection", "broadband", "municipal_costs")


#: A Kolada KPI id: a capital letter and five digits (N01951, N03011, U00002 …).
KOLADA_KPI_ID = re.compile(r"[A-Z]\d{5}")  # always with fullmatch
YEAR_RANGE = (1900, 2200)


def _years(years: Iterable[int] | None, default: list[int]) -> list[int]:
    chosen = set()
    for year in (years or default):
        try:
            value = operator.index(year)
        except TypeError:
            value = None
        if isinstance(year, bool) or value is None or not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
            raise ParameterError(f"--years: {year!r} is not a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}")
        chosen.add(value)
    return sorted(chosen)


def check_kpi(kpi: str | None, dataset: str) -> None:
    """Refuse a ``--kpi`` that is not a Kolada KPI id, or one given for a dataset without a KPI choice."""
    if kpi is None:
        return
    if dataset != "municipal_costs":
        raise ParameterError(f"--kpi applies to municipal_costs only, not to {dataset}",
                             hint="drop --kpi")
    ids = kpi.split(",") if isinstance(kpi, str) else [kpi]
    if not all(isinstance(i, str) and KOLADA_KPI_ID.fullmatch(i) for i in ids):
        raise ParameterError(f"--kpi {kpi!r} is not a Kolada KPI id (or a comma-separated list of them)",
                             hint="a capital letter and five digits, e.g. N03013,N03012,N01951")


def _is_kolada(dataset: str, source: str) -> bool:
    return dataset in ("broadband", "municipal_costs") or (dataset == "population" and source == "kolada")


def fetch_dataset(
    dataset: str,
    *,
    region: str = "Fyrbodal",
    years: Iterable[int] | None = None,
    name: str | None = None,
    client: Client | None = None,
    source: str = "auto",
    kpi: str | None = None,
    replace: bool = False,
    edition: str | int | None = None,
    scb_base: str | None = None,
) -> Path:
    """Fetch ``dataset`` for ``region`` and ``years`` and store it as a public snapshot.

    Every option (dataset, source, KPI, years, region, name, and that the snapshot does not
    exist unless ``replace``) is checked before the first call to the API.

    Parameters
    ----------
    dataset
        One of :data:`DATASETS`.
    region
        Any region :func:`digimotor.regions.resolve_region` knows; ``population_by_age`` also
        takes a county code ("14") or "Sverige" for the county/country rows themselves.
    years
        Years to fetch (default: 2019; 2030 for the projection).
    name
        Snapshot name (default ``<source>-<region>-<years>``).
    source
        ``scb`` or ``kolada`` for ``population``; ``auto`` picks SCB.
    kpi
        For ``municipal_costs``: the Kolada KPI id (default N03011).
    replace
        Overwrite an existing snapshot of that name (kept until the new one is written).

    edition
        For ``population_projection``: the projection edition expected (its first year); another
        is refused. ``2020`` (the study's edition) is fetched from v1 ``BefProgOsiktRegN20``, the only
        place it exists; default: the current edition (v2 TAB698, v1 fallback).
    scb_base
        The PxWebApi 2 base URL (default ``$DIGIMOTOR_SCB_V2_BASE`` or SCB's production base).

    Returns
    -------
    pathlib.Path
        The written snapshot.
    """
    from . import datasets
    from .config import build_dir, raw_dir
    from .provenance import write_snapshot
    from .sources import kolada, pxweb, scb_readers

    if dataset not in DATASETS:
        raise DigimotorError(f"cannot fetch '{dataset}'", hint="fetchable: " + ", ".join(DATASETS))
    if source == "kolada" and dataset in ("population_by_age", "population_projection"):
        raise DigimotorError(f"{dataset} comes from SCB only", hint="drop --source kolada")
    if source == "scb" and dataset in ("broadband", "municipal_costs"):
        raise DigimotorError(f"{dataset} comes from Kolada only", hint="drop --source scb")
    if source not in ("auto", "scb", "kolada"):
        raise ParameterError(f"--source must be auto, scb or kolada, not {source!r}")
    check_kpi(kpi, dataset)
    chosen_years = _years(years, [2030] if dataset == "population_projection" else [2019])  # every projection edition since 2020 has 2030
    spec = datasets.get(dataset)
    codes, region_label = _region_codes(dataset, region)
    name = datasets.check_snapshot_name(
        name or f"{'kolada' if _is_kolada(dataset, source) else 'scb'}-{_slug(region_label)}-"
                f"{min(chosen_years)}-{max(chosen_years)}")
    target = raw_dir() / "public" / dataset / f"{name}.csv"
    other = raw_dir() / "user" / dataset / f"{name}.csv"
    if other.exists():
        raise DigimotorError(f"a user snapshot '{name}' of {dataset} exists", hint="choose another --name")
    if target.exists() and not replace:
        raise SnapshotExistsError(
            f"a snapshot '{name}' of {dataset} already exists (data/raw/public/{dataset}/{name}.csv)",
            hint="add --replace to fetch it again (the old one is kept until the new one is written), "
            "or choose another --name",
        )
    client = client or Client(cache_dir=build_dir() / "cache" / "http")
    producer, citation, extra = "", "", {}
    if dataset == "population_by_age" or (dataset == "population" and source in ("auto", "scb")):
        selection = pxweb.population_selection(codes, chosen_years, by_age=dataset == "population_by_age")
        long, calls = scb_long(client, v2_table=pxweb.TABLES["population"]["v2"],
                               v1_path=pxweb.TABLES["population"]["v1"], selection=selection, base=scb_base)
        convert = scb_readers.population_from_long if dataset == "population" else scb_readers.population_by_age_from_long
        raw = convert(long, spec, calls["url"])
        producer = "Statistics Sweden (SCB)"
        citation = f"SCB Statistikdatabasen, table TAB638 (v1 BefolkningNy), BE0101N1, via {calls['api']}"
        extra = {"api_calls": calls, "table_id": long.attrs.get("table_id"), "table_updated": long.attrs.get("updated")}
    elif dataset == "population_projection":
        raw, calls, meta_url, title = _fetch_projection(client, spec, codes, chosen_years,
                                                        str(edition) if edition else None, scb_base)
        producer = "Statistics Sweden (SCB)"
        citation = f"SCB Statistikdatabasen, {calls['table']} ({title}), via {calls['api']}"
        extra = {"api_calls": calls, "metadata_url": meta_url, "vintage": str(raw["vintage"].iloc[0]),
                 "vintage_source": "the first year of the table's time variable, from its metadata",
                 "vintage_note": "the edition of the projection; the study used SCB's 2020 edition at the latest",
                 "rounded_cells": int(raw.attrs.get("rounded_cells", 0)),
                 "rounding_note": "SCB publishes projected populations with decimals; cells are rounded to "
                                  "whole persons after summing"}
    else:  # Kolada
        if dataset == "population":
            kpi_ids, title = [kolada.POPULATION_KPI], "Invånare totalt, antal"
        elif dataset == "municipal_costs":
            kpi_ids = [k.strip() for k in (kpi or ",".join(kolada.COST_KPIS)).split(",") if k.strip()]
            title = ""
        else:  # broadband: N07900 counts households only in 2015-2020
            outside = [y for y in chosen_years if y not in kolada.BROADBAND_HOUSEHOLD_YEARS]
            if outside:
                raise DigimotorError(
                    f"Kolada {kolada.BROADBAND_KPI} counts the population, not households, in "
                    + ", ".join(map(str, outside)),
                    hint="dataset broadband holds households' shares: choose years 2015-2020")
            kpi_ids, title = [kolada.BROADBAND_KPI], kolada.BROADBAND_TITLE
        digests: list[str] = []
        skipped: dict = {}
        raw = kolada_frame(client, kpi_ids, codes, chosen_years, digests=digests, skipped=skipped)
        if dataset == "population":
            raw = raw.rename(columns={"value": "population"}).drop(columns=["kpi"])
        elif dataset == "broadband":
            raw = raw.rename(columns={"value": "share_pct"}).drop(columns=["kpi"])
            raw["premises"], raw["area"] = "households", "total"
        elif title:
            raw["kpi_title"] = title
        else:
            titles = kolada.KPI_TITLES
            raw["kpi_title"] = [titles.get(k) for k in raw["kpi"]]
        kpi_id = ",".join(kpi_ids)
        producer = "Kolada (RKA), from its sources (SCB, PTS …)"
        citation = f"Kolada API v3, KPI {kpi_id} {title}".strip()
        extra = {"kpi": kpi_id, "kpi_title": title or "; ".join(f"{k} {kolada.KPI_TITLES.get(k, '')}".strip()
                                                                for k in kpi_ids),
                 "url": raw.attrs["url"], "response_sha256": digests,
                 "skipped_values": {"deleted": int(skipped.get("deleted", 0)), "null": int(skipped.get("null", 0))},
                 "response_shape": "Kolada v3 as read in public clients (rKolada R/data.R, koladapy); "
                                   "see tests/fixtures/public/README.md"}
        if dataset == "broadband":
            extra["note"] = (f"Kolada {kolada.BROADBAND_KPI} (source PTS, 1 October): share of households with "
                             "fixed broadband >= 100 Mbit/s in 2015-2020; mapped to premises=households, area=total")
    frame = datasets.conform(raw, spec, citation or dataset)
    body = datasets.to_tidy_csv(frame, spec)
    fields = {
        "title": f"{spec.title} — {region_label}, {', '.join(map(str, chosen_years))}",
        "dataset": dataset,
        "kind": "public",
        "producer": producer,
        "date_accessed": dt.date.today().isoformat(),
        "licence": "CC0 (SCB open data)" if "SCB" in producer else "Kolada open data (terms as stated on kolada.se; not checked here)",
        "citation": citation,
        "region": region_label,
        "years": chosen_years,
        "rows": int(len(frame)),
        "columns": spec.column_names,
        "fetched_by": "digimotor fetch",
        **extra,
    }
    return write_snapshot(target, body, fields, replace=replace, conflicts=[other])


def _region_codes(dataset: str, region: str | list[str]) -> tuple[list[str], str]:
    """SCB codes to ask for: a county or the country itself for the age and projection tables,
    otherwise the municipalities of the region."""
    from .regions import resolve_region
    from .sources import scb, scb_readers

    if dataset in ("population_by_age", "population_projection") and isinstance(region, str):
        try:
            code = scb_readers.region_code(region)
        except ValueError:
            code = ""
        if len(code) == 2:
            return [code], scb.region_name(code)
    chosen = resolve_region(region)
    return list(chosen.codes), chosen.name


def _slug(text: str) -> str:
    import re

    from .regions import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:30] or "region"


__all__ = ["DATASETS", "fetch_dataset"]
