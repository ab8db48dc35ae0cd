"""The fieldwork kit: forms generated from the package's data round-trip through `digimotor import`."""

from __future__ import annotations

import pandas as pd
import pytest

from digimotor import fieldwork as fw
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.model.survey import QUESTIONS
from digimotor.sources import capabilities as cs
from digimotor.sources import survey as sv

ANSWERS = {  # what the test's respondents tick, by question: r01, r02
    "fig20_it_orientation": ("Blandning mellan teknik- och verksamhetsorienterat", "vet ej"),
    "fig21_it_knows_ways_of_working": ("4", "2"),
    "fig22_it_enables_digital_solutions": ("5", "vet ej"),
    "fig23_governance_control_and_innovation": ("6", "1"),
}
CANONICAL = {"Blandning mellan teknik- och verksamhetsorienterat": "mixed", "vet ej": "dont_know"}


def _fill_csv(path, column, values):
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame[column] = values(frame)
    path.write_bytes(frame.to_csv(index=False, sep=";", lineterminator="\n").encode("utf-8-sig"))


def _fill_xlsx(path, column, values):
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    frame = pd.DataFrame(list(sheet.iter_rows(min_row=2, values_only=True)), columns=header)
    col = header.index(column) + 1
    for r, value in enumerate(values(frame), start=2):
        sheet.cell(row=r, column=col, value=value)
    book.save(path)


def _survey_answers(frame, id_col="fråga", respondent_col="svarande"):
    return [ANSWERS[q][int(r[1:]) - 1] for q, r in zip(frame[id_col], frame[respondent_col], strict=True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("form", ["department_head_survey", "it_chief_survey"])
def test_surveys_round_trip_through_import(project, tmp_path, form, fmt):
    fw.write_kit(tmp_path / "kit", municipality="Uddevalla", year=2024, respondents=2)
    path = tmp_path / "kit" / f"{form}.{fmt}"
    (_fill_xlsx if fmt == "xlsx" else _fill_csv)(path, "svar", _survey_answers)
    import_file("survey", path, name=f"{form.replace('_', '-')}-{fmt}")
    got = sv.load_survey(f"{form.replace('_', '-')}-{fmt}")
    group = fw.SURVEY_GROUP[form]
    questions = [q.question_id for q in QUESTIONS.values() if q.respondent_group == group]
    assert len(got) == 2 * len(questions) and set(got["question_id"]) == set(questions)
    assert (got["municipality_code"] == "1485").all() and (got["respondent_group"] == group).all()
    assert (got["year"] == 2024).all()
    for rec in got.itertuples(index=False):
        written = ANSWERS[rec.question_id][int(rec.respondent_id[1:]) - 1]
        assert rec.answer == CANONICAL.get(written, written)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_workshop_form_round_trips_through_import(project, tmp_path, fmt):
    fw.write_kit(tmp_path / "kit", municipality="Vänersborg")
    path = tmp_path / "kit" / f"capability_workshop.{fmt}"
    fill = _fill_xlsx if fmt == "xlsx" else _fill_csv
    fill(path, "poäng", lambda frame: [1 + k % 5 for k in range(len(frame))])
    for offset, element in enumerate(("process", "organisation", "policy", "teknik", "information")):
        fill(path, element, lambda frame, o=offset: [1 + (k + o) % 5 for k in range(len(frame))])
    fill(path, "datum", lambda frame: ["2024-03-01"] * len(frame))
    import_file("capabilities", path, name=f"workshop-{fmt}")
    got = cs.load_capabilities(f"workshop-{fmt}")
    catalogue = cs.load_capability_catalogue()
    assert len(got) == len(catalogue) and set(got["capability"]) == set(catalogue["capability_id"])
    order = {c: k for k, c in enumerate(catalogue["capability_id"])}
    for rec in got.itertuples(index=False):
        k = order[rec.capability]
        assert rec.score == 1 + k % 5 and rec.technology == 1 + (k + 3) % 5
    assert (got["municipality_code"] == "1487").all()


def test_an_answer_outside_the_options_names_file_row_and_column(project, tmp_path):
    fw.write_kit(tmp_path / "kit", municipality="Uddevalla")
    path = tmp_path / "kit" / "department_head_survey.csv"
    _fill_csv(path, "svar", lambda frame: ["Verksamhetsorienterat", "7", "3"])
    with pytest.raises(InputFileError, match="outside the scale 1–5") as err:
        import_file("survey", path, name="bad")
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 3, "answer")  # the survey check names the column by its dataset name
    path = tmp_path / "kit" / "capability_workshop.xlsx"
    _fill_xlsx(path, "poäng", lambda frame: [3] * 4 + [6] + [3] * (len(frame) - 5))
    with pytest.raises(InputFileError, match="off the declared scale 1–5") as err:
        import_file("capabilities", path, name="bad-workshop")
    assert (err.value.row, err.value.column) == (6, "poäng")


def test_forms_come_from_the_package_data():
    table = fw.questions_table()
    for q in QUESTIONS.values():
        rows = table[table["question_id"] == q.question_id]
        assert list(rows["option"]) == [*q.options, "dont_know"]
        page = fw.survey_html("department_head_survey" if q.respondent_group == "department_head"
                              else "it_chief_survey")
        assert q.text["sv"].replace("&", "&amp;") in page
        assert all(q.labels[o]["sv"] in page for o in q.options)
    rubric = fw.rubric()
    assert len(rubric) == 25 and (rubric["basis"] == "project_operationalisation").all()
    page = fw.workshop_html("en")
    assert "this project&#x27;s operationalisation" in page or "this project's operationalisation" in page
    assert all(text in page for text in rubric["text_en"].str.replace("'", "&#x27;"))
    assert page.count("<tr><td>") == len(cs.load_capability_catalogue())
    cover = fw.kit_index_html()
    assert "licensierat" in cover and "digimotor import dimios" in cover and "respondent" in cover


def test_fieldwork_command_writes_the_kit(tmp_path, capsys):
    from digimotor.cli import main

    assert main(["fieldwork", str(tmp_path / "kit"), "--lang", "en", "--respondents", "3"]) == 0
    names = sorted(p.name for p in (tmp_path / "kit").iterdir())
    assert names == sorted([f"{f}.{ext}" for f in fw.FORMS for ext in ("html", "xlsx", "csv")]
                           + ["index.html", "questions.csv"])
    sheet = pd.read_csv(tmp_path / "kit" / "department_head_survey.csv", sep=";", encoding="utf-8-sig")
    assert list(sheet.columns)[:4] == ["municipality", "respondent", "group", "question"]
    assert len(sheet) == 3 * 3 and "wrote" in capsys.readouterr().out
