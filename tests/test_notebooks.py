"""Every notebook runs through the real pipeline (papermill + nbconvert) in a copy of the project."""

import pytest

from digimotor.pipeline import discover_notebooks, reproduce

pytestmark = pytest.mark.slow


def _notebook_names():
    from pathlib import Path

    return sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("name", _notebook_names())
def test_notebook_runs_with_defaults(project, name):
    result = reproduce(only=[name], echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    page = project / "build" / "site" / f"{name}.html"
    assert page.exists() and page.stat().st_size > 10_000
    assert (project / "build" / "site" / "index.html").exists()


def test_demography_outputs_and_english_labels(project):
    result = reproduce(only=["01-demography"], parameters={"lang": "en"}, echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    table = (project / "data/processed/fig07_population_forecast.csv").read_text().splitlines()
    assert table[0] == "municipality_code,municipality,population_base,population_target,change,change_pct,data_kind"
    assert table[-1].startswith(",Fyrbodal,273900,273400,-500,")
    assert (project / "figures/fig06_population_forecast.svg").exists()
    html = (project / "build/site/01-demography.html").read_text()
    assert "Population 2030 forecast" in html


def test_bad_region_is_refused_before_any_kernel_starts(project):
    from digimotor.errors import ParameterError

    with pytest.raises(ParameterError, match="not a known region.*Fyrbodal"):
        reproduce(only=["01-demography"], parameters={"region": "Fyrbodl"}, echo=lambda _msg: None)
    assert not (project / "build" / "notebooks").exists()


def test_unknown_notebook_name(project):
    from digimotor.errors import DigimotorError

    with pytest.raises(DigimotorError, match="notebooks: 01-demography"):
        discover_notebooks(["99-nothing"])
