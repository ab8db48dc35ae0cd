"""The fieldwork kit: the study's surveys and the capability workshop as data and as printable forms.

Every form is generated from the package's own data (one source of truth):

``department_head_survey``
    The questions and answer options of Figures 20–22 as the OCR text shows them
    (:data:`digimotor.model.survey.QUESTIONS`, respondent group ``department_head``).
``it_chief_survey``
    The question of Figure 23 (group ``it_chief``).
``capability_workshop``
    The capability workshop's scoring form: every capability of the catalogue, an overall score
    and one score per capability element of Figure 3 (process, organisation, policy,
    technology, information), each on 1–5 with a rubric (``digimotor/reference/workshop_rubric.csv``).
    The rubric's wording is **this project's operationalisation**, not the report's.

Each form is written as printable HTML and as an answer sheet (XLSX with drop-down lists, and
CSV) whose header and rows ``digimotor import`` reads back without editing: the surveys as the
``survey`` dataset, the workshop as ``capabilities``. DiMiOS is a licensed instrument: the kit
refers to it and to its import format (``digimotor import dimios``), it does not reproduce its items.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import labels
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

FORMS = ("department_head_survey", "it_chief_survey", "capability_workshop")
SURVEY_GROUP = {"department_head_survey": "department_head", "it_chief_survey": "it_chief"}
#: Headers of the answer sheets, per language; each is a column name or alias of the dataset.
SURVEY_HEADERS = {lang: labels.catalogue(lang)["fieldwork_survey_headers"] for lang in labels.LANGS}
WORKSHOP_HEADERS = {lang: labels.catalogue(lang)["fieldwork_workshop_headers"] for lang in labels.LANGS}
GROUP_TEXT = labels.table("fieldwork_group_text")
DONT_KNOW_TEXT = labels.by_lang("fieldwork_texts.dont_know_text")

TEXT = labels.table("fieldwork_text")


def _t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def _check_lang(lang: str) -> str:
    if lang not in ("sv", "en"):
        raise ParameterError(f"lang must be 'sv' or 'en', not '{lang}'")
    return lang


def rubric() -> pd.DataFrame:
    """The workshop's rubric: one row per element × level (1–5), Swedish and English wording."""
    import pandas as pd

    from .config import REFERENCE_DIR
    from .model.capabilities import ELEMENTS

    frame = pd.read_csv(REFERENCE_DIR / "workshop_rubric.csv", dtype={"level": int})
    if set(frame["element"]) != set(ELEMENTS) or sorted(frame["level"].unique()) != [1, 2, 3, 4, 5]:
        raise ValueError("workshop_rubric.csv must give levels 1-5 for every capability element")
    return frame


def survey_questions(form: str) -> list:
    """The catalogue questions of a survey form, in the catalogue's order."""
    from .model.survey import QUESTIONS

    return [q for q in QUESTIONS.values() if q.respondent_group == SURVEY_GROUP[form]]


def _option_texts(question, lang: str) -> list[str]:
    """What a respondent may write: the position (numeric scales) or the label (nominal), and 'vet ej'."""
    if question.numeric:
        return [*question.options, DONT_KNOW_TEXT[lang]]
    return [question.labels[o][lang] for o in question.options] + [DONT_KNOW_TEXT[lang]]


def _numbered(option: str, text: str) -> str:
    """``"3 – Acceptabel kännedom"``; a label that already starts with its number is kept as it is."""
    return text if text.split(" ")[0] == option else f"{option} – {text}"


def _option_legend(question, lang: str) -> str:
    if question.numeric:
        parts = [_numbered(o, question.labels[o][lang]) for o in question.options]
    else:
        parts = [question.labels[o][lang] for o in question.options]
    return " | ".join([*parts, DONT_KNOW_TEXT[lang]])


