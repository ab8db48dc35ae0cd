"""Read a folder of plans (verksamhetsplaner, digital agendas) as text, one row per document.

Plain text (``.txt``, ``.md``; UTF-8 or Windows-1252) and PDF (via :mod:`pypdf`) are read.
A document whose text cannot be had is *reported*, never counted as zero:

================  =====================================================================
``status``        meaning
================  =====================================================================
``ok``            the text was read
``no_text_layer`` a PDF whose pages carry no text (a scan): needs OCR before counting
``unreadable``    a damaged or encrypted file, a text file that is not text, or anything
                  the shared input check refuses (a pipe, a device, a file over the size
                  limit: see :func:`digimotor.sources.inputs.open_input`)
``unsupported``   another format (``.docx``, ``.xlsx`` …): save it as PDF or text
================  =====================================================================

The municipality of a document is the name of its sub-folder (``plans/Uddevalla/vp-2021.pdf``)
or, for files directly in the folder, the part of the file name before the first ``_``
(``Uddevalla_vp-2021.pdf``). Names are resolved to SCB codes; pseudonyms ("Kommun 01") are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DigimotorError, UnknownRegionError

if TYPE_CHECKING:
    import pandas as pd

TEXT_SUFFIXES = (".txt", ".md")
PDF_SUFFIXES = (".pdf",)
STATUSES = ("ok", "no_text_layer", "unreadable", "unsupported")


def _municipality_of(path: Path, folder: Path) -> tuple[str | None, str]:
    """(code or pseudonym or None, the text it was read from)."""
    from ..regions import is_pseudonym, resolve_municipality

    relative = path.relative_to(folder)
    text = relative.parts[0] if len(relative.parts) > 1 else path.stem.split("_")[0]
    if is_pseudonym(text):
        return text, text
    try:
        return resolve_municipality(text), text
    except UnknownRegionError:
        return None, text


def _read(path: Path) -> tuple[bytes | None, str]:
    """The bytes of ``path`` through the shared input check, or None and why it was refused."""
    from ..errors import InputFileError, printable
    from .inputs import read_input_bytes

    try:
        return read_input_bytes(path), ""
    except InputFileError as exc:
        return None, exc.message.removeprefix(f"{printable(str(exc.file))}: ")


def read_text_file(path: Path) -> tuple[str, str, str]:
    """Return (status, text, reason) for a plain-text file."""
    from .files import decode_bytes

    data, refused = _read(path)
    if data is None:
        return "unreadable", "", refused
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "unreadable", "", "binary content in a text file"
    try:
        text, _encoding = decode_bytes(data, str(path))
    except DigimotorError as exc:
        return "unreadable", "", str(exc.message)
    return "ok", text, ""


def read_pdf(path: Path) -> tuple[str, str, str, int | None]:
    """Return (status, text, reason, pages) for a PDF, using :mod:`pypdf`."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    data, refused = _read(path)
    if data is None:
        return "unreadable", "", refused, None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure means we cannot read it
                return "unreadable", "", "encrypted PDF", None
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        return "unreadable", "", f"not a readable PDF ({type(exc).__name__}: {exc})", None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        return "unreadable", "", f"not a readable PDF ({type(exc).__name__})", None
    text = "\n".join(pages)
    if not text.strip():
        return "no_text_layer", "", f"no text on any of {len(pages)} page(s): a scan? run OCR first", len(pages)
    return "ok", text, "", len(pages)


def read_documents(folder: str | Path) -> pd.DataFrame:
    """Read every document under ``folder`` (recursively, hidden files skipped).

    Parameters
    ----------
    folder
        A folder of plans; sub-folders name municipalities.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``document`` (path relative to ``folder``), ``municipality_code``
        (SCB code, pseudonym, or <NA> when the name is not a municipality),
        ``municipality_text`` (what the code was read from), ``format``, ``status`` (see the
        module docstring), ``reason``, ``pages`` (PDF), ``characters`` and ``text``.

    Raises
    ------
    DigimotorError
        If ``folder`` is not a folder.
    """
    import pandas as pd

    folder = Path(folder)
    if not folder.is_dir():
        raise DigimotorError(f"{folder} is not a folder", hint="give the folder that holds the plans")
    rows = []
    # Not only regular files: a pipe, device or link to one is listed as unreadable (with the
    # reason from the shared input check), never opened.
    for path in sorted(p for p in folder.rglob("*") if not p.is_dir()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        suffix = path.suffix.lower()
        pages = pd.NA
        if suffix in TEXT_SUFFIXES:
            status, text, reason = read_text_file(path)
            fmt = "text"
        elif suffix in PDF_SUFFIXES:
            status, text, reason, pages = read_pdf(path)
            pages = pd.NA if pages is None else pages
            fmt = "pdf"
        else:
            status, text, reason, fmt = "unsupported", "", f"'{suffix or path.name}' files are not read", suffix
        code, named = _municipality_of(path, folder)
        rows.append({
            "document": path.relative_to(folder).as_posix(),
            "municipality_code": code,
            "municipality_text": named,
            "format": fmt,
            "status": status,
            "reason": reason,
            "pages": pages,
            "characters": len(text) if status == "ok" else pd.NA,
            "text": text,
        })
    frame = pd.DataFrame(rows, columns=["document", "municipality_code", "municipality_text", "format", "status",
                                        "reason", "pages", "characters", "text"])
    for column in ("document", "municipality_code", "municipality_text", "format", "reason", "text"):
        frame[column] = frame[column].astype("string")
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    frame["pages"] = frame["pages"].astype("Int64")
    frame["characters"] = frame["characters"].astype("Int64")
    from ..provenance import tag

    return tag(frame, "user", str(folder), path=str(folder))


def load_term_sets() -> pd.DataFrame:
    """The term sets for counting efficiency and innovation words (``digimotor/reference/strategy_terms.csv``).

    Columns: ``term_set`` (``exact``: the two words the report counted; ``families``: word
    families), ``concept`` (``efficiency`` or ``innovation``), ``pattern`` and ``match``
    (``word``: the whole word; ``prefix``: any word that starts with the pattern; ``contains``:
    any word containing it, which also finds compounds such as "verksamhetseffektivisering").
    Edit the file, or pass your own table with the same columns to
    :func:`digimotor.metrics.strategy.count_terms`.
    """
    import pandas as pd

    path = Path(__file__).resolve().parents[1] / "reference" / "strategy_terms.csv"
    from ..provenance import REFERENCE_KIND, tag

    return tag(pd.read_csv(path, dtype=str, keep_default_na=False, comment="#"), REFERENCE_KIND, "default",
               path="digimotor/reference/strategy_terms.csv")
