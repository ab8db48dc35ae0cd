"""Progress of a run: one line per notebook, redrawn in a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from .plan import Job


class Progress:
    """One line per notebook: live (redrawn) in a terminal, plain lines otherwise."""

    def __init__(self, jobs: Sequence[Job], echo: Callable[[str], Any], live: bool) -> None:
        self.jobs, self.echo, self.live = list(jobs), echo, live and bool(jobs)
        self.drawn = 0
        self.width = max((len(j.path.stem) for j in jobs), default=10)

    def _line(self, job: Job) -> str:
        elapsed = f"{time.perf_counter() - job.start:5.1f} s" if job.start else ""
        detail = f"  {job.detail}" if job.detail else ""
        return f"{job.state:<8} {job.path.stem:<{self.width}} {elapsed}{detail}"

    def changed(self, job: Job) -> None:
        if not self.live:
            if job.state in ("running", "done", "failed"):
                self.echo(self._line(job))
            return
        self.redraw()

    def redraw(self) -> None:
        if not self.live:
            return
        out = sys.stdout
        if self.drawn:
            out.write(f"\x1b[{self.drawn}F")
        for job in self.jobs:
            out.write("\x1b[2K" + self._line(job)[:200] + "\n")
        out.flush()
        self.drawn = len(self.jobs)
