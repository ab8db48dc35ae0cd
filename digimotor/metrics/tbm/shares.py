"""TBM: cost-pool and work-area shares, the central-IT share of total cost, and the report's readings.

Part of :mod:`digimotor.metrics.tbm`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...errors import DigimotorError
from ...model.tbm import (
    DEVELOP_AREAS,
    REPORT_TOTAL_COST_DEFINITION,
    RUN_AREAS,
    UNASSIGNED,
    WORK_AREAS,
)
from ...provenance import keeps_provenance

#: The organisation name of the pooled rows; no IT organisation may be called so.
POOLED = "all"
#: A central-IT share outside this range (percent of total cost) means a unit or scope error.
PLAUSIBLE_SHARE_PCT = (0.05, 20.0)


@keeps_provenance
def select_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of ``year``; an absent year is an error that lists the years present."""
    years = sorted(int(y) for y in frame["year"].dropna().unique())
    if year not in years:
        raise DigimotorError(f"no data for {year}", hint="years present: " + ", ".join(map(str, years)))
    return frame[frame["year"] == year]


@keeps_provenance
def cost_pool_shares(ledger: pd.DataFrame) -> pd.DataFrame:
    """Each organisation's cost per cost pool and its share of the organisation's IT cost.

    Parameters
    ----------
    ledger
        One year of :func:`assign_cost_pools`' output.

    Returns
    -------
    pandas.DataFrame
        One row per organisation and cost pool (every pool, zero where none): ``organisation``,
        ``cost_pool``, ``amount_sek``, ``it_cost_sek`` (the organisation's total) and
        ``share_pct`` (100 · amount / total). Credits count with their sign.
    """
    _one_year(ledger)
    pools = list(ledger["cost_pool"].cat.categories)
    table = ledger.pivot_table(index="organisation", columns="cost_pool", values="amount_sek", aggfunc="sum",
                               observed=False, fill_value=0.0).reindex(columns=pools, fill_value=0.0)
    total = table.sum(axis=1)
    _positive_totals(total)
    long = table.stack().rename("amount_sek").reset_index()
    long["it_cost_sek"] = long["organisation"].map(total)
    long["share_pct"] = 100.0 * long["amount_sek"] / long["it_cost_sek"]
    long["cost_pool"] = pd.Categorical(long["cost_pool"], categories=pools, ordered=True)
    return long.sort_values(["organisation", "cost_pool"]).reset_index(drop=True)


@keeps_provenance
def pooled_cost_pool_shares(ledger: pd.DataFrame) -> pd.DataFrame:
    """All organisations' costs together per cost pool (report Figure 16): ``cost_pool``,
    ``amount_sek``, ``share_pct`` (of the sum over all organisations)."""
    _one_year(ledger)
    pools = list(ledger["cost_pool"].cat.categories)
    amounts = ledger.groupby("cost_pool", observed=False)["amount_sek"].sum().reindex(pools, fill_value=0.0)
    out = amounts.rename("amount_sek").reset_index()
    out["share_pct"] = 100.0 * out["amount_sek"] / out["amount_sek"].sum()
    return out


@keeps_provenance
def share_spread(shares: pd.DataFrame) -> pd.DataFrame:
    """Spread of each pool's share across organisations (the box plot of report Figure 15).

    Returns
    -------
    pandas.DataFrame
        One row per cost pool: ``n``, ``min``, ``q1``, ``median``, ``q3``, ``max``, ``mean``
        (unweighted over organisations), ``iqr`` (q3 − q1) and ``std`` (sample).
    """
    grouped = shares.groupby("cost_pool", observed=False)["share_pct"]
    out = pd.DataFrame({
        "n": grouped.size(),
        "min": grouped.min(),
        "q1": grouped.quantile(0.25),
        "median": grouped.median(),
        "q3": grouped.quantile(0.75),
        "max": grouped.max(),
        "mean": grouped.mean(),
        "std": grouped.std(ddof=1),
    })
    out["iqr"] = out["q3"] - out["q1"]
    return out.reset_index()


def most_varying_pools(shares: pd.DataFrame, n: int = 2, *, by: str = "iqr") -> list[str]:
    """The ``n`` cost pools whose share varies most across organisations (``by``: ``iqr`` or ``std``)."""
    spread = share_spread(shares).sort_values([by, "cost_pool"], ascending=[False, True])
    return [str(p) for p in spread["cost_pool"].head(n)]


