"""TBM cost analysis inputs: the IT cost ledger, the municipalities' total cost, the taxonomy.

Datasets (see ``digimotor template <name>``):

* ``tbm_ledger`` — one row per ledger line of an IT organisation: organisation, the
  municipalities it serves, year, account or TBM cost pool, IT work area, amount with a
  declared unit, an optional credit flag and an optional control total.
* ``municipal_total_cost`` — each municipality's total cost per year (the report divides
  central-IT cost by "kommunens totala kostnad (resultat och avskrivningskostnad)", seed line
  2267), with the definition of that total recorded in every row and in the sidecar.
* ``tbm_account_mapping`` — a user's own account -> cost-pool mapping (the default one ships
  in ``digimotor/reference/tbm_account_mapping.csv``).
* ``tbm_it_organisations`` — which IT organisation serves which municipality (published:
  the 14 Fyrbodal municipalities, 12 IT organisations; Sotenäs, Munkedal and Lysekil share SML-IT).
* ``tbm_reference_levels`` — the central-IT shares the report cites for comparison.

The taxonomy (TBM cost pools, the study's four IT work areas) and the default account
mapping are data in ``digimotor/reference/tbm_*.csv``; their provenance is in
``digimotor/reference/tbm_taxonomy.meta.yml``.

Plausibility rules for units (checked on import, documented here because a ledger in
thousands of kronor that declares kronor is the commonest error):

* an IT organisation's total cost for a year must lie between ``IT_COST_FLOOR_SEK``
  (1 MSEK: even the smallest Swedish municipality's central IT costs several million kronor)
  and ``IT_COST_CEILING_SEK`` (5 000 MSEK); below the floor with unit ``kr`` the amounts are
  almost certainly in tkr, above the ceiling with ``tkr`` almost certainly in kronor;
* a municipality's total cost must lie between ``TOTAL_COST_FLOOR_SEK`` (50 MSEK) and
  ``TOTAL_COST_CEILING_SEK`` (200 000 MSEK) by the same reasoning.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import REFERENCE_DIR
from ..conform import Problems
from ..errors import DigimotorError, UnknownRegionError
from ..model.tbm import (
    COST_POOLS,
    COST_POOLS_V5,
    REPORT_TOTAL_COST_DEFINITION,
    TAXONOMIES,
    TOTAL_COST_DEFINITIONS,
    UNITS,
    WORK_AREAS,
    reconcile,
)
from ..provenance import REFERENCE_KIND, carry, tag
from ..schema import Column, DatasetSpec
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

IT_COST_FLOOR_SEK = 1_000_000.0
IT_COST_CEILING_SEK = 5_000_000_000.0
TOTAL_COST_FLOOR_SEK = 50_000_000.0
TOTAL_COST_CEILING_SEK = 200_000_000_000.0
_LIST_SEPARATORS = re.compile(r"\s*[;,|+/]\s*")


def split_municipalities(text: object) -> list[str]:
    """Split a ``municipalities`` cell ("Sotenäs; Munkedal; Lysekil", "1427|1430") into items."""
    return [part for part in _LIST_SEPARATORS.split(str(text or "").strip()) if part]


def resolve_served(text: object) -> list[str]:
    """SCB codes (or pseudonyms) of the municipalities a ``municipalities`` cell names.

    Raises
    ------
    UnknownRegionError
        For any name that is not a municipality (the message lists every one).
    ValueError
        For an empty cell.
    """
    from ..regions import is_pseudonym, resolve_municipality

    parts = split_municipalities(text)
    if not parts:
        raise ValueError("names no municipality")
    codes, problems = [], []
    for part in parts:
        if is_pseudonym(part):
            codes.append(part)
            continue
        try:
            codes.append(resolve_municipality(part))
        except UnknownRegionError as exc:
            problems.append(str(exc) + (f" ({exc.hint})" if getattr(exc, "hint", None) else ""))
    if problems:
        raise UnknownRegionError("; ".join(problems))
    return list(dict.fromkeys(codes))


def _header(frame: pd.DataFrame, column: str) -> str:
    """The file's own header for ``column`` (errors name the column as the user wrote it)."""
    return str(frame.attrs.get("headers", {}).get(column, column))


