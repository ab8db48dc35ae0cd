"""Executing one notebook: parameters injected, cells run, volatile metadata stripped, page rendered.

Two engines. ``fork`` (the default): the notebook runs in a new IPython shell in the current
process, a worker forked by :mod:`digimotor.run.workers` from the warm parent
(:func:`execute_in_process`). ``kernel``: papermill with a fresh Jupyter kernel
(:func:`execute_with_kernel`). Parameters are injected as one JSON document decoded in the
notebook (data, never code: :func:`digimotor.params.injected_source`). nbformat, IPython and
papermill are imported inside the functions: a dry run or a cached run never loads them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..config import build_dir
from ..errors import ParameterError
from ..figure_files import background_slides, shown_png
from ..manifest import ENV_MANIFEST
from ..manifest import read as read_manifest
from ..params import injected_source
from . import pages
from .discover import notebook_title
from .plan import Job

KERNEL = "python3"
#: The line a worker whose page the parent renders (``Job.render`` False) sends when it has
#: written the executed notebook and its result.
EXECUTED = "executed"


def prepare_notebook(path: Path, parameters: Mapping[str, Any]):
    """Read ``path`` and inject ``parameters`` in a cell after its parameters cell.

    The injected cell (tagged ``injected-parameters``, id ``injected-parameters``) carries the
    values as one JSON document in a string literal (:func:`digimotor.params.injected_source`):
    data, never code. As with papermill, a cell is injected only when there are values.
    """
    from nbformat.v4 import new_code_cell

    nb = load_notebook(path)
    if parameters:
        nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
        tagged = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
        if len(tagged) != 1:
            raise ParameterError(f"{path.name} has {len(tagged) or 'no'} code cell(s) tagged 'parameters'; "
                                 "its parameters cannot be set")
        cell = new_code_cell(injected_source(parameters))
        cell.metadata["tags"] = ["injected-parameters"]
        cell.id = "injected-parameters"  # deterministic: the executed notebook is byte-identical run to run
        nb.cells.insert(tagged[0] + 1, cell)
        nb.metadata.papermill["parameters"] = dict(parameters)
    nb.metadata["title"] = notebook_title(path)
    return nb


def load_notebook(path: Path):
    """Read ``path`` as papermill's ``load_notebook_node`` does, without importing papermill.

    Importing papermill scans every installed package's entry points (about a second in
    each cold process); the fork engine needs only this: the notebook upgraded to nbformat 4
    with papermill's metadata (notebook and cells) filled in.
    """
    import nbformat

    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    upgraded = nbformat.v4.upgrade(nb)
    if upgraded is not None:
        nb = upgraded
    if "papermill" not in nb.metadata:
        nb.metadata["papermill"] = {"default_parameters": {}, "parameters": {}, "environment_variables": {},
                                    "version": _papermill_version()}
    for cell in nb.cells:
        if "tags" not in cell.metadata:
            cell.metadata["tags"] = []
        if "papermill" not in cell.metadata:
            cell.metadata["papermill"] = {}
    return nb


def _papermill_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("papermill")
    except PackageNotFoundError:  # pragma: no cover - papermill is a dependency
        return ""


def strip_volatile(nb) -> None:
    """Remove run-dependent metadata (timestamps, durations, paths) from an executed notebook."""
    pm = nb.metadata.get("papermill")
    if isinstance(pm, dict):
        for key in ("start_time", "end_time", "duration", "input_path", "output_path",
                    "environment_variables", "version", "exception"):
            pm.pop(key, None)
    styler_id = re.compile(r'id="T_([0-9a-f]{5})')
    address = re.compile(r" at 0x[0-9a-f]+>")
    for number, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        # pandas Styler tables carry a random id (T_4f4d2): number them instead
        for k, output in enumerate(cell.get("outputs", [])):
            plain = output.get("data", {}).get("text/plain")
            if plain:  # "<… Styler at 0x7fa04e862890>": a memory address differs on every run
                text = "".join(plain) if isinstance(plain, list) else plain
                output["data"]["text/plain"] = address.sub(" at 0x…>", text)
            html_text = output.get("data", {}).get("text/html")
            if not html_text:
                continue
            text = "".join(html_text) if isinstance(html_text, list) else html_text
            for j, uid in enumerate(dict.fromkeys(styler_id.findall(text))):
                text = text.replace(f"T_{uid}", f"T_c{number}o{k}t{j}")
            output["data"]["text/html"] = text
    nb.metadata.get("widgets", {}).clear() if "widgets" in nb.metadata else None


class _Capture:
    """Collects the outputs of the cell being executed (streams, displays, results, errors)."""

    def __init__(self) -> None:
        self.outputs: list = []

    def stream(self, name: str, text: str) -> None:
        from nbformat.v4 import new_output

        if self.outputs and self.outputs[-1].get("output_type") == "stream" and self.outputs[-1].name == name:
            self.outputs[-1].text += text
        else:
            self.outputs.append(new_output("stream", name=name, text=text))


class _StreamWriter:
    def __init__(self, capture: _Capture, name: str) -> None:
        self.capture, self.name = capture, name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            self.capture.stream(self.name, text)
        return len(text)

    def flush(self) -> None:  # pragma: no cover - nothing buffered
        pass

    def isatty(self) -> bool:
        return False


def _make_shell(capture: _Capture):
    """A fresh IPython shell whose displays, results and tracebacks go into ``capture``."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from nbformat.v4 import new_output
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            capture.outputs.append(new_output("display_data", data=data, metadata=metadata or {}))

        def clear_output(self, wait=False):
            capture.outputs.clear()

    class Hook(DisplayHook):
        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            capture.outputs.append(new_output(
                "execute_result", data=format_dict, metadata=md_dict or {},
                execution_count=self.shell.execution_count,
            ))

        def finish_displayhook(self):
            pass

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):
            pass

        def _showtraceback(self, etype, evalue, stb):
            capture.outputs.append(new_output(
                "error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue), traceback=stb,
            ))

    Shell.display_pub_class = Publisher
    Shell.displayhook_class = Hook
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "Linux"
    shell = Shell.instance(config=config)
    # as in a Jupyter kernel: every rich format (HTML, Markdown, PNG …), not only text/plain
    shell.display_formatter.active_types = list(shell.display_formatter.format_types)
    shell.enable_matplotlib("inline")
    _show_saved_figures(shell)
    return shell


