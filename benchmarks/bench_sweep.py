"""Benchmark: a sweep of 1 000 settings of the scenario engine for 290 municipalities × 40 capabilities.

Target: <= 10 s for ``digimotor.metrics.sweep.scenario_sweep`` (classification vectorised over
settings × capabilities with sorted scores and ``searchsorted``; optimal assignments grouped by
the leads, receivers and capacity they get, solved once per distinct tie bonus). Baseline: a
naive loop over the settings calling ``scenario_engine`` once per setting. The loop is run on
fewer settings (``--loop-settings``, default 50) and its time per setting is **extrapolated**
to the full number of settings; on those settings the two must give the same scenarios and the
same pair counts. The bisecting variant (``exact=False``) is timed too.

The inputs are those of ``bench_scenarios.py`` (the real 290 municipality codes, generated
scores, 10 % unwilling to lead, county and association ties).

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--settings 1000] [--loop-settings 50] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter


def main() -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_scenarios import make_inputs

    from digimotor.metrics import scenarios, sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", type=int, default=1000)
    parser.add_argument("--loop-settings", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--capabilities", type=int, default=40)
    args = parser.parse_args()
    inputs = make_inputs(args.capabilities)
    settings = sweep.sample_settings(n=args.settings, seed=2021)
    sweep.scenario_sweep(*inputs, settings=settings.head(5))  # warm up imports

    def timed(func, repeat):
        times, out = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            out = func()
            times.append(time.perf_counter() - start)
        return statistics.median(times), out

    fast, result = timed(lambda: sweep.scenario_sweep(*inputs, settings=settings), args.repeat)
    quick, quick_result = timed(lambda: sweep.scenario_sweep(*inputs, settings=settings, exact=False), args.repeat)

    few = settings.head(args.loop_settings)
    start = time.perf_counter()
    counted: Counter = Counter()
    codes = []
    for row in few.itertuples(index=False):
        params = scenarios.ScenarioParameters(
            **{name: getattr(row, name) for name in sweep.SWEPT if name != "lead_capacity"},
            lead_capacity=int(row.lead_capacity))
        res = scenarios.scenario_engine(*inputs, params=params)
        codes.append(res.table["scenario"].to_numpy())
        counted.update(zip(res.pairs["capability"], res.pairs["lead"], res.pairs["receiver"], strict=True))
    loop = time.perf_counter() - start
    loop_full = loop / len(few) * args.settings
    check = sweep.scenario_sweep(*inputs, settings=few)
    same_scenarios = bool((check.scenario == __import__("numpy").array(codes)).all())
    got = {key: round(share * len(few)) for key, share in zip(
        zip(check.pairs["capability"], check.pairs["lead"], check.pairs["receiver"], strict=True),
        check.pairs["share"], strict=True) if share > 0}
    same_pairs = got == dict(counted)

    matrix = inputs[0]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"input: {matrix.shape[0]} municipalities x {matrix.shape[1]} capabilities, {args.settings} settings "
          f"(seed 2021), load average {load:.2f}")
    print(f"assignments solved: {result.solves} (exact), {quick_result.solves} (bisect), "
          f"vs {int(__import__('numpy').isin(result.scenario, (2, 4)).sum())} (setting, capability) pairings")
    print(f"robustness of the base recommendation: "
          f"{result.capabilities['robustness'].value_counts().to_dict()}")
    print(f"scenario_sweep exact:          {fast:8.2f} s  (median of {args.repeat}; target <= 10 s: "
          f"{'met' if fast <= 10 else 'NOT met'})")
    print(f"scenario_sweep exact=False:    {quick:8.2f} s")
    print(f"loop of scenario_engine:       {loop:8.2f} s for {len(few)} settings -> {loop_full:8.1f} s for "
          f"{args.settings} (extrapolated)")
    print(f"ratio loop / sweep: {loop_full / fast:.1f}x  (same scenarios: {'yes' if same_scenarios else 'NO'}, "
          f"same pairs: {'yes' if same_pairs else 'NO'}, on the first {len(few)} settings)")


if __name__ == "__main__":
    main()
