"""Readers of SCB exports: any format Statistikdatabasen writes -> raw cells named like a spec's columns.

PC-Axis ``.px`` (:mod:`digimotor.sources.pcaxis`), json-stat2 and PxWeb v1 ``json``
(:mod:`digimotor.sources.jsonstat`), CSV with title lines and XLSX become the raw cells that
:func:`digimotor.conform.conform` validates: SCB codes for regions, ``women``/``men`` for sex,
``0-4``/``37``/``100-`` for age. The datasets and loaders are :mod:`digimotor.sources.scb`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputFileError
from ..regions import fold
from ..schema import ROW, DatasetSpec, header_matcher

if TYPE_CHECKING:
    import pandas as pd

_ROLE_NAMES = {
    "region": {"region", "kommun", "lan", "county", "municipality"},
    "age": {"alder", "age"},
    "sex": {"kon", "sex"},
    "time": {"tid", "ar", "year", "time"},
    "contents": {"contentscode", "tabellinnehall", "contents", "table contents"},
}
_SEX = {"1": "men", "2": "women", "man": "men", "men": "men", "male": "men", "males": "men",
        "kvinnor": "women", "women": "women", "female": "women", "females": "women", "kvinna": "women",
        "män": "men", "1+2": "total", "totalt": "total", "total": "total", "samtliga": "total"}


def region_code(text: object) -> str:
    """SCB code of a region written as SCB writes it.

    ``"1460"``, ``"1460 Bengtsfors"``, ``"14 Västra Götalands län"``, ``"Västra Götalands län"``,
    ``"00 Riket"`` / ``"Riket"`` and municipality names are all understood.

    Raises
    ------
    ValueError
        If the text names no region.
    """
    from ..errors import UnknownRegionError
    from ..regions import county_codes, resolve_municipality

    raw = str(text).strip()
    match = re.match(r"^(\d{2}|\d{4})(\s|$)", raw)
    if match:
        return match.group(1)
    key = fold(raw)
    if key in ("riket", "sverige", "sweden", "hela riket"):
        return "00"
    for code, name in county_codes().items():
        if key in (fold(name), fold(name.removesuffix(" län")), fold(name.removesuffix("s län"))):
            return code
    try:
        return resolve_municipality(raw)
    except UnknownRegionError as exc:
        raise ValueError(f"'{text}' is not a region SCB uses ({exc.message})") from None


def age_label(text: object) -> str:
    """Canonical age text: ``"0 år"`` → ``"0"``, ``"100+"`` / ``"100+ år"`` → ``"100-"``, ``"0-4 år"`` → ``"0-4"``."""
    raw = str(text).strip().casefold().replace("år", "").replace("years", "").replace("–", "-").strip()
    raw = raw.replace(" ", "")
    if raw.endswith("+"):
        raw = raw[:-1] + "-"
    if not re.fullmatch(r"\d{1,3}(-\d{0,3})?", raw):
        raise ValueError(f"'{text}' is not an age or age group")
    return raw


# ---------------------------------------------------------------------------------------
# Readers: any SCB export -> raw cells named like the spec's columns
# ---------------------------------------------------------------------------------------


def _roles(frame: pd.DataFrame) -> dict[str, str]:
    """Dimension column -> role (region, age, sex, time, contents, other)."""
    roles: dict[str, str] = {}
    time_dims = set((frame.attrs.get("roles") or {}).get("time") or [])
    for column in frame.columns:
        if column in ("value", ROW):
            continue
        key = fold(column)
        role = next((r for r, names in _ROLE_NAMES.items() if key in names), "other")
        if column in time_dims:
            role = "time"
        roles[column] = role
    return roles


def _long_frame(path: Path) -> pd.DataFrame | None:
    """The long frame of a .px or .json file, or None for tabular files."""
    suffix = path.suffix.lower()
    if suffix == ".px":
        from .pcaxis import read_px

        return read_px(path)
    if suffix == ".json":
        from .jsonstat import read_pxweb_file

        return read_pxweb_file(path)
    return None


def _check_table(long: pd.DataFrame, spec: DatasetSpec, file: str) -> None:
    accept = spec.extra.get("accept_tables") or ()
    table = str(long.attrs.get("table_id") or "")
    label = long.attrs.get("label") or ""
    if table and accept and not any(a.casefold() in table.casefold() for a in accept):
        raise InputFileError(
            f"this is table {table} ({label}), not a table of dataset {spec.name}",
            file=file, hint="expected one of: " + ", ".join(accept),
        )
    roles = _roles(long)
    needed = spec.extra.get("needs_roles", ())
    missing = [r for r in needed if r not in roles.values()]
    if missing:
        raise InputFileError(
            f"the table ({table or label or 'unnamed'}) has no {' and no '.join(missing)} dimension; "
            f"dataset {spec.name} needs {', '.join(needed)}",
            file=file, hint="dimensions found: " + ", ".join(roles),
        )
    contents = spec.extra.get("contents")
    content_dims = [c for c, r in roles.items() if r == "contents"]
    if contents and content_dims:
        codes = set(long[content_dims[0]])
        if contents not in codes:
            raise InputFileError(
                f"the table holds {', '.join(sorted(codes))}, not {contents} ({spec.title})",
                file=file, column=content_dims[0],
            )


def _collapse(long: pd.DataFrame, keep_roles: tuple[str, ...], spec: DatasetSpec, file: str) -> pd.DataFrame:
    """Sum the long frame over every dimension whose role is not kept (civil status …)."""
    roles = _roles(long)
    frame = long
    contents = spec.extra.get("contents")
    for column, role in roles.items():
        if role == "contents" and contents:
            frame = frame[frame[column] == contents]
        if role == "age" and "age" not in keep_roles:
            totals = frame[column].astype(str).str.casefold().isin(["tot", "totalt", "total", "samtliga"])
            frame = frame[totals] if totals.any() else frame
        if role == "age" and "age" in keep_roles:
            frame = frame[~frame[column].astype(str).str.casefold().isin(["tot", "totalt", "total", "samtliga"])]
    keep = [c for c, r in roles.items() if r in keep_roles]
    by_role = {roles[c]: c for c in keep}
    if frame.empty:
        raise InputFileError("no cells are left after selecting the content and totals", file=file)
    grouped = frame.assign(missing=frame["value"].isna()).groupby(keep, sort=False, dropna=False).agg(
        value=("value", "sum"), row=(ROW, "min"), missing=("missing", "any"))
    grouped = grouped.reset_index()
    bad = grouped[grouped["missing"]]
    if not bad.empty:
        first = bad.iloc[0]
        raise InputFileError("a population cell is missing ('..' in the table)", file=file,
                             row=int(first["row"]), column="value")
    grouped = grouped.rename(columns={"row": ROW})
    return grouped.rename(columns={c: role for role, c in by_role.items()})


def _finish(out: dict[str, Any], rows: Any, attrs: dict) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(out)
    frame[ROW] = list(rows)
    frame.attrs.update({k: v for k, v in attrs.items() if k in ("table_id", "label", "updated", "format")})
    frame.attrs["header_row"] = None
    return frame


def _map_cells(frame: pd.DataFrame, column: str, func, file: str, target: str) -> list[Any]:
    values = []
    for row, value in zip(frame[ROW], frame[column], strict=True):
        try:
            values.append(func(value))
        except ValueError as exc:
            raise InputFileError(str(exc), file=file, row=int(row), column=target) from None
    return values


def _sex(value: object) -> str:
    key = str(value).strip().casefold()
    if key not in _SEX:
        raise ValueError(f"'{value}' is not a sex SCB uses (män/kvinnor, 1/2)")
    return _SEX[key]


def _tabular(path: Path, spec: DatasetSpec, sheet: str | None) -> pd.DataFrame:
    """CSV/XLSX export: header matched by name/alias; a wide table with year columns is melted."""
    from .files import read_rows

    matcher = header_matcher(spec)
    value_col = spec.extra.get("value_column", "population")

    def is_header(cells: list[str]) -> bool:
        years = [c for c in cells if _year_of_column(c) is not None]
        if years:
            others = [c for c in cells if c not in years]
            return bool(others) and header_matcher(_without(spec, {"year", value_col}))(others)
        return matcher(cells)

    raw = read_rows(path, is_header=is_header, sheet=sheet)
    renamed = {c: _year_of_column(c) for c in raw.columns if c != ROW and _year_of_column(c) is not None}
    if len(set(renamed.values())) < len(renamed):
        raise InputFileError("two columns hold the same year (" + ", ".join(map(str, renamed)) + ")",
                             file=str(path), hint="keep one content per file (e.g. only Folkmängd)")
    raw = raw.rename(columns=renamed)
    year_cols = list(renamed.values())
    if year_cols:
        ids = [c for c in raw.columns if c not in year_cols]
        attrs = dict(raw.attrs)
        if not raw.empty:  # apply() on no rows gives a frame, not a mask
            raw = raw[~raw.apply(lambda row: _is_note_row(row, ids, year_cols), axis=1)]
        long = raw.melt(id_vars=ids, value_vars=year_cols, var_name="year", value_name=value_col)
        long = long.sort_values([ROW, "year"], kind="stable").reset_index(drop=True)
        long.attrs.update(attrs)
        long.attrs["header_row"] = None
        raw = long
    raw = raw.copy()
    for col in raw.columns:
        key = fold(col)
        if key in _ROLE_NAMES["sex"] or key in ("kon", "sex"):
            raw[col] = _map_cells(raw, col, lambda v: _SEX.get(str(v).strip().casefold(), v), str(path), col)
        if key in _ROLE_NAMES["age"] or key in ("age_group", "aldersgrupp", "alder"):
            raw[col] = [_safe_age(v) for v in raw[col]]
        if key in ("region", "region_code", "regionkod", "lan", "county"):
            raw[col] = [_safe_region(v) for v in raw[col]]
    return raw


def _year_of_column(name: object) -> str | None:
    """The year of a wide export's column: ``"2019"``, or ``"Folkmängd 2019"`` when the content is in
    the column header (Statistikdatabasen's CSV export); otherwise None."""
    match = re.fullmatch(r"(?:[^\d;]*\s)?(\d{4})", str(name).strip())
    return match.group(1) if match else None


def _is_note_row(row: Any, ids: list[str], year_cols: list[str]) -> bool:
    """A footnote under a wide SCB export ("Källa: SCB", "Uppgifterna avser …"): no value in any
    year column and a first cell that names no region."""
    import pandas as pd

    if any(not pd.isna(row[c]) and str(row[c]).strip() != "" for c in year_cols):
        return False
    first = next((row[c] for c in ids if c != ROW), None)
    try:
        region_code(first)
    except ValueError:
        return True
    return False


def _as_written_unless(parse, value: object, otherwise=lambda value: value) -> object:
    """``parse(value)``, or the cell as written (``otherwise(value)``) when it cannot be parsed;
    an empty cell stays empty."""
    if value is None or str(value).strip() == "":
        return value
    try:
        return parse(value)
    except ValueError:
        return otherwise(value)


def _safe_age(value: object) -> object:
    return _as_written_unless(age_label, value,
                              lambda text: text if str(text).strip().casefold() != "totalt" else "total")


def _safe_region(value: object) -> object:
    return _as_written_unless(region_code, value)


def _without(spec: DatasetSpec, names: set[str]) -> DatasetSpec:
    from dataclasses import replace

    return replace(spec, columns=tuple(c for c in spec.columns if c.name not in names))


def population_from_long(long: pd.DataFrame, spec: DatasetSpec, file: str) -> pd.DataFrame:
    """Raw ``population`` cells from a long PxWeb frame (summed over civil status, age, sex)."""
    _check_table(long, spec, file)
    frame = _collapse(long, ("region", "time"), spec, file)
    codes = _map_cells(frame, "region", region_code, file, "region")
    return _finish({"municipality_code": codes, "year": frame["time"], "population": frame["value"]},
                   frame[ROW], long.attrs)


def population_by_age_from_long(long: pd.DataFrame, spec: DatasetSpec, file: str) -> pd.DataFrame:
    """Raw ``population_by_age`` cells from a long PxWeb frame (summed over civil status)."""
    _check_table(long, spec, file)
    frame = _collapse(long, ("region", "age", "sex", "time"), spec, file)
    return _finish({
        "region_code": _map_cells(frame, "region", region_code, file, "region"),
        "year": frame["time"],
        "age_group": _map_cells(frame, "age", age_label, file, "age"),
        "sex": _map_cells(frame, "sex", _sex, file, "sex"),
        "population": frame["value"],
    }, frame[ROW], long.attrs)


def projection_vintage(attrs: dict) -> str | None:
    """The edition of a projection table: its first projection year.

    ``attrs["first_period"]`` (the first year of the table's time variable, which ``fetch`` reads
    from the table's metadata) comes first; a saved file that lacks it is recognised by the range in
    its title ("År 2020-2070" → 2020). The update date is never used: a table updated in 2021 may
    still be the 2020 edition.
    """
    first = str(attrs.get("first_period") or "").strip()
    if re.fullmatch(r"\d{4}", first):
        return first
    label = str(attrs.get("label") or "")
    match = re.search(r"(?:år|year)\s*(\d{4})\s*[-–]\s*\d{4}", label, re.I)
    return match.group(1) if match else None


def projection_from_long(long: pd.DataFrame, spec: DatasetSpec, file: str, vintage: str | None = None,
                         expected_vintage: str | None = None) -> pd.DataFrame:
    """Raw ``population_projection`` cells from a long PxWeb frame.

    SCB publishes projected populations with decimals (TAB698); they are rounded to whole persons
    here, after summing, and the sidecar says so. ``vintage`` defaults to
    :func:`projection_vintage`; with ``expected_vintage`` another edition is refused.
    """
    _check_table(long, spec, file)
    vintage = vintage or projection_vintage(long.attrs)
    if vintage is None:
        raise InputFileError("cannot tell which projection edition this is (no first projection year)",
                             file=file, column="vintage",
                             hint="fetch it with `digimotor fetch population_projection` (the edition is read "
                                  "from the table's metadata) or import a CSV with a vintage column")
    if expected_vintage and str(expected_vintage) != str(vintage):
        raise InputFileError(f"this projection is the {vintage} edition, not the expected {expected_vintage}",
                             file=file, column="vintage",
                             hint="choose the table of that edition (2020: v1 BE0401B/BefProgOsiktRegN20)")
    long = _only_population_content(long, spec, file)
    roles = set(_roles(long).values())
    keep = tuple(r for r in ("region", "age", "sex", "time") if r in roles)
    frame = _collapse(long, keep, spec, file)
    n = len(frame)
    out = _finish({
        "region_code": _map_cells(frame, "region", region_code, file, "region"),
        "year": frame["time"],
        "age_group": _map_cells(frame, "age", age_label, file, "age") if "age" in keep else ["total"] * n,
        "sex": _map_cells(frame, "sex", _sex, file, "sex") if "sex" in keep else ["total"] * n,
        "population": frame["value"].round(0),
        "vintage": [vintage] * n,
    }, frame[ROW], long.attrs)
    out.attrs["rounded_cells"] = int((frame["value"] % 1 != 0).sum())
    return out


def _only_population_content(long: pd.DataFrame, spec: DatasetSpec, file: str) -> pd.DataFrame:
    """Keep the 'Folkmängd' content of a projection holding several (Födda, Döda … are never summed in)."""
    content_dims = [c for c, r in _roles(long).items() if r == "contents"]
    if not content_dims or spec.extra.get("contents"):
        return long
    column = content_dims[0]
    codes = sorted(set(long[column].astype(str)))
    if len(codes) == 1:
        return long
    labels = (long.attrs.get("labels") or {}).get(column, {})
    chosen = [c for c in codes if "folkmängd" in str(labels.get(c, "")).casefold()]
    if len(chosen) != 1:
        raise InputFileError(f"the projection holds several contents ({', '.join(codes)}) and none is "
                             "labelled 'Folkmängd'", file=file, column=column,
                             hint="select only the population content (TAB698: 000004LG)")
    attrs = dict(long.attrs)
    kept = long[long[column].astype(str) == chosen[0]].copy()
    kept.attrs.update(attrs)
    return kept


def _reader(from_long):
    def read(path: Path, spec: DatasetSpec, **options: Any) -> pd.DataFrame:
        path = Path(path)
        long = _long_frame(path)
        if long is None:
            return _tabular(path, spec, options.get("sheet"))
        return from_long(long, spec, str(path))

    read.__doc__ = f"Read a .px/.json/.csv/.xlsx export via :func:`{from_long.__name__}`."
    return read


read_population = _reader(population_from_long)
read_population_by_age = _reader(population_by_age_from_long)
read_population_projection = _reader(projection_from_long)
