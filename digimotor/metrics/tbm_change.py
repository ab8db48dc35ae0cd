"""TBM across regions and years: the region's IT organisations, and the central-IT share's change.

The ledger names an IT organisation and the municipalities it serves (``municipalities``, SCB
codes joined by ";"). The region rule of :mod:`digimotor.metrics.measurement` applies to those
codes: an organisation is kept when it serves at least one of the region's municipalities (its
share is still divided by the total cost of every municipality it serves), organisations of
pseudonymous (synthetic) municipalities belong to no region and are all kept.

The change exhibit compares the per-municipality central-IT share
(:func:`digimotor.metrics.tbm.central_it_share_by_municipality`) of two financial years with
:func:`digimotor.metrics.change.paired_change`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..provenance import keeps_provenance
from .measurement import Scope, region_scope

if TYPE_CHECKING:
    import pandas as pd


def served_codes(ledger: pd.DataFrame) -> list[str]:
    """Every municipality code the ledger's organisations serve, in first-seen order."""
    codes = [c for text in ledger["municipalities"].astype(str) for c in text.split(";") if c]
    return list(dict.fromkeys(codes))


def region_ledger(ledger: pd.DataFrame, region: str | Sequence[str]) -> Scope:
    """The ledger rows of the organisations serving the region (see the module); ``applies`` is
    False for pseudonymous municipalities. ``outside`` lists the served codes outside the region
    whose organisations serve no municipality in it."""
    import pandas as pd

    by_org = ledger.groupby("organisation", sort=False)["municipalities"].first().astype(str)
    units = pd.DataFrame([{"organisation": org, "municipality_code": code}
                          for org, text in by_org.items() for code in text.split(";") if code])
    scope = region_scope(units, region)
    kept_orgs = set(scope.frame["organisation"])
    inside = ledger["organisation"].isin(kept_orgs).to_numpy()
    frame = ledger[inside].copy()
    frame.attrs = dict(ledger.attrs)
    return Scope(frame=frame, region=scope.region, applies=scope.applies, outside=scope.outside)


@keeps_provenance
def share_change(before: pd.DataFrame, after: pd.DataFrame, *, before_year: int, after_year: int,
                 n_boot: int = 2000, seed: int = 2021, confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """Change of the central-IT share per municipality between two financial years.

    Parameters
    ----------
    before, after
        :func:`digimotor.metrics.tbm.central_it_share_by_municipality` of the two years.

    Returns
    -------
    dict
        ``municipalities``: ``municipality_code``, ``municipality``, ``share_before``,
        ``share_after``, ``change_pp`` (percentage points) and ``organisation_before/after``;
        ``summary``: one row with the paired change (mean, bootstrap interval, Wilcoxon with ≥ 6
        pairs, counts); ``unpaired``: municipalities in one year only (``present_in``).
    """
    import pandas as pd

    from .change import paired_change, unpaired_table

    result = paired_change(before, after, key="municipality_code", value="share_pct", n_boot=n_boot, seed=seed,
                           confidence=confidence)
    names = dict(zip(before["municipality_code"], before["municipality"], strict=True)) | dict(
        zip(after["municipality_code"], after["municipality"], strict=True))
    rows = result.pairs.rename(columns={"before": "share_before", "after": "share_after", "change": "change_pp"})
    rows.insert(1, "municipality", rows["municipality_code"].map(names).astype("string"))
    for side, frame in (("before", before), ("after", after)):
        rows[f"organisation_{side}"] = rows["municipality_code"].map(
            dict(zip(frame["municipality_code"], frame["organisation"], strict=True)))
    summary = pd.DataFrame([{"before": before_year, "after": after_year, **result.summary(),
                             "n_increased": int((rows["change_pp"] > 0).sum()),
                             "n_decreased": int((rows["change_pp"] < 0).sum())}])
    unpaired = unpaired_table(result, names)
    return {"municipalities": rows, "summary": summary, "unpaired": unpaired}
