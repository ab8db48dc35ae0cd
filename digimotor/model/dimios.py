"""DiMiOS digital maturity: the six areas, the two dimensions, the score scale, the types A–D."""

from __future__ import annotations

from typing import NamedTuple

from ..regions import fold


class Area(NamedTuple):
    """A DiMiOS area: its Swedish and English name and the dimension it belongs to."""

    sv: str
    en: str
    dimension: str


class Dimension(NamedTuple):
    """A DiMiOS dimension: its Swedish and English name."""

    sv: str
    en: str


#: The six DiMiOS areas in the report's order (Figure 9): id -> (Swedish, English, dimension).
AREAS: dict[str, Area] = {
    "efficiency": Area("Effektivitet", "Efficiency", "capability"),
    "innovation": Area("Innovation", "Innovation", "capability"),
    "balancing": Area("Balansering", "Balancing", "capability"),
    "technology": Area("Teknik", "Technology", "legacy"),
    "users": Area("Användare", "Users", "legacy"),
    "organisation": Area("Organisation", "Organisation", "legacy"),
}
#: The two dimensions: id -> (Swedish, English).
DIMENSIONS: dict[str, Dimension] = {
    "capability": Dimension("Digital förmåga", "Digital capability"),
    "legacy": Dimension("Digitalt arv", "Digital legacy"),
}
#: The areas of each dimension.
DIMENSION_AREAS: dict[str, list[str]] = {
    dim: [a for a, v in AREAS.items() if v.dimension == dim] for dim in DIMENSIONS
}
#: The score scale of every DiMiOS item (1 = does not agree at all, 6 = agrees fully).
SCORE_MIN, SCORE_MAX = 1.0, 6.0

#: Header and cell texts accepted for an area (folded) -> area id.
AREA_BY_TEXT: dict[str, str] = {
    fold(text): area for area, (sv, en, _dim) in AREAS.items() for text in (area, sv, en)
}

#: The four DiMiOS types (Figure 11).
TYPES = ("A", "B", "C", "D")
#: Type -> (capability high?, legacy high?)
TYPE_POSITION = {"A": (False, False), "B": (False, True), "C": (True, False), "D": (True, True)}
#: Type -> its number in the claims registry (A = 1 … D = 4).
TYPE_CODE = {letter: number for number, letter in enumerate(TYPES, start=1)}
