"""Strategy documents: term counts per document and municipality, the efficiency–innovation
balance index, and totals of a strategy inventory.

The report counted how often the word "effektivisering" and the word "innovation" are named in
the municipalities' overall operational plans (62 against 7) and read it as a bias towards
efficiency (after Magnusson, Khisro & Lindroth's Sundsvall study). Here that is a method: the
terms are data (:func:`digimotor.sources.documents.load_term_sets`), exact words by default.

Pure functions; no I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..errors import DigimotorError
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd

CONCEPTS = ("efficiency", "innovation")
MATCHES = ("word", "prefix", "contains")
_WORD = re.compile(r"[^\W\d_]+")
_HYPHEN_BREAK = re.compile(r"([^\W\d_])-[ \t]*\r?\n\s*([^\W\d_])")


def words(text: str) -> list[str]:
    """The words of ``text`` in lower case (letters only, Swedish letters included).

    A word split over a line break with a hyphen ("effektivi-\\nsering", common in PDFs) is
    joined first.
    """
    joined = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _WORD.findall(joined.casefold())


def _select_terms(terms: pd.DataFrame, term_set: str) -> pd.DataFrame:
    chosen = terms[terms["term_set"] == term_set]
    if chosen.empty:
        raise DigimotorError(
            f"no terms in the term set '{term_set}'",
            hint="term sets: " + ", ".join(sorted(terms["term_set"].unique())),
        )
    bad = set(chosen["match"]) - set(MATCHES)
    if bad:
        raise DigimotorError(f"term match kind(s) {sorted(bad)} not in {', '.join(MATCHES)}")
    return chosen


def count_in_text(text: str, terms: pd.DataFrame) -> dict[str, int]:
    """Occurrences per concept of the ``terms`` (one term set) in ``text``.

    A word counts once per concept even if several patterns of that concept match it.
    """
    counts = Counter(words(text))
    out = {}
    for concept, group in terms.groupby("concept", sort=False):
        patterns = [(row.pattern.casefold(), row.match) for row in group.itertuples()]
        total = 0
        for word, n in counts.items():
            if any(
                (word == p) if m == "word" else word.startswith(p) if m == "prefix" else (p in word)
                for p, m in patterns
            ):
                total += n
        out[str(concept)] = total
    return out


@keeps_provenance
def count_terms(documents: pd.DataFrame, terms: pd.DataFrame, term_set: str = "exact") -> pd.DataFrame:
    """Count the terms of ``term_set`` in every document.

    Parameters
    ----------
    documents
        :func:`digimotor.sources.documents.read_documents`.
    terms
        :func:`digimotor.sources.documents.load_term_sets` (or a table with the same columns).
    term_set
        ``"exact"`` (the words the report counted) or ``"families"`` (word families), or your own.

    Returns
    -------
    pandas.DataFrame
        ``document, municipality_code, status, reason`` and one ``Int64`` column per concept
        (``efficiency``, ``innovation``); <NA> for documents whose text could not be read — a
        scan without a text layer is not a document without the words.
    """
    import pandas as pd

    chosen = _select_terms(terms, term_set)
    concepts = list(dict.fromkeys(chosen["concept"]))
    out = documents[["document", "municipality_code", "status", "reason"]].copy()
    values = {c: [] for c in concepts}
    for row in documents.itertuples():
        counts = count_in_text(row.text, chosen) if row.status == "ok" else {}
        for concept in concepts:
            values[concept].append(counts[concept] if row.status == "ok" else pd.NA)
    for concept in concepts:
        out[concept] = pd.array(values[concept], dtype="Int64")
    out.attrs["term_set"] = term_set
    return out


def balance_index(efficiency: float, innovation: float) -> float:
    """The efficiency–innovation balance index ``(E − I) / (E + I)``.

    +1: only efficiency is named; −1: only innovation; 0: both equally. NaN when neither is
    named (no evidence either way). The report's 62 against 7 gives 55/69 ≈ 0,80.

    Raises
    ------
    ValueError
        For negative counts.
    """
    if efficiency is None or innovation is None or _isnan(efficiency) or _isnan(innovation):
        return math.nan
    if efficiency < 0 or innovation < 0:
        raise ValueError("term counts cannot be negative")
    total = efficiency + innovation
    return math.nan if total == 0 else (efficiency - innovation) / total


def _isnan(value: object) -> bool:
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


@keeps_provenance
def with_balance(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``balance_index`` and ``innovation_share_pct`` (100·I/(E+I)) to a table of counts."""
    out = counts.copy()
    out["balance_index"] = [balance_index(e, i) for e, i in zip(out["efficiency"], out["innovation"], strict=True)]
    out["innovation_share_pct"] = [
        math.nan if math.isnan(b) else 100.0 * float(i) / (float(e) + float(i))
        for b, e, i in zip(out["balance_index"], out["efficiency"], out["innovation"], strict=True)
    ]
    return out


