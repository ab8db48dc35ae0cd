"""Shared fixtures.

``project`` gives each test its own copy of the project's inputs (``data/raw``,
``data/claims``, ``notebooks``) in a temporary folder and points ``DIGIMOTOR_ROOT`` at it,
so tests can import, corrupt and write without touching the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    for part in ("data/raw", "data/claims", "notebooks"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "data" / "processed").mkdir()
    (root / "figures").mkdir()
    monkeypatch.setenv("DIGIMOTOR_ROOT", str(root))
    return root


@pytest.fixture
def repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The checkout itself, read-only use."""
    monkeypatch.setenv("DIGIMOTOR_ROOT", str(REPO))
    return REPO
