"""From Kolada key figures to ``municipal_total_cost`` (the bridge into the TBM notebook, Figure 19).

The report divides central-IT cost by the municipality's total cost, *resultat och
avskrivningskostnad* (Figur 19). Kolada has no KPI with that definition. The nearest it comes:

    total cost (kr) = (N03013 Verksamhetens kostnader totalt, kr/inv
                       + N03012 Avskrivningar kommun, kr/inv) × N01951 Invånare totalt

What differs from the report's figure (shown on the TBM page, :data:`DIFFERENCE`):

* N03013 is the municipality's operating costs net of internal revenue and of sales to other
  municipalities and regions ("bruttokostnad minus interna intäkter …"), the *kommun*, not the
  municipal group (koncern), all forms of provision (samtlig regi);
* N03012 adds planned depreciation (and write-downs not classed as extraordinary);
* both are kronor per inhabitant on 31 December, so multiplying by N01951 gives back a total only
  to the rounding of the per-inhabitant figures;
* financial costs and the result line are not in it.

The definition recorded is ``kolada_gross_cost``, so ``metrics.tbm.definition_differs`` flags
every share computed from it as not comparable with the report's.
"""

from __future__ import annotations

import pandas as pd

from .. import labels
from ..errors import DigimotorError
from ..provenance import keeps_provenance

COST_KPI = "N03013"
DEPRECIATION_KPI = "N03012"
POPULATION_KPI = "N01951"
DEFINITION = "kolada_gross_cost"

DIFFERENCE = labels.by_lang("metrics_kolada_costs_texts.difference")


@keeps_provenance
def total_cost_from_kolada(costs: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """``municipal_total_cost``-shaped rows from Kolada's N03013, N03012 and N01951.

    Parameters
    ----------
    costs
        :func:`digimotor.sources.kolada.load_municipal_costs` holding the three KPIs
        (``digimotor fetch municipal_costs`` fetches them by default).
    year
        Keep one year; default all.

    Returns
    -------
    pandas.DataFrame
        ``municipality_code``, ``municipality``, ``year``, ``total_cost`` (kr), ``unit`` ("kr"),
        ``definition`` (:data:`DEFINITION`), ``population``, ``total_cost_sek``, and the three
        inputs ``cost_per_inhabitant``, ``depreciation_per_inhabitant``; one row per
        municipality and year that has all three KPIs.

    Raises
    ------
    DigimotorError
        If a KPI is missing altogether, or a municipality-year lacks one of the three (named).
    """
    frame = costs if year is None else costs[costs["year"] == year]
    present = set(frame["kpi"].astype(str))
    absent = [k for k in (COST_KPI, DEPRECIATION_KPI, POPULATION_KPI) if k not in present]
    if absent:
        raise DigimotorError(
            "the Kolada snapshot lacks " + ", ".join(absent) + " (needed for the total cost)",
            hint="fetch them: digimotor fetch municipal_costs --region <region> --years <year>")
    wide = frame.pivot_table(index=["municipality_code", "year"], columns="kpi", values="value", aggfunc="first")
    wide = wide.reindex(columns=[COST_KPI, DEPRECIATION_KPI, POPULATION_KPI])
    gaps = wide[wide.isna().any(axis=1)]
    if not gaps.empty:
        (code, gap_year), row = next(iter(gaps.iterrows()))
        lacking = [k for k in wide.columns if pd.isna(row[k])]
        raise DigimotorError(f"Kolada has no {', '.join(lacking)} for {code} in {gap_year}",
                             hint="deleted or null values are skipped when fetching; see the sidecar's skipped_values")
    wide = wide.reset_index()
    out = pd.DataFrame({
        "municipality_code": wide["municipality_code"].astype("string"),
        "year": wide["year"].astype("Int64"),
        "total_cost": (wide[COST_KPI] + wide[DEPRECIATION_KPI]) * wide[POPULATION_KPI],
        "unit": "kr",
        "definition": DEFINITION,
        "population": wide[POPULATION_KPI].round().astype("Int64"),
        "cost_per_inhabitant": wide[COST_KPI],
        "depreciation_per_inhabitant": wide[DEPRECIATION_KPI],
    })
    from ..regions import display_name

    out.insert(1, "municipality", out["municipality_code"].map(display_name).astype("string"))
    out["total_cost_sek"] = out["total_cost"].astype("float64")
    out["unit"] = pd.Categorical(out["unit"], categories=["kr", "tkr", "mnkr"])
    out["definition"] = pd.Categorical(out["definition"])
    provenance = dict(costs.attrs.get("provenance") or {})
    provenance["derived"] = f"({COST_KPI} + {DEPRECIATION_KPI}) × {POPULATION_KPI}, digimotor.metrics.kolada_costs"
    out.attrs["provenance"] = provenance
    return out.sort_values(["year", "municipality_code"], ignore_index=True)


def covers_ledger(total_cost: pd.DataFrame, ledger: pd.DataFrame) -> bool:
    """True if ``total_cost`` has every municipality the ledger's organisations serve (a synthetic
    ledger's pseudonyms are never in Kolada)."""
    from .tbm import served_municipalities

    served = {c for codes in served_municipalities(ledger)["municipality_codes"] for c in codes}
    return bool(served) and served <= set(total_cost["municipality_code"].astype(str))


NOT_USED = labels.by_lang("metrics_kolada_costs_texts.not_used")

_LABELS = labels.pairs("metrics_kolada_costs")


def table_labels(lang: str = "sv") -> dict[str, str]:
    """Column headers of :func:`total_cost_from_kolada`'s table in ``lang``."""
    return {k: v[labels.LANGS.index(lang)] for k, v in _LABELS.items()}
