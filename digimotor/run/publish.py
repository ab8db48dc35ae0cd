"""The run lock, the staging directory and the swap that publishes a run.

A run holds ``build/.reproduce.lock`` (:func:`run_lock`; a second run in the same checkout
waits, or with ``wait=False`` stops with a message naming the first run's process). It writes
the executed notebooks (``build/notebooks/``), the cache records and the site (``build/site/``:
pages, index with run card, scorecard, method page) into a staging directory, then moves them
into place (:func:`publish`): ``build/`` never holds half a site, and a run that cannot write
leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..atomic import try_lock
from ..config import build_dir
from ..errors import DigimotorError
from . import pages
from .execute import prepare_notebook
from .plan import Job, cache_key, read_cache, site_key
from .results import NotebookResult, result_from_record

LOCK_NAME = ".reproduce.lock"

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
    # a forked worker shares the flock: it closes this fd (close_lock_fds), and no exec'd
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


def close_lock_fds() -> None:
    """In a forked worker: close the inherited run-lock descriptors (the lock stays the parent's)."""
    for fd in list(_LOCK_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCK_FDS.clear()


def ensure_build() -> Path:
    try:
        build_dir().mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigimotorError(f"cannot write {build_dir()}: {exc.strerror or exc}") from exc
    return build_dir()


def remove_leftovers(build: Path, echo: Callable[[str], Any]) -> None:
    """Remove staging folders of runs that were killed (called while holding the run lock)."""
    for leftover in sorted([*build.glob(".staging-*"), *build.glob(".site-old-*")]):
        echo(f"removing {leftover.name} left by an interrupted run")
        shutil.rmtree(leftover, ignore_errors=True)


def swap_dir(new: Path, target: Path) -> None:
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


def failure_page(job: Job, staging: Path, res: NotebookResult, context: Mapping[str, Any]) -> None:
    """A page for a notebook whose process died: its source, parameters injected, and the banner."""
    target = staging / "site" / f"{res.name}.html"
    failure = {"cell": res.cell, "cell_id": res.cell_id, "error": res.error}
    try:
        nb = prepare_notebook(job.path, job.parameters)
        pages.render_page(nb, target, name=res.name, show_code=True, manifest=res.manifest,
                          failure=failure, context=context)
    except Exception as exc:  # noqa: BLE001 - the notebook itself is unreadable: publish the banner alone
        failure["error"] += f" (and the page could not be rendered: {type(exc).__name__}: {exc})"
        pages.banner_page(target, res.name, failure, context)


def publish(staging: Path, everything: Sequence[Path], by_name: Mapping[str, NotebookResult],
            records: Mapping[str, dict[str, Any]], show_code: bool, context: Mapping[str, Any]) -> None:
    """Assemble the new site in ``staging`` and move it, the notebooks and the cache into place."""
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
                record = read_cache(path.stem)
                if record:
                    res = result_from_record(path.stem, record, old_site / f"{path.stem}.html")
            summaries.append((path, res))
        card = pages.build_index(staging / "site", summaries, context, show_code=show_code)
        card_csv = staging / "scorecard.csv"
        card_csv.write_text(card.to_csv(index=False, lineterminator="\n") if card is not None else "", encoding="utf-8")
        # cache records
        for name, record in records.items():
            if "status" in record:
                record["key"] = cache_key(record["parts"])
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
        (staging / "site" / ".site-key").write_text(site_key(everything, show_code) + "\n")
        swap_dir(staging / "site", old_site)
        os.replace(card_csv, build / "scorecard.csv")
    except OSError as exc:
        raise DigimotorError(
            f"cannot write the site into {build}: {exc.strerror or exc}",
            hint="check that build/ is writable and the disk is not full; the previous site was left as it was",
        ) from exc
