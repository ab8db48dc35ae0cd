"""The capability map and the collaboration scenarios: catalogue, self-assessments and ties.

Datasets declared here
----------------------
Published (transcribed from the report into ``data/raw/published/``, sidecars cite seed lines):

``capability_catalogue``
    Every capability of the digital motor that the report's text names (the nine key
    capabilities of the environment analysis, the five strongest and five weakest of the
    self-assessment, the action plan's and the technology-trend section's), one row each,
    with aliases for the near-duplicates across the report's lists.
``capability_rankings``
    The report's lists in their printed order: key (unranked), strongest 1–5, weakest 1–5.
``capability_elements``
    The five elements of a capability (Figure 3): process, organisation, policy, technology,
    information.
``collaboration_scenarios``
    The five collaboration scenarios (summary, seed lines 232–245).
``sou_paths``
    The four paths of SOU 2020:8 with their strengths and weaknesses (Figure 5).
``samtrappan_steps``
    The collaboration stairs (Figure 2, Länsstyrelsen 2017): talk … joint action.

Inputs (``digimotor import``; a seeded synthetic example under pseudonyms is shipped):

``capabilities``
    Self-assessment: one row per municipality × capability × date, a score on a declared
    scale (default 1–5), optional element scores, assessor.
``capability_criticality``
    Per capability its criticality (low | normal | high). Default (``source="default"``):
    *high* for the nine capabilities the environment analysis calls important ("viktiga
    förmågor", seed lines 58–75), *normal* for the rest.
``capability_willingness``
    Per municipality (optionally per capability) whether it is willing to lead and to
    receive. Default (``source="default"``): every municipality is willing to do both; a
    row overrides the default for its municipality (and capability).
``capability_collaborations``
    Existing collaborations, one row per collaboration × member, with their step on the
    collaboration stairs and their SOU 2020:8 path. The published snapshot holds the ties the
    report describes (SML-IT, Göliska IT, Soltak AB, Uddevalla's social on-call service, the
    joint e-archive procurement, the professional networks, the e-council).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..conform import Problems
from ..model.capabilities import (
    CRITICALITY_LEVELS,
    DEFAULT_SCALE,
    ELEMENTS,
    GROUPS,
    LISTS,
    SAMTRAPPAN_STEP_IDS,
    SOU_PATH_IDS,
)
from ..schema import Column, DatasetSpec
from .capability_catalogue import capability_lookup, file_header, resolve_capability
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

def _register_published(name: str, title: str, description: str, columns: tuple[Column, ...],
                        key: tuple[str, ...]) -> DatasetSpec:
    return register(DatasetSpec(name=name, title=title, description=description, columns=columns, key=key))


CAPABILITY_CATALOGUE = register(DatasetSpec(
    name="capability_catalogue",
    title="Capabilities of the digital motor (the report's, or a study's own additions)",
    description=(
        "One row per capability: id, Swedish and English name, group, the report's lists that name it, "
        "the seed lines that mention it, aliases (other wordings), the OCR text. A study's own catalogue "
        "(`digimotor import capability_catalogue <file> --name <name>`) extends the report's: a new id adds "
        "a capability, a known id (or a row naming a known capability) adds its aliases. Self-assessments, "
        "criticality and willingness imported with `--catalogue <name>` are checked against it, and "
        "notebooks 05 and 06 use it with the parameter catalogue=<name>."
    ),
    columns=(
        Column("capability_id", "str", "stable English id (snake_case)", aliases=("id", "förmåga id")),
        Column("name_sv", "str", "Swedish name, spelled properly", aliases=("förmåga", "namn", "formaga")),
        Column("name_en", "str", "English name", aliases=("name", "engelskt namn")),
        Column("group", "category", "the project's grouping", allowed=GROUPS, aliases=("grupp",)),
        Column("lists", "str", "the report's lists naming it, ';'-separated: " + ", ".join(LISTS), required=False),
        Column("seed_lines", "str", "lines of the OCR text that mention it, ';'-separated", required=False),
        Column("aliases", "str", "other wordings, '|'-separated", required=False, aliases=("alias", "synonymer")),
        Column("raw_text", "str", "the OCR text of the first mention, verbatim", required=False),
        Column("note", "str", "transcription notes", required=False, aliases=("anmärkning", "kommentar")),
    ),
    key=("capability_id",),
    check=lambda frame, file: _check_catalogue(frame, file),
))


def _check_catalogue(frame: pd.DataFrame, file: str) -> None:
    from .capability_catalogue import check_catalogue

    check_catalogue(frame, file)

CAPABILITY_RANKINGS = _register_published(
    "capability_rankings",
    "The report's capability lists in printed order",
    "key: the nine important capabilities of the environment analysis (unranked; 'rank' is the "
    "position); strongest and weakest: the self-assessment's joint five strongest and weakest.",
    (
        Column("list", "category", "which list", allowed=("key", "strongest", "weakest")),
        Column("rank", "int", "position in the list (1 = first printed)", min=1),
        Column("capability_id", "str", "id in the capability catalogue"),
        Column("seed_line", "int", "line of the OCR text", min=1),
        Column("raw_text", "str", "the OCR text, verbatim"),
        Column("note", "str", "transcription notes", required=False),
    ),
    ("list", "rank"),
)

CAPABILITY_ELEMENTS = _register_published(
    "capability_elements",
    "The five elements of a capability (Figure 3)",
    "Process, organisation, policy, technology and information, with the guiding question the figure asks.",
    (
        Column("element", "category", "element id", allowed=ELEMENTS),
        Column("name_sv", "str", "Swedish name"),
        Column("name_en", "str", "English name"),
        Column("question_sv", "str", "the figure's question (empty where unreadable)", required=False),
        Column("question_en", "str", "English translation", required=False),
        Column("seed_lines", "str", "lines of the OCR text"),
        Column("status", "category", "clear or uncertain (unreadable OCR)", allowed=("clear", "uncertain")),
        Column("raw_text", "str", "the OCR text, verbatim"),
    ),
    ("element",),
)

COLLABORATION_SCENARIOS = _register_published(
    "collaboration_scenarios",
    "The five collaboration scenarios",
    "Scenario number, name and definition (seed lines 232–245) and the SOU 2020:8 path beneath it; "
    "the mapping to a path is stated by the report for scenario 2 and is the project's reading for the others.",
    (
        Column("scenario", "int", "scenario number", min=1, max=5),
        Column("name_sv", "str", "Swedish name"),
        Column("name_en", "str", "English name"),
        Column("definition_sv", "str", "definition (cleaned OCR)"),
        Column("definition_en", "str", "English translation"),
        Column("sou_path", "category", "SOU 2020:8 path beneath it", allowed=SOU_PATH_IDS),
        Column("path_basis", "category", "stated by the report or the project's reading",
               allowed=("stated", "project_reading")),
        Column("seed_lines", "str", "lines of the OCR text"),
        Column("raw_text", "str", "the OCR text, verbatim"),
        Column("note", "str", "notes", required=False),
    ),
    ("scenario",),
)

SOU_PATHS = _register_published(
    "sou_paths",
    "The four paths of SOU 2020:8 with strengths and weaknesses (Figure 5)",
    "One row per statement: each path's definition (seed lines 906–916) and the strengths and weaknesses "
    "of Figure 5 (lines 932–977). The figure's layout is scrambled in the OCR text; 'placement' says "
    "whether a statement's path and side are clear or read from the layout.",
    (
        Column("path_id", "category", "path", allowed=SOU_PATH_IDS),
        Column("path_sv", "str", "Swedish name of the path"),
        Column("path_en", "str", "English name of the path"),
        Column("statement", "category", "definition, strength or weakness",
               allowed=("definition", "strength", "weakness")),
        Column("position", "int", "order within path and statement kind", min=1),
        Column("text_sv", "str", "the statement (cleaned OCR)"),
        Column("text_en", "str", "English translation"),
        Column("seed_line", "str", "line(s) of the OCR text"),
        Column("placement", "category", "clear, or uncertain (path or side read from a scrambled layout)",
               allowed=("clear", "uncertain")),
        Column("raw_text", "str", "the OCR text, verbatim"),
    ),
    ("path_id", "statement", "position"),
)

SAMTRAPPAN_STEPS = _register_published(
    "samtrappan_steps",
    "The collaboration stairs, samtrappan (Figure 2, Länsstyrelsen 2017)",
    "Five steps from talk to joint action with the figure's descriptions; one description is not in the OCR text.",
    (
        Column("step", "int", "step number, 1 = lowest", min=1, max=5),
        Column("step_id", "category", "step id", allowed=SAMTRAPPAN_STEP_IDS),
        Column("name_sv", "str", "Swedish name"),
        Column("name_en", "str", "English name"),
        Column("description_sv", "str", "the figure's description (empty where not in the OCR text)",
               required=False),
        Column("description_en", "str", "English translation", required=False),
        Column("seed_lines", "str", "lines of the OCR text"),
        Column("status", "category", "clear or uncertain", allowed=("clear", "uncertain")),
        Column("note", "str", "notes", required=False),
    ),
    ("step",),
)


def _catalogue_for_checks(source: str = "published") -> tuple[dict[str, str], dict[str, str]]:
    """The lookup of accepted spellings and the Swedish names, from the catalogue the study uses."""
    catalogue = load_capability_catalogue(source)
    return capability_lookup(catalogue), dict(zip(catalogue["capability_id"], catalogue["name_sv"], strict=True))


def _resolve_capability_column(frame: pd.DataFrame, problems: Problems, *, allow_empty: bool = False) -> None:
    """Replace the names in ``frame["capability"]`` by catalogue ids, in place.

    The catalogue is the one the import names (``--catalogue``, in ``frame.attrs["options"]``),
    else the report's. Every unknown name goes to ``problems`` with its row, the column as
    the file writes it and the closest catalogue names. With ``allow_empty`` an empty cell
    stays empty (it means "all capabilities").
    """
    from ..schema import ROW

    source = str(frame.attrs.get("options", {}).get("catalogue") or "published")
    lookup, names = _catalogue_for_checks(source)
    scope = "the report's catalogue" if source == "published" else f"catalogue '{source}'"
    fix = (f"checked against {scope}: use a name from it, or add the capability to a study catalogue "
           "(digimotor import capability_catalogue <file> --name <name>) and import with --catalogue <name>")
    ids = []
    for row_number, text in zip(frame[ROW], frame["capability"], strict=True):
        if allow_empty and (text is None or (isinstance(text, float) and text != text) or str(text).strip() == ""):
            ids.append(None)
            continue
        try:
            ids.append(resolve_capability(text, lookup, names))
        except ValueError as exc:
            ids.append(None)
            problems.add(int(row_number), file_header(frame, "capability"), str(exc), fix)
    frame["capability"] = ids


def _check_capabilities(frame: pd.DataFrame, file: str) -> None:
    """Normalise capability names to ids; check scores against the declared scale; no duplicates."""
    import math

    from ..schema import ROW

    problems = Problems(file)
    _resolve_capability_column(frame, problems)

    def present(value: object) -> bool:
        return value is not None and not (isinstance(value, float) and math.isnan(value))

    low_all, high_all = [], []
    for row in frame.to_dict("records"):
        number = int(row[ROW])
        low = int(row["scale_min"]) if present(row["scale_min"]) else DEFAULT_SCALE[0]
        high = int(row["scale_max"]) if present(row["scale_max"]) else DEFAULT_SCALE[1]
        if high <= low:
            problems.add(number, file_header(frame, "scale_max"), f"the scale {low}–{high} is empty",
                         "scale_max must be above scale_min")
        for column in ("score", *ELEMENTS):
            value = row[column]
            if high > low and present(value) and not low <= float(value) <= high:
                problems.add(number, file_header(frame, column), f"{column} {value:g} is off the declared scale {low}–{high}",
                             "declare another scale in scale_min/scale_max, or correct the score")
        low_all.append(low)
        high_all.append(high)
    frame["scale_min"] = low_all
    frame["scale_max"] = high_all
    dates = frame["date"].map(lambda d: d if present(d) else "")
    seen: dict[tuple[str, str, str], int] = {}
    for row_number, code, capability, date in zip(frame[ROW], frame["municipality_code"], frame["capability"],
                                                  dates, strict=True):
        key = (code, capability, date)
        if capability is not None and key in seen:
            problems.add(int(row_number), file_header(frame, "capability"),
                         f"{code} is assessed twice for '{capability}' on {date or 'the same (empty) date'} "
                         f"(first in row {seen[key]})", "keep one assessment per municipality, capability and date")
        seen.setdefault(key, int(row_number))
    problems.raise_if_any()


CAPABILITIES = register(
    DatasetSpec(
        name="capabilities",
        title="Capability self-assessment: one row per municipality, capability and date",
        description=(
            "Each municipality's own assessment of each capability of its digital motor on a declared scale "
            f"(scale_min–scale_max, default {DEFAULT_SCALE[0]}–{DEFAULT_SCALE[1]}; higher is stronger), optionally "
            "per capability element (process, organisation, policy, technology, information). 'capability' is "
            "an id, a Swedish or English name or an alias from the capability catalogue "
            "(data/raw/published/capability_catalogue.csv)."
        ),
        columns=(
            Column("municipality_code", "municipality", "the assessed municipality (name or SCB code)",
                   aliases=("kommun", "kommunkod", "municipality"), example="Uddevalla"),
            Column("capability", "str", "capability id or name from the catalogue",
                   aliases=("förmåga", "formaga", "capability_id", "kapabilitet"),
                   example="Leverantörshantering"),
            Column("score", "float", "the assessed level on the declared scale (higher = stronger)",
                   aliases=("poäng", "poang", "skattning", "värde", "value", "nivå"), example=3),
            Column("scale_min", "int", f"lowest point of the scale (default {DEFAULT_SCALE[0]})", required=False,
                   aliases=("skala min", "skala_min"), example=1),
            Column("scale_max", "int", f"highest point of the scale (default {DEFAULT_SCALE[1]})", required=False,
                   aliases=("skala max", "skala_max"), example=5),
            *(Column(element, "float", f"score of the element '{element}' (same scale)", required=False,
                     aliases=(sv,))
              for element, sv in zip(ELEMENTS, ("process", "organisation", "policy", "teknik", "information"),
                                     strict=True)),
            Column("assessor", "str", "who assessed (role or group; no names needed)", required=False,
                   aliases=("bedömare", "bedomare", "skattad av", "respondent"), example="projektgrupp"),
            Column("date", "date", "date of the assessment (YYYY-MM-DD)", required=False,
                   aliases=("datum",), example="2020-11-15"),
        ),
        key=("municipality_code", "capability", "date"),
        check=_check_capabilities,
    )
)


def _check_criticality(frame: pd.DataFrame, file: str) -> None:
    from ..schema import ROW

    problems = Problems(file)
    _resolve_capability_column(frame, problems)
    dup = frame.duplicated("capability") & frame["capability"].notna()
    for row_number, capability in zip(frame.loc[dup, ROW], frame.loc[dup, "capability"], strict=True):
        problems.add(int(row_number), file_header(frame, "capability"), f"'{capability}' has more than one criticality",
                     "keep one row per capability")
    problems.raise_if_any()


CRITICALITY = register(
    DatasetSpec(
        name="capability_criticality",
        title="Criticality of each capability",
        description=(
            "How critical each capability is for the participating municipalities: low, normal or high. "
            "Scenario 3 (capacity) applies to critical areas. Capabilities without a row keep the default: "
            "high for the nine important capabilities of the environment analysis, normal otherwise."
        ),
        columns=(
            Column("capability", "str", "capability id or name from the catalogue",
                   aliases=("förmåga", "formaga", "capability_id"), example="Stabil och tillförlitlig driftleverans"),
            Column("criticality", "category", "low | normal | high", allowed=CRITICALITY_LEVELS,
                   aliases=("kritikalitet", "kritisk"), example="high"),
        ),
        key=("capability",),
        check=_check_criticality,
    )
)


def _check_willingness(frame: pd.DataFrame, file: str) -> None:
    from ..schema import ROW

    problems = Problems(file)
    _resolve_capability_column(frame, problems, allow_empty=True)
    keys = list(zip(frame["municipality_code"], frame["capability"].fillna(""), strict=True))
    seen: dict[tuple[str, str], int] = {}
    for row_number, key in zip(frame[ROW], keys, strict=True):
        if key in seen:
            problems.add(int(row_number), file_header(frame, "capability"),
                         f"{key[0]} has two rows for {key[1] or 'all capabilities'} (first in row {seen[key]})",
                         "keep one row per municipality and capability")
        seen.setdefault(key, int(row_number))
    problems.raise_if_any()


WILLINGNESS = register(
    DatasetSpec(
        name="capability_willingness",
        title="Willingness to lead or receive, per municipality (and capability)",
        description=(
            "Collaboration is voluntary (seed lines 226–227). A row says whether a municipality is willing to "
            "lead (offer its capability to others) and to receive (be lifted or served by another). An empty "
            "capability means all capabilities; a row for one capability overrides it. Municipalities without "
            "a row are willing to do both."
        ),
        columns=(
            Column("municipality_code", "municipality", "the municipality (name or SCB code)",
                   aliases=("kommun", "kommunkod", "municipality"), example="Uddevalla"),
            Column("capability", "str", "capability id or name; empty = all capabilities", required=False,
                   aliases=("förmåga", "formaga", "capability_id")),
            Column("willing_to_lead", "bool", "willing to lead (ja/nej)", aliases=("leda", "vill leda", "lead"),
                   example="ja"),
            Column("willing_to_receive", "bool", "willing to receive (ja/nej)",
                   aliases=("ta emot", "vill ta emot", "receive"), example="ja"),
        ),
        check=_check_willingness,
    )
)


def _check_collaborations(frame: pd.DataFrame, file: str) -> None:
    from ..schema import ROW

    problems = Problems(file)
    for column in ("name", "samtrappan_step", "sou_path", "status", "area"):
        per = frame.groupby("collaboration_id")[column].nunique(dropna=False)
        for cid in per[per > 1].index:
            rows = frame.loc[frame["collaboration_id"] == cid, ROW].tolist()
            problems.add(int(rows[-1]), file_header(frame, column),
                         f"collaboration '{cid}' has more than one {column} (rows {', '.join(map(str, rows))})",
                         f"give the collaboration one {column} on all its rows")
    problems.raise_if_any()


COLLABORATIONS = register(
    DatasetSpec(
        name="capability_collaborations",
        title="Existing collaborations: one row per collaboration and member",
        description=(
            "The ties a plan starts from: each collaboration's members, their role, its step on the collaboration "
            "stairs (samtrappan), its SOU 2020:8 path, the capability area it covers (catalogue id, or empty for "
            "the whole motor or another area) and whether it is active."
        ),
        columns=(
            Column("collaboration_id", "str", "short id", aliases=("samverkan", "id"), example="sml_it"),
            Column("name", "str", "name of the collaboration", aliases=("namn",), example="SML-IT"),
            Column("municipality_code", "municipality", "a member (name or SCB code)",
                   aliases=("kommun", "kommunkod", "municipality"), example="Sotenäs"),
            Column("role", "category", "lead (provides for others), member, receiver or owner",
                   allowed=("lead", "member", "receiver", "owner"), aliases=("roll",), example="member"),
            Column("samtrappan_step", "category", "step on the collaboration stairs: " + ", ".join(SAMTRAPPAN_STEP_IDS),
                   allowed=SAMTRAPPAN_STEP_IDS, aliases=("steg", "samtrappan"), example="joint_action"),
            Column("sou_path", "category", "SOU 2020:8 path: " + ", ".join(SOU_PATH_IDS), allowed=SOU_PATH_IDS,
                   required=False, aliases=("vägval", "vagval")),
            Column("area", "str", "capability id it covers, or a free text area", required=False,
                   aliases=("område", "omrade")),
            Column("status", "category", "active, ended or planned", allowed=("active", "ended", "planned"),
                   example="active"),
            Column("placement_basis", "category", "stated by the report, or the project's reading",
                   allowed=("stated", "project_reading", "user"), required=False),
            Column("seed_lines", "str", "lines of the OCR text (published snapshot)", required=False),
        ),
        key=("collaboration_id", "municipality_code"),
        check=_check_collaborations,
    )
)


# ---------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------


def load_capability_catalogue(source: str = "published") -> pd.DataFrame:
    """The capability catalogue: the report's (``"published"``), or a study's imported snapshot
    ``source`` added to the report's (see :func:`~digimotor.sources.capability_catalogue.extend_catalogue`).

    ================  ========  ==========================================================
    column            dtype     meaning
    ================  ========  ==========================================================
    capability_id     string    stable English id ("reliable_operations")
    name_sv, name_en  string    Swedish and English names
    group             category  the project's grouping (operations, sourcing, …)
    lists             string    the report's lists naming it (";"-separated)
    seed_lines        string    lines of the OCR text that mention it (";"-separated)
    aliases           string    other wordings ("|"-separated)
    raw_text, note    string    OCR text of the first mention, transcription notes
    ================  ========  ==========================================================
    """
    from .capability_catalogue import extend_catalogue

    published = load("capability_catalogue", "published")
    if source == "published":
        return published
    return extend_catalogue(published, load("capability_catalogue", source))


def load_capability_rankings(source: str = "published") -> pd.DataFrame:
    """The report's key / strongest / weakest lists (``list``, ``rank``, ``capability_id``, ``seed_line``)."""
    return load("capability_rankings", source)


