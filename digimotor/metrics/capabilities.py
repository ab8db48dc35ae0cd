"""The capability map (förmågekarta): scores per municipality × capability, strengths and weaknesses.

All functions are pure: they take the tidy self-assessment of
:func:`digimotor.sources.capabilities.load_capabilities` (or a matrix made from it) and return
frames. Scores are compared across municipalities on a common 0–1 scale,
``(score - scale_min) / (scale_max - scale_min)``, so that files with different declared
scales can be combined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd


@keeps_provenance
def normalised_scores(assessment: pd.DataFrame) -> pd.DataFrame:
    """Add ``score_norm`` = (score − scale_min) / (scale_max − scale_min), in 0–1.

    Raises
    ------
    ValueError
        If a score lies outside its declared scale (the message names the first row).
    """
    out = assessment.copy()
    low = out["scale_min"].astype("float64")
    high = out["scale_max"].astype("float64")
    norm = (out["score"].astype("float64") - low) / (high - low)
    bad = ~norm.between(0.0, 1.0)
    if bad.any():
        first = out.loc[bad].iloc[0]
        raise ValueError(
            f"{int(bad.sum())} score(s) off their declared scale, e.g. {first['municipality_code']} "
            f"{first['capability']}: {first['score']} not in {first['scale_min']}–{first['scale_max']}"
        )
    out["score_norm"] = norm
    return out


@keeps_provenance
def latest_assessment(assessment: pd.DataFrame) -> pd.DataFrame:
    """Keep the latest assessment (by ``date``; an empty date counts as oldest) per municipality × capability."""
    out = assessment.assign(_date=assessment["date"].fillna("").astype(str))
    out = out.sort_values(["municipality_code", "capability", "_date"], kind="stable")
    out = out.drop_duplicates(["municipality_code", "capability"], keep="last")
    return out.drop(columns="_date").reset_index(drop=True)


@keeps_provenance
def capability_matrix(assessment: pd.DataFrame, value: str = "score_norm") -> pd.DataFrame:
    """Municipality × capability matrix of ``value`` (the latest assessment; NaN where not assessed).

    Rows are ``municipality_code`` in sorted order, columns capability ids in sorted order.
    """
    frame = assessment if value in assessment.columns else normalised_scores(assessment)
    frame = latest_assessment(frame)
    matrix = frame.pivot(index="municipality_code", columns="capability", values=value)
    matrix = matrix.sort_index().sort_index(axis=1)
    matrix.index.name, matrix.columns.name = "municipality_code", "capability"
    return matrix.astype("float64")


def similarity_order(matrix: pd.DataFrame, method: str = "average") -> tuple[list[str], list[str]]:
    """Order rows and columns so that similar profiles sit together.

    Hierarchical clustering (scipy, ``method`` linkage, Euclidean distance) with optimal
    leaf ordering, on rows (municipalities) and columns (capabilities) separately. Missing
    scores are filled with the capability's mean for the distances only.

    Returns
    -------
    (rows, columns)
        Municipality codes and capability ids in display order.
    """
    from scipy.cluster.hierarchy import leaves_list, linkage

    filled = matrix.apply(lambda col: col.fillna(col.mean())).fillna(0.0)

    def order(values, labels):
        if len(labels) < 3:
            return list(labels)
        tree = linkage(values, method=method, metric="euclidean", optimal_ordering=True)
        return [labels[i] for i in leaves_list(tree)]

    rows = order(filled.to_numpy(), list(filled.index))
    columns = order(filled.to_numpy().T, list(filled.columns))
    return rows, columns


@keeps_provenance
def joint_ranking(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rank capabilities jointly across municipalities by their mean normalised score.

    Returns
    -------
    pandas.DataFrame
        One row per capability: ``capability``, ``mean``, ``median``, ``min``, ``max``,
        ``n`` (municipalities assessed), ``rank_strongest`` (1 = highest mean) and
        ``rank_weakest`` (1 = lowest mean). Ties are broken by the median, then the id.
    """
    import pandas as pd

    table = pd.DataFrame({
        "capability": matrix.columns,
        "mean": matrix.mean().to_numpy(),
        "median": matrix.median().to_numpy(),
        "min": matrix.min().to_numpy(),
        "max": matrix.max().to_numpy(),
        "n": matrix.notna().sum().to_numpy(),
    })
    table = table[table["n"] > 0]
    # Means that differ only by summation noise (row order) are ties, broken by the median.
    keyed = table.assign(_mean=table["mean"].round(9), _median=table["median"].round(9))
    strongest = keyed.sort_values(["_mean", "_median", "capability"], ascending=[False, False, True], kind="stable")
    weakest = keyed.sort_values(["_mean", "_median", "capability"], ascending=[True, True, True], kind="stable")
    table = table.set_index("capability")
    table["rank_strongest"] = pd.Series(range(1, len(table) + 1), index=strongest["capability"].to_numpy(),
                                        dtype="int64")
    table["rank_weakest"] = pd.Series(range(1, len(table) + 1), index=weakest["capability"].to_numpy(),
                                      dtype="int64")
    return table.reset_index().sort_values("rank_strongest").reset_index(drop=True)


