"""Statistics Sweden (SCB): population, population by age and sex, and the regional projection.

Three datasets, each importable from what Statistikdatabasen exports (PC-Axis ``.px``,
json-stat2 ``.json``, PxWeb v1 ``json``, CSV with title lines and XLSX) and fetchable with
``digimotor fetch`` (:mod:`digimotor.fetch`):

* ``population`` — municipality × year (TAB638 / v1 ``BefolkningNy``, ``BE0101N1``, 31 Dec).
* ``population_by_age`` — region (county ``14``, municipality or ``00``) × age group × sex × year.
* ``population_projection`` — region × year (× age × sex), with the projection's **vintage**
  (the edition, e.g. ``2020`` for SCB's first regional projection 2020–2070). A later edition
  is never presented as the study's 2030 forecast: notebooks show the vintage.

The readers turn every format into the raw cells that :func:`digimotor.datasets.conform`
validates: SCB codes for regions, ``women``/``men`` for sex, ``0-4``/``37``/``100-`` for age.
This module also builds the PxWeb queries (v2 first, v1 as fallback) used by ``fetch``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datasets import Column, DatasetSpec, Problems, header_matcher, load, register
from ..errors import InputFileError
from ..regions import fold

if TYPE_CHECKING:
    import pandas as pd

ROW = "__row__"

#: PxWeb endpoints (see README, "Public data: fetch and import"). The v2 base is SCB's production
#: PxWebApi 2; the v2beta base has at times carried newer data, so the base is configurable
#: (``digimotor fetch --scb-base`` or the environment variable :data:`V2_BASE_ENV`). The v1 API is
#: reported to close around the turn of 2026/27: it is a fallback only, and says so in the sidecar.
V2_BASE = "https://statistikdatabasen.scb.se/api/v2"
V2_BASE_ENV = "DIGIMOTOR_SCB_V2_BASE"
V1_BASE = "https://api.scb.se/OV0104/v1/doris/{lang}/ssd"

#: Tables: v2 id, v1 path, content code. TAB638 = v1 BefolkningNy (content BE0101N1). The regional
#: projection is v2 TAB698 = v1 BE0401A/BefProgOsiktRegN (content 000004LG "Folkmängd"; edition
#: 2024-2070, as Region Dalarna's public script Region-Dalarna/hamta_data
#: hamta_befprognos_scb_data.R records the v1 -> v2 correspondence); the study's
#: 2020 edition exists only in v1 as BE0401B/BefProgOsiktRegN20.
TABLES = {
    "population": {"v2": "TAB638", "v1": "BE/BE0101/BE0101A/BefolkningNy", "contents": "BE0101N1",
                   "accept": ("TAB638", "BefolkningNy", "BE0101")},
    "population_projection": {"v2": "TAB698", "v1": "BE/BE0401/BE0401A/BefProgOsiktRegN",
                              "contents": "000004LG",
                              "accept": ("TAB698", "BefProgOsiktRegN", "BE0401")},
}
#: Projection editions that exist only in v1 (edition -> v1 path).
V1_ONLY_EDITIONS = {"2020": "BE/BE0401/BE0401B/BefProgOsiktRegN20"}

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


def age_bounds(label: str) -> tuple[int, int | None]:
    """``"0-4"`` → (0, 4), ``"37"`` → (37, 37), ``"100-"`` → (100, None)."""
    if "-" not in label:
        return int(label), int(label)
    low, high = label.split("-", 1)
    return int(low), (int(high) if high else None)


def _check_by_age(frame: pd.DataFrame, file: str) -> None:
    problems = Problems(file)
    for number, row in zip(frame[ROW], frame.itertuples(), strict=True):  # itertuples renames __row__
        try:
            age_label(row.age_group)
        except ValueError as exc:
            problems.add(int(number), "age_group", str(exc))
        if not re.fullmatch(r"\d{2}|\d{4}", str(row.region_code)):
            problems.add(int(number), "region_code",
                         f"'{row.region_code}' is not an SCB region code (00, 14, 1460 …)",
                         "write the riket (00), county (14) or municipality (1460) code")
    problems.raise_if_any()


def _check_projection(frame: pd.DataFrame, file: str) -> None:
    vintages = sorted(set(frame["vintage"].astype(str)))
    if len(vintages) > 1:
        raise InputFileError(f"one snapshot holds one projection edition; found vintages {', '.join(vintages)}",
                             file=file, column="vintage", hint="import each edition as its own snapshot")
    problems = Problems(file)
    for number, row in zip(frame[ROW], frame.itertuples(), strict=True):  # itertuples renames __row__
        if not re.fullmatch(r"\d{4}", str(row.vintage)):
            problems.add(int(number), "vintage", f"vintage '{row.vintage}' is not a year (the edition, e.g. 2020)",
                         "write the projection's first year, e.g. 2020")
        if str(row.age_group) != "total":
            try:
                age_label(row.age_group)
            except ValueError as exc:
                problems.add(int(number), "age_group", str(exc))
    problems.raise_if_any()


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


def _safe_age(value: object) -> object:
    if value is None or str(value).strip() == "":
        return value
    try:
        return age_label(value)
    except ValueError:
        return value if str(value).strip().casefold() != "totalt" else "total"


def _safe_region(value: object) -> object:
    if value is None or str(value).strip() == "":
        return value
    try:
        return region_code(value)
    except ValueError:
        return value


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


# ---------------------------------------------------------------------------------------
# Dataset specs
# ---------------------------------------------------------------------------------------

_REGION_ALIASES = ("region", "regionkod", "län", "lan", "county", "kod", "code")
_YEAR_ALIASES = ("år", "ar", "tid", "year")
_POP_ALIASES = ("folkmängd", "befolkning", "antal", "invånare", "value", "värde", "population")

POPULATION = register(DatasetSpec(
    name="population",
    title="Population per municipality and year (SCB, 31 December)",
    description=(
        "SCB table TAB638 (v1 BefolkningNy), content BE0101N1 Folkmängd, population on 31 December, "
        "summed over civil status, age and sex. Import a Statistikdatabasen export (.px, json-stat2 "
        ".json, CSV/XLSX, long or with one column per year) or fetch it with `digimotor fetch population`."
    ),
    columns=(
        Column("municipality_code", "municipality", "SCB municipality code",
               aliases=("kommunkod", "kommun", "municipality", "region", "kod", "code"), example="1461"),
        Column("year", "year", "year (population on 31 December)", aliases=_YEAR_ALIASES, example=2019),
        Column("population", "int", "inhabitants", unit="persons", min=0, aliases=_POP_ALIASES, example=9300),
    ),
    key=("municipality_code", "year"),
    reader=read_population,
    extra={"accept_tables": TABLES["population"]["accept"], "contents": "BE0101N1",
           "needs_roles": ("region", "time")},
))

SEX_VALUES = ("women", "men")

POPULATION_BY_AGE = register(DatasetSpec(
    name="population_by_age",
    title="Population by region, age, sex and year (SCB, 31 December)",
    description=(
        "One row per region (00 Riket, a county such as 14, or a municipality), year, age or age group "
        "(\"37\", \"0-4\", \"100-\") and sex (women/men; kvinnor/män and SCB's 2/1 are accepted). SCB table "
        "TAB638 content BE0101N1, summed over civil status; the 'tot' age is dropped."
    ),
    columns=(
        Column("region_code", "str", "SCB region code: 00, a county (14) or a municipality (1460)",
               aliases=_REGION_ALIASES, example="14"),
        Column("year", "year", "year (population on 31 December)", aliases=_YEAR_ALIASES, example=2019),
        Column("age_group", "str", "age in years or a group: 37, 0-4, 100-",
               aliases=("ålder", "alder", "age", "åldersgrupp", "aldersgrupp", "age group"), example="0-4"),
        Column("sex", "category", "sex", allowed=SEX_VALUES, aliases=("kön", "kon"), example="women"),
        Column("population", "int", "inhabitants", unit="persons", min=0, aliases=_POP_ALIASES, example=48000),
    ),
    key=("region_code", "year", "age_group", "sex"),
    check=_check_by_age,
    reader=read_population_by_age,
    extra={"accept_tables": TABLES["population"]["accept"], "contents": "BE0101N1",
           "needs_roles": ("region", "age", "sex", "time")},
))

POPULATION_PROJECTION = register(DatasetSpec(
    name="population_projection",
    title="Population projection by region and year, with the projection's edition (SCB)",
    description=(
        "SCB's regional population projection (BE0401, v1 BefProgOsiktRegN). `vintage` is the edition "
        "(2020 = the first regional projection 2020-2070, published 2020-06-03; later editions replace "
        "it). The study's 2030 forecast is the 2020 edition at most; a later vintage is shown as such."
    ),
    columns=(
        Column("region_code", "str", "SCB region code: 00, a county (14) or a municipality (1460)",
               aliases=_REGION_ALIASES, example="14"),
        Column("year", "year", "projected year (31 December)", aliases=_YEAR_ALIASES, example=2030),
        Column("age_group", "str", "age, age group or 'total'", required=False,
               aliases=("ålder", "alder", "age", "åldersgrupp"), example="total"),
        Column("sex", "category", "sex or total", allowed=(*SEX_VALUES, "total"), required=False,
               aliases=("kön", "kon"), example="total"),
        Column("population", "int", "projected inhabitants", unit="persons", min=0, aliases=_POP_ALIASES,
               example=1800000),
        Column("vintage", "str", "edition of the projection (its first year, e.g. 2020)",
               aliases=("utgåva", "edition", "prognosår", "framskrivningsår"), example="2020"),
    ),
    key=("region_code", "year", "age_group", "sex"),
    check=_check_projection,
    reader=read_population_projection,
    extra={"accept_tables": TABLES["population_projection"]["accept"], "needs_roles": ("region", "time"),
           "sidecar_fields": lambda frame: (
               {"rounded_cells": int(frame.attrs["rounded_cells"]),
                "rounding_note": "projected populations with decimals rounded to whole persons after summing"}
               if frame.attrs.get("rounded_cells") else {})},
))


# ---------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------


def load_population(source: str) -> pd.DataFrame:
    """Population per municipality and year.

    =================  ======  ==========================================
    column             dtype   meaning
    =================  ======  ==========================================
    municipality_code  string  SCB code ("1460")
    municipality       string  Swedish name ("Bengtsfors")
    year               Int64   year; population on 31 December
    population         Int64   inhabitants
    =================  ======  ==========================================
    """
    from ..regions import display_name

    frame = load("population", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame


def load_population_by_age(source: str) -> pd.DataFrame:
    """Population by region, year, age group and sex.

    ===========  ========  ===============================================
    column       dtype     meaning
    ===========  ========  ===============================================
    region_code  string    "00", county ("14") or municipality ("1460")
    year         Int64     year; population on 31 December
    age_group    string    "0-4" … "100-", or single ages "0" … "100-"
    age_from     Int64     first age of the group
    age_to       Int64     last age of the group (missing for "100-")
    sex          category  "women", "men"
    population   Int64     inhabitants
    ===========  ========  ===============================================
    """
    import pandas as pd

    frame = load("population_by_age", source)
    bounds = [age_bounds(a) for a in frame["age_group"]]
    position = list(frame.columns).index("age_group") + 1
    frame.insert(position, "age_from", pd.array([b[0] for b in bounds], dtype="Int64"))
    frame.insert(position + 1, "age_to", pd.array([b[1] for b in bounds], dtype="Int64"))
    return frame


def load_population_projection(source: str) -> pd.DataFrame:
    """A population projection with its edition.

    ===========  ========  ===============================================
    column       dtype     meaning
    ===========  ========  ===============================================
    region_code  string    "00", county ("14") or municipality ("1460")
    year         Int64     projected year
    age_group    string    as in population_by_age, or "total"
    sex          category  "women", "men" or "total"
    population   Int64     projected inhabitants
    vintage      string    edition of the projection ("2020")
    ===========  ========  ===============================================
    """
    frame = load("population_projection", source)
    frame["age_group"] = frame["age_group"].fillna("total")
    frame["sex"] = frame["sex"].fillna("total")
    return frame


# ---------------------------------------------------------------------------------------
# PxWeb queries (used by digimotor.fetch)
# ---------------------------------------------------------------------------------------


def v2_base(base: str | None = None) -> str:
    """The PxWebApi 2 base: ``base``, else ``$DIGIMOTOR_SCB_V2_BASE``, else SCB's production base."""
    import os

    return (base or os.environ.get(V2_BASE_ENV) or V2_BASE).rstrip("/")


