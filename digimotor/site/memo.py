"""Work on a file done once per process for the same bytes: the site's reading of unchanged pages.

A run that changes one notebook rebuilds the index from every page, executed notebook and table
of the run; all but one are the same files as before. :func:`by_content` keeps what was made of a
file under the digest of its bytes, so the runner can read the unchanged ones while the notebook
runs (:func:`digimotor.site.prepare`) and the site builder finds them done. The key is the
content, never a name or a time: a file that changed is read again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
#: Results kept per kind of work by default (the least recently used are dropped first): a
#: few runs' worth of tables and pages (a run of the study reads 7 pages and about 60 tables).
KEEP = 128
_DONE: dict[str, OrderedDict[str, Any]] = {}


def by_content(path: Path, kind: str, make: Callable[[bytes], T], keep: int = KEEP) -> T:
    """``make(bytes of path)``, done once for the same bytes (per ``kind``); OSError if unreadable.

    At most ``keep`` results of ``kind`` are kept (fewer for large ones, such as executed
    notebooks). An exception of ``make`` is raised every time (nothing is kept). The result is
    shared: callers must not change it.
    """
    data = path.read_bytes()
    key = hashlib.blake2b(data, digest_size=20).hexdigest()
    done = _DONE.setdefault(kind, OrderedDict())
    if key in done:
        done.move_to_end(key)
        return done[key]
    result = make(data)
    done[key] = result
    while len(done) > keep:
        done.popitem(last=False)
    return result


def forget() -> None:
    """Drop everything kept (tests)."""
    _DONE.clear()