@keeps_provenance
def work_area_shares(ledger: pd.DataFrame) -> pd.DataFrame:
    """Cost per IT work area, per organisation and pooled (report Figure 18).

    Rows without a work area are kept as ``"unassigned"``.

    Returns
    -------
    pandas.DataFrame
        ``organisation`` (``"all"`` for the pooled rows), ``work_area``, ``focus`` (``run``,
        ``develop`` or ``unassigned``), ``amount_sek`` and ``share_pct`` of the organisation's
        (or everyone's) IT cost.
    """
    _one_year(ledger)
    if (ledger["organisation"] == POOLED).any():
        raise DigimotorError(
            f"an IT organisation is called '{POOLED}', the name of the pooled rows",
            hint="rename it in the ledger",
        )
    area = ledger["work_area"].astype("string").fillna(UNASSIGNED)
    areas = list(WORK_AREAS) + ([UNASSIGNED] if (area == UNASSIGNED).any() else [])
    frame = ledger.assign(work_area=pd.Categorical(area, categories=areas, ordered=True))
    per_org = frame.pivot_table(index="organisation", columns="work_area", values="amount_sek", aggfunc="sum",
                                observed=False, fill_value=0.0).reindex(columns=areas, fill_value=0.0)
    per_org.loc[POOLED] = per_org.sum(axis=0)
    per_org.index.name = "organisation"
    total = per_org.sum(axis=1)
    _positive_totals(total)
    long = per_org.stack().rename("amount_sek").reset_index()
    long["share_pct"] = 100.0 * long["amount_sek"] / long["organisation"].map(total)
    long["focus"] = long["work_area"].map(_focus)
    long["work_area"] = pd.Categorical(long["work_area"], categories=areas, ordered=True)
    return long[["organisation", "work_area", "focus", "amount_sek", "share_pct"]]


def _focus(area: str) -> str:
    if area in RUN_AREAS:
        return "run"
    if area in DEVELOP_AREAS:
        return "develop"
    return UNASSIGNED


@keeps_provenance
def run_develop(work_areas: pd.DataFrame) -> pd.DataFrame:
    """Run versus develop per organisation (and ``"all"``) from :func:`work_area_shares`.

    Returns
    -------
    pandas.DataFrame
        ``organisation``, ``run_sek``, ``develop_sek``, ``unassigned_sek``, ``run_pct`` and
        ``develop_pct`` (of the cost with a work area) and ``run_develop_ratio`` (run / develop;
        NaN when nothing is spent on develop).
    """
    amounts = work_areas.pivot_table(index="organisation", columns="focus", values="amount_sek", aggfunc="sum",
                                     fill_value=0.0)
    amounts = amounts.reindex(columns=["run", "develop", UNASSIGNED], fill_value=0.0)
    out = pd.DataFrame({
        "run_sek": amounts["run"],
        "develop_sek": amounts["develop"],
        "unassigned_sek": amounts[UNASSIGNED],
    })
    assigned = out["run_sek"] + out["develop_sek"]
    out["run_pct"] = 100.0 * out["run_sek"] / assigned
    out["develop_pct"] = 100.0 * out["develop_sek"] / assigned
    with np.errstate(divide="ignore", invalid="ignore"):
        out["run_develop_ratio"] = np.where(out["develop_sek"] > 0, out["run_sek"] / out["develop_sek"], np.nan)
    order = sorted(o for o in out.index if o != POOLED) + ([POOLED] if POOLED in out.index else [])
    out = out.loc[order]
    out.index.name = "organisation"
    return out.reset_index()


@keeps_provenance
def served_municipalities(ledger: pd.DataFrame) -> pd.DataFrame:
    """Organisation -> municipalities it serves: ``organisation``, ``municipality_codes`` (list),
    ``n_municipalities``."""
    first = ledger.groupby("organisation", sort=True)["municipalities"].first()
    codes = first.map(lambda text: [c for c in str(text).split(";") if c])
    return pd.DataFrame({"organisation": first.index, "municipality_codes": codes.values,
                         "n_municipalities": codes.map(len).values})


