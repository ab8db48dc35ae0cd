"""Re-test the report's five conclusions against a run's tables (issue 12, item 4).

The rules are registered in ``digimotor/reference/conclusions.yml`` (:func:`load_rules`): per
conclusion a measure, the table(s) and columns it reads, a relation and a threshold whose source
is a claim of the registry, or ``cannot_test`` with the reason. :func:`evaluate` is pure: it takes
the tables as DataFrames and returns one row per conclusion with a verdict:

* ``holds`` / ``no_longer_holds`` — the rule measured on public or user data;
* ``as_published`` — every row used is ``published`` (the report's transcribed inputs): the
  number is the report's own, so it re-tests nothing; ``rule_met`` still says how it reads;
* ``not_tested_example`` — any row used is ``synthetic``: example data test nothing;
* ``cannot_tell`` — a table or column is missing, there are no usable rows, or no rule can test
  the conclusion (``testable`` is False, the explanation says why).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import labels
from ..config import DATA_KINDS
from ..errors import DigimotorError
from ..numbers import decimal_comma
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd

RULES_FILE = Path(__file__).resolve().parent.parent / "reference" / "conclusions.yml"
VERDICTS = ("holds", "no_longer_holds", "as_published", "not_tested_example", "cannot_tell")
COLUMNS = ("conclusion", "number", "title_sv", "title_en", "verdict", "testable", "rule_met", "value", "relation",
           "threshold", "unit", "count", "n", "tables", "data_kinds", "threshold_claim",
           "explanation_sv", "explanation_en")
#: The pooled row of Figure 18 (``metrics.tbm.POOLED``).
POOLED = "all"
#: The total-cost definition of the report's Figure 19 (``model.tbm.REPORT_TOTAL_COST_DEFINITION``).
REPORT_DEFINITION = "result_and_depreciation"


def load_rules(path: Path | None = None) -> list[dict[str, Any]]:
    """The registered conclusion rules (``reference/conclusions.yml``), checked for completeness."""
    import yaml

    path = path or RULES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DigimotorError(f"{path}: cannot read the conclusion rules ({exc})") from exc
    rules = (data or {}).get("conclusions") or []
    for rule in rules:
        rid = rule.get("id", "?")
        if "cannot_test" in rule:
            if not all(rule["cannot_test"].get(k) for k in ("sv", "en")):
                raise DigimotorError(f"{path}: conclusion {rid}: cannot_test needs a reason in sv and en")
            continue
        missing = [k for k in ("measure", "tables", "relation", "threshold", "threshold_claim", "rule_sv", "rule_en")
                   if k not in rule]
        if missing:
            raise DigimotorError(f"{path}: conclusion {rid}: missing {', '.join(missing)}")
        if rule["measure"] not in MEASURES:
            raise DigimotorError(f"{path}: conclusion {rid}: unknown measure '{rule['measure']}'")
        if not isinstance(rule["tables"], dict) or len(rule["tables"]) != 1:
            raise DigimotorError(f"{path}: conclusion {rid}: tables must name exactly one table and its columns")
        if rule["relation"] not in (">", "<"):
            raise DigimotorError(f"{path}: conclusion {rid}: relation must be '>' or '<'")
    return rules


def read_tables(paths: Mapping[str, Path]) -> dict[str, pd.DataFrame]:
    """Read the CSV tables ``name -> path``; a file that is missing or unreadable is left out
    (:func:`evaluate` then says ``cannot_tell`` naming it)."""
    import pandas as pd

    tables = {}
    for name, path in paths.items():
        try:
            tables[name] = pd.read_csv(path, dtype={"municipality_code": str, "organisation": str})
        except (OSError, ValueError, pd.errors.ParserError):
            continue
    return tables


# ---------------------------------------------------------------------------------------
# Measures: table -> (value, count, n, rows used), or a reason why not
# ---------------------------------------------------------------------------------------


def _declining_share(table: pd.DataFrame) -> tuple[float, int | None, int, pd.DataFrame]:
    """Share (%) of municipalities with a negative change; the regional total row (no code) is left out."""
    import pandas as pd

    code = table["municipality_code"].astype("string").str.strip()
    rows = table[code.notna() & (code != "")]
    change = pd.to_numeric(rows["change"], errors="coerce")
    rows = rows[change.notna()]
    change = change[change.notna()]
    n = len(rows)
    count = int((change < 0).sum())
    return (100.0 * count / n if n else math.nan), count, n, rows


def _run_share(table: pd.DataFrame) -> tuple[float, int | None, int, pd.DataFrame]:
    """Pooled run share (%) of the cost with a work area: sum of run / sum of run + develop."""
    import pandas as pd

    orgs = table[table["organisation"].astype(str) != POOLED]
    rows = orgs if len(orgs) else table
    run = pd.to_numeric(rows["run_sek"], errors="coerce").sum()
    develop = pd.to_numeric(rows["develop_sek"], errors="coerce").sum()
    value = 100.0 * run / (run + develop) if run + develop > 0 else math.nan
    return value, None, len(orgs), rows


def _central_it_share_mean(table: pd.DataFrame) -> tuple[float, int | None, int, pd.DataFrame]:
    """Unweighted mean (%) of the IT organisations' central-IT shares (the report's definition
    of total cost where the table holds several)."""
    import pandas as pd

    rows = table
    if "definition" in table.columns and (table["definition"] == REPORT_DEFINITION).any():
        rows = table[table["definition"] == REPORT_DEFINITION]
    share = pd.to_numeric(rows["share_pct"], errors="coerce")
    rows = rows[share.notna()]
    share = share[share.notna()]
    return (float(share.mean()) if len(share) else math.nan), None, len(rows), rows


MEASURES = {
    "declining_share": _declining_share,
    "run_share": _run_share,
    "central_it_share_mean": _central_it_share_mean,
}


# ---------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------


def _num(value: float, decimals: int = 1, lang: str = "sv") -> str:
    text = f"{value:.{decimals}f}"
    return decimal_comma(text, lang)


def _describe(rule: Mapping[str, Any], value: float, count: int | None, n: int, lang: str) -> str:
    """The measured number in words, e.g. '8 av 14 kommuner minskar (57,1 %), regeln > 50 %'."""
    limit = f"{rule['relation']} {_num(float(rule['threshold']), 1, lang)} %"
    measure = rule["measure"]
    if measure == "declining_share":
        what = labels.label("metrics_conclusions.declining_share", lang, count=count, n=n,
                            value=_num(value, 1, lang))
    elif measure == "run_share":
        what = labels.label("metrics_conclusions.run_share", lang, n=n, value=_num(value, 1, lang))
    else:
        what = labels.label("metrics_conclusions.central_it_share", lang, n=n, value=_num(value, 2, lang))
    return f"{what}; {labels.label('metrics_conclusions_inline.rule', lang)} {limit}"


_PREFIX = labels.pairs("metrics_conclusions_prefix")


def _row(rule: Mapping[str, Any], **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(COLUMNS)
    row.update(conclusion=rule["id"], number=rule.get("number"), title_sv=rule.get("title_sv"),
               title_en=rule.get("title_en"),
               relation=rule.get("relation"), threshold=rule.get("threshold"), unit=rule.get("unit"),
               threshold_claim=rule.get("threshold_claim"), testable="cannot_test" not in rule,
               tables=";".join(rule.get("tables") or {}))
    row.update(values)
    return row


def evaluate_rule(rule: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """One conclusion's verdict row (see the module docstring)."""
    if "cannot_test" in rule:
        return _row(rule, verdict="cannot_tell", explanation_sv=rule["cannot_test"]["sv"].strip(),
                    explanation_en=rule["cannot_test"]["en"].strip())
    (name, columns), = rule["tables"].items()
    table = tables.get(name)
    if table is None:
        return _row(rule, verdict="cannot_tell", explanation_sv=f"Kan inte avgöras: tabellen {name} saknas i körningen.",
                    explanation_en=f"Cannot tell: the run has no table {name}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        cols = ", ".join(missing)
        return _row(rule, verdict="cannot_tell",
                    explanation_sv=f"Kan inte avgöras: tabellen {name} saknar kolumn(er) {cols}.",
                    explanation_en=f"Cannot tell: table {name} lacks column(s) {cols}.")
    value, count, n, rows = MEASURES[rule["measure"]](table)
    kinds = sorted({str(k) for k in rows["data_kind"].dropna()})
    row = _row(rule, value=value, count=count, n=n, data_kinds=";".join(kinds))
    if not n or math.isnan(value):
        return {**row, "verdict": "cannot_tell",
                "explanation_sv": f"Kan inte avgöras: tabellen {name} har inga rader att mäta.",
                "explanation_en": f"Cannot tell: table {name} has no rows to measure."}
    unknown = [k for k in kinds if k not in DATA_KINDS]
    if unknown or not kinds:
        what = ", ".join(unknown) or "–"
        return {**row, "verdict": "cannot_tell",
                "explanation_sv": f"Kan inte avgöras: okänd datatyp i {name} ({what}).",
                "explanation_en": f"Cannot tell: unknown data kind in {name} ({what})."}
    threshold = float(rule["threshold"])
    met = bool(value > threshold) if rule["relation"] == ">" else bool(value < threshold)
    if "synthetic" in kinds:
        verdict = "not_tested_example"
    elif kinds == ["published"]:
        verdict = "as_published"
    else:
        verdict = "holds" if met else "no_longer_holds"
    sv, en = _PREFIX[verdict]
    return {**row, "verdict": verdict, "rule_met": met,
            "explanation_sv": f"{sv}: {_describe(rule, value, count, n, 'sv')}.",
            "explanation_en": f"{en}: {_describe(rule, value, count, n, 'en')}."}


@keeps_provenance
def evaluate(tables: Mapping[str, pd.DataFrame], rules: Sequence[Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """The verdict of every registered conclusion on ``tables`` (name -> DataFrame).

    Returns
    -------
    pandas.DataFrame
        One row per conclusion, columns :data:`COLUMNS`: ``verdict`` (one of :data:`VERDICTS`),
        ``value``, ``relation`` and ``threshold`` (in ``unit``), ``count`` and ``n`` (e.g. 8 of 14
        municipalities), ``data_kinds`` of the rows used, ``rule_met`` (how the rule reads on the
        number, also where the verdict is not a test) and a one-line explanation in sv and en.
    """
    import pandas as pd

    rules = load_rules() if rules is None else rules
    frame = pd.DataFrame([evaluate_rule(rule, tables) for rule in rules], columns=list(COLUMNS))
    return frame.astype({"count": "Int64", "n": "Int64", "value": float, "threshold": float})


def required_tables(rules: Sequence[Mapping[str, Any]] | None = None) -> list[str]:
    """The names of the tables the rules read."""
    rules = load_rules() if rules is None else rules
    return [name for rule in rules for name in (rule.get("tables") or {})]
