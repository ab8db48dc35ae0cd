"""TBM cost analysis (report section 3.4.2, Figures 15–19): cost pools, work areas, central-IT share.

All functions are pure: they take the tidy frames of :mod:`digimotor.sources.tbm`
(``load_tbm_ledger``, ``load_municipal_total_cost``, ``load_account_mapping``) and return new
frames. Amounts are compared in kronor (``amount_sek``). Conventions the report leaves open
are keyword arguments with documented defaults:

* which "average" ("snittet") an organisation is compared with (:func:`average_readings`);
* how a shared IT organisation's cost is split over the municipalities it serves
  (``key`` of :func:`central_it_share_by_municipality`: ``"population"`` or ``"total_cost"``);
* what to do with accounts the mapping does not know (``unmapped`` of :func:`assign_cost_pools`).

The functions live in :mod:`~digimotor.metrics.tbm.accounts` (placing ledger lines) and
:mod:`~digimotor.metrics.tbm.shares` (shares and the report's readings); callers use them
through this package (``from digimotor.metrics import tbm``).
"""

from __future__ import annotations

from .accounts import (
    AccountConflictError,
    UnmappedAccountsError,
    assign_cost_pools,
    assign_work_areas,
    reconcile_control_totals,
    unmapped_accounts,
)
from .shares import (
    PLAUSIBLE_SHARE_PCT,
    POOLED,
    average_readings,
    below_average_table,
    central_it_share,
    central_it_share_by_municipality,
    cost_pool_shares,
    count_below,
    definition_differs,
    most_varying_pools,
    outlier,
    pooled_cost_pool_shares,
    run_develop,
    select_year,
    served_municipalities,
    share_spread,
    size_correlation,
    size_correlations,
    work_area_shares,
)

__all__ = [
    "PLAUSIBLE_SHARE_PCT", "POOLED", "AccountConflictError", "UnmappedAccountsError", "assign_cost_pools",
    "assign_work_areas", "average_readings", "below_average_table", "central_it_share",
    "central_it_share_by_municipality", "cost_pool_shares", "count_below", "definition_differs",
    "most_varying_pools", "outlier", "pooled_cost_pool_shares", "reconcile_control_totals", "run_develop",
    "select_year", "served_municipalities", "share_spread", "size_correlation", "size_correlations",
    "unmapped_accounts", "work_area_shares",
]
