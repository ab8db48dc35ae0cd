"""Population: the age groups SCB's tables use."""

from __future__ import annotations


def age_bounds(label: str) -> tuple[int, int | None]:
    """``"0-4"`` → (0, 4), ``"37"`` → (37, 37), ``"100-"`` → (100, None)."""
    if "-" not in label:
        return int(label), int(label)
    low, high = label.split("-", 1)
    return int(low), (int(high) if high else None)
