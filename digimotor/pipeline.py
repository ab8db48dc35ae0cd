"""The reproduction runner: validated, parallel, cached, fail-loud notebook runs and the site.

``digimotor reproduce`` (and :func:`reproduce`) does, in order:

1. find the notebooks (:func:`discover_notebooks`) and check every parameter against the
   notebooks' schemas (:mod:`digimotor.params`) before anything runs;
2. take the run lock ``build/.reproduce.lock`` (a second run in the same checkout stops with
   waits for the first, or with ``wait=False`` stops with a message naming its process);
3. compute each notebook's cache key from its source, its schema, its parameters, the
   checksums of the inputs it loaded last time (the run manifest, :mod:`digimotor.manifest`)
   and of ``data/claims/``, and the package (version and source); only notebooks whose key
   changed run (``force`` runs all, ``dry_run`` only says what would run and why);
4. run them in parallel, ``jobs`` at a time. The default engine, ``fork``, imports pandas,
   matplotlib, IPython and nbconvert once in a warm parent and forks a **fresh worker
   process per notebook**: the notebook runs in a new IPython shell in that process, in its
   own working directory ``build/work/<name>/``, and the process ends with the notebook, so
   no state can pass from one notebook to the next. The ``kernel`` engine runs papermill with
   a fresh Jupyter kernel per notebook instead. Parameters are injected as one JSON document
   decoded in the notebook (data, never code: :func:`digimotor.params.injected_source`).
   Workers die with the parent (SIGTERM/SIGINT kill them; a killed parent kills them by
   ``PR_SET_PDEATHSIG`` or, elsewhere, by polling) and never hold the run lock;
5. write the executed notebooks (``build/notebooks/``, volatile metadata stripped) and the
   site (``build/site/``: pages, index with run card, scorecard, method page) into a temporary
   directory, then move it into place: ``build/`` never holds half a site.

A failing notebook does not stop the others: its result names the cell and the exception,
its page is published with a banner linking to the failing cell, and :attr:`RunResult.ok` is
False (the command exits non-zero).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import try_lock, write_text
from .config import ENV_ROOT, PACKAGE_DIR, build_dir, claims_dir, notebooks_dir, project_root
from .errors import DigimotorError

KERNEL = "python3"
ENGINES = ("fork", "kernel")
LOCK_NAME = ".reproduce.lock"
#: Modules the warm parent imports once before forking workers.
WARM_MODULES = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "IPython",
    "IPython.core.interactiveshell", "IPython.display", "matplotlib_inline.backend_inline",
    "nbformat", "nbconvert", "yaml", "PIL.PngImagePlugin", "matplotlib.backends.backend_svg",
)
#: Cache-key part for the figure formats (a run with fewer formats leaves files unwritten).
_FORMATS_PART = "figures"


@dataclass
class NotebookResult:
    """What happened to one notebook.

    ``status`` is ``done`` or ``failed``; ``cached`` is True when the notebook was not re-run
    because nothing it depends on changed. ``cell`` is the execution count of the failing
    cell (the ``In [N]`` shown on the page).
    """

    name: str
    status: str  # "done" | "failed"
    seconds: float
    error: str = ""
    cell: int | None = None
    html: Path | None = None
    cached: bool = False
    reason: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    manifest: list[dict[str, Any]] = field(default_factory=list)
    cell_id: str | None = None


@dataclass
class RunResult:
    """The outcome of a reproduction run."""

    results: list[NotebookResult] = field(default_factory=list)
    site: Path | None = None
    scorecard: Path | None = None
    planned: list[tuple[str, str]] = field(default_factory=list)  # dry run: (name, reason)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.status == "done" for r in self.results)


# ---------------------------------------------------------------------------------------
# Notebooks and parameters
# ---------------------------------------------------------------------------------------


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
        name = name.removesuffix(".ipynb")
        hits = [p for p in found if p.stem == name or p.stem.startswith(name) or p.stem.split("-", 1)[1] == name]
        if not hits:
            raise DigimotorError(
                f"no notebook '{name}'", hint="notebooks: " + ", ".join(p.stem for p in found)
            )
        chosen += [h for h in hits if h not in chosen]
    return chosen


def notebook_parameters(path: Path) -> dict[str, object]:
    """The defaults in a notebook's ``parameters`` cell (name -> default value)."""
    from .params import inspect_parameters_cell

    return inspect_parameters_cell(path)


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook (``01 · Demografi: …``), else its name."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            text = "".join(cell.get("source", []))
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


