"""The study's notebooks run once per test session, for the tests that only inspect such a run.

Each entry of :data:`SHARED_RUNS` is a session fixture of ``tests/conftest.py``:
``default_run`` (every notebook with its default parameters, every figure format: the slide
PNGs and the deck included) and ``english_run`` (the same with ``lang=en``, PNG and SVG).
``tests/conftest.py`` starts this script in the background as soon as a test session has
selected a test that uses the fixture (``python tests/shared_run.py BASE FIXTURE``), holding a
file lock on ``BASE/.lock`` until it ends; the fixture waits for the lock and reads
``BASE/result.json``. The run itself is an ordinary ``digimotor.run.reproduce()`` in a
fresh copy of the project at ``BASE/project``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: fixture name -> the folder of its run, the parameters of every notebook, the figure formats
SHARED_RUNS = {
    "default_run": ("default-run", {}, "png,svg,slide"),
    "english_run": ("english-run", {"lang": "en"}, "png,svg"),
}
RESULT_FIELDS = ("name", "status", "seconds", "error", "cell", "cached", "reason", "cell_id")


def once_per_session(factory, name: str, build: Callable[[Path], Any]) -> Any:
    """``build(folder)`` once per test session, shared by every xdist worker; what it returned.

    The first caller builds in ``<session temp>/<name>/folder`` holding a file lock and pickles
    the value; the others wait for the lock and read it (``factory``: ``tmp_path_factory``).
    Where there is no ``fcntl``, each worker builds its own.
    """
    import pickle

    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    base = base / name
    base.mkdir(exist_ok=True)
    record = base / "value.pickle"
    try:
        import fcntl
    except ImportError:
        return build(factory.mktemp(name))
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            try:
                value = {"value": build(base / "folder")}
            except Exception as exc:
                value = {"failed": f"{type(exc).__name__}: {exc}"}
            record.write_bytes(pickle.dumps(value))
    value = pickle.loads(record.read_bytes())
    if "failed" in value:
        raise RuntimeError(f"the session's {name} could not be built: {value['failed']}")
    return value["value"]


def copy_project(root: Path) -> Path:
    """A fresh copy of the project's inputs and notebooks at ``root`` (no outputs)."""
    for part in ("data/raw", "data/claims", "notebooks"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "data" / "processed").mkdir()
    (root / "figures").mkdir()
    return root


def run_shared(base: Path, fixture: str = "default_run") -> None:
    """Run every notebook as the shared run ``fixture`` does (:data:`SHARED_RUNS`) in ``base/project``;
    record the outcome in ``base/result.json``.

    Sets ``DIGIMOTOR_ROOT`` for the run and puts the previous value back afterwards.
    """
    from digimotor.run import reproduce

    record = base / "result.json"
    before = os.environ.get("DIGIMOTOR_ROOT")
    try:
        shutil.rmtree(base / "project", ignore_errors=True)  # a run that was stopped half-way
        root = copy_project(base / "project")
        os.environ["DIGIMOTOR_ROOT"] = str(root)
        _folder, parameters, formats = SHARED_RUNS[fixture]
        result = reproduce(parameters=parameters, formats=formats, echo=lambda _msg: None)
    except BaseException as exc:
        record.write_text(json.dumps({"failed": f"{type(exc).__name__}: {exc}"}), encoding="utf-8")
        raise
    finally:
        if before is None:
            os.environ.pop("DIGIMOTOR_ROOT", None)
        else:
            os.environ["DIGIMOTOR_ROOT"] = before
    results = [{f: getattr(r, f) for f in RESULT_FIELDS} for r in result.results]
    record.write_text(json.dumps({"results": results, "seconds": result.seconds}), encoding="utf-8")


if __name__ == "__main__":
    run_shared(Path(sys.argv[1]), *sys.argv[2:3])
