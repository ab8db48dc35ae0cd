"""The claims registry: the report's quantitative claims, and digimotor's recomputation of them.

Claims are data (``data/claims/<part>.csv``, documented in ``data/claims/README.md``). Each
study part has a module here, ``digimotor.claims.<part>``, with a function
``derive() -> dict[str, float]`` that recomputes its *derived* claims from the published
inputs through the same loaders and metrics the notebooks use.

:func:`scorecard` puts the two side by side and classifies every claim as *derived* (and
whether it matches), *transcribed*, *calibrated*, *recovered*, *uncertain*, *inconsistent*,
*not reproducible*, *qualitative* or *background*, so that agreement that is evidence is kept
apart from agreement that is not. :func:`part_summary` counts them per study part (the site's
summary), and :mod:`digimotor.claims.ocr_index` ties the registry to every number of the
report's OCR text.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from typing import TYPE_CHECKING

from .. import labels
from ..config import claims_dir
from ..errors import DigimotorError
from ..numbers import round_half_up

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_claims", "matches", "round_half_up", "derive_all", "scorecard", "part_summary", "OUTCOMES"]

STATUSES = ("derived", "transcribed", "calibrated", "recovered", "uncertain", "inconsistent",
            "not_reproducible", "qualitative", "background")
#: Statuses whose claims must carry a value (``published_value``).
NEEDS_VALUE = ("derived", "transcribed", "calibrated", "recovered", "background")
#: Statuses whose note must give the argument (the inference, the contradiction, the source).
NEEDS_NOTE = ("recovered", "inconsistent", "background", "not_reproducible", "qualitative")
#: Scorecard outcomes in the order shown, with labels: (outcome, evidence?, sv, en).
OUTCOMES = tuple((outcome, evidence, *labels.pairs("claims_outcomes")[outcome]) for outcome, evidence in (
    ("reproduced", True),
    ("differs", True),
    ("not computed", True),
    ("transcribed", False),
    ("calibrated", False),
    ("recovered", False),
    ("uncertain", False),
    ("inconsistent", False),
    ("not_reproducible", False),
    ("qualitative", False),
    ("background", False),
))
RELATIONS = ("=", "<", ">", "<=", ">=")
#: The index of the report's numbers (:mod:`digimotor.claims.ocr_index`) beside the registry; no claims in it.
INDEX_FILE = "ocr_numbers.csv"
COLUMNS = (
    "claim_id", "part", "exhibit", "page", "seed_line", "description", "published_value",
    "relation", "decimals", "unit", "status", "raw_text", "note",
)


def load_claims(part: str | None = None) -> pd.DataFrame:
    """All registered claims (optionally of one part), checked for well-formedness.

    Raises
    ------
    DigimotorError
        On an unknown status or relation, a duplicated id, or a derived claim without a value.
    """
    import pandas as pd

    frames = []
    for path in sorted(claims_dir().glob("*.csv")):
        if path.name == INDEX_FILE:
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise DigimotorError(f"{path}: missing column(s) {', '.join(missing)}")
        frame["file"] = path.name
        frames.append(frame)
    if not frames:
        raise DigimotorError(f"no claim files in {claims_dir()}")
    claims = pd.concat(frames, ignore_index=True)
    problems = []
    for row in claims.itertuples():
        where = f"{row.file} claim {row.claim_id}"
        if row.status not in STATUSES:
            problems.append(f"{where}: status '{row.status}' not in {', '.join(STATUSES)}")
        if (row.relation or "=") not in RELATIONS:
            problems.append(f"{where}: relation '{row.relation}' not in {' '.join(RELATIONS)}")
        if row.status in NEEDS_VALUE and row.published_value == "":
            problems.append(f"{where}: a {row.status} claim needs a published value")
        if row.status in NEEDS_NOTE and not row.note.strip():
            problems.append(f"{where}: a {row.status} claim needs a note (its argument or source)")
    dups = claims.loc[claims["claim_id"].duplicated(), "claim_id"].tolist()
    if dups:
        problems.append("duplicated claim ids: " + ", ".join(dups))
    if problems:
        raise DigimotorError("; ".join(problems))
    claims["published_value"] = pd.to_numeric(claims["published_value"].replace("", None), errors="coerce")
    claims["decimals"] = pd.to_numeric(claims["decimals"].replace("", None), errors="coerce").astype("Int64")
    claims["relation"] = claims["relation"].replace("", "=")
    if part is not None:
        claims = claims[claims["part"] == part].reset_index(drop=True)
    return claims


def matches(computed: float, published: float, relation: str, decimals: int | None) -> bool:
    """Does ``computed`` agree with ``published`` at the printed precision under ``relation``?"""
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return False
    if relation == "=":
        shown = round_half_up(float(computed), int(decimals) if decimals is not None else 0)
        return math.isclose(shown, float(published), abs_tol=1e-9) or (shown == 0 and published == 0)
    value = float(computed)
    return {
        "<": value < published,
        ">": value > published,
        "<=": value <= published,
        ">=": value >= published,
    }[relation]


def derive_all(parts: list[str] | None = None) -> dict[str, float]:
    """Recompute every derived claim with the ``derive()`` of each ``digimotor.claims.<part>``."""
    values: dict[str, float] = {}
    for info in pkgutil.iter_modules(__path__):
        if parts is not None and info.name not in parts:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if not hasattr(module, "derive"):
            continue
        for claim_id, value in module.derive().items():
            if claim_id in values:
                raise DigimotorError(f"claim {claim_id} is derived twice")
            values[claim_id] = value
    return values


def scorecard(produced: dict[str, float] | None = None, parts: list[str] | None = None) -> pd.DataFrame:
    """Published claims beside digimotor's values, with an ``outcome`` per claim.

    Parameters
    ----------
    produced
        Values to score (e.g. collected from executed notebooks); default: :func:`derive_all`.
    parts
        Restrict to these study parts.

    Returns
    -------
    pandas.DataFrame
        The claims with ``computed_value`` and ``outcome``: ``reproduced`` (derived and equal),
        ``differs`` (derived and not equal), ``not computed`` (derived, no value produced),
        or the status itself for claims that are not evidence (``transcribed``, ``calibrated``,
        ``recovered``, ``uncertain``, ``inconsistent``, ``not_reproducible``, ``qualitative``,
        ``background``). A *recovered* value is never evidence: where it can be checked against
        other inputs, the check is a separate *derived* claim.
    """
    import pandas as pd

    claims = load_claims()
    if parts is not None:
        claims = claims[claims["part"].isin(parts)].reset_index(drop=True)
    values = derive_all(parts) if produced is None else produced
    computed, outcome = [], []
    for row in claims.itertuples():
        value = values.get(row.claim_id)
        computed.append(value)
        if row.status != "derived":
            outcome.append(row.status)
        elif value is None:
            outcome.append("not computed")
        else:
            decimals = None if pd.isna(row.decimals) else int(row.decimals)
            outcome.append(
                "reproduced" if matches(value, row.published_value, row.relation, decimals) else "differs"
            )
    claims = claims.assign(computed_value=computed, outcome=outcome)
    return claims


def part_summary(card: pd.DataFrame | None = None, lang: str = "sv") -> pd.DataFrame:
    """Number of claims per study part and outcome, every outcome of :data:`OUTCOMES` listed.

    Parameters
    ----------
    card
        A :func:`scorecard` (e.g. of the values a run produced); default: ``scorecard()``.
    lang
        Language of the ``label`` column (``"sv"`` or ``"en"``).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``part``, ``outcome``, ``evidence`` (bool), ``label``, ``count`` — one row per part
        and outcome (zero counts included), parts in alphabetical order, outcomes in the order of
        :data:`OUTCOMES`.
    """
    import pandas as pd

    if lang not in ("sv", "en"):
        raise DigimotorError(f"lang must be 'sv' or 'en', not '{lang}'")
    card = scorecard() if card is None else card
    counts = card.groupby(["part", "outcome"]).size()
    rows = []
    for part in sorted(card["part"].unique()):
        for outcome, evidence, sv, en in OUTCOMES:
            rows.append({"part": part, "outcome": outcome, "evidence": evidence,
                         "label": (sv, en)[labels.LANGS.index(lang)], "count": int(counts.get((part, outcome), 0))})
    return pd.DataFrame(rows, columns=["part", "outcome", "evidence", "label", "count"])
