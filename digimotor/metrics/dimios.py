"""DiMiOS digital maturity: dimension scores, maturity level, the A–D typology, aggregation.

Conventions the report leaves open are keyword arguments with documented defaults:

``split`` (default 3.5)
    The point on each dimension (scale 1–6) that separates low from high. 3.5 is the middle
    of the scale. A score equal to the split counts as high. Under this default the Fyrbodal
    mean of Figure 9 lies in type B, where the report places it.
``formula`` of the maturity level (default ``"mean/6"``)
    "Share of optimal conditions": ``"mean/6"`` = mean score / 6 (the share of the maximum),
    ``"(mean-1)/5"`` = (mean − 1) / 5 (the share of the range above the scale's floor). Both
    are shown; the report's own figure is unreadable in the OCR and is not used to choose.
``aggregation`` (default ``"municipality"``)
    How "lowest, highest, mean" across the participating municipalities are formed from
    respondents: ``"municipality"`` = respondent → municipality mean → lowest/highest/mean of
    the municipality means (each municipality weighs the same); ``"respondent"`` = lowest,
    highest and mean over single respondents' area scores.

The typology (quadrant letters follow from the report's statements: the average "limited by
capability" is B; "heavy constraining legacy and weak capability" is A; "enabling legacy and
high capability" is D):

======  =====================  =====================
type    digital capability     digital legacy
======  =====================  =====================
A       low                    low (constraining)
B       low                    high (enabling)
C       high                   low (constraining)
D       high                   high (enabling)
======  =====================  =====================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import labels
from ..errors import DigimotorError, ParameterError
from ..model.dimios import (
    AREAS,
    DIMENSION_AREAS,
    DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    TYPES,
)
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DEFAULT_SPLIT = 3.5
FORMULAS = ("mean/6", "(mean-1)/5")
AGGREGATIONS = ("municipality", "respondent")
UNIT_KEYS = ["municipality_code", "year"]


def check_split(split: float) -> float:
    """Return ``split`` if it lies strictly inside the scale 1–6; raise ParameterError otherwise."""
    if not SCORE_MIN < float(split) < SCORE_MAX:
        raise ParameterError(f"split must lie between {SCORE_MIN:g} and {SCORE_MAX:g}, not {split!r}")
    return float(split)


@keeps_provenance
def dimension_scores(area_scores: pd.DataFrame) -> pd.DataFrame:
    """Mean of each dimension's three areas.

    Parameters
    ----------
    area_scores
        A frame with one column per area id (``efficiency`` … ``organisation``), one row per
        unit (a municipality, a respondent, or Figure 9's "lowest"/"highest"/"mean").

    Returns
    -------
    pandas.DataFrame
        Columns ``capability`` (efficiency, innovation, balancing) and ``legacy``
        (technology, users, organisation), same index.
    """
    import pandas as pd

    missing = [a for a in AREAS if a not in area_scores.columns]
    if missing:
        raise DigimotorError(f"area score(s) missing: {', '.join(missing)}")
    return pd.DataFrame(
        {dim: area_scores[areas].mean(axis=1) for dim, areas in DIMENSION_AREAS.items()},
        index=area_scores.index,
    )


def maturity_level(capability, legacy, formula: str = "mean/6"):
    """Digital maturity as a share of optimal conditions, in per cent.

    ``mean`` is the mean of the two dimension scores (= the mean of the six areas).

    Parameters
    ----------
    formula
        ``"mean/6"`` (default): 100 · mean / 6. ``"(mean-1)/5"``: 100 · (mean − 1) / 5.

    Raises
    ------
    ParameterError
        For another formula.
    """
    mean = (capability + legacy) / 2
    if formula == "mean/6":
        return 100 * mean / SCORE_MAX
    if formula == "(mean-1)/5":
        return 100 * (mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)
    raise ParameterError(f"formula must be one of {', '.join(FORMULAS)}, not {formula!r}")


def dimios_type(capability, legacy, split: float = DEFAULT_SPLIT):
    """The DiMiOS type A–D of each (capability, legacy) pair; vectorised.

    A score ``>= split`` counts as high. Returns a string for scalars, a numpy array of
    ``"A"``–``"D"`` for arrays, a Series for Series (NaN scores give ``None``).
    """
    import numpy as np
    import pandas as pd

    split = check_split(split)
    cap = np.asarray(capability, dtype=float)
    leg = np.asarray(legacy, dtype=float)
    letters = np.array(TYPES, dtype=object)
    index = (cap >= split).astype(int) * 2 + (leg >= split).astype(int)
    out = letters[index]
    out = np.where(np.isnan(cap) | np.isnan(leg), None, out)
    if isinstance(capability, pd.Series):
        return pd.Series(out, index=capability.index, name="dimios_type", dtype=object)
    if out.ndim == 0:
        return out.item()
    return out


@keeps_provenance
def figure9_profile(areas: pd.DataFrame) -> pd.DataFrame:
    """Figure 9 as a frame of profiles: rows ``lowest``, ``highest``, ``mean``, columns the areas."""
    return areas.set_index("area")[["lowest", "highest", "mean"]].T.reindex(columns=list(AREAS))


@keeps_provenance
def summarise_published(areas: pd.DataFrame, *, split: float = DEFAULT_SPLIT) -> pd.DataFrame:
    """Dimension scores, maturity (both formulas) and type of Figure 9's three profiles.

    Only the ``mean`` row is a real position; ``lowest`` and ``highest`` mix different
    municipalities per area and are shown for the spider chart only (``is_position``).
    """
    profile = figure9_profile(areas)
    dims = dimension_scores(profile)
    out = dims.copy()
    out["mean_score"] = profile.mean(axis=1)
    for formula in FORMULAS:
        out[f"maturity_pct[{formula}]"] = maturity_level(dims["capability"], dims["legacy"], formula)
    out["dimios_type"] = dimios_type(dims["capability"], dims["legacy"], split)
    out["is_position"] = out.index == "mean"
    out.index.name = "profile"
    return out.reset_index()


# ---------------------------------------------------------------------------------------
# Microdata: respondent -> municipality -> region
# ---------------------------------------------------------------------------------------


def _group_positions(frame: pd.DataFrame, columns: Sequence[str]):
    """Group number of every row for the key ``columns``, and one row index per group.

    Hash-based (``pandas.factorize`` without sorting) and fully vectorised; the caller sorts
    the small per-group result.
    """
    import numpy as np
    import pandas as pd

    combined = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, values = pd.factorize(frame[column], sort=False, use_na_sentinel=False)
        combined = combined * len(values) + codes
    positions, uniques = pd.factorize(combined, sort=False)
    representative = np.empty(len(uniques), dtype=np.int64)
    representative[positions] = np.arange(len(frame))  # any row of the group carries its keys
    return positions, representative


@keeps_provenance
def respondent_area_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's score per area: the mean of the area's items.

    Parameters
    ----------
    answers
        :func:`digimotor.sources.dimios.load_dimios` output (``year``, ``municipality_code``,
        ``respondent``, ``area``, ``score``; ``item`` optional).

    Returns
    -------
    pandas.DataFrame
        One row per respondent: ``municipality_code``, ``year``, ``respondent`` and one column
        per area id. Vectorised (no per-group Python code): 1 000 000 rows take well under a
        second.
    """
    import numpy as np
    import pandas as pd

    keys = [*UNIT_KEYS, "respondent"]
    unit_pos, unit_first = _group_positions(answers, keys)
    n_units = len(unit_first)
    area = pd.Categorical(answers["area"], categories=list(AREAS)).codes
    if (area < 0).any():
        raise DigimotorError("answers contain an area that is not a DiMiOS area")
    n_areas = len(AREAS)
    cell = unit_pos * n_areas + area
    size = n_units * n_areas
    score = answers["score"].to_numpy(dtype=float)
    sums = np.bincount(cell, weights=score, minlength=size)
    counts = np.bincount(cell, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (sums / counts).reshape(n_units, n_areas)
    out = answers.iloc[unit_first][keys].reset_index(drop=True)
    for position, name in enumerate(AREAS):
        out[name] = means[:, position]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


@keeps_provenance
def municipality_scores(respondents: pd.DataFrame, *, split: float = DEFAULT_SPLIT,
                        min_respondents: int = 3) -> pd.DataFrame:
    """Per municipality and year: area means over respondents, dimensions, maturity and type.

    Parameters
    ----------
    respondents
        :func:`respondent_area_scores` output.
    split
        Low/high split of each dimension (default 3.5).
    min_respondents
        Municipalities with fewer respondents are flagged (``few_respondents``), not dropped:
        the page shows them with the flag.

    Returns
    -------
    pandas.DataFrame
        ``municipality_code``, ``year``, ``n_respondents``, the six area means,
        ``capability``, ``legacy``, ``dimios_type``, ``few_respondents``.
    """
    import numpy as np

    areas = list(AREAS)
    inverse, first = _group_positions(respondents, UNIT_KEYS)
    counts = np.bincount(inverse, minlength=len(first))
    values = respondents[areas].to_numpy(dtype=float)
    out = respondents.iloc[first][UNIT_KEYS].reset_index(drop=True)
    out["n_respondents"] = counts
    for position, name in enumerate(areas):
        out[name] = np.bincount(inverse, weights=values[:, position], minlength=len(first)) / counts
    dims = dimension_scores(out)
    out["capability"] = dims["capability"]
    out["legacy"] = dims["legacy"]
    out["dimios_type"] = dimios_type(out["capability"], out["legacy"], split)
    out["few_respondents"] = out["n_respondents"] < int(min_respondents)
    return out.sort_values(UNIT_KEYS, kind="stable").reset_index(drop=True)


@keeps_provenance
def municipality_types(answers: pd.DataFrame, *, split: float = DEFAULT_SPLIT,
                       min_respondents: int = 3) -> pd.DataFrame:
    """Respondent × item answers straight to per-municipality scores and types (the fast path)."""
    return municipality_scores(respondent_area_scores(answers), split=split, min_respondents=min_respondents)


@keeps_provenance
def area_summary(respondents: pd.DataFrame, municipalities: pd.DataFrame,
                 aggregation: str = "municipality") -> pd.DataFrame:
    """Figure 9 from microdata: lowest, highest and mean per area.

    Parameters
    ----------
    aggregation
        ``"municipality"`` (default): over municipality means, each municipality weighing the
        same. ``"respondent"``: over single respondents' area scores.

    Returns
    -------
    pandas.DataFrame
        ``area``, ``lowest``, ``highest``, ``mean`` (ordered as :data:`AREAS`).
    """
    import pandas as pd

    if aggregation == "municipality":
        base = municipalities
    elif aggregation == "respondent":
        base = respondents
    else:
        raise ParameterError(f"aggregation must be one of {', '.join(AGGREGATIONS)}, not {aggregation!r}")
    areas = list(AREAS)
    return pd.DataFrame(
        {
            "area": pd.Categorical(areas, categories=areas, ordered=True),
            "lowest": base[areas].min().to_numpy(),
            "highest": base[areas].max().to_numpy(),
            "mean": base[areas].mean().to_numpy(),
        }
    )


@keeps_provenance
def type_counts(municipalities: pd.DataFrame) -> pd.Series:
    """Number of municipalities per type A–D (all four, zeros included)."""
    return municipalities["dimios_type"].value_counts().reindex(list(TYPES), fill_value=0)


def _bootstrap_means(samples: Sequence[np.ndarray], confidence: float, n_resamples: int,
                     rng) -> list[tuple[float, float]]:
    """Percentile bootstrap intervals of the mean of each sample, in order, from one generator.

    The numbers of :func:`scipy.stats.bootstrap` (``method="percentile"``, ``vectorized=True``)
    called on each sample in turn with ``rng``: the same resample indices, drawn in the same
    order, and the interval of :func:`scipy.stats.quantile` (:func:`.numstats.percentile_interval`), here
    once for every sample (a national study has thousands of municipality × measure samples).
    numpy only: ``scipy.stats`` costs about a second to import.
    """
    import numpy as np

    from .numstats import percentile_interval

    out: list[tuple[float, float] | None] = []
    thetas = []
    for values in samples:
        values = values[~np.isnan(values)]
        if len(values) < 2 or np.ptp(values) == 0:
            # one answer has no spread to resample; identical answers give a zero-width interval
            out.append((np.nan, np.nan) if len(values) < 2 else (float(values[0]), float(values[0])))
            continue
        thetas.append(np.mean(values[rng.integers(0, len(values), (n_resamples, len(values)))], axis=-1))
        out.append(None)
    if thetas:
        alpha = (1 - confidence) / 2
        ci = percentile_interval(np.stack(thetas), alpha)
        intervals = iter(zip(ci[:, 0].tolist(), ci[:, 1].tolist(), strict=True))
        out = [next(intervals) if o is None else o for o in out]
    return out


@keeps_provenance
def bootstrap_ci(respondents: pd.DataFrame, municipalities: pd.DataFrame, *, confidence: float = 0.95,
                 n_resamples: int = 2000, seed: int = 2021) -> pd.DataFrame:
    """Percentile bootstrap intervals (as scipy.stats.bootstrap) for area and dimension means.

    Two levels, in one long table (``level`` column):

    * ``municipality``: each municipality's mean, resampling its respondents (with about four
      respondents the intervals are wide; with one there is none: NaN);
    * ``region``: the mean over municipalities, resampling the municipality means.

    Returns
    -------
    pandas.DataFrame
        ``level``, ``year``, ``municipality_code`` (empty for the region), ``measure`` (area
        or dimension id), ``mean``, ``ci_low``, ``ci_high``, ``n``.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    resp = respondents.copy()
    dims = dimension_scores(resp)
    resp["capability"], resp["legacy"] = dims["capability"], dims["legacy"]
    measures = [*AREAS, *DIMENSIONS]
    units, samples = [], []
    for (code, year), group in resp.groupby(UNIT_KEYS, sort=True):
        for measure in measures:
            units.append(("municipality", year, code, measure))
            samples.append(group[measure].to_numpy(dtype=float))
    for measure in measures:
        units.append(("region", pd.NA, "", measure))
        samples.append(municipalities[measure].to_numpy(dtype=float))
    intervals = _bootstrap_means(samples, confidence, n_resamples, rng)
    rows = [(*unit, float(np.mean(values)), low, high, len(values))
            for unit, values, (low, high) in zip(units, samples, intervals, strict=True)]
    return pd.DataFrame(rows, columns=["level", "year", "municipality_code", "measure", "mean", "ci_low",
                                       "ci_high", "n"])


@keeps_provenance
def overestimation_sensitivity(respondents: pd.DataFrame, *, shifts: Sequence[float] = (0.25, 0.5, 1.0),
                               split: float = DEFAULT_SPLIT, min_respondents: int = 3,
                               suppress_below: int | None = None) -> pd.DataFrame:
    """How many municipalities change type if every score were lower by ``shift``.

    The report warns that first-time DiMiOS measurements tend to overestimate. Scores are
    lowered by each shift and floored at 1 (the scale's minimum), then the types recomputed.
    With ``suppress_below``, municipalities with fewer respondents are counted but not named
    (``..`` stands for them in ``changed``).

    Returns
    -------
    pandas.DataFrame
        One row per shift (0 first): ``shift``, ``n_changed``, ``changed`` (the units whose
        type changes, "year municipality_code: X→Y"), and ``n_A`` … ``n_D``.
    """
    import pandas as pd

    areas = list(AREAS)
    base = municipality_scores(respondents, split=split, min_respondents=min_respondents)
    rows = []
    for shift in [0.0, *shifts]:
        lowered = respondents.copy()
        lowered[areas] = (lowered[areas] - float(shift)).clip(lower=SCORE_MIN)
        moved = municipality_scores(lowered, split=split, min_respondents=min_respondents)
        change = moved["dimios_type"] != base["dimios_type"]
        counts = type_counts(moved)
        rows.append({
            "shift": float(shift),
            "n_changed": int(change.sum()),
            "changed": _changed_units(moved[change], base.loc[change, "dimios_type"], suppress_below),
            **{f"n_{t}": int(counts[t]) for t in TYPES},
        })
    return pd.DataFrame(rows)


def _changed_units(moved: pd.DataFrame, before: pd.Series, suppress_below: int | None) -> str:
    """"Name: X→Y; …" for the units that change type; suppressed units as ".." (counted, not named)."""
    from ..regions import display_name
    from .suppression import SUPPRESSED

    shown, hidden = [], 0
    for unit, old in zip(moved.itertuples(), before, strict=True):
        if suppress_below is not None and unit.n_respondents < suppress_below:
            hidden += 1
            continue
        shown.append(f"{display_name(unit.municipality_code)}: {old}→{unit.dimios_type}")
    if hidden:
        shown.append(f"{SUPPRESSED} ×{hidden}")
    return "; ".join(shown)


@keeps_provenance
def unit_positions(municipalities: pd.DataFrame, ci: pd.DataFrame) -> pd.DataFrame:
    """Municipality positions in the plane with their bootstrap bounds (for Figure 11).

    Returns ``municipalities`` plus ``capability_low/high`` and ``legacy_low/high`` from
    the ``level == "municipality"`` rows of :func:`bootstrap_ci`.
    """
    local = ci[(ci["level"] == "municipality") & ci["measure"].isin(list(DIMENSIONS))]
    wide = local.pivot_table(index=UNIT_KEYS, columns="measure", values=["ci_low", "ci_high"], dropna=False)
    wide.columns = [f"{measure}_{'low' if bound == 'ci_low' else 'high'}" for bound, measure in wide.columns]
    out = municipalities.merge(wide.reset_index(), on=UNIT_KEYS, how="left")
    return out


@keeps_provenance
def area_table(areas: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """Figure 9 as printed: area number, name, lowest, highest, mean (and the dimension)."""
    out = areas[["area", "lowest", "highest", "mean"]].copy()
    out.insert(0, "number", range(1, len(out) + 1))
    position = labels.LANGS.index(lang)  # AREAS holds (sv, en, dimension)
    out.insert(2, "area_name", out["area"].map({a: v[position] for a, v in AREAS.items()}).astype(str))
    out.insert(3, "dimension", out["area"].map({a: v[2] for a, v in AREAS.items()}).astype(str))
    out["area"] = out["area"].astype(str)
    return out


@keeps_provenance
def typology_table(summary: pd.DataFrame, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Figure 11's table: the average's position (and type), then each municipality's with its bounds."""
    import pandas as pd

    average = summary.loc[summary["is_position"], ["profile", "capability", "legacy", "dimios_type"]]
    average = average.rename(columns={"profile": "municipality"})
    if units is None:
        return average.reset_index(drop=True)
    columns = ["municipality", "year", "n_respondents", "capability", "legacy", "dimios_type", "capability_low",
               "capability_high", "legacy_low", "legacy_high", "few_respondents"]
    if "suppressed" in units.columns:
        columns.append("suppressed")
        average = average.assign(suppressed=False)
    out = pd.concat([average, units[columns]], ignore_index=True)
    return out[[c for c in out.columns if c != "suppressed"] + (["suppressed"] if "suppressed" in out else [])]


# ---------------------------------------------------------------------------------------
# Names, small-group protection and the change between two measurements
# ---------------------------------------------------------------------------------------

#: Per-municipality result columns withheld when a municipality has too few respondents.
RESULT_COLUMNS = (*AREAS, "capability", "legacy", "dimios_type", "capability_low", "capability_high",
                  "legacy_low", "legacy_high")


@keeps_provenance
def with_names(frame: pd.DataFrame, position: int = 1) -> pd.DataFrame:
    """``frame`` with a ``municipality`` column (the Swedish name; pseudonyms stay) after the code."""
    from ..regions import display_name

    out = frame.drop(columns=["municipality"], errors="ignore")
    out.insert(position, "municipality", out["municipality_code"].astype(str).map(display_name))
    return out


@keeps_provenance
def suppress_municipalities(frame: pd.DataFrame, min_respondents: int = 3) -> pd.DataFrame:
    """Per-municipality results of fewer than ``min_respondents`` respondents withheld.

    Uses :func:`digimotor.metrics.suppression.suppress` on :data:`RESULT_COLUMNS` with the
    ``n_respondents`` column; adds ``suppressed``.
    """
    from .suppression import suppress

    return suppress(frame, n_column="n_respondents", columns=RESULT_COLUMNS, min_respondents=min_respondents)


@keeps_provenance
def suppress_ci(ci: pd.DataFrame, min_respondents: int = 3) -> pd.DataFrame:
    """:func:`bootstrap_ci` with municipality names and the rows of too few respondents withheld (``n`` stays)."""
    import pandas as pd

    from ..regions import display_name
    from .suppression import suppress

    municipal = ci["level"] == "municipality"
    counts = ci["n"].where(municipal, pd.NA)
    out = suppress(ci.assign(_n=counts), n_column="_n", columns=("mean", "ci_low", "ci_high"),
                   min_respondents=min_respondents)
    names = ci["municipality_code"].astype(str).map(lambda code: display_name(code) if code else "")
    out.insert(out.columns.get_loc("municipality_code") + 1, "municipality", names)
    return out.drop(columns="_n")


@keeps_provenance
def change_exhibit(before: pd.DataFrame, after: pd.DataFrame, *, min_respondents: int = 3,
                   n_boot: int = 2000, seed: int = 2021, confidence: float = 0.95) -> dict[str, pd.DataFrame]:
    """DiMiOS change between two measurements (:func:`municipality_scores` of each).

    Parameters
    ----------
    before, after
        One row per municipality each (the earlier and the later measurement), with
        ``municipality_code``, ``n_respondents``, the areas, ``capability``, ``legacy``,
        ``dimios_type`` (not yet suppressed: the regional change uses every municipality).

    Returns
    -------
    dict
        ``summary``: one row per area and dimension (:func:`digimotor.metrics.change.change_summary`);
        ``municipalities``: each paired municipality's capability, legacy and type before and
        after with the change, withheld (``suppressed``) where either measurement has fewer
        than ``min_respondents`` respondents;
        ``transitions``: the from × to table of types A–D over the paired municipalities;
        ``unpaired``: the municipalities present in one measurement only (``present_in`` =
        ``before`` or ``after``).
    """
    import pandas as pd

    from ..regions import display_name
    from .change import change_summary, paired_change, transitions
    from .suppression import suppress

    key = "municipality_code"
    summary = change_summary(before, after, key=key, values=[*AREAS, *DIMENSIONS], n_boot=n_boot, seed=seed,
                             confidence=confidence)
    first = paired_change(before, after, key=key, value="capability", n_boot=n_boot, seed=seed,
                          confidence=confidence)
    columns = ["n_respondents", "capability", "legacy", "dimios_type"]
    paired = before[[key, *columns]].merge(after[[key, *columns]], on=key, suffixes=("_before", "_after"))
    paired = paired.sort_values(key, kind="stable").reset_index(drop=True)
    for dim in DIMENSIONS:
        paired[f"{dim}_change"] = paired[f"{dim}_after"] - paired[f"{dim}_before"]
    paired = with_names(paired)
    paired["n_respondents"] = paired[["n_respondents_before", "n_respondents_after"]].min(axis=1)
    shown = suppress(paired, n_column="n_respondents", min_respondents=min_respondents, columns=[
        *(f"{dim}_{when}" for dim in DIMENSIONS for when in ("before", "after", "change")),
        "dimios_type_before", "dimios_type_after"])
    shown = shown.drop(columns="n_respondents")
    table = transitions(before.set_index(key)["dimios_type"], after.set_index(key)["dimios_type"], TYPES)
    unpaired = pd.DataFrame(
        [(code, display_name(str(code)), "before") for code in first.only_before]
        + [(code, display_name(str(code)), "after") for code in first.only_after],
        columns=[key, "municipality", "present_in"],
    )
    return {"summary": summary, "municipalities": shown, "transitions": table, "unpaired": unpaired}


@keeps_provenance
def measurement_means(measurements: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per measurement: the mean over municipalities of every area and dimension, never pooled.

    ``measurements`` maps a measurement label (e.g. ``"2021"``) to its :func:`municipality_scores`.
    Returns ``measurement``, ``measure``, ``mean``, ``n_municipalities``, ``n_respondents``.
    """
    import pandas as pd

    rows = []
    for name, scores in measurements.items():
        for measure in [*AREAS, *DIMENSIONS]:
            rows.append({"measurement": name, "measure": measure, "mean": float(scores[measure].mean()),
                         "n_municipalities": len(scores), "n_respondents": int(scores["n_respondents"].sum())})
    return pd.DataFrame(rows)
