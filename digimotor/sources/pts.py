"""PTS broadband mapping (Bredbandskartläggningen): coverage per municipality, facts and goals.

Datasets
--------
``broadband``
    Share of premises with access to fixed broadband of at least 100 Mbit/s (PTS: "faktisk
    hastighet") per municipality and year, for households and workplaces (arbetsställen),
    in total and outside urban areas ("utanför tätort och småort"). Report Figure 14 draws the
    households' total and outside-urban shares for the 14 Fyrbodal municipalities in 2019.
``broadband_facts``
    Region-level shares quoted by public sources (county, country, single municipalities).
``broadband_goals``
    Coverage goals: the regional goal (95 % by 2020, in the report) and the national goal
    for 2025 (98 % with at least 1 Gbit/s, the national broadband strategy).

The PTS table layouts
---------------------
PTS publishes the per-municipality results as an Excel *tabellbilaga*. Two layouts are read as
they are (:mod:`digimotor.sources.pts_layouts`): three header rows (measure / year / premises,
shares as fractions) and a long sheet with an area column (areas up to 2019: utanför / inom tätort
och småort; from 2020: glesbebyggt / tätbebyggt, kept as separate categories). No PTS file was read
here (no 2019 per-municipality file was found in public copies), so these layouts are as described,
not verified. Any other file needs a *declared column mapping*. The default (:data:`DEFAULT_MAPPING`) is an **assumed** layout: one row per
municipality with the columns below. Declare your file's own headers in a YAML file next to it,
``<file>.columns.yml`` (same keys), or pass ``mapping=`` to :func:`read_pts_table`::

    municipality: Kommun            # a name or an SCB code
    year: År                        # or  year_value: 2019  when the file has no year column
    scale: percent                  # or fraction (0-1)
    shares:
      households.total: Hushåll minst 100 Mbit/s (%)
      households.outside_urban: Hushåll utanför tätort och småort minst 100 Mbit/s (%)
      workplaces.total: Arbetsställen minst 100 Mbit/s (%)
      workplaces.outside_urban: Arbetsställen utanför tätort och småort minst 100 Mbit/s (%)

A file already in the tidy form (``municipality_code, year, premises, area, share_pct``) is
read as it is.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..conform import parse_number
from ..errors import InputFileError
from ..model.broadband import AREAS, PREMISES
from ..regions import fold
from ..schema import ROW, Column, DatasetSpec, header_matcher
from .registry import get, load, register

if TYPE_CHECKING:
    import pandas as pd

MAPPING_SUFFIX = ".columns.yml"

#: The assumed PTS layout (see the module docstring); a file's own mapping replaces it.
DEFAULT_MAPPING: dict[str, Any] = {
    "municipality": "Kommun",
    "year": "År",
    "scale": "percent",
    "shares": {
        "households.total": "Hushåll minst 100 Mbit/s (%)",
        "households.outside_urban": "Hushåll utanför tätort och småort minst 100 Mbit/s (%)",
        "workplaces.total": "Arbetsställen minst 100 Mbit/s (%)",
        "workplaces.outside_urban": "Arbetsställen utanför tätort och småort minst 100 Mbit/s (%)",
    },
}


def mapping_for(path: Path, mapping: dict | None = None) -> tuple[dict, str]:
    """The column mapping for ``path``: ``mapping``, else ``<file>.columns.yml``, else the default.

    Returns the mapping and where it came from (for the provenance sidecar).
    """
    import yaml

    if mapping is not None:
        return _validated(mapping, "argument"), "argument"
    declared = path.with_name(path.name + MAPPING_SUFFIX)
    if declared.exists():
        from .inputs import read_input_bytes

        try:
            loaded = yaml.safe_load(read_input_bytes(declared).decode("utf-8")) or {}
        except UnicodeDecodeError:
            raise InputFileError("the column mapping is not UTF-8 text", file=str(declared)) from None
        except yaml.YAMLError as exc:
            raise InputFileError(f"the column mapping is not valid YAML: {exc}", file=str(declared)) from None
        return _validated(loaded, str(declared)), declared.name
    return copy.deepcopy(DEFAULT_MAPPING), "default (assumed PTS layout)"


def _validated(mapping: dict, where: str) -> dict:
    if not isinstance(mapping, dict) or "municipality" not in mapping or not mapping.get("shares"):
        raise InputFileError("a column mapping needs 'municipality' and 'shares'", file=where)
    if "year" not in mapping and "year_value" not in mapping:
        raise InputFileError("a column mapping needs 'year' (a column) or 'year_value' (a year)", file=where)
    for key in mapping["shares"]:
        premises, _, area = str(key).partition(".")
        if premises not in PREMISES or area not in AREAS:
            raise InputFileError(
                f"share '{key}' is not one of {', '.join(p + '.' + a for p in PREMISES for a in AREAS)}",
                file=where, column="shares",
            )
    if mapping.get("scale", "percent") not in ("percent", "fraction"):
        raise InputFileError("scale is 'percent' or 'fraction'", file=where, column="scale")
    return mapping


def read_pts_table(path: str | Path, spec: DatasetSpec | None = None, *, sheet: str | None = None,
                   mapping: dict | None = None, **_options: Any) -> pd.DataFrame:
    """Read a PTS broadband table (or the tidy form) into raw ``broadband`` cells.

    Raises
    ------
    InputFileError
        If a column the mapping declares is not in the header (e.g. an English header where
        the mapping names Swedish ones), naming the file, the header row and the column.
    """
    import pandas as pd

    from .files import read_rows

    path = Path(path)
    spec = spec or BROADBAND
    tidy = header_matcher(spec)
    # the tidy form first
    try:
        raw = read_rows(path, is_header=lambda cells: tidy(cells) and "premises" in {fold(c) for c in cells},
                        sheet=sheet)
        return raw
    except InputFileError as exc:
        if "no header row" not in exc.message and "no sheet has a header" not in exc.message:
            raise
    declared = mapping is not None or path.with_name(path.name + MAPPING_SUFFIX).exists()
    if not declared:
        from .pts_layouts import read_known_layout

        known = read_known_layout(path, sheet=sheet)
        if known is not None:
            return known
    mapping, origin = mapping_for(path, mapping)
    wanted = [mapping["municipality"], *mapping["shares"].values()]
    if "year" in mapping:
        wanted.append(mapping["year"])

    def is_header(cells: list[str]) -> bool:
        return fold(mapping["municipality"]) in {fold(c) for c in cells}

    try:
        raw = read_rows(path, is_header=is_header, sheet=sheet)
    except InputFileError as exc:
        if "no header row" not in exc.message and "no sheet has a header" not in exc.message:
            raise
        first = read_rows(path, is_header=None, sheet=sheet)
        found = [c for c in first.columns if c != ROW]
        header_row = first.attrs.get("header_row")
        raise InputFileError(
            f"the column '{mapping['municipality']}' declared in the {origin} column mapping is not in the header",
            file=str(path), row=header_row, column=mapping["municipality"],
            hint="found: " + ", ".join(map(str, found)) + "; expected a PTS table with three header rows "
            "(measure / year / premises), a long sheet with an area column (Kommun, År, Område, Hushåll, "
            f"Arbetsställen), or the default layout; if the header is in English or otherwise differs, "
            f"declare the columns in {path.name}{MAPPING_SUFFIX} (see `digimotor template broadband`)",
        ) from None
    by_fold = {fold(c): c for c in raw.columns if c != ROW}
    header_row = raw.attrs.get("header_row")
    missing = [w for w in wanted if fold(w) not in by_fold]
    if missing:
        raise InputFileError(
            f"the column '{missing[0]}' declared in the {origin} column mapping is not in the header",
            file=str(path), row=header_row, column=missing[0],
            hint="found: " + ", ".join(by_fold.values()) + f"; declare the columns in {path.name}{MAPPING_SUFFIX}",
        )
    records = []
    divisor = 0.01 if mapping.get("scale", "percent") == "fraction" else 1.0
    for _, row in raw.iterrows():
        year = row[by_fold[fold(mapping["year"])]] if "year" in mapping else mapping["year_value"]
        for key, header in mapping["shares"].items():
            premises, _, area = key.partition(".")
            value = row[by_fold[fold(header)]]
            if divisor != 1.0 and value is not None and str(value).strip() != "":
                try:
                    number = parse_number(value)
                except ValueError:
                    number = None
                value = value if number is None else round(number / divisor, 10)
            records.append({
                "municipality_code": row[by_fold[fold(mapping["municipality"])]],
                "year": year, "premises": premises, "area": area, "share_pct": value,
                ROW: row[ROW],
            })
    frame = pd.DataFrame(records)
    frame.attrs.update(raw.attrs)
    frame.attrs["header_row"] = None
    frame.attrs["column_mapping"] = origin
    return frame


BROADBAND = register(DatasetSpec(
    name="broadband",
    title="Fixed broadband of at least 100 Mbit/s per municipality (PTS mapping)",
    description=(
        "Share (%) of households or workplaces with access to fixed broadband of at least 100 Mbit/s "
        "(PTS 'faktisk hastighet', status 1 October of the year), in total and outside urban areas "
        "('utanför tätort och småort'). Import the PTS table with a declared column mapping "
        "(<file>.columns.yml; default: an assumed layout, see digimotor.sources.pts) or this tidy form."
    ),
    columns=(
        Column("municipality_code", "municipality", "SCB municipality code (or a pseudonym in synthetic data)",
               aliases=("kommunkod", "kommun", "municipality", "kod"), example="1461"),
        Column("year", "year", "year of the mapping (status 1 October)", aliases=("år", "ar", "year"),
               example=2019),
        Column("premises", "category", "households or workplaces (arbetsställen)", allowed=PREMISES,
               aliases=("typ", "lokal"), example="households"),
        Column("area", "category", "total, or outside urban areas (utanför tätort och småort)", allowed=AREAS,
               aliases=("område", "omrade"), example="total"),
        Column("share_pct", "float", "share with access to >= 100 Mbit/s", unit="%", min=0, max=100,
               aliases=("andel", "andel (%)", "share", "value", "värde"), example=58.0),
    ),
    key=("municipality_code", "year", "premises", "area"),
    reader=read_pts_table,
))

BROADBAND_FACTS = register(DatasetSpec(
    name="broadband_facts",
    title="Broadband coverage facts for regions (county, country, single municipalities)",
    description=(
        "Shares of households with fixed broadband >= a speed, as public sources quote them: one row per "
        "region, year, premises, area and speed, with the quote, its URL and the date measured. Years no "
        "source states are absent, never interpolated; different measures are different rows."
    ),
    columns=(
        Column("region_code", "str", "SCB region code: 00 Riket, 14 Västra Götaland, or a municipality",
               aliases=("region", "kod")),
        Column("year", "year", "year of the mapping (status 1 October)", aliases=("år",)),
        Column("premises", "category", "households, workplaces or both",
               allowed=("households", "workplaces", "households_and_workplaces")),
        Column("area", "category", "total or outside urban areas", allowed=AREAS),
        Column("speed_mbit", "int", "the speed threshold", unit="Mbit/s", min=1),
        Column("share_pct", "float", "share with access", unit="%", min=0, max=100),
        Column("statement", "str", "the statement (a short quote) as the source gives it", required=False),
        Column("url", "str", "where the statement was read (a public page or press release)", required=False),
        Column("measured", "date", "the date the value describes (PTS: 1 October of the year)", required=False),
    ),
    key=("region_code", "year", "premises", "area", "speed_mbit"),
))

BROADBAND_GOALS = register(DatasetSpec(
    name="broadband_goals",
    title="Broadband coverage goals",
    description="A goal: share of premises with access to a speed by a target year, and whose goal it is.",
    columns=(
        Column("goal", "category", "which goal", allowed=("regional", "national")),
        Column("scope", "str", "who set it / where it applies"),
        Column("target_year", "year", "the year the goal is for"),
        Column("premises", "category", "households and workplaces",
               allowed=("households", "workplaces", "households_and_workplaces")),
        Column("speed_mbit", "int", "the speed", unit="Mbit/s", min=1),
        Column("share_pct", "float", "the share to reach", unit="%", min=0, max=100),
        Column("statement", "str", "the goal as the source words it", required=False),
    ),
    key=("goal", "target_year"),
))


def load_broadband(source: str = "synthetic") -> pd.DataFrame:
    """Broadband coverage per municipality.

    =================  ========  =================================================
    column             dtype     meaning
    =================  ========  =================================================
    municipality_code  string    SCB code ("1461"), or a pseudonym ("Kommun 03")
    municipality       string    name (or the pseudonym)
    year               Int64     year of the mapping (status 1 October)
    premises           category  "households", "workplaces"
    area               category  "total", "outside_urban"
    share_pct          float64   % with access to >= 100 Mbit/s
    =================  ========  =================================================
    """
    from ..regions import display_name

    frame = load("broadband", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame


#: The ``path`` of the empty facts table (``source="none"``): what a page shows in its place.
NO_FACTS = "none: no public facts of the study's region given (broadband_facts)"


def load_broadband_facts(source: str = "vgr-pts-2019") -> pd.DataFrame:
    """Region-level broadband facts (columns as dataset ``broadband_facts``, plus ``region``, a name).

    ``source="none"`` (:data:`~digimotor.snapshots.NO_DATA`): an empty table, for a study without
    public facts of its region (the facts panel and table then say that none are shown).
    """
    from ..regions import county_codes, display_name
    from ..snapshots import NO_DATA, empty

    if source == NO_DATA:
        frame = empty(get("broadband_facts"), kind="public", note=NO_FACTS)
    else:
        frame = load("broadband_facts", source)
    counties = county_codes()

    def name(code: str) -> str:
        if code == "00":
            return "Riket"
        return counties.get(code) or display_name(code)

    frame.insert(1, "region", frame["region_code"].map(name).astype("string"))
    return frame


def load_broadband_goals(sources: tuple[str, ...] = ("published", "bredbandsstrategi-2016")) -> pd.DataFrame:
    """The coverage goals from several snapshots, each row keeping its data kind in ``data_kind``."""
    import pandas as pd

    frames = []
    for source in sources:
        frame = load("broadband_goals", source)
        frame["data_kind"] = frame.attrs["provenance"]["kind"]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["provenance"] = [f.attrs["provenance"] for f in frames]
    return out


def load_broadband_fact_snapshots(sources: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Several ``broadband_facts`` snapshots in one frame (a ``snapshot`` column names each row's);
    ``attrs["provenance"]`` lists them all."""
    import pandas as pd

    frames = []
    for source in sources or ["none"]:  # no snapshot: the empty table, with its columns
        frame = load_broadband_facts(source)
        frame["snapshot"] = source
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out.attrs["provenance"] = [f.attrs["provenance"] for f in frames]
    return out
