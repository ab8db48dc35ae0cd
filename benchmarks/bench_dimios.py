"""Benchmark: 1 000 000 DiMiOS respondent × item rows -> per-municipality scores and types.

Compares digimotor's vectorised path (:func:`digimotor.metrics.dimios.municipality_types`)
with a straightforward ``groupby().apply()`` version, checks that both give the same
types, and prints the times and their ratio. Target: <= 1 s for the vectorised path.

Run: ``.venv/bin/python benchmarks/bench_dimios.py [rows]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from digimotor.metrics import dimios
from digimotor.model.dimios import AREAS


def make_answers(rows: int = 1_000_000, seed: int = 1) -> pd.DataFrame:
    """Random answers: 290 municipalities, respondents of 24 items (4 per area)."""
    rng = np.random.default_rng(seed)
    items_per_respondent = 4 * len(AREAS)
    n_respondents = rows // items_per_respondent
    town = rng.integers(0, 290, n_respondents)
    area_codes = np.tile(np.repeat(np.arange(len(AREAS)), 4), n_respondents)
    level = rng.uniform(1.5, 5.5, n_respondents)
    scores = np.clip(np.rint(np.repeat(level, items_per_respondent) + rng.normal(0, 1, area_codes.size)), 1, 6)
    return pd.DataFrame({
        "municipality_code": pd.array([f"Kommun {t:03d}" for t in np.repeat(town, items_per_respondent)],
                                      dtype="string"),
        "year": pd.array(np.full(area_codes.size, 2020), dtype="Int64"),
        "respondent": pd.array(np.repeat([f"R{i}" for i in range(n_respondents)], items_per_respondent),
                               dtype="string"),
        "area": pd.Categorical.from_codes(area_codes, categories=list(AREAS)),
        "score": scores,
    })


def straightforward(answers: pd.DataFrame, split: float = 3.5) -> pd.DataFrame:
    """The obvious version: one Python function per municipality through groupby().apply()."""

    def one_town(group: pd.DataFrame) -> pd.Series:
        per_respondent = group.groupby(["respondent", "area"], observed=True)["score"].mean().unstack("area")
        means = per_respondent.mean()
        capability = means[["efficiency", "innovation", "balancing"]].mean()
        legacy = means[["technology", "users", "organisation"]].mean()
        letter = "ABCD"[(capability >= split) * 2 + (legacy >= split)]
        return pd.Series({"capability": capability, "legacy": legacy, "dimios_type": letter,
                          "n_respondents": len(per_respondent)})

    return answers.groupby(["municipality_code", "year"]).apply(one_town, include_groups=False).reset_index()


def plain_groupby(answers: pd.DataFrame, split: float = 3.5) -> pd.DataFrame:
    """For reference: pandas groupby().mean() twice, no apply (what a careful analyst would write)."""
    per_respondent = answers.groupby(["municipality_code", "year", "respondent", "area"], observed=True)["score"].mean()
    towns = per_respondent.groupby(["municipality_code", "year", "area"], observed=True).mean().unstack("area")
    capability = towns[["efficiency", "innovation", "balancing"]].mean(axis=1)
    legacy = towns[["technology", "users", "organisation"]].mean(axis=1)
    return pd.DataFrame({"capability": capability, "legacy": legacy,
                         "dimios_type": dimios.dimios_type(capability, legacy, split)}).reset_index()


def timed(function, *args, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    answers = make_answers(rows)
    fast_time, fast = timed(dimios.municipality_types, answers)
    slow_time, slow = timed(straightforward, answers, repeat=1)
    plain_time, plain = timed(plain_groupby, answers, repeat=1)
    assert (plain.sort_values(["municipality_code", "year"])["dimios_type"].to_numpy()
            == fast["dimios_type"].to_numpy()).all()
    merged = fast.merge(slow, on=["municipality_code", "year"], suffixes=("", "_apply"))
    assert len(merged) == len(fast) == len(slow)
    assert (merged["dimios_type"] == merged["dimios_type_apply"]).all()
    assert np.allclose(merged["capability"], merged["capability_apply"].astype(float))
    print(f"rows                         {len(answers):>12,}")
    print(f"municipalities               {len(fast):>12,}")
    print(f"vectorised (municipality_types) {fast_time:9.3f} s   target <= 1 s: {'ok' if fast_time <= 1 else 'MISSED'}")
    print(f"groupby().apply()            {slow_time:9.3f} s")
    print(f"plain groupby().mean()       {plain_time:9.3f} s   (reference, no apply)")
    print(f"ratio apply / vectorised     {slow_time / fast_time:9.1f} x")
    print(f"ratio plain / vectorised     {plain_time / fast_time:9.1f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
