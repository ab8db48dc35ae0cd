"""The runner's speed work (issue 18): job order of a first run, and the one-parameter-change path."""

from __future__ import annotations

from pathlib import Path

import pytest

QUIET = {"echo": lambda _m: None}


def _notebook(folder: Path, name: str, codes: list[str]) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name} · test"), *(nbformat.v4.new_code_cell(c) for c in codes)]
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    (folder / f"{name}.params.yml").write_text("{}\n", encoding="utf-8")


def test_a_first_run_starts_the_notebooks_with_most_code_cells_first(project):
    """No last-run time (a fresh copy): the study's notebooks start by their number of code cells."""
    from digimotor.run import reproduce
    from digimotor.run.plan import code_cells

    cells = {p.stem: code_cells(p) for p in (project / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    assert cells == {"01-demography": 8, "02-broadband": 12, "03-dimios-maturity": 13, "04-tbm-cost": 20,
                     "05-capability-map": 13, "06-scenarios": 21, "07-survey-and-strategy": 17}
    planned = reproduce(force=True, dry_run=True, **QUIET).planned
    assert planned == [("06-scenarios", "forced"), ("04-tbm-cost", "forced"), ("07-survey-and-strategy", "forced"),
                       ("03-dimios-maturity", "forced"), ("05-capability-map", "forced"),
                       ("02-broadband", "forced"), ("01-demography", "forced")]


def test_empty_code_cells_do_not_count_and_an_unreadable_notebook_counts_none(tmp_path):
    from digimotor.run.plan import SECONDS_PER_CODE_CELL, code_cells, estimated_seconds

    _notebook(tmp_path, "10-x", ["x = 1", "", "   \n", "y = 2"])
    assert code_cells(tmp_path / "10-x.ipynb") == 2
    assert estimated_seconds(tmp_path / "10-x.ipynb", None) == 2 * SECONDS_PER_CODE_CELL
    assert estimated_seconds(tmp_path / "10-x.ipynb", {"seconds": 7.5}) == 7.5  # a known time wins
    (tmp_path / "11-broken.ipynb").write_text("{not json", encoding="utf-8")
    assert code_cells(tmp_path / "11-broken.ipynb") == 0
    assert code_cells(tmp_path / "12-missing.ipynb") == 0


@pytest.mark.slow
def test_the_last_run_time_wins_over_the_estimate_from_code_cells(project):
    """Three quick cells are estimated longer than one slow cell, until both have run once."""
    from digimotor.run import reproduce

    folder = project / "notebooks"
    for path in folder.glob("[0-9][0-9]-*"):
        path.unlink()
    _notebook(folder, "10-slow", ["import time\ntime.sleep(1.2)"])
    _notebook(folder, "11-many", ["a = 1", "b = 2", "c = 3"])
    assert reproduce(dry_run=True, **QUIET).planned == [("11-many", "never run"), ("10-slow", "never run")]
    first = reproduce(**QUIET)
    assert first.ok and [r.name for r in first.results] == ["10-slow", "11-many"]  # results keep notebook order
    assert reproduce(force=True, dry_run=True, **QUIET).planned == [("10-slow", "forced"), ("11-many", "forced")]
