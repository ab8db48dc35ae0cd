"""TBM: placing ledger lines in cost pools and work areas (by account text, number range, cost centre).

Part of :mod:`digimotor.metrics.tbm`; the account mapping is
:func:`digimotor.sources.tbm.load_account_mapping`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DigimotorError
from ...model.tbm import (
    COST_POOLS,
    COST_POOLS_V5,
    TAXONOMIES,
    UNASSIGNED,
    UNMAPPED,
    WORK_AREAS,
    account_key,
    reconcile,
)
from ...provenance import keeps_provenance


class UnmappedAccountsError(DigimotorError):
    """Ledger accounts that the account mapping does not place in a cost pool."""


class AccountConflictError(DigimotorError):
    """Ledger rows whose account number and account text map to different cost pools."""


def _placed(ledger: pd.DataFrame, mapping: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per ledger row: the cost pool its account text maps to, and the one its number maps to."""
    from ...regions import fold

    texts = mapping[mapping["account_key"] != ""]
    lookup = dict(zip(texts["account_key"], texts["cost_pool"].astype(str), strict=True))
    account = ledger["account"] if "account" in ledger else pd.Series(pd.NA, index=ledger.index)
    by_text = account.map(lambda t: lookup.get(fold(t)) if isinstance(t, str) else None).astype("string")
    ranges = mapping.dropna(subset=["account_from", "account_to"]) if "account_from" in mapping else mapping.iloc[:0]
    spans = sorted((int(r.account_to) - int(r.account_from), int(r.account_from), int(r.account_to), str(r.cost_pool))
                    for r in ranges.itertuples())

    def by_range(number: object) -> str | None:
        key = account_key(number) if isinstance(number, str) else None
        if key is None:
            return None
        return next((pool for _w, lo, hi, pool in spans if lo <= key <= hi), None)

    number = ledger["account_number"] if "account_number" in ledger else pd.Series(pd.NA, index=ledger.index)
    by_number = number.map(by_range).astype("string")
    return by_text, by_number


