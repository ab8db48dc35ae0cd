"""The run: :func:`reproduce` checks the parameters, plans, executes and publishes.

In order: find the notebooks and check every parameter against their schemas before anything
runs (:mod:`.discover`, :mod:`digimotor.params`); take the run lock (:mod:`.publish`); plan
from the cache which notebooks must run and why (:mod:`.plan`); run them in forked workers,
``jobs`` at a time, longest first (:mod:`.workers`, :mod:`.execute`); write the executed
notebooks, the cache records and the site into a staging directory and swap it into place
(:mod:`.publish`, the site through :mod:`.pages`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import ENV_ROOT, build_dir, notebooks_dir, project_root
from ..errors import DigimotorError
from ..outputs import ENV_FIGURE_FORMATS, figure_formats
from ..params import read_params_file, resolve_parameters
from .discover import discover_notebooks, page_context
from .pages import index_preparation
from .plan import input_checksums, plan_run, site_current
from .progress import Progress
from .publish import ensure_build, failure_page, publish, remove_leftovers, run_lock
from .results import NotebookResult, RunResult, record_of
from .workers import run_jobs, warm_up

ENGINES = ("fork", "kernel")


def reproduce(
    only: Sequence[str] | None = None,
    parameters: Mapping[str, object] | None = None,
    show_code: bool = False,
    echo: Callable[[str], Any] = print,
    *,
    params_file: str | Path | None = None,
    per_notebook: Mapping[str, Mapping[str, Any]] | None = None,
    jobs: int | None = None,
    force: bool = False,
    dry_run: bool = False,
    engine: str = "fork",
    live: bool = False,
    wait: bool = True,
    formats: str | Sequence[str] | None = None,
) -> RunResult:
    """Run the notebooks that need it and build ``build/site/``.

    Parameters
    ----------
    only
        Notebook names to run (default: all).
    parameters
        Values applied to every notebook that declares the parameter (``-p key=value``).
    show_code
        Keep the code cells in the HTML pages.
    echo
        Where progress and messages go.
    params_file, per_notebook
        Per-notebook values: a YAML file or a mapping ``{notebook or "all": {key: value}}``.
    jobs
        Notebooks run at the same time (default: number of cores).
    force
        Run every selected notebook, cached or not.
    dry_run
        Only report what would run and why.
    engine
        ``fork`` (warm parent, a fresh forked process per notebook) or ``kernel`` (papermill,
        a fresh Jupyter kernel per notebook).
    live
        Redraw one line per notebook (for a terminal) instead of printing plain lines.
    wait
        If another run holds the lock, wait for it (default, with a message); if False, stop
        with an error that names the other run's process.
    formats
        Figure formats the notebooks write (one or more of ``png``, ``svg``, ``slide``, e.g.
        ``"png,svg"``); by default the ``DIGIMOTOR_FIGURE_FORMATS`` environment variable if it is
        set, else every format. A notebook whose last run wrote other formats runs again.

    Raises
    ------
    DigimotorError
        Before anything runs: unknown notebook, bad parameters, parameters file not YAML,
        another run in progress. After the run: ``build/`` cannot be written (nothing half
        written is left behind).
    """
    t0 = time.perf_counter()
    if engine not in ENGINES:
        raise DigimotorError(f"engine must be one of {', '.join(ENGINES)}, not '{engine}'")
    chosen_formats = ",".join(figure_formats(formats))  # None: DIGIMOTOR_FIGURE_FORMATS, else every format
    if engine == "fork" and not hasattr(os, "fork"):
        engine = "kernel"
    os.environ[ENV_ROOT] = str(project_root())
    everything = discover_notebooks()
    if not everything:
        raise DigimotorError(f"no notebooks found in {notebooks_dir()}")
    notebooks = discover_notebooks(only)
    given = {}
    if params_file is not None:
        given.update(read_params_file(params_file))
    for name, values in (per_notebook or {}).items():
        given.setdefault(name, {}).update(values)
    values = resolve_parameters(notebooks, parameters or {}, given)
    n_jobs = max(1, int(jobs or os.cpu_count() or 1))

    with run_lock(wait=wait, echo=echo):
        plan, cached, records = plan_run(notebooks, values, show_code=show_code, force=force,
                                         formats=chosen_formats)
        if dry_run:
            for job in plan:
                echo(f"would run {job.path.stem}: {job.reason}")
            for res in cached:
                echo(f"cached    {res.name}: unchanged")
            return RunResult(planned=[(j.path.stem, j.reason) for j in plan], results=cached,
                             seconds=time.perf_counter() - t0)

        run = RunResult()
        if not plan and site_current(everything, show_code):
            for res in cached:
                echo(f"cached    {res.name}")
            run.results = cached
            run.site = build_dir() / "site" / "index.html"
            run.scorecard = build_dir() / "scorecard.csv"
            run.seconds = time.perf_counter() - t0
            return run
        remove_leftovers(ensure_build(), echo)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=ensure_build()))
        try:
            for sub in ("notebooks", "site", "manifests", "results", "logs"):
                (staging / sub).mkdir()
            context = page_context(everything)
            if plan:
                # every notebook starts at once: the parent renders the pages (it loads nbconvert
                # while they run) instead of loading it for the workers before they start
                parent_renders = engine == "fork" and len(plan) <= n_jobs
                warm_up(render=not parent_renders) if engine == "fork" else None
                for job in plan:
                    echo(f"queued    {job.path.stem}: {job.reason}") if not live else None
                progress = Progress(plan, echo, live)
                before = os.environ.get(ENV_FIGURE_FORMATS)
                os.environ[ENV_FIGURE_FORMATS] = chosen_formats  # read by outputs.save_figure
                kept = [(p, r) for p in everything for r in cached if r.name == p.stem]

                def meanwhile() -> list[Callable[[], Any]]:  # the pages that stay: read while the notebooks run
                    return index_preparation(build_dir() / "site", kept)

                try:
                    outcome = run_jobs(plan, staging, engine, n_jobs, show_code, context, progress, meanwhile,
                                       parent_renders)
                finally:
                    if before is None:
                        os.environ.pop(ENV_FIGURE_FORMATS, None)
                    else:
                        os.environ[ENV_FIGURE_FORMATS] = before
            else:
                outcome = {}
            fresh = []
            for job in plan:
                name = job.path.stem
                out = outcome[name]
                res = NotebookResult(
                    name, out["status"], float(out["seconds"]), out["error"] or "", out["cell"],
                    build_dir() / "site" / f"{name}.html", False, job.reason, job.parameters,
                    out.get("manifest", []), out.get("cell_id"),
                )
                if not (staging / "site" / f"{name}.html").exists():
                    failure_page(job, staging, res, context)
                fresh.append(res)
                records[name]["parts"]["inputs"] = input_checksums(res.manifest)
                records[name].update(record_of(res, show_code))
            by_name = {r.name: r for r in [*cached, *fresh]}
            run.results = [by_name[p.stem] for p in notebooks]
            publish(staging, everything, by_name, records, show_code, context)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        run.site = build_dir() / "site" / "index.html"
        run.scorecard = build_dir() / "scorecard.csv"
        run.seconds = time.perf_counter() - t0
        for res in run.results:
            if res.status != "done":
                where = f" cell {res.cell}" if res.cell else ""
                echo(f"FAILED    {res.name}{where}: {res.error}")
        return run