def _first_row(frame: pd.DataFrame, mask) -> int:
    from ..schema import ROW

    return int(frame.loc[mask, ROW].iloc[0])


def _check_ledger(frame: pd.DataFrame, file: str) -> None:
    """Dataset rules of ``tbm_ledger`` (see the module docstring); normalises ``municipalities``.

    Every problem of the file is collected and reported at once, each with its fix. The
    ``municipalities`` cell is rewritten in place as SCB codes (or pseudonyms) joined by ``;``
    so that the stored snapshot is canonical.
    """
    from ..schema import ROW

    problems = Problems(file)
    served: list[str | None] = []
    resolved: dict[object, str | Exception] = {}  # a ledger repeats the same cell on every row
    for row, cell in zip(frame[ROW], frame["municipalities"], strict=True):
        if cell not in resolved:
            try:
                resolved[cell] = ";".join(resolve_served(cell))
            except (UnknownRegionError, ValueError) as exc:
                resolved[cell] = exc
        outcome = resolved[cell]
        if isinstance(outcome, Exception):
            problems.add(int(row), _header(frame, "municipalities"), f"'{cell}': {outcome}",
                         "write SCB codes or names separated by ';' (e.g. 'Sotenäs; Munkedal; Lysekil')")
            served.append(None)
        else:
            served.append(outcome)
    frame["municipalities"] = served
    claimed: dict[str, str] = {}
    for org, group in frame.groupby("organisation", sort=False):
        cells = group["municipalities"].dropna()
        if cells.nunique() > 1:
            other = group.loc[group["municipalities"].notna() & (group["municipalities"] != cells.iloc[0])]
            problems.add(int(other[ROW].iloc[0]), _header(frame, "municipalities"),
                         f"organisation '{org}' serves '{other['municipalities'].iloc[0]}' here but '{cells.iloc[0]}' "
                         f"in row {int(group[ROW].iloc[0])}", "an IT organisation serves the same municipalities on every row")
        for code in (cells.iloc[0].split(";") if len(cells) else []):
            if code in claimed and claimed[code] != org:
                problems.add(int(group[ROW].iloc[0]), _header(frame, "municipalities"),
                             f"municipality {code} is served by both '{claimed[code]}' and '{org}'",
                             "each municipality belongs to one IT organisation (a shared one lists all it serves)")
            claimed.setdefault(code, str(org))
    _account_columns(frame, problems)
    credit = frame["credit"].fillna(False).astype(bool)
    negative = (frame["amount"] < 0) & ~credit
    if negative.any():
        amounts = ", ".join(f"row {int(r)}: {a:g}" for r, a in zip(frame.loc[negative, ROW],
                                                                   frame.loc[negative, "amount"], strict=True))
        problems.add(_first_row(frame, negative), _header(frame, "amount"),
                     f"a negative amount is allowed only on a row flagged as a credit ({amounts})",
                     "set credit=ja on credit notes and reversals, or correct the sign")
    for row in frame.loc[credit & (frame["amount"] > 0), ROW]:
        problems.add(int(row), _header(frame, "amount"), "a credit is entered as a negative amount",
                     "write the credit's amount with a minus sign")
    for (org, year), group in frame.groupby(["organisation", "year"], sort=False):
        _check_organisation_year(problems, frame, str(org), int(year), group)
    problems.raise_if_any()
    for r in reconcile(frame).query("not reconciled").itertuples():
        rows = frame.loc[(frame["organisation"] == r.organisation) & (frame["year"] == r.year)
                         & frame["control_total"].notna(), ROW]
        problems.add(int(rows.iloc[0]), _header(frame, "control_total"),
                     f"the ledger does not reconcile with its control total(s): {r.organisation} {r.year}: sum "
                     f"{r.amount_sum:,.0f} vs control {r.control_total:,.0f} {r.unit} (difference {r.difference:+,.0f})",
                     "a line is missing or doubled, or the control total is for another scope")
    problems.raise_if_any()


