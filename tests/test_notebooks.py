"""Every notebook runs through the real pipeline (papermill + nbconvert) in a copy of the project.

The default run of all notebooks happens once per session (``default_run`` in conftest.py);
the tests here inspect it.
"""

import pytest

from digimotor.run import discover_notebooks, reproduce

pytestmark = pytest.mark.slow


def _notebook_names():
    from pathlib import Path

    return sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("name", _notebook_names())
def test_notebook_runs_with_defaults(default_run, name):
    project = default_run.root
    result = default_run.only(name)
    assert result.ok, result.results[0].error
    page = project / "build" / "site" / f"{name}.html"
    assert page.exists() and page.stat().st_size > 10_000
    assert (project / "build" / "site" / "index.html").exists()


def test_demography_outputs_and_english_labels(english_run):
    project, result = english_run.root, english_run.only("01-demography")  # what lang=en gives
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


def test_full_run_scorecard_has_no_differing_derived_claim(default_run, project):
    """All notebooks in one parallel run; the scorecard built from what they recorded.

    The run is the session's ``default_run``; determinism is checked by a second (forced) full run
    on the same inputs in this test's own copy of the project: byte-identical CSVs, SVGs and
    executed notebooks.
    """
    import csv

    result, shared = default_run.result, default_run.root
    fresh, project = project, shared
    failed = {r.name: f"cell {r.cell}: {r.error}" for r in result.results if r.status != "done"}
    assert not failed, failed
    with open(project / "build" / "scorecard.csv", encoding="utf-8") as fh:
        card = list(csv.DictReader(fh))
    assert card, "empty scorecard"
    differs = [(row["claim_id"], row["published_value"], row["computed_value"]) for row in card
               if row["outcome"] == "differs"]
    assert differs == []
    # every derived claim of a part whose notebook recorded claims was computed
    recorded = {p.stem for p in (project / "data" / "processed" / "claims").glob("*.json")}
    missing = [row["claim_id"] for row in card if row["status"] == "derived" and row["part"] in recorded
               and row["outcome"] == "not computed"]
    assert missing == []
    assert (project / "build" / "site" / "scorecard.csv").read_bytes() == (project / "build" / "scorecard.csv").read_bytes()
    # determinism: a second (forced) run on the same inputs gives byte-identical CSVs, SVGs and
    # executed notebooks (their outputs do not depend on the figure formats the run writes)
    products = sorted([*(project / "data" / "processed").rglob("*.csv"), *(project / "figures").glob("*.svg"),
                       *(project / "build" / "notebooks").glob("*.ipynb")])
    assert len(list((project / "build" / "notebooks").glob("*.ipynb"))) == len(result.results) == len(_notebook_names())
    first = {p.relative_to(project): p.read_bytes() for p in products}
    project = fresh  # DIGIMOTOR_ROOT points here
    again = reproduce(force=True, echo=lambda _msg: None)
    assert again.ok
    changed = [str(p) for p in first if (project / p).read_bytes() != first[p]]
    assert changed == []


def test_demography_on_an_imported_two_municipality_snapshot(project, tmp_path):
    """A user's own small file: import it, then run the notebook on it for a custom region."""
    from digimotor.importer import import_file

    source = tmp_path / "mina.csv"
    source.write_bytes("Kommun;År;Folkmängd\r\nÅmål;2019;12 600\r\nVanersborg;2019;39 600\r\n"
                       "Åmål;2030;12 000\r\nVänersborg;2030;38 300\r\n".encode("cp1252"))
    import_file("population_forecast", source, name="mina")
    result = reproduce(only=["01-demography"], parameters={"source": "mina", "region": ["Åmål", "Vänersborg"]},
                       echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    table = (project / "data/processed/fig07_population_forecast.csv").read_text().splitlines()
    assert table[1].startswith("1487,Vänersborg,39600,38300,-1300,") and table[-1].endswith(",user")
