"""Small-group protection: results for fewer than ``min_respondents`` respondents are not shown.

Survey results of individual respondents (DiMiOS, the department-head and IT-chief surveys) for
a municipality with fewer respondents than ``min_respondents`` (default
:data:`DEFAULT_MIN_RESPONDENTS` = 3) are *suppressed*, as SCB and Kolada do:

* in a CSV the values are empty and a boolean ``suppressed`` column says why;
* where people read them (pages, exports, figures) the value shows as :data:`SUPPRESSED` ("..");
* a note counts the suppressed units.

Aggregates over several municipalities (the regional mean, the mean change, the type counts)
keep every respondent; only the per-municipality values are withheld. A study can lower the
threshold explicitly (the parameter), and the page then says that it was lowered: never
silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import labels
from ..errors import ParameterError
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd

#: SCB's and Kolada's mark for a value withheld to protect respondents.
SUPPRESSED = ".."
#: The default threshold: fewer respondents than this are suppressed.
DEFAULT_MIN_RESPONDENTS = 3
#: The flag column written into every table that suppresses values.
FLAG = "suppressed"


def check_min_respondents(value: int) -> int:
    """Return ``value`` if it is a whole number ≥ 1; raise :class:`ParameterError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"parameter 'min_respondents' must be a whole number of at least 1, not {value!r}")
    return value


@keeps_provenance
def suppress(frame: pd.DataFrame, *, n_column: str, columns: Iterable[str], min_respondents: int,
             also: pd.Series | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` emptied where ``n_column`` < ``min_respondents``.

    Parameters
    ----------
    frame
        One row per unit (e.g. municipality) with its respondent count in ``n_column``.
    columns
        The result columns to withhold (numbers become NaN, text becomes missing). The count
        itself stays: it says why the row is empty.
    min_respondents
        Threshold (at least 1); rows with fewer respondents are suppressed.
    also
        Optional boolean Series (same index) of rows to suppress for another reason, e.g.
        a change whose other measurement was suppressed.

    Returns
    -------
    pandas.DataFrame
        ``frame`` with the columns emptied and a boolean ``suppressed`` column (added last,
        or overwritten where it exists).
    """
    import numpy as np
    import pandas as pd

    min_respondents = check_min_respondents(min_respondents)
    out = frame.copy()
    counts = pd.to_numeric(out[n_column], errors="coerce")
    hidden = (counts < min_respondents).fillna(False).to_numpy(dtype=bool)
    if also is not None:
        hidden |= also.reindex(out.index).fillna(False).to_numpy(dtype=bool)
    for column in columns:
        if column not in out.columns:
            continue
        series = out[column]
        if pd.api.types.is_bool_dtype(series):
            out[column] = series.astype(object).where(~hidden, None)
        elif pd.api.types.is_integer_dtype(series):  # counts stay whole numbers ("2", not "2.0")
            out[column] = series.astype("Int64").where(~hidden, pd.NA)
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_extension_array_dtype(series):
            out[column] = series.astype(float).where(~hidden, np.nan)
        else:
            out[column] = series.where(~hidden, pd.NA if pd.api.types.is_extension_array_dtype(series) else None)
    out[FLAG] = hidden
    return out


def n_suppressed(frame: pd.DataFrame) -> int:
    """Number of suppressed rows of ``frame`` (0 without a ``suppressed`` column)."""
    return int(frame[FLAG].sum()) if FLAG in frame.columns else 0


def note(count: int, min_respondents: int, lang: str = "sv") -> str:
    """The plain-text note under a table or figure: how many units are shown as ".." and why."""
    return labels.label("metrics_suppression.note", lang, suppressed=SUPPRESSED, count=count,
                        min_respondents=min_respondents)


def threshold_note(min_respondents: int, lang: str = "sv") -> str:
    """Empty at the default threshold; otherwise a sentence saying it was changed explicitly."""
    if min_respondents == DEFAULT_MIN_RESPONDENTS:
        return ""
    return labels.label("metrics_suppression.threshold", lang, min_respondents=min_respondents,
                        default=DEFAULT_MIN_RESPONDENTS)
