"""DiMiOS digital maturity (report section on digital maturity, Figures 9–13).

Datasets declared here
----------------------
``dimios``
    Microdata: one row per respondent × area (× item, optional) with a score 1–6. The
    study's own answers are not public; ``source="synthetic"`` is a seeded example under
    pseudonyms (``digimotor synthetic --only dimios``); a user brings a real export in with
    ``digimotor import dimios <file>`` (``digimotor template dimios`` writes the form).
``dimios_areas`` (published)
    Figure 9: the lowest, highest and mean self-assessed score of each of the six areas.
``dimios_statements`` (published)
    The survey statements the text quotes with their mean and standard deviation.
``dimios_facts`` (published)
    Respondent counts, the national level (47 %) and the information-security results of
    Figures 12–13 as far as the text states them; unreadable values are kept empty with
    their OCR text.

The vocabulary (areas, dimensions, the score scale) is :mod:`digimotor.model.dimios`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..conform import Problems, parse_number
from ..errors import DigimotorError, InputFileError
from ..model.dimios import AREA_BY_TEXT, AREAS, DIMENSIONS, SCORE_MAX, SCORE_MIN
from ..regions import fold
from ..schema import Column, DatasetSpec
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

_AREA_ALLOWED = (
    *(sv for sv, _en, _d in AREAS.values()),
    *(area for area, (sv, _en, _d) in AREAS.items() if fold(area) != fold(sv)),
)


def _score_reader(path, spec: DatasetSpec, sheet: str | None = None, **_options):
    """Read the raw cells and check the score column first, naming the allowed values.

    :func:`~digimotor.conform.conform` reports a non-number without saying what is
    allowed; for a survey score the message should say "1–6".
    """
    from ..schema import ROW, header_matcher
    from .files import read_rows

    raw = read_rows(path, is_header=header_matcher(spec), sheet=sheet)
    keys = spec.column("score").header_keys()
    header = next((h for h in raw.columns if h != ROW and fold(h) in keys), None)
    if header is None:
        return raw  # conform reports the missing column
    allowed = f"allowed: a number from {SCORE_MIN:g} to {SCORE_MAX:g} (1 = instämmer inte alls, 6 = instämmer helt)"
    for row_number, value in zip(raw[ROW], raw[header], strict=True):
        try:
            number = parse_number(value)
        except ValueError:
            raise InputFileError(f"'{value}' is not a score; {allowed}", file=str(path),
                                 row=int(row_number), column=header) from None
        if number is not None and not SCORE_MIN <= number <= SCORE_MAX:
            raise InputFileError(f"{value} is outside the DiMiOS scale; {allowed}", file=str(path),
                                 row=int(row_number), column=header)
    return raw


#: What identifies a row. ``item`` is optional (missing = one row per area), so duplicates
#: are found here with missing values compared as equal, not through ``DatasetSpec.key``.
ROW_KEY = ("year", "municipality_code", "respondent", "area", "item")


def check_dimios(frame: pd.DataFrame, file: str) -> None:
    """Dataset rules beyond the column types.

    * no duplicated rows (same year, municipality, respondent, area and item; an area written
      in Swedish or as its id is the same area);
    * every respondent answers all six areas.

    Raises
    ------
    InputFileError
        Naming the file, the row (the duplicate, or the respondent's first row), the column
        and what is allowed.
    """
    from ..schema import ROW

    problems = Problems(file)
    areas = frame["area"].map(lambda text: AREA_BY_TEXT[fold(text)])
    identity = frame[list(ROW_KEY)].assign(area=areas).astype(str)
    duplicated = identity.duplicated(keep=False)
    if duplicated.any():
        rows = frame.loc[duplicated, ROW]
        groups = identity[duplicated].groupby(list(ROW_KEY), sort=False, dropna=False).ngroup()
        first_of = rows.groupby(groups.to_numpy()).transform("min")
        repeat = rows[rows != first_of]
        for index in repeat.index:
            problems.add(int(repeat[index]), ", ".join(ROW_KEY),
                         f"duplicates row {int(first_of[index])} (same {', '.join(ROW_KEY)})",
                         "one row per respondent and area (and item); remove or merge the duplicated rows")
    keys = ["year", "municipality_code", "respondent"]
    seen = areas.groupby([frame[k] for k in keys], sort=False).agg(set)
    first_row = frame.groupby(keys, sort=False)[ROW].min()
    for key, present in seen.items():
        missing = [a for a in AREAS if a not in present]
        if missing:
            year, code, respondent = key
            problems.add(int(first_row.loc[key]), "area",
                         f"respondent '{respondent}' ({code}, {year}) has no score for the area(s) "
                         + ", ".join(AREAS[a][0] for a in missing),
                         "every respondent needs all six areas: " + ", ".join(v[0] for v in AREAS.values()))
    problems.raise_if_any()


DIMIOS = register(
    DatasetSpec(
        name="dimios",
        title="DiMiOS digital-maturity survey answers (respondent level)",
        description=(
            "One row per respondent and area, or per respondent and item when 'item' is given. "
            "Scores are on the DiMiOS scale 1–6; an area's score for a respondent is the mean "
            "of its items. Every respondent must have all six areas (Effektivitet, Innovation, "
            "Balansering = digital förmåga; Teknik, Användare, Organisation = digitalt arv). "
            "Municipalities are names or SCB codes. One row per year, municipality, respondent, "
            "area and item; duplicates are an error."
        ),
        columns=(
            Column("year", "year", "year of the measurement", aliases=("år", "ar", "mätår", "matar"),
                   example=2020),
            Column("municipality_code", "municipality", "municipality (name or SCB code)",
                   aliases=("kommun", "kommunkod", "municipality", "organisation_name", "org"),
                   example="Vänersborg"),
            Column("respondent", "str", "respondent id, unique within municipality and year",
                   aliases=("respondent_id", "svarande", "respondent-id", "id"), example="R1"),
            Column("role", "str", "the respondent's role (e.g. förvaltningschef)", required=False,
                   aliases=("roll", "befattning", "respondent_role"), example="Förvaltningschef"),
            Column("area", "category", "DiMiOS area", allowed=_AREA_ALLOWED,
                   aliases=("område", "omrade", "kategori", "category"), example="Effektivitet"),
            Column("item", "str", "item (statement) id within the area", required=False,
                   aliases=("item_id", "fråga", "fraga", "påstående", "pastaende", "question"),
                   example="EFF1"),
            Column("score", "float", "the answer on the scale 1–6", unit="score 1–6",
                   min=SCORE_MIN, max=SCORE_MAX,
                   aliases=("poäng", "poang", "värde", "varde", "svar", "value", "answer"), example=4),
        ),
        check=check_dimios,
        reader=_score_reader,
    )
)

DIMIOS_AREAS = register(
    DatasetSpec(
        name="dimios_areas",
        title="DiMiOS: lowest, highest and mean self-assessed score per area (report Figure 9)",
        description="One row per area; scores on the DiMiOS scale 1–6 across the participating municipalities.",
        columns=(
            Column("area", "category", "DiMiOS area id", allowed=tuple(AREAS)),
            Column("lowest", "float", "lowest value", unit="score 1–6", min=1, max=6),
            Column("highest", "float", "highest value", unit="score 1–6", min=1, max=6),
            Column("mean", "float", "mean value ('Snitt')", unit="score 1–6", min=1, max=6),
        ),
        key=("area",),
    )
)

DIMIOS_STATEMENTS = register(
    DatasetSpec(
        name="dimios_statements",
        title="DiMiOS survey statements quoted in the report with mean and standard deviation",
        description="One row per statement; answers 1 (does not agree at all) to 6 (agrees fully).",
        columns=(
            Column("statement_id", "str", "short id"),
            Column("statement_sv", "str", "the statement in Swedish (restored from the OCR text)"),
            Column("mean", "float", "mean answer", unit="score 1–6", min=1, max=6),
            Column("sd", "float", "standard deviation; empty where the OCR text is unreadable",
                   unit="score", required=False, min=0),
            Column("sd_raw_text", "str", "the OCR text of the standard deviation"),
            Column("seed_lines", "str", "lines in the OCR text of the report"),
        ),
        key=("statement_id",),
    )
)

DIMIOS_FACTS = register(
    DatasetSpec(
        name="dimios_facts",
        title="DiMiOS chapter: respondent counts, national level and information-security results",
        description="One row per stated number; 'value' is empty where the OCR text cannot be read.",
        columns=(
            Column("fact_id", "str", "id"),
            Column("description", "str", "what the number is"),
            Column("value", "float", "the number; empty when unreadable", required=False),
            Column("unit", "str", "count, pct, year"),
            Column("exhibit", "str", "figure or text"),
            Column("seed_lines", "str", "lines in the OCR text of the report"),
            Column("raw_text", "str", "the OCR text, verbatim"),
            Column("readable", "bool", "false where the number cannot be read from the OCR text"),
        ),
        key=("fact_id",),
    )
)


def load_dimios(source: str = "synthetic") -> pd.DataFrame:
    """DiMiOS answers at respondent level.

    ==================  =========  ==============================================
    column              dtype      meaning
    ==================  =========  ==============================================
    year                Int64      year of the measurement
    municipality_code   string     SCB code ("1487") or pseudonym ("Kommun 03")
    municipality        string     Swedish name, or the pseudonym
    respondent          string     respondent id within municipality and year
    role                string     respondent role (may be missing)
    area                category   area id, ordered as :data:`AREAS`
    dimension           category   "capability" or "legacy"
    item                string     item id (may be missing)
    score               float64    answer on the scale 1–6
    ==================  =========  ==============================================

    Parameters
    ----------
    source
        ``"synthetic"`` (the seeded example) or the name of an imported snapshot. There is
        no published microdata: the report prints only aggregates (:func:`load_dimios_areas`).
    """
    import pandas as pd

    from ..regions import display_name

    if source == "published":
        raise DigimotorError(
            "the report publishes no DiMiOS microdata",
            hint="use load_dimios_areas() for Figure 9, source='synthetic' for the example, "
            "or import your survey with `digimotor import dimios <file>`",
        )
    frame = load("dimios", source)
    prov = frame.attrs["provenance"]
    area = frame["area"].astype("string").map(lambda text: AREA_BY_TEXT[fold(text)])
    frame["area"] = pd.Categorical(area, categories=list(AREAS), ordered=True)
    frame.insert(2, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    dimension = frame["area"].map({a: v[2] for a, v in AREAS.items()}).astype("string")
    frame.insert(frame.columns.get_loc("area") + 1, "dimension",
                 pd.Categorical(dimension, categories=list(DIMENSIONS), ordered=True))
    frame.attrs["provenance"] = prov
    return frame


def load_dimios_areas(source: str = "published") -> pd.DataFrame:
    """Figure 9: lowest, highest and mean score per area.

    ========  =========  ======================================================
    column    dtype      meaning
    ========  =========  ======================================================
    area      category   area id, ordered as :data:`AREAS`
    area_sv   string     Swedish area name as the report prints it
    dimension category   "capability" or "legacy"
    lowest    float64    lowest self-assessed value ("Lägsta värde")
    highest   float64    highest self-assessed value ("Högsta värde")
    mean      float64    mean ("Snitt")
    ========  =========  ======================================================
    """
    import pandas as pd

    frame = load("dimios_areas", source)
    prov = frame.attrs["provenance"]
    frame = frame.sort_values("area").reset_index(drop=True)
    frame.insert(1, "area_sv", frame["area"].map({a: v[0] for a, v in AREAS.items()}).astype("string"))
    frame.insert(2, "dimension", pd.Categorical(frame["area"].map({a: v[2] for a, v in AREAS.items()}),
                                                categories=list(DIMENSIONS), ordered=True))
    frame.attrs["provenance"] = prov
    return frame


def load_dimios_statements(source: str = "published") -> pd.DataFrame:
    """The survey statements with their published mean and standard deviation.

    Columns: ``statement_id``, ``statement_sv``, ``mean``, ``sd`` (NaN where unreadable),
    ``sd_raw_text``, ``seed_lines``.
    """
    return load("dimios_statements", source)


def load_dimios_facts(source: str = "published") -> pd.DataFrame:
    """Counts and shares stated in the DiMiOS and information-security text.

    Columns: ``fact_id``, ``description``, ``value`` (NaN where unreadable), ``unit``,
    ``exhibit``, ``seed_lines``, ``raw_text``, ``readable``.
    """
    return load("dimios_facts", source)


def fact(facts: pd.DataFrame, fact_id: str) -> float:
    """The value of one fact (NaN when the report's text is unreadable)."""
    row = facts.loc[facts["fact_id"] == fact_id]
    if row.empty:
        raise DigimotorError(f"no DiMiOS fact '{fact_id}'", hint="facts: " + ", ".join(facts["fact_id"]))
    return float(row["value"].iloc[0])
