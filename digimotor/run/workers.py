"""The worker pool of a run: the warm parent, one forked process per notebook, their end.

The ``fork`` engine imports pandas, matplotlib, IPython and nbconvert once in a warm parent
(:func:`warm_up`) and forks a **fresh worker process per notebook**: the notebook runs in its
own working directory ``build/work/<name>/`` and the process ends with the notebook, so no
state can pass from one notebook to the next (the ``kernel`` engine forks the same workers,
each of which starts a Jupyter kernel). Workers die with the parent (SIGTERM/SIGINT kill
them; a killed parent kills them by ``PR_SET_PDEATHSIG`` or, elsewhere, by polling) and never
hold the run lock. A worker reports its progress through a pipe and its result in a file.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import io
import json
import os
import pkgutil
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..manifest import clean
from ..manifest import read as read_manifest
from . import pages
from .execute import EXECUTED, run_notebook
from .plan import Job
from .progress import Progress
from .publish import close_lock_fds

#: Modules the warm parent imports once before forking workers.
WARM_MODULES = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "IPython",
    "IPython.core.interactiveshell", "IPython.display", "matplotlib_inline.backend_inline",
    "nbformat", "nbconvert", "yaml", "PIL.PngImagePlugin", "matplotlib.backends.backend_svg",
    "pandas.io.formats.style", "pandas.io.formats.csvs",  # every notebook presents and writes tables
)
#: Modules that several notebooks (not all) import, about a second together: each forked
#: worker would import them again. The parent imports them while the first notebooks run, when
#: more notebooks wait (:func:`run_jobs`), so that the later ones get them for free; a single
#: notebook pays for them at most once, in its own process, and only if it uses them.
#: ``scipy.stats`` (another second) is not among them: the default run does not use it
#: (``metrics.numstats`` gives its bootstrap interval and Spearman correlation with numpy);
#: only the repeat-study tests of ``metrics.change`` import it, when they run.
SHARED_MODULES = ("scipy.optimize", "scipy.cluster.hierarchy")


def warm_shared() -> None:
    """Import :data:`SHARED_MODULES` in this (the parent) process."""
    for name in SHARED_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def warm_up(shared: bool = False, render: bool = True) -> None:
    """Import the heavy libraries once, in the parent, before any worker is forked.

    ``shared``: also :data:`SHARED_MODULES` now (:func:`run_jobs` otherwise imports them once
    the first workers run). ``render=False``: not nbconvert and the page exporters (when the
    parent renders the pages itself, :func:`run_jobs` with ``parent_renders``, it loads them
    while the workers run).
    """
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # jsonschema (via nbformat) imports the optional rfc3987_syntax for the "iri" string format,
    # which builds a parser grammar at import (~2 s here). Notebook schemas use no such format:
    # mark it unavailable, as if it were not installed (jsonschema then skips that format).
    sys.modules.setdefault("rfc3987_syntax", None)
    for name in WARM_MODULES if render else [m for m in WARM_MODULES if m != "nbconvert"]:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if shared:
        warm_shared()
    # and the package's own modules, so that no worker imports them itself
    from .. import claims, datasets, outputs  # noqa: F401
    from ..plots import style  # noqa: F401

    datasets.names()  # imports every digimotor.sources module
    with contextlib.suppress(ImportError):
        from .. import metrics, plots

        for pkg in (metrics, plots, claims):
            for info in pkgutil.iter_modules(pkg.__path__):
                importlib.import_module(f"{pkg.__name__}.{info.name}")
    if render:
        pages.warm_exporters()
    _warm_figure()


def _warm_figure() -> None:
    """Draw and save one small styled figure, so that no worker loads fonts or backends itself."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from ..plots.style import apply_style

    with mpl.rc_context():
        apply_style()
        fig = Figure(figsize=(2, 1.5), layout="constrained")
        ax = fig.subplots()
        ax.plot([0, 1], [1, 0], label="Åmål")
        ax.set_title("Vänersborg")
        ax.set_xlabel("Färgelanda")
        ax.legend()
        fig.text(0, 0, "−1 234", fontsize=8)
        for fmt in ("png", "svg"):
            fig.savefig(io.BytesIO(), format=fmt)


def _die_with_parent(parent: int) -> None:
    """In a forked worker: end this process when the parent ``parent`` dies.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere (or if that fails) a daemon thread
    polls ``os.getppid()``. A parent that died before this call is noticed at once.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
                if os.getppid() != parent:
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="digimotor-parent-watch", daemon=True).start()


class RunTerminated(KeyboardInterrupt):
    """The run got SIGTERM or SIGHUP: its workers were ended, nothing was published."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


