"""Context claims: figures of the introduction and the outlook that the report cites from elsewhere.

They are registered so that every number of the report is accounted for (``data/claims/context.csv``),
with the status *background* (or *uncertain* where the OCR text is unreadable). None is derived:
the study does not compute them and digimotor does not use them.
"""

from __future__ import annotations


def derive() -> dict[str, float]:
    """No context claim is derived."""
    return {}
