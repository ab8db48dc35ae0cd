"""Run the notebooks with papermill and render them with nbconvert into ``build/site/``.

This is the first cut of the reproduction runner: notebooks run one after another in fresh
kernels, each failure is reported with the notebook, cell and exception, and the others go
on. Executed notebooks go to ``build/notebooks/``, HTML pages and an ``index.html`` to
``build/site/``.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_text
from .config import ENV_ROOT, build_dir, notebooks_dir, project_root
from .errors import DigimotorError

KERNEL = "python3"


@dataclass
class NotebookResult:
    """What happened to one notebook."""

    name: str
    status: str  # "done" | "failed"
    seconds: float
    error: str = ""
    cell: int | None = None
    html: Path | None = None


@dataclass
class RunResult:
    """The outcome of a reproduction run."""

    results: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status == "done" for r in self.results)


def discover_notebooks(only: Sequence[str] | None = None) -> list[Path]:
    """The study notebooks ``notebooks/NN-topic.ipynb`` in order, optionally filtered by name.

    ``only`` accepts full names (``01-demography``) or their prefixes/topics (``01``,
    ``demography``); an unknown name is an error that lists the notebooks.
    """
    found = sorted(p for p in notebooks_dir().glob("[0-9][0-9]-*.ipynb"))
    if not only:
        return found
    chosen = []
    for name in only:
        hits = [p for p in found if p.stem == name or p.stem.startswith(name) or p.stem.split("-", 1)[1] == name]
        if not hits:
            raise DigimotorError(
                f"no notebook '{name}'", hint="notebooks: " + ", ".join(p.stem for p in found)
            )
        chosen += [h for h in hits if h not in chosen]
    return chosen


def notebook_parameters(path: Path) -> dict[str, object]:
    """The defaults in a notebook's ``parameters`` cell (name -> default value)."""
    import papermill

    return {name: info["default"] for name, info in papermill.inspect_notebook(str(path)).items()}


def run_notebook(path: Path, parameters: Mapping[str, object], show_code: bool = False) -> NotebookResult:
    """Execute one notebook in a fresh kernel and render it to HTML."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    name = path.stem
    out_nb = build_dir() / "notebooks" / f"{name}.ipynb"
    workdir = build_dir() / "work" / name
    workdir.mkdir(parents=True, exist_ok=True)
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    accepted = notebook_parameters(path)
    params = {k: v for k, v in parameters.items() if k in accepted}
    start = time.perf_counter()
    status, error, cell = "done", "", None
    try:
        papermill.execute_notebook(
            str(path), str(out_nb), parameters=params, kernel_name=KERNEL, cwd=str(workdir),
            progress_bar=False, log_output=False,
        )
    except PapermillExecutionError as exc:
        status, error, cell = "failed", f"{exc.ename}: {exc.evalue}", exc.exec_count
    except Exception as exc:  # kernel died, notebook unreadable …
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    page = build_dir() / "site" / f"{name}.html"
    if out_nb.exists():
        render_html(out_nb, page, show_code=show_code)
    return NotebookResult(name, status, seconds, error, cell, page if page.exists() else None)


def render_html(notebook: Path, page: Path, show_code: bool = False) -> Path:
    """Render an executed notebook to a standalone HTML page (code hidden unless ``show_code``)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=not show_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _resources = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    return write_text(page, body)


def reproduce(
    only: Sequence[str] | None = None,
    parameters: Mapping[str, object] | None = None,
    show_code: bool = False,
    echo=print,
) -> RunResult:
    """Run the notebooks and build ``build/site/index.html``.

    Parameters
    ----------
    only
        Notebook names to run (default: all).
    parameters
        Values applied to every notebook that has the parameter.
    """
    os.environ[ENV_ROOT] = str(project_root())
    notebooks = discover_notebooks(only)
    if not notebooks:
        raise DigimotorError(f"no notebooks found in {notebooks_dir()}")
    run = RunResult()
    for path in notebooks:
        echo(f"running   {path.stem}")
        result = run_notebook(path, parameters or {}, show_code=show_code)
        run.results.append(result)
        if result.status == "done":
            echo(f"done      {path.stem} ({result.seconds:.1f} s)")
        else:
            where = f" cell {result.cell}" if result.cell else ""
            echo(f"FAILED    {path.stem}{where} ({result.seconds:.1f} s): {result.error}")
    write_index(run)
    return run


def write_index(run: RunResult) -> Path:
    """Write ``build/site/index.html`` linking every rendered notebook."""
    rows = "\n".join(
        f'<li><a href="{html.escape(r.html.name)}">{html.escape(r.name)}</a> — {html.escape(r.status)}'
        + (f" ({html.escape(r.error)})" if r.error else "")
        + "</li>"
        if r.html
        else f"<li>{html.escape(r.name)} — {html.escape(r.status)}: {html.escape(r.error)}</li>"
        for r in run.results
    )
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Digital motor Fyrbodal – reproduktion</title></head>
<body>
<h1>Digital motor Fyrbodal – reproduktion med digimotor</h1>
<p>Reproduction of the pre-study "Digital motor Fyrbodal" (2021). Each page states which of its
numbers are published, public, synthetic or user data.</p>
<ul>
{rows}
</ul>
</body></html>
"""
    return write_text(build_dir() / "site" / "index.html", page)
