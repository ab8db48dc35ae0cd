"""Surveys of how IT supports the operations (report Figures 20–23) and the strategy inventory.

Datasets declared here
----------------------
``survey``
    Microdata: one row per respondent × question, answers on the question's scale or
    "don't know". The study's own answers are not public; ``source="synthetic"`` is a seeded
    example under pseudonyms, a user brings a real export in with ``digimotor import survey``.
``strategy_inventory``
    One row per municipality: digital agenda yes/no and year, references to regional,
    national and EU strategies, data strategy yes/no. A **user dataset only**: the report gives
    totals, not the per-municipality table, and no example is invented
    (``digimotor template strategy_inventory`` writes the form).
``survey_shares`` (published)
    The shares of Figures 20–23 that the report's *text* states, transcribed with seed lines.
    Values that only the pie charts carry are not transcribed (see the claims registry).
``survey_strategy_facts`` (published)
    The totals of the strategy-document review and the development-budget statement.

The question catalogue (the study's four questions with their answer scales) is
:data:`digimotor.model.survey.QUESTIONS`. Other questions may be imported by giving their
number of scale points in ``scale_points``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..conform import Problems, parse_number
from ..model.survey import DONT_KNOW, DONT_KNOW_TEXTS, QUESTIONS, RESPONDENT_GROUPS, Question
from ..schema import Column, DatasetSpec
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

def question_catalogue(lang: str = "sv") -> pd.DataFrame:
    """The question catalogue as a table (one row per question); a reference table (no data)."""
    import pandas as pd

    from ..provenance import REFERENCE_KIND, tag

    return tag(pd.DataFrame(
        [
            {"question_id": q.question_id, "figure": q.figure, "respondent_group": q.respondent_group,
             "question": q.text[lang], "scale": " | ".join(q.label(o, lang) for o in q.options) + " | "
             + q.label(DONT_KNOW, lang), "note": q.note}
            for q in QUESTIONS.values()
        ]
    ), REFERENCE_KIND, "default", path="digimotor/model/survey.py (QUESTIONS)")


# ---------------------------------------------------------------------------------------
# Normalisation of answers
# ---------------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^(\d+)\s*[-–—:.]?\s*(.*)$")


def _key(text: str) -> str:
    """Case, diacritics and spacing folded; dashes kept (a lone "-" means "don't know")."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().replace("_", " ")
    text = re.sub(r"\s*[-–—]\s*", lambda m: m.group(0).strip() or "-", text)
    return " ".join(text.split()).rstrip(".")


def is_dont_know(value: object) -> bool:
    """True for "don't know" written any of the accepted ways (vet ej, Vet ej, VET EJ, -, …)."""
    if value is None:
        return False
    text = str(value).strip()
    return text in DONT_KNOW_TEXTS or _key(text) in {_key(t) for t in DONT_KNOW_TEXTS}


def normalise_answer(value: object, question: Question | None, scale_points: int | None = None) -> str:
    """Return the canonical answer: a scale position ``"1"``…``"k"``, an option key, or ``"dont_know"``.

    Parameters
    ----------
    value
        The cell as written: a number, an option's text ("Bra", "6 – Instämmer helt"), or
        "don't know" in any accepted spelling.
    question
        The catalogue question, or ``None`` for a question outside the catalogue (then
        ``scale_points`` says how many points its numeric scale has).

    Raises
    ------
    ValueError
        If the answer is outside the scale, not a whole point, or cannot be read
        unambiguously (the message lists what is accepted).
    """
    if question is None and not scale_points:
        raise ValueError("unknown question and no scale_points given")
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError("the answer is missing")
    if is_dont_know(text):
        return DONT_KNOW
    points = question.points if question is not None else int(scale_points or 0)
    numeric = question.numeric if question is not None else True
    accepted = (
        f"1–{points} or 'vet ej'" if numeric
        else ", ".join(question.options) + " (or their Swedish texts) or 'vet ej'"  # type: ignore[union-attr]
    )
    if question is not None:
        by_text = {}
        for option in question.options:
            by_text[_key(option)] = option
            for lang in ("sv", "en"):
                by_text[_key(question.labels[option][lang])] = option
        key = _key(text)
        if key in by_text:
            return by_text[key]
        starting = {o for o in question.options for lang in ("sv", "en")
                    if _key(question.labels[o][lang]).startswith(key + " ")}
        if key and len(starting) == 1:  # "Bra" for "Bra kännedom"
            return starting.pop()
        match = _LEADING_NUMBER.match(text)
        if numeric and match and re.search(r"[^\W\d_]", match.group(2)):  # "6 - Instämmer helt"
            number, rest = int(match.group(1)), _key(match.group(2)).strip("() ")
            if 1 <= number <= points and any(
                rest and rest in _key(question.labels[str(number)][lang]) for lang in ("sv", "en")
            ):
                return str(number)
            raise ValueError(f"'{text}' does not match a point of the scale; use {accepted}")
    if not numeric:
        raise ValueError(f"'{text}' is not an answer to this question; use {accepted}")
    try:
        number = parse_number(text)
    except ValueError:
        raise ValueError(f"'{text}' is not an answer on the scale; use {accepted}") from None
    if number is None:
        raise ValueError(f"the answer is missing; use {accepted}")
    if number != int(number):
        raise ValueError(f"{text} is not a whole point of the scale; use {accepted}")
    if not 1 <= number <= points:
        raise ValueError(f"{text} is outside the scale 1–{points}; use {accepted}")
    return str(int(number))


