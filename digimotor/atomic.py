"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Everything the package writes under ``data/raw/``, ``data/processed/``, ``figures/`` and
``build/`` goes through these helpers: the content is written to a temporary file in the
same folder, flushed to disk, and moved over the target with :func:`os.replace`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import DigimotorError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it into place if the block succeeds.

    If the block raises, the temporary file is removed and ``target`` is left untouched.
    An :class:`OSError` (no permission, disk full) becomes a :class:`DigimotorError`
    that names the target.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise DigimotorError(
            f"cannot write {target}: {exc.strerror or exc}",
            hint="check that the folder exists, is writable and the disk is not full",
        ) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise DigimotorError(
            f"cannot write {target}: {exc.strerror or exc}",
            hint="check that the folder is writable and the disk is not full; nothing was changed",
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically (UTF-8, ``\\n`` line endings)."""
    return write_bytes(target, text.encode(encoding))
