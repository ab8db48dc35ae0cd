"""TBM (Technology Business Management) cost analysis: cost pools, work areas, units, control totals.

The taxonomy's texts (names, descriptions, the TBM towers each work area covers) are data in
``digimotor/reference/tbm_*.csv`` (provenance: ``tbm_taxonomy.meta.yml``); here are their ids,
the report's definitions and the rules that follow from them alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Declared units and their factor to kronor.
UNITS = {"kr": 1.0, "tkr": 1_000.0, "mnkr": 1_000_000.0}
#: A control total reconciles when |sum − control| <= this many units per ledger row
#: (every row may have been rounded by half a unit), and at least one unit.
CONTROL_TOLERANCE_PER_ROW = 0.5

#: TBM taxonomy v4 cost pools, in the report's order (Figure 16).
COST_POOLS = (
    "internal_labour", "software", "hardware", "outside_services", "telecom",
    "facilities_power", "external_labour", "other", "internal_services",
)
#: TBM taxonomy v5.0 cost pools (their v4 counterparts: reference/tbm_cost_pools_v5.csv).
COST_POOLS_V5 = (
    "staffing", "software_saas", "hardware", "outside_services", "cloud_services", "telecom",
    "data_center_facilities", "misc", "cross_charges",
)
TAXONOMIES = ("v4", "v5")
#: The study's four IT work areas (Figure 17).
WORK_AREAS = ("infrastructure", "end_user_services", "application_operations", "steer_and_support")
#: The report's definition of a municipality's total cost (seed line 2267).
REPORT_TOTAL_COST_DEFINITION = "result_and_depreciation"
TOTAL_COST_DEFINITIONS = (REPORT_TOTAL_COST_DEFINITION, "kolada_net_cost", "kolada_gross_cost", "other")
#: Which work areas are "run" (upprätthålla driften) and which "develop" (report seed lines 2220–2221).
RUN_AREAS = ("infrastructure", "end_user_services")
DEVELOP_AREAS = ("application_operations", "steer_and_support")
#: The cost pool of a ledger line the account mapping does not place.
UNMAPPED = "unmapped"
#: The work area of a ledger line that names none and whose cost centre is not mapped.
UNASSIGNED = "unassigned"

_DIGITS = re.compile(r"\d{1,8}")


def account_key(number: object) -> int | None:
    """The first four digits of an account number as an int ("502" -> 5020, "50211" -> 5021).

    Returns ``None`` for an empty cell or text that is not digits.
    """
    text = "" if number is None else str(number).strip().removesuffix(".0")
    if not _DIGITS.fullmatch(text):
        return None
    return int(text[:4].ljust(4, "0"))


def reconcile(ledger: pd.DataFrame) -> pd.DataFrame:
    """Sum of the ledger per organisation and year beside its declared control total.

    Returns one row per organisation and year that declares a control total: ``organisation``,
    ``year``, ``unit``, ``rows``, ``amount_sum``, ``control_total``, ``difference`` (sum −
    control, in the declared unit), ``tolerance`` (``CONTROL_TOLERANCE_PER_ROW`` per row, at
    least 1 unit) and ``reconciled``.
    """
    import pandas as pd

    records = []
    for (org, year), group in ledger.groupby(["organisation", "year"], sort=True, observed=True):
        controls = group["control_total"].dropna()
        if controls.empty:
            continue
        control = float(controls.iloc[0])
        total = float(group["amount"].sum())
        tolerance = max(1.0, CONTROL_TOLERANCE_PER_ROW * len(group))
        records.append({
            "organisation": str(org), "year": int(year), "unit": str(group["unit"].iloc[0]),
            "rows": len(group), "amount_sum": total, "control_total": control,
            "difference": total - control, "tolerance": tolerance,
            "reconciled": abs(total - control) <= tolerance,
        })
    columns = ["organisation", "year", "unit", "rows", "amount_sum", "control_total", "difference",
               "tolerance", "reconciled"]
    return pd.DataFrame(records, columns=columns)
