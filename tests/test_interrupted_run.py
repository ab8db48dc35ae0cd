"""A reproduction killed mid-run: nothing is corrupted and the next run recovers by itself."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from single_notebook import only_notebook

from digimotor.checks import check_raw_data
from digimotor.run import reproduce

pytestmark = pytest.mark.slow


def test_run_killed_mid_way_then_next_run_recovers(project):
    env = {**os.environ, "DIGIMOTOR_ROOT": str(project)}
    first = reproduce(only=["01-demography"], echo=lambda _m: None)
    assert first.ok
    site = project / "build" / "site"
    index_before = (site / "index.html").read_bytes()

    run = subprocess.Popen(
        [sys.executable, "-m", "digimotor.cli", "reproduce", "--force", "--jobs", "2"],
        env=env, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    output = b""
    while time.monotonic() < deadline:  # kill it once a notebook is running
        line = run.stdout.readline()
        output += line
        if b"running" in line or not line:
            break
    time.sleep(1.0)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, output.decode()

    # the published site is the previous one, whole; the inputs are intact
    assert (site / "index.html").read_bytes() == index_before
    assert check_raw_data() == []

    # the next run takes the lock (released by the killed process) and completes
    again = reproduce(only=["01-demography"], parameters={"lang": "en"}, echo=lambda _m: None)
    assert again.ok, [r.error for r in again.results]
    assert "Population 2030 forecast" in (site / "01-demography.html").read_text(encoding="utf-8")
    leftovers = [p.name for p in (project / "build").iterdir() if p.name.startswith((".staging-", ".site-old-"))]
    assert leftovers == [], "staging folders of the killed run were not cleaned up"


# ---------------------------------------------------------------------------------------
# Workers die with the run and never hold its lock (issue 20, item 4)
# ---------------------------------------------------------------------------------------

SLEEPER = ("import os, time\nfrom pathlib import Path\n"
           "Path(os.environ['DIGIMOTOR_ROOT'], 'worker.pid').write_text(str(os.getpid()))\ntime.sleep(300)")


def _sleeping_project(project: Path, code: str = SLEEPER) -> None:
    only_notebook(project, "10-sleeps", "n = 0", code)
    (project / "notebooks" / "10-sleeps.params.yml").write_text("n: {type: int, default: 0}\n", encoding="utf-8")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie waiting for a reaper has ended


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _start_sleeping_run(project: Path, engine: str) -> tuple[subprocess.Popen, list[int]]:
    """`digimotor reproduce` in a subprocess, once its notebook is sleeping; and its descendants."""
    _sleeping_project(project)
    package = str(Path(__file__).resolve().parents[1])  # this checkout's digimotor, whatever the cwd
    env = {**os.environ, "DIGIMOTOR_ROOT": str(project),
           "PYTHONPATH": os.pathsep.join([package, *filter(None, [os.environ.get("PYTHONPATH")])])}
    run = subprocess.Popen([sys.executable, "-m", "digimotor.cli", "reproduce", "--engine", engine],
                           env=env, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           start_new_session=True)
    pid_file = project / "worker.pid"
    if not _wait_for(pid_file.exists, 120):
        run.kill()
        pytest.fail("the notebook never started: " + run.communicate()[1].decode())
    time.sleep(0.3)
    workers = _descendants(run.pid)
    assert int(pid_file.read_text()) in workers
    # no worker (nor the kernel it started) holds the run lock's file
    lock = (project / "build" / ".reproduce.lock").resolve()
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with contextlib.suppress(OSError):
                assert Path(os.readlink(fd)) != lock, f"process {pid} holds the run lock"
    return run, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_ends_the_workers_and_the_next_run_starts_at_once(project):
    from digimotor.run import run_lock

    run, workers = _start_sleeping_run(project, "fork")
    os.kill(run.pid, signal.SIGTERM)  # the parent only, not its process group
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM
    assert err.decode().count("\n") == 1 and "stopped by SIGTERM" in err.decode(), err.decode()
    assert _wait_for(lambda: not any(_alive(p) for p in workers), 10), "a worker outlived the run"
    with run_lock(wait=False):  # free at once
        pass
    leftovers = [p.name for p in (project / "build").iterdir() if p.name.startswith((".staging-", ".site-old-"))]
    assert leftovers == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("engine", ["fork", "kernel"])
def test_sigkill_of_the_parent_alone_kills_its_workers_and_frees_the_lock(project, engine):
    from digimotor.run import run_lock

    run, workers = _start_sleeping_run(project, engine)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    with run_lock(wait=False):  # no orphaned worker holds the lock, even before it is gone
        pass
    # the fork worker dies with its parent (PR_SET_PDEATHSIG); a kernel when its worker is gone
    assert _wait_for(lambda: not any(_alive(p) for p in workers), 20), \
        [p for p in workers if _alive(p)]
    _sleeping_project(project, SLEEPER.replace("time.sleep(300)", "print('awake')"))
    again = reproduce(wait=False, echo=lambda _m: None)  # starts at once: no waiting for the lock
    assert again.ok, [r.error for r in again.results]
