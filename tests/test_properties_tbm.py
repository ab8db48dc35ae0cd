"""Property-based tests (hypothesis) of the TBM cost metrics: cost-pool and work-area shares,
run/develop, the central-IT share and its allocation, on random ledgers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from digimotor.errors import DigimotorError
from digimotor.metrics import tbm
from digimotor.model.tbm import COST_POOLS, RUN_AREAS, UNMAPPED, WORK_AREAS
from digimotor.sources.tbm import load_account_mapping

MAPPING = load_account_mapping("default")
MAPPED_ACCOUNTS = list(MAPPING["account"].head(40))
FAST = settings(max_examples=50, deadline=None)


@st.composite
def ledgers(draw, max_organisations=4):
    """One year of a ledger (kronor, whole numbers so every sum is exact) and the total costs.

    Every organisation's first row is a large cost, so its IT cost is positive even with credits;
    organisations serve disjoint sets of 1–3 municipalities; the total costs keep every
    central-IT share inside the plausible range.
    """
    rows, costs, next_code = [], [], 1
    for o in range(draw(st.integers(1, max_organisations))):
        served = [f"Kommun {next_code + i:02d}" for i in range(draw(st.integers(1, 3)))]
        next_code += len(served)
        for code in served:
            costs.append((code, code, 2019, float(draw(st.integers(100, 300))) * 1e6, "result_and_depreciation",
                          draw(st.integers(1_000, 60_000))))
        for r in range(draw(st.integers(1, 3))):
            amount = draw(st.integers(1_000_000, 4_000_000) if r == 0 else st.integers(-100_000, 4_000_000))
            if draw(st.booleans()):
                account, pool = draw(st.sampled_from(MAPPED_ACCOUNTS)), None
            else:
                account, pool = None, draw(st.sampled_from(COST_POOLS))
            area = draw(st.one_of(st.none(), st.sampled_from(WORK_AREAS)))
            rows.append((f"IT-org {o + 1:02d}", ";".join(served), account, pool, area, float(amount)))
    ledger = pd.DataFrame(rows, columns=["organisation", "municipalities", "account", "cost_pool", "work_area",
                                         "amount_sek"])
    ledger["year"] = 2019
    ledger["cost_pool"] = pd.Categorical(ledger["cost_pool"], categories=list(COST_POOLS))
    ledger["work_area"] = pd.Categorical(ledger["work_area"], categories=list(WORK_AREAS))
    total_cost = pd.DataFrame(costs, columns=["municipality_code", "municipality", "year", "total_cost_sek",
                                              "definition", "population"])
    return ledger, total_cost


def _pooled(ledger):
    return tbm.assign_cost_pools(ledger, MAPPING)


def _org_totals(ledger):
    return ledger.groupby("organisation")["amount_sek"].sum()


@FAST
@given(ledgers())
def test_cost_pool_shares_sum_to_100_and_are_part_over_whole(data):
    ledger, _costs = data
    shares = tbm.cost_pool_shares(_pooled(ledger))
    totals = _org_totals(ledger)
    assert len(shares) == len(totals) * len(COST_POOLS)  # every pool, zeros included
    for org, group in shares.groupby("organisation"):
        assert abs(group["share_pct"].sum() - 100.0) < 1e-9
        assert (group["it_cost_sek"] == totals[org]).all()
    assert ((shares["share_pct"] - 100 * shares["amount_sek"] / shares["it_cost_sek"]).abs() < 1e-12).all()
    # nothing is dropped: the pools hold every krona of the ledger
    assert shares["amount_sek"].sum() == ledger["amount_sek"].sum()


@FAST
@given(ledgers(), st.randoms(use_true_random=False))
def test_cost_pool_shares_invariant_to_row_order_and_organisation_names(data, rnd):
    ledger, _costs = data
    expected = tbm.cost_pool_shares(_pooled(ledger))
    names = list(ledger["organisation"].unique())
    new = dict(zip(names, [f"Org {chr(0x41 + i)}å" for i in rnd.sample(range(26), len(names))], strict=True))
    back = {v: k for k, v in new.items()}
    shuffled = ledger.sample(frac=1, random_state=rnd.randint(0, 10_000)).assign(
        organisation=lambda f: f["organisation"].map(new))
    got = tbm.cost_pool_shares(_pooled(shuffled))
    got["organisation"] = got["organisation"].map(back)
    got = got.sort_values(["organisation", "cost_pool"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9)


@FAST
@given(ledgers(), ledgers())
def test_pooled_shares_of_a_concatenation_are_the_summed_parts(first, second):
    a, b = first[0], second[0].assign(organisation=lambda f: "B " + f["organisation"])
    whole = tbm.pooled_cost_pool_shares(_pooled(pd.concat([a, b], ignore_index=True))).set_index("cost_pool")
    part_a = tbm.pooled_cost_pool_shares(_pooled(a)).set_index("cost_pool")
    part_b = tbm.pooled_cost_pool_shares(_pooled(b)).set_index("cost_pool")
    assert (whole["amount_sek"] == part_a["amount_sek"] + part_b["amount_sek"]).all()
    assert abs(whole["share_pct"].sum() - 100.0) < 1e-9
    # the pooled amounts are the per-organisation amounts summed
    per_org = tbm.cost_pool_shares(_pooled(a)).groupby("cost_pool", observed=False)["amount_sek"].sum()
    assert (per_org.reindex(part_a.index) == part_a["amount_sek"]).all()


@FAST
@given(ledgers())
def test_share_spread_is_ordered(data):
    spread = tbm.share_spread(tbm.cost_pool_shares(_pooled(data[0])))
    eps = 1e-9
    assert (spread["min"] <= spread["q1"] + eps).all() and (spread["q1"] <= spread["median"] + eps).all()
    assert (spread["median"] <= spread["q3"] + eps).all() and (spread["q3"] <= spread["max"] + eps).all()
    assert ((spread["min"] - eps <= spread["mean"]) & (spread["mean"] <= spread["max"] + eps)).all()
    assert ((spread["iqr"] - (spread["q3"] - spread["q1"])).abs() < 1e-12).all()
    assert (spread["n"] == data[0]["organisation"].nunique()).all()


@FAST
@given(ledgers())
def test_run_plus_develop_plus_unassigned_is_the_total(data):
    ledger, _costs = data
    areas = tbm.work_area_shares(ledger)
    totals = _org_totals(ledger)
    for _org, group in areas.groupby("organisation"):
        assert abs(group["share_pct"].sum() - 100.0) < 1e-9
    table = tbm.run_develop(areas).set_index("organisation")
    for org, total in totals.items():
        row = table.loc[org]
        assert row["run_sek"] + row["develop_sek"] + row["unassigned_sek"] == total
        own = ledger[ledger["organisation"] == org]
        run = own.loc[own["work_area"].astype("string").isin(RUN_AREAS), "amount_sek"].sum()
        assert row["run_sek"] == run
        assigned = row["run_sek"] + row["develop_sek"]
        if assigned > 0:
            assert abs(row["run_pct"] + row["develop_pct"] - 100.0) < 1e-9
            assert abs(row["run_pct"] - 100 * row["run_sek"] / assigned) < 1e-9
        if row["develop_sek"] > 0:
            assert abs(row["run_develop_ratio"] - row["run_sek"] / row["develop_sek"]) < 1e-12
        else:
            assert np.isnan(row["run_develop_ratio"])
    # the pooled row is the sum over the organisations
    everyone = table.drop(index="all")[["run_sek", "develop_sek", "unassigned_sek"]].sum()
    assert (table.loc["all", ["run_sek", "develop_sek", "unassigned_sek"]] == everyone).all()


@settings(max_examples=50, deadline=None)
@given(ledgers(max_organisations=3), st.sampled_from(["SML-IT", "Öxnered IT", "Alla IT"]))
def test_run_develop_is_invariant_to_organisation_names(data, name):
    ledger, _costs = data
    first = ledger["organisation"].iloc[0]
    expected = tbm.run_develop(tbm.work_area_shares(ledger)).set_index("organisation").loc[first]
    renamed = ledger.assign(organisation=ledger["organisation"].replace({first: name}))
    got = tbm.run_develop(tbm.work_area_shares(renamed)).set_index("organisation").loc[name]
    assert got["run_sek"] == expected["run_sek"] and got["develop_sek"] == expected["develop_sek"]


@FAST
@given(ledgers())
def test_central_it_share_is_it_cost_over_total_cost(data):
    ledger, costs = data
    shares = tbm.central_it_share(ledger, costs, 2019).set_index("organisation")
    totals = _org_totals(ledger)
    by_code = costs.set_index("municipality_code")
    assert list(shares.index) == sorted(totals.index)
    for org, row in shares.iterrows():
        served = row["municipalities"].split(";")
        assert row["it_cost_sek"] == totals[org]
        assert row["total_cost_sek"] == by_code.loc[served, "total_cost_sek"].sum()
        assert row["population"] == by_code.loc[served, "population"].sum()
        assert abs(row["share_pct"] - 100 * totals[org] / row["total_cost_sek"]) < 1e-12
    readings = tbm.average_readings(shares.reset_index())
    assert abs(readings["pooled"] - 100 * totals.sum() / shares["total_cost_sek"].sum()) < 1e-9
    # both averages lie within the organisations' range (the pooled one is a weighted mean)
    for value in readings.values():
        assert shares["share_pct"].min() - 1e-9 <= value <= shares["share_pct"].max() + 1e-9
    levels = sorted(shares["share_pct"])
    counts = [tbm.count_below(shares, level) for level in [0.0, *levels, 101.0]]
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == len(shares)


@FAST
@given(ledgers(), st.sampled_from(["population", "total_cost"]))
def test_allocation_over_municipalities_keeps_the_it_cost(data, key):
    ledger, costs = data
    shares = tbm.central_it_share(ledger, costs, 2019)
    allocated = tbm.central_it_share_by_municipality(shares, costs, 2019, key=key)
    assert sorted(allocated["municipality_code"]) == sorted(costs["municipality_code"])
    by_org = allocated.groupby("organisation")["allocated_it_cost_sek"].sum()
    for row in shares.itertuples():
        assert abs(by_org[row.organisation] - row.it_cost_sek) < 1e-6
        mine = allocated[allocated["organisation"] == row.organisation]
        if key == "total_cost" or len(mine) == 1:
            # following the total cost gives every served municipality the organisation's own share
            assert (mine["share_pct"] - row.share_pct).abs().max() < 1e-9
    assert ((allocated["share_pct"] - 100 * allocated["allocated_it_cost_sek"] / allocated["total_cost_sek"]).abs()
            < 1e-12).all()


@FAST
@given(ledgers(), st.lists(st.text("abcxyzåäö ", min_size=3, max_size=8), min_size=1, max_size=3))
def test_unmapped_accounts_are_kept_apart_never_dropped(data, unknown):
    ledger, _costs = data
    extra = ledger.head(len(unknown)).assign(account=[f"zz {u}" for u in unknown[: min(len(unknown), len(ledger))]],
                                             cost_pool=None)
    extra["cost_pool"] = pd.Categorical(extra["cost_pool"], categories=list(COST_POOLS))
    messy = pd.concat([ledger, extra], ignore_index=True)
    pooled = tbm.assign_cost_pools(messy, MAPPING, unmapped="separate")
    assert len(pooled) == len(messy) and pooled["amount_sek"].sum() == messy["amount_sek"].sum()
    listed = tbm.unmapped_accounts(messy, MAPPING)
    in_pool = pooled.loc[pooled["cost_pool"] == UNMAPPED, "amount_sek"].sum()
    assert listed["amount_sek"].sum() == in_pool == extra["amount_sek"].sum()
    assert listed["rows"].sum() == len(extra)
    with pytest.raises(tbm.UnmappedAccountsError):
        tbm.assign_cost_pools(messy, MAPPING)


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@FAST
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(1, 1e6)), min_size=3, max_size=12))
def test_size_correlation_is_a_rank_correlation(pairs):
    values, sizes = zip(*pairs, strict=True)
    result = tbm.size_correlation(values, sizes)
    if np.isnan(result["rho"]):
        return  # a constant input has no rank correlation
    assert -1 - 1e-12 <= result["rho"] <= 1 + 1e-12 and result["n"] == len(pairs)
    # a strictly increasing transform of the sizes (here: their ranks) leaves rho unchanged
    again = tbm.size_correlation(values, rankdata(sizes))
    assert abs(again["rho"] - result["rho"]) < 1e-9
    # reversing the order of one variable flips the sign
    flipped = tbm.size_correlation(values, -np.asarray(sizes))
    assert abs(flipped["rho"] + result["rho"]) < 1e-9


def test_organisation_named_like_the_pooled_rows_is_refused():
    """'all' names the pooled rows; a ledger organisation of that name is an error, not overwritten."""
    ledger = pd.DataFrame({
        "organisation": ["all", "X"], "year": [2019, 2019], "work_area": ["infrastructure", "steer_and_support"],
        "amount_sek": [100.0, 50.0],
    })
    with pytest.raises(DigimotorError, match="called 'all'"):
        tbm.work_area_shares(ledger)