def _show_saved_figures(shell) -> None:
    """A figure that :func:`digimotor.outputs.save_figure` saved is shown as that PNG.

    The page then shows the image written to ``figures/`` (at the figure's size) instead of
    drawing the figure once more; a figure not saved, or changed since, is drawn as before. A
    figure of a failed cell, or one that cannot be drawn, shows as a placeholder with the error
    (:func:`digimotor.outputs.shown_png`).
    """
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    drawn = formatter.lookup_by_type(Figure)
    formatter.for_type(Figure, lambda fig: shown_png(fig, drawn, cell_failed=not shell.last_execution_succeeded))


def execute_in_process(nb, progress: Callable[[int, int, int], None] | None = None) -> tuple[int | None, str | None, str]:
    """Run ``nb``'s code cells in a new IPython shell in this process; fill in their outputs.

    Returns ``(execution count, cell id, "Exception: message")`` of the failing cell, or
    ``(None, None, "")``. Cells after a failing one are left unexecuted (as papermill does).
    The process is a fork: pyplot figures it inherited are closed first, or the inline backend
    would show them in the notebook's first cell.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # figures the forking process had open are not this notebook's
        pyplot.close("all")
    capture = _Capture()
    shell = _make_shell(capture)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    real_out, real_err = sys.stdout, sys.stderr
    for index, cell in enumerate(code_cells, start=1):
        if not cell.source.strip():  # as nbclient does: an empty cell is not executed
            cell.execution_count, cell.outputs = None, []
            continue
        count = shell.execution_count
        if progress:
            progress(count, index, len(code_cells))
        capture.outputs = []
        sys.stdout, sys.stderr = _StreamWriter(capture, "stdout"), _StreamWriter(capture, "stderr")
        try:
            result = shell.run_cell(cell.source, store_history=True)
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        cell.execution_count = count
        cell.outputs = capture.outputs
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            return count, cell.get("id"), f"{type(error).__name__}: {error}"
    return None, None, ""


def execute_with_kernel(nb, workdir: Path) -> tuple[int | None, str | None, str]:
    """Run ``nb`` with papermill in a fresh Jupyter kernel (the ``kernel`` engine)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out = workdir / ".executed.ipynb"
    try:
        papermill.execute_notebook(
            nb, str(out), kernel_name=KERNEL, cwd=str(workdir), progress_bar=False, log_output=False,
        )
    except PapermillExecutionError as exc:
        executed = nbformat.read(str(out), as_version=4)
        failing = next((c for c in executed.cells if c.cell_type == "code" and c.execution_count == exc.exec_count), None)
        _merge(nb, executed)
        return exc.exec_count, failing.get("id") if failing else None, f"{exc.ename}: {exc.evalue}"
    _merge(nb, nbformat.read(str(out), as_version=4))
    return None, None, ""


def _merge(nb, executed) -> None:
    if executed is not None and executed is not nb:
        nb.cells = executed.cells
        nb.metadata = executed.metadata
    # papermill's own error banner cell duplicates ours
    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]


def run_notebook(job: Job, staging: Path, engine: str, show_code: bool, context: dict[str, Any],
                 write: Callable[[str], Any]) -> dict[str, Any]:
    """Body of a worker process: execute, write the executed notebook, render the page.

    ``write`` reports progress (``cell N (i/n) #id``) to the parent.
    """
    import nbformat

    name = job.path.stem
    workdir = build_dir() / "work" / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    manifest = staging / "manifests" / f"{name}.jsonl"
    os.environ[ENV_MANIFEST] = str(manifest)
    os.chdir(workdir)
    start = time.perf_counter()
    nb = prepare_notebook(job.path, job.parameters)

    cell_ids = {i: c.get("id", "") for i, c in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1)}

    def progress(count: int, index: int, total: int) -> None:
        write(f"cell {count} ({index}/{total}) #{cell_ids.get(index, '')}\n")

    # fork engine: each slide PNG is drawn in a child while the notebook goes on and while its
    # page is rendered; the worker ends when every slide is written
    with background_slides() if engine == "fork" else contextlib.nullcontext():
        if engine == "kernel":
            cell, cell_id, error = execute_with_kernel(nb, workdir)
        else:
            cell, cell_id, error = execute_in_process(nb, progress)
        seconds = time.perf_counter() - start
        strip_volatile(nb)
        nbformat.write(nb, str(staging / "notebooks" / f"{name}.ipynb"))
        entries = read_manifest(manifest)
        result = {"status": "failed" if error else "done", "seconds": seconds, "error": error, "cell": cell,
                  "cell_id": cell_id, "manifest": entries}
        if job.render:
            failure = {"cell": cell, "cell_id": cell_id, "error": error} if error else None
            pages.render_page(nb, staging / "site" / f"{name}.html", name=name, show_code=show_code,
                              manifest=entries, failure=failure, context=context)
            pages.remember_anchors(staging / "site" / f"{name}.html")
        else:  # the parent renders the page (workers.render_staged) while the slides are drawn
            write_text(staging / "results" / f"{name}.json", json.dumps(result, default=str))
            write(EXECUTED + "\n")
    return result
