"""Exceptions that carry a message a researcher can act on.

Every error the package raises on bad input is a :class:`DigimotorError` (or a subclass).
The command line prints its message on one line and exits non-zero; notebooks show it as
an ordinary exception.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r"}
MAX_SHOWN = 2000  # characters of a message (and of a hint): a cell of a megabyte is not echoed whole


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with control and invisible characters escaped as ``repr`` does (``\\x1b``, ``\\u2028``).

    Escaped: every character Python does not count as printable (C0/C1 controls, line and
    paragraph separators, zero-width, bidi and other format characters, private-use and
    unassigned code points, lone surrogates from undecodable file names) except the tab and
    spaces (a no-break space stays as it is). Applied to every message and hint, so a cell or
    file name from a user's file can neither split an error over several lines nor send
    escape sequences to the terminal.
    """
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or c == "\t" or unicodedata.category(c) == "Zs" else _escape(c) for c in text
    )


def _clip(text: str) -> str:
    """Cut the middle out of an over-long text, keeping its start (where) and end (what)."""
    if len(text) <= MAX_SHOWN:
        return text
    head, tail = MAX_SHOWN * 2 // 3, MAX_SHOWN // 3
    return f"{text[:head]} … ({len(text) - head - tail} characters more) … {text[-tail:]}"


class DigimotorError(Exception):
    """Base class: a problem with input, data or parameters that the user can fix.

    Parameters
    ----------
    message
        What is wrong, naming the file, row and column where that applies.
    hint
        How to fix it (a command to run, an allowed value ...). Appended to the message.
    """

    #: The command line's exit status for this error (2: a usage or input error).
    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        message = _clip(printable(str(message)))
        hint = None if hint is None else _clip(printable(str(hint)))
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} — {hint}")


class DataIntegrityError(DigimotorError):
    """A file under ``data/raw/`` does not match its provenance sidecar."""


class InputFileError(DigimotorError):
    """A user's file cannot be read or does not fit the dataset's schema.

    ``file``, ``row`` and ``column`` are kept as attributes for programs; ``row`` is the
    1-based row in the file as a spreadsheet shows it (the header is usually row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        where = ", ".join(
            part
            for part in (
                f"{file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column '{column}'" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message, hint)


class UnknownRegionError(DigimotorError):
    """A municipality, county or association name or code that the registry does not know."""


class ParameterError(DigimotorError):
    """A notebook or command parameter that is missing, of the wrong type or out of range."""


class SnapshotExistsError(DigimotorError):
    """A snapshot of that name already exists and the caller did not ask to replace it."""


def one_line(text: object) -> str:
    """``text`` on one line: line breaks and runs of white space become single spaces."""
    return " ".join(str(text).split())


def describe_os_error(exc: OSError, path: object = None) -> str:
    """An :class:`OSError` as one line that names the file: ``<path>: <reason>``.

    ``path`` is used when the error itself carries no file name.
    """
    reason = exc.strerror or (exc.args[0] if len(exc.args) == 1 else "") or type(exc).__name__
    names = [str(name) for name in (exc.filename or path, exc.filename2) if name]
    where = " -> ".join(names)
    return one_line(f"{where}: {reason}" if where else f"{reason}")
