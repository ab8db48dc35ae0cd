"""Every importer reports all problems of a file at once, each with its fix."""

import pytest

from digimotor.errors import InputFileError
from digimotor.importer import import_file


def _message(tmp_path, dataset, text):
    path = tmp_path / "fil.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file(dataset, path, name="fil")
    return info.value


def test_cell_problems_and_duplicate_keys_together(project, tmp_path):
    err = _message(tmp_path, "population_forecast",
                   "Kommun;År;Folkmängd\nÅmål;2019;tolv\nBengtfors;2019;9 000\nTanum;2019;12 000\nTanum;2019;12 100\n")
    message = str(err)
    assert (err.row, err.column) == (2, "Folkmängd") and "'tolv' is not a number" in message
    assert "row 3 column 'Kommun': 'Bengtfors' is not a Swedish municipality" in message
    assert "did you mean Bengtsfors" in message
    assert "row 5 column 'municipality_code, year': duplicates row 4" in message
    assert "— remove or merge the duplicated rows" in message


def test_the_same_problem_on_many_rows_is_one_entry_with_its_rows(project, tmp_path):
    rows = "".join(f"{name};2019;\n" for name in ("Åmål", "Orust", "Tanum", "Lysekil"))
    message = str(_message(tmp_path, "population_forecast", "Kommun;År;Folkmängd\n" + rows))
    assert "row 2, column 'Folkmängd': the value is missing; fill it in or remove the row (also rows 3, 4, 5)" in message


def test_survey_problems_are_listed_together(project, tmp_path):
    text = ("kommun;respondent;grupp;fråga;svar\n"
            "Åmål;r1;förvaltningschef;egen_fraga;3\n"
            "Åmål;r2;rektor;fig21_it_knows_ways_of_working;4\n")
    message = str(_message(tmp_path, "survey", text))
    assert "question 'egen_fraga' is not in the catalogue" in message and "give scale_points" in message
    assert "row 3 column 'respondent_group'" in message