@keeps_provenance
def joint_strengths_weaknesses(ranking: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """The joint ``k`` strongest and ``k`` weakest capabilities (``list``, ``rank``, ``capability``, ``mean``)."""
    import pandas as pd

    strong = ranking.nsmallest(k, "rank_strongest").assign(list="strongest", rank=lambda f: f["rank_strongest"])
    weak = ranking.nsmallest(k, "rank_weakest").assign(list="weakest", rank=lambda f: f["rank_weakest"])
    return pd.concat([strong, weak], ignore_index=True)[["list", "rank", "capability", "mean", "median", "n"]]


@keeps_provenance(mixed="the computed joint lists beside the report's published ones")
def compare_with_report(top: pd.DataFrame, rankings: pd.DataFrame) -> pd.DataFrame:
    """Put the computed joint lists beside the report's (``capability_rankings``, lists strongest/weakest).

    Returns one row per (list, rank): ``published`` and ``computed`` capability ids and
    ``same`` (True where the capability at that rank agrees).
    """
    published = rankings[rankings["list"].isin(["strongest", "weakest"])][["list", "rank", "capability_id"]]
    published = published.astype({"list": str}).rename(columns={"capability_id": "published"})
    computed = top[["list", "rank", "capability"]].rename(columns={"capability": "computed"})
    merged = published.merge(computed, on=["list", "rank"], how="left")
    merged["rank"] = merged["rank"].astype(int)
    merged["same"] = merged["published"] == merged["computed"]
    return merged.sort_values(["list", "rank"]).reset_index(drop=True)


@keeps_provenance
def municipality_profile(matrix: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """Each municipality's ``k`` strongest and ``k`` weakest capabilities.

    Ties are broken by the capability id. Returns one row per municipality × side × rank:
    ``municipality_code``, ``side`` (strength | weakness), ``rank``, ``capability``,
    ``score_norm`` and ``relative`` (the score minus the capability's mean across
    municipalities: a strength that the others share is less distinctive).
    """
    import pandas as pd

    means = matrix.mean()
    rows = []
    for code, scores in matrix.iterrows():
        scores = scores.dropna()
        strongest = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        weakest = sorted(scores.items(), key=lambda item: (item[1], item[0]))[:k]
        for side, items in (("strength", strongest), ("weakness", weakest)):
            for rank, (capability, value) in enumerate(items, start=1):
                rows.append({"municipality_code": code, "side": side, "rank": rank, "capability": capability,
                             "score_norm": float(value), "relative": float(value - means[capability])})
    return pd.DataFrame(rows)


@keeps_provenance
def element_profile(assessment: pd.DataFrame) -> pd.DataFrame:
    """Mean normalised score per capability element (process … information) and capability.

    Only rows that carry element scores count. Returns ``capability``, ``element``, ``mean``, ``n``.
    """
    import pandas as pd

    from ..sources.capabilities import ELEMENTS

    rows = []
    low = assessment["scale_min"].astype("float64")
    span = assessment["scale_max"].astype("float64") - low
    for element in ELEMENTS:
        if element not in assessment.columns:
            continue
        norm = (assessment[element].astype("float64") - low) / span
        frame = pd.DataFrame({"capability": assessment["capability"], "value": norm}).dropna()
        grouped = frame.groupby("capability")["value"].agg(["mean", "size"]).reset_index()
        for row in grouped.itertuples(index=False):
            rows.append({"capability": row.capability, "element": element, "mean": float(row.mean), "n": int(row.size)})
    return pd.DataFrame(rows, columns=["capability", "element", "mean", "n"])
