"""Capability and scenario claims: the report's joint rankings (calibrated) and the counts its text states.

The self-assessment behind the rankings is not public: the ranks are *calibrated* claims
(the synthetic example is built to reproduce them). The counts the text states ("de fem
starkaste", "fyra vägval", SML-IT's three, Göliska IT's six and Soltak's seven members) and the
samtrappan steps it names are *derived* from the transcribed lists and member rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def ranking_claims(top: pd.DataFrame, rankings: pd.DataFrame) -> dict[str, float]:
    """Claim id -> computed rank for each capability in the report's strongest/weakest lists.

    ``top`` is :func:`digimotor.metrics.capabilities.joint_ranking` (all capabilities); a
    capability the data do not rank gets NaN.
    """
    values: dict[str, float] = {}
    by_id = top.set_index("capability")
    for rec in rankings[rankings["list"].isin(["strongest", "weakest"])].itertuples(index=False):
        column = "rank_strongest" if rec.list == "strongest" else "rank_weakest"
        rank = by_id[column].get(rec.capability_id, float("nan"))
        values[f"summary.{rec.list}.{rec.capability_id}.rank"] = float(rank)
    return values


def published_counts(rankings: pd.DataFrame, scenarios: pd.DataFrame, paths: pd.DataFrame,
                     collaborations: pd.DataFrame) -> dict[str, float]:
    """The derived counts and steps, from the published lists and collaborations."""
    from ..model.scenarios import SAMTRAPPAN_LEVEL

    members = collaborations.groupby("collaboration_id")["municipality_code"].nunique()
    step = collaborations.groupby("collaboration_id")["samtrappan_step"].first().astype(str)
    return {
        "summary.strongest.count": float((rankings["list"] == "strongest").sum()),
        "summary.weakest.count": float((rankings["list"] == "weakest").sum()),
        "summary.scenarios.count": float(scenarios["scenario"].nunique()),
        "text.sou_paths.count": float(paths.loc[paths["statement"] == "definition", "path_id"].nunique()),
        "text.sml_it.members": float(members["sml_it"]),
        "text.goliska_it.members": float(members["goliska_it"]),
        "text.soltak.members": float(members["soltak"]),
        "text.sml_it.samtrappan_step": float(SAMTRAPPAN_LEVEL[step["sml_it"]]),
        "text.professional_networks.samtrappan_step": float(SAMTRAPPAN_LEVEL[step["professional_networks"]]),
    }


def claim_values(top: pd.DataFrame | None = None) -> dict[str, float]:
    """All capability claims the notebooks produce: the derived counts, plus the ranks from ``top``."""
    from ..sources.capabilities import (
        load_capability_rankings,
        load_collaboration_scenarios,
        load_collaborations,
        load_sou_paths,
    )

    rankings = load_capability_rankings()
    values = published_counts(rankings, load_collaboration_scenarios(), load_sou_paths(), load_collaborations())
    if top is not None:
        values.update(ranking_claims(top, rankings))
    return values


def derive() -> dict[str, float]:
    """Recompute the derived claims (counts and samtrappan steps) from the published inputs."""
    return claim_values(None)