def questions_table(lang: str = "sv") -> pd.DataFrame:
    """The kit as data: one row per form × question × answer option (and the rubric's levels)."""
    import pandas as pd

    from .sources.capabilities import load_capability_elements

    rows = []
    for form in ("department_head_survey", "it_chief_survey"):
        for q in survey_questions(form):
            for k, option in enumerate([*q.options, "dont_know"], start=1):
                rows.append({"form": form, "dataset": "survey", "question_id": q.question_id, "figure": q.figure,
                             "question": q.text[lang], "position": k, "option": option,
                             "answer_text": q.label(option, lang), "basis": "report (OCR text)", "note": q.note})
    elements = load_capability_elements().set_index("element")
    name = labels.column("name", lang)
    for rec in rubric().itertuples(index=False):
        rows.append({"form": "capability_workshop", "dataset": "capabilities", "question_id": rec.element,
                     "figure": "Figur 3", "question": str(elements.loc[rec.element, name]), "position": rec.level,
                     "option": str(rec.level), "answer_text": getattr(rec, labels.column("text", lang)),
                     "basis": "project_operationalisation", "note": ""})
    return pd.DataFrame(rows)


def answer_sheet(form: str, *, lang: str = "sv", municipality: str | None = None, respondents: int = 1,
                 year: int | None = None) -> pd.DataFrame:
    """The answer sheet of ``form`` as a table whose headers ``digimotor import`` understands.

    Surveys: one block of rows per respondent (``r01`` …), one row per question, the answer
    empty. Workshop: one row per capability of the catalogue, the scores empty, scale 1–5.
    """
    import pandas as pd

    from .model.capabilities import ELEMENTS
    from .sources.capabilities import load_capability_catalogue

    _check_lang(lang)
    if form not in FORMS:
        raise ParameterError(f"unknown form '{form}'; forms: {', '.join(FORMS)}")
    if int(respondents) < 1:
        raise ParameterError(f"respondents must be >= 1, got {respondents}")
    if form in SURVEY_GROUP:
        headers = SURVEY_HEADERS[lang]
        rows = []
        for k in range(1, int(respondents) + 1):
            for q in survey_questions(form):
                rows.append({"municipality_code": municipality or "", "respondent_id": f"r{k:02d}",
                             "respondent_group": GROUP_TEXT[SURVEY_GROUP[form]][lang],
                             "question_id": q.question_id, "question_text": q.text[lang],
                             "options": _option_legend(q, lang), "answer": "", "year": year or ""})
        frame = pd.DataFrame(rows, columns=list(headers))
        return frame.rename(columns=headers)
    headers = WORKSHOP_HEADERS[lang]
    catalogue = load_capability_catalogue()
    name = labels.column("name", lang)
    frame = pd.DataFrame({
        "municipality_code": municipality or "", "capability": catalogue[name].astype(str).tolist(), "score": "",
        "scale_min": 1, "scale_max": 5, **dict.fromkeys(ELEMENTS, ""), "assessor": "", "date": "",
    })
    return frame[list(headers)].rename(columns=headers)


