"""Unit assumptions of the milestone plan and rough budget (staff-months, durations, cost per staff-month).

The defaults are in ``digimotor/reference/plan_assumptions.csv`` (provenance in
``plan_assumptions.meta.yml``): every default is marked ``assumption`` with a short
rationale; none is a figure of the report. Your own file (CSV or XLSX, same columns) replaces
them; it is checked row by row (:func:`digimotor.metrics.plan.check_assumptions`).

==========  =======  ==========================================================
column      dtype    meaning
==========  =======  ==========================================================
parameter   string   ``duration_months``, ``staff_months_per_member``, ``lead_factor``, ``cost_per_staff_month``
step_id     string   samtrappan step (talk … joint_action) for per-step parameters, else empty
low         float    low end of the range
mid         float    middle value
high        float    high end of the range
unit        string   months, staff-months, factor, SEK
basis       string   ``assumption`` or ``public`` (then the rationale cites the source)
rationale   string   why this value
==========  =======  ==========================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("parameter", "step_id", "low", "mid", "high", "unit", "basis", "rationale")


def default_assumptions_path() -> Path:
    """The shipped defaults."""
    from ..config import REFERENCE_DIR

    return REFERENCE_DIR / "plan_assumptions.csv"


def load_plan_assumptions(path: str | Path | None = None) -> pd.DataFrame:
    """The plan's unit assumptions, checked (file, row and column named on any problem).

    ``path``: ``None`` or ``"default"`` for the shipped defaults, else a CSV/XLSX of your own
    (a relative path is tried as given, then from the project's root).
    The frame keeps ``__row__`` (the row in the file) and ``attrs["file"]``.
    """
    from ..errors import InputFileError
    from ..metrics.plan import check_assumptions
    from ..schema import ROW
    from .files import read_rows

    file = default_assumptions_path() if path in (None, "", "default") else Path(path)
    if not file.is_absolute() and not file.exists():
        from ..config import project_root

        file = project_root() / file  # a path relative to the project (notebooks run in notebooks/)
    raw = read_rows(file, is_header=lambda cells: {"parameter", "low", "mid", "high"} <= {c.strip().lower()
                                                                                       for c in cells})
    raw.columns = [c if c == ROW else str(c).strip().lower() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns and c not in ("step_id", "rationale", "unit")]
    if missing:
        raise InputFileError(f"the column(s) {', '.join(missing)} are missing", file=str(file),
                             hint="columns: " + ", ".join(COLUMNS))
    for column in COLUMNS:
        if column not in raw.columns:
            raw[column] = ""
    frame = raw[[*COLUMNS, ROW]].copy()
    frame.attrs["file"] = str(file)
    checked = check_assumptions(frame, file=str(file))
    from ..provenance import REFERENCE_KIND, tag

    if file == default_assumptions_path():
        return tag(checked, REFERENCE_KIND, "default", path="digimotor/reference/plan_assumptions.csv")
    return tag(checked, "user", str(path), path=str(file))