def v2_data_url(table: str, lang: str = "sv", base: str | None = None) -> str:
    """URL of a v2 data request (POST), json-stat2 output."""
    return f"{v2_base(base)}/tables/{table}/data?lang={lang}&outputFormat=json-stat2"


def v2_metadata_url(table: str, lang: str = "sv", base: str | None = None) -> str:
    """URL of a v2 table's metadata (GET), json-stat2 without values."""
    return f"{v2_base(base)}/tables/{table}/metadata?lang={lang}&outputFormat=json-stat2"


def v2_config_url(base: str | None = None) -> str:
    """URL of the API's ``/config`` (limits: maxDataCells, maxCallsPerTimeWindow, timeWindow)."""
    return f"{v2_base(base)}/config"


def first_period(metadata: dict, time_code: str = "Tid") -> str | None:
    """The first period of a table's time variable, from v2 json-stat2 metadata (``dimension``) or
    v1 metadata (``variables``)."""
    periods: list[str] = []
    if isinstance(metadata.get("dimension"), dict):
        category = (metadata["dimension"].get(time_code) or {}).get("category") or {}
        index = category.get("index") or category.get("label") or {}
        periods = [str(p) for p in index]
    elif isinstance(metadata.get("variables"), list):
        for variable in metadata["variables"]:
            if variable.get("code") == time_code or variable.get("time"):
                periods = [str(v) for v in variable.get("values", [])]
                break
    return min(periods) if periods else None