def normalise_group(value: object) -> str:
    """Return the canonical respondent group (``department_head``, ``it_chief``, ``other``)."""
    key = _key(str(value))
    for group, texts in RESPONDENT_GROUPS.items():
        if key in {_key(t) for t in texts}:
            return group
    raise ValueError(f"'{value}' is not a respondent group; use one of: {', '.join(RESPONDENT_GROUPS)}")


def _check_survey(frame: pd.DataFrame, file: str) -> None:
    """Normalise answers and respondent groups in place; report every problem of the file at once."""
    from ..schema import ROW

    problems = Problems(file)
    answers, groups = [], []
    for number, row in zip(frame[ROW].astype(int), frame.itertuples(index=False), strict=True):
        question = QUESTIONS.get(row.question_id)
        points = None if row.scale_points is None or row.scale_points != row.scale_points else int(row.scale_points)
        if question is None and points is None:
            problems.add(int(number), "question_id",
                         f"question '{row.question_id}' is not in the catalogue and the row gives no scale_points",
                         "known questions: " + ", ".join(QUESTIONS) + "; or give scale_points for your own question")
        elif question is not None and points is not None and points != question.points:
            problems.add(int(number), "scale_points",
                         f"scale_points {points} contradicts question {question.question_id}, which has {question.points}",
                         "leave scale_points empty for the catalogue's questions")
        try:
            answers.append(normalise_answer(row.answer, question, points))
        except ValueError as exc:
            answers.append(None)
            if question is not None or points is not None:
                problems.add(int(number), "answer", str(exc))
        try:
            groups.append(normalise_group(row.respondent_group))
        except ValueError as exc:
            groups.append(None)
            problems.add(int(number), "respondent_group", str(exc))
    frame["answer"] = answers
    frame["respondent_group"] = groups
    key = frame[["year", "respondent_id", "question_id"]].astype("string").fillna("")
    duplicated = key.duplicated(keep="first")
    for index in frame.index[duplicated]:
        same = (key == key.loc[index]).all(axis=1)
        problems.add(int(frame.at[index, ROW]), "respondent_id, question_id",
                     f"duplicates row {int(frame.loc[same, ROW].iloc[0])} (same year, respondent_id and question_id)",
                     "one answer per respondent and question (and year)")
    for column in ("municipality_code", "respondent_group"):
        per_respondent = frame.groupby(["respondent_id"], dropna=False)[column].nunique(dropna=False)
        for rid in per_respondent[per_respondent > 1].index:
            rows = frame.loc[frame["respondent_id"] == rid, ROW].tolist()
            problems.add(int(rows[-1]), column,
                         f"respondent '{rid}' has more than one {column} (rows {', '.join(map(str, rows))})",
                         f"give the respondent one {column} on all rows")
    problems.raise_if_any()


SURVEY = register(
    DatasetSpec(
        name="survey",
        title="Survey answers: one row per respondent and question",
        description=(
            "Answers of department heads (förvaltningschefer) and IT chiefs to the questions of the "
            "report's Figures 20–23, or to your own questions. 'answer' is a point of the scale "
            "(1–k), an option's text, or 'vet ej' (also Vet ej, VET EJ, vet inte, -, don't know). "
            "Questions: " + ", ".join(QUESTIONS) + "; a question outside the catalogue needs scale_points."
        ),
        columns=(
            Column("municipality_code", "municipality", "the respondent's municipality (name or SCB code)",
                   aliases=("kommun", "kommunkod", "municipality"), example="Uddevalla"),
            Column("respondent_id", "str", "an id of the respondent (no names needed)",
                   aliases=("respondent", "respondent id", "svarande", "id"), example="r001"),
            Column("respondent_group", "str", "department_head (förvaltningschef), it_chief (IT-chef) or other",
                   aliases=("grupp", "respondentgrupp", "roll", "group"), example="förvaltningschef"),
            Column("question_id", "str", "question id from the catalogue (or your own, with scale_points)",
                   aliases=("fråga", "fraga", "question"), example="fig21_it_knows_ways_of_working"),
            Column("answer", "str", "point on the scale, option text, or 'vet ej'",
                   aliases=("svar", "value", "värde"), example="4"),
            Column("scale_points", "int", "number of scale points, for questions outside the catalogue",
                   required=False, min=2, max=11, aliases=("skalsteg", "skala", "scale")),
            Column("year", "year", "year of the survey", required=False, aliases=("år", "ar"), example=2021),
        ),
        # one row per (year, respondent, question): checked in _check_survey, because year is
        # optional and the generic key check compares empty cells as different
        check=_check_survey,
    )
)