def _check_organisation_year(problems: Problems, frame: pd.DataFrame, org: str, year: int, group: pd.DataFrame) -> None:
    """Units, plausible totals and control totals of one organisation and year."""
    from ..schema import ROW

    if group["unit"].nunique() > 1:
        problems.add(int(group.loc[group["unit"] != group["unit"].iloc[0], ROW].iloc[0]), _header(frame, "unit"),
                     f"organisation '{org}' {year} mixes units ({', '.join(sorted(group['unit'].unique()))})",
                     "use one unit per organisation and year")
        return
    unit = str(group["unit"].iloc[0])
    total_sek = float(group["amount"].sum()) * UNITS[unit]
    first = int(group[ROW].iloc[0])
    fix = "declare the unit the amounts are in (kr, tkr, mnkr)"
    if total_sek < IT_COST_FLOOR_SEK:
        problems.add(first, _header(frame, "unit"),
                     f"organisation '{org}' {year} totals {group['amount'].sum():,.0f} {unit} = {total_sek:,.0f} kr, "
                     f"less than a municipal IT organisation's plausible minimum of {IT_COST_FLOOR_SEK:,.0f} kr"
                     + ("; the amounts look like thousands (tkr) declared as kronor" if unit == "kr" else ""), fix)
    if total_sek > IT_COST_CEILING_SEK:
        problems.add(first, _header(frame, "unit"),
                     f"organisation '{org}' {year} totals {total_sek:,.0f} kr, more than the plausible maximum "
                     f"{IT_COST_CEILING_SEK:,.0f} kr" + ("; the amounts look like kronor declared as thousands"
                                                        if unit != "kr" else ""), fix)
    controls = group["control_total"].dropna()
    if controls.nunique() > 1:
        problems.add(int(group.loc[group["control_total"] != controls.iloc[0], ROW].dropna().iloc[0]),
                     _header(frame, "control_total"),
                     f"organisation '{org}' {year} has different control totals "
                     f"({', '.join(f'{v:g}' for v in controls.unique())})",
                     "give one control total per organisation and year")


def _account_columns(frame: pd.DataFrame, problems: Problems) -> None:
    """Account number and text: a text written in the number column moves to ``account``;
    every row needs a number, a text or a cost pool; one ledger keeps to one TBM taxonomy."""
    from ..schema import ROW

    number = frame["account_number"].astype("string").str.strip().str.removesuffix(".0")
    textual = number.notna() & ~number.str.fullmatch(r"\d{1,8}").fillna(False)
    moved = textual & frame["account"].isna()
    frame.loc[moved, "account"] = number[moved]
    number = number.mask(moved)
    for row, text in zip(frame.loc[textual & ~moved, ROW], number[textual & ~moved], strict=True):
        problems.add(int(row), _header(frame, "account_number"), f"an account number is digits only, not '{text}'",
                     "put the account's name in the account text column (Kontotext)")
    frame["account_number"] = number
    nothing = frame["account"].isna() & frame["account_number"].isna() & frame["cost_pool"].isna()
    where = _header(frame, "account" if "account" in frame.attrs.get("headers", {}) else "account_number")
    for row in frame.loc[nothing, ROW]:
        problems.add(int(row), where, "the row has neither an account nor a cost pool",
                     "give the account number or text so the mapping can place it, or the TBM cost pool")
    pools = set(frame["cost_pool"].dropna().astype(str))
    only_v4, only_v5 = pools - set(COST_POOLS_V5), pools - set(COST_POOLS)
    if only_v4 and only_v5:
        mixed = frame["cost_pool"].astype("string").isin(sorted(only_v5)).fillna(False)
        problems.add(_first_row(frame, mixed), _header(frame, "cost_pool"),
                     f"the ledger mixes TBM v4 cost pools ({', '.join(sorted(only_v4))}) with v5 ones "
                     f"({', '.join(sorted(only_v5))})", "use the cost pools of one taxonomy version (v4 or v5)")




