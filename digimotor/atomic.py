"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Everything the package writes under ``data/raw/``, ``data/processed/``, ``figures/`` and
``build/`` goes through these helpers: the content is written to a temporary file in the
same folder, flushed to disk, and moved over the target with :func:`os.replace`.

:func:`file_lock` serialises writers that must not interleave (two imports of one snapshot
name): an exclusive lock on a lock file, ``flock`` on POSIX and ``msvcrt.locking`` on
Windows, released by the operating system if the holder dies.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
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


def try_lock(fh) -> bool:
    """Take an exclusive lock on the open file ``fh`` without waiting; False if another holds it.

    POSIX uses ``flock``; Windows ``msvcrt.locking`` on the first byte. Either lock is released
    by the operating system when the holding process dies, so a killed writer never blocks the
    next one. Closing ``fh`` releases the lock.
    """
    if os.name == "nt":  # pragma: no cover - not exercised on the POSIX test machines
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str], *, what: str = "", timeout: float = 300.0,
              poll: float = 0.05) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` (created if needed) for the duration of the block.

    Waits for another holder up to ``timeout`` seconds, then raises :class:`DigimotorError`
    naming ``what`` is being written and the lock file. The lock file itself is left in place
    (removing it would let a waiting process and a new one both believe they hold the lock).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+")
    except OSError as exc:
        raise DigimotorError(
            f"cannot create the lock file {path}: {exc.strerror or exc}",
            hint="check that the folder is writable and the disk is not full",
        ) from exc
    try:
        deadline = time.monotonic() + timeout
        while not try_lock(fh):
            if time.monotonic() >= deadline:
                raise DigimotorError(
                    f"another process has been writing {what or path} for more than {timeout:g} s "
                    f"(lock file {path})",
                    hint="let it finish, or stop it, and try again",
                )
            time.sleep(poll)
        yield path
    finally:
        fh.close()  # closing releases the lock
