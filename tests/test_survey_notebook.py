"""Notebook 07 through the real pipeline: English labels, a folder of plans and an imported inventory."""

from pathlib import Path

import pytest

from digimotor.importer import import_file
from digimotor.pipeline import reproduce

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