def v2_query(selection: dict[str, list[str]]) -> dict:
    """A v2 POST body selecting ``{variable: [codes]}``."""
    return {"selection": [{"variableCode": var, "valueCodes": list(codes)} for var, codes in selection.items()]}


def v1_url(path: str, lang: str = "sv") -> str:
    """URL of a v1 table (GET: metadata, POST: data)."""
    return f"{V1_BASE.format(lang=lang)}/{path}"


def v1_query(selection: dict[str, list[str]]) -> dict:
    """A v1 POST body selecting ``{variable: [codes]}`` with json-stat2 output."""
    return {
        "query": [{"code": var, "selection": {"filter": "item", "values": list(codes)}}
                  for var, codes in selection.items()],
        "response": {"format": "json-stat2"},
    }


def population_selection(region_codes: list[str], years: list[int], *, by_age: bool = False) -> dict[str, list[str]]:
    """The TAB638 selection for population (total age) or population by single age and sex."""
    ages = [str(a) for a in range(100)] + ["100+"] if by_age else ["tot"]
    return {
        "Region": list(region_codes),
        "Civilstand": ["OG", "G", "SK", "ÄNKL"],
        "Alder": ages,
        "Kon": ["1", "2"],
        "ContentsCode": ["BE0101N1"],
        "Tid": [str(y) for y in years],
    }


def region_name(code: str) -> str:
    """Name of an SCB region code: "00" → "Riket", "14" → "Västra Götalands län", "1460" → "Bengtsfors"."""
    from ..regions import county_codes, display_name

    if code == "00":
        return "Riket"
    return county_codes().get(code) or display_name(code)
