"""The reproduction runner: validated, parallel, cached, fail-loud notebook runs and the site.

``digimotor reproduce`` (and :func:`reproduce`) does, in order:

1. find the notebooks (:func:`discover_notebooks`, :mod:`.discover`) and check every parameter
   against the notebooks' schemas (:mod:`digimotor.params`) before anything runs;
2. take the run lock ``build/.reproduce.lock`` (a second run in the same checkout waits for
   the first, or with ``wait=False`` stops with a message naming its process; :mod:`.publish`);
3. compute each notebook's cache key from its source, its schema, its parameters, the
   checksums of the inputs it loaded last time (the run manifest, :mod:`digimotor.manifest`)
   and of ``data/claims/``, and the package (version and source); only notebooks whose key
   changed run (``force`` runs all, ``dry_run`` only says what would run and why; :mod:`.plan`);
4. run them in parallel, ``jobs`` at a time. The default engine, ``fork``, imports pandas,
   matplotlib, IPython and nbconvert once in a warm parent and forks a **fresh worker
   process per notebook**: the notebook runs in a new IPython shell in that process, in its
   own working directory ``build/work/<name>/``, and the process ends with the notebook, so
   no state can pass from one notebook to the next. The ``kernel`` engine runs papermill with
   a fresh Jupyter kernel per notebook instead. Parameters are injected as one JSON document
   decoded in the notebook (data, never code: :func:`digimotor.params.injected_source`).
   Workers die with the parent (SIGTERM/SIGINT kill them; a killed parent kills them by
   ``PR_SET_PDEATHSIG`` or, elsewhere, by polling) and never hold the run lock
   (:mod:`.workers`, :mod:`.execute`, :mod:`.progress`);
5. write the executed notebooks (``build/notebooks/``, volatile metadata stripped) and the
   site (``build/site/``: pages, index with run card, scorecard, method page) into a temporary
   directory, then move it into place: ``build/`` never holds half a site (:mod:`.publish`;
   the site is built by :mod:`digimotor.site`, called through :mod:`.pages` only: the site
   imports nothing from the runner).

A failing notebook does not stop the others: its result names the cell and the exception,
its page is published with a banner linking to the failing cell, and :attr:`RunResult.ok` is
False (the command exits non-zero). :func:`reproduce` is in :mod:`.runner`, the results in
:mod:`.results`.
"""

from .discover import discover_notebooks, notebook_parameters, notebook_title, page_context
from .execute import (
    KERNEL,
    execute_in_process,
    execute_with_kernel,
    prepare_notebook,
    strip_volatile,
)
from .pages import render_html
from .plan import cache_parts, package_digest
from .progress import Progress
from .publish import LOCK_NAME, run_lock
from .results import NotebookResult, RunResult, result_summary
from .runner import ENGINES, reproduce
from .workers import WARM_MODULES, RunTerminated

__all__ = [
    "ENGINES", "KERNEL", "LOCK_NAME", "WARM_MODULES", "NotebookResult", "Progress", "RunResult", "RunTerminated",
    "cache_parts", "discover_notebooks", "execute_in_process", "execute_with_kernel", "notebook_parameters",
    "notebook_title", "package_digest", "page_context", "prepare_notebook", "render_html", "reproduce",
    "result_summary", "run_lock", "strip_volatile",
]
