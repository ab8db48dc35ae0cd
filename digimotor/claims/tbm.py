"""TBM cost-analysis claims (report section 3.4.2, Figures 15–19).

No TBM claim is *derived*: the counts of IT organisations (12), municipalities (14) and the
shared organisation's members (3) are read back from the organisation table, which was written
from the report's own words, so they are *transcribed* (:func:`organisation_values` still
computes them for the notebook and for imported tables). The statements about the organisations' costs cannot be
recomputed (their ledgers are not public): the synthetic ledger is *calibrated* to them, and
:func:`claim_values` reports what a ledger gives for them so the notebook can show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def organisation_values(organisations: pd.DataFrame, codes: list[str] | tuple[str, ...]) -> dict[str, float]:
    """Counts behind Figure 19 from a municipality -> IT organisation table.

    Parameters
    ----------
    organisations
        :func:`digimotor.sources.tbm.load_it_organisations`.
    codes
        The municipalities of the region (the 14 of Fyrbodal).
    """
    from ..errors import DigimotorError

    selected = organisations[organisations["municipality_code"].isin(list(codes))]
    missing = sorted(set(codes) - set(selected["municipality_code"]))
    if missing:
        raise DigimotorError("no IT organisation recorded for " + ", ".join(missing))
    per_org = selected.groupby("organisation")["municipality_code"].nunique()
    return {
        "fig19.organisations.count": float(per_org.size),
        "fig19.municipalities.count": float(selected["municipality_code"].nunique()),
        "text.shared_organisation.municipalities": float(per_org.max()),
    }


def claim_values(shares: pd.DataFrame, pool_shares: pd.DataFrame) -> dict[str, float]:
    """Values of the calibrated claims for a ledger (the synthetic one, or a user's).

    Parameters
    ----------
    shares
        :func:`digimotor.metrics.tbm.central_it_share`.
    pool_shares
        :func:`digimotor.metrics.tbm.cost_pool_shares`.

    Notes
    -----
    ``fig19.below_average.count`` counts organisations below the unweighted mean of the
    organisations' shares, one reading of the report's ambiguous "snittet" (see the claim's note).
    """
    from ..metrics import tbm

    top = tbm.outlier(shares, pool_shares)
    return {
        "fig19.outlier.central_it_share": top["share_pct"],
        "fig19.outlier.hardware_share": top["hardware_share_pct"],
        "fig19.hardware_share.average": top["hardware_mean_pct"],
        "fig19.below_average.count": float(tbm.count_below(shares, tbm.average_readings(shares)["mean"])),
    }


def derive() -> dict[str, float]:
    """No TBM claim is derived from published inputs (see the module docstring)."""
    return {}