def _check_inventory(frame: pd.DataFrame, file: str) -> None:
    from ..schema import ROW

    def flagged(value: object) -> bool:
        return value is True

    problems = Problems(file)
    for number, row in zip(frame[ROW].astype(int), frame.itertuples(index=False), strict=True):
        if not flagged(row.digital_agenda):
            for column in ("agenda_year", "refers_regional", "refers_national", "refers_eu"):
                value = getattr(row, column)
                if value is not None and value == value and value is not False:
                    problems.add(int(number), column, f"{column} is filled in but digital_agenda is 'nej'",
                                 "set digital_agenda to 'ja' or empty the column")
        if flagged(row.data_strategy_adopted) and not flagged(row.data_strategy):
            problems.add(int(number), "data_strategy_adopted", "data_strategy_adopted is 'ja' but data_strategy is 'nej'",
                         "set data_strategy to 'ja' or data_strategy_adopted to 'nej'")
    problems.raise_if_any()


STRATEGY_INVENTORY = register(
    DatasetSpec(
        name="strategy_inventory",
        title="Strategy documents per municipality: digital agenda, strategy references, data strategy",
        description=(
            "One row per municipality, filled in from the municipality's register (diarium) or web site. "
            "The report gives totals only (digital agendas for 10 of 14 municipalities, two referring to "
            "Västra Götaland's strategies, no politically adopted data strategy); this table is yours to "
            "fill in. Leave a cell empty when you do not know."
        ),
        columns=(
            Column("municipality_code", "municipality", "municipality (name or SCB code)",
                   aliases=("kommun", "kommunkod", "municipality"), example="Uddevalla"),
            Column("digital_agenda", "bool", "has a digital agenda (ja/nej)",
                   aliases=("digital agenda", "digitalagenda", "agenda"), example="ja"),
            Column("agenda_year", "year", "year the agenda was adopted", required=False,
                   aliases=("år", "antagen", "agenda år", "year"), example=2019),
            Column("refers_regional", "bool", "the agenda refers to regional (Västra Götaland) strategies",
                   required=False, aliases=("regional", "hänvisar region", "region"), example="nej"),
            Column("refers_national", "bool", "the agenda refers to national strategies (government, SKR)",
                   required=False, aliases=("nationell", "hänvisar nationell", "national"), example="ja"),
            Column("refers_eu", "bool", "the agenda refers to EU strategies", required=False,
                   aliases=("eu", "hänvisar eu"), example="ja"),
            Column("data_strategy", "bool", "has a data strategy (any status)",
                   aliases=("datastrategi", "data strategy"), example="nej"),
            Column("data_strategy_adopted", "bool", "the data strategy is politically adopted", required=False,
                   aliases=("datastrategi antagen", "politiskt antagen", "adopted"), example="nej"),
            Column("document", "str", "title, register number or address of the agenda", required=False,
                   aliases=("dokument", "källa", "kalla", "source"), example="Digital agenda 2019–2022"),
            Column("note", "str", "free text", required=False, aliases=("kommentar", "anteckning")),
        ),
        key=("municipality_code",),
        check=_check_inventory,
    )
)

SURVEY_SHARES = register(
    DatasetSpec(
        name="survey_shares",
        title="Shares of survey answers that the report's text states (Figures 20–23)",
        description=(
            "Transcribed from the text around the pie charts of Figures 20–22; Figure 23's shares are "
            "on the chart only and are not transcribed. 'answer_option' is a point of the question's "
            "scale, an option key, or a range of points ('4-5') when the text groups them; 'relation' "
            "is '>' when the text says 'more than'."
        ),
        columns=(
            Column("question_id", "str", "question id (see digimotor.model.survey.QUESTIONS)"),
            Column("answer_option", "str", "option key, scale point or range of points"),
            Column("share_pct", "float", "share of respondents", unit="pct", min=0, max=100),
            Column("relation", "category", "how the text states the share", allowed=("=", ">", "<")),
            Column("decimals", "int", "decimals printed", min=0, max=2),
            Column("seed_line", "str", "line in the OCR text of the report"),
            Column("raw_text", "str", "the OCR text, verbatim"),
        ),
        key=("question_id", "answer_option"),
    )
)