# ---------------------------------------------------------------------------------------
# Cache keys
# ---------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if suffixes and path.suffix not in suffixes:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + _sha256(path).encode())
    return digest.hexdigest()


def package_digest() -> str:
    """The package version and a digest of its code and reference data."""
    return __version__ + ":" + _tree_digest(PACKAGE_DIR, (".py", ".csv", ".yml", ".yaml", ".json"))


def _input_checksums(manifest: list[dict[str, Any]]) -> dict[str, str]:
    from .manifest import safe_path

    root = project_root()
    sums = {}
    for entry in manifest:
        if isinstance(entry, dict) and entry.get("entry") == "input":
            path = safe_path(entry.get("path"), root, "data/raw")  # never a file outside data/raw/
            if path is not None:
                sums[entry["path"]] = _sha256(path) if path.is_file() else "missing"
    return sums


def cache_parts(path: Path, parameters: Mapping[str, Any], previous: Mapping[str, Any] | None,
                package: str, claims: str, formats: str | None = None) -> dict[str, Any]:
    """What a notebook's cache key is made of (compared part by part to explain a re-run).

    ``formats`` are the figure formats of the run (default ``png,svg``).
    """
    from .outputs import FIGURE_FORMATS
    from .params import schema_path

    schema = schema_path(path)
    return {
        "notebook": _sha256(path),
        "schema": _sha256(schema) if schema.exists() else "",
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
        "inputs": _input_checksums((previous or {}).get("manifest", [])),
        "claims": claims,
        "package": package,
        _FORMATS_PART: formats or ",".join(FIGURE_FORMATS),
    }


