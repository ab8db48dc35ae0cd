"""Read PC-Axis (``.px``) files as Statistikdatabasen exports them.

A PX file is a series of ``KEYWORD[lang]("subkey")=value;`` statements, metadata first and
``DATA=`` last. ``STUB`` and ``HEADING`` name the variables; ``VALUES("var")`` and
``CODES("var")`` their values and codes; ``DATA`` holds the cells row-major over
``STUB + HEADING`` (stub variables as rows, heading variables as columns). Missing cells are
written ``".."`` (``"."`` … ``"......"``), nil as ``"-"``. ``CODEPAGE`` names the encoding
(default ISO-8859-1; SCB's files use it or Windows-1252).

:func:`read_px` returns the same long frame as :mod:`digimotor.sources.jsonstat`: one column
per variable holding codes (or value texts where a variable has no ``CODES``), ``value`` and
``__row__`` — here the **line of the file** where the cell is written, so that an error in a
broken DATA block points at the line.
"""

from __future__ import annotations

import codecs
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError

if TYPE_CHECKING:
    import pandas as pd

_MISSING = {".", "..", "...", "....", ".....", "......", "-"}
_KEY = re.compile(r'^\s*([A-Z][A-Z0-9-]*)(?:\[([a-z]{2})\])?(?:\(\s*"([^"]*)"(?:\s*,\s*"[^"]*")*\s*\))?\s*=', re.S)


def _declared_codepage(data: bytes) -> str:
    match = re.search(rb'CODEPAGE\s*=\s*"([^"]+)"', data[:20000])
    if not match:
        return "iso-8859-1"
    name = match.group(1).decode("ascii", "replace").strip().lower()
    return {"ansi": "cp1252", "windows-1252": "cp1252", "latin1": "iso-8859-1"}.get(name, name)


