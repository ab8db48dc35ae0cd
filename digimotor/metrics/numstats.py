"""Two numbers of :mod:`scipy.stats` computed with numpy (and :func:`scipy.special.stdtr`).

``scipy.stats`` takes about a second to import (several under load), and the default run needs
only a bootstrap interval (notebook 03) and a Spearman correlation (notebook 04) from it. These
functions repeat scipy 1.17's arithmetic operation for operation, so that they return the same
floating-point numbers (``tests/test_numstats.py`` compares them with scipy on random inputs,
ties and constant inputs included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def percentile_interval(theta: np.ndarray, alpha: float) -> np.ndarray:
    """The ``alpha`` and ``1 - alpha`` quantiles of each row of ``theta``: shape ``(rows, 2)``.

    :func:`scipy.stats.quantile` with ``method="linear"`` (Hyndman & Fan type 7, also numpy's
    default method) as scipy computes it: ``j + g = p·n + 1 − p`` and ``(1 − g)·y[j] + g·y[j + 1]``
    on the sorted row (:func:`numpy.quantile` interpolates in another order and can differ from
    scipy in the last bit).
    """
    import numpy as np

    y = np.sort(np.atleast_2d(theta), axis=-1)
    p = np.asarray([alpha, 1 - alpha], dtype=y.dtype)
    n = np.asarray(y.shape[-1], dtype=y.dtype)
    jg = p * n + (1 - p)
    jp1 = jg // 1
    j = jp1 - 1
    g = jg % 1
    g[j < 0] = 0
    low = np.clip(j, 0.0, n - 1).astype(np.int64)
    high = np.clip(jp1, 0.0, n - 1).astype(np.int64)
    return (1 - g) * y[:, low] + g * y[:, high]


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1…n of ``values``, ties sharing the mean of their ranks (``scipy.stats.rankdata``)."""
    import numpy as np

    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(values)]  # a tie group holds the ranks starts+1 … ends
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = ((starts + 1 + ends) / 2)[np.cumsum(first) - 1]
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Spearman's rho of ``x`` and ``y`` (no NaN, at least 3 pairs) and its two-sided p-value.

    As :func:`scipy.stats.spearmanr`: the Pearson correlation (:func:`numpy.corrcoef`) of the
    average ranks, and the p-value of ``t = rho·sqrt((n − 2) / ((1 + rho)(1 − rho)))`` under
    Student's t with ``n − 2`` degrees of freedom, ``2·stdtr(n − 2, −|t|)``. A constant input
    has no rank correlation: ``(nan, nan)`` (scipy also warns).
    """
    import numpy as np
    from scipy.special import stdtr

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if (x[0] == x).all() or (y[0] == y).all():
        return float("nan"), float("nan")
    rs = np.corrcoef(np.column_stack((average_ranks(x), average_ranks(y))), rowvar=False)
    dof = len(x) - 2
    with np.errstate(divide="ignore"):
        t = rs * np.sqrt((dof / ((rs + 1.0) * (1.0 - rs))).clip(0))
    p = 2 * stdtr(dof, -np.abs(t))
    return float(rs[1, 0]), float(p[1, 0])
