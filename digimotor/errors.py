"""Exceptions that carry a message a researcher can act on.

Every error the package raises on bad input is a :class:`DigimotorError` (or a subclass).
The command line prints its message on one line and exits non-zero; notebooks show it as
an ordinary exception.
"""

from __future__ import annotations

import re

# Characters that would break a one-line message or change what a terminal shows: C0/C1
# controls (tab excepted), line and paragraph separators, zero-width and bidi controls, and
# lone surrogates (undecodable bytes of a file name), which cannot even be printed.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """``text`` with control and invisible characters escaped as in ``repr`` (``\\x1b``, ``\\u2028``).

    Applied to every message and hint, so a cell or file name from a user's file can neither
    split an error over several lines nor send escape sequences to the terminal.
    """
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED:
            return _NAMED[char]
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(escape, text)


class DigimotorError(Exception):
    """Base class: a problem with input, data or parameters that the user can fix.

    Parameters
    ----------
    message
        What is wrong, naming the file, row and column where that applies.
    hint
        How to fix it (a command to run, an allowed value ...). Appended to the message.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        message = printable(str(message))
        hint = None if hint is None else printable(str(hint))
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
