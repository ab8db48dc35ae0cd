"""Which rows a page shows: the region's municipalities, one measurement, never pooled years.

Two rules every part that reads repeated surveys follows:

Region (:func:`region_scope`)
    Rows that carry real SCB codes are kept only for the municipalities of the chosen region
    (:func:`digimotor.regions.resolve_region`); the page lists the region's municipalities
    without data. Pseudonymous (synthetic) units ("Kommun 01") belong to no region and are
    never mapped to real municipalities: for them the filter does not apply, and the page
    says so.
Measurement (:func:`select_measurement`)
    A file may hold several measurements (years). Every summary is per measurement: with
    several years and no ``year`` chosen, :class:`~digimotor.errors.ParameterError` names the
    years found. ``earlier_years`` lets a municipality without answers in ``year`` count with
    its latest answers from at most that many years before (the 2021 report counted one
    municipality measured in 2019); each municipality enters a measurement once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import labels
from ..errors import ParameterError
from ..regions import Region, display_name, is_pseudonym, resolve_region

if TYPE_CHECKING:
    import pandas as pd

#: ``year`` = 0 means "not chosen" (notebook parameters have no null).
NOT_SET = 0


@dataclass
class Scope:
    """The rows of a region: ``frame``; ``applies`` is False for pseudonymous (synthetic) units."""

    frame: pd.DataFrame
    region: Region | None
    applies: bool
    outside: list[str] = field(default_factory=list)  #: codes in the data outside the region (dropped)

    def missing(self, present: Sequence[str]) -> list[str]:
        """Names of the region's municipalities that have no rows among ``present`` codes."""
        if not self.applies or self.region is None:
            return []
        have = set(map(str, present))
        return [display_name(code) for code in self.region.codes if code not in have]


def region_label(region: str | Sequence[str], label: str = "", lang: str = "sv") -> str:
    """The name a page uses for ``region``: ``label`` if given, else the region's own name."""
    if label:
        return label
    name = resolve_region(region).name
    names = {"Urval": "metrics_measurement.selection", "Riket": "metrics_measurement.sweden"}
    return labels.label(names[name], lang) if name in names else name


def region_scope(frame: pd.DataFrame, region: str | Sequence[str], *, code_column: str = "municipality_code"
                 ) -> Scope:
    """Keep the rows of ``region``'s municipalities; pseudonymous units are left as they are.

    Returns
    -------
    Scope
        ``applies`` is False when every unit is a pseudonym (then nothing is filtered and the
        page must say that the region does not apply). Rows of pseudonyms mixed into real data
        are kept (they belong to no region).
    """
    codes = frame[code_column].astype(str)
    pseudonym = codes.map(is_pseudonym).astype(bool)
    if len(frame) and pseudonym.all():
        return Scope(frame=frame, region=None, applies=False)
    selected = resolve_region(region)
    inside = codes.isin(set(selected.codes)) | pseudonym
    outside = sorted(set(codes[~inside]))
    kept = frame[inside.to_numpy()].copy()
    kept.attrs = dict(frame.attrs)
    return Scope(frame=kept, region=selected, applies=True, outside=outside)


@dataclass
class Measurement:
    """One measurement's rows and what was chosen."""

    frame: pd.DataFrame
    year: int | None  #: the measurement's year (None: the data carry no year)
    years: tuple[int, ...]  #: the years whose rows are used
    carried: dict[str, int] = field(default_factory=dict)  #: unit -> earlier year it was taken from

    def label(self) -> str:
        """"2020" or "2020 (+2019)" when earlier answers were carried in; "" without a year."""
        if self.year is None:
            return ""
        earlier = sorted({y for y in self.years if y != self.year})
        return str(self.year) + (" (+" + ", ".join(map(str, earlier)) + ")" if earlier else "")


def years_in(frame: pd.DataFrame, column: str = "year") -> list[int]:
    """The distinct years of ``frame`` (missing years left out), ascending."""
    if column not in frame.columns:
        return []
    return sorted({int(y) for y in frame[column].dropna().unique()})


