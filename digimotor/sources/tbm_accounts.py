"""Account mapping for TBM: account texts and Kommun-Bas number ranges, TBM v4/v5, cost centres.

A municipal ledger (Kommun-Bas) names each line by an account number ("5021") and an
account text ("Månadslön tillsvidareanställda"). The default mapping places a line by its
text (``reference/tbm_account_mapping.csv``) and by its number
(``reference/kommunbas_tbm_crosswalk.csv``: ranges of the first four digits, each citing the
Kommun-Bas edition it comes from or marked ``assumption``). Both are editable: import your
own with ``digimotor import tbm_account_mapping <file>`` (text rows and range rows in one file).

The TBM taxonomy changed its cost pools in version 5.0; ``reference/tbm_cost_pools_v5.csv``
states which v4 pools each v5 pool takes (and its basis). A ledger keeps to one version;
:func:`digimotor.metrics.tbm.assign_cost_pools` reports in the version asked for.

Datasets: ``tbm_cost_centres`` — which IT work area a cost centre (ansvar) belongs to, for
ledgers that carry cost centres instead of work areas.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import REFERENCE_DIR
from ..conform import Problems
from ..errors import DigimotorError
from ..model.tbm import COST_POOLS, COST_POOLS_V5, WORK_AREAS, account_key
from ..provenance import REFERENCE_KIND, tag
from ..schema import Column, DatasetSpec
from .registry import load, register

if TYPE_CHECKING:
    import pandas as pd

def check_mapping_rows(frame: pd.DataFrame, file: str) -> None:
    """Rules of a mapping file: each row is a text or a range; ranges are digits, from <= to;
    no text twice; two equally narrow overlapping ranges may not disagree."""
    import pandas as pd

    from ..regions import fold
    from ..schema import ROW

    headers = frame.attrs.get("headers", {})
    problems = Problems(file)
    for row, text, low, high in zip(frame[ROW], frame["account"], frame["account_from"], frame["account_to"],
                                    strict=True):
        has_text = isinstance(text, str) and text.strip() != ""
        has_range = not (pd.isna(low) and pd.isna(high))
        if has_text == has_range:
            problems.add(int(row), headers.get("account", "account"), "the row is neither a text nor a range",
                         "give either an account text or a range (account_from, account_to)")
        elif has_range and (account_key(low) is None or account_key(high) is None or account_key(low) > account_key(high)):
            problems.add(int(row), headers.get("account_from", "account_from"),
                         f"'{low}'–'{high}' is not a range of account numbers",
                         "write the first and last account number, e.g. 6540 and 6549")
    keys = frame["account"].dropna().map(fold)
    for row in frame.loc[keys[keys.duplicated()].index, ROW]:
        problems.add(int(row), headers.get("account", "account"), "the account text is listed twice",
                     "keep one row per account text")
    problems.raise_if_any()
    _check_ranges(_ranges(frame), file)


def _ranges(frame: pd.DataFrame) -> list[tuple[int, int, str]]:
    out = []
    for low, high, pool in zip(frame["account_from"], frame["account_to"], frame["cost_pool"], strict=True):
        lo, hi = account_key(low), account_key(high)
        if lo is not None and hi is not None:
            out.append((lo, hi, str(pool)))
    return out


def _check_ranges(ranges: list[tuple[int, int, str]], where: str) -> None:
    for i, (lo, hi, pool) in enumerate(ranges):
        for lo2, hi2, pool2 in ranges[i + 1:]:
            if lo <= hi2 and lo2 <= hi and hi - lo == hi2 - lo2 and pool != pool2:
                raise DigimotorError(
                    f"{where}: account ranges {lo}–{hi} ({pool}) and {lo2}–{hi2} ({pool2}) overlap and disagree",
                    hint="make one range narrower than the other, or give both the same cost pool",
                )


def load_mapping(source: str = "default") -> pd.DataFrame:
    """See :func:`digimotor.sources.tbm.load_account_mapping`."""
    import pandas as pd

    from ..regions import fold

    if source == "default":
        texts = pd.read_csv(REFERENCE_DIR / "tbm_account_mapping.csv", dtype=str, keep_default_na=False)
        ranges = pd.read_csv(REFERENCE_DIR / "kommunbas_tbm_crosswalk.csv", dtype=str, keep_default_na=False)
        ranges = ranges.rename(columns={"kommunbas_group": "note_group"})
        ranges["note"] = ranges["note_group"] + ": " + ranges["note"]
        frame = pd.concat([texts.assign(account_from=None, account_to=None, source="digimotor default"),
                           ranges[["account_from", "account_to", "cost_pool", "note", "source"]].assign(account=None)],
                          ignore_index=True)
        unknown = sorted(set(frame["cost_pool"]) - set(COST_POOLS))
        if unknown:
            raise DigimotorError(f"the default account mapping maps to unknown cost pool(s): {', '.join(unknown)}")
        tag(frame, REFERENCE_KIND, "default",
            path="digimotor/reference/tbm_account_mapping.csv + kommunbas_tbm_crosswalk.csv")
    else:
        frame = load("tbm_account_mapping", source)
    frame["account_key"] = frame["account"].map(lambda t: fold(t) if isinstance(t, str) and t.strip() else "")
    dup = frame.loc[(frame["account_key"] != "") & frame["account_key"].duplicated(), "account"].tolist()
    if dup:
        raise DigimotorError(f"the account mapping lists these accounts twice: {', '.join(dup)}")
    frame["account_from"] = pd.array([account_key(v) for v in frame["account_from"]], dtype="Int64")
    frame["account_to"] = pd.array([account_key(v) for v in frame["account_to"]], dtype="Int64")
    _check_ranges(_ranges(frame), f"account mapping '{source}'")
    frame["cost_pool"] = pd.Categorical(frame["cost_pool"], categories=list(COST_POOLS))
    return frame


@lru_cache(maxsize=1)
def _v5_table() -> pd.DataFrame:
    import pandas as pd

    frame = pd.read_csv(REFERENCE_DIR / "tbm_cost_pools_v5.csv", dtype=str, keep_default_na=False)
    if tuple(frame["cost_pool_v5"]) != COST_POOLS_V5:
        raise DigimotorError("digimotor/reference/tbm_cost_pools_v5.csv does not list the TBM v5 cost pools in order")
    return frame


def load_cost_pools_v5() -> pd.DataFrame:
    """The TBM v5.0 cost pools with the v4 pools each takes (``from_v4``, ';'-joined) and its basis."""
    return tag(_v5_table().copy(), REFERENCE_KIND, "default", path="digimotor/reference/tbm_cost_pools_v5.csv")


def v4_to_v5() -> dict[str, str]:
    """v4 cost pool -> v5 cost pool (internal and external labour both become staffing)."""
    table: dict[str, str] = {}
    for v5, sources in zip(_v5_table()["cost_pool_v5"], _v5_table()["from_v4"], strict=True):
        for v4 in filter(None, sources.split(";")):
            table[v4] = v5
    return table


COST_CENTRES = register(
    DatasetSpec(
        name="tbm_cost_centres",
        title="IT work area of each cost centre (ansvar)",
        description=(
            "One row per cost centre of an IT organisation's ledger with the IT work area its costs belong "
            "to. Ledger rows without a work_area take it from here (organisation and cost centre, or the "
            "cost centre alone where organisation is empty)."
        ),
        columns=(
            Column("organisation", "str", "IT organisation (empty: any)", required=False,
                   aliases=("it-organisation", "organisation", "org")),
            Column("cost_centre", "str", "cost centre as the ledger writes it",
                   aliases=("ansvar", "kostnadsställe", "ansvarskod", "cost center", "kst")),
            Column("work_area", "category", "IT work area", allowed=WORK_AREAS,
                   aliases=("arbetsområde", "arbetsomrade", "it work area")),
        ),
        key=("organisation", "cost_centre"),
    )
)


def load_cost_centres(source: str) -> pd.DataFrame:
    """Cost centre -> work area (``organisation``, ``cost_centre``, ``work_area``), an imported snapshot."""
    return load("tbm_cost_centres", source)
