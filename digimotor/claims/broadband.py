"""Broadband claims (report Figure 14 and the text around it, seed lines 1976-2010).

The report's per-municipality shares are drawn only in an image, so no broadband claim is
*derived*: the goal is transcribed, and the statements about the municipalities ("a few are
close to the 95 % goal, the others lag behind") are *calibrated* when the notebook runs on the
synthetic example, which was built to honour them.
"""

from __future__ import annotations


def claim_values(summary: dict[str, float]) -> dict[str, float]:
    """Claim id -> value from :func:`digimotor.metrics.broadband.goal_summary` of the notebook's table."""
    return {
        "text.broadband.close_to_goal_count": float(summary["close_to_goal"]),
        "text.broadband.others_lag_behind": float(summary["below_goal_not_close"]),
    }


def derive() -> dict[str, float]:
    """No broadband claim is derived from published inputs (Figure 14's values are image-only)."""
    return {}
