"""Shared fixtures.

``project`` gives each test its own copy of the project's inputs (``data/raw``,
``data/claims``, ``notebooks``) in a temporary folder and points ``DIGIMOTOR_ROOT`` at it,
so tests can import, corrupt and write without touching the checkout.

``default_run`` is the study's notebooks run once per test session with their default
parameters, in a copy of its own: the tests that only inspect what a default run produced
(pages, tables, figures, the scorecard) share it instead of running the notebooks again.
Under pytest-xdist the workers share one run too: the first worker that needs it runs it
into the session's common temporary folder while holding a file lock; the others wait for
the lock and read the recorded result.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


def copy_project(root: Path) -> Path:
    """A fresh copy of the project's inputs and notebooks at ``root`` (no outputs)."""
    for part in ("data/raw", "data/claims", "notebooks"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "data" / "processed").mkdir()
    (root / "figures").mkdir()
    return root


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
    result: object  # digimotor.pipeline.RunResult

    def only(self, name: str):
        """The run's result for one notebook, as ``reproduce(only=[name])`` would return it."""
        from digimotor.pipeline import RunResult

        return RunResult(results=[r for r in self.result.results if r.name == name], site=self.result.site,
                         scorecard=self.result.scorecard, seconds=self.result.seconds)


_RESULT_FIELDS = ("name", "status", "seconds", "error", "cell", "cached", "reason", "cell_id")


def _run_defaults(base: Path) -> None:
    """Run every notebook with defaults in a project copy under ``base``; record the outcome."""
    from digimotor.pipeline import reproduce

    record = base / "result.json"
    try:
        root = copy_project(base / "project")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DIGIMOTOR_ROOT", str(root))
            result = reproduce(echo=lambda _msg: None)
    except BaseException as exc:
        record.write_text(json.dumps({"failed": f"{type(exc).__name__}: {exc}"}), encoding="utf-8")
        raise
    results = [{f: getattr(r, f) for f in _RESULT_FIELDS} for r in result.results]
    record.write_text(json.dumps({"results": results, "seconds": result.seconds}), encoding="utf-8")


def _load_run(base: Path) -> SharedRun:
    from digimotor.pipeline import NotebookResult, RunResult

    record = json.loads((base / "result.json").read_text(encoding="utf-8"))
    if "failed" in record:
        pytest.fail(f"the shared default run failed: {record['failed']}")
    root = base / "project"
    site = root / "build" / "site"
    results = [NotebookResult(**r, html=site / f"{r['name']}.html") for r in record["results"]]
    return SharedRun(root, RunResult(results=results, site=site / "index.html",
                                     scorecard=root / "build" / "scorecard.csv", seconds=record["seconds"]))


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> SharedRun:
    """Every notebook run once, with default parameters, in its own copy of the project."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        base = tmp_path_factory.mktemp("default-run")
        _run_defaults(base)
        return _load_run(base)
    import fcntl

    base = tmp_path_factory.getbasetemp().parent / "default-run"  # common to this session's workers
    base.mkdir(exist_ok=True)
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the run raises
        if not (base / "result.json").exists():
            _run_defaults(base)
    return _load_run(base)
