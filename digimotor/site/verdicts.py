"""The index's conclusions section: the report's five conclusions re-tested on the run's tables.

The rules and the evaluator are :mod:`digimotor.metrics.conclusions`; this module finds the run's
region (the ``region`` parameter of the notebooks that ran) and the tables it wrote (their
manifests), and renders the verdicts. For Fyrbodal the verdicts stand under the report's five
conclusions; for another region they replace them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import labels
from ..config import project_root
from ..numbers import decimal_comma
from .frame import KIND_LABELS, LABELS, _findings_html, esc, label

if TYPE_CHECKING:
    import pandas as pd

FYRBODAL = "Fyrbodal"


def _region_codes(spec: object) -> tuple[str, frozenset[str]]:
    """(display name, municipality codes) of a region parameter; unresolvable: (the text, no codes)."""
    from ..errors import DigimotorError
    from ..regions import resolve_region

    try:
        region = resolve_region(spec if isinstance(spec, str) else list(spec))  # type: ignore[arg-type]
    except (DigimotorError, TypeError, ValueError):
        return str(spec), frozenset()
    return region.name, frozenset(region.codes)


def run_regions(summaries: Sequence[tuple[Path, Any]]) -> list[str]:
    """The regions that are not Fyrbodal among the ``region`` parameters of the notebooks that ran
    (given or default); an empty list means the run is Fyrbodal's."""
    from ..params import run_values

    fyrbodal = _region_codes(FYRBODAL)[1]
    others: list[str] = []
    for path, res in summaries:
        if res is None:
            continue
        values = run_values(path, res.parameters)
        if "region" not in values:
            continue
        name, codes = _region_codes(values["region"])
        same = codes == fyrbodal if codes else name.strip().casefold() == FYRBODAL.casefold()
        if not same and name not in others:
            others.append(name)
    return others


def conclusion_verdicts(summaries: Sequence[tuple[Path, Any]]) -> pd.DataFrame | None:
    """The verdicts of the report's conclusions (:mod:`digimotor.metrics.conclusions`) on the tables
    this run's notebooks wrote (their manifests); a table the run did not write counts as missing.
    None if the rules cannot be read."""
    from ..errors import DigimotorError
    from ..metrics import conclusions

    try:
        rules = conclusions.load_rules()
    except DigimotorError:
        return None
    wanted = set(conclusions.required_tables(rules))
    root = project_root()
    paths: dict[str, Path] = {}
    for _path, res in summaries:
        for entry in (res.manifest if res is not None else []):
            if entry.get("entry") == "table" and entry.get("name") in wanted and entry.get("path"):
                paths[entry["name"]] = root / entry["path"]
    return conclusions.evaluate(conclusions.read_tables(paths), rules)


def _verdicts_html(verdicts: pd.DataFrame | None, lang: str = "sv") -> str:
    if verdicts is None:
        return "<p>–</p>"
    import pandas as pd

    def given(value: object) -> bool:
        return value is not None and not pd.isna(value)

    pct = {True: " %", False: ""}
    rows = []
    for r in verdicts.to_dict("records"):
        unit = pct[r["unit"] == "pct"]
        value = f"{r['value']:.2f}{unit}" if given(r["value"]) else "–"
        value = decimal_comma(value, lang)
        if given(r["count"]) and given(r["n"]):
            value += f" ({int(r['count'])}/{int(r['n'])})"
        testable = bool(r["testable"]) and given(r["threshold"])
        rule = f"{r['relation']} {r['threshold']:g}{unit}" if testable else "–"
        rule = decimal_comma(rule, lang)
        source = f' <span class="dm-source">({esc(r["threshold_claim"])})</span>' if testable else ""
        kinds = ", ".join(KIND_LABELS.get(k, {}).get(lang, k)
                          for k in str(r["data_kinds"] if given(r["data_kinds"]) else "").split(";") if k)
        title = r[labels.column("title", lang)]
        explanation = r[labels.column("explanation", lang)]
        verdict = str(r["verdict"])
        name = label(f"verdict.{verdict}", lang) if f"verdict.{verdict}" in LABELS else verdict
        rows.append(
            f'<tr class="dm-verdict-{esc(verdict)}"><td>{esc(r["number"])}. {esc(title)}</td>'
            f"<td><strong>{esc(name)}</strong></td><td>{esc(value)}</td>"
            f"<td>{esc(rule)}{source}</td><td>{esc(kinds or '–')}</td><td>{esc(explanation)}</td></tr>"
        )
    head = "".join(f"<th>{esc(label(k, lang))}</th>" for k in ("conclusion", "verdict", "value", "rule", "kind",
                                                              "explanation"))
    return (f"<p>{esc(label('retest.intro', lang))}</p>"
            f'<table class="dm-table dm-verdicts"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            '</table><p><a href="conclusions.csv">conclusions.csv</a></p>')


def findings_section(verdicts: pd.DataFrame | None, regions: Sequence[str], lang: str = "sv") -> str:
    """The index's conclusions section: Fyrbodal's five conclusions with their verdicts below, or,
    for another region, the verdicts instead of Fyrbodal's conclusions."""
    if regions:
        where = ", ".join(regions)
        return (f'<section id="conclusions"><h2>{esc(label("retest.region", lang))} {esc(where)}</h2>'
                f'<p>{esc(label("retest.instead", lang))}</p>{_verdicts_html(verdicts, lang)}</section>')
    return (f'<section id="conclusions"><h2>{esc(label("findings", lang))}</h2>{_findings_html(lang)}'
            f'<h3 id="retest">{esc(label("retest", lang))}</h3>{_verdicts_html(verdicts, lang)}</section>')
