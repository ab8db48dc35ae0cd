"""The bootstrap interval and the Spearman correlation without scipy.stats give scipy.stats' numbers.

Tolerance: 1e-12 relative (and 1e-300 absolute, for p-values near 0); the functions repeat
scipy's arithmetic, and on numpy 2.4 / scipy 1.17 the numbers are bit-identical.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from digimotor.metrics import numstats
from digimotor.metrics.dimios import _bootstrap_means
from digimotor.metrics.tbm import size_correlation

stats = pytest.importorskip("scipy.stats")

RTOL, ATOL = 1e-12, 1e-300


def _samples(rng, count):
    """Random samples of 2–40 values: continuous, on a coarse grid (many ties), and constant."""
    out = []
    for i in range(count):
        n = int(rng.integers(2, 41))
        kind = i % 4
        if kind == 0:
            out.append(rng.normal(3.5, 1.2, n))
        elif kind == 1:
            out.append(rng.integers(1, 7, n).astype(float))  # the survey's 1–6 scale: ties
        elif kind == 2:
            out.append(np.round(rng.uniform(1, 6, n), 1))
        else:
            out.append(np.full(n, 4.0) if i % 8 == 3 else rng.integers(1, 3, n).astype(float))
    return out


@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.5])
def test_percentile_interval_is_scipy_quantile(confidence):
    rng = np.random.default_rng(11)
    alpha = (1 - confidence) / 2
    for n in (2, 3, 7, 100, 999, 2000):
        theta = rng.normal(size=(50, n))
        theta[:10] = np.round(theta[:10], 1)  # ties
        ours = numstats.percentile_interval(theta, alpha)
        theirs = stats.quantile(theta, np.asarray([alpha, 1 - alpha]), axis=-1)
        np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def test_bootstrap_means_are_scipy_bootstrap():
    """Each interval equals scipy.stats.bootstrap(percentile) called in turn with the same generator."""
    samples = _samples(np.random.default_rng(3), 200)
    ours = _bootstrap_means(samples, 0.95, 300, np.random.default_rng(2021))
    rng = np.random.default_rng(2021)
    compared = 0
    for values, (low, high) in zip(samples, ours, strict=True):
        if np.ptp(values) == 0:
            assert low == high == values[0]
            continue
        result = stats.bootstrap((values,), np.mean, confidence_level=0.95, n_resamples=300,
                                 method="percentile", vectorized=True, rng=rng)
        np.testing.assert_allclose([low, high], [result.confidence_interval.low, result.confidence_interval.high],
                                   rtol=RTOL, atol=ATOL)
        compared += 1
    assert compared > 150


def test_average_ranks_are_rankdata():
    rng = np.random.default_rng(5)
    for n in (1, 3, 10, 57):
        for values in (rng.normal(size=n), rng.integers(0, 4, n).astype(float)):
            np.testing.assert_array_equal(numstats.average_ranks(values), stats.rankdata(values))


def test_size_correlation_is_scipy_spearmanr():
    """rho and the two-sided p of 2 000 random pairs of samples (3–40 values; ties; perfect order)."""
    rng = np.random.default_rng(7)
    for i in range(2000):
        n = int(rng.integers(3, 41))
        if i % 3 == 0:
            x, y = rng.integers(0, 5, n).astype(float), rng.integers(0, 5, n).astype(float)
        elif i % 3 == 1:
            x = rng.lognormal(size=n)
            y = x * 2 + rng.normal(scale=0.5 * (i % 5), size=n)  # i % 5 == 0: rho = 1, p = 0
        else:
            x, y = rng.uniform(size=n), rng.uniform(1e3, 1e6, n)
        if np.ptp(x) == 0 or np.ptp(y) == 0:
            continue
        ours = size_correlation(x, y)
        theirs = stats.spearmanr(x, y)
        np.testing.assert_allclose([ours["rho"], ours["p_value"]], [theirs.statistic, theirs.pvalue],
                                   rtol=RTOL, atol=ATOL)


def test_a_constant_input_has_no_rank_correlation():
    result = size_correlation([1.0, 1.0, 1.0, 1.0], [3.0, 1.0, 2.0, 5.0])
    assert np.isnan(result["rho"]) and np.isnan(result["p_value"]) and result["n"] == 4


def test_the_default_path_metrics_do_not_import_scipy_stats():
    """bootstrap_ci and size_correlation run without scipy.stats (a second or more to import)."""
    code = (
        "import sys, numpy as np, pandas as pd\n"
        "from digimotor.metrics import dimios, tbm\n"
        "from digimotor.provenance import tag\n"
        "rng = np.random.default_rng(1)\n"
        "areas = list(dimios.AREAS)\n"
        "resp = pd.DataFrame(rng.integers(1, 7, (12, len(areas))).astype(float), columns=areas)\n"
        "resp['municipality_code'] = ['1'] * 6 + ['2'] * 6\n"
        "resp['year'] = 2021\n"
        "resp = tag(resp, 'synthetic', 'test')\n"
        "towns = dimios.municipality_scores(resp, min_respondents=1)\n"
        "dimios.bootstrap_ci(resp, towns, n_resamples=50)\n"
        "tbm.size_correlation([1.0, 3.0, 2.0, 5.0], [2.0, 9.0, 4.0, 1.0])\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