@keeps_provenance(mixed="the ledger's accounts checked against an account mapping")
def unmapped_accounts(ledger: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Accounts without a cost pool in the ledger and without a mapping, with what they hold.

    Returns
    -------
    pandas.DataFrame
        ``account`` (number and text as the ledger writes them), ``organisations`` (joined by
        ", "), ``rows``, ``amount_sek`` (sum) and ``share_pct`` (of the ledger's total), largest
        amount first; empty when every row is placed.
    """
    by_text, by_number = _placed(ledger, mapping)
    missing = ledger["cost_pool"].isna() & by_text.isna() & by_number.isna()
    rows = ledger[missing]
    if rows.empty:
        return pd.DataFrame(columns=["account", "organisations", "rows", "amount_sek", "share_pct"])
    number = rows["account_number"].astype("string").fillna("") if "account_number" in rows else ""
    label = (number + " " + rows["account"].astype("string").fillna("")).str.strip()
    out = rows.groupby(label.rename("account"), sort=False).agg(
        organisations=("organisation", lambda s: ", ".join(sorted(set(map(str, s))))),
        rows=("amount_sek", "size"),
        amount_sek=("amount_sek", "sum"),
    ).reset_index()
    total = float(ledger["amount_sek"].sum())
    out["share_pct"] = 100.0 * out["amount_sek"] / total if total else float("nan")
    return out.sort_values(["amount_sek", "account"], ascending=[False, True]).reset_index(drop=True)


@keeps_provenance(mixed="the ledger classified by an account mapping")
def assign_cost_pools(ledger: pd.DataFrame, mapping: pd.DataFrame, *, unmapped: str = "error",
                      max_unmapped_pct: float = 0.0, taxonomy: str = "v4") -> pd.DataFrame:
    """Give every ledger row a cost pool: its own ``cost_pool``, else the mapping of its account.

    A row is placed by its account text (text rows of the mapping) and by its account number
    (range rows: the narrowest range containing the number's first four digits). Where both
    place it they must agree.

    Parameters
    ----------
    ledger
        :func:`~digimotor.sources.tbm.load_tbm_ledger`.
    mapping
        :func:`~digimotor.sources.tbm.load_account_mapping`.
    unmapped
        ``"error"`` (default): raise if the rows no mapping places hold more than
        ``max_unmapped_pct`` percent of the ledger's total, listing each account with its
        amount; at or below it they are kept, as with ``"separate"``. ``"separate"``: keep such
        rows in a pool of their own, ``"unmapped"``, which every table and figure then shows.
        Nothing is ever dropped.
    max_unmapped_pct
        The share of the total (percent) unmapped rows may hold before ``"error"`` stops the run.
    taxonomy
        ``"v4"`` (default; the report's nine pools) or ``"v5"`` (TBM taxonomy 5.0: v4 pools are
        converted as ``reference/tbm_cost_pools_v5.csv`` states). A v5 ledger cannot be reported
        in v4 where it uses Staffing or Cloud Services (v4 has no single counterpart).

    Returns
    -------
    pandas.DataFrame
        The ledger with ``cost_pool`` filled in (categorical, taxonomy order, plus
        ``"unmapped"`` when such rows are kept), ``pool_source`` (``ledger``, ``mapping`` or
        ``unmapped``) and ``mapped_by`` (``account_text``, ``account_number``,
        ``account_number_and_text``, or "" where the ledger gives the pool or nothing maps).

    Raises
    ------
    AccountConflictError
        If an account's number and text map to different pools (every such account is named).
    UnmappedAccountsError
        With ``unmapped="error"``, if unmapped rows exceed ``max_unmapped_pct``.
    """
    from ...sources.tbm_accounts import v4_to_v5

    if unmapped not in ("error", "separate"):
        raise DigimotorError(f"unmapped must be 'error' or 'separate', not '{unmapped}'")
    if taxonomy not in TAXONOMIES:
        raise DigimotorError(f"taxonomy must be one of {', '.join(TAXONOMIES)}, not '{taxonomy}'")
    by_text, by_number = _placed(ledger, mapping)
    own = ledger["cost_pool"].astype("string")
    conflict = own.isna() & by_text.notna() & by_number.notna() & (by_text != by_number)
    if conflict.any():
        rows = ledger[conflict].assign(text_pool=by_text[conflict], number_pool=by_number[conflict])
        listed = "; ".join(sorted({
            f"account {r.account_number} '{r.account}': the number says {r.number_pool}, the text says {r.text_pool}"
            for r in rows.itertuples()}))
        raise AccountConflictError(
            f"{conflict.sum()} ledger row(s) where account number and text disagree about the cost pool: {listed}",
            hint="correct the ledger, or give the row its cost_pool, or change the mapping (digimotor import "
            "tbm_account_mapping <file>)",
        )
    missing = unmapped_accounts(ledger, mapping)
    share = float(missing["share_pct"].sum()) if not missing.empty else 0.0
    if not missing.empty and unmapped == "error" and not share <= max_unmapped_pct:
        listed = "; ".join(
            f"'{r.account}' ({r.organisations}): {r.amount_sek:,.0f} kr in {r.rows} row(s)" for r in missing.itertuples()
        )
        raise UnmappedAccountsError(
            f"{len(missing)} account(s) have no cost pool, holding {missing['amount_sek'].sum():,.0f} kr "
            f"({share:.1f} % of the total, more than the {max_unmapped_pct:g} % allowed): {listed}",
            hint="add them to the mapping (digimotor import tbm_account_mapping <file>) or give cost_pool in the "
            "ledger; unmapped='separate' (or a larger max_unmapped_pct) shows them as a pool of their own",
        )
    mapped = by_text.fillna(by_number)
    pool = own.fillna(mapped)
    pools = list(COST_POOLS)
    if taxonomy == "v5":
        to_v5 = v4_to_v5()
        pool = pool.map(lambda p: to_v5.get(p, p) if isinstance(p, str) else p).astype("string")
        pools = list(COST_POOLS_V5)
    else:
        from_v5 = {v5: v4 for v4, v5 in v4_to_v5().items() if list(v4_to_v5().values()).count(v5) == 1}
        pool = pool.map(lambda p: from_v5.get(p, p) if isinstance(p, str) else p).astype("string")
        stray = pool.notna() & ~pool.isin(pools)
        if stray.any():
            found = ", ".join(sorted(set(pool[stray])))
            raise DigimotorError(
                f"the ledger uses TBM v5 cost pools with no single v4 counterpart ({found})",
                hint="analyse it with taxonomy='v5'",
            )
    pool = pool.fillna(UNMAPPED)
    categories = pools + ([UNMAPPED] if (pool == UNMAPPED).any() else [])
    out = ledger.copy()
    out["pool_source"] = np.where(own.notna(), "ledger", np.where(pool == UNMAPPED, UNMAPPED, "mapping"))
    out["mapped_by"] = np.select(
        [(own.isna() & by_text.notna() & by_number.notna()).to_numpy(), (own.isna() & by_text.notna()).to_numpy(),
         (own.isna() & by_number.notna()).to_numpy()],
        ["account_number_and_text", "account_text", "account_number"], default="")
    out["cost_pool"] = pd.Categorical(pool, categories=categories, ordered=True)
    return out


@keeps_provenance(mixed="the ledger's work areas taken from a cost-centre table")
def assign_work_areas(ledger: pd.DataFrame, cost_centres: pd.DataFrame) -> pd.DataFrame:
    """Fill ``work_area`` from a cost-centre mapping where the ledger has none.

    ``cost_centres`` is :func:`~digimotor.sources.tbm_accounts.load_cost_centres`: a row with an
    organisation applies to that organisation's cost centre, a row without one to the cost
    centre in any organisation. Rows neither the ledger nor the mapping places stay empty
    (:func:`work_area_shares` shows them as unassigned). Adds ``work_area_source``.
    """
    own = ledger["work_area"].astype("string")
    centre = ledger["cost_centre"].astype("string").str.strip() if "cost_centre" in ledger else pd.Series(
        pd.NA, index=ledger.index, dtype="string")
    specific = {(str(o), str(c)): str(a) for o, c, a in zip(cost_centres["organisation"], cost_centres["cost_centre"],
                                                            cost_centres["work_area"], strict=True) if pd.notna(o)}
    general = {str(c): str(a) for o, c, a in zip(cost_centres["organisation"], cost_centres["cost_centre"],
                                                 cost_centres["work_area"], strict=True) if pd.isna(o)}
    mapped = pd.Series([specific.get((str(o), str(c)), general.get(str(c))) if pd.notna(c) else None
                        for o, c in zip(ledger["organisation"], centre, strict=True)],
                       index=ledger.index, dtype="string")
    out = ledger.copy()
    out["work_area"] = pd.Categorical(own.fillna(mapped), categories=list(WORK_AREAS))
    out["work_area_source"] = np.where(own.notna(), "ledger", np.where(mapped.notna(), "cost_centre", UNASSIGNED))
    return out


@keeps_provenance
def reconcile_control_totals(ledger: pd.DataFrame) -> pd.DataFrame:
    """Per organisation and year: the ledger's sum beside its control total and the difference.

    See :func:`digimotor.model.tbm.reconcile` (the same rule the import applies).
    """
    return reconcile(ledger)
