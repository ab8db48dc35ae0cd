"""Opening a user's file safely: only a regular file, no larger than the limit, read once.

Every reader of a user's file opens it through :func:`open_input` / :func:`read_input_bytes`,
which accept only a regular file (links are followed) no larger than ``DIGIMOTOR_MAX_INPUT_MB``
MiB (default 200). Devices, pipes (FIFOs), sockets and folders are refused before anything is
read. ``DIGIMOTOR_MAX_UNZIPPED_MB`` (default 500) bounds what a workbook may unpack to
(:mod:`digimotor.sources.files`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import InputFileError, ParameterError

MIB = 1024 * 1024

ENV_MAX_INPUT_MB = "DIGIMOTOR_MAX_INPUT_MB"
ENV_MAX_UNZIPPED_MB = "DIGIMOTOR_MAX_UNZIPPED_MB"
DEFAULT_MAX_INPUT_MB = 200
DEFAULT_MAX_UNZIPPED_MB = 500


def _limit(env: str, default_mb: int) -> int:
    text = os.environ.get(env, "").strip()
    if not text:
        return default_mb * MIB
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise ParameterError(f"{env}={text!r} is not a size in MiB", hint=f"e.g. {env}={default_mb * 2}")
    return int(value * MIB)


def max_input_bytes() -> int:
    """The largest input file accepted, in bytes (``DIGIMOTOR_MAX_INPUT_MB``, default 200 MiB)."""
    return _limit(ENV_MAX_INPUT_MB, DEFAULT_MAX_INPUT_MB)


def max_unzipped_bytes() -> int:
    """The largest unpacked size of a workbook, in bytes (``DIGIMOTOR_MAX_UNZIPPED_MB``, default 500 MiB)."""
    return _limit(ENV_MAX_UNZIPPED_MB, DEFAULT_MAX_UNZIPPED_MB)


def mib_text(size: int) -> str:
    return f"{size / MIB:,.1f} MiB".replace(",", " ")


def _check_stat(st: os.stat_result, path: Path, file: str) -> None:
    mode = st.st_mode
    if stat.S_ISREG(mode):
        limit = max_input_bytes()
        if st.st_size > limit:
            raise InputFileError(
                f"the file is {mib_text(st.st_size)}, larger than the limit of {mib_text(limit)}",
                file=file,
                hint=f"set {ENV_MAX_INPUT_MB} to a larger number of MiB if the file is really meant",
            )
        return
    link = ""
    if path.is_symlink():
        link = f" (a link to {os.path.realpath(path)})"
    if stat.S_ISDIR(mode):
        what = "this is a folder, not a file"
    elif stat.S_ISFIFO(mode):
        what = "this is a pipe (FIFO), not a regular file"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "this is a device, not a regular file"
    elif stat.S_ISSOCK(mode):
        what = "this is a socket, not a regular file"
    else:
        what = "this is not a regular file"
    hint = "name a file inside it" if stat.S_ISDIR(mode) else "save the data to a file and import that"
    raise InputFileError(what + link, file=file, hint=hint)


def _os_error(exc: OSError, path: Path, file: str) -> InputFileError:
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return InputFileError(f"the file does not exist (a link to the missing {os.path.realpath(path)})",
                                  file=file)
        return InputFileError("the file does not exist", file=file)
    if isinstance(exc, PermissionError):
        return InputFileError("the file cannot be read: permission denied", file=file)
    return InputFileError(f"the file cannot be read: {exc.strerror or exc}", file=file)


def check_input_file(path: str | Path) -> os.stat_result:
    """Refuse anything but a regular file within the size limit, without opening it.

    Links are followed: a link to a device, pipe or folder is refused like its target.

    Raises
    ------
    InputFileError
        Naming the file and what it is instead (one line).
    """
    path = Path(path)
    file = str(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _os_error(exc, path, file) from None
    except ValueError:  # an embedded NUL character in the name
        raise InputFileError("the file name contains a NUL character", file=file) from None
    _check_stat(st, path, file)
    return st


def open_input(path: str | Path) -> BinaryIO:
    """Open a user's file for reading in binary mode, after :func:`check_input_file`.

    The file is opened without blocking (a pipe swapped in after the check cannot hang the
    open) and checked again on the open descriptor, so what is read is what was checked.
    """
    path = Path(path)
    file = str(path)
    check_input_file(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(exc, path, file) from None
    try:
        _check_stat(os.fstat(fd), path, file)
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_input_bytes(path: str | Path) -> bytes:
    """All bytes of a user's file, through :func:`open_input`; never more than the size limit.

    A file that grows while it is read, or reports a size smaller than its content (as some
    system files do), is refused once the limit is passed.
    """
    limit = max_input_bytes()
    with open_input(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputFileError(
            f"the file holds more than the limit of {mib_text(limit)}",
            file=str(path),
            hint=f"set {ENV_MAX_INPUT_MB} to a larger number of MiB if the file is really meant",
        )
    return data
