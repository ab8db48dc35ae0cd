"""DiMiOS claims (report Figures 9–13 and the text around them).

*Derived* claims are recomputed from published inputs: the Fyrbodal average's type and its
maturity level from Figure 9's six area means, respondents per municipality from the
counts, Figure 13's shares from "four of ten". *Calibrated* claims are what the synthetic
example was built to agree with (:func:`calibrated_values`); they are shown, never evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def claim_values(areas: pd.DataFrame, facts: pd.DataFrame, *, split: float = 3.5,
                 formula: str = "mean/6") -> dict[str, float]:
    """Claim id -> value for the derived claims, from Figure 9 and the chapter's facts.

    Parameters
    ----------
    areas
        :func:`digimotor.sources.dimios.load_dimios_areas` (published).
    facts
        :func:`digimotor.sources.dimios.load_dimios_facts` (published).
    split, formula
        The typology split and the maturity formula (documented defaults 3.5 and mean/6).
    """
    from ..metrics import dimios as metrics
    from ..model.dimios import TYPE_CODE
    from ..sources.dimios import fact

    summary = metrics.summarise_published(areas, split=split).set_index("profile")
    mean = summary.loc["mean"]
    level = metrics.maturity_level(mean["capability"], mean["legacy"], formula)
    established = fact(facts, "infosec_established_count")
    asked = fact(facts, "infosec_respondents")
    return {
        "fig11.fyrbodal_mean.type": float(TYPE_CODE[mean["dimios_type"]]),
        "text.fyrbodal.maturity_above_national": float(level),
        "text.dimios.respondents_per_municipality": fact(facts, "respondents") / fact(facts, "municipalities_surveyed"),
        "fig13.yes.pct": 100 * established / asked,
        "fig13.no.pct": 100 * (asked - established) / asked,
    }


def calibrated_values(respondents: pd.DataFrame, municipalities: pd.DataFrame, *, split: float = 3.5,
                      aggregation: str = "municipality") -> dict[str, float]:
    """The values the synthetic example was calibrated to, computed from its microdata (not evidence)."""
    from ..metrics import dimios as metrics
    from ..model.dimios import TYPE_CODE

    summary = metrics.area_summary(respondents, municipalities, aggregation).set_index("area")
    values: dict[str, float] = {}
    for area, row in summary.iterrows():
        for stat in ("lowest", "highest", "mean"):
            values[f"synthetic.fig09.{area}.{stat}"] = float(row[stat])
    average = metrics.dimension_scores(summary[["mean"]].T).iloc[0]
    counts = metrics.type_counts(municipalities)
    in_2020 = municipalities[municipalities["year"] == 2020]
    values.update({
        "synthetic.fig11.fyrbodal_mean.type": float(
            TYPE_CODE[metrics.dimios_type(average["capability"], average["legacy"], split)]),
        "synthetic.fig11.n_type_a": float(counts["A"]),
        "synthetic.fig11.n_type_d": float(counts["D"]),
        "synthetic.text.constraining_legacy_count": float((municipalities["legacy"] < split).sum()),
        "synthetic.text.respondents": float(in_2020["n_respondents"].sum()),
        "synthetic.text.municipalities_surveyed": float(len(in_2020)),
    })
    return values


def derive() -> dict[str, float]:
    """Recompute the derived DiMiOS claims from the published Figure 9 and the chapter's counts."""
    from ..sources.dimios import load_dimios_areas, load_dimios_facts

    return claim_values(load_dimios_areas("published"), load_dimios_facts("published"))
