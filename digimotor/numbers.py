"""Rounding as printed tables do it, shared by the claims check and the table display, and the
Swedish way of writing a formatted number (tables and prose)."""

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


def swedish(text: str) -> str:
    """A number formatted the English way (``f"{x:,.1f}"``: ``-1,734,443.5``) written the Swedish way:
    a no-break space between thousands, a decimal comma and a minus sign (``−1 734 443,5``)."""
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")


def number_text(text: str, value: object, lang: str) -> str:
    """``text``, the formatted ``value``, in ``lang``'s number format: :func:`swedish` for ``sv`` when
    ``value`` is a number (not a bool); any other text and any other language unchanged."""
    import numbers

    if lang != "sv" or isinstance(value, bool) or not isinstance(value, numbers.Real):
        return text
    return swedish(text)


def decimal_comma(text: str, lang: str) -> str:
    """``text`` with its decimal points as commas in Swedish (``sv``), unchanged in other languages
    (the figures' number format: no thousands space, unlike :func:`swedish`)."""
    return text.replace(".", ",") if lang == "sv" else text