def load_capability_elements(source: str = "published") -> pd.DataFrame:
    """The five capability elements of Figure 3 (``element``, names, questions, ``status``)."""
    return load("capability_elements", source)


def load_collaboration_scenarios(source: str = "published") -> pd.DataFrame:
    """The five collaboration scenarios (``scenario``, names, definitions, ``sou_path``, ``path_basis``)."""
    return load("collaboration_scenarios", source)


def load_sou_paths(source: str = "published") -> pd.DataFrame:
    """The four SOU 2020:8 paths: definitions, strengths and weaknesses (Figure 5)."""
    return load("sou_paths", source)


def load_samtrappan_steps(source: str = "published") -> pd.DataFrame:
    """The five steps of the collaboration stairs (Figure 2)."""
    return load("samtrappan_steps", source)


def load_capabilities(source: str = "synthetic") -> pd.DataFrame:
    """A capability self-assessment.

    =================  ========  ======================================================
    column             dtype     meaning
    =================  ========  ======================================================
    municipality_code  string    SCB code ("1460") or a pseudonym ("Kommun 01")
    municipality       string    display name
    capability         string    catalogue id
    score              float64   assessed level on the declared scale
    scale_min/max      Int64     the declared scale
    process … information float64 element scores (optional)
    assessor, date     string    who and when
    =================  ========  ======================================================

    Parameters
    ----------
    source
        ``"synthetic"`` (the seeded example under pseudonyms) or an imported snapshot.
    """
    from ..regions import display_name

    frame = load("capabilities", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame


def default_criticality(catalogue: pd.DataFrame) -> pd.Series:
    """The documented default: *high* for the report's key capabilities, *normal* otherwise."""
    import pandas as pd

    key = catalogue["lists"].fillna("").str.split(";").map(lambda lists: "key" in lists)
    values = ["high" if is_key else "normal" for is_key in key]
    return pd.Series(values, index=pd.Index(catalogue["capability_id"], name="capability"), name="criticality")


def load_criticality(source: str = "default", catalogue: pd.DataFrame | None = None) -> pd.Series:
    """Criticality per capability id; ``source="default"`` or a snapshot (rows override the default)."""
    catalogue = load_capability_catalogue() if catalogue is None else catalogue
    criticality = default_criticality(catalogue)
    criticality.attrs["provenance"] = {"kind": "published", "source": "default",
                                       "path": "default: key capabilities (seed lines 58–75) are high"}
    if source != "default":
        frame = load("capability_criticality", source)
        for row in frame.itertuples(index=False):
            criticality[row.capability] = str(row.criticality)
        criticality.attrs["provenance"] = frame.attrs["provenance"]
    return criticality


def load_willingness(source: str = "default") -> pd.DataFrame:
    """Willingness rows (``municipality_code``, ``capability`` or NA, ``willing_to_lead``,
    ``willing_to_receive``); ``source="default"`` gives an empty table (everyone willing)."""
    import pandas as pd

    if source == "default":
        frame = pd.DataFrame({"municipality_code": pd.Series(dtype="string"),
                              "capability": pd.Series(dtype="string"),
                              "willing_to_lead": pd.Series(dtype="boolean"),
                              "willing_to_receive": pd.Series(dtype="boolean")})
        frame.attrs["provenance"] = {"kind": "published", "source": "default",
                                     "path": "default: every municipality willing to lead and receive"}
        return frame
    return load("capability_willingness", source)


def load_collaborations(source: str = "published") -> pd.DataFrame:
    """Existing collaborations, one row per collaboration × member (see the dataset description).

    ``source="none"`` (:data:`~digimotor.snapshots.NO_DATA`): no ties, an empty table (a study
    without its own collaborations; the pairing then uses no ties).
    """
    from ..regions import display_name
    from ..snapshots import NO_DATA, empty
    from .registry import get

    if source == NO_DATA:
        frame = empty(get("capability_collaborations"), kind="published",
                      note="none: no existing collaborations given (capability_collaborations)")
    else:
        frame = load("capability_collaborations", source)
    frame.insert(3, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame
