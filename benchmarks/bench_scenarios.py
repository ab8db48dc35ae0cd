"""Benchmark: the scenario engine for all 290 municipalities × 40 capabilities.

Target: <= 1 s for ``digimotor.metrics.scenarios.scenario_engine`` (vectorised
classification, one optimal assignment per capability that needs pairing). Baseline: the same
rules written as a straightforward loop per capability and municipality
(``scenario_engine_loop``). Both get the same input and must give the same result. The two
share the input alignment (willingness, criticality, ties) and the assembly of the output
tables, so the ratio measures the classification and the building of the cost matrices.

The municipality codes are the real 290 from ``digimotor.regions.all_municipalities()``; the
scores are *generated* (a benchmark input, not shown as data): per capability a random centre
and width, whole points on a 1–5 scale, 5 % not assessed; 10 % of the municipalities are not
willing to lead; every county is a network on the first step of samtrappan and every
association a collaboration on the fourth.

Run: ``.venv/bin/python benchmarks/bench_scenarios.py [--repeat 5] [--capabilities 40]``
"""

from __future__ import annotations

import argparse
import statistics
import time


def make_inputs(n_capabilities: int, seed: int = 2021):
    import numpy as np
    import pandas as pd

    from digimotor.regions import all_municipalities

    municipalities = all_municipalities()
    codes = [m.code for m in municipalities]
    rng = np.random.default_rng(seed)
    centre = rng.uniform(1.5, 4.5, n_capabilities)
    width = rng.uniform(0.5, 3.0, n_capabilities)
    raw = np.clip(np.rint(centre + width * rng.uniform(-0.5, 0.5, (len(codes), n_capabilities))), 1, 5)
    scores = (raw - 1) / 4
    scores[rng.uniform(size=scores.shape) < 0.05] = np.nan
    capabilities = [f"capability_{j:02d}" for j in range(n_capabilities)]
    matrix = pd.DataFrame(scores, index=codes, columns=capabilities)
    unwilling = rng.choice(codes, len(codes) // 10, replace=False)
    willingness = pd.DataFrame({"municipality_code": unwilling, "capability": [None] * len(unwilling),
                                "willing_to_lead": False, "willing_to_receive": True})
    ties = []
    for m in municipalities:
        ties.append({"collaboration_id": f"county_{m.county_code}", "municipality_code": m.code,
                     "samtrappan_step": "talk", "status": "active", "role": "member"})
        if m.association:
            ties.append({"collaboration_id": f"assoc_{m.association}", "municipality_code": m.code,
                         "samtrappan_step": "collaboration", "status": "active", "role": "member"})
    criticality = pd.Series({c: ("high" if j % 4 == 0 else "normal") for j, c in enumerate(capabilities)})
    return matrix, criticality, willingness, pd.DataFrame(ties)


def timed(func, args, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    import pandas as pd

    from digimotor.metrics import scenarios

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--capabilities", type=int, default=40)
    args = parser.parse_args()
    inputs = make_inputs(args.capabilities)
    matrix = inputs[0]
    scenarios.scenario_engine(*inputs)  # warm up imports (scipy, pandas internals)
    fast, fast_result = timed(scenarios.scenario_engine, inputs, args.repeat)
    slow, slow_result = timed(scenarios.scenario_engine_loop, inputs, max(1, args.repeat // 2))
    pd.testing.assert_frame_equal(fast_result.table, slow_result.table)
    pd.testing.assert_frame_equal(fast_result.pairs, slow_result.pairs)
    counts = fast_result.table["scenario"].value_counts().sort_index().to_dict()
    print(f"input: {matrix.shape[0]} municipalities x {matrix.shape[1]} capabilities "
          f"({int(matrix.notna().sum().sum())} scores), {len(fast_result.pairs)} lead-receiver pairs")
    print(f"scenarios per capability: {counts}")
    print(f"scenario_engine (vectorised + assignment):  {fast * 1000:8.1f} ms  (median of {args.repeat}; "
          f"target <= 1000 ms: {'met' if fast <= 1.0 else 'NOT met'})")
    print(f"scenario_engine_loop (per-capability loop): {slow * 1000:8.1f} ms")
    print(f"ratio loop / vectorised: {slow / fast:.1f}x  (same result: yes)")


if __name__ == "__main__":
    main()
