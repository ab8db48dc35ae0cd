"""From observed population and a projection to a municipal forecast (the bridge into Figures 6–7).

SCB's regional projection (TAB698) is published by county (and, in some editions, by
municipality). A municipal forecast for the report's Figure 7 therefore needs either

* the projection's own rows for the municipalities, used as they are (``method="projection"``), or
* a **modelled projection**, :data:`METHOD` ``"county_share_trend"``: each municipality's share of
  its county's population is followed over the last ``trend_years`` observed years (ending at the
  base year), extended to the target year along a straight least-squares line, the shares of all
  the county's municipalities are rescaled to sum to 1, and each share is multiplied by the
  county's projected population in the target year. With one observed year the share is held
  constant.

A modelled projection is *not* SCB's forecast and not the study's: every table and figure says
so (:func:`forecast_label`), it is computed here and never written to ``data/raw/``, and it is
never evidence for the report's Figure 7. A municipal forecast a region publishes itself comes in
through ``digimotor import population_forecast`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import labels
from ..errors import DigimotorError, ParameterError
from ..provenance import keeps_provenance

METHOD = "county_share_trend"
METHODS = (METHOD, "county_share_constant")

_LABELS = labels.by_lang("metrics_projection_texts.forecast_label")
_METHOD_TEXT = {(method, lang): labels.text(f"metrics_projection_method.{method}", lang)
                for method in METHODS for lang in labels.LANGS}


def forecast_label(method: str, edition: str, first: int, last: int, lang: str = "sv") -> str:
    """The label every table and figure of a modelled projection carries."""
    text = _METHOD_TEXT[(method, lang)].format(first=first, last=last)
    return _LABELS[lang].format(method=text, edition=edition)


def _county_of(code: str) -> str:
    return str(code)[:2]


@keeps_provenance(mixed="an observed population carried forward by a projection")
def population_forecast_from_projection(
    observed: pd.DataFrame,
    projection: pd.DataFrame,
    base_year: int,
    target_year: int,
    codes: Sequence[str],
    *,
    method: str = METHOD,
    trend_years: int = 5,
    lang: str = "sv",
) -> pd.DataFrame:
    """A ``population_forecast``-shaped frame: observed ``base_year`` and forecast ``target_year``.

    Parameters
    ----------
    observed
        Observed population per municipality and year (``municipality_code``, ``year``,
        ``population``), e.g. :func:`digimotor.sources.scb.load_population`. For a modelled
        projection it must cover every municipality of the counties concerned in the trend years.
    projection
        :func:`digimotor.sources.scb.load_population_projection` (``region_code``, ``year``,
        ``age_group``, ``sex``, ``population``, ``vintage``).
    base_year, target_year
        Observed year and forecast year (``target_year`` after ``base_year``).
    codes
        The municipalities wanted.
    method
        ``"county_share_trend"`` (default) or ``"county_share_constant"``. Municipalities that
        the projection holds themselves are taken from it as they are, whatever the method.
    trend_years
        Number of observed years (ending at ``base_year``) the share trend is fitted to.

    Returns
    -------
    pandas.DataFrame
        ``municipality_code``, ``municipality``, ``year``, ``population``, ``series``
        ("observed"/"forecast") and ``forecast_method``; ``attrs["forecast"]`` holds the method,
        edition, trend years and label.

    Raises
    ------
    ParameterError
        For an unknown method, ``target_year <= base_year`` or ``trend_years < 1``.
    DigimotorError
        If the observed data lack the base year or a county's municipalities, or the projection
        lacks the target year or the county.
    """
    from ..regions import all_municipalities, display_name

    if method not in METHODS:
        raise ParameterError(f"unknown forecast method '{method}'", hint="methods: " + ", ".join(METHODS))
    if target_year <= base_year:
        raise ParameterError(f"target year {target_year} is not after base year {base_year}")
    if trend_years < 1:
        raise ParameterError("trend_years must be at least 1")
    editions = sorted(set(projection["vintage"].astype(str)))
    edition = editions[0] if len(editions) == 1 else ", ".join(editions)
    totals = projection.groupby(["region_code", "year"], as_index=False)["population"].sum()
    target = totals[totals["year"] == target_year].set_index("region_code")["population"]
    if target.empty:
        raise DigimotorError(f"the projection (edition {edition}) has no year {target_year}",
                             hint="years: " + ", ".join(map(str, sorted(set(totals["year"])))))
    obs = observed[["municipality_code", "year", "population"]].copy()
    obs["year"] = obs["year"].astype(int)
    base = obs[obs["year"] == base_year].set_index("municipality_code")["population"]
    missing = sorted(set(codes) - set(base.index))
    if missing:
        raise DigimotorError(f"the observed population has no {base_year} value for " + ", ".join(missing),
                             hint="fetch it: digimotor fetch population --region <region> --years ...")
    first = base_year - trend_years + 1 if method == METHOD else base_year
    rows = []
    methods_used = set()
    for code in codes:
        if code in target.index:
            value, used = float(target[code]), "projection"
        else:
            county = _county_of(code)
            if county not in target.index:
                raise DigimotorError(f"the projection (edition {edition}) holds neither {code} nor its county "
                                     f"{county} for {target_year}")
            members = [m.code for m in all_municipalities() if _county_of(m.code) == county]
            window = obs[obs["municipality_code"].isin(members) & obs["year"].between(first, base_year)]
            lacking = sorted(set(members) - set(window[window["year"] == base_year]["municipality_code"]))
            if lacking:
                raise DigimotorError(
                    f"a modelled projection needs the observed population of every municipality of county "
                    f"{county} in {base_year}; missing: {', '.join(lacking[:5])}{' …' if len(lacking) > 5 else ''}",
                    hint=f"fetch it: digimotor fetch population --region {county} --years "
                         + " ".join(map(str, range(first, base_year + 1))))
            shares = _projected_shares(window, members, first, base_year, target_year)
            value, used = shares[code] * float(target[county]), method
        methods_used.add(used)
        rows.append((code, base_year, int(base[code]), "observed", used))
        rows.append((code, target_year, int(round(value)), "forecast", used))
    frame = pd.DataFrame(rows, columns=["municipality_code", "year", "population", "series", "forecast_method"])
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    frame["year"] = frame["year"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    modelled = sorted(methods_used - {"projection"})
    label = (forecast_label(modelled[0], edition, first, base_year, lang) if modelled
             else labels.label("metrics_projection_inline.scb_projection_edition", lang) + edition)
    frame.attrs["forecast"] = {"method": modelled[0] if modelled else "projection", "edition": edition,
                               "trend_years": [first, base_year], "label": label, "modelled": bool(modelled)}
    return frame


def _projected_shares(window: pd.DataFrame, members: list[str], first: int, last: int, target: int) -> dict:
    """Each member's share of the county in ``target``: a straight line through its shares in
    ``first``…``last`` (constant with one year), floored at 0 and rescaled to sum to 1."""
    county = window.groupby("year")["population"].sum()
    projected = {}
    for code in members:
        own = window[window["municipality_code"] == code].set_index("year")["population"]
        years = [y for y in range(first, last + 1) if y in own.index and y in county.index]
        share = np.array([float(own[y]) / float(county[y]) for y in years])
        if len(years) >= 2:
            slope, intercept = np.polyfit(np.array(years, dtype=float), share, 1)
            projected[code] = max(0.0, slope * target + intercept)
        else:
            projected[code] = float(share[-1])
    total = sum(projected.values())
    return {code: value / total for code, value in projected.items()}


@keeps_provenance
def with_forecast_note(table: pd.DataFrame, note: str) -> pd.DataFrame:
    """``table`` with a ``forecast_note`` column holding ``note`` (a modelled projection's label),
    or ``table`` unchanged when ``note`` is empty."""
    return table.assign(forecast_note=note) if note else table
