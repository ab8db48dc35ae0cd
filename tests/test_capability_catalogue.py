"""An open capability catalogue: a study's own capabilities and aliases, checked on import."""

from pathlib import Path

import pytest
import yaml

from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.sources.capabilities import (
    load_capabilities,
    load_capability_catalogue,
    load_criticality,
)

DATA = Path(__file__).parent / "data" / "capabilities"


@pytest.fixture
def study(project):
    import_file("capability_catalogue", DATA / "study_catalogue.csv", name="studie")
    return load_capability_catalogue("studie")


def test_a_study_catalogue_extends_the_reports(study):
    published = load_capability_catalogue()
    assert len(study) == len(published) + 2
    assert study["capability_id"].tolist()[-2:] == ["ai_governance", "data_driven_development"]
    supplier = study.set_index("capability_id").loc["supplier_management", "aliases"]
    assert "Leverantörsstyrning" in supplier.split("|")
    assert study.attrs["provenance"]["kind"] == "user"


def test_a_new_capability_is_rejected_against_the_reports_catalogue_with_every_problem_listed(study):
    with pytest.raises(InputFileError) as info:
        import_file("capabilities", DATA / "study_assessment.csv", name="utan")
    message = str(info.value)
    assert "row 2" in message and "'AI-styrning' is not a capability in the catalogue" in message
    # all 18 rows at once, grouped by problem: the two new names and the new alias, six rows each
    assert "(also rows 5, 8, 11, 14, 17)" in message and "(and 12 more:" in message
    assert "rows 3, 6, 9, 12, 15, 18 column 'förmåga': 'Datadriven utveckling' is not a capability" in message
    assert "rows 4, 7, 10, 13, 16, 19 column 'förmåga': 'Leverantörsstyrning' is not a capability" in message
    assert "did you mean supplier_management" in message
    assert "--catalogue" in message


def test_imports_check_against_the_catalogue_the_study_uses(study, tmp_path):
    target = import_file("capabilities", DATA / "study_assessment.csv", name="egen", options={"catalogue": "studie"})
    assessment = load_capabilities("egen")
    assert sorted(set(assessment["capability"])) == ["ai_governance", "data_driven_development", "supplier_management"]
    sidecar = yaml.safe_load(target.with_name(target.name + ".meta.yml").read_text(encoding="utf-8"))
    assert sidecar["options"] == {"catalogue": "studie"}
    crit = tmp_path / "kritikalitet.csv"
    crit.write_text("förmåga;kritikalitet\nStyrning av AI;high\n", encoding="utf-8")
    import_file("capability_criticality", crit, name="krit", options={"catalogue": "studie"})
    criticality = load_criticality("krit", study)
    assert criticality["ai_governance"] == "high" and criticality["data_driven_development"] == "normal"
    will = tmp_path / "vilja.csv"
    will.write_text("kommun;förmåga;leda;ta emot\nUddevalla;AI-styrning;ja;nej\n", encoding="utf-8")
    import_file("capability_willingness", will, name="vilja", options={"catalogue": "studie"})


def test_an_alias_that_names_two_capabilities_is_an_error(project, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text("id;förmåga;name;grupp;alias\nai_governance;AI-styrning;AI governance;governance;"
                    "Leverantörshantering\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="'Leverantörshantering' would name two capabilities"):
        import_file("capability_catalogue", path, name="krock")


@pytest.mark.slow
def test_notebooks_05_and_06_run_on_a_catalogue_with_two_new_capabilities(study):
    from digimotor.config import project_root
    from digimotor.run import reproduce

    import_file("capabilities", DATA / "study_assessment.csv", name="egen", options={"catalogue": "studie"})
    result = reproduce(only=["05-capability-map", "06-scenarios"],
                       parameters={"source": "egen", "catalogue_source": "studie", "willingness_source": "default",
                                   "collaborations_source": "published", "lang": "en"},
                       echo=lambda _m: None)
    assert result.ok, [r.error for r in result.results if r.error]
    processed = project_root() / "data/processed"
    catalogue = (processed / "capabilities_catalogue.csv").read_text(encoding="utf-8")
    assert "ai_governance,AI governance" in catalogue and "data_driven_development" in catalogue
    ranking = (processed / "capabilities_joint_ranking.csv").read_text(encoding="utf-8")
    # by hand: AI-styrning scores 5, 1, 3, 5, 2, 3 on 1-5 -> mean normalised (4+0+2+4+1+2)/24 = 13/24
    assert "strongest,1,ai_governance,0.5416666666666666,0.5,6,user" in ranking
    assert "weakest,1,data_driven_development," in ranking
    pairs = (processed / "scenarios_pairs.csv").read_text(encoding="utf-8")
    # Sotenäs (5) leads Munkedal (1) on AI-styrning along the SML-IT tie
    assert "ai_governance,4,1427,1430,1.0,1.0,-1.25,user" in pairs
    assert "ai_governance" in pairs and "data_driven_development" in pairs
