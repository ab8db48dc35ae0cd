"""Shared fixtures.

``project`` gives each test its own copy of the project's inputs (``data/raw``,
``data/claims``, ``notebooks``) in a temporary folder and points ``DIGIMOTOR_ROOT`` at it,
so tests can import, corrupt and write without touching the checkout.

``default_run`` is the study's notebooks run once per test session with their default
parameters, in a copy of its own: the tests that only inspect what a default run produced
(pages, tables, figures, the scorecard) share it instead of running the notebooks again.
As soon as a session has selected such a test, the run starts in the background
(``tests/shared_run.py``) while other tests go on; the fixture waits for it. Under
pytest-xdist all workers share the one run: it lives in the session's common temporary
folder, guarded by a file lock. ``english_run`` is the same with ``lang=en`` (PNG and SVG):
for the tests that inspect an English run with otherwise default parameters. The tests that
use either run are marked ``slow`` and moved to the end of the session, so that they find it
finished rather than wait for it; the other slow tests go first (``_order``), and pytest-xdist
hands the tests out one at a time (``--maxschedchunk 1`` unless given). A module fixture that
runs notebooks is built once for all workers with ``shared_run.once_per_session``.

Figure formats: the session writes PNG and SVG (``DIGIMOTOR_FIGURE_FORMATS=png,svg``, unless
the variable is set already), not the 16:9 slide PNGs that almost no test looks at. The
``default_run`` writes every format; a test of the slide PNGs or the deck of a run of its own
takes the fixture ``every_figure_format``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from shared_run import REPO, SHARED_RUNS, copy_project, run_shared

# As the runner's warm parent does (digimotor.run.workers.warm_up): jsonschema, imported by
# nbformat, would import the optional rfc3987_syntax for the "iri" string format, which builds
# a parser grammar at import (1.5 s in every test process). Notebook schemas use no such format.
sys.modules.setdefault("rfc3987_syntax", None)

TEST_DATA = Path(__file__).resolve().parent / "data"
__all__ = ["REPO", "TEST_DATA", "copy_project"]
#: What the test session's notebook runs write unless a test asks for more (no slide PNGs).
SESSION_FIGURE_FORMATS = "png,svg"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DIGIMOTOR_FIGURE_FORMATS", SESSION_FIGURE_FORMATS)
    if getattr(config.option, "maxschedchunk", False) is None:
        # pytest-xdist hands out one test at a time, not a quarter of the tests at once: the slow
        # tests come first (_order) and would otherwise all go to the first worker
        config.option.maxschedchunk = 1


def _order(item: pytest.Item) -> int:
    """Where a test goes: the slow ones first and the quick ones after them (so that the two
    xdist workers finish together), then those that read a shared run (by then it has finished),
    those of them that also run notebooks of their own first."""
    names = getattr(item, "fixturenames", ())
    if not any(name in SHARED_RUNS for name in names):
        return 0 if item.get_closest_marker("slow") else 1
    return 2 if "project" in names else 3


@pytest.hookimpl(tryfirst=True)  # before ``-m "not slow"`` deselects
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    for item in items:  # a test that reads a shared run waits for every notebook: slow
        if any(name in SHARED_RUNS for name in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_order)  # stable: in their order within each group


@pytest.fixture(autouse=True)
def _no_figure_left_open():
    """No test leaves a pyplot figure open in its worker: the fork engine's children inherit the
    parent's open figures, and a later test's notebook run would show them on its pages."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture
def every_figure_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs and ``save_figure`` calls of this test write every figure format (slide PNGs too)."""
    monkeypatch.delenv("DIGIMOTOR_FIGURE_FORMATS", raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("DIGIMOTOR_ROOT", str(root))
    return root


@pytest.fixture
def repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The checkout itself, read-only use."""
    monkeypatch.setenv("DIGIMOTOR_ROOT", str(REPO))
    return REPO


@dataclass(frozen=True)
class SharedRun:
    """A finished ``reproduce()`` of every notebook with defaults: read it, never write into it."""

    root: Path
    result: object  # digimotor.run.RunResult

    def only(self, name: str):
        """The run's result for one notebook, as ``reproduce(only=[name])`` would return it."""
        from digimotor.run import RunResult

        return RunResult(results=[r for r in self.result.results if r.name == name], site=self.result.site,
                         scorecard=self.result.scorecard, seconds=self.result.seconds)


def _shared_base(factory: pytest.TempPathFactory, fixture: str) -> Path:
    """Where a shared run lives: the session's temporary folder, common to all xdist workers."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    base = base / SHARED_RUNS[fixture][0]
    base.mkdir(exist_ok=True)
    return base


def _load_run(base: Path, fixture: str) -> SharedRun:
    from digimotor.run import NotebookResult, RunResult

    record = json.loads((base / "result.json").read_text(encoding="utf-8"))
    if "failed" in record:
        pytest.fail(f"the shared run {fixture} failed: {record['failed']}")
    root = base / "project"
    site = root / "build" / "site"
    results = [NotebookResult(**r, html=site / f"{r['name']}.html") for r in record["results"]]
    return SharedRun(root, RunResult(results=results, site=site / "index.html",
                                     scorecard=root / "build" / "scorecard.csv", seconds=record["seconds"]))


_BACKGROUND: list[subprocess.Popen] = []


@pytest.fixture(scope="session", autouse=True)
def _start_shared_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Start each shared run in the background that a selected test will read."""
    if os.name != "posix":
        return
    import fcntl

    wanted = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for fixture in SHARED_RUNS:
        if fixture not in wanted:
            continue
        base = _shared_base(tmp_path_factory, fixture)
        lock = open(base / ".lock", "w")  # handed to the child, closed here at once
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another worker has started it
            lock.close()
            continue
        if not (base / "result.json").exists():
            # the child inherits the locked file and holds the lock until it ends
            log = open(base / "run.log", "w")
            _BACKGROUND.append(subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("shared_run.py")), str(base), fixture],
                pass_fds=(lock.fileno(),), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
            ))
            log.close()
        lock.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for child in _BACKGROUND:  # another worker may still wait for it; an interrupted session does not
        if exitstatus == pytest.ExitCode.INTERRUPTED and child.poll() is None:
            child.terminate()
        child.wait(600)


def _shared_run(factory: pytest.TempPathFactory, fixture: str) -> SharedRun:
    """Wait for the shared run ``fixture`` (run it here if it did not start or did not finish)."""
    base = _shared_base(factory, fixture)
    if os.name == "posix":
        import fcntl

        with open(base / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # waits for the background run
            if not (base / "result.json").exists():
                run_shared(base, fixture)
    elif not (base / "result.json").exists():
        run_shared(base, fixture)
    return _load_run(base, fixture)


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory, _start_shared_runs: None) -> SharedRun:
    """Every notebook run once, with default parameters and every figure format, in its own copy
    of the project."""
    return _shared_run(tmp_path_factory, "default_run")


@pytest.fixture(scope="session")
def english_run(tmp_path_factory: pytest.TempPathFactory, _start_shared_runs: None) -> SharedRun:
    """Every notebook run once with ``lang=en`` (otherwise default parameters; PNG and SVG), in its
    own copy of the project."""
    return _shared_run(tmp_path_factory, "english_run")