SURVEY_STRATEGY_FACTS = register(
    DatasetSpec(
        name="survey_strategy_facts",
        title="Totals of the report's strategy-document review and the development-budget statement",
        description=(
            "Counts the report states in the text (section 3.3.2): digital agendas found, agendas "
            "referring to Västra Götaland's strategies, politically adopted data strategies, and how often "
            "the operational plans name 'effektivisering' and 'innovation'; and the share of the investment "
            "budget spent on development (unreadable in the OCR: value empty, raw text kept)."
        ),
        columns=(
            Column("fact_id", "str", "identifier"),
            Column("description", "str", "what is stated"),
            Column("value", "float", "the value, empty when unreadable", required=False),
            Column("unit", "str", "count, pct …"),
            Column("readable", "bool", "false when the OCR text cannot be read unambiguously"),
            Column("seed_line", "str", "line(s) in the OCR text"),
            Column("raw_text", "str", "the OCR text, verbatim"),
        ),
        key=("fact_id",),
    )
)


def load_survey(source: str = "synthetic") -> pd.DataFrame:
    """Survey answers, one row per respondent × question.

    ==================  =========  ===================================================
    column              dtype      meaning
    ==================  =========  ===================================================
    municipality_code   string     SCB code, or a pseudonym ("Kommun 01") in synthetic data
    municipality        string     name (or the pseudonym)
    respondent_id       string     respondent
    respondent_group    string     department_head, it_chief or other
    question_id         string     question (catalogue id or the user's own)
    answer              string     "1"…"k", an option key (Figure 20) or "dont_know"
    scale_points        Int64      points of the scale (filled from the catalogue)
    year                Int64      survey year (may be empty)
    position            Int64      position of the answer on the scale; <NA> for "don't know"
    dont_know           boolean    the answer is "don't know"
    ==================  =========  ===================================================

    Parameters
    ----------
    source
        ``"synthetic"`` (seeded example under pseudonyms) or an imported snapshot's name.
    """
    import pandas as pd

    from ..regions import display_name

    frame = load("survey", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    catalogue_points = frame["question_id"].map({k: q.points for k, q in QUESTIONS.items()})
    frame["scale_points"] = frame["scale_points"].fillna(catalogue_points.astype("Int64")).astype("Int64")

    def position(row) -> object:
        if row.answer == DONT_KNOW:
            return pd.NA
        question = QUESTIONS.get(row.question_id)
        if question is not None and not question.numeric:
            return question.options.index(row.answer) + 1
        return int(row.answer)

    frame["position"] = pd.array([position(r) for r in frame.itertuples()], dtype="Int64")
    frame["dont_know"] = (frame["answer"] == DONT_KNOW).astype("boolean")
    return frame


def load_strategy_inventory(source: str) -> pd.DataFrame:
    """Strategy documents per municipality (a user dataset; there is no shipped snapshot).

    ======================  =========  =============================================
    column                  dtype      meaning
    ======================  =========  =============================================
    municipality_code       string     SCB code
    municipality            string     name
    digital_agenda          boolean    has a digital agenda
    agenda_year             Int64      year adopted
    refers_regional         boolean    refers to Västra Götaland's strategies
    refers_national         boolean    refers to national strategies
    refers_eu               boolean    refers to EU strategies
    data_strategy           boolean    has a data strategy
    data_strategy_adopted   boolean    politically adopted
    document, note          string     free text
    ======================  =========  =============================================
    """
    from ..regions import display_name

    frame = load("strategy_inventory", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame


def load_survey_shares() -> pd.DataFrame:
    """The shares of Figures 20–22 stated in the report's text (kind published).

    Columns: ``question_id``, ``answer_option``, ``share_pct``, ``relation``, ``decimals``,
    ``seed_line``, ``raw_text``, plus ``figure`` from the question catalogue.
    """
    frame = load("survey_shares", "published")
    frame.insert(0, "figure", frame["question_id"].map(lambda q: QUESTIONS[q].figure).astype("string"))
    return frame


def load_strategy_facts() -> pd.DataFrame:
    """Totals of the strategy-document review as the report's text states them (kind published).

    Columns: ``fact_id``, ``description``, ``value`` (NaN when unreadable), ``unit``,
    ``readable``, ``seed_line``, ``raw_text``.
    """
    return load("survey_strategy_facts", "published")
