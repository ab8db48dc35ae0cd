"""Population structure by age and sex (report Figure 8: the population pyramid).

Pure functions on tidy frames with ``region_code``, ``year``, ``age_group``, ``sex`` and
``population`` (:func:`digimotor.sources.scb.load_population_by_age` or a projection from
:func:`digimotor.sources.scb.load_population_projection`).
"""

from __future__ import annotations

import pandas as pd

from ..errors import DigimotorError, ParameterError
from ..model.population import age_bounds
from ..provenance import keeps_provenance


@keeps_provenance
def pyramid_table(by_age: pd.DataFrame, region_code: str, year: int, *, width: int = 5) -> pd.DataFrame:
    """Women and men per age group of ``width`` years for one region and year.

    Parameters
    ----------
    by_age
        Population by age (single ages or groups) and sex.
    region_code
        "14" for Västra Götaland, "00" for Sweden, or a municipality code.
    year
        The year (population on 31 December).
    width
        Width of the age groups; the input's groups must fit inside them (single ages always do).

    Returns
    -------
    pandas.DataFrame
        ``age_from``, ``age_group`` ("0-4" … "100-"), ``women``, ``men``, ``total``, youngest
        first; the last, open group starts at the input's open group.

    Raises
    ------
    ParameterError
        If ``width`` < 1.
    DigimotorError
        If the region/year is absent, "total" rows are mixed in, or an input group straddles
        two output groups.
    """
    if width < 1:
        raise ParameterError(f"width must be at least 1, not {width}")
    frame = by_age[(by_age["region_code"] == region_code) & (by_age["year"] == year)]
    frame = frame[frame["sex"].astype(str).isin(["women", "men"])]
    frame = frame[frame["age_group"].astype(str) != "total"]
    if frame.empty:
        have = sorted({(str(r), int(y)) for r, y in zip(by_age["region_code"], by_age["year"], strict=True)})
        raise DigimotorError(
            f"no population by age and sex for region {region_code} in {year}",
            hint="present: " + ", ".join(f"{r} {y}" for r, y in have[:10]),
        )
    bins, open_from = [], None
    for group in frame["age_group"].astype(str):
        low, high = age_bounds(group)
        if high is None:
            open_from = low if open_from is None else min(open_from, low)
            bins.append(low - low % width)
            continue
        if low // width != high // width:
            raise DigimotorError(f"the age group {group} does not fit into groups of {width} years")
        bins.append(low - low % width)
    grouped = (frame.assign(age_from=bins, sex=frame["sex"].astype(str))
               .pivot_table(index="age_from", columns="sex", values="population", aggfunc="sum")
               .reindex(columns=["women", "men"]).fillna(0).astype("int64").sort_index().reset_index())
    grouped.columns.name = None
    last = int(grouped["age_from"].max())
    grouped.insert(1, "age_group", [
        f"{a}-" if (open_from is not None and a == last) else f"{a}-{a + width - 1}" for a in grouped["age_from"]
    ])
    grouped["total"] = grouped["women"] + grouped["men"]
    return grouped
