"""Rounding as printed tables do it, shared by the claims check and the table display."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, decimals: int) -> float:
    """Round half away from zero; negative ``decimals`` round to tens, hundreds …

    Python's ``round`` and ``format`` round halves to even (``-3.25`` -> ``-3.2``); a printed
    report rounds them away from zero (``-3.3``). Both the claims check and the tables use this.
    """
    if value is None or math.isnan(float(value)):
        return math.nan
    number = Decimal(str(float(value)))
    step = Decimal(1).scaleb(-decimals)  # 0.1 for 1 decimal, 100 for -2
    return float((number / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)
