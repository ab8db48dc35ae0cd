"""The capability map (förmågekarta): scores per municipality × capability, strengths and weaknesses.

All functions are pure: they take the tidy self-assessment of
:func:`digimotor.sources.capabilities.load_capabilities` (or a matrix made from it) and return
frames. Scores are compared across municipalities on a common 0–1 scale,
``(score - scale_min) / (scale_max - scale_min)``, so that files with different declared
scales can be combined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import pandas as pd

    from .measurement import Measurement, Scope


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
def capability_matrix(assessment: pd.DataFrame, value: str = "score_norm", year: int | None = None) -> pd.DataFrame:
    """Municipality × capability matrix of ``value`` (the latest assessment; NaN where not assessed).

    Rows are ``municipality_code`` in sorted order, columns capability ids in sorted order.
    With ``year`` only that measurement's assessments count (:func:`assessment_years`); without
    it the latest of every date counts, so a page selects one measurement first
    (:func:`select_assessment`): measurements are never pooled.
    """
    frame = assessment if value in assessment.columns else normalised_scores(assessment)
    if year is not None:
        frame = frame[(assessment_years(frame) == year).fillna(False).to_numpy(dtype=bool)]
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

    from ..model.capabilities import ELEMENTS

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


def assessment_years(assessment: pd.DataFrame) -> pd.Series:
    """The measurement year of each row: the year of its ``date`` (``YYYY-…``); <NA> without a date."""
    import pandas as pd

    text = assessment["date"].astype("string").str.extract(r"^(\d{4})", expand=False)
    return pd.to_numeric(text, errors="coerce").astype("Int64")


def select_assessment(assessment: pd.DataFrame, region: str | Sequence[str], year: int = 0, *,
                      file: str = "", parameter: str = "year") -> tuple[Scope, Measurement]:
    """The region's assessments of one measurement (the year of ``date``).

    The rules of :mod:`digimotor.metrics.measurement`: rows with SCB codes outside ``region``
    are left out (pseudonyms are kept, the filter does not apply to them); several years and
    ``year`` = 0 raise :class:`~digimotor.errors.ParameterError` naming the years found. The
    returned frame has the input's columns.
    """
    from .measurement import region_scope

    scope = region_scope(assessment, region)
    return scope, assessment_measurement(scope.frame, year, file=file, parameter=parameter)


@keeps_provenance
def assessment_measurement(assessment: pd.DataFrame, year: int = 0, *, file: str = "",
                           parameter: str = "year") -> Measurement:
    """The assessments of one measurement (the year of ``date``), with the input's columns; the
    rules of :func:`digimotor.metrics.measurement.select_measurement`."""
    from .measurement import select_measurement

    chosen = select_measurement(assessment.assign(_year=assessment_years(assessment)), year, column="_year",
                                file=file, parameter=parameter)
    chosen.frame = chosen.frame.drop(columns="_year")
    return chosen


@keeps_provenance
def capability_change(before: pd.DataFrame, after: pd.DataFrame, *, n_boot: int = 2000, seed: int = 2021,
                      confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """Improved / declined between two measurements, per capability and per capability element.

    Parameters
    ----------
    before, after
        The assessments of the two measurements (:func:`select_assessment`), each one row per
        municipality × capability after :func:`latest_assessment`.

    Returns
    -------
    dict
        ``capabilities``: per capability, the municipalities assessed in both (``n_pairs``) and
        how many ``improved`` / ``unchanged`` / ``declined`` (normalised score), with the paired
        mean change (:func:`digimotor.metrics.change.paired_change`: bootstrap interval, Wilcoxon
        with ≥ 6 pairs). ``elements``: the same per element (process … information) over every
        municipality × capability assessed with that element in both. ``municipalities``: one
        row per municipality × capability paired (``score_before``, ``score_after``,
        ``change``). ``unpaired``: municipality × capability in one measurement only.
    """
    import pandas as pd

    from ..model.capabilities import ELEMENTS
    from .change import paired_change

    key = ["municipality_code", "capability"]
    first, last = (latest_assessment(normalised_scores(frame)) for frame in (before, after))
    rows, pairs = [], []
    for offset, (capability, part) in enumerate(last.groupby("capability", sort=True)):
        earlier = first[first["capability"] == capability]
        result = paired_change(earlier, part, key=key, value="score_norm", n_boot=n_boot, seed=seed + offset,
                               confidence=confidence)
        rows.append({"capability": capability, **_counts(result.pairs["change"]), **result.summary()})
        pairs.append(result.pairs)
    for capability in sorted(set(first["capability"]) - set(last["capability"])):
        rows.append({"capability": capability, **_counts(pd.Series(dtype=float)), "n_pairs": 0,
                     "n_only_before": int((first["capability"] == capability).sum()), "n_only_after": 0})
    merged = first[key].merge(last[key], on=key, how="outer", indicator=True)
    one = merged[merged["_merge"] != "both"].sort_values(key, kind="stable")
    unpaired = one[key].assign(present_in=one["_merge"].map({"left_only": "before", "right_only": "after"})
                               .astype(str)).reset_index(drop=True)
    elements = []
    for offset, element in enumerate(e for e in ELEMENTS if e in first.columns and e in last.columns):
        a = first.assign(value=_element_norm(first, element))
        b = last.assign(value=_element_norm(last, element))
        result = paired_change(a, b, key=key, value="value", n_boot=n_boot, seed=seed + 1000 + offset,
                               confidence=confidence)
        if result.n_pairs:
            elements.append({"element": element, **_counts(result.pairs["change"]), **result.summary()})
    paired = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=[*key, "before", "after", "change"])
    paired = paired.rename(columns={"before": "score_before", "after": "score_after"})
    columns = ["n_improved", "n_unchanged", "n_declined"]
    return {"capabilities": pd.DataFrame(rows).sort_values("capability", kind="stable").reset_index(drop=True),
            "elements": pd.DataFrame(elements, columns=["element", *columns, "n_pairs", "mean_change", "ci_low",
                                                        "ci_high", "wilcoxon_statistic", "wilcoxon_p",
                                                        "n_only_before", "n_only_after"]),
            "municipalities": paired.sort_values(key, kind="stable").reset_index(drop=True),
            "unpaired": unpaired}


def _element_norm(frame: pd.DataFrame, element: str) -> pd.Series:
    """An element's score on the common 0–1 scale of its row."""
    low = frame["scale_min"].astype("float64")
    return (frame[element].astype("float64") - low) / (frame["scale_max"].astype("float64") - low)


def _counts(changes: pd.Series) -> dict[str, int]:
    """Improved / unchanged / declined among ``changes`` (differences below 1e-9 count as unchanged)."""
    return {"n_improved": int((changes > 1e-9).sum()), "n_unchanged": int((changes.abs() <= 1e-9).sum()),
            "n_declined": int((changes < -1e-9).sum())}
