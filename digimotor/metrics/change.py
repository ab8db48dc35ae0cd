"""Change between two measurements of the same units: paired, with an interval and a test.

Reusable by every part that measures twice (DiMiOS, capability self-assessments, surveys,
broadband, TBM):

* :func:`paired_change` pairs the units present in both measurements, gives each unit's change
  (after − before), a percentile bootstrap interval of the mean change (resampling the pairs,
  seeded) and, where at least :data:`MIN_PAIRS_FOR_TEST` units are paired, a Wilcoxon
  signed-rank test (``scipy.stats.wilcoxon``, two-sided). Units present in one measurement
  only are *listed*, never silently dropped.
* :func:`transitions` counts units by category before × after (e.g. DiMiOS types A–D).

Zero variance: when every difference is the same the bootstrap distribution has no spread;
the interval is then exactly that difference (``[d, d]``), not an error. The Wilcoxon test
ranks the absolute differences: with all differences equal and nonzero every rank ties, every
sign is the same, and the exact two-sided p-value is ``2 / 2**n`` (``n`` pairs), which scipy
returns; with all differences zero there is nothing to test and the p-value is NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import DigimotorError
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd

#: Fewest pairs for which the Wilcoxon signed-rank test is reported.
MIN_PAIRS_FOR_TEST = 6


@dataclass
class PairedChange:
    """Result of :func:`paired_change`."""

    pairs: pd.DataFrame  #: key, before, after, change (one row per paired unit, sorted by key)
    n_pairs: int
    mean_change: float
    ci_low: float
    ci_high: float
    confidence: float
    wilcoxon_statistic: float  #: NaN when fewer than MIN_PAIRS_FOR_TEST pairs or all changes zero
    wilcoxon_p: float
    only_before: list = field(default_factory=list)  #: keys present in the earlier measurement only
    only_after: list = field(default_factory=list)  #: keys present in the later measurement only

    def summary(self) -> dict:
        """One row of a summary table."""
        return {"n_pairs": self.n_pairs, "mean_change": self.mean_change, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "wilcoxon_statistic": self.wilcoxon_statistic,
                "wilcoxon_p": self.wilcoxon_p, "n_only_before": len(self.only_before),
                "n_only_after": len(self.only_after)}


def bootstrap_mean_ci(values, *, confidence: float = 0.95, n_boot: int = 2000, seed: int = 2021) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (scipy); ``[v, v]`` without spread, NaN below 2 values."""
    import numpy as np
    from scipy import stats

    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return np.nan, np.nan
    if np.ptp(values) == 0:
        return float(values[0]), float(values[0])
    result = stats.bootstrap((values,), np.mean, confidence_level=confidence, n_resamples=n_boot,
                             method="percentile", random_state=np.random.default_rng(seed), vectorized=True)
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def wilcoxon(changes) -> tuple[float, float]:
    """Two-sided Wilcoxon signed-rank test of ``changes``: (statistic, p); NaN when not defined.

    Below :data:`MIN_PAIRS_FOR_TEST` changes, or when every change is zero, there is no test.
    """
    import numpy as np
    from scipy import stats

    changes = np.asarray(changes, dtype=float)
    changes = changes[~np.isnan(changes)]
    if len(changes) < MIN_PAIRS_FOR_TEST or not np.any(changes != 0):
        return np.nan, np.nan
    result = stats.wilcoxon(changes, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


@keeps_provenance
def paired_change(before: pd.DataFrame, after: pd.DataFrame, *, key: str | Sequence[str], value: str,
                  n_boot: int = 2000, seed: int = 2021, confidence: float = 0.95) -> PairedChange:
    """Per-unit change of ``value`` between two measurements, with interval and test.

    Parameters
    ----------
    before, after
        One row per unit each (the earlier and the later measurement).
    key
        Column(s) identifying a unit in both (e.g. ``"municipality_code"``); duplicated keys
        are an error (a measurement must not hold a unit twice).
    value
        The measured column. A unit whose value is missing in either measurement is not
        paired and is listed as present in the other one only.

    Returns
    -------
    PairedChange
    """
    import numpy as np

    keys = [key] if isinstance(key, str) else list(key)
    for name, frame in (("before", before), ("after", after)):
        if frame.duplicated(keys).any():
            raise DigimotorError(f"the {name} measurement holds a unit twice ({', '.join(keys)}): "
                                 "one row per unit and measurement")
    left = before[[*keys, value]].dropna(subset=[value]).rename(columns={value: "before"})
    right = after[[*keys, value]].dropna(subset=[value]).rename(columns={value: "after"})
    merged = left.merge(right, on=keys, how="outer", indicator=True)
    pairs = merged[merged["_merge"] == "both"].drop(columns="_merge")
    pairs = pairs.sort_values(keys, kind="stable").reset_index(drop=True)
    pairs["change"] = pairs["after"].astype(float) - pairs["before"].astype(float)

    def listed(side: str) -> list:
        rows = merged[merged["_merge"] == side].sort_values(keys, kind="stable")
        return [tuple(r) if len(keys) > 1 else r[0] for r in rows[keys].itertuples(index=False)]

    changes = pairs["change"].to_numpy(dtype=float)
    low, high = bootstrap_mean_ci(changes, confidence=confidence, n_boot=n_boot, seed=seed)
    statistic, p = wilcoxon(changes)
    return PairedChange(
        pairs=pairs, n_pairs=len(pairs), mean_change=float(np.mean(changes)) if len(changes) else np.nan,
        ci_low=low, ci_high=high, confidence=confidence, wilcoxon_statistic=statistic, wilcoxon_p=p,
        only_before=listed("left_only"), only_after=listed("right_only"),
    )


@keeps_provenance
def unpaired_table(result: PairedChange, names: Mapping[str, str], key: str = "municipality_code") -> pd.DataFrame:
    """The units of ``result`` present in one measurement only: ``key``, ``municipality`` (its
    name from ``names``), ``present_in`` ("before" | "after"); never silently dropped."""
    import pandas as pd

    rows = [{key: c, "municipality": names.get(c, c), "present_in": side}
            for side, units in (("before", result.only_before), ("after", result.only_after)) for c in units]
    return pd.DataFrame(rows, columns=[key, "municipality", "present_in"])


@keeps_provenance
def change_summary(before: pd.DataFrame, after: pd.DataFrame, *, key: str | Sequence[str],
                   values: Sequence[str], n_boot: int = 2000, seed: int = 2021,
                   confidence: float = 0.95) -> pd.DataFrame:
    """:func:`paired_change` for several measures: one row per measure (``measure`` first)."""
    import pandas as pd

    rows = []
    for offset, value in enumerate(values):
        result = paired_change(before, after, key=key, value=value, n_boot=n_boot, seed=seed + offset,
                               confidence=confidence)
        rows.append({"measure": value, **result.summary()})
    return pd.DataFrame(rows)


@keeps_provenance
def transitions(before_types: pd.Series, after_types: pd.Series, categories: Sequence[str]) -> pd.DataFrame:
    """Units by category in the earlier (rows, ``from``) and later (columns, ``to``) measurement.

    Parameters
    ----------
    before_types, after_types
        Category per unit, indexed by the unit key. Only units with a category in both count
        (the others are listed by :func:`paired_change`).
    categories
        All categories in order (rows and columns with zeros included).

    Returns
    -------
    pandas.DataFrame
        Index ``from`` (categories), columns ``to`` (categories), integer counts.
    """
    import pandas as pd

    both = pd.concat({"from": before_types, "to": after_types}, axis=1, join="inner").dropna()
    unknown = (set(both["from"]) | set(both["to"])) - set(categories)
    if unknown:
        raise DigimotorError(f"categories {sorted(map(str, unknown))} are not among {list(categories)}")
    table = pd.crosstab(pd.Categorical(both["from"], categories=list(categories)),
                        pd.Categorical(both["to"], categories=list(categories)), dropna=False)
    table = table.reindex(index=list(categories), columns=list(categories), fill_value=0).astype(int)
    table.index.name, table.columns.name = "from", "to"
    return table
