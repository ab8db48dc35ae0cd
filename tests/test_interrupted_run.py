"""A reproduction killed mid-run: nothing is corrupted and the next run recovers by itself."""

import os
import signal
import subprocess
import sys
import time

import pytest

from digimotor.checks import check_raw_data
from digimotor.pipeline import reproduce

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