def select_measurement(frame: pd.DataFrame, year: int = NOT_SET, *, earlier_years: int = 0,
                       unit: str = "municipality_code", column: str = "year", file: str = "",
                       parameter: str = "year") -> Measurement:
    """The rows of one measurement.

    Parameters
    ----------
    year
        The measurement's year; :data:`NOT_SET` (0) accepts a file that holds a single year
        (or none) and is an error when it holds several.
    earlier_years
        A unit without rows in ``year`` is taken with its latest rows from ``year - earlier_years``
        … ``year - 1`` (0 = only ``year``).
    file, parameter
        Named in the error messages.

    Raises
    ------
    ParameterError
        Several years and none chosen, or a year the data do not hold; the message names the
        file, the parameter and the years found (with the number of units per year).
    """
    import pandas as pd

    found = years_in(frame, column)
    where = f"{file}: " if file else ""

    def listing() -> str:
        counts = frame.groupby(column)[unit].nunique() if found else pd.Series(dtype=int)
        return ", ".join(f"{y} ({int(counts.loc[y])} units)" for y in found) or "none"

    if year == NOT_SET:
        if len(found) > 1:
            raise ParameterError(
                f"{where}the data hold several measurements, years {listing()}: choose one with the parameter "
                f"'{parameter}' (summaries are per measurement, never pooled)",
                hint="set earlier_years to let a municipality measured a year or two before count in a later measurement",
            )
        return Measurement(frame=frame, year=found[0] if found else None, years=tuple(found))
    if year not in found:
        raise ParameterError(f"{where}parameter '{parameter}' = {year}: the data hold the years {listing()}")
    if earlier_years < 0:
        raise ParameterError(f"parameter 'earlier_years' must be 0 or more, not {earlier_years!r}")
    years = pd.to_numeric(frame[column], errors="coerce")
    window = frame[(years <= year) & (years >= year - earlier_years)]
    latest = window.groupby(unit, sort=False)[column].transform("max")
    chosen = window[window[column] == latest].copy()
    chosen.attrs = dict(frame.attrs)
    per_unit = chosen.groupby(unit, sort=True)[column].first()
    carried = {str(u): int(y) for u, y in per_unit.items() if int(y) != year}
    return Measurement(frame=chosen, year=int(year), years=tuple(sorted({int(y) for y in per_unit})),
                       carried=carried)


def check_comparison(year: int, compare_year: int, earlier_years: int = 0) -> None:
    """``compare_year`` must be an earlier measurement whose window does not overlap ``year``'s.

    Raises
    ------
    ParameterError
        If ``compare_year`` is set but ``year`` is not, or the two windows share a year.
    """
    if compare_year == NOT_SET:
        return
    if year == NOT_SET:
        raise ParameterError("parameter 'compare_year' needs 'year' (the later measurement)")
    if not compare_year < year - earlier_years:
        raise ParameterError(
            f"parameter 'compare_year' = {compare_year} must lie before the measurement year {year}"
            + (f" and its earlier_years window ({year - earlier_years}–{year})" if earlier_years else "")
        )


def require_region(region: str | Sequence[str], covers: str, what: str) -> None:
    """Raise :class:`ParameterError` unless ``region`` is the region ``covers`` (same municipalities).

    For inputs that hold one region only, e.g. the report's published figures (Fyrbodal).
    """
    chosen, own = resolve_region(region), resolve_region(covers)
    if set(chosen.codes) != set(own.codes):
        raise ParameterError(
            f"parameter 'region' = {region!r}: {what} covers {own.name} only",
            hint="import respondent-level data for another region (`digimotor import <dataset> <file>`) and set source",
        )


def is_region(region: str | Sequence[str], other: str | Sequence[str]) -> bool:
    """True if ``region`` and ``other`` name the same municipalities."""
    return set(resolve_region(region).codes) == set(resolve_region(other).codes)


def chosen_year(frame: pd.DataFrame, year: int = NOT_SET, *, unit: str = "municipality_code", column: str = "year",
                file: str = "", parameter: str = "year") -> int | None:
    """The measurement year a page uses: ``year`` if the data hold it, the only year if ``year`` is 0.

    The same rules as :func:`select_measurement` (several years without a chosen one, or a year
    the data do not hold, raise :class:`~digimotor.errors.ParameterError` naming the years
    found); for parts that select the year's rows themselves.
    """
    return select_measurement(frame, year, unit=unit, column=column, file=file, parameter=parameter).year


def scoped_measurement(frame: pd.DataFrame, region: str | Sequence[str], year: int = NOT_SET, *,
                       unit: str = "municipality_code", file: str = "", parameter: str = "year"
                       ) -> tuple[Scope, Measurement]:
    """:func:`region_scope` then :func:`select_measurement`: the region's rows of one measurement."""
    scope = region_scope(frame, region, code_column=unit)
    return scope, select_measurement(scope.frame, year, unit=unit, file=file, parameter=parameter)