@keeps_provenance
def terms_by_municipality(counts: pd.DataFrame) -> pd.DataFrame:
    """Sum the term counts of each municipality's readable documents.

    Returns
    -------
    pandas.DataFrame
        ``municipality_code, documents, readable, efficiency, innovation, balance_index,
        innovation_share_pct``; a municipality none of whose documents could be read has
        <NA> counts, not zeros. Documents without a municipality are grouped under <NA>.
    """
    import pandas as pd

    rows = []
    for code, group in counts.groupby("municipality_code", dropna=False, sort=True):
        readable = group[group["status"] == "ok"]
        row = {"municipality_code": code, "documents": len(group), "readable": len(readable)}
        for concept in CONCEPTS:
            row[concept] = int(readable[concept].sum()) if len(readable) else pd.NA
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["municipality_code", "documents", "readable", *CONCEPTS])
    for concept in CONCEPTS:
        frame[concept] = frame[concept].astype("Int64")
    return with_balance(frame)


def total_counts(counts: pd.DataFrame) -> dict[str, int]:
    """Totals over all readable documents, as the report gives them (62 and 7)."""
    readable = counts[counts["status"] == "ok"]
    return {concept: int(readable[concept].sum()) for concept in CONCEPTS}


@keeps_provenance
def inventory_summary(inventory: pd.DataFrame) -> pd.DataFrame:
    """Totals of a strategy inventory, in the terms the report uses.

    Returns
    -------
    pandas.DataFrame
        One row per quantity: ``quantity``, ``count``, ``of`` (municipalities with an answer)
        — municipalities with a digital agenda; agendas referring to regional, national and EU
        strategies; municipalities with a data strategy and with a politically adopted one.
        Empty cells are not counted as "no": ``of`` says how many answered.
    """
    import pandas as pd

    agendas = inventory[inventory["digital_agenda"].fillna(False).astype(bool)]

    def tally(frame: pd.DataFrame, column: str) -> tuple[int, int]:
        known = frame[column].dropna()
        return int(known.astype(bool).sum()), int(len(known))

    rows = []
    for quantity, frame, column in (
        ("digital_agenda", inventory, "digital_agenda"),
        ("agenda_refers_regional", agendas, "refers_regional"),
        ("agenda_refers_national", agendas, "refers_national"),
        ("agenda_refers_eu", agendas, "refers_eu"),
        ("data_strategy", inventory, "data_strategy"),
        ("data_strategy_adopted", inventory, "data_strategy_adopted"),
    ):
        count, of = tally(frame, column)
        rows.append({"quantity": quantity, "count": count, "of": of})
    return pd.DataFrame(rows)


@keeps_provenance
def totals_from_facts(facts: pd.DataFrame, unit: str = "Fyrbodal") -> pd.DataFrame:
    """The report's two word totals as a one-row table with the balance index.

    Parameters
    ----------
    facts
        :func:`digimotor.sources.survey.load_strategy_facts` (``term_effektivisering``,
        ``term_innovation``).
    unit
        Label of the row.
    """
    import pandas as pd

    by_fact = dict(zip(facts["fact_id"], facts["value"], strict=True))
    frame = pd.DataFrame([{
        "unit": unit,
        "efficiency": int(by_fact["term_effektivisering"]),
        "innovation": int(by_fact["term_innovation"]),
    }])
    return with_balance(frame)
