"""Shared fixtures.

``project`` gives each test its own copy of the project's inputs (``data/raw``,
``data/claims``, ``notebooks``) in a temporary folder and points ``DIGIMOTOR_ROOT`` at it,
so tests can import, corrupt and write without touching the checkout.

``default_run`` is the study's notebooks run once per test session with their default
parameters, in a copy of its own: the tests that only inspect what a default run produced
(pages, tables, figures, the scorecard) share it instead of running the notebooks again.
Every test that uses it is marked ``xdist_group("default_run")`` here, so that under
pytest-xdist (``--dist loadgroup``) they all go to one worker and the run happens once.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "default_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("default_run"))


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


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> SharedRun:
    """Every notebook run once, with default parameters, in its own copy of the project."""
    from digimotor.pipeline import reproduce

    root = copy_project(tmp_path_factory.mktemp("default-run") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIGIMOTOR_ROOT", str(root))
        result = reproduce(echo=lambda _msg: None)
    return SharedRun(root, result)