@keeps_provenance(mixed="the ledger's IT costs over the municipalities' total costs")
def central_it_share(ledger: pd.DataFrame, total_cost: pd.DataFrame, year: int) -> pd.DataFrame:
    """Central-IT cost as a share of the served municipalities' total cost, per IT organisation
    (report Figure 19).

    An organisation that serves several municipalities (SML-IT: Sotenäs, Munkedal, Lysekil) is
    divided by the sum of their total costs, so the report's 14 municipalities give 12 shares.

    Parameters
    ----------
    ledger
        :func:`~digimotor.sources.tbm.load_tbm_ledger` (any pools; every row counts).
    total_cost
        :func:`~digimotor.sources.tbm.load_municipal_total_cost`.
    year
        The financial year; both inputs must have it.

    Returns
    -------
    pandas.DataFrame
        ``organisation``, ``municipalities`` (codes joined by ";"), ``n_municipalities``,
        ``it_cost_sek``, ``total_cost_sek``, ``population`` (sum, <NA> if unknown),
        ``share_pct``, ``definition`` (of the total cost; the report's is
        ``result_and_depreciation``).

    Raises
    ------
    DigimotorError
        If a served municipality has no total cost for the year, or a share lies outside
        ``PLAUSIBLE_SHARE_PCT`` (a unit or scope error).
    """
    ledger = select_year(ledger, year)
    costs = select_year(total_cost, year).set_index("municipality_code")
    it_cost = ledger.groupby("organisation", sort=True)["amount_sek"].sum()
    served = served_municipalities(ledger).set_index("organisation")
    records = []
    for org, row in served.iterrows():
        codes = row["municipality_codes"]
        absent = [c for c in codes if c not in costs.index]
        if absent:
            raise DigimotorError(
                f"no total cost for {year} of {', '.join(absent)}, served by '{org}'",
                hint="import the municipalities' total cost: digimotor import municipal_total_cost <file>",
            )
        part = costs.loc[codes]
        population = part["population"]
        definitions = sorted(set(map(str, part["definition"])))
        share = 100.0 * float(it_cost[org]) / float(part["total_cost_sek"].sum())
        low, high = PLAUSIBLE_SHARE_PCT
        if not low <= share <= high:
            raise DigimotorError(
                f"'{org}' spends {share:.3g} % of its municipalities' total cost on central IT, outside the "
                f"plausible {low}–{high} %",
                hint="check the declared units (kr, tkr, mnkr) of the ledger and of the total cost",
            )
        records.append({
            "organisation": str(org),
            "municipalities": ";".join(codes),
            "n_municipalities": len(codes),
            "it_cost_sek": float(it_cost[org]),
            "total_cost_sek": float(part["total_cost_sek"].sum()),
            "population": int(population.sum()) if population.notna().all() else pd.NA,
            "share_pct": share,
            "definition": ",".join(definitions),
        })
    out = pd.DataFrame(records)
    out["population"] = out["population"].astype("Int64")
    return out


def definition_differs(shares: pd.DataFrame) -> list[str]:
    """Organisations whose denominator is not the report's total cost (result_and_depreciation)."""
    return [str(o) for o, d in zip(shares["organisation"], shares["definition"], strict=True)
            if d != REPORT_TOTAL_COST_DEFINITION]


@keeps_provenance(mixed="the ledger's IT costs over the municipalities' total costs")
def central_it_share_by_municipality(shares: pd.DataFrame, total_cost: pd.DataFrame, year: int, *,
                                     key: str = "population") -> pd.DataFrame:
    """A per-municipality view: a shared organisation's IT cost allocated over its municipalities.

    Parameters
    ----------
    shares
        :func:`central_it_share`.
    total_cost
        :func:`~digimotor.sources.tbm.load_municipal_total_cost`.
    key
        Allocation key for a shared organisation: ``"population"`` (default; IT cost follows
        inhabitants) or ``"total_cost"`` (follows the municipalities' total cost, which gives
        every served municipality the organisation's own share). An organisation that serves
        one municipality is not allocated.

    Returns
    -------
    pandas.DataFrame
        ``municipality_code``, ``municipality``, ``organisation``, ``allocation_key``,
        ``allocated_it_cost_sek``, ``total_cost_sek``, ``share_pct``.
    """
    if key not in ("population", "total_cost"):
        raise DigimotorError(f"allocation key must be 'population' or 'total_cost', not '{key}'")
    costs = select_year(total_cost, year).set_index("municipality_code")
    records = []
    for row in shares.itertuples():
        codes = row.municipalities.split(";")
        part = costs.loc[codes]
        column = "total_cost_sek" if key == "total_cost" else "population"
        weights = part[column].astype("float64")
        if weights.isna().any():
            raise DigimotorError(f"allocation by {key} needs {column} for every municipality served by '{row.organisation}'",
                                 hint="use key='total_cost' or add population to municipal_total_cost")
        weights = weights / weights.sum()
        for code, weight in weights.items():
            allocated = row.it_cost_sek * float(weight)
            records.append({
                "municipality_code": code,
                "municipality": str(part.loc[code, "municipality"]),
                "organisation": row.organisation,
                "allocation_key": key if len(codes) > 1 else "none",
                "allocated_it_cost_sek": allocated,
                "total_cost_sek": float(part.loc[code, "total_cost_sek"]),
                "share_pct": 100.0 * allocated / float(part.loc[code, "total_cost_sek"]),
            })
    return pd.DataFrame(records)


def average_readings(shares: pd.DataFrame, *, research_level_pct: float | None = None) -> dict[str, float]:
    """The averages the report's "snittet" could mean, for the central-IT share.

    Returns
    -------
    dict
        ``mean`` (unweighted mean of the organisations' shares), ``pooled`` (sum of IT cost /
        sum of total cost) and, if given, ``research`` (the research level for municipalities,
        "strax under 2 %").
    """
    readings = {
        "mean": float(shares["share_pct"].mean()),
        "pooled": float(100.0 * shares["it_cost_sek"].sum() / shares["total_cost_sek"].sum()),
    }
    if research_level_pct is not None:
        readings["research"] = float(research_level_pct)
    return readings


