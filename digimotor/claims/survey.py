"""Claims of the survey and strategy part: Figures 20–23, digital agendas, data strategies,
the efficiency–innovation word counts and the development budget.

Only one claim is *derived*: the direction of the balance between "effektivisering" and
"innovation" (the report's "partiskhet till effektivitet"), recomputed as the balance index
from the two published totals. The rest are transcribed inputs read back (not evidence),
chart-only values (uncertain or not reproducible) or qualitative statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: claim id -> (question_id, answer_option) of the published shares that are read back.
SHARE_CLAIMS = {
    "fig20.business.share_pct": ("fig20_it_orientation", "business"),
    "fig20.mixed.over_half": ("fig20_it_orientation", "mixed"),
    "fig21.acceptable.share_pct": ("fig21_it_knows_ways_of_working", "3"),
    "fig21.good_or_very_good.share_pct": ("fig21_it_knows_ways_of_working", "4-5"),
    "fig21.little_or_none.share_pct": ("fig21_it_knows_ways_of_working", "1-2"),
    "fig22.poorly.share_pct": ("fig22_it_enables_digital_solutions", "2"),
    "fig22.not_at_all.share_pct": ("fig22_it_enables_digital_solutions", "1"),
}
#: claim id -> fact_id of the published strategy facts that are read back.
FACT_CLAIMS = {
    "text.agenda.municipalities_reviewed": "municipalities_reviewed",
    "text.agenda.found": "digital_agendas_found",
    "text.agenda.refers_vg": "agendas_referring_to_vg",
    "text.data_strategy.adopted": "adopted_data_strategies",
    "text.terms.effektivisering": "term_effektivisering",
    "text.terms.innovation": "term_innovation",
}


def claim_values(facts: pd.DataFrame, shares: pd.DataFrame | None = None) -> dict[str, float]:
    """Claim id -> value: the balance index recomputed from the two published word totals,
    and (when ``shares`` is given) the transcribed inputs read back for the scorecard.

    Parameters
    ----------
    facts
        :func:`digimotor.sources.survey.load_strategy_facts`.
    shares
        :func:`digimotor.sources.survey.load_survey_shares`.
    """
    from ..metrics.strategy import balance_index

    by_fact = dict(zip(facts["fact_id"], facts["value"], strict=True))
    values = {
        "text.terms.bias_to_efficiency": balance_index(
            by_fact["term_effektivisering"], by_fact["term_innovation"]
        ),
    }
    for claim_id, fact_id in FACT_CLAIMS.items():
        values[claim_id] = float(by_fact[fact_id])
    if shares is not None:
        lookup = {(r.question_id, r.answer_option): float(r.share_pct) for r in shares.itertuples()}
        for claim_id, key in SHARE_CLAIMS.items():
            values[claim_id] = lookup[key]
    return values


def derive() -> dict[str, float]:
    """Recompute the derived survey claims from the published inputs."""
    from ..sources.survey import load_strategy_facts

    values = claim_values(load_strategy_facts())
    return {"text.terms.bias_to_efficiency": values["text.terms.bias_to_efficiency"]}
