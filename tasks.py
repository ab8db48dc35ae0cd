#!/usr/bin/env python3
"""Set up the project's environment and run its main jobs: the Quick start's entry point.

    python3 tasks.py reproduce [ARGS...]   set up .venv, then `digimotor reproduce ARGS`
    python3 tasks.py test [PYTEST ARGS...] set up .venv, then ruff and the test suite
    python3 tasks.py test --fast [ARGS...] the same without the slow tests (-m "not slow")
    python3 tasks.py lab                   set up .venv, then open JupyterLab in it

Only the Python standard library is used here, so this runs on a fresh machine with
Python 3.11+ and access to the package registries. The virtual environment lives in
``.venv/`` (override with DIGIMOTOR_VENV) and is reinstalled only when pyproject.toml changes.

The tests run on every core with pytest-xdist (``-n auto``; the workers share one run of the
notebooks, see tests/conftest.py); DIGIMOTOR_TEST_WORKERS=N sets the number of workers (0: no
xdist), and an explicit ``-n``/``--dist``/``-p no:xdist`` among the pytest arguments wins.
The test session writes figures as PNG and SVG only (``DIGIMOTOR_FIGURE_FORMATS=png,svg``
unless set; the tests of slide PNGs and the deck write every format).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("DIGIMOTOR_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".digimotor-install-stamp"


def say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def run(*args: str | os.PathLike[str]) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def ensure_environment() -> None:
    """Create .venv and install the package with its test extras when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file may be run by an older python3
        sys.exit(f"digimotor needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    say("installing digimotor and its dependencies (first run: a few minutes)")
    code = run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-e", f"{ROOT}[test]")
    if code != 0:
        sys.exit(f"[tasks] pip install failed with exit code {code}")
    STAMP.write_text(wanted)


def pytest_args(rest: list[str]) -> list[str]:
    """The pytest command line: ``--fast`` deselects the slow tests; xdist unless told otherwise."""
    args = [a for a in rest if a != "--fast"]
    if len(args) != len(rest):
        args = ["-m", "not slow", *args]
    workers = os.environ.get("DIGIMOTOR_TEST_WORKERS", "auto").strip() or "auto"
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) or a in ("no:xdist", "-pno:xdist")
                 for a in args)
    if chosen or workers == "0":
        return args
    try:
        has_xdist = subprocess.call([str(PYTHON), "-c", "import xdist"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) == 0
    except OSError:
        has_xdist = False
    return ["-n", workers, *args] if has_xdist else args


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    task, rest = argv[0], argv[1:]
    if task not in ("reproduce", "test", "lab"):
        print(f"unknown task '{task}'\n{__doc__}", file=sys.stderr)
        return 2
    ensure_environment()
    if task == "reproduce":
        return run(BIN / "digimotor", "reproduce", *rest)
    if task == "lab":
        return run(BIN / "jupyter", "lab", "--notebook-dir", ROOT / "notebooks", *rest)
    code = run(BIN / "ruff", "check", "digimotor", "tests", "notebooks", "benchmarks", "tasks.py")
    if code != 0:
        say("ruff found problems (see above)")
        return code
    return run(PYTHON, "-m", "pytest", *pytest_args(rest))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
