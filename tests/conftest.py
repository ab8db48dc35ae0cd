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
folder, guarded by a file lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from shared_run import REPO, copy_project, run_defaults

TEST_DATA = Path(__file__).resolve().parent / "data"
__all__ = ["REPO", "TEST_DATA", "copy_project"]


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


def _shared_base(factory: pytest.TempPathFactory) -> Path:
    """Where the shared run lives: the session's temporary folder, common to all xdist workers."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    base = base / "default-run"
    base.mkdir(exist_ok=True)
    return base


def _load_run(base: Path) -> SharedRun:
    from digimotor.run import NotebookResult, RunResult

    record = json.loads((base / "result.json").read_text(encoding="utf-8"))
    if "failed" in record:
        pytest.fail(f"the shared default run failed: {record['failed']}")
    root = base / "project"
    site = root / "build" / "site"
    results = [NotebookResult(**r, html=site / f"{r['name']}.html") for r in record["results"]]
    return SharedRun(root, RunResult(results=results, site=site / "index.html",
                                     scorecard=root / "build" / "scorecard.csv", seconds=record["seconds"]))


_BACKGROUND: list[subprocess.Popen] = []


@pytest.fixture(scope="session", autouse=True)
def _start_default_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Start the shared default run in the background if a selected test will read it."""
    if os.name != "posix" or not any("default_run" in getattr(item, "fixturenames", ())
                                     for item in request.session.items):
        return
    import fcntl

    base = _shared_base(tmp_path_factory)
    lock = open(base / ".lock", "w")  # handed to the child, closed here at once
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another worker has started it
        lock.close()
        return
    if not (base / "result.json").exists():
        # the child inherits the locked file and holds the lock until it ends
        log = open(base / "run.log", "w")
        _BACKGROUND.append(subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("shared_run.py")), str(base)],
            pass_fds=(lock.fileno(),), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        ))
        log.close()
    lock.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for child in _BACKGROUND:  # another worker may still wait for it; an interrupted session does not
        if exitstatus == pytest.ExitCode.INTERRUPTED and child.poll() is None:
            child.terminate()
        child.wait(600)


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory, _start_default_run: None) -> SharedRun:
    """Every notebook run once, with default parameters, in its own copy of the project."""
    base = _shared_base(tmp_path_factory)
    if os.name == "posix":
        import fcntl

        with open(base / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # waits for the background run
            if not (base / "result.json").exists():  # it did not start or did not finish
                run_defaults(base)
    elif not (base / "result.json").exists():
        run_defaults(base)
    return _load_run(base)