TBM_LEDGER = register(
    DatasetSpec(
        name="tbm_ledger",
        title="IT cost ledger of IT organisations (TBM cost analysis)",
        description=(
            "One row per ledger line of a central IT organisation: the municipalities it serves, "
            "the year, the account number and/or text as the ledger names it (a Kommun-Bas ledger has both: "
            "Konto and Kontotext) and/or the TBM cost pool (v4, or v5), the cost centre, the IT "
            "work area, and the amount in a declared unit (kr, tkr or mnkr). Rows without a cost pool "
            "are placed by the account mapping (texts: digimotor/reference/tbm_account_mapping.csv; number "
            "ranges: reference/kommunbas_tbm_crosswalk.csv; or your own imported as tbm_account_mapping). "
            "Negative amounts are allowed only on rows flagged as "
            "credits. A control total per organisation and year, if given, must equal the sum of its rows. "
            "Organisations that serve several municipalities list them all, separated by ';'."
        ),
        columns=(
            Column("organisation", "str", "IT organisation (e.g. 'SML-IT', 'Uddevalla IT')",
                   aliases=("organisation", "organization", "it-organisation", "it organisation", "it-verksamhet",
                            "verksamhet", "org"), example="SML-IT"),
            Column("municipalities", "str", "municipalities served: SCB codes or names separated by ';'",
                   aliases=("kommuner", "kommun", "municipality", "served", "betjänar"),
                   example="Sotenäs; Munkedal; Lysekil"),
            Column("year", "year", "financial year", aliases=("år", "ar", "räkenskapsår"), example=2019),
            Column("account_number", "str", "account number (Kommun-Bas: 5021, 6011 …), mapped by range to a cost pool",
                   required=False, aliases=("konto", "kontonr", "kontonummer", "account number", "account no", "kontokod"),
                   example="6541"),
            Column("account", "str", "account text or category as the ledger names it (mapped to a cost pool)",
                   required=False, aliases=("kontotext", "kontobenämning", "kontonamn", "kostnadsslag",
                                            "account category", "account text"),
                   example="Licenser"),
            Column("cost_pool", "category", "TBM cost pool, v4 or v5 (if empty, taken from the account mapping)",
                   required=False, allowed=COST_POOLS + tuple(p for p in COST_POOLS_V5 if p not in COST_POOLS),
                   aliases=("kostnadspool", "kostnadsområde", "tbm cost pool")),
            Column("cost_centre", "str", "cost centre (ansvar); work areas can be mapped from it",
                   required=False, aliases=("ansvar", "kostnadsställe", "ansvarskod", "cost centre", "cost center",
                                            "kst", "ansvarsställe")),
            Column("work_area", "category", "IT work area (run: infrastructure, end_user_services; "
                   "develop: application_operations, steer_and_support)", required=False, allowed=WORK_AREAS,
                   aliases=("arbetsområde", "arbetsomrade", "it work area"), example="application_operations"),
            Column("amount", "float", "amount in the declared unit; negative only on credit rows",
                   aliases=("belopp", "kostnad", "utfall", "value", "värde"), example=1250.0),
            Column("unit", "category", "unit of amount and control_total", allowed=tuple(UNITS),
                   aliases=("enhet", "valuta"), example="tkr"),
            Column("credit", "bool", "ja on credit notes and reversals (the only rows that may be negative)",
                   required=False, aliases=("kreditering", "kredit"), example="nej"),
            Column("control_total", "float", "the organisation's total for the year from the accounts, to reconcile",
                   required=False, aliases=("kontrollsumma", "kontrolltotal", "control total"), min=0),
        ),
        check=_check_ledger,
    )
)


def _check_total_cost(frame: pd.DataFrame, file: str) -> None:
    """Plausibility of ``municipal_total_cost`` amounts (module docstring) per row."""
    from ..schema import ROW

    problems = Problems(file)
    fix = "declare the unit the amounts are in (kr, tkr, mnkr)"
    for row, value, unit in zip(frame[ROW], frame["total_cost"], frame["unit"], strict=True):
        sek = float(value) * UNITS[str(unit)]
        if sek < TOTAL_COST_FLOOR_SEK:
            problems.add(int(row), _header(frame, "total_cost"),
                         f"{value:,.0f} {unit} = {sek:,.0f} kr is less than any municipality's total cost "
                         f"(plausible minimum {TOTAL_COST_FLOOR_SEK:,.0f} kr)"
                         + ("; the amounts look like thousands (tkr) declared as kronor" if unit == "kr" else ""), fix)
        if sek > TOTAL_COST_CEILING_SEK:
            problems.add(int(row), _header(frame, "total_cost"),
                         f"{value:,.0f} {unit} = {sek:,.0f} kr is more than any municipality's total cost"
                         + ("; the amounts look like kronor declared as thousands" if unit != "kr" else ""), fix)
    problems.raise_if_any()