@contextlib.contextmanager
def _workers_end_with_run(running: dict[int, Job]) -> Iterator[None]:
    """Kill and reap every worker in ``running`` when the run ends for any reason.

    SIGTERM and SIGHUP (in the main thread) become :class:`RunTerminated`; Ctrl-C is a
    KeyboardInterrupt already. Either way no worker outlives the run.
    """

    def on_signal(signum, _frame):
        raise RunTerminated(signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for pid, job in list(running.items()):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            if job.pipe >= 0:
                with contextlib.suppress(OSError):
                    os.close(job.pipe)
                job.pipe = -1
            del running[pid]


def _fork(job: Job, staging: Path, engine: str, show_code: bool, context: dict[str, Any]) -> None:
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            os.close(read_end)
            close_lock_fds()
            _die_with_parent(parent)
            for sig in (signal.SIGTERM, signal.SIGHUP):  # the parent's handlers are not the worker's
                signal.signal(sig, signal.SIG_DFL)
            log = os.open(str(staging / "logs" / f"{job.path.stem}.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            signal.signal(signal.SIGINT, signal.SIG_DFL)

            def write(text: str) -> None:
                with contextlib.suppress(OSError):
                    os.write(write_end, text.encode())

            result = run_notebook(job, staging, engine, show_code, context, write)
            write_text(staging / "results" / f"{job.path.stem}.json", json.dumps(result, default=str))
            code = 0
        except BaseException as exc:  # report whatever stopped the worker
            with contextlib.suppress(BaseException):
                traceback.print_exc()
                write_text(staging / "results" / f"{job.path.stem}.json", json.dumps(
                    {"status": "failed", "seconds": 0.0, "error": f"{type(exc).__name__}: {exc}",
                     "cell": None, "cell_id": None, "manifest": []}, default=str))
        finally:
            os._exit(code)
    os.close(write_end)
    job.pid, job.pipe, job.start, job.state = pid, read_end, time.perf_counter(), "running"


UNREADABLE = "the notebook's process left no readable result"


def _read_result(path: Path, job: Job) -> dict[str, Any]:
    """A worker's result file, checked (a malformed one is a failure, never a crash)."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        fields = {"status": str, "seconds": (int, float), "error": str, "cell": (int, type(None)),
                  "cell_id": (str, type(None)), "manifest": list}
        if not isinstance(result, dict) or any(not isinstance(result.get(k), t) for k, t in fields.items()) \
                or result["status"] not in ("done", "failed"):
            raise ValueError("malformed")
    except (OSError, ValueError, RecursionError):
        return {"status": "failed", "seconds": time.perf_counter() - job.start, "cell": None, "cell_id": None,
                "error": UNREADABLE, "manifest": []}
    result["manifest"] = clean(result["manifest"])
    return result


def render_staged(job: Job, staging: Path, show_code: bool, context: dict[str, Any]) -> None:
    """In the parent: render the page of ``job``, whose worker wrote its executed notebook and result.

    As the worker would have (:func:`digimotor.run.execute.run_notebook`); sets ``job.rendered``
    to "ok" or to the error, which then is the notebook's (as a worker's failed rendering is).
    """
    import nbformat

    name = job.path.stem
    executed = staging / "notebooks" / f"{name}.ipynb"
    result = _read_result(staging / "results" / f"{name}.json", job)
    if result["error"] == UNREADABLE or not executed.exists():
        return  # the worker stopped before its notebook was written: the run writes a failure page
    job.rendered = "ok"
    try:
        nb = nbformat.read(str(executed), as_version=4)
        entries = read_manifest(staging / "manifests" / f"{name}.jsonl")
        failure = ({"cell": result["cell"], "cell_id": result["cell_id"], "error": result["error"]}
                   if result["error"] else None)
        pages.render_page(nb, staging / "site" / f"{name}.html", name=name, show_code=show_code,
                          manifest=entries, failure=failure, context=context)
        pages.remember_anchors(staging / "site" / f"{name}.html")
    except Exception as exc:  # noqa: BLE001 - reported as the notebook's failure, as in a worker
        job.rendered = f"{type(exc).__name__}: {exc}"


def _read_pipe(job: Job, staging: Path, show_code: bool, context: dict[str, Any]) -> None:
    """Read what ``job``'s worker wrote to its pipe (one read; at its end the pipe is closed).

    The last complete line is the worker's progress (``job.detail``); the line
    :data:`~digimotor.run.execute.EXECUTED` has the parent render the page (``parent_renders``).
    """
    data = os.read(job.pipe, 4096)
    if not data:
        os.close(job.pipe)
        job.pipe = -1
        return
    job.buffer += data
    *lines, job.buffer = job.buffer.split(b"\n")
    if EXECUTED.encode() in lines:
        lines = [line for line in lines if line != EXECUTED.encode()]
        if not job.render and not job.rendered:
            render_staged(job, staging, show_code, context)
    if lines:
        job.detail = lines[-1].decode(errors="replace")


def _worker_death(job: Job, status: int) -> str:
    cell = job.detail.split()[1] if job.detail.startswith("cell ") else "?"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signame = signal.Signals(sig).name
        except ValueError:
            signame = str(sig)
        return f"the notebook's process died ({signame}) while running cell {cell}"
    return f"the notebook's process exited with status {os.WEXITSTATUS(status)} in cell {cell}"


def run_jobs(jobs: list[Job], staging: Path, engine: str, n_jobs: int, show_code: bool,
             context: dict[str, Any], progress: Progress,
             meanwhile: Callable[[], Iterable[Callable[[], Any]]] | None = None,
             parent_renders: bool = False) -> dict[str, dict[str, Any]]:
    """Run ``jobs`` in forked workers, ``n_jobs`` at a time; their results by notebook name.

    With the ``fork`` engine, once the first workers run and more jobs wait, the parent imports
    :data:`SHARED_MODULES` (it would only wait otherwise): the workers forked after that have them.
    ``meanwhile`` is called once when every worker has been forked (the parent would only wait);
    it returns steps (the run prepares its site there) that the parent takes one at a time
    whenever no worker has something to say; whatever a step raises is ignored. ``parent_renders`` (fork
    engine): the workers leave their pages to the parent, which renders each as soon as its
    worker has written the executed notebook (:func:`render_staged`), while the worker still
    waits for its slide PNGs: for a run whose workers all start at once, so that nbconvert is
    loaded by the parent while they run (``warm_up(render=False)``), not before.
    """
    results: dict[str, dict[str, Any]] = {}
    queue = list(jobs)
    running: dict[int, Job] = {}
    last_draw = 0.0
    shared_pending = engine == "fork"
    waiting = True  # for the last worker to be forked
    steps: list[Callable[[], Any]] = []  # what the parent does meanwhile, one at a time
    progress.redraw()
    with _workers_end_with_run(running):
        while queue or running:
            while queue and len(running) < n_jobs:
                job = queue.pop(0)
                job.render = not (parent_renders and engine == "fork")
                _fork(job, staging, engine, show_code, context)
                running[job.pid] = job
                progress.changed(job)
            if shared_pending and queue:
                warm_shared()
                shared_pending = False
            if waiting and not queue:
                waiting = False
                steps = [pages.warm_exporters] if parent_renders else []
                with contextlib.suppress(Exception):
                    steps += list(meanwhile()) if meanwhile is not None else []
            pipes = {j.pipe: j for j in running.values() if j.pipe >= 0}
            ready, _, _ = select.select(list(pipes), [], [], 0 if steps else 0.2) if pipes else ([], [], [])
            if not ready and steps:
                with contextlib.suppress(Exception):
                    steps.pop(0)()
            for fd in ready:
                _read_pipe(pipes[fd], staging, show_code, context)
            for pid, job in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if not done:
                    continue
                # what it wrote before it ended (its last cell) is read first; never wait for
                # more (a slide child of a killed worker may still hold the pipe for a moment)
                while job.pipe >= 0 and select.select([job.pipe], [], [], 0)[0]:
                    _read_pipe(job, staging, show_code, context)
                if job.pipe >= 0:
                    os.close(job.pipe)
                    job.pipe = -1
                del running[pid]
                result_file = staging / "results" / f"{job.path.stem}.json"
                if result_file.exists() and os.WIFEXITED(status):
                    if not job.render and not job.rendered:  # its last line was not read yet
                        render_staged(job, staging, show_code, context)
                    result = _read_result(result_file, job)
                    if job.rendered not in ("", "ok"):
                        result = {"status": "failed", "seconds": 0.0, "error": job.rendered, "cell": None,
                                  "cell_id": None, "manifest": []}
                else:
                    # a page rendered before the process died is not its page: the run writes a failure page
                    (staging / "site" / f"{job.path.stem}.html").unlink(missing_ok=True)
                    cell = job.detail.split()[1] if job.detail.startswith("cell ") else None
                    result = {"status": "failed", "seconds": time.perf_counter() - job.start,
                              "error": _worker_death(job, status), "cell": int(cell) if cell else None,
                              "cell_id": job.detail.split("#", 1)[1].strip() or None if "#" in job.detail else None,
                              "manifest": read_manifest(staging / "manifests" / f"{job.path.stem}.jsonl")}
                results[job.path.stem] = result
                job.state, job.detail = result["status"], result["error"][:120]
                progress.changed(job)
            if progress.live and time.perf_counter() - last_draw > 0.5:
                progress.redraw()
                last_draw = time.perf_counter()
    return results
