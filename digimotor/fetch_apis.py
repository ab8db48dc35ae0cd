"""The API calls behind ``digimotor fetch`` (:mod:`digimotor.fetch`): SCB PxWebApi 2 (v1 fallback) and Kolada v3.

Each function takes a :class:`digimotor.fetch_client.Client` (rate limit, retries, cache) and returns parsed
answers; :func:`digimotor.fetch.fetch_dataset` validates and stores them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from .fetch_client import Client, FetchError, split_selection

if TYPE_CHECKING:
    import pandas as pd

# ---------------------------------------------------------------------------------------
# SCB
# ---------------------------------------------------------------------------------------


def scb_limits(client: Client, base: str | None = None) -> dict:
    """Read SCB's limits from PxWebApi 2 ``/config`` once per client and tighten ``client.limits``.

    ``maxDataCells``, ``maxCallsPerTimeWindow`` and ``timeWindow`` are used when positive (an API may
    publish 0 when the limit is announced elsewhere; 0 is never read as "no limit"); the smaller of
    the configured and the published value wins. If ``/config`` cannot be read the configured
    limits stay, and the answer says so.
    """
    from dataclasses import replace

    from .sources import pxweb

    if client.server_config is not None:
        return client.server_config
    url = pxweb.v2_config_url(base)
    try:
        doc, _data = client.request_json("GET", url)
    except FetchError as exc:
        client.server_config = {"url": url, "read": False, "reason": exc.message}
        return client.server_config
    if not isinstance(doc, dict):
        client.server_config = {"url": url, "read": False, "reason": "not a /config object"}
        return client.server_config
    found = {}
    for key, field_name, kind in (("maxDataCells", "max_cells", int), ("maxCallsPerTimeWindow", "max_calls", int),
                                  ("timeWindow", "window_s", float)):
        value = doc.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            found[field_name] = kind(value)
    limits = client.limits
    changes = {}
    for name, value in found.items():
        current = getattr(limits, name)
        if name == "window_s":
            # a longer window with the same calls is the stricter reading
            changes[name] = max(current, value)
        else:
            changes[name] = min(current, value)
    client.limits = replace(limits, **changes)
    client.server_config = {"url": url, "read": True, "apiVersion": doc.get("apiVersion"),
                            **{k: doc.get(k) for k in ("maxDataCells", "maxCallsPerTimeWindow", "timeWindow")},
                            "used": {"max_cells": client.limits.max_cells, "max_calls": client.limits.max_calls,
                                     "window_s": client.limits.window_s}}
    return client.server_config


def scb_long(client: Client, *, v2_table: str | None, v1_path: str | None,
             selection: dict[str, list[str]], lang: str = "sv", base: str | None = None,
             check: Callable[[pd.DataFrame, str], None] | None = None) -> tuple[pd.DataFrame, dict]:
    """Fetch a PxWeb selection as one long frame: v2 first, v1 if v2 fails; split by ``max_cells``.

    Before a v2 call the API's ``/config`` limits are read (:func:`scb_limits`). ``check(long, url)``,
    if given, vets the answer of each API before it is accepted. Returns the frame and a
    description of the calls (API, URLs, parts, and for v1 a note that it is the fallback).
    """
    import pandas as pd

    from .sources import pxweb
    from .sources.jsonstat import parse_jsonstat2

    errors = []
    config = None
    for api in ("v2", "v1"):
        if api == "v2" and not v2_table:
            continue
        if api == "v1" and not v1_path:
            continue
        if api == "v2":
            config = scb_limits(client, base)
        parts = split_selection(selection, client.limits.max_cells, protect=("ContentsCode",))
        url = pxweb.v2_data_url(v2_table, lang, base) if api == "v2" else pxweb.v1_url(v1_path, lang)
        frames, digests = [], []
        try:
            for part in client.progress_bar(parts, len(parts), f"SCB {api}"):
                body = pxweb.v2_query(part) if api == "v2" else pxweb.v1_query(part)
                doc, data = client.request_json("POST", url, body)
                frames.append(parse_jsonstat2(doc, url))
                digests.append(hashlib.sha256(data).hexdigest())
        except FetchError as exc:
            errors.append(f"{api}: {exc.message}")
            continue
        long = pd.concat(frames, ignore_index=True)
        long["__row__"] = range(1, len(long) + 1)
        long.attrs.update(frames[0].attrs)
        if check is not None:
            check(long, url)
        calls = {"api": f"SCB PxWebApi {api}", "url": url, "calls": len(parts), "response_sha256": digests}
        if config is not None:
            calls["limits_from_config"] = config
        if api == "v1":
            calls["note"] = ("fetched through the v1 API" + (" after v2 failed (" + "; ".join(errors) + ")"
                                                            if errors else " (this table exists only in v1)")
                             + "; SCB's v1 API is reported to close around the turn of 2026/27")
        return long, calls
    raise FetchError("SCB could not deliver the table: " + "; ".join(errors),
                     hint="try again later; the previous snapshot was left untouched")


def scb_v1_metadata(client: Client, v1_path: str, lang: str = "sv") -> dict:
    """The v1 metadata of a table (GET): ``{"title", "variables": [...]}``."""
    from .sources import pxweb

    doc, _data = client.request_json("GET", pxweb.v1_url(v1_path, lang))
    if not isinstance(doc, dict) or "variables" not in doc:
        raise FetchError(f"{pxweb.v1_url(v1_path, lang)} did not answer with table metadata")
    return doc


def scb_v2_metadata(client: Client, table: str, lang: str = "sv", base: str | None = None) -> dict:
    """The v2 metadata of a table (GET, json-stat2 without values)."""
    from .sources import pxweb

    url = pxweb.v2_metadata_url(table, lang, base)
    doc, _data = client.request_json("GET", url)
    if not isinstance(doc, dict) or not isinstance(doc.get("dimension"), dict):
        raise FetchError(f"{url} did not answer with json-stat2 table metadata",
                         hint="expected {\"dimension\": {\"Tid\": ...}, ...}")
    return doc


# ---------------------------------------------------------------------------------------
# Kolada
# ---------------------------------------------------------------------------------------


def kolada_pages(client: Client, url: str, max_pages: int = 1000, digests: list[str] | None = None) -> list[dict]:
    """Every item of a paginated Kolada answer (follows ``next_url``, or v2's ``next_page``).

    ``digests``, if given, receives the SHA-256 of every page's bytes (for the sidecar).
    """
    from .sources.kolada import check_envelope, next_link

    items: list[dict] = []
    seen = set()
    while url and len(seen) < max_pages:
        if url in seen:
            raise FetchError(f"Kolada pagination loops back to {url}")
        seen.add(url)
        doc, data = client.request_json("GET", url)
        items += check_envelope(doc, url)
        if digests is not None:
            digests.append(hashlib.sha256(data).hexdigest())
        url = next_link(doc)
    return items


def kolada_data_urls(kpis: list[str], codes: list[str], years: list[int]) -> list[str]:
    """The data URLs for KPIs × municipalities × years, each path segment holding at most 25 ids."""
    from .sources.kolada import BASE, PER_PAGE, chunks

    return [f"{BASE}/data/kpi/{','.join(k)}/municipality/{','.join(c)}/year/{','.join(map(str, y))}"
            f"?per_page={PER_PAGE}"
            for k in chunks(list(kpis)) for c in chunks(list(codes)) for y in chunks(list(years))]


def kolada_frame(client: Client, kpi: str | list[str], codes: list[str], years: list[int],
                 digests: list[str] | None = None, skipped: dict | None = None) -> pd.DataFrame:
    """Raw cells (kpi, municipality_code, year, value) for KPIs, municipalities and years.

    The query is split so that no path segment names more than 25 ids; deleted and null values are
    skipped and counted in ``skipped``.
    """
    import pandas as pd

    kpis = [kpi] if isinstance(kpi, str) else list(kpi)
    urls = kolada_data_urls(kpis, codes, years)
    from .sources.kolada import data_rows

    counts = skipped if skipped is not None else {}
    rows: list[dict] = []
    for url in client.progress_bar(urls, len(urls), "Kolada"):
        rows += data_rows(kolada_pages(client, url, digests=digests), url, skipped=counts)
    frame = pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value", "__row__"])
    frame = frame.rename(columns={"municipality": "municipality_code", "period": "year"})
    frame["__row__"] = range(1, len(frame) + 1)
    frame.attrs["header_row"] = None
    frame.attrs["url"] = urls[0] if len(urls) == 1 else urls
    frame.attrs["skipped_values"] = counts
    return frame


def kolada_resolve(client: Client, title: str) -> dict:
    """The Kolada KPI with exactly ``title`` (``/kpi?title=``)."""
    import urllib.parse

    from .sources.kolada import BASE, resolve_kpi

    url = f"{BASE}/kpi?title={urllib.parse.quote(title)}"
    return resolve_kpi(kolada_pages(client, url), title)


def _fetch_projection(client: Client, spec, codes: list[str], years: list[int], expected: str | None,
                      base: str | None) -> tuple[pd.DataFrame, dict, str, str]:
    """Fetch SCB's regional projection: the metadata (edition = first year, content, years), then the data.

    Current edition: v2 TAB698 (content 000004LG), v1 BefProgOsiktRegN if v2 fails. The 2020 edition:
    v1 BE0401B/BefProgOsiktRegN20 only.
    """
    from dataclasses import replace

    from .sources import pxweb, scb_readers

    table = pxweb.TABLES["population_projection"]
    v2_table: str | None = None
    if expected in pxweb.V1_ONLY_EDITIONS:
        v1_path = pxweb.V1_ONLY_EDITIONS[expected]
        meta, meta_url, title, contents = _projection_v1_metadata(client, v1_path)
    else:
        v1_path = table["v1"]
        try:
            meta = scb_v2_metadata(client, table["v2"], base=base)
        except FetchError:
            meta, meta_url, title, contents = _projection_v1_metadata(client, v1_path)
        else:
            v2_table, contents = table["v2"], table["contents"]
            meta_url, title = pxweb.v2_metadata_url(table["v2"], base=base), str(meta.get("label") or table["v2"])
            present = set((meta["dimension"].get("ContentsCode") or {}).get("category", {}).get("index") or [contents])
            if contents not in present:
                raise FetchError(f"{meta_url} has no content {contents} (Folkmängd)",
                                 hint="contents: " + ", ".join(sorted(present)))
    first = pxweb.first_period(meta)
    if first is None:
        raise FetchError(f"{meta_url} names no years, so the projection's edition is unknown")
    if expected and first != expected:
        raise FetchError(f"{meta_url} is the {first} edition of the projection, not the expected {expected}",
                         hint="drop --edition, or choose 2020 for the study's edition (v1 only)")
    periods = _periods(meta)
    missing = [y for y in years if str(y) not in periods]
    if missing:
        raise FetchError(f"the projection table {meta_url} ({title}) has no years " + ", ".join(map(str, missing)),
                         hint=f"this is the {first} edition, which starts later than the study's; years: "
                         + ", ".join(sorted(periods)[:3]) + " …")
    selection = {"Region": codes, **_other_variables(meta), "ContentsCode": [contents],
                 "Tid": [str(y) for y in years]}

    def check(long, url):
        long.attrs["first_period"] = first
        long.attrs["label"] = long.attrs.get("label") or title

    long, calls = scb_long(client, v2_table=v2_table, v1_path=v1_path, selection=selection, base=base, check=check)
    calls["table"] = v2_table if calls["api"].endswith("v2") else v1_path
    spec_extra = dict(spec.extra)
    spec_extra["contents"] = contents
    raw = scb_readers.projection_from_long(long, replace(spec, extra=spec_extra), calls["url"], expected_vintage=expected)
    return raw, calls, meta_url, title


def _projection_v1_metadata(client: Client, v1_path: str) -> tuple[dict, str, str, str]:
    from .sources import pxweb

    meta = scb_v1_metadata(client, v1_path)
    url = pxweb.v1_url(v1_path)
    variables = {v["code"]: v for v in meta["variables"]}
    content = variables.get("ContentsCode") or {"values": [], "valueTexts": []}
    contents = next((c for c, t in zip(content["values"], content["valueTexts"], strict=True)
                     if "folkmängd" in t.casefold()), None)
    if contents is None:
        raise FetchError(f"the projection table {url} has no 'Folkmängd' content",
                         hint="contents: " + ", ".join(content["valueTexts"]))
    return meta, url, str(meta.get("title") or v1_path), contents


def _other_variables(meta: dict) -> dict[str, list[str]]:
    """Every value of the variables other than region, content and time (age, sex): selected in full
    and summed, so that the cell count is known and no API-side elimination is assumed."""
    skip = {"Region", "ContentsCode", "Tid"}
    if isinstance(meta.get("dimension"), dict):
        out = {}
        for code in meta.get("id") or list(meta["dimension"]):
            if code in skip:
                continue
            category = (meta["dimension"].get(code) or {}).get("category") or {}
            out[code] = [str(c) for c in (category.get("index") or category.get("label") or {})]
        return out
    return {v["code"]: [str(x) for x in v.get("values", [])] for v in meta.get("variables", [])
            if v.get("code") not in skip and not v.get("time")}


def _periods(meta: dict) -> set[str]:
    if isinstance(meta.get("dimension"), dict):
        category = (meta["dimension"].get("Tid") or {}).get("category") or {}
        return {str(p) for p in (category.get("index") or category.get("label") or {})}
    for variable in meta.get("variables", []):
        if variable.get("code") == "Tid" or variable.get("time"):
            return {str(v) for v in variable.get("values", [])}
    return set()
