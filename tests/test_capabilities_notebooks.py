"""Notebooks 05 and 06 through the real pipeline: English labels, and an imported self-assessment."""

import pytest

from digimotor.run import reproduce

pytestmark = pytest.mark.slow


def test_capability_map_in_english(project):
    result = reproduce(only=["05-capability-map"], parameters={"lang": "en", "top_k": 3}, echo=lambda _m: None)
    assert result.ok, result.results[0].error
    table = (project / "data/processed/capabilities_joint_ranking.csv").read_text().splitlines()
    assert table[0] == "list,rank,capability,mean,median,n,data_kind"
    assert len(table) == 1 + 6 and table[1].startswith("strongest,1,reliable_operations,")
    assert all(line.endswith(",synthetic") for line in table[1:])
    html = (project / "build/site/05-capability-map.html").read_text()
    assert "Lists in the report" in html and "Mean (0–1)" in html and "SYNTHETIC EXAMPLE DATA" in (project / "figures/capabilities_map.svg").read_text()


def test_scenarios_on_an_imported_self_assessment_with_the_report_ties(project, tmp_path):
    from digimotor.importer import import_file

    src = tmp_path / "egen.csv"
    rows = ["kommun;förmåga;poäng"]
    scores = {"Sotenäs": 5, "Munkedal": 1, "Lysekil": 3, "Uddevalla": 5, "Orust": 2, "Tanum": 3}
    for name, score in scores.items():
        rows += [f"{name};Leverantörshantering;{score}", f"{name};IT-arkitektur;{6 - score}"]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_file("capabilities", src, name="egen")
    result = reproduce(
        only=["06-scenarios"],
        parameters={"source": "egen", "willingness_source": "default", "collaborations_source": "published",
                    "lead_capacity": 1, "lang": "en"},
        echo=lambda _m: None,
    )
    assert result.ok, result.results[0].error
    pairs = (project / "data/processed/scenarios_pairs.csv").read_text().splitlines()
    # supplier management: leads Sotenäs (1427) and Uddevalla (1485), one receiver each; the SML-IT tie
    # (samhandling) pairs Sotenäs with Munkedal (1430) although Uddevalla is as strong
    assert "supplier_management,4,1427,1430,1.0,1.0,-1.25,user" in pairs
    assert "supplier_management,4,1485,1421,0.75,0.8,-0.95,user" in pairs
    table = (project / "data/processed/scenarios_table.csv").read_text()
    assert "user" in table and "synthetic" not in table