def _key(parts: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _why(parts: Mapping[str, Any], previous: Mapping[str, Any] | None, page: Path, show_code: bool) -> str:
    """Why a notebook must run ("" if it need not)."""
    if not previous:
        return "never run"
    if previous.get("status") != "done":
        return "failed last time"
    old = previous.get("parts", {})
    labels = {"notebook": "notebook changed", "schema": "parameter schema changed",
              "parameters": "parameters changed", "claims": "claims registry changed",
              "package": "digimotor package changed", _FORMATS_PART: "figure formats changed"}
    for part, text in labels.items():
        if old.get(part) != parts.get(part):
            return text
    changed = [p for p, s in parts["inputs"].items() if old.get("inputs", {}).get(p) != s]
    if changed:
        return "input changed: " + ", ".join(changed)
    if not page.exists():
        return "page missing"
    return ""


def _cache_file(name: str) -> Path:
    return build_dir() / "cache" / f"{name}.json"


def _read_cache(name: str) -> dict[str, Any] | None:
    """The cache record of notebook ``name``; None (run it again) if absent or malformed."""
    try:
        record = json.loads(_cache_file(name).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return record if _valid_record(record) else None


#: Fields of a cache record and their types (a record is data: anything else means "absent").
_RECORD_FIELDS: dict[str, tuple[type, ...]] = {
    "status": (str,), "seconds": (int, float), "error": (str,), "cell": (int, type(None)),
    "cell_id": (str, type(None)), "parameters": (dict,), "manifest": (list,), "show_code": (bool,),
    "parts": (dict,), "key": (str,),
}
_PART_FIELDS = {"notebook": str, "schema": str, "parameters": str, "inputs": dict, "claims": str, "package": str}


def _valid_record(record: Any) -> bool:
    from .manifest import clean, safe_path

    if not isinstance(record, dict):
        return False
    if any(not isinstance(record.get(k), t) or isinstance(record.get(k), bool) and bool not in t
           for k, t in _RECORD_FIELDS.items()):
        return False
    parts = record["parts"]
    if record["status"] not in ("done", "failed") or any(not isinstance(parts.get(k), t) for k, t in _PART_FIELDS.items()):
        return False
    if not all(isinstance(v, str) and safe_path(p, None, "data/raw") for p, v in parts["inputs"].items()):
        return False
    return len(clean(record["manifest"])) == len(record["manifest"])


# ---------------------------------------------------------------------------------------
# Run lock
# ---------------------------------------------------------------------------------------


#: File descriptors of run locks this process holds (closed in every forked worker).
_LOCK_FDS: set[int] = set()


@contextlib.contextmanager
def run_lock(wait: bool = False, echo: Callable[[str], Any] = print) -> Iterator[Path]:
    """Hold ``build/.reproduce.lock`` for the duration of a run.

    A second run in the same checkout stops with a :class:`DigimotorError` naming the first
    run's process, or with ``wait=True`` waits until it has finished.
    """
    path = build_dir() / LOCK_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+")
    except OSError as exc:
        raise DigimotorError(f"cannot create the run lock {path}: {exc.strerror or exc}") from exc
    # a forked worker shares the flock: it closes this fd (_close_lock_fds), and no exec'd
    # process inherits it, so a worker that outlives a killed run never holds the lock
    os.set_inheritable(fh.fileno(), False)
    _LOCK_FDS.add(fh.fileno())
    try:
        if not try_lock(fh):
            try:
                fh.seek(0)
                holder = fh.read().strip() or "unknown"
            except OSError:  # Windows refuses to read a locked region
                holder = "unknown"
            if not wait:
                raise DigimotorError(
                    f"another `digimotor reproduce` is running in this checkout (process {holder})",
                    hint="let it finish first (without --no-wait, a second run waits for the first)",
                ) from None
            echo(f"waiting for the run in process {holder} to finish …")
            while not try_lock(fh):
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield path
    finally:
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
        _LOCK_FDS.discard(fh.fileno())
        fh.close()  # closing releases the flock


# ---------------------------------------------------------------------------------------
# Executing one notebook
# ---------------------------------------------------------------------------------------


def prepare_notebook(path: Path, parameters: Mapping[str, Any]):
    """Read ``path`` and inject ``parameters`` in a cell after its parameters cell.

    The injected cell (tagged ``injected-parameters``, id ``injected-parameters``) carries the
    values as one JSON document in a string literal (:func:`digimotor.params.injected_source`):
    data, never code. As with papermill, a cell is injected only when there are values.
    """
    from nbformat.v4 import new_code_cell

    from .errors import ParameterError
    from .params import injected_source

    nb = _load_notebook(path)
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


def _load_notebook(path: Path):
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
    import re

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

    from .outputs import shown_png

    formatter = shell.display_formatter.formatters["image/png"]
    drawn = formatter.lookup_by_type(Figure)
    formatter.for_type(Figure, lambda fig: shown_png(fig, drawn, cell_failed=not shell.last_execution_succeeded))


def execute_in_process(nb, progress: Callable[[int, int, int], None] | None = None) -> tuple[int | None, str | None, str]:
    """Run ``nb``'s code cells in a new IPython shell in this process; fill in their outputs.

    Returns ``(execution count, cell id, "Exception: message")`` of the failing cell, or
    ``(None, None, "")``. Cells after a failing one are left unexecuted (as papermill does).
    """
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


# ---------------------------------------------------------------------------------------
# Workers
# ---------------------------------------------------------------------------------------


@dataclass
class _Job:
    path: Path
    parameters: dict[str, Any]
    reason: str
    last: float = 0.0  # seconds of the notebook's last run (0: unknown)
    pid: int = 0
    pipe: int = -1
    start: float = 0.0
    state: str = "queued"
    detail: str = ""
    buffer: bytes = b""


def _warm_up() -> None:
    """Import the heavy libraries once, in the parent, before any worker is forked."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # jsonschema (via nbformat) imports the optional rfc3987_syntax for the "iri" string format,
    # which builds a parser grammar at import (~2 s here). Notebook schemas use no such format:
    # mark it unavailable, as if it were not installed (jsonschema then skips that format).
    sys.modules.setdefault("rfc3987_syntax", None)
    for name in WARM_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from . import claims, datasets, outputs  # noqa: F401
    from .plots import style  # noqa: F401

    datasets.names()  # imports every digimotor.sources module
    with contextlib.suppress(ImportError):
        import pkgutil

        from . import metrics, plots

        for pkg in (metrics, plots, claims):
            for info in pkgutil.iter_modules(pkg.__path__):
                importlib.import_module(f"{pkg.__name__}.{info.name}")
    from . import site

    site.exporter(False)
    site.exporter(True)
    _warm_figure()


def _warm_figure() -> None:
    """Draw and save one small styled figure, so that no worker loads fonts or backends itself."""
    import io

    import matplotlib as mpl
    from matplotlib.figure import Figure

    from .plots.style import apply_style

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


def _worker(job: _Job, staging: Path, engine: str, show_code: bool, context: dict[str, Any], write) -> dict[str, Any]:
    """Body of a worker process: execute, write the executed notebook, render the page."""
    import nbformat

    from . import site
    from .manifest import ENV_MANIFEST, read

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

    if engine == "kernel":
        cell, cell_id, error = execute_with_kernel(nb, workdir)
    else:
        cell, cell_id, error = execute_in_process(nb, progress)
    seconds = time.perf_counter() - start
    strip_volatile(nb)
    nbformat.write(nb, str(staging / "notebooks" / f"{name}.ipynb"))
    entries = read(manifest)
    failure = {"cell": cell, "cell_id": cell_id, "error": error} if error else None
    site.render_notebook(nb, staging / "site" / f"{name}.html", name=name, show_code=show_code,
                         manifest=entries, failure=failure, context=context)
    return {"status": "failed" if error else "done", "seconds": seconds, "error": error, "cell": cell,
            "cell_id": cell_id, "manifest": entries}


def _close_lock_fds() -> None:
    """In a forked worker: close the inherited run-lock descriptors (the lock stays the parent's)."""
    for fd in list(_LOCK_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCK_FDS.clear()


def _die_with_parent(parent: int) -> None:
    """In a forked worker: end this process when the parent ``parent`` dies.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere (or if that fails) a daemon thread
    polls ``os.getppid()``. A parent that died before this call is noticed at once.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
                if os.getppid() != parent:
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading

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
def _workers_end_with_run(running: dict[int, _Job]) -> Iterator[None]:
    """Kill and reap every worker in ``running`` when the run ends for any reason.

    SIGTERM and SIGHUP (in the main thread) become :class:`RunTerminated`; Ctrl-C is a
    KeyboardInterrupt already. Either way no worker outlives the run.
    """
    import threading

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


def _fork(job: _Job, staging: Path, engine: str, show_code: bool, context: dict[str, Any]) -> None:
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            os.close(read_end)
            _close_lock_fds()
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

            result = _worker(job, staging, engine, show_code, context, write)
            write_text(staging / "results" / f"{job.path.stem}.json", json.dumps(result, default=str))
            code = 0
        except BaseException as exc:  # report whatever stopped the worker
            with contextlib.suppress(BaseException):
                import traceback

                traceback.print_exc()
                write_text(staging / "results" / f"{job.path.stem}.json", json.dumps(
                    {"status": "failed", "seconds": 0.0, "error": f"{type(exc).__name__}: {exc}",
                     "cell": None, "cell_id": None, "manifest": []}, default=str))
        finally:
            os._exit(code)
    os.close(write_end)
    job.pid, job.pipe, job.start, job.state = pid, read_end, time.perf_counter(), "running"


def _read_result(path: Path, job: _Job) -> dict[str, Any]:
    """A worker's result file, checked (a malformed one is a failure, never a crash)."""
    from .manifest import clean

    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        fields = {"status": str, "seconds": (int, float), "error": str, "cell": (int, type(None)),
                  "cell_id": (str, type(None)), "manifest": list}
        if not isinstance(result, dict) or any(not isinstance(result.get(k), t) for k, t in fields.items()) \
                or result["status"] not in ("done", "failed"):
            raise ValueError("malformed")
    except (OSError, ValueError, RecursionError):
        return {"status": "failed", "seconds": time.perf_counter() - job.start, "cell": None, "cell_id": None,
                "error": "the notebook's process left no readable result", "manifest": []}
    result["manifest"] = clean(result["manifest"])
    return result


def _worker_death(job: _Job, status: int) -> str:
    cell = job.detail.split()[1] if job.detail.startswith("cell ") else "?"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signame = signal.Signals(sig).name
        except ValueError:
            signame = str(sig)
        return f"the notebook's process died ({signame}) while running cell {cell}"
    return f"the notebook's process exited with status {os.WEXITSTATUS(status)} in cell {cell}"


# ---------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------


class Progress:
    """One line per notebook: live (redrawn) in a terminal, plain lines otherwise."""

    def __init__(self, jobs: Sequence[_Job], echo: Callable[[str], Any], live: bool) -> None:
        self.jobs, self.echo, self.live = list(jobs), echo, live and bool(jobs)
        self.drawn = 0
        self.width = max((len(j.path.stem) for j in jobs), default=10)

    def _line(self, job: _Job) -> str:
        elapsed = f"{time.perf_counter() - job.start:5.1f} s" if job.start else ""
        detail = f"  {job.detail}" if job.detail else ""
        return f"{job.state:<8} {job.path.stem:<{self.width}} {elapsed}{detail}"

    def changed(self, job: _Job) -> None:
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


def _run_jobs(jobs: list[_Job], staging: Path, engine: str, n_jobs: int, show_code: bool,
              context: dict[str, Any], progress: Progress) -> dict[str, dict[str, Any]]:
    import select

    from .manifest import read as read_manifest

    results: dict[str, dict[str, Any]] = {}
    queue = list(jobs)
    running: dict[int, _Job] = {}
    last_draw = 0.0
    progress.redraw()
    with _workers_end_with_run(running):
        while queue or running:
            while queue and len(running) < n_jobs:
                job = queue.pop(0)
                _fork(job, staging, engine, show_code, context)
                running[job.pid] = job
                progress.changed(job)
            pipes = {j.pipe: j for j in running.values() if j.pipe >= 0}
            ready, _, _ = select.select(list(pipes), [], [], 0.2) if pipes else ([], [], [])
            for fd in ready:
                job = pipes[fd]
                data = os.read(fd, 4096)
                if not data:
                    os.close(fd)
                    job.pipe = -1
                    continue
                job.buffer += data
                *lines, job.buffer = job.buffer.split(b"\n")
                if lines:
                    job.detail = lines[-1].decode(errors="replace")
            for pid, job in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if not done:
                    continue
                if job.pipe >= 0:
                    os.close(job.pipe)
                    job.pipe = -1
                del running[pid]
                result_file = staging / "results" / f"{job.path.stem}.json"
                if result_file.exists() and os.WIFEXITED(status):
                    result = _read_result(result_file, job)
                else:
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


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


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
        Figure formats the notebooks write (``"png,svg"``, the default, or one of them); a
        notebook whose last run wrote other formats runs again.

    Raises
    ------
    DigimotorError
        Before anything runs: unknown notebook, bad parameters, parameters file not YAML,
        another run in progress. After the run: ``build/`` cannot be written (nothing half
        written is left behind).
    """
    from .outputs import ENV_FIGURE_FORMATS, FIGURE_FORMATS, figure_formats
    from .params import read_params_file, resolve_parameters

    t0 = time.perf_counter()
    if engine not in ENGINES:
        raise DigimotorError(f"engine must be one of {', '.join(ENGINES)}, not '{engine}'")
    chosen_formats = ",".join(figure_formats(FIGURE_FORMATS if formats is None else formats))
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
        package = package_digest()
        claims_sum = _tree_digest(claims_dir())
        plan: list[_Job] = []
        cached: list[NotebookResult] = []
        records: dict[str, dict[str, Any]] = {}
        for path in notebooks:
            name = path.stem
            previous = _read_cache(name)
            parts = cache_parts(path, values[name], previous, package, claims_sum, chosen_formats)
            page = build_dir() / "site" / f"{name}.html"
            reason = "forced" if force else _why(parts, previous, page, show_code)
            if not reason and bool(previous.get("show_code")) != show_code:
                reason = "re-render (show code changed)"
            if reason:
                plan.append(_Job(path, values[name], reason, last=_last_seconds(previous)))
                records[name] = {"parts": parts}
            else:
                cached.append(_result_from_record(name, previous, page))
        # longest first (by the last run's time; stable, so notebook order without one): with
        # more notebooks than workers, a long notebook started last would run on alone
        plan.sort(key=lambda job: -job.last)
        if dry_run:
            for job in plan:
                echo(f"would run {job.path.stem}: {job.reason}")
            for res in cached:
                echo(f"cached    {res.name}: unchanged")
            return RunResult(planned=[(j.path.stem, j.reason) for j in plan], results=cached,
                             seconds=time.perf_counter() - t0)

        run = RunResult()
        if not plan and _site_current(everything, show_code):
            for res in cached:
                echo(f"cached    {res.name}")
            run.results = cached
            run.site = build_dir() / "site" / "index.html"
            run.scorecard = build_dir() / "scorecard.csv"
            run.seconds = time.perf_counter() - t0
            return run
        _remove_leftovers(_ensure_build(), echo)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=_ensure_build()))
        try:
            for sub in ("notebooks", "site", "manifests", "results", "logs"):
                (staging / sub).mkdir()
            context = _page_context(everything)
            if plan:
                _warm_up() if engine == "fork" else None
                for job in plan:
                    echo(f"queued    {job.path.stem}: {job.reason}") if not live else None
                progress = Progress(plan, echo, live)
                before = os.environ.get(ENV_FIGURE_FORMATS)
                os.environ[ENV_FIGURE_FORMATS] = chosen_formats  # read by outputs.save_figure
                try:
                    outcome = _run_jobs(plan, staging, engine, n_jobs, show_code, context, progress)
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
                    _failure_page(job, staging, res, show_code, context)
                fresh.append(res)
                records[name]["parts"]["inputs"] = _input_checksums(res.manifest)
                records[name].update(_record(res, show_code))
            by_name = {r.name: r for r in [*cached, *fresh]}
            run.results = [by_name[p.stem] for p in notebooks]
            _publish(staging, everything, by_name, records, show_code)
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


def _ensure_build() -> Path:
    try:
        build_dir().mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigimotorError(f"cannot write {build_dir()}: {exc.strerror or exc}") from exc
    return build_dir()


def _record(res: NotebookResult, show_code: bool) -> dict[str, Any]:
    return {"status": res.status, "seconds": res.seconds, "error": res.error, "cell": res.cell,
            "cell_id": res.cell_id, "parameters": res.parameters, "manifest": res.manifest,
            "show_code": show_code}


def _last_seconds(record: Mapping[str, Any] | None) -> float:
    seconds = (record or {}).get("seconds")
    return float(seconds) if isinstance(seconds, int | float) and not isinstance(seconds, bool) else 0.0


def _result_from_record(name: str, record: Mapping[str, Any], page: Path) -> NotebookResult:
    return NotebookResult(
        name, record["status"], float(record.get("seconds", 0.0)), record.get("error", ""),
        record.get("cell"), page, True, "", record.get("parameters", {}), record.get("manifest", []),
        record.get("cell_id"),
    )


def _page_context(everything: Sequence[Path]) -> dict[str, Any]:
    return {"notebooks": [(p.stem, notebook_title(p)) for p in everything]}


def _failure_page(job: _Job, staging: Path, res: NotebookResult, show_code: bool, context) -> None:
    """A page for a notebook whose process died: its source, parameters injected, and the banner."""
    from . import site

    target = staging / "site" / f"{res.name}.html"
    failure = {"cell": res.cell, "cell_id": res.cell_id, "error": res.error}
    try:
        nb = prepare_notebook(job.path, job.parameters)
        site.render_notebook(nb, target, name=res.name, show_code=True, manifest=res.manifest,
                             failure=failure, context=context)
    except Exception as exc:  # noqa: BLE001 - the notebook itself is unreadable: publish the banner alone
        failure["error"] += f" (and the page could not be rendered: {type(exc).__name__}: {exc})"
        write_text(target, site.page(res.name, site.failure_banner(failure), context, res.name))


def _site_key(everything: Sequence[Path], show_code: bool) -> str:
    parts = {p.stem: (_read_cache(p.stem) or {}).get("key", "") for p in everything}
    return _key({"notebooks": parts, "show_code": show_code, "site": _tree_digest(PACKAGE_DIR / "site"),
                 "version": __version__})


def _site_current(everything: Sequence[Path], show_code: bool) -> bool:
    stamp = build_dir() / "site" / ".site-key"
    return stamp.exists() and stamp.read_text().strip() == _site_key(everything, show_code)


def _publish(staging: Path, everything: Sequence[Path], by_name: Mapping[str, NotebookResult],
             records: Mapping[str, dict[str, Any]], show_code: bool) -> None:
    """Assemble the new site in ``staging`` and move it, the notebooks and the cache into place."""
    from . import site

    build = build_dir()
    old_site = build / "site"
    try:
        # pages of notebooks that did not run this time come from the current site
        for path in everything:
            name = path.stem
            target = staging / "site" / f"{name}.html"
            if not target.exists() and (old_site / f"{name}.html").exists():
                shutil.copy2(old_site / f"{name}.html", target)
        summaries = []
        for path in everything:
            res = by_name.get(path.stem)
            if res is None:
                record = _read_cache(path.stem)
                if record:
                    res = _result_from_record(path.stem, record, old_site / f"{path.stem}.html")
            summaries.append((path, res))
        card = site.build_site(staging / "site", summaries, show_code=show_code)
        card_csv = staging / "scorecard.csv"
        card_csv.write_text(card.to_csv(index=False, lineterminator="\n") if card is not None else "", encoding="utf-8")
        # cache records
        for name, record in records.items():
            if "status" in record:
                record["key"] = _key(record["parts"])
                (staging / "cache").mkdir(exist_ok=True)
                (staging / "cache" / f"{name}.json").write_text(json.dumps(record, indent=1, default=str),
                                                                 encoding="utf-8")
        # move into place
        (build / "notebooks").mkdir(parents=True, exist_ok=True)
        (build / "cache").mkdir(parents=True, exist_ok=True)
        for nb in sorted((staging / "notebooks").glob("*.ipynb")):
            os.replace(nb, build / "notebooks" / nb.name)
        for record in sorted((staging / "cache").glob("*.json")) if (staging / "cache").exists() else []:
            os.replace(record, build / "cache" / record.name)
        (staging / "site" / ".site-key").write_text(_site_key(everything, show_code) + "\n")
        _swap_dir(staging / "site", old_site)
        os.replace(card_csv, build / "scorecard.csv")
    except OSError as exc:
        raise DigimotorError(
            f"cannot write the site into {build}: {exc.strerror or exc}",
            hint="check that build/ is writable and the disk is not full; the previous site was left as it was",
        ) from exc


def _remove_leftovers(build: Path, echo) -> None:
    """Remove staging folders of runs that were killed (called while holding the run lock)."""
    for leftover in sorted([*build.glob(".staging-*"), *build.glob(".site-old-*")]):
        echo(f"removing {leftover.name} left by an interrupted run")
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_dir(new: Path, target: Path) -> None:
    """Replace directory ``target`` by ``new`` with two renames (never a half-written target)."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def render_html(notebook: Path, page: Path, show_code: bool = False) -> Path:
    """Render an executed notebook file to a standalone HTML page (code hidden unless ``show_code``)."""
    import nbformat

    from . import site

    nb = nbformat.read(str(notebook), as_version=4)
    context = _page_context(discover_notebooks()) if notebooks_dir().exists() else {"notebooks": []}
    site.render_notebook(nb, page, name=notebook.stem, show_code=show_code, manifest=[], failure=None,
                         context=context)
    return page


def result_summary(result: RunResult) -> dict[str, Any]:
    """A JSON-able summary of a run (for the benchmark and programs)."""
    return {"ok": result.ok, "seconds": result.seconds,
            "results": [{k: v for k, v in asdict(r).items() if k != "manifest"} for r in result.results]}