@keeps_provenance
def below_average_table(shares: pd.DataFrame, readings: dict[str, float]) -> pd.DataFrame:
    """For each reading of "snittet" (:func:`average_readings`): ``reading``, ``level_pct`` and
    ``below`` (organisations under it)."""
    return pd.DataFrame([{"reading": name, "level_pct": level, "below": count_below(shares, level)}
                         for name, level in readings.items()])


def count_below(shares: pd.DataFrame, level: float) -> int:
    """How many organisations have a central-IT share below ``level`` (percent)."""
    return int((shares["share_pct"] < level).sum())


def outlier(shares: pd.DataFrame, pool_shares: pd.DataFrame) -> dict[str, float | str]:
    """The organisation with the highest central-IT share and its hardware share.

    Returns
    -------
    dict
        ``organisation``, ``share_pct`` (central IT), ``hardware_share_pct`` (hardware of its IT
        cost) and ``hardware_mean_pct`` (unweighted mean hardware share over all organisations,
        the outlier included) and ``hardware_mean_others_pct`` (without it).
    """
    top = shares.loc[shares["share_pct"].idxmax()]
    hardware = pool_shares[pool_shares["cost_pool"] == "hardware"].set_index("organisation")["share_pct"]
    return {
        "organisation": str(top["organisation"]),
        "share_pct": float(top["share_pct"]),
        "hardware_share_pct": float(hardware[top["organisation"]]),
        "hardware_mean_pct": float(hardware.mean()),
        "hardware_mean_others_pct": float(hardware.drop(top["organisation"]).mean()),
    }


def size_correlation(values: Sequence[float] | pd.Series, sizes: Sequence[float] | pd.Series) -> dict[str, float]:
    """Spearman rank correlation between a share and the municipalities' size.

    The numbers of :func:`scipy.stats.spearmanr` (:func:`digimotor.metrics.numstats.spearman`);
    a constant input gives NaN.

    Returns
    -------
    dict
        ``rho``, ``p_value`` (two-sided) and ``n``.
    """
    from ..numstats import spearman

    x = np.asarray(values, dtype="float64")
    y = np.asarray(sizes, dtype="float64")
    keep = ~(np.isnan(x) | np.isnan(y))
    if keep.sum() < 3:
        raise DigimotorError("a size correlation needs at least three organisations with both values")
    rho, p_value = spearman(x[keep], y[keep])
    return {"rho": rho, "p_value": p_value, "n": int(keep.sum())}


@keeps_provenance
def size_correlations(shares: pd.DataFrame, pool_shares: pd.DataFrame, *, size: str = "population",
                      pools: Sequence[str] | None = None) -> pd.DataFrame:
    """Spearman correlation of the central-IT share and of some cost-pool shares with size.

    Parameters
    ----------
    shares
        :func:`central_it_share` (its ``population`` or ``total_cost_sek`` is the size).
    size
        ``"population"`` (default) or ``"total_cost_sek"``.
    pools
        The cost pools whose shares are correlated; default: software, internal labour and
        hardware in TBM v4, their counterparts (software/SaaS, staffing, hardware) in v5.

    Returns
    -------
    pandas.DataFrame
        ``quantity`` (``central_it_share`` or ``<pool>_share``), ``rho``, ``p_value``, ``n``.
    """
    sizes = shares.set_index("organisation")[size].astype("float64")
    rows = [{"quantity": "central_it_share", **size_correlation(shares["share_pct"], sizes.values)}]
    if pools is None:
        present = set(pool_shares["cost_pool"].astype(str))
        v4 = ("software", "internal_labour", "hardware")
        pools = v4 if present & set(v4[:2]) else ("software_saas", "staffing", "hardware")
    for pool in pools:
        values = pool_shares[pool_shares["cost_pool"] == pool].set_index("organisation")["share_pct"]
        rows.append({"quantity": f"{pool}_share", **size_correlation(values.reindex(sizes.index), sizes.values)})
    return pd.DataFrame(rows)


def _one_year(ledger: pd.DataFrame) -> None:
    years = ledger["year"].dropna().unique()
    if len(years) != 1:
        raise DigimotorError(f"expected one year of the ledger, got {len(years)}", hint="use select_year first")


def _positive_totals(total: pd.Series) -> None:
    bad = total[total <= 0]
    if not bad.empty:
        raise DigimotorError(
            "the IT cost of " + ", ".join(map(str, bad.index)) + " is not positive (credits exceed costs)",
        )
