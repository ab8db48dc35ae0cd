"""Notebook 03-dimios-maturity through the real pipeline: synthetic, English, an imported survey."""

import pandas as pd
import pytest

from digimotor.errors import ParameterError
from digimotor.importer import import_file
from digimotor.model.dimios import AREAS
from digimotor.run import reproduce

pytestmark = pytest.mark.slow
NAME = "03-dimios-maturity"


def _run(parameters):
    result = reproduce(only=[NAME], parameters=parameters, echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    return result


def test_published_default_outputs(default_run):
    project = default_run.root
    result = default_run.only(NAME)  # the session's default run: what _run({}) would give
    assert result.ok, result.results[0].error
    areas = pd.read_csv(project / "data/processed/fig09_dimios_areas.csv")
    assert areas["data_kind"].eq("published").all() and areas["mean"].tolist() == [3.4, 3.4, 3.3, 4.3, 4.5, 4.3]
    typology = pd.read_csv(project / "data/processed/fig11_dimios_typology.csv")
    assert typology["dimios_type"].tolist() == ["B"]  # the average only: positions are not public
    for name in ("fig10_dimios_spider", "fig11_dimios_typology", "fig13_dimios_infosec_management"):
        assert (project / "figures" / f"{name}.png").exists()
    html = (project / "build/site" / f"{NAME}.html").read_text()
    assert "83 %" in html and "oläslig" in html  # the report's own level, unreadable (a Swedish page)


def test_synthetic_in_english(project):
    _run({"source": "synthetic", "lang": "en", "min_respondents": 4, "year": 2020, "earlier_years": 1})
    typology = pd.read_csv(project / "data/processed/fig11_dimios_typology.csv")
    assert len(typology) == 14 and typology["data_kind"].eq("synthetic").all()
    sensitivity = pd.read_csv(project / "data/processed/fig11_dimios_sensitivity.csv")
    assert sensitivity["shift"].tolist() == [0.0, 0.25, 0.5, 1.0]
    html = (project / "build/site" / f"{NAME}.html").read_text()
    assert "Maturity % (mean/6)" in html and "fewer than 4 respondents" in html


def test_an_imported_survey(project, tmp_path):
    lines = ["Kommun;År;Svarande;Område;Poäng"]
    for town, base in (("Mellerud", 2), ("Lysekil", 4), ("Orust", 5)):
        for respondent in ("a", "b", "c"):
            for k, area in enumerate(AREAS.values()):
                lines.append(f"{town};2024;{respondent};{area[0]};{base + (k % 2) * 0.5:.1f}".replace(".", ","))
    path = tmp_path / "enkat.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    import_file("dimios", path, name="dals-2024")
    _run({"source": "dals-2024", "region_label": "Dalsland"})
    towns = pd.read_csv(project / "data/processed/dimios_municipality_scores.csv", dtype={"municipality_code": str})
    assert towns["data_kind"].eq("user").all()
    assert towns.set_index("municipality_code")["dimios_type"].to_dict() == {"1421": "D", "1461": "A", "1484": "D"}


def test_bad_parameters_fail_before_a_kernel_starts(project):
    with pytest.raises(ParameterError, match="'split' = 7.0 is above its maximum"):
        reproduce(only=[NAME], parameters={"split": 7.0}, echo=lambda _msg: None)
    with pytest.raises(ParameterError, match="maturity_formula"):
        reproduce(only=[NAME], parameters={"maturity_formula": "mean/5"}, echo=lambda _msg: None)


def test_a_missing_snapshot_names_the_available_ones(project):
    result = reproduce(only=[NAME], parameters={"source": "nowhere"}, echo=lambda _msg: None)
    assert not result.ok and "no snapshot 'nowhere' of dataset dimios" in result.results[0].error
    assert "synthetic" in result.results[0].error