def _total_cost_sidecar(frame: pd.DataFrame) -> dict:
    definitions = sorted(str(d) for d in frame["definition"].dropna().unique())
    note = (
        "the report's definition: 'kommunens totala kostnad (resultat och avskrivningskostnad)', Figur 19, seed line 2267"
        if definitions == [REPORT_TOTAL_COST_DEFINITION]
        else "NOT (only) the report's definition 'result_and_depreciation': shares are not comparable with Figure 19"
    )
    return {"total_cost_definition": ", ".join(definitions), "total_cost_definition_note": note}


MUNICIPAL_TOTAL_COST = register(
    DatasetSpec(
        name="municipal_total_cost",
        title="Total cost per municipality and year (denominator of the central-IT share)",
        description=(
            "One row per municipality and year. The report divides central-IT cost by the municipality's "
            "total cost 'resultat och avskrivningskostnad' (definition result_and_depreciation). A Kolada "
            "figure has another definition (kolada_net_cost, kolada_gross_cost): declare it, and the "
            "notebook flags the shares as not comparable with the report instead of substituting silently. "
            "population (optional) is used as the size of the municipality and as an allocation key."
        ),
        columns=(
            Column("municipality_code", "municipality", "SCB municipality code (a name is accepted on import)",
                   aliases=("kommunkod", "kod", "kommun", "municipality", "region"), example="Sotenäs"),
            Column("year", "year", "financial year", aliases=("år", "ar"), example=2019),
            Column("total_cost", "float", "the municipality's total cost for the year, in the declared unit",
                   aliases=("total kostnad", "totala kostnader", "kostnad", "driftkostnad", "value", "värde"), min=0,
                   example=1_250_000),
            Column("unit", "category", "unit of total_cost", allowed=tuple(UNITS), aliases=("enhet",), example="tkr"),
            Column("definition", "category", "what the total is: result_and_depreciation is the report's",
                   allowed=TOTAL_COST_DEFINITIONS, aliases=("definition", "kostnadsdefinition", "avser"),
                   example=REPORT_TOTAL_COST_DEFINITION),
            Column("population", "int", "inhabitants on 31 December (size; optional allocation key)",
                   required=False, min=0, aliases=("folkmängd", "befolkning", "invånare"), example=14_600),
        ),
        key=("municipality_code", "year"),
        check=_check_total_cost,
        extra={"sidecar_fields": _total_cost_sidecar},
    )
)

ACCOUNT_MAPPING = register(
    DatasetSpec(
        name="tbm_account_mapping",
        title="Mapping from ledger accounts (texts or number ranges) to TBM cost pools",
        description=(
            "One row per account text as your ledger writes it, or per account-number range "
            "(account_from–account_to, first four digits; the narrowest range wins). Text matching "
            "ignores case, diacritics, hyphens and extra spaces. The default mapping ships in "
            "digimotor/reference/tbm_account_mapping.csv (texts) and kommunbas_tbm_crosswalk.csv "
            "(Kommun-Bas ranges); import your own to replace both."
        ),
        columns=(
            Column("account", "str", "account text (or leave empty on a range row)", required=False,
                   aliases=("konto", "kontotext", "kostnadsslag"), example="Licenser"),
            Column("cost_pool", "category", "TBM cost pool (v4)", allowed=COST_POOLS, aliases=("kostnadspool",),
                   example="software"),
            Column("note", "str", "why", required=False, aliases=("kommentar", "anmärkning")),
            Column("account_from", "str", "first account number of a range (4 digits)", required=False,
                   aliases=("från konto", "fran konto", "konto från", "from")),
            Column("account_to", "str", "last account number of a range (4 digits)", required=False,
                   aliases=("till konto", "konto till", "to")),
            Column("source", "str", "the Kommun-Bas edition the range comes from, or 'assumption'", required=False,
                   aliases=("källa", "kalla")),
        ),
        check=lambda frame, file: _check_mapping(frame, file),
    )
)


