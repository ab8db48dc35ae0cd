"""Synthetic DiMiOS answers for 13 pseudonymous municipalities, calibrated to the report's Figure 9.

What the generator promises (checked by :func:`check_calibration` before it returns, and by
``tests/test_dimios_synthetic.py``), all *calibrated*, none of it evidence:

* 13 municipalities "Kommun 01" … "Kommun 13": 12 measured in 2020 with 48 respondents in
  all, one measured in 2019 (the report: 48 respondents from 12 of 14 municipalities, plus
  one municipality measured in 2019); 4 items per area, integer answers 1–6;
* the lowest, highest and mean municipality mean of every area equal Figure 9 at the
  printed precision (one decimal);
* the average lies in type B; exactly one municipality has a constraining legacy and it is in
  type A; several (four) are in type D; the rest are B (default split 3.5);
* one municipality has only 2 respondents, below the default threshold of 3, so that the
  page shows the flag.

The respondent counts per municipality, the year of the survey (2020), the items and the
roles are assumptions of the example, not facts from the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

GENERATOR = "dimios"
VERSION = 1

#: Figure 9 (lowest, highest, mean), the calibration targets.
FIGURE9 = {
    "efficiency": (2.0, 5.3, 3.4),
    "innovation": (2.0, 5.5, 3.4),
    "balancing": (1.8, 4.6, 3.3),
    "technology": (2.3, 4.8, 4.3),
    "users": (2.5, 6.0, 4.5),
    "organisation": (2.5, 5.5, 4.3),
}
N_MUNICIPALITIES = 13
RESPONDENTS_2020 = 48
ITEMS_PER_AREA = 4
N_TYPE_D = 4
ITEM_PREFIX = {"efficiency": "EFF", "innovation": "INN", "balancing": "BAL", "technology": "TEK",
               "users": "ANV", "organisation": "ORG"}
ROLES = ("Kommundirektör", "Förvaltningschef", "IT-chef", "Digitaliseringsstrateg", "Ekonomichef")
_HALF = 0.05  # half the printed precision (one decimal)


def _respondent_counts(rng: np.random.Generator) -> np.ndarray:
    """12 counts for 2020 summing to 48 (one of them 2), and 4 for the 2019 municipality."""
    import numpy as np

    counts = np.full(12, 4)
    counts[0] = 2
    counts[1] += 2
    for _ in range(8):
        give, take = rng.choice(np.arange(1, 12), size=2, replace=False)
        if counts[give] > 3 and counts[take] < 7:
            counts[give] -= 1
            counts[take] += 1
    rng.shuffle(counts)
    return np.append(counts, 4)


def _targets(rng: np.random.Generator, counts: np.ndarray):
    """Municipality × area target means satisfying Figure 9 and the type constraints."""
    import numpy as np

    from ..model.dimios import AREAS

    areas = list(AREAS)
    capability = [a for a in areas if AREAS[a][2] == "capability"]
    eligible = np.flatnonzero(counts >= 4)  # extremes need the finer resolution of >= 4 respondents
    for _attempt in range(10_000):
        roles = rng.permutation(eligible)
        type_a, type_d = roles[0], roles[1:1 + N_TYPE_D]
        is_d = np.zeros(N_MUNICIPALITIES, bool)
        is_d[type_d] = True
        cap_level = np.where(is_d, rng.uniform(3.8, 4.5, N_MUNICIPALITIES), rng.uniform(2.7, 3.3, N_MUNICIPALITIES))
        leg_level = np.where(is_d, rng.uniform(4.4, 5.1, N_MUNICIPALITIES), rng.uniform(4.0, 4.8, N_MUNICIPALITIES))
        target = np.zeros((N_MUNICIPALITIES, len(areas)))
        fixed = np.zeros_like(target, dtype=bool)
        for j, area in enumerate(areas):
            low, high, mean = FIGURE9[area]
            level = cap_level if area in capability else leg_level
            column = np.clip(level + rng.normal(0, 0.25, N_MUNICIPALITIES), low + 0.15, high - 0.15)
            top = rng.choice(type_d)
            column[type_a], column[top] = low, high
            fixed[[type_a, top], j] = True
            free = ~fixed[:, j]
            for _ in range(50):  # shift the free cells until the column mean is the target
                gap = mean * N_MUNICIPALITIES - column.sum()
                if abs(gap) < 1e-9:
                    break
                column[free] = np.clip(column[free] + gap / free.sum(), low + 0.15, high - 0.15)
            target[:, j] = column
        cap = target[:, :3].mean(axis=1)
        leg = target[:, 3:].mean(axis=1)
        others = np.ones(N_MUNICIPALITIES, bool)
        others[type_a] = False
        ok = (
            np.allclose(target.mean(axis=0), [FIGURE9[a][2] for a in areas], atol=1e-6)
            and (leg[others] >= 3.7).all()
            and (cap[is_d] >= 3.7).all()
            and (cap[others & ~is_d] <= 3.3).all()
        )
        if ok:
            return target, fixed
    raise RuntimeError("no calibrated targets found")  # pragma: no cover - the seed search succeeds


def _answer_sums(target: np.ndarray, fixed: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Integer item sums per municipality × area whose means keep Figure 9 at one decimal."""
    import numpy as np

    from ..model.dimios import AREAS

    cells = (counts * ITEMS_PER_AREA)[:, None]
    sums = np.rint(target * cells).astype(int)
    for j, area in enumerate(AREAS):
        mean = FIGURE9[area][2]
        free = np.flatnonzero(~fixed[:, j] & (counts >= 4))
        step = 0
        while abs((sums[:, j] / cells[:, 0]).mean() - mean) >= _HALF - 1e-9:
            direction = 1 if (sums[:, j] / cells[:, 0]).mean() < mean else -1
            sums[free[step % len(free)], j] += direction
            step += 1
    return sums


