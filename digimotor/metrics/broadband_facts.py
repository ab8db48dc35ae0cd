"""Published broadband facts as time series per municipality (the broadband page's real-facts panel).

Pure functions on :func:`digimotor.sources.pts.load_broadband_fact_snapshots`. A series is one region,
premises, area and speed: different measures (households vs population, 100 Mbit/s vs 1 Gbit/s, total vs
outside urban areas) are never mixed, and years no source states stay absent (nothing is interpolated).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import DigimotorError
from ..provenance import keeps_provenance


@keeps_provenance
def fact_series(facts: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """The facts for the municipalities ``codes``, one row per stated value, sorted into series.

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``region``, ``premises``, ``area``, ``speed_mbit``, ``year``, ``share_pct``,
        ``series`` (a key naming region and measure), and ``statement``/``url``/``measured`` where
        the snapshot has them.

    Raises
    ------
    DigimotorError
        If two snapshots state different values for the same series and year.
    """
    frame = facts[facts["region_code"].astype(str).isin(list(codes))].copy()
    keys = ["region_code", "premises", "area", "speed_mbit", "year"]
    clash = frame.groupby(keys)["share_pct"].nunique()
    clash = clash[clash > 1]
    if not clash.empty:
        first = clash.index[0]
        raise DigimotorError(f"two sources state different shares for {first[0]} in {first[4]} "
                             f"({first[1]}, {first[2]}, {first[3]} Mbit/s)")
    frame = frame.drop_duplicates(subset=keys)
    frame["series"] = (frame["region"].astype(str) + " · " + frame["premises"].astype(str) + " · "
                       + frame["area"].astype(str) + " · ≥" + frame["speed_mbit"].astype(str) + " Mbit/s")
    columns = [c for c in ("region_code", "region", "premises", "area", "speed_mbit", "year", "share_pct",
                           "series", "statement", "url", "measured") if c in frame.columns]
    return frame[columns].sort_values(["series", "year"], ignore_index=True)
