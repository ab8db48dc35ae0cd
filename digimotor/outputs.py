"""Write the notebooks' products: tables to ``data/processed/``, figures to ``figures/``.

Names follow the report's exhibits: ``figNN_<slug>`` (``fig07_population_forecast.csv``,
``fig06_population_forecast.png`` and ``.svg``). Everything is written atomically and
deterministically (no timestamps, fixed SVG hash salt), so two runs on the same inputs
give byte-identical files. The figure files themselves (:func:`save_figure`, slides,
placeholders) are made in :mod:`digimotor.figure_files` and re-exported here.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import write_text
from .config import DATA_KINDS, processed_dir
from .errors import DigimotorError

# The figure files live in digimotor.figure_files; notebooks, tests and the runner find them here.
from .figure_files import (  # noqa: F401 - re-exported
    ENV_FIGURE_FORMATS,
    FIGURE_FORMATS,
    FIGURE_SUFFIXES,
    SLIDE_DPI,
    SLIDE_PIXELS,
    check_output_name,
    figure_formats,
    figure_meta,
    save_figure,
    saved_png,
    shown_png,
    write_placeholders,
)
from .labels import label as _label
from .metrics.suppression import SUPPRESSED as _SUPPRESSED
from .numbers import number_text, round_half_up, swedish
from .placeholder import one_line_error, placeholder_png, placeholder_svg  # noqa: F401 - re-exported

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import Markdown

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)+[ \t]*")
_BACKTICKS = re.compile(r"`+")


def formula_like(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``,
    tab or carriage return first, and not a number such as ``-2.5``)."""
    return isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose formula-like text cells (:func:`formula_like`) start with ``'``.

    For a spreadsheet that is handed text, not for the tidy CSVs (:func:`write_table` writes
    every value as it is; the XLSX workbooks mark such cells as text instead,
    :mod:`digimotor.exports.xlsx`). Numbers are left alone.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(
                lambda v: "'" + v if formula_like(v) else v
            )
    return out


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def write_table(frame: pd.DataFrame, name: str, *, kind: str | None = None) -> Path:
    """Write ``frame`` to ``data/processed/<name>.csv`` with a ``data_kind`` column.

    Parameters
    ----------
    frame
        The table (tidy, English snake_case column names). Its data kind (``published``,
        ``public``, ``synthetic`` or ``user``) is read from its provenance
        (:func:`digimotor.provenance.kind_of`) and written into every row, so that a table read
        without its page still says what kind of number it holds.
    name
        ``figNN_slug``.
    kind
        Only for a table that carries no data kind (a parameter table built in code, one of the
        package's reference tables): the kind of the exhibit it belongs to. A frame with a data
        kind in its provenance says its own kind; passing one too is an error. The kind is
        written into every row, so that a table read without its page still says what kind of
        number it holds.

    The CSV is the canonical machine output: every cell is written as it is, text that starts
    with ``=`` included (a prefix would corrupt the data for every program that is not a
    spreadsheet). The page's XLSX workbook (:mod:`digimotor.exports.xlsx`) is the file for
    spreadsheets, and neutralises formula-like text there.

    Raises
    ------
    DigimotorError
        If the frame carries no provenance, or mixes kinds without saying so.
    """

    check_output_name(name)
    kind = _kind(frame, kind, f"table {name}")
    if kind not in DATA_KINDS:
        raise DigimotorError(f"kind must be one of {', '.join(DATA_KINDS)}, not '{kind}'")
    table = frame.drop(columns=["data_kind"], errors="ignore")
    table["data_kind"] = kind
    target = processed_dir() / f"{name}.csv"
    write_text(target, table.to_csv(index=False, lineterminator="\n"))
    from .manifest import record

    record("table", name=name, kind=kind, path=f"data/processed/{name}.csv")
    return target


def _kind(frame: pd.DataFrame, given: str | None, what: str) -> str:
    """The kind of a table: from its provenance, or ``given`` for a frame that carries none."""
    from .provenance import kind_of, kinds

    if given is None:
        return kind_of(frame, what)
    if kinds(frame):
        raise DigimotorError(f"{what} carries its own data kind; do not pass kind='{given}'",
                             hint="its kind is read from frame.attrs['provenance']")
    return given


def record_claims(part: str, values: Mapping[str, float]) -> Path:
    """Record the claim values a notebook produced (read by the run's claims scorecard)."""
    clean = {key: (None if value != value else float(value)) for key, value in sorted(values.items())}
    target = processed_dir() / "claims" / f"{part}.json"
    write_text(target, json.dumps(clean, indent=1, ensure_ascii=False) + "\n")
    from .manifest import record

    record("claims", part=part, path=f"data/processed/claims/{part}.json")
    return target