def _spread(rng: np.random.Generator, total: int, n: int, mean: float) -> np.ndarray:
    """``n`` respondents × items integer answers 1–6 summing to ``total`` (respondent effects + noise)."""
    import numpy as np

    respondent = rng.normal(0, 0.7, (n, 1))
    answers = np.clip(np.rint(mean + respondent + rng.normal(0, 0.6, (n, ITEMS_PER_AREA))), 1, 6).astype(int)
    flat = answers.reshape(-1)
    while flat.sum() != total:
        up = flat.sum() < total
        movable = np.flatnonzero(flat < 6) if up else np.flatnonzero(flat > 1)
        flat[rng.choice(movable)] += 1 if up else -1
    return flat.reshape(n, ITEMS_PER_AREA)


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """The synthetic ``dimios`` dataset (respondent × item rows)."""
    import numpy as np
    import pandas as pd

    from ..model.dimios import AREAS

    rng = np.random.default_rng(seed)
    counts = _respondent_counts(rng)
    target, fixed = _targets(rng, counts)
    sums = _answer_sums(target, fixed, counts)
    rows = []
    for m in range(N_MUNICIPALITIES):
        name = f"Kommun {m + 1:02d}"
        year = 2019 if m == N_MUNICIPALITIES - 1 else 2020
        n = int(counts[m])
        roles = rng.choice(ROLES, size=n)
        blocks = {
            area: _spread(rng, int(sums[m, j]), n, sums[m, j] / (n * ITEMS_PER_AREA))
            for j, area in enumerate(AREAS)
        }
        for r in range(n):
            for area, (area_sv, _en, _dim) in AREAS.items():
                for i in range(ITEMS_PER_AREA):
                    rows.append((year, name, f"R{r + 1:02d}", str(roles[r]), area_sv,
                                 f"{ITEM_PREFIX[area]}{i + 1}", int(blocks[area][r, i])))
    frame = pd.DataFrame(rows, columns=["year", "municipality_code", "respondent", "role", "area", "item",
                                        "score"])
    check_calibration(frame)
    return {"dimios": frame}


def check_calibration(frame: pd.DataFrame) -> dict[str, float]:
    """Assert the promised properties of a synthetic frame; return the calibrated values.

    Raises
    ------
    AssertionError
        If any promise is broken (a generator bug, never a data problem).
    """
    import pandas as pd

    from ..metrics import dimios as metrics
    from ..model.dimios import AREA_BY_TEXT, AREAS
    from ..regions import fold

    answers = frame.assign(area=pd.Categorical(frame["area"].map(lambda t: AREA_BY_TEXT[fold(t)]),
                                               categories=list(AREAS)))
    respondents = metrics.respondent_area_scores(answers)
    municipalities = metrics.municipality_scores(respondents)
    summary = metrics.area_summary(respondents, municipalities).set_index("area")
    for area, (low, high, mean) in FIGURE9.items():
        for stat, value in (("lowest", low), ("highest", high), ("mean", mean)):
            assert abs(summary.loc[area, stat] - value) < _HALF, (area, stat, summary.loc[area, stat])
    counts = metrics.type_counts(municipalities)
    average = metrics.dimension_scores(summary[["mean"]].T)
    assert metrics.dimios_type(average["capability"].iloc[0], average["legacy"].iloc[0]) == "B"
    assert (municipalities["legacy"] < metrics.DEFAULT_SPLIT).sum() == 1
    assert municipalities.loc[municipalities["legacy"] < metrics.DEFAULT_SPLIT, "dimios_type"].tolist() == ["A"]
    assert counts["D"] >= 2 and counts["A"] == 1
    per_year = municipalities.groupby("year")["n_respondents"].agg(["sum", "size"])
    assert per_year.loc[2020].tolist() == [RESPONDENTS_2020, 12] and per_year.loc[2019, "size"] == 1
    return {"n_A": float(counts["A"]), "n_D": float(counts["D"])}
