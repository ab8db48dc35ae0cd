"""Benchmark: TBM ledger import and cost-pool metrics for all 290 municipalities.

Builds a random ledger (290 IT organisations × 36 rows per year, ``years`` years), then times

* the import route (``read_rows`` + ``conform`` with the ledger's checks: municipalities,
  credits, units, control totals) for 1 and for ``years`` years, printing the scaling ratio;
* the cost-pool shares (:func:`digimotor.metrics.tbm.cost_pool_shares`) against a
  straightforward loop over organisations, checking both give the same shares, and printing the
  ratio.

Run: ``.venv/bin/python benchmarks/bench_tbm.py [years]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from digimotor.datasets import conform, get, header_matcher
from digimotor.metrics import tbm
from digimotor.model.tbm import COST_POOLS, UNITS, WORK_AREAS
from digimotor.regions import all_municipalities
from digimotor.sources.files import read_rows
from digimotor.sources.tbm import load_account_mapping
from digimotor.synthetic.tbm import ACCOUNTS


def make_ledger(years: int, seed: int = 1) -> pd.DataFrame:
    """Random ledger rows in tkr: every municipality its own IT organisation, 9 pools × 4 areas."""
    rng = np.random.default_rng(seed)
    rows = []
    for year in range(2000, 2000 + years):
        for mun in all_municipalities():
            amounts = np.round(rng.uniform(50, 2_000, 36))
            for i, amount in enumerate(amounts):
                pool = COST_POOLS[i // 4]
                rows.append((f"{mun.name} IT", mun.code, year, ACCOUNTS[pool], WORK_AREAS[i % 4], amount,
                             "tkr", False, float(amounts.sum())))
    return pd.DataFrame(rows, columns=["organisation", "municipalities", "year", "account", "work_area", "amount",
                                       "unit", "credit", "control_total"])


def time_import(frame: pd.DataFrame, folder: Path) -> float:
    path = folder / f"ledger_{len(frame)}.csv"
    frame.to_csv(path, index=False, sep=";")
    spec = get("tbm_ledger")
    start = time.perf_counter()
    conform(read_rows(path, is_header=header_matcher(spec)), spec, str(path))
    return time.perf_counter() - start


def straightforward_shares(ledger: pd.DataFrame) -> pd.DataFrame:
    """One organisation at a time, one pool at a time."""
    records = []
    for org in sorted(ledger["organisation"].unique()):
        part = ledger[ledger["organisation"] == org]
        total = part["amount_sek"].sum()
        for pool in COST_POOLS:
            amount = part.loc[part["cost_pool"] == pool, "amount_sek"].sum()
            records.append({"organisation": org, "cost_pool": pool, "share_pct": 100 * amount / total})
    return pd.DataFrame(records)


def main(years: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        one = make_ledger(1)
        many = make_ledger(years)
        t_one = time_import(one, Path(tmp))
        t_many = time_import(many, Path(tmp))
    print(f"import {len(one):>7} rows: {t_one:6.2f} s")
    print(f"import {len(many):>7} rows: {t_many:6.2f} s  (rows x{len(many) / len(one):.0f}, time x{t_many / t_one:.1f})")

    ledger = one.assign(amount_sek=one["amount"] * one["unit"].map(UNITS), cost_pool=pd.NA)
    ledger["cost_pool"] = pd.Categorical(ledger["cost_pool"], categories=list(COST_POOLS))
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping())
    start = time.perf_counter()
    fast = tbm.cost_pool_shares(pooled)
    t_fast = time.perf_counter() - start
    start = time.perf_counter()
    slow = straightforward_shares(pooled)
    t_slow = time.perf_counter() - start
    merged = fast.assign(cost_pool=fast["cost_pool"].astype(str)).merge(slow, on=["organisation", "cost_pool"])
    assert np.allclose(merged["share_pct_x"], merged["share_pct_y"]), "the two versions disagree"
    print(f"cost_pool_shares, 290 organisations: {t_fast * 1000:7.1f} ms; straightforward loop {t_slow * 1000:7.1f} ms;"
          f" ratio {t_slow / t_fast:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
