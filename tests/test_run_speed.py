"""The runner's speed work (issue 18): job order of a first run, and the one-parameter-change path."""

from __future__ import annotations

import os
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


def test_work_on_a_file_is_kept_by_its_bytes_never_by_its_name(project, tmp_path):
    from digimotor.site import memo
    from digimotor.site.exhibits import _anchors_file, page_anchors, store_anchors

    calls = []

    def parse(data: bytes) -> str:
        calls.append(data)
        return data.decode().upper()

    path = tmp_path / "page.html"
    path.write_text("one", encoding="utf-8")
    assert memo.by_content(path, "test", parse) == "ONE"
    assert memo.by_content(path, "test", parse) == "ONE" and len(calls) == 1  # same bytes: done once
    path.write_text("two", encoding="utf-8")
    assert memo.by_content(path, "test", parse) == "TWO" and len(calls) == 2  # changed: read again
    with pytest.raises(OSError):
        memo.by_content(tmp_path / "missing.html", "test", parse)

    heading = '<h2 id="{0}">{1}<a class="anchor-link" href="#{0}">¶</a></h2>'
    path.write_text(heading.format("Befolkning", "Befolkning"), encoding="utf-8")
    assert page_anchors(path) == {"Befolkning": "#Befolkning"}
    path.write_text(heading.format("Bredband", "Bredband"), encoding="utf-8")
    assert page_anchors(path) == {"Bredband": "#Bredband"}
    assert page_anchors(tmp_path / "missing.html") == {}
    # stored by the runner for the next runs, by the page's bytes: a new process reads the file
    stored = _anchors_file(path.read_bytes())
    assert not stored.exists()  # reading a page never writes
    store_anchors(path)
    assert stored.parent == project / "build" / "cache" / "anchors" and stored.exists()
    stored.write_text('{"Bredband": "#from-the-cache"}', encoding="utf-8")
    memo.forget()
    assert page_anchors(path) == {"Bredband": "#from-the-cache"}
    stored.write_text('["not", "anchors"]', encoding="utf-8")  # a malformed file: the page is read again
    memo.forget()
    assert page_anchors(path) == {"Bredband": "#Bredband"}


def _lab(project: Path) -> Path:
    folder = project / "notebooks"
    for path in folder.glob("[0-9][0-9]-*"):
        path.unlink()
    _notebook(folder, "10-table", ["import pandas as pd\npd.DataFrame({'kommun': ['Åmål'], 'n': [1.5]})",
                                   "from IPython.display import Markdown\nMarkdown('## Rubrik i utdata')"])
    _notebook(folder, "11-figure", ["import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])",
                                    "print('klart')"])
    return folder


@pytest.mark.slow
def test_a_page_the_parent_renders_equals_the_page_a_worker_renders(project):
    """Two notebooks on two workers: the parent renders the pages; one worker: each worker its own."""
    from digimotor.run import reproduce

    _lab(project)
    site = project / "build" / "site"
    by_parent = reproduce(jobs=2, **QUIET)
    assert by_parent.ok
    pages = {name: (site / f"{name}.html").read_bytes() for name in ("10-table", "11-figure")}
    assert b"Rubrik i utdata" in pages["10-table"] and b"klart" in pages["11-figure"]
    by_workers = reproduce(jobs=1, force=True, **QUIET)
    assert by_workers.ok
    assert {name: (site / f"{name}.html").read_bytes() for name in pages} == pages


@pytest.mark.slow
def test_a_worker_that_dies_after_its_notebook_ran_gets_a_failure_page(project, monkeypatch):
    """The parent rendered the page from the executed notebook; the worker then died (waiting for
    its slides): the page published is the failure page, not the rendered one."""
    import contextlib
    import signal
    import time

    from digimotor.run import execute, reproduce

    _lab(project)

    @contextlib.contextmanager
    def slides_then_die(limit=1):
        yield
        if Path.cwd().name == "11-figure":  # the worker of 11-figure, its notebook written and announced
            time.sleep(1.0)  # the parent renders the page meanwhile
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(execute, "background_slides", slides_then_die)
    result = reproduce(jobs=2, **QUIET)
    ok, dead = result.results
    assert ok.status == "done" and dead.status == "failed" and "SIGKILL" in dead.error
    page = (project / "build" / "site" / "11-figure.html").read_text(encoding="utf-8")
    assert "Notebooken misslyckades" in page and "SIGKILL" in page
