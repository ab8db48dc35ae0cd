"""Population change between a base year and a target year (report Figures 6–7).

All functions are pure: they take tidy frames as returned by
:func:`digimotor.sources.published.load_population_forecast` and return new frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DigimotorError, ParameterError
from ..provenance import keeps_provenance

PER_MUNICIPALITY_COLUMNS = (
    "municipality_code",
    "municipality",
    "population_base",
    "population_target",
    "change",
    "change_pct",
)


@keeps_provenance
def population_change(
    population: pd.DataFrame,
    base_year: int,
    target_year: int,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Change and change % per municipality between ``base_year`` and ``target_year``.

    Parameters
    ----------
    population
        Tidy population: ``municipality_code``, ``municipality``, ``year``, ``population``.
    base_year, target_year
        The two years to compare; ``target_year`` must be after ``base_year``.
    codes
        Municipalities to keep (SCB codes), in any order; default: all in the frame.

    Returns
    -------
    pandas.DataFrame
        One row per municipality with ``population_base``, ``population_target``,
        ``change`` (persons, target − base) and ``change_pct`` (100 · change / base,
        unrounded), sorted by municipality name in Swedish order.

    Raises
    ------
    ParameterError
        If ``target_year <= base_year``.
    DigimotorError
        If a selected municipality lacks a value for either year, or the data hold no
        row for the selection.
    """
    if target_year <= base_year:
        raise ParameterError(
            f"target year {target_year} is not after base year {base_year}",
            hint="choose a target year later than the base year",
        )
    frame = population
    if codes is not None:
        unknown = sorted(set(codes) - set(frame["municipality_code"]))
        if unknown:
            raise DigimotorError(
                f"no population data for {len(unknown)} selected municipalit"
                f"{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}",
                hint="import data that cover the region with `digimotor import population_forecast <file>`",
            )
        frame = frame[frame["municipality_code"].isin(list(codes))]
    years = set(frame["year"].dropna().astype(int))
    absent = [y for y in (base_year, target_year) if y not in years]
    if absent:
        raise DigimotorError(
            f"the population data have no values for {', '.join(map(str, absent))}",
            hint="years present: " + ", ".join(map(str, sorted(years))),
        )
    wide = frame[frame["year"].isin([base_year, target_year])].pivot_table(
        index=["municipality_code", "municipality"], columns="year", values="population", aggfunc="sum",
        observed=True,
    )
    incomplete = wide[wide.isna().any(axis=1)]
    if not incomplete.empty:
        names = ", ".join(incomplete.index.get_level_values("municipality"))
        raise DigimotorError(f"population missing for one of the years in: {names}")
    out = pd.DataFrame(
        {
            "population_base": wide[base_year].astype("int64"),
            "population_target": wide[target_year].astype("int64"),
        }
    ).reset_index()
    out["change"] = out["population_target"] - out["population_base"]
    out["change_pct"] = change_pct(out["population_base"], out["population_target"])
    out = out.sort_values("municipality", key=swedish_sort_key, kind="stable").reset_index(drop=True)
    return out[list(PER_MUNICIPALITY_COLUMNS)]


@keeps_provenance
def change_pct(base: pd.Series | float, target: pd.Series | float) -> pd.Series | float:
    """Percentage change ``100 · (target − base) / base``; a zero base gives NaN."""
    base_values = np.asarray(base, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(base_values == 0, np.nan, 100.0 * (np.asarray(target, dtype="float64") - base_values) / base_values)
    if isinstance(base, pd.Series):
        return pd.Series(result, index=base.index, name="change_pct")
    return float(result)


@keeps_provenance
def regional_total(change: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row with the region's summed populations, change and change % (of the sums)."""
    base = int(change["population_base"].sum())
    target = int(change["population_target"].sum())
    return pd.DataFrame(
        [
            {
                "municipality_code": "",
                "municipality": name,
                "population_base": base,
                "population_target": target,
                "change": target - base,
                "change_pct": change_pct(base, target),
            }
        ]
    )


@keeps_provenance
def with_total(change: pd.DataFrame, name: str) -> pd.DataFrame:
    """``change`` with the regional total appended as a last row (as the report's Figure 7)."""
    return pd.concat([change, regional_total(change, name)], ignore_index=True)


@keeps_provenance
def rank_by_change(change: pd.DataFrame) -> pd.DataFrame:
    """Municipalities ordered from the largest relative growth to the largest decline,
    with ``rank`` (1 = largest growth)."""
    ranked = change.sort_values(["change_pct", "municipality"], ascending=[False, True]).reset_index(drop=True)
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked


@keeps_provenance
def largest_changes(ranked: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` largest gains and ``n`` largest declines of :func:`rank_by_change`
    (all rows, once each, when there are fewer than ``2·n``)."""
    if len(ranked) <= 2 * n:
        return ranked.copy()
    return pd.concat([ranked.head(n), ranked.tail(n)])


_SWEDISH_ORDER = {ch: i for i, ch in enumerate("abcdefghijklmnopqrstuvwxyzåäö")}


@keeps_provenance
def swedish_sort_key(names: pd.Series) -> pd.Series:
    """Sort key that puts å, ä, ö after z, as Swedish dictionaries do."""

    def key(name: object) -> tuple[int, ...]:
        return tuple(_SWEDISH_ORDER.get(ch, 100 + ord(ch)) for ch in str(name).casefold())

    return names.map(key)
