"""Property-based tests (hypothesis) of the capability map (normalisation, matrix, rankings,
profiles) and the scenario engine (rules, lead–receiver pairing, plan, ties)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digimotor.metrics import capabilities as cm
from digimotor.metrics import scenarios as sc
from digimotor.model.scenarios import SAMTRAPPAN_LEVEL

FAST = settings(max_examples=50, deadline=None)
CAPABILITY_IDS = ["data_driven", "formal_collaboration", "procurement", "reliable_operations", "security"]


@st.composite
def assessments(draw):
    """A tidy self-assessment: municipalities × capabilities on a 1–5 or 0–10 scale, some
    capabilities assessed twice on different dates, some not at all."""
    rows = []
    for m in range(draw(st.integers(1, 6))):
        code = f"Kommun {m + 1:02d}"
        low, high = draw(st.sampled_from([(1, 5), (0, 10)]))
        for capability in CAPABILITY_IDS:
            dates = draw(st.sets(st.sampled_from(["2019-05-01", "2020-05-01", "2021-05-01"]), max_size=2))
            for date in dates:
                rows.append((code, capability, float(draw(st.integers(low, high))), low, high, date))
    frame = pd.DataFrame(rows, columns=["municipality_code", "capability", "score", "scale_min", "scale_max", "date"])
    return frame


@st.composite
def matrices(draw, min_rows=2, max_rows=8, columns=3, levels=(0.0, 0.1, 0.125, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 1.0)):
    data = draw(st.lists(st.lists(st.one_of(st.none(), st.sampled_from(levels)), min_size=columns,
                                  max_size=columns), min_size=min_rows, max_size=max_rows))
    return pd.DataFrame([[np.nan if v is None else v for v in row] for row in data],
                        index=[f"Kommun {i + 1:02d}" for i in range(len(data))],
                        columns=[f"c{j}" for j in range(columns)], dtype=float)


# ---------------------------------------------------------------------------------------
# The capability map
# ---------------------------------------------------------------------------------------


@FAST
@given(assessments(), st.integers(1, 9), st.integers(-20, 20))
def test_normalised_scores_lie_in_0_1_and_ignore_the_scale_unit(assessment, factor, shift):
    if assessment.empty:
        return
    norm = cm.normalised_scores(assessment)["score_norm"]
    assert norm.between(0, 1).all()
    expected = (assessment["score"] - assessment["scale_min"]) / (assessment["scale_max"] - assessment["scale_min"])
    assert ((norm - expected).abs() < 1e-12).all()
    # the same answers on a rescaled, shifted scale give the same normalised scores
    rescaled = assessment.assign(**{c: assessment[c] * factor + shift for c in ("score", "scale_min", "scale_max")})
    assert ((cm.normalised_scores(rescaled)["score_norm"] - norm).abs() < 1e-12).all()


@FAST
@given(assessments(), st.randoms(use_true_random=False))
def test_matrix_invariant_to_row_order_and_municipality_names(assessment, rnd):
    if assessment.empty:
        return
    expected = cm.capability_matrix(assessment)
    codes = list(assessment["municipality_code"].unique())
    new = dict(zip(codes, [f"Ort {i:03d}" for i in rnd.sample(range(1000), len(codes))], strict=True))
    shuffled = assessment.sample(frac=1, random_state=rnd.randint(0, 10_000)).assign(
        municipality_code=lambda f: f["municipality_code"].map(new))
    got = cm.capability_matrix(shuffled).rename(index={v: k for k, v in new.items()}).sort_index()
    pd.testing.assert_frame_equal(got, expected)
    # each cell is the latest assessment
    for (code, capability), group in assessment.groupby(["municipality_code", "capability"]):
        latest = group.sort_values("date").iloc[-1]
        norm = (latest["score"] - latest["scale_min"]) / (latest["scale_max"] - latest["scale_min"])
        assert expected.loc[code, capability] == norm


EIGHTHS = tuple(i / 8 for i in range(9))  # exact in binary: sums do not depend on the order of the rows


@FAST
@given(matrices(columns=5, levels=EIGHTHS).filter(lambda m: m.notna().any().any()),
       st.randoms(use_true_random=False))
def test_joint_ranking_orders_by_the_mean_and_is_invariant_to_order(matrix, rnd):
    ranking = cm.joint_ranking(matrix)
    assessed = [c for c in matrix.columns if matrix[c].notna().any()]
    assert sorted(ranking["capability"]) == sorted(assessed)
    for column in ("rank_strongest", "rank_weakest"):
        assert sorted(ranking[column]) == list(range(1, len(assessed) + 1))
    by_strength = ranking.sort_values("rank_strongest")
    assert list(by_strength["mean"]) == sorted(by_strength["mean"], reverse=True)
    assert list(ranking.sort_values("rank_weakest")["mean"]) == sorted(ranking["mean"])
    assert ((ranking["min"] <= ranking["mean"] + 1e-12) & (ranking["mean"] <= ranking["max"] + 1e-12)).all()
    for row in ranking.itertuples():
        assert abs(row.mean - matrix[row.capability].mean()) < 1e-12 and row.n == matrix[row.capability].count()
    # neither municipality order nor capability order changes the ranking
    rows, cols = list(matrix.index), list(matrix.columns)
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    pd.testing.assert_frame_equal(cm.joint_ranking(matrix.loc[rows, cols]), ranking)
    top = cm.joint_strengths_weaknesses(ranking, k=2)
    assert len(top) == 2 * min(2, len(assessed))


TIED = pd.DataFrame({"c3": [0.25, 0.3, 0.5, 0.7, 1.0, np.nan], "c4": [np.nan, np.nan, 0.3, 0.7, 0.5, 0.7]},
                    index=[f"Kommun {i:02d}" for i in range(1, 7)])


@settings(max_examples=50, deadline=None)
@example(TIED, True)
@given(matrices(columns=3).filter(lambda m: m.notna().any().any()), st.booleans())
def test_joint_ranking_is_invariant_to_row_order_for_any_scores(matrix, reverse):
    rows = list(matrix.index)[::-1] if reverse else list(matrix.index)
    pd.testing.assert_frame_equal(cm.joint_ranking(matrix.loc[rows])[["capability", "rank_strongest"]],
                                  cm.joint_ranking(matrix)[["capability", "rank_strongest"]])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4))
def test_joint_lists_of_an_unassessed_matrix_are_empty(rows, columns):
    matrix = pd.DataFrame(np.nan, index=[f"Kommun {i:02d}" for i in range(rows)],
                          columns=[f"c{j}" for j in range(columns)])
    assert cm.joint_strengths_weaknesses(cm.joint_ranking(matrix), k=2).empty


@FAST
@given(matrices(columns=5).filter(lambda m: m.notna().any().any()), st.integers(1, 3))
def test_municipality_profile_strengths_are_at_least_the_weaknesses(matrix, k):
    profile = cm.municipality_profile(matrix, k=k)
    means = matrix.mean()
    for code, mine in profile.groupby("municipality_code"):
        scores = matrix.loc[code].dropna()
        strengths = mine[mine["side"] == "strength"].sort_values("rank")
        weaknesses = mine[mine["side"] == "weakness"].sort_values("rank")
        assert len(strengths) == len(weaknesses) == min(k, len(scores))
        assert strengths["score_norm"].iloc[0] == scores.max() and weaknesses["score_norm"].iloc[0] == scores.min()
        assert list(strengths["score_norm"]) == sorted(strengths["score_norm"], reverse=True)
        assert strengths["score_norm"].min() >= weaknesses["score_norm"].max() or len(scores) < 2 * k
        for row in mine.itertuples():
            assert abs(row.relative - (row.score_norm - means[row.capability])) < 1e-12


@FAST
@given(matrices(min_rows=1, columns=4))
def test_similarity_order_is_a_permutation(matrix):
    rows, columns = cm.similarity_order(matrix)
    assert sorted(rows) == sorted(matrix.index) and sorted(columns) == sorted(matrix.columns)


@FAST
@given(st.lists(st.tuples(st.sampled_from(CAPABILITY_IDS), st.one_of(st.none(), st.integers(1, 5)),
                          st.one_of(st.none(), st.integers(1, 5))), min_size=1, max_size=12))
def test_element_profile_means_lie_on_the_normalised_scale(rows):
    frame = pd.DataFrame(rows, columns=["capability", "process", "technology"], dtype=object)
    frame[["process", "technology"]] = frame[["process", "technology"]].astype("float64")
    frame["scale_min"], frame["scale_max"] = 1, 5
    profile = cm.element_profile(frame)
    assert profile["mean"].between(0, 1).all()
    for row in profile.itertuples():
        values = frame.loc[frame["capability"] == row.capability, row.element].dropna()
        assert row.n == len(values) and abs(row.mean - ((values - 1) / 4).mean()) < 1e-12


# ---------------------------------------------------------------------------------------
# The scenario engine
# ---------------------------------------------------------------------------------------


def _cost(pairs, leads, receivers, ties, bonus):
    return sum(-(leads[lead] - receivers[r]) - bonus * ties[r, lead] for r, lead in pairs)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.integers(1, 8), st.integers(1, 3), st.sampled_from([0.0, 0.25, 1.0]),
       st.integers(0, 2**32 - 1))
def test_pairing_respects_capacity_and_beats_any_random_feasible_assignment(n_leads, n_receivers, capacity,
                                                                             bonus, seed):
    rng = np.random.default_rng(seed)
    leads = rng.uniform(0.7, 1.0, n_leads)
    receivers = rng.uniform(0.0, 0.3, n_receivers)
    ties = rng.choice([0.0, 0.2, 0.6, 1.0], size=(n_receivers, n_leads))
    pairs = sc.pair_leads(leads, receivers, ties, capacity, bonus)
    served = [r for r, _lead in pairs]
    assert len(served) == len(set(served)) == min(n_receivers, capacity * n_leads)
    assert np.bincount([lead for _r, lead in pairs], minlength=n_leads).max() <= capacity
    best = _cost(pairs, leads, receivers, ties, bonus)
    # any random assignment that serves as many receivers within the capacities costs at least as much
    slots = np.repeat(np.arange(n_leads), capacity)
    for _ in range(20):
        chosen = rng.permutation(n_receivers)[: len(pairs)]
        random_pairs = list(zip(chosen, rng.permutation(slots)[: len(pairs)], strict=True))
        assert best <= _cost(random_pairs, leads, receivers, ties, bonus) + 1e-9


@FAST
@given(matrices(max_rows=9), st.integers(1, 3), st.sampled_from([0.0, 0.25, 1.0]), st.integers(0, 2**32 - 1))
def test_engine_pairs_respect_roles_capacity_and_never_pair_a_municipality_with_itself(matrix, capacity, bonus,
                                                                                      seed):
    rng = np.random.default_rng(seed)
    codes = list(matrix.index)
    members = rng.choice(codes, size=min(3, len(codes)), replace=False)
    collaborations = pd.DataFrame({"collaboration_id": "t", "municipality_code": members,
                                   "samtrappan_step": "coordination", "status": "active", "role": "member"})
    params = sc.ScenarioParameters(lead_capacity=capacity, tie_bonus=bonus)
    result = sc.scenario_engine(matrix, collaborations=collaborations, params=params)
    pairs = result.pairs
    assert not (pairs["lead"] == pairs["receiver"]).any()
    if len(pairs):
        assert pairs.groupby(["capability", "lead"]).size().max() <= capacity
        assert not pairs.duplicated(["capability", "receiver"]).any()
    for rec in pairs.itertuples():
        assert matrix.loc[rec.lead, rec.capability] >= params.strong
        assert matrix.loc[rec.receiver, rec.capability] <= params.weak
        assert abs(rec.gap - (matrix.loc[rec.lead, rec.capability] - matrix.loc[rec.receiver, rec.capability])) < 1e-12
        assert abs(rec.cost - (-rec.gap - bonus * rec.tie)) < 1e-12
        assert rec.tie == (0.6 if {rec.lead, rec.receiver} <= set(members) else 0.0)
    table = result.table.set_index("capability")
    for capability, row in table.iterrows():
        scores = matrix[capability].dropna()
        code = row["scenario"]
        assert row["n_participants"] == len(scores)
        assert (code == -1) == (len(scores) < params.min_participants)
        if code != -1:
            assert (code == 0) == bool((scores >= params.strong).all())
        if code in (2, 4):
            assert (scores >= params.strong).any() and (scores <= params.weak).any()
            assert (code == 4) == bool((scores <= params.very_weak).any())
    # every role row names a participant, and a municipality has one role per capability
    assert not result.roles.duplicated(["municipality_code", "capability"]).any()
    plan = sc.municipality_plan(result, codes).set_index("municipality_code")
    counts = result.roles.groupby(["municipality_code", "role"]).size()
    for code in codes:
        for role, column in (("lead", "n_lead"), ("receiver", "n_receive"), ("partner", "n_partner"),
                             ("unassigned", "n_unassigned")):
            assert plan.loc[code, column] == counts.get((code, role), 0)


@FAST
@given(matrices(max_rows=9), st.integers(1, 3), st.randoms(use_true_random=False))
def test_engine_is_invariant_to_municipality_order_and_names(matrix, capacity, rnd):
    params = sc.ScenarioParameters(lead_capacity=capacity)
    expected = sc.scenario_engine(matrix, params=params)
    order = list(matrix.index)
    rnd.shuffle(order)
    new = {code: f"Ort {i:02d}" for i, code in enumerate(rnd.sample(list(matrix.index), len(matrix)))}
    moved = matrix.loc[order].rename(index=new)
    got = sc.scenario_engine(moved, params=params)
    same = ["capability", "n_participants", "mean", "min", "max", "spread", "n_strong", "n_weak", "scenario"]
    pd.testing.assert_frame_equal(got.table[same], expected.table[same], check_exact=False, atol=1e-12)
    # optimal pairings may differ among equals, but their number and total cost may not
    for capability in matrix.columns:
        a = expected.pairs[expected.pairs["capability"] == capability]
        b = got.pairs[got.pairs["capability"] == capability]
        assert len(a) == len(b) and abs(a["cost"].sum() - b["cost"].sum()) < 1e-9
    back = {v: k for k, v in new.items()}
    roles = got.roles[got.roles["role"].isin(["partner"])].assign(
        municipality_code=lambda f: f["municipality_code"].map(back))
    expected_partners = expected.roles[expected.roles["role"] == "partner"]
    assert set(map(tuple, roles[["municipality_code", "capability"]].values)) == set(
        map(tuple, expected_partners[["municipality_code", "capability"]].values))


@FAST
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(list(SAMTRAPPAN_LEVEL)),
                          st.sampled_from(["active", "ended"]),
                          st.lists(st.sampled_from([f"M{i}" for i in range(6)]), min_size=1, max_size=4,
                                   unique=True)), max_size=5, unique_by=lambda t: t[0]))
def test_tie_strength_is_symmetric_bounded_and_zero_on_the_diagonal(collaborations):
    rows = [(cid, member, step, status, "member") for cid, step, status, members in collaborations
            for member in members]
    frame = pd.DataFrame(rows, columns=["collaboration_id", "municipality_code", "samtrappan_step", "status", "role"])
    codes = [f"M{i}" for i in range(6)]
    ties = sc.tie_strength(frame, codes)
    assert (ties == ties.T).all() and (np.diag(ties) == 0).all() and ((ties >= 0) & (ties <= 1)).all()
    for a in range(6):
        for b in range(6):
            shared = [SAMTRAPPAN_LEVEL[step] / 5 for _cid, step, status, members in collaborations
                      if status == "active" and codes[a] in members and codes[b] in members]
            assert ties[a, b] == (max(shared) if shared and a != b else 0.0)
