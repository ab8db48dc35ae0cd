"""The claims registry: the report's quantitative claims, and digimotor's recomputation of them.

Claims are data (``data/claims/<part>.csv``, documented in ``data/claims/README.md``). Each
study part has a module here, ``digimotor.claims.<part>``, with a function
``derive() -> dict[str, float]`` that recomputes its *derived* claims from the published
inputs through the same loaders and metrics the notebooks use.

:func:`scorecard` puts the two side by side and classifies every claim as *derived* (and
whether it matches), *transcribed*, *calibrated*, *uncertain*, *not reproducible* or
*qualitative*, so that agreement that is evidence is kept apart from agreement that is not.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from typing import TYPE_CHECKING

from ..config import claims_dir
from ..errors import DigimotorError
from ..numbers import round_half_up

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_claims", "matches", "round_half_up", "derive_all", "scorecard"]

STATUSES = ("derived", "transcribed", "calibrated", "uncertain", "not_reproducible", "qualitative")
RELATIONS = ("=", "<", ">", "<=", ">=")
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
        if row.status in ("derived", "transcribed", "calibrated") and row.published_value == "":
            problems.append(f"{where}: a {row.status} claim needs a published value")
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
        ``uncertain``, ``not_reproducible``, ``qualitative``).
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