def _check_mapping(frame: pd.DataFrame, file: str) -> None:
    from .tbm_accounts import check_mapping_rows

    check_mapping_rows(frame, file)


IT_ORGANISATIONS = register(
    DatasetSpec(
        name="tbm_it_organisations",
        title="Which IT organisation serves which municipality",
        description="One row per municipality with the central IT organisation that serves it.",
        columns=(
            Column("municipality_code", "municipality", "SCB municipality code",
                   aliases=("kommunkod", "kommun", "municipality")),
            Column("organisation", "str", "IT organisation", aliases=("it-organisation", "organisation")),
        ),
        key=("municipality_code",),
    )
)

REFERENCE_LEVELS = register(
    DatasetSpec(
        name="tbm_reference_levels",
        title="Central-IT cost as a share of total (operating) cost: reference levels the report cites",
        description=(
            "One row per comparison the report makes. share_pct is empty where the OCR text is unreadable; "
            "readable says so, and raw_text keeps the OCR text."
        ),
        columns=(
            Column("reference", "str", "identifier"),
            Column("label_sv", "str", "Swedish label"),
            Column("label_en", "str", "English label"),
            Column("share_pct", "float", "share of total cost spent on central IT", unit="pct", required=False),
            Column("relation", "category", "how the report states it", allowed=("just_under", "about", "equal")),
            Column("readable", "bool", "whether the OCR text can be read"),
            Column("cited_source", "str", "the source the report gives"),
            Column("seed_lines", "str", "lines of the OCR text"),
            Column("raw_text", "str", "OCR text"),
        ),
        key=("reference",),
    )
)


def load_tbm_ledger(source: str = "synthetic") -> pd.DataFrame:
    """The IT cost ledger, with amounts in kronor.

    ==================  =========  ================================================================
    column              dtype      meaning
    ==================  =========  ================================================================
    organisation        string     IT organisation ("IT-org 01", "SML-IT")
    municipalities      string     served municipalities, SCB codes (or pseudonyms) joined by ';'
    year                Int64      financial year
    account             string     account (category) as in the ledger, or <NA>
    cost_pool           category   TBM cost pool, or <NA> (to be mapped from the account)
    work_area           category   IT work area, or <NA>
    amount              float64    amount in the declared unit
    unit                category   kr, tkr or mnkr
    credit              boolean    credit rows (the only negative amounts)
    control_total       float64    the organisation's control total (declared unit), or NaN
    amount_sek          float64    amount in kronor
    ==================  =========  ================================================================

    Parameters
    ----------
    source
        ``"synthetic"`` (the seeded example, pseudonyms) or the name of an imported snapshot.
    """
    frame = load("tbm_ledger", source)
    frame["amount_sek"] = frame["amount"] * frame["unit"].astype(str).map(UNITS).astype("float64")
    frame["credit"] = frame["credit"].fillna(False)
    return frame