def escape_markdown(value: object) -> str:
    """``value`` as Markdown text that renders as exactly these characters, never as markup.

    Every ASCII punctuation character gets a backslash (CommonMark's escape): ``<`` cannot
    start HTML, ``*``, ``_``, ``[``, ``#``, ``$`` … format nothing, ``&`` starts no entity.
    Line breaks become spaces, so a value cannot start a block of its own.
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def markdown_text(template: str, /, *, number_lang: str | None = None, **values: object) -> str:
    """Fill ``template`` (``str.format`` syntax, keyword fields only) with escaped ``values``.

    The template is the author's Markdown; each value is formatted with its format spec and
    then escaped (:func:`escape_markdown`), so user text (names from an imported file,
    parameters, file paths) shows as text and never as HTML or Markdown. Inside a code span
    (`` `{path}` ``) or a fenced block a value is shown literally as code is, with any backtick
    replaced by ``ˋ`` so that it cannot close the code (and, in a span, line breaks by spaces).
    With ``number_lang="sv"`` a number outside code is written the Swedish way
    (:func:`digimotor.numbers.number_text`: ``1 734 443``, ``3,5``); code shows it as Python does.
    """
    formatter = string.Formatter()
    parts: list[str] = []
    code = 0  # length of the backtick run that opened the code span or fence we are in
    for literal, field, spec, conversion in formatter.parse(template):
        parts.append(literal)
        for run in _BACKTICKS.finditer(literal):
            n = len(run.group())
            if not code:
                code = n
            elif n == code or (code >= 3 and n >= code):
                code = 0
        if field is None:
            continue
        if not field or field[0].isdigit():
            raise ValueError(f"markdown template fields must be named: {{{field}}} in {template!r}")
        value, _ = formatter.get_field(field, (), values)
        value = formatter.convert_field(value, conversion)
        text = format(value, formatter.vformat(spec, (), values) if spec else "")
        if not code:
            parts.append(escape_markdown(number_text(text, value, number_lang or "")))
        elif code >= 3:
            parts.append(text.replace("`", "\u02cb"))
        else:
            parts.append(_LINE_BREAKS.sub(" ", text).replace("`", "\u02cb"))
    return "".join(parts)


def markdown(template: str, /, *, number_lang: str | None = None, **values: object) -> Markdown:
    """Notebook prose: ``template`` filled with escaped ``values`` (:func:`markdown_text`) for ``display``.

    The one way notebooks and package functions put values into Markdown, e.g.
    ``display(outputs.markdown("**Data:** `{path}` (kind **{kind}**)", path=path, kind=kind))``.
    Never place a value inside a link destination or raw HTML of the template.
    """
    from IPython.display import Markdown

    return Markdown(markdown_text(template, number_lang=number_lang, **values))


def present(
    frame: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    lang: str = "sv",
    decimals: Mapping[str, int] | None = None,
    caption: str | None = None,
    kind: str | None = None,
    show_kind: bool = True,
):
    """A display version of a table: translated headers, Swedish number format, a caption.

    Numbers are shown with a space as thousands separator and a decimal comma (``sv``) or
    comma/point (``en``). The caption says the table's data kind, read from its provenance
    (:func:`digimotor.provenance.kind_of`; a synthetic table's caption says it is an example),
    unless ``show_kind`` is false or the table is one of the package's reference tables. ``kind``
    is only for a table that carries no data kind (as for :func:`write_table`). In rows
    whose ``suppressed`` column is true (:mod:`digimotor.metrics.suppression`) an empty value
    shows as "..".

    Raises
    ------
    DigimotorError
        If ``show_kind`` and the frame carries no provenance, or mixes kinds without saying so.
    """
    from .plots.style import label
    from .provenance import is_reference

    kind = _kind(frame, kind, "the table shown") if show_kind and (kind is not None or not is_reference(frame)) \
        else None

    decimals = dict(decimals or {})
    shown = frame[[c for c in labels if c in frame.columns]].rename(columns=dict(labels))
    if "suppressed" in frame.columns and frame["suppressed"].astype(bool).any():
        hidden = frame["suppressed"].astype(bool).to_numpy()
        for position in range(shown.shape[1]):
            cells = shown.iloc[:, position]
            empty = cells.isna().to_numpy() & hidden
            if empty.any():
                shown.isetitem(position, cells.astype(object).where(~empty, _SUPPRESSED))

    def fmt(places: int):
        def inner(value: object) -> str:
            if isinstance(value, str) and value == _SUPPRESSED:
                return _SUPPRESSED
            if value is None or value != value:
                return "–"
            text = f"{round_half_up(float(value), places):,.{places}f}"
            return swedish(text) if lang == "sv" else text

        return inner

    formats = {
        labels[col]: fmt(decimals.get(col, 0))
        for col in frame.columns
        if col in labels and _numeric(frame[col])
    }
    yes, no = _label("outputs.yes", lang), _label("outputs.no", lang)
    formats.update(
        {
            labels[col]: (lambda v: v if isinstance(v, str) and v == _SUPPRESSED else "–" if v is None or v != v else (yes if v else no))
            for col in frame.columns
            if col in labels and _is_bool(frame[col])
        }
    )
    # User data reach the published pages through these tables: escape every text cell, every
    # header and the caption (Styler inserts captions and headers as raw HTML otherwise).
    styler = shown.style.format(formats, escape="html").format_index(escape="html", axis=1).hide(axis="index")
    parts = [caption] if caption else []
    if kind:
        parts.append(label("synthetic.note", lang) if kind == "synthetic" else label(f"kind.{kind}", lang))
    if parts:
        styler = styler.set_caption(html.escape(" — ".join(parts)))
    return styler


def _is_bool(series: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_bool_dtype(series) or (
        series.dtype == object and series.dropna().map(lambda v: isinstance(v, bool)).all() and series.notna().any()
    )


def _numeric(series: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
