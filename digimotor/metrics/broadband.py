"""Broadband coverage against the goals (report Figure 14 and the text around it).

Pure functions on the tidy ``broadband`` frame (:func:`digimotor.sources.pts.load_broadband`).
The regional goal is 95 % of households and workplaces with 100 Mbit/s by 2020 (the report);
the national goal is 98 % with **1 Gbit/s** by 2025 (the national broadband strategy). Data on
>= 100 Mbit/s bound the 1 Gbit/s share from above, so the gap to the national goal computed
from them is a **lower bound** (``national_gap_min_pp``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import DigimotorError, ParameterError
from ..provenance import keeps_provenance

COVERAGE_COLUMNS = (
    "municipality_code", "municipality", "share_total_pct", "share_outside_urban_pct",
    "urban_rural_gap_pp", "regional_gap_pp", "meets_regional_goal", "close_to_regional_goal",
    "national_gap_min_pp",
)


def _select(broadband: pd.DataFrame, year: int, premises: str, codes: Sequence[str] | None) -> pd.DataFrame:
    frame = broadband[(broadband["year"] == year) & (broadband["premises"] == premises)]
    if codes is not None:
        frame = frame[frame["municipality_code"].isin(list(codes))]
    if frame.empty:
        years = sorted(set(broadband["year"].dropna().astype(int)))
        raise DigimotorError(
            f"no broadband data for {premises} in {year} for the selection",
            hint="years present: " + ", ".join(map(str, years)),
        )
    return frame


@keeps_provenance
def coverage_against_goals(
    broadband: pd.DataFrame,
    year: int,
    *,
    premises: str = "households",
    regional_goal_pct: float = 95.0,
    national_goal_pct: float = 98.0,
    close_within_pp: float = 5.0,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Coverage per municipality against the regional and national goals.

    Parameters
    ----------
    broadband
        Tidy coverage: ``municipality_code``, ``municipality``, ``year``, ``premises``,
        ``area``, ``share_pct``.
    year, premises
        The mapping year and ``households`` or ``workplaces``.
    regional_goal_pct, national_goal_pct
        The goals (95 % at 100 Mbit/s by 2020; 98 % at 1 Gbit/s by 2025).
    close_within_pp
        A municipality below the regional goal by at most this many percentage points is
        "close to the goal" (the report's "nära att nå målet"; a convention, not the report's).
    codes
        Municipalities to keep (default: all).

    Returns
    -------
    pandas.DataFrame
        One row per municipality (in the input's order of first appearance) with
        ``share_total_pct``, ``share_outside_urban_pct`` (NaN where absent),
        ``urban_rural_gap_pp`` = total − outside urban, ``regional_gap_pp`` =
        max(0, goal − total), ``meets_regional_goal``, ``close_to_regional_goal`` and
        ``national_gap_min_pp`` = max(0, national goal − total) (a lower bound, see module).

    Raises
    ------
    ParameterError
        If a goal is outside 0–100 or ``close_within_pp`` is negative.
    DigimotorError
        If no row matches, or a municipality lacks its total share.
    """
    for name, value in (("regional_goal_pct", regional_goal_pct), ("national_goal_pct", national_goal_pct)):
        if not 0 <= value <= 100:
            raise ParameterError(f"{name} must be between 0 and 100, not {value}")
    if close_within_pp < 0:
        raise ParameterError(f"close_within_pp must be >= 0, not {close_within_pp}")
    frame = _select(broadband, year, premises, codes)
    wide = frame.pivot_table(index=["municipality_code", "municipality"], columns="area", values="share_pct",
                             aggfunc="first", observed=True, sort=False)
    if "total" not in wide.columns or wide["total"].isna().any():
        lacking = wide.index.get_level_values("municipality")[
            wide["total"].isna()] if "total" in wide.columns else wide.index.get_level_values("municipality")
        raise DigimotorError("no total share for: " + ", ".join(map(str, lacking)))
    out = pd.DataFrame({
        "share_total_pct": wide["total"].astype("float64"),
        "share_outside_urban_pct": (wide["outside_urban"] if "outside_urban" in wide.columns
                                    else pd.Series(float("nan"), index=wide.index)).astype("float64"),
    }).reset_index()
    out["urban_rural_gap_pp"] = out["share_total_pct"] - out["share_outside_urban_pct"]
    out["regional_gap_pp"] = (regional_goal_pct - out["share_total_pct"]).clip(lower=0)
    out["meets_regional_goal"] = out["share_total_pct"] >= regional_goal_pct
    out["close_to_regional_goal"] = ~out["meets_regional_goal"] & (out["regional_gap_pp"] <= close_within_pp)
    out["national_gap_min_pp"] = (national_goal_pct - out["share_total_pct"]).clip(lower=0)
    order = list(dict.fromkeys(frame["municipality_code"]))
    out = out.set_index("municipality_code").loc[order].reset_index()
    return out[list(COVERAGE_COLUMNS)]