# ---------------------------------------------------------------------------------------
# Printable HTML
# ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,Arial,sans-serif;max-width:52em;margin:2em auto;color:#222;line-height:1.4}
h1{font-size:1.4em;color:#1f4e79}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.85em}td,th{border:1px solid #999;padding:.3em;vertical-align:top}
th{background:#eef3f8;text-align:left}.box{display:inline-block;width:1em;height:1em;border:1px solid #333;
margin-right:.4em;vertical-align:middle}.q{page-break-inside:avoid;margin:1.2em 0}.field{border-bottom:1px solid #333;
display:inline-block;min-width:14em}.note{font-size:.85em;color:#555}
@media print{body{margin:0;max-width:none}a{color:#222;text-decoration:none}}
"""


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n{body}\n</body>\n</html>\n")


def _header_fields(lang: str, *, respondent: bool = True) -> str:
    fields = [_t("municipality", lang), *([_t("respondent", lang)] if respondent else []), _t("date", lang)]
    return "<p>" + " &nbsp; ".join(f'{html.escape(f)}: <span class="field"></span>' for f in fields) + "</p>\n"


def survey_html(form: str, lang: str = "sv") -> str:
    """The printable survey: each question with its answer options as tick boxes."""
    _check_lang(lang)
    parts = [f'<p>{html.escape(_t("survey.intro", lang))}</p>\n', _header_fields(lang)]
    for number, q in enumerate(survey_questions(form), start=1):
        options = "".join(f'<div><span class="box"></span>{html.escape(text)}</div>\n' for text in (
            [_numbered(o, q.labels[o][lang]) if q.numeric else q.labels[o][lang] for o in q.options]
            + [DONT_KNOW_TEXT[lang].capitalize()]))
        parts.append(f'<div class="q"><p><strong>{number}. {html.escape(q.text[lang])}</strong> '
                     f'<span class="note">({html.escape(q.figure)}; {html.escape(q.question_id)})</span></p>\n'
                     f"{options}<p class=\"note\">{html.escape(q.note)}</p></div>\n")
    return _page(_t(form, lang), "".join(parts), lang)


def workshop_html(lang: str = "sv") -> str:
    """The printable workshop form: the rubric, then a scoring grid (capabilities × elements)."""
    from .model.capabilities import ELEMENTS
    from .sources.capabilities import load_capability_catalogue, load_capability_elements

    _check_lang(lang)
    elements = load_capability_elements().set_index("element")
    name = labels.column("name", lang)
    question = labels.column("question", lang)
    table = rubric()
    rows = []
    for element in ELEMENTS:
        asked = elements.loc[element, question]
        head = html.escape(str(elements.loc[element, name]))
        if isinstance(asked, str) and asked:
            head += f'<br><span class="note">{html.escape(asked)}</span>'
        cells = "".join(f"<td>{html.escape(getattr(rec, 'text_' + lang))}</td>"
                        for rec in table[table["element"] == element].sort_values("level").itertuples(index=False))
        rows.append(f"<tr><th>{head}</th>{cells}</tr>\n")
    levels = "".join(f"<th>{k}</th>" for k in range(1, 6))
    body = [f'<p>{html.escape(_t("workshop.intro", lang))}</p>\n', _header_fields(lang, respondent=False),
            f'<h2>{html.escape(_t("rubric", lang))}</h2>\n<table><tr><th></th>{levels}</tr>\n{"".join(rows)}</table>\n']
    heads = "".join(f"<th>{html.escape(str(elements.loc[e, name]))}</th>" for e in ELEMENTS)
    grid = "".join(f"<tr><td>{html.escape(str(n))}</td>{'<td></td>' * (len(ELEMENTS) + 1)}</tr>\n"
                   for n in load_capability_catalogue()[name])
    body.append(f'<h2>{html.escape(_t("capability", lang))} (1–5)</h2>\n<table><tr><th>'
                f'{html.escape(_t("capability", lang))}</th>{heads}<th>{html.escape(_t("overall", lang))}</th></tr>\n'
                f"{grid}</table>\n")
    return _page(_t("capability_workshop", lang), "".join(body), lang)


def kit_index_html(lang: str = "sv") -> str:
    """The kit's cover page: the forms, how to import them, and DiMiOS by reference."""
    from . import datasets

    _check_lang(lang)
    dimios = ", ".join(c.name for c in datasets.get("dimios").columns)
    files = {
        "department_head_survey": "survey", "it_chief_survey": "survey", "capability_workshop": "capabilities",
    }
    items = "".join(
        f"<li><strong>{html.escape(_t(form, lang))}</strong>: <a href=\"{form}.html\">{form}.html</a> "
        f"({labels.label('fieldwork_inline.print', lang)}), <code>{form}.xlsx</code> / <code>{form}.csv</code> → "
        f"<code>digimotor import {dataset} {form}.xlsx --name …</code></li>\n"
        for form, dataset in files.items())
    dimios_text = labels.label("fieldwork_kit.dimios", lang, columns=html.escape(dimios))
    after = labels.text("fieldwork_kit.after", lang)
    return _page(_t("kit", lang), f"<ul>\n{items}</ul>\n{dimios_text}{after}", lang)


# ---------------------------------------------------------------------------------------
# Writing the kit
# ---------------------------------------------------------------------------------------


@dataclass
class KitFiles:
    """The files :func:`write_kit` wrote, by form."""

    paths: dict[str, list[Path]]


def _write_xlsx(target: Path, sheet: pd.DataFrame, form: str, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from .atomic import atomic_path

    book = Workbook()
    ws = book.active
    ws.title = labels.label("fieldwork_inline.answers", lang) if form in SURVEY_GROUP else (
        labels.label("fieldwork_inline.scores", lang))
    ws.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        ws.append([None if value == "" else value for value in row])
    columns = list(sheet.columns)
    if form in SURVEY_GROUP:
        answer_col = columns.index(SURVEY_HEADERS[lang]["answer"]) + 1
        by_id = {q.question_id: q for q in survey_questions(form)}
        qid_col = columns.index(SURVEY_HEADERS[lang]["question_id"])
        for r, row in enumerate(sheet.itertuples(index=False), start=2):
            q = by_id[row[qid_col]]
            rule = DataValidation(type="list", formula1='"' + ",".join(_option_texts(q, lang)) + '"',
                                  allow_blank=True, showErrorMessage=True)
            ws.add_data_validation(rule)
            rule.add(ws.cell(row=r, column=answer_col))
    else:
        rule = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
                              showErrorMessage=True)
        ws.add_data_validation(rule)
        for name in ("score", "process", "organisation", "policy", "technology", "information"):
            col = columns.index(WORKSHOP_HEADERS[lang][name]) + 1
            rule.add(f"{ws.cell(row=2, column=col).coordinate}:{ws.cell(row=len(sheet) + 1, column=col).coordinate}")
    for k, column in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=k).column_letter].width = min(60, max(10, len(column) + 4))
    doc = book.create_sheet("rubric" if form == "capability_workshop" else labels.label("fieldwork_inline.questions", lang))
    table = questions_table(lang)
    table = table[table["form"] == form][["question_id", "question", "position", "option", "answer_text", "basis"]]
    doc.append([f"info_{c}" for c in table.columns])  # prefixed: never taken for the answer sheet's header
    for row in table.itertuples(index=False):
        doc.append(list(row))
    with atomic_path(target) as tmp:
        book.save(tmp)


def write_kit(folder: str | Path, *, lang: str = "sv", municipality: str | None = None, respondents: int = 1,
              year: int | None = None) -> KitFiles:
    """Write the whole kit into ``folder``: per form HTML, XLSX and CSV; ``questions.csv``; ``index.html``.

    ``municipality`` (a name or SCB code) and ``year`` prefill the answer sheets; ``respondents``
    is the number of respondent blocks in each survey sheet.
    """
    from .atomic import write_bytes, write_text
    from .regions import resolve_municipality

    _check_lang(lang)
    if municipality:
        resolve_municipality(municipality)  # an unknown name fails here, not at import
    folder = Path(folder)
    written: dict[str, list[Path]] = {}
    for form in FORMS:
        sheet = answer_sheet(form, lang=lang, municipality=municipality, respondents=respondents, year=year)
        page = survey_html(form, lang) if form in SURVEY_GROUP else workshop_html(lang)
        paths = [folder / f"{form}.html", folder / f"{form}.xlsx", folder / f"{form}.csv"]
        write_text(paths[0], page)
        _write_xlsx(paths[1], sheet, form, lang)
        write_bytes(paths[2], sheet.to_csv(index=False, sep=";", lineterminator="\n").encode("utf-8-sig"))
        written[form] = paths
    questions = folder / "questions.csv"
    write_bytes(questions, questions_table(lang).to_csv(index=False, lineterminator="\n").encode("utf-8"))
    index = folder / "index.html"
    write_text(index, kit_index_html(lang))
    written["kit"] = [questions, index]
    return KitFiles(paths=written)
