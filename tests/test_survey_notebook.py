"""Notebook 07 through the real pipeline: English labels, a folder of plans and an imported inventory."""

from pathlib import Path

import pytest

from digimotor.importer import import_file
from digimotor.run import reproduce

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent / "fixtures" / "strategy_corpus"


def test_survey_notebook_with_documents_inventory_and_english(project, tmp_path):
    inventory = tmp_path / "inventering.csv"
    inventory.write_text(
        "Kommun;Digital agenda;År;Datastrategi\nUddevalla;ja;2019;nej\nLysekil;nej;;nej\n", encoding="utf-8"
    )
    import_file("strategy_inventory", inventory, name="test-2024")
    result = reproduce(
        only=["07-survey-and-strategy"],
        parameters={"lang": "en", "documents_folder": str(CORPUS), "inventory_source": "test-2024",
                    "term_set": "families", "chart_style": "pie"},
        echo=lambda _msg: None,
    )
    assert result.ok, result.results[0].error
    per_municipality = (project / "data/processed/strategy_term_counts_municipalities.csv").read_text().splitlines()
    assert per_municipality[0].startswith("municipality_code,documents,readable,efficiency,innovation,balance_index")
    rows = {line.split(",")[0]: line.split(",") for line in per_municipality[1:]}
    assert rows["Kommun 01"][1:5] == ["1", "1", "5", "2"]  # families: effektiv* 5, innov* 2
    assert rows["Kommun 03"][1:5] == ["2", "0", "", ""]  # a scan and a broken PDF: no count, not zero
    assert all(line.endswith(",user") for line in per_municipality[1:])
    summary = (project / "data/processed/strategy_inventory_summary.csv").read_text().splitlines()
    assert "digital_agenda,1,2,user" in summary
    html = (project / "build/site/07-survey-and-strategy.html").read_text()
    assert "Not stated in the text (chart only)" in html or "Figures 20–22 · shares in the text" in html
    assert (project / "figures/strategy_term_balance_documents.png").exists()


#: municipality -> (mean answer to Figure 21 in 2021, respondents 2021, respondents 2024); 0 = no answers
SKARABORG = {"Skövde": (2, 3, 3), "Lidköping": (3, 3, 3), "Mariestad": (2, 3, 3), "Falköping": (3, 3, 3),
             "Skara": (2, 3, 3), "Tidaholm": (3, 3, 3), "Götene": (2, 3, 2), "Töreboda": (3, 3, 0),
             "Hjo": (2, 0, 3), "Uddevalla": (3, 3, 3)}


def _skaraborg_survey(path):
    """Department heads of Skaraborg (and Uddevalla, outside it) in 2021 and 2024, one point higher in 2024."""
    offsets = {3: (-1, 0, 1), 2: (-1, 1)}
    lines = ["Kommun;Svarande;Grupp;Fråga;Svar;År"]
    for town, (mean, n_2021, n_2024) in SKARABORG.items():
        for year, n, rise in ((2021, n_2021, 0), (2024, n_2024, 1)):
            for k, offset in enumerate(offsets.get(n, ())):
                lines.append(f"{town};{town}-{year}-{k};förvaltningschef;fig21_it_knows_ways_of_working;"
                             f"{mean + rise + offset};{year}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_repeated_survey_of_skaraborg(project, tmp_path):
    import pandas as pd

    import_file("survey", _skaraborg_survey(tmp_path / "chefer.csv"), name="skaraborg")
    run = lambda **extra: reproduce(only=["07-survey-and-strategy"], echo=lambda _msg: None,  # noqa: E731
                                    parameters={"survey_source": "skaraborg", "region": "Skaraborg", **extra})
    failed = run()
    assert not failed.ok and "2021" in failed.results[0].error and "2024" in failed.results[0].error
    result = run(year=2024, compare_year=2021)
    assert result.ok, result.results[0].error
    processed = project / "data/processed"
    summary = pd.read_csv(processed / "survey_summary_by_municipality.csv").set_index("municipality")
    assert "Uddevalla" not in summary.index and "Hjo" in summary.index and "Töreboda" not in summary.index
    assert summary.loc["Skövde", "mean_position"] == 3.0 and not summary.loc["Skövde", "suppressed"]
    assert summary.loc["Götene", "suppressed"] and pd.isna(summary.loc["Götene", "mean_position"])
    change = pd.read_csv(processed / "survey_change_summary.csv").set_index("question_id")
    row = change.loc["fig21_it_knows_ways_of_working"]
    assert row["n_pairs"] == 7 and (row["mean_change"], row["ci_low"], row["ci_high"]) == (1.0, 1.0, 1.0)
    assert abs(row["wilcoxon_p"] - 2 / 2**7) < 1e-12
    unpaired = pd.read_csv(processed / "survey_change_unpaired.csv")
    assert unpaired[["municipality", "present_in"]].values.tolist() == [["Töreboda", "before"], ["Hjo", "after"]]
    per_town = pd.read_csv(processed / "survey_change_municipalities.csv").set_index("municipality")
    assert per_town.loc["Götene", "suppressed"] and per_town.loc["Skara", "mean_position_change"] == 1.0
    html = (project / "build/site/07-survey-and-strategy.html").read_text(encoding="utf-8")
    assert "Fyrbodal" not in html and "Skaraborg" in html and ">..<" in html and "Grästorp" in html