def goal_summary(coverage: pd.DataFrame) -> dict[str, float]:
    """Counts and extremes of a :func:`coverage_against_goals` table.

    Returns ``municipalities``, ``meeting_goal``, ``close_to_goal``, ``below_goal_not_close``,
    ``lowest_total_pct``, ``highest_total_pct``, ``largest_urban_rural_gap_pp`` and
    ``smallest_urban_rural_gap_pp``.
    """
    meeting = int(coverage["meets_regional_goal"].sum())
    close = int(coverage["close_to_regional_goal"].sum())
    gaps = coverage["urban_rural_gap_pp"].dropna()
    return {
        "municipalities": float(len(coverage)),
        "meeting_goal": float(meeting),
        "close_to_goal": float(close),
        "below_goal_not_close": float(len(coverage) - meeting - close),
        "lowest_total_pct": float(coverage["share_total_pct"].min()),
        "highest_total_pct": float(coverage["share_total_pct"].max()),
        "largest_urban_rural_gap_pp": float(gaps.max()) if len(gaps) else float("nan"),
        "smallest_urban_rural_gap_pp": float(gaps.min()) if len(gaps) else float("nan"),
    }


@keeps_provenance
def households_vs_workplaces(
    broadband: pd.DataFrame, year: int, *, area: str = "total", codes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Households' and workplaces' shares side by side, with ``difference_pp`` = households − workplaces.

    Raises
    ------
    DigimotorError
        If the data hold no workplaces (or no households) for the year and area.
    """
    frame = broadband[(broadband["year"] == year) & (broadband["area"] == area)]
    if codes is not None:
        frame = frame[frame["municipality_code"].isin(list(codes))]
    present = set(frame["premises"].astype(str))
    if not {"households", "workplaces"} <= present:
        raise DigimotorError(f"households and workplaces are both needed for {year} ({area}); found: "
                             + (", ".join(sorted(present)) or "nothing"))
    wide = frame.pivot_table(index=["municipality_code", "municipality"], columns="premises", values="share_pct",
                             aggfunc="first", observed=True, sort=False).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"households": "households_pct", "workplaces": "workplaces_pct"})
    wide["difference_pp"] = wide["households_pct"] - wide["workplaces_pct"]
    return wide[["municipality_code", "municipality", "households_pct", "workplaces_pct", "difference_pp"]]


def change_between(facts: pd.DataFrame, region_code: str, first: int, last: int,
                   premises: str = "households", area: str = "total") -> float:
    """Change in percentage points of a region's share between two years (e.g. Mellerud 2018 → 2019).

    NaN when ``facts`` is empty (a study without public facts: ``facts_source="none"``).
    """
    if facts.empty:
        return float("nan")
    rows = facts[(facts["region_code"] == region_code) & (facts["premises"] == premises) & (facts["area"] == area)]
    values = rows.set_index(rows["year"].astype(int))["share_pct"]
    missing = [y for y in (first, last) if y not in values.index]
    if missing:
        raise DigimotorError(f"no share for region {region_code} in {', '.join(map(str, missing))}")
    return float(values[last] - values[first])


@keeps_provenance
def change_against_goals(before: pd.DataFrame, after: pd.DataFrame, *, before_year: int, after_year: int,
                         regional_goal: tuple[int, float] = (2020, 95.0),
                         national_goal: tuple[int, float] = (2025, 98.0), n_boot: int = 2000, seed: int = 2021,
                         confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """Change of the total share between two mappings, per municipality and against the goals.

    Parameters
    ----------
    before, after
        :func:`coverage_against_goals` of the earlier and the later year (same premises).
    regional_goal, national_goal
        ``(target year, share %)``: 95 % by 2020 (the report) and 98 % by 2025 (at 1 Gbit/s;
        the gap from >= 100 Mbit/s data is a lower bound, as in :func:`coverage_against_goals`).

    Returns
    -------
    dict
        ``municipalities``: one row per paired municipality with ``share_before``,
        ``share_after``, ``change_pp``, ``pace_pp_per_year`` (change / years between),
        ``meets_regional_before/after``, ``national_gap_min_before/after`` and
        ``national_goal_year_at_pace`` (the year the 98 % share is reached if the pace holds; NaN
        when the pace is not positive, ``after_year`` when already there) and
        ``on_track_national`` (that year ≤ the goal's year).
        ``summary``: one row, the paired change of the total share
        (:func:`digimotor.metrics.change.paired_change`: mean, bootstrap interval, Wilcoxon with
        ≥ 6 pairs) and the counts meeting the regional goal / on track for the national one.
        ``unpaired``: municipalities in one mapping only (``municipality``, ``present_in``).
    """
    from .change import paired_change, unpaired_table

    if not before_year < after_year:
        raise ParameterError(f"the earlier mapping ({before_year}) must lie before the later one ({after_year})")
    result = paired_change(before, after, key="municipality_code", value="share_total_pct", n_boot=n_boot,
                           seed=seed, confidence=confidence)
    names = dict(zip(before["municipality_code"], before["municipality"], strict=True)) | dict(
        zip(after["municipality_code"], after["municipality"], strict=True))
    rows = result.pairs.rename(columns={"before": "share_before", "after": "share_after", "change": "change_pp"})
    rows.insert(1, "municipality", rows["municipality_code"].map(names).astype("string"))
    rows["pace_pp_per_year"] = rows["change_pp"] / (after_year - before_year)
    rows["meets_regional_before"] = rows["share_before"] >= regional_goal[1]
    rows["meets_regional_after"] = rows["share_after"] >= regional_goal[1]
    rows["national_gap_min_before"] = (national_goal[1] - rows["share_before"]).clip(lower=0)
    rows["national_gap_min_after"] = (national_goal[1] - rows["share_after"]).clip(lower=0)
    pace = rows["pace_pp_per_year"].where(rows["pace_pp_per_year"] > 0)
    reached = after_year + rows["national_gap_min_after"] / pace
    rows["national_goal_year_at_pace"] = reached.where(rows["national_gap_min_after"] > 0, float(after_year))
    rows["on_track_national"] = (rows["national_goal_year_at_pace"] <= national_goal[0]).fillna(False).astype(bool)
    summary = pd.DataFrame([{
        "before": before_year, "after": after_year, **result.summary(),
        "meeting_regional_before": int(rows["meets_regional_before"].sum()),
        "meeting_regional_after": int(rows["meets_regional_after"].sum()),
        "on_track_national": int(rows["on_track_national"].sum()),
        "regional_goal_pct": regional_goal[1], "national_goal_pct": national_goal[1],
        "national_goal_year": national_goal[0],
    }])
    unpaired = unpaired_table(result, names)
    rows["national_goal_year_at_pace"] = rows["national_goal_year_at_pace"].astype("float64").round(1)
    return {"municipalities": rows, "summary": summary, "unpaired": unpaired}