def decode_px(data: bytes, file: str) -> tuple[str, str]:
    """Decode a PX file with its declared ``CODEPAGE``; refuse a file whose bytes say otherwise.

    Raises
    ------
    InputFileError
        For UTF-16 files, an unknown code page, bytes that do not decode, or a file declared
        ISO-8859-1/Windows-1252 that is really UTF-8 (Swedish letters would turn into
        "Ã¥"): the message says which.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        raise InputFileError(
            "the PX file is UTF-16 encoded; PX files are ISO-8859-1, Windows-1252 or UTF-8 text",
            file=file, hint="export the table again as PC-Axis from Statistikdatabasen",
        )
    declared = _declared_codepage(data)
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise InputFileError(f"CODEPAGE '{declared}' is not an encoding Python knows", file=file,
                             column="CODEPAGE") from None
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"the file says CODEPAGE '{declared}' but byte {exc.start} cannot be read in it",
            file=file, row=line, column="CODEPAGE",
            hint="the file was probably re-saved in another encoding; export it again",
        ) from None
    if codec != "utf-8" and re.search(r"Ã[\u0080-\u00bf]", text):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            line = text[: re.search(r"Ã[\u0080-\u00bf]", text).start()].count("\n") + 1
            raise InputFileError(
                f"the file says CODEPAGE '{declared}' but its bytes are UTF-8 (å, ä, ö read as 'Ã¥', 'Ã¤', 'Ã¶')",
                file=file, row=line, column="CODEPAGE",
                hint='set CODEPAGE="utf-8" in the file or export it again',
            )
    return text, codec


def _statements(text: str, file: str) -> list[tuple[str, str | None, str | None, str, int]]:
    """Split into (keyword, lang, subkey, raw value, first line) at ``;`` outside quotes."""
    out = []
    start, line, in_quote = 0, 1, False
    start_line = 1
    for pos, ch in enumerate(text):
        if ch == '"':
            in_quote = not in_quote
        elif ch == "\n":
            line += 1
        elif ch == ";" and not in_quote:
            chunk = text[start:pos]
            if chunk.strip():
                offset = len(chunk) - len(chunk.lstrip())
                first = start_line + chunk[:offset].count("\n")
                match = _KEY.match(chunk)
                if not match:
                    raise InputFileError(f"cannot read the statement '{chunk.strip()[:40]}'", file=file, row=first)
                out.append((match.group(1), match.group(2), match.group(3), chunk[match.end():], first))
            start, start_line = pos + 1, line
    rest = text[start:].strip()
    if rest:
        first = start_line + text[start:].count("\n", 0, len(text[start:]) - len(text[start:].lstrip()))
        keyword = rest.split("=", 1)[0].strip()[:20]
        raise InputFileError(
            f"the statement {keyword} is not closed with ';' (the file ends too early?)",
            file=file, row=first, column=keyword, hint="download or export the file again",
        )
    return out


def _strings(raw: str) -> list[str]:
    """Values of a statement: quoted strings separated by commas; adjacent strings are joined."""
    items: list[str] = []
    pending: str | None = None
    for match in re.finditer(r'"((?:[^"])*)"|(,)|([^\s",]+)', raw):
        quoted, comma, bare = match.groups()
        if comma:
            if pending is not None:
                items.append(pending)
            pending = None
        elif quoted is not None:
            pending = quoted if pending is None else pending + quoted
        elif bare is not None:
            pending = bare if pending is None else pending + bare
    if pending is not None:
        items.append(pending)
    return items


def parse_px(text: str, file: str, *, lang: str | None = None) -> pd.DataFrame:
    """Parse PX text into the long frame (see the module docstring).

    Raises
    ------
    InputFileError
        If a mandatory keyword is missing, ``VALUES``/``CODES`` disagree, or the DATA block
        has the wrong number of cells or a cell that is not a number (with its line).
    """
    import itertools

    import pandas as pd

    meta: dict[tuple[str, str | None], str] = {}
    data_raw, data_line = None, 0
    for keyword, klang, subkey, raw, first in _statements(text, file):
        if klang is not None and lang is not None and klang != lang:
            continue
        if klang is not None and lang is None:
            continue  # the default language comes without [xx]
        if keyword == "DATA":
            data_raw, data_line = raw, first
            continue
        meta[(keyword, subkey)] = raw
    for needed in ("MATRIX", "VALUES"):
        if not any(k == needed for k, _s in meta):
            raise InputFileError(f"the PX file has no {needed} keyword", file=file, column=needed)
    if data_raw is None:
        raise InputFileError("the PX file has no DATA block", file=file, column="DATA",
                             hint="the file may be truncated; export it again")
    stub = _strings(meta.get(("STUB", None), ""))
    heading = _strings(meta.get(("HEADING", None), ""))
    variables = stub + heading
    if not variables:
        raise InputFileError("the PX file has neither STUB nor HEADING", file=file, column="STUB")
    codes: list[list[str]] = []
    labels: dict[str, dict[str, str]] = {}
    for var in variables:
        if ("VALUES", var) not in meta:
            raise InputFileError(f"no VALUES for the variable '{var}'", file=file, column=f'VALUES("{var}")')
        values = _strings(meta[("VALUES", var)])
        var_codes = _strings(meta[("CODES", var)]) if ("CODES", var) in meta else values
        if len(var_codes) != len(values):
            raise InputFileError(
                f"'{var}' has {len(values)} VALUES but {len(var_codes)} CODES", file=file, column=f'CODES("{var}")'
            )
        codes.append(var_codes)
        labels[var] = dict(zip(var_codes, values, strict=True))
    # DATA tokens with the line each sits on
    tokens: list[tuple[str, int]] = []
    line = data_line
    for part in re.finditer(r'"[^"]*"|[^\s",]+|\n', data_raw):
        token = part.group(0)
        if token == "\n":
            line += 1
            continue
        tokens.append((token.strip('"'), line))
    expected = math.prod(len(c) for c in codes)
    if len(tokens) != expected:
        where = tokens[-1][1] if tokens else data_line
        raise InputFileError(
            f"the DATA block holds {len(tokens)} cells but {' × '.join(str(len(c)) for c in codes)} = {expected} are expected",
            file=file, row=where, column="DATA", hint="the file is damaged or truncated; export it again",
        )
    records = []
    for (token, token_line), combo in zip(tokens, itertools.product(*codes), strict=True):
        if token in _MISSING:
            number = math.nan
        else:
            try:
                number = float(token.replace(",", "."))
            except ValueError:
                where = ", ".join(f"{v}={c}" for v, c in zip(variables, combo, strict=True))
                raise InputFileError(f"'{token}' in the DATA block is not a number (cell {where})",
                                     file=file, row=token_line, column="DATA") from None
        records.append([*combo, number, token_line])
    frame = pd.DataFrame(records, columns=[*variables, "value", "__row__"])
    matrix = _strings(meta[("MATRIX", None)])
    frame.attrs.update({
        "format": "px",
        "table_id": (_strings(meta[("TABLEID", None)]) or [None])[0] if ("TABLEID", None) in meta else
        (matrix[0] if matrix else None),
        "matrix": matrix[0] if matrix else None,
        "label": (_strings(meta.get(("TITLE", None), "")) or [None])[0],
        "contents": (_strings(meta.get(("CONTENTS", None), "")) or [None])[0],
        "updated": (_strings(meta.get(("LAST-UPDATED", None), "")) or [None])[0],
        "source": (_strings(meta.get(("SOURCE", None), "")) or [None])[0],
        "labels": labels,
        "roles": {"time": [v for v in variables if ("TIMEVAL", v) in meta]},
    })
    return frame


def read_px(path: str | Path, *, lang: str | None = None) -> pd.DataFrame:
    """Read a ``.px`` file (see :func:`parse_px`)."""
    from .inputs import read_input_bytes

    path = Path(path)
    file = str(path)
    data = read_input_bytes(path)  # a regular file within the size limit
    if not data.strip():
        raise InputFileError("the file is empty", file=file)
    text, _codec = decode_px(data, file)
    return parse_px(text, file, lang=lang)