def load_municipal_total_cost(source: str = "synthetic") -> pd.DataFrame:
    """Total cost per municipality and year, in kronor.

    ==================  =========  ==========================================================
    column              dtype      meaning
    ==================  =========  ==========================================================
    municipality_code   string     SCB code, or a pseudonym for synthetic data ("Kommun 03")
    municipality        string     Swedish name (or the pseudonym)
    year                Int64      financial year
    total_cost          float64    total cost in the declared unit
    unit                category   kr, tkr or mnkr
    definition          category   result_and_depreciation (the report's) or another definition
    population          Int64      inhabitants, or <NA>
    total_cost_sek      float64    total cost in kronor
    ==================  =========  ==========================================================
    """
    from ..regions import display_name

    frame = load("municipal_total_cost", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    frame["total_cost_sek"] = frame["total_cost"] * frame["unit"].astype(str).map(UNITS).astype("float64")
    return frame


def _read_reference_csv(name: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _cost_pools() -> pd.DataFrame:
    frame = _read_reference_csv("tbm_cost_pools.csv")
    frame["report_order"] = frame["report_order"].astype(int)
    if tuple(frame.sort_values("report_order")["cost_pool"]) != COST_POOLS:
        raise DigimotorError("digimotor/reference/tbm_cost_pools.csv does not list the nine TBM cost pools in order")
    return frame.sort_values("report_order").reset_index(drop=True)


def load_cost_pools(taxonomy: str = "v4") -> pd.DataFrame:
    """The nine TBM cost pools, v4 (taxonomy v2.x–v4.0, the order of the report's Figure 15) or v5.

    Columns: ``cost_pool`` (identifier), ``report_order``, ``tbm_name`` (the TBM Council's
    English name, as on the report's axis), ``name_sv``, ``name_en``, ``definition`` (for v5:
    which v4 pools it takes and the basis of that correspondence).
    """
    if taxonomy == "v4":
        return tag(_cost_pools().copy(), REFERENCE_KIND, "default", path="digimotor/reference/tbm_cost_pools.csv")
    if taxonomy != "v5":
        raise DigimotorError(f"taxonomy must be one of {', '.join(TAXONOMIES)}, not '{taxonomy}'")
    from .tbm_accounts import load_cost_pools_v5

    v5 = load_cost_pools_v5()
    definition = [f"v4: {src.replace(';', ' + ') or 'none'}. {basis}" for src, basis in zip(v5["from_v4"], v5["basis"],
                                                                                            strict=True)]
    return carry(v5.rename(columns={"cost_pool_v5": "cost_pool"}).assign(
        report_order=v5["report_order"].astype(int), definition=definition,
    )[["cost_pool", "report_order", "tbm_name", "name_sv", "name_en", "definition"]], v5)


@lru_cache(maxsize=1)
def _work_areas() -> pd.DataFrame:
    frame = _read_reference_csv("tbm_work_areas.csv")
    frame["report_order"] = frame["report_order"].astype(int)
    if tuple(frame.sort_values("report_order")["work_area"]) != WORK_AREAS:
        raise DigimotorError("digimotor/reference/tbm_work_areas.csv does not list the four work areas in order")
    return frame.sort_values("report_order").reset_index(drop=True)


def load_work_areas() -> pd.DataFrame:
    """The study's four IT work areas (report p. 48–49, seed lines 2204–2220).

    Columns: ``work_area``, ``report_order``, ``focus`` (``run`` or ``develop``), ``name_sv``,
    ``name_en``, ``tbm_towers`` (the TBM v3 towers each covers), ``description_sv``.
    """
    return tag(_work_areas().copy(), REFERENCE_KIND, "default", path="digimotor/reference/tbm_work_areas.csv")


def load_account_mapping(source: str = "default") -> pd.DataFrame:
    """Account text or number range -> TBM cost pool (see :mod:`digimotor.sources.tbm_accounts`).

    ``"default"`` is ``reference/tbm_account_mapping.csv`` (texts) plus
    ``reference/kommunbas_tbm_crosswalk.csv`` (Kommun-Bas number ranges); otherwise the name of
    a snapshot imported with ``digimotor import tbm_account_mapping <file> --name <source>``.
    Columns: ``account``, ``cost_pool``, ``note``, ``account_key`` (folded text, "" on range
    rows), ``account_from``/``account_to`` (Int64, <NA> on text rows) and ``source``.
    """
    from .tbm_accounts import load_mapping

    return load_mapping(source)


def load_it_organisations(source: str = "published") -> pd.DataFrame:
    """Municipality -> IT organisation (published: the 14 Fyrbodal municipalities, 12 organisations).

    Columns: ``municipality_code``, ``municipality`` (Swedish name), ``organisation``.
    """
    from ..regions import display_name

    frame = load("tbm_it_organisations", source)
    frame.insert(1, "municipality", frame["municipality_code"].map(display_name).astype("string"))
    return frame


def load_reference_levels(source: str = "published") -> pd.DataFrame:
    """The central-IT cost shares the report cites for comparison (seed lines 2110–2115, 2249–2252).

    Columns: ``reference``, ``label_sv``, ``label_en``, ``share_pct`` (NaN where unreadable),
    ``relation`` (``just_under``, ``about``, ``equal``), ``readable``, ``cited_source``,
    ``seed_lines``, ``raw_text``.
    """
    return load("tbm_reference_levels", source)
