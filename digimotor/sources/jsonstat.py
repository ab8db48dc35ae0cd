"""Read PxWeb responses: json-stat2 (SCB PxWebApi v2 and v1) and PxWeb v1 ``json``.

Both formats become one *long* frame: a column per dimension holding the value **codes**
(``Region``, ``Alder``, ``Kon``, ``ContentsCode``, ``Tid`` …), a column ``value`` (float,
NaN where the cell is missing) and ``__row__`` (the 1-based position of the cell in the
response, so that an error can point at it). ``frame.attrs`` keep the table id, the
dimension labels, the update time and the format.

Layouts (see README, "Public data: fetch and import"):

* **json-stat2** — ``{"version": "2.0", "class": "dataset", "id": [...], "size": [...],
  "dimension": {id: {"category": {"index": {code: pos}, "label": {code: text}}}}, "value": [...]}``;
  ``value`` is row-major over ``id``: the cell of positions ``p_i`` is ``Σ p_i · Π_{j>i} size_j``.
  The table id is in ``extension.px.tableid`` (``TAB638``).
* **PxWeb v1 json** — ``{"columns": [{"code", "text", "type": "d"|"t"|"c"}], "data":
  [{"key": [...], "values": ["50937"]}], "metadata": [...]}``; one content column per
  ``type == "c"``, values are strings.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputFileError

if TYPE_CHECKING:
    import pandas as pd

VALUE = "value"
ROW = "__row__"


def load_json_bytes(data: bytes, file: str) -> Any:
    """Decode and parse JSON bytes, turning a truncated or broken body into a clear error."""
    if not data.strip():
        raise InputFileError("the response/file is empty", file=file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"the JSON is not UTF-8 (byte {exc.start})", file=file) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise InputFileError("the JSON is nested too deeply to be a table", file=file) from None
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) - 1
        what = "the JSON ends too early (a truncated download?)" if truncated else f"broken JSON: {exc.msg}"
        raise InputFileError(what, file=file, row=exc.lineno,
                             hint="download the file again" if truncated else None) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputFileError(f"broken JSON: {exc}", file=file) from None


def is_jsonstat2(doc: Any) -> bool:
    """True for a json-stat2 dataset document."""
    return isinstance(doc, dict) and doc.get("class") == "dataset" and "id" in doc and "dimension" in doc


def is_pxweb_json(doc: Any) -> bool:
    """True for a PxWeb v1 ``json`` response (``columns`` + ``data``)."""
    return isinstance(doc, dict) and "columns" in doc and "data" in doc


def table_id(doc: dict) -> str | None:
    """The PX table id of a json-stat2 document (``extension.px.tableid``), if present."""
    px = (doc.get("extension") or {}).get("px") or {}
    return px.get("tableid") or px.get("matrix")


def _number(value: Any, file: str, row: int, column: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise InputFileError(f"{value!r} is not a number", file=file, row=row, column=column)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text in ("", ".", "..", "...", "....", ".....", "......", "-"):
        return math.nan
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise InputFileError(f"'{value}' is not a number", file=file, row=row, column=column) from None


def parse_jsonstat2(doc: dict, file: str) -> pd.DataFrame:
    """Unroll a json-stat2 dataset into the long frame described in the module docstring.

    Raises
    ------
    InputFileError
        If ``id``/``size``/``dimension`` disagree, or ``value`` has the wrong length or a
        non-numeric cell (the message names the cell's position and dimension codes).
    """
    import itertools

    import pandas as pd

    if not is_jsonstat2(doc):
        raise InputFileError("not a json-stat2 dataset (no class 'dataset' with id and dimension)", file=file)
    if str(doc.get("version", "2.0")) != "2.0":
        raise InputFileError(f"json-stat version {doc.get('version')} is not supported; ask for json-stat2",
                             file=file)
    ids = list(doc["id"])
    sizes = list(doc.get("size") or [])
    if len(ids) != len(sizes):
        raise InputFileError(f"'id' names {len(ids)} dimensions but 'size' has {len(sizes)}", file=file)
    codes: list[list[str]] = []
    labels: dict[str, dict[str, str]] = {}
    for dim, size in zip(ids, sizes, strict=True):
        info = doc["dimension"].get(dim)
        if info is None:
            raise InputFileError(f"dimension '{dim}' is listed in 'id' but not described", file=file, column=dim)
        category = info.get("category") or {}
        index = category.get("index")
        if isinstance(index, list):
            ordered = [str(c) for c in index]
        elif isinstance(index, dict):
            ordered = [str(c) for c, _pos in sorted(index.items(), key=lambda kv: kv[1])]
        else:
            ordered = [str(c) for c in (category.get("label") or {})]
        if len(ordered) != size:
            raise InputFileError(f"dimension '{dim}' has {len(ordered)} categories but size {size}",
                                 file=file, column=dim)
        codes.append(ordered)
        labels[dim] = {str(k): str(v) for k, v in (category.get("label") or {}).items()}
    values = doc.get("value")
    expected = math.prod(sizes)
    if isinstance(values, dict):  # sparse form {"index": value}
        dense: list[Any] = [None] * expected
        for key, val in values.items():
            dense[int(key)] = val
        values = dense
    if not isinstance(values, list) or len(values) != expected:
        have = len(values) if isinstance(values, list) else 0
        raise InputFileError(
            f"'value' holds {have} cells but the dimensions ({' × '.join(map(str, sizes))}) need {expected}",
            file=file, hint="the response may be truncated; fetch or download it again",
        )
    records = []
    for position, combo in enumerate(itertools.product(*codes)):
        try:
            number = _number(values[position], file, position + 1, VALUE)
        except InputFileError as exc:
            where = ", ".join(f"{d}={c}" for d, c in zip(ids, combo, strict=True))
            raise InputFileError(f"{exc.message} (cell {where})", file=file, row=position + 1,
                                 column=VALUE) from None
        records.append([*combo, number, position + 1])
    frame = pd.DataFrame(records, columns=[*ids, VALUE, ROW])
    frame.attrs.update({
        "format": "json-stat2",
        "table_id": table_id(doc),
        "label": doc.get("label"),
        "updated": doc.get("updated"),
        "source": doc.get("source"),
        "labels": labels,
        "roles": doc.get("role") or {},
    })
    return frame


def parse_pxweb_json(doc: dict, file: str) -> pd.DataFrame:
    """Unroll a PxWeb v1 ``json`` response into the long frame (one ``ContentsCode`` per content column).

    Raises
    ------
    InputFileError
        If a row's key or values do not fit the columns, or a value is not a number.
    """
    import pandas as pd

    if not is_pxweb_json(doc):
        raise InputFileError("not a PxWeb json response (no 'columns' and 'data')", file=file)
    columns = doc["columns"]
    dims = [c["code"] for c in columns if c.get("type") in ("d", "t")]
    contents = [c["code"] for c in columns if c.get("type") == "c"]
    if not contents:
        raise InputFileError("the response has no content column (type 'c')", file=file)
    records = []
    for number, item in enumerate(doc["data"], start=1):
        key = item.get("key") or []
        vals = item.get("values") or []
        if len(key) != len(dims) or len(vals) != len(contents):
            raise InputFileError(
                f"data row has {len(key)} keys and {len(vals)} values; the columns need {len(dims)} and {len(contents)}",
                file=file, row=number,
            )
        for content, val in zip(contents, vals, strict=True):
            records.append([*map(str, key), content, _number(val, file, number, content), number])
    frame = pd.DataFrame(records, columns=[*dims, "ContentsCode", VALUE, ROW])
    meta = (doc.get("metadata") or [{}])[0]
    frame.attrs.update({
        "format": "pxweb-json",
        "table_id": meta.get("infofile"),
        "label": meta.get("label"),
        "updated": meta.get("updated"),
        "source": meta.get("source"),
        "labels": {c["code"]: {} for c in columns},
        "roles": {"time": [c["code"] for c in columns if c.get("type") == "t"]},
    })
    return frame


def read_pxweb_file(path: str | Path) -> pd.DataFrame:
    """Read a ``.json`` file that holds json-stat2 or PxWeb v1 json; return the long frame."""
    from .inputs import read_input_bytes

    path = Path(path)
    file = str(path)
    doc = load_json_bytes(read_input_bytes(path), file)  # a regular file within the size limit
    if is_jsonstat2(doc):
        return parse_jsonstat2(doc, file)
    if isinstance(doc, dict) and isinstance(doc.get("dataset"), dict):
        raise InputFileError("this is json-stat version 1; export or fetch it as json-stat2", file=file)
    if is_pxweb_json(doc):
        return parse_pxweb_json(doc, file)
    raise InputFileError("the JSON is neither json-stat2 nor a PxWeb json response", file=file)
