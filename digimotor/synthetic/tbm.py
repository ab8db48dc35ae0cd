"""Synthetic IT cost ledger of 12 IT organisations serving 14 municipalities (pseudonyms), calibrated to the report's statements.

The study's ledgers are not public. This seeded example lets notebook 04 run end to end. It
is *calibrated* to every statement the report makes about the organisations (section 3.4.2,
seed lines 2130–2278), so agreement with them is by construction and is not evidence:

* 12 IT organisations for 14 municipalities: "IT-org 12" serves three ("Kommun 12–14"),
  as SML-IT serves Sotenäs, Munkedal and Lysekil;
* one organisation's central-IT share is 2,17 % and its hardware is 40 % of its IT cost
  against an average ("snittet") of 23 % (read as the unweighted mean over the 12);
* 11 of 12 organisations are below the average central-IT share under every reading of
  "snittet" (unweighted mean, pooled share, and the research level of just under 2 %);
* no correlation with municipality size (Spearman p > 0.05 for the central-IT share and for
  the software and internal-labour shares);
* software and internal labour are the pools that vary most between organisations (IQR);
* hardware and software shares are high and internal labour and outside services low;
* run (infrastructure, end-user services) outweighs develop.

The mean central-IT share is *not* calibrated: the report's value is unreadable in the OCR
text ("2%", "1,0…", ",04%") and is never tuned to. Amounts are whole tkr for 2019 (the report
does not name the year analysed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GENERATOR = "tbm"
VERSION = 1
YEAR = 2019
N_MUNICIPALITIES = 14
N_ORGANISATIONS = 12
#: The statements the ledger is calibrated to (report seed lines 2270–2271).
OUTLIER_SHARE_PCT = 2.17
OUTLIER_HARDWARE_PCT = 40.0
HARDWARE_MEAN_PCT = 23.0
RESEARCH_LEVEL_PCT = 2.0
#: Typical shares (percent of IT cost) of the pools other than hardware, before noise.
BASE_SHARES = {
    "internal_labour": 28.0, "software": 22.0, "outside_services": 6.0, "telecom": 8.0,
    "facilities_power": 3.0, "external_labour": 3.0, "other": 4.0, "internal_services": 3.0,
}
#: The account (category) each pool's rows carry, so that the default mapping is exercised.
ACCOUNTS = {
    "internal_labour": "Personalkostnader", "software": "Licenser", "hardware": "Hårdvara",
    "outside_services": "Drifttjänster", "telecom": "Telefoni", "facilities_power": "Lokaler",
    "external_labour": "Konsulter", "other": "Övrigt", "internal_services": "Internfakturering",
}
WORK_AREA_BASE = {"infrastructure": 40.0, "end_user_services": 28.0, "application_operations": 20.0,
                  "steer_and_support": 12.0}
MAX_ATTEMPTS = 500


def _municipalities(rng: np.random.Generator) -> pd.DataFrame:
    population = np.round(np.exp(rng.uniform(np.log(4_500), np.log(60_000), N_MUNICIPALITIES)), -1)
    population[11:] = np.round(rng.uniform(8_000, 15_000, 3), -1)  # the three sharing IT-org 12
    per_inhabitant_tkr = rng.uniform(62.0, 72.0, N_MUNICIPALITIES)
    return pd.DataFrame({
        "municipality_code": [f"Kommun {i:02d}" for i in range(1, N_MUNICIPALITIES + 1)],
        "year": YEAR,
        "total_cost": np.round(population * per_inhabitant_tkr),
        "unit": "tkr",
        "definition": "result_and_depreciation",
        "population": population.astype("int64"),
    })


def _served(org: int) -> list[str]:
    if org < N_ORGANISATIONS:
        return [f"Kommun {org:02d}"]
    return [f"Kommun {i:02d}" for i in range(N_ORGANISATIONS, N_MUNICIPALITIES + 1)]


def _attempt(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    municipalities = _municipalities(rng)
    total_by_code = dict(zip(municipalities["municipality_code"], municipalities["total_cost"], strict=True))
    outlier = int(rng.integers(1, N_ORGANISATIONS + 1))
    shares = rng.uniform(0.60, 0.85, N_ORGANISATIONS)
    shares[outlier - 1] = OUTLIER_SHARE_PCT
    hardware = rng.normal(21.5, 1.6, N_ORGANISATIONS)
    hardware[outlier - 1] = OUTLIER_HARDWARE_PCT
    others = [i for i in range(N_ORGANISATIONS) if i != outlier - 1]
    hardware[others] += (HARDWARE_MEAN_PCT * N_ORGANISATIONS - OUTLIER_HARDWARE_PCT) / len(others) - hardware[others].mean()
    pools = list(BASE_SHARES)
    alpha = np.array([BASE_SHARES[p] for p in pools]) / sum(BASE_SHARES.values()) * 60.0
    credited = set(rng.choice(np.arange(1, N_ORGANISATIONS + 1), size=3, replace=False).tolist())
    rows = []
    for org in range(1, N_ORGANISATIONS + 1):
        served = _served(org)
        it_cost = round(shares[org - 1] / 100.0 * sum(total_by_code[c] for c in served))
        split = dict(zip(pools, rng.dirichlet(alpha) * (100.0 - hardware[org - 1]), strict=True))
        split["hardware"] = hardware[org - 1]
        areas = dict(zip(WORK_AREA_BASE, rng.dirichlet(np.array(list(WORK_AREA_BASE.values())) * 1.5), strict=True))
        org_rows = []
        for pool in ACCOUNTS:
            for area, weight in areas.items():
                amount = round(it_cost * split[pool] / 100.0 * weight)
                if amount > 0:
                    org_rows.append({"pool": pool, "account": ACCOUNTS[pool], "work_area": area,
                                     "amount": float(amount), "credit": False})
        largest = max(range(len(org_rows)), key=lambda i: org_rows[i]["amount"])
        org_rows[largest]["amount"] += it_cost - sum(r["amount"] for r in org_rows)  # total exactly it_cost
        if org in credited:
            target = next(r for r in org_rows if r["pool"] == "software" and r["work_area"] == "application_operations")
            credit = float(max(1, round(0.1 * target["amount"])))
            target["amount"] += credit
            org_rows.append({"pool": "software", "account": "Licenser", "work_area": "application_operations",
                             "amount": -credit, "credit": True})
        for row in org_rows:
            rows.append({
                "organisation": f"IT-org {org:02d}",
                "municipalities": ";".join(served),
                "year": YEAR,
                "account": row["account"],
                "cost_pool": None,
                "work_area": row["work_area"],
                "amount": row["amount"],
                "unit": "tkr",
                "credit": row["credit"],
                "control_total": float(it_cost),
            })
    return pd.DataFrame(rows), municipalities


def check_calibration(ledger: pd.DataFrame, municipalities: pd.DataFrame) -> dict[str, bool]:
    """Whether a generated pair meets each statement the generator promises (see module docstring)."""
    from ..claims import round_half_up
    from ..metrics import tbm
    from ..model.tbm import COST_POOLS, UNITS, WORK_AREAS
    from ..sources.tbm import load_account_mapping

    ledger = ledger.assign(amount_sek=ledger["amount"] * ledger["unit"].map(UNITS),
                           cost_pool=pd.Categorical(ledger["cost_pool"], categories=list(COST_POOLS)),
                           work_area=pd.Categorical(ledger["work_area"], categories=list(WORK_AREAS)))
    costs = municipalities.assign(total_cost_sek=municipalities["total_cost"] * municipalities["unit"].map(UNITS),
                                  municipality=municipalities["municipality_code"])
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping("default"))
    pool_shares = tbm.cost_pool_shares(pooled)
    shares = tbm.central_it_share(pooled, costs, YEAR)
    top = tbm.outlier(shares, pool_shares)
    readings = tbm.average_readings(shares, research_level_pct=RESEARCH_LEVEL_PCT)
    correlations = tbm.size_correlations(shares, pool_shares, pools=("software", "internal_labour"))
    areas = tbm.run_develop(tbm.work_area_shares(pooled)).set_index("organisation")
    spread = tbm.share_spread(pool_shares).set_index("cost_pool")
    return {
        "organisations": len(shares) == N_ORGANISATIONS and int(shares["n_municipalities"].sum()) == N_MUNICIPALITIES,
        "outlier_share": round_half_up(top["share_pct"], 2) == OUTLIER_SHARE_PCT,
        "outlier_hardware": round_half_up(top["hardware_share_pct"], 0) == OUTLIER_HARDWARE_PCT,
        "hardware_mean": round_half_up(top["hardware_mean_pct"], 0) == HARDWARE_MEAN_PCT,
        "eleven_below_every_average": all(tbm.count_below(shares, v) == 11 for v in readings.values()),
        "no_size_correlation": bool((correlations["p_value"] > 0.05).all()),
        "software_and_labour_vary_most": set(tbm.most_varying_pools(pool_shares, 2)) == {"software", "internal_labour"},
        "hardware_software_high": bool(spread.loc["hardware", "median"] > 15 and spread.loc["software", "median"] > 15),
        "labour_outside_services_low": bool(spread.loc["internal_labour", "median"] < 35
                                            and spread.loc["outside_services", "median"] < 10),
        "run_outweighs_develop": bool(areas.loc["all", "run_pct"] > 50),
    }


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The example ``tbm_ledger`` and ``municipal_total_cost`` for ``seed``.

    Draws until every calibration check of :func:`check_calibration` holds (deterministic for
    a seed).

    Raises
    ------
    RuntimeError
        If no draw within ``MAX_ATTEMPTS`` meets the checks.
    """
    rng = np.random.default_rng(seed)
    for _ in range(MAX_ATTEMPTS):
        ledger, municipalities = _attempt(rng)
        if all(check_calibration(ledger, municipalities).values()):
            return {"tbm_ledger": ledger, "municipal_total_cost": municipalities}
    raise RuntimeError(f"no synthetic TBM ledger met the calibration checks in {MAX_ATTEMPTS} draws (seed {seed})")
