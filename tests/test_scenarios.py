"""The scenario engine, the pairing, the plan, and the published scenario / path / stairs data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digimotor.errors import ParameterError
from digimotor.metrics import scenarios as sc
from digimotor.metrics import sweep as sw
from digimotor.model.scenarios import SAMTRAPPAN_LEVEL, SCENARIO_PATH
from digimotor.sources import capabilities as cs

P = sc.ScenarioParameters()  # strong 0.70, weak 0.30, very weak 0.10, similar spread 0.25, joint share 0.5


def _engine(columns: dict[str, list[float]], index=None, **kwargs):
    index = index or [f"M{i}" for i in range(len(next(iter(columns.values()))))]
    matrix = pd.DataFrame(columns, index=index, dtype=float)
    return sc.scenario_engine(matrix, **kwargs)


def _scenario(result, capability):
    return int(result.table.set_index("capability").loc[capability, "scenario"])


# ---------------------------------------------------------------------------------------
# Rules, one matrix per scenario
# ---------------------------------------------------------------------------------------


def test_each_rule_fires_on_its_own_situation():
    critical = pd.Series({"cap3": "high"})
    result = _engine(
        {
            "too_few": [0.5, np.nan, np.nan, np.nan],
            "all_strong": [0.75, 1.0, 0.8, 0.7],
            "cap4": [1.0, 0.5, 0.5, 0.0],  # strong lead, a very weak receiver
            "cap2": [1.0, 0.5, 0.5, 0.25],  # strong lead, weak (not very weak) receiver
            "cap5": [0.5, 0.25, 0.25, 0.0],  # nobody strong, 3 of 4 weak
            "cap3": [0.5, 0.5, 0.75, 0.5],  # similar (spread 0.25), critical
            "cap1": [0.5, 0.5, 0.75, 0.5],  # similar, not critical
            "mixed": [0.75, 0.5, 0.5, 0.4],  # strong but nobody weak, spread 0.35
        },
        criticality=critical,
    )
    got = {c: _scenario(result, c) for c in result.table["capability"]}
    assert got == {"too_few": -1, "all_strong": 0, "cap4": 4, "cap2": 2, "cap5": 5, "cap3": 3, "cap1": 1, "mixed": 1}
    table = result.table.set_index("capability")
    assert table.loc["cap4", "sou_path"] == "asymmetric" and table.loc["cap5", "sou_path"] == "merger"
    assert table.loc["cap3", "spread"] == pytest.approx(0.25) and table.loc["cap5", "n_weak"] == 3
    assert table.loc["cap2", "leads"] == "M0" and table.loc["cap2", "receivers"] == "M3"
    assert table.loc["cap5", "partners"] == "M0; M1; M2; M3"


def test_thresholds_are_parameters():
    columns = {"c": [1.0, 0.5, 0.5, 0.25]}
    assert _scenario(_engine(columns), "c") == 2
    # with very_weak raised to 0.25 the same data call for the sustaining offer (scenario 4)
    assert _scenario(_engine(columns, params=sc.ScenarioParameters(very_weak=0.25)), "c") == 4
    # with weak lowered below 0.25 nobody is weak: the mixed case
    assert _scenario(_engine(columns, params=sc.ScenarioParameters(weak=0.2, very_weak=0.1)), "c") == 1


def test_willingness_removes_leads_and_participants():
    columns = {"c": [1.0, 0.9, 0.2, 0.0], "d": [1.0, 0.9, 0.2, 0.0]}
    willingness = pd.DataFrame({
        "municipality_code": ["M0", "M1", "M1"],
        "capability": [None, None, "d"],
        "willing_to_lead": [False, False, True],
        "willing_to_receive": [True, True, True],
    })
    result = _engine(columns, willingness=willingness)
    table = result.table.set_index("capability")
    # c: nobody willing to lead; 2 of 4 weak -> joint motor
    assert table.loc["c", "scenario"] == 5 and table.loc["c", "leads"] == ""
    # d: M1 may lead this one capability (the specific row overrides the general one)
    assert table.loc["d", "scenario"] == 4 and table.loc["d", "leads"] == "M1"
    out = pd.DataFrame({"municipality_code": ["M3"], "capability": [None], "willing_to_lead": [False],
                        "willing_to_receive": [False]})
    assert _engine({"c": [1.0, 0.9, 0.2, 0.0]}, willingness=out).table.loc[0, "n_participants"] == 3


# ---------------------------------------------------------------------------------------
# Pairing: optimal assignment under a capacity, cost written down
# ---------------------------------------------------------------------------------------


def test_capacity_serves_the_weakest_first():
    params = sc.ScenarioParameters(lead_capacity=2)
    result = _engine({"c": [1.0, 0.3, 0.2, 0.0]}, params=params)
    pairs = result.pairs
    assert sorted(pairs["receiver"]) == ["M2", "M3"] and set(pairs["lead"]) == {"M0"}
    assert result.table.loc[0, "unassigned"] == "M1"
    assert set(result.roles.loc[result.roles["role"] == "unassigned", "municipality_code"]) == {"M1"}


def test_pair_costs_follow_the_written_formula():
    collaborations = pd.DataFrame({
        "collaboration_id": ["t", "t"], "municipality_code": ["M1", "M2"], "samtrappan_step": ["coordination"] * 2,
        "status": ["active", "active"], "role": ["member", "member"],
    })
    params = sc.ScenarioParameters(lead_capacity=1, tie_bonus=0.5)
    result = _engine({"c": [0.9, 0.8, 0.2, 0.1]}, collaborations=collaborations, params=params)
    pairs = result.pairs.set_index("receiver")
    # the tie M1-M2 (coordination = 3/5) outweighs M0's larger gap for M2: -(0.8-0.2) - 0.5*0.6 = -0.9
    assert pairs.loc["M2", "lead"] == "M1" and pairs.loc["M3", "lead"] == "M0"
    assert pairs.loc["M2", "tie"] == pytest.approx(0.6) and pairs.loc["M2", "gap"] == pytest.approx(0.6)
    for rec in result.pairs.itertuples():
        assert rec.cost == pytest.approx(-rec.gap - 0.5 * rec.tie)
    # without the bonus the same data pair by the gap only: total gap 0.7 + 0.7 either way, so check optimality
    plain = _engine({"c": [0.9, 0.8, 0.2, 0.1]}, params=sc.ScenarioParameters(lead_capacity=1)).pairs
    assert plain["gap"].sum() == pytest.approx(1.4)


def _total_cost(pairs, leads, receivers, ties, bonus=0.3):
    return sum(-(leads[lead] - receivers[r]) - bonus * ties[r, lead] for r, lead in pairs)


def test_pair_leads_is_optimal_against_brute_force():
    from itertools import permutations

    rng = np.random.default_rng(3)
    for _ in range(20):
        leads, receivers = rng.uniform(0.7, 1, 2), rng.uniform(0, 0.3, 4)
        ties = rng.choice([0.0, 0.2, 1.0], size=(4, 2))
        chosen = sc.pair_leads(leads, receivers, ties, capacity=2, tie_bonus=0.3)
        best = min(_total_cost(list(zip(range(4), perm, strict=True)), leads, receivers, ties)
                   for perm in set(permutations([0, 0, 1, 1])))
        assert _total_cost(chosen, leads, receivers, ties) == pytest.approx(best)
        assert max(np.bincount([lead for _r, lead in chosen])) <= 2


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_vectorised_engine_equals_the_reference_loop(seed):
    rng = np.random.default_rng(seed)
    m, c = 40, 12
    centre, width = rng.uniform(0.05, 0.95, c), rng.uniform(0.0, 0.7, c)
    scores = np.clip(np.round((centre + width * rng.uniform(-0.5, 0.5, (m, c))) * 8) / 8, 0, 1)
    scores[rng.uniform(size=(m, c)) < 0.1] = np.nan
    codes = [f"M{i:02d}" for i in range(m)]
    matrix = pd.DataFrame(scores, index=codes, columns=[f"c{j:02d}" for j in range(c)])
    willingness = pd.DataFrame({"municipality_code": codes[:6], "capability": [None, None, "c01", "c02", None, "c03"],
                                "willing_to_lead": [False, True, False, True, True, False],
                                "willing_to_receive": [True, False, True, False, False, True]})
    members = rng.choice(codes, 10, replace=False)
    collaborations = pd.DataFrame({"collaboration_id": ["a"] * 5 + ["b"] * 5, "municipality_code": members,
                                   "samtrappan_step": ["joint_action"] * 5 + ["talk"] * 5,
                                   "status": ["active"] * 10, "role": ["member"] * 10})
    criticality = pd.Series({"c00": "high", "c05": "high"})
    params = sc.ScenarioParameters(lead_capacity=2)
    fast = sc.scenario_engine(matrix, criticality, willingness, collaborations, params)
    slow = sc.scenario_engine_loop(matrix, criticality, willingness, collaborations, params)
    pd.testing.assert_frame_equal(fast.table, slow.table)
    pd.testing.assert_frame_equal(fast.pairs, slow.pairs)
    pd.testing.assert_frame_equal(fast.roles, slow.roles)
    assert len(set(fast.table["scenario"])) >= 3


# ---------------------------------------------------------------------------------------
# Ties, stairs, plan
# ---------------------------------------------------------------------------------------


def test_tie_strength_from_the_published_collaborations():
    collaborations = cs.load_collaborations("published")
    codes = ["1427", "1430", "1484", "1485", "1421", "1415"]
    ties = pd.DataFrame(sc.tie_strength(collaborations, codes), index=codes, columns=codes)
    assert ties.loc["1427", "1430"] == 1.0  # SML-IT, samhandling
    assert ties.loc["1485", "1421"] == 0.8  # social on-call / e-archive, samverkan
    assert ties.loc["1421", "1415"] == 1.0  # Soltak AB
    assert ties.loc["1485", "1415"] == 0.0  # Stenungsund is not in Fyrbodal's collaborations
    # the ended professional networks (samtal) count only when ended ties are asked for
    with_ended = sc.tie_strength(collaborations[collaborations["collaboration_id"] == "professional_networks"],
                                 codes, statuses=("active", "ended"))
    assert with_ended[0, 3] == 0.2 and np.all(np.diag(with_ended) == 0)


def test_samtrappan_placement_of_the_report_collaborations():
    placement = sc.samtrappan_placement(cs.load_collaborations("published")).set_index("collaboration_id")
    assert placement.loc["sml_it", "step"] == 5 and placement.loc["sml_it", "placement_basis"] == "stated"
    assert placement.loc["professional_networks", "step"] == 1
    assert placement.loc["professional_networks", "status"] == "ended"
    assert placement.loc["goliska_it", "n_members"] == 6 and placement.loc["soltak", "n_members"] == 7
    assert placement.loc["social_on_call_uddevalla", "lead"] == "1485"
    assert placement.loc["social_on_call_uddevalla", "sou_path"] == "asymmetric"
    assert list(placement["step"]) == sorted(placement["step"], reverse=True)


def test_municipality_plan_counts_match_roles():
    result = _engine({"a": [1.0, 0.0, 0.2, 0.5], "b": [0.5, 0.25, 0.25, 0.0], "c": [0.9, 0.1, 0.3, 0.2]})
    plan = sc.municipality_plan(result).set_index("municipality_code")
    assert plan.loc["M0", "n_lead"] == 2 and plan.loc["M0", "lead"] == "a; c"
    assert plan.loc["M1", "receive"] == "a ← M0; c ← M0"
    assert plan.loc["M3", "n_partner"] == 1 and plan.loc["M3", "partner"] == "b"
    for code, row in plan.iterrows():
        mine = result.roles[result.roles["municipality_code"] == code]
        assert row["n_lead"] + row["n_receive"] + row["n_partner"] + row["n_unassigned"] == len(mine)


def test_synthetic_plan_uses_the_synthetic_ties():
    from digimotor.metrics.capabilities import capability_matrix

    matrix = capability_matrix(cs.load_capabilities("synthetic"))
    result = sc.scenario_engine(matrix, cs.load_criticality(), cs.load_willingness("synthetic"),
                                cs.load_collaborations("synthetic"))
    assert set(result.table["scenario"]) >= {0, 1, 2, 4, 5}
    assert "Kommun 03" not in set(result.pairs["lead"])  # not willing to lead
    assert "Kommun 09" not in set(result.pairs["receiver"])  # not willing to receive
    assert result.pairs.groupby(["capability", "lead"]).size().max() <= sc.ScenarioParameters().lead_capacity


# ---------------------------------------------------------------------------------------
# Guards and published definitions
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{"weak": 0.8}, {"very_weak": 0.5}, {"lead_capacity": 0},
                                    {"min_participants": 1}, {"joint_share": 0.0}])
def test_bad_parameters_are_refused(kwargs):
    with pytest.raises(ParameterError):
        sc.ScenarioParameters(**kwargs)


def test_engine_needs_normalised_scores():
    with pytest.raises(ValueError, match="normalised"):
        _engine({"c": [4.0, 2.0]})


def test_scenario_and_path_definitions():
    scenarios = cs.load_collaboration_scenarios().set_index("scenario")
    assert list(scenarios.index) == [1, 2, 3, 4, 5]
    assert scenarios.loc[2, "sou_path"] == "asymmetric" and scenarios.loc[2, "path_basis"] == "stated"
    assert (scenarios.drop(2)["path_basis"] == "project_reading").all()
    assert {int(k): v for k, v in SCENARIO_PATH.items() if k > 0} == scenarios["sou_path"].astype(str).to_dict()
    paths = cs.load_sou_paths()
    per = paths.groupby(["path_id", "statement"], observed=True).size().unstack()
    assert (per["definition"] == 1).all() and (per["strength"] >= 2).all() and (per["weakness"] >= 2).all()
    assert set(paths.loc[paths["placement"] == "uncertain", "seed_line"]) == {"973"}
    steps = cs.load_samtrappan_steps()
    assert list(steps["step_id"].astype(str)) == list(SAMTRAPPAN_LEVEL)
    assert steps.set_index("step_id").loc["coordination", "status"] == "uncertain"


# ---------------------------------------------------------------------------------------
# Properties on random inputs
# ---------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.lists(st.one_of(st.none(), st.sampled_from([0.0, 0.125, 0.25, 0.5, 0.75, 0.875, 1.0])),
                           min_size=3, max_size=3), min_size=2, max_size=9),
    capacity=st.integers(1, 3),
    bonus=st.sampled_from([0.0, 0.25, 1.0]),
)
def test_engine_invariants(data, capacity, bonus):
    matrix = pd.DataFrame([[np.nan if v is None else v for v in row] for row in data],
                          index=[f"M{i}" for i in range(len(data))], columns=["a", "b", "c"])
    params = sc.ScenarioParameters(lead_capacity=capacity, tie_bonus=bonus)
    result = sc.scenario_engine(matrix, params=params)
    loop = sc.scenario_engine_loop(matrix, params=params)
    pd.testing.assert_frame_equal(result.table, loop.table)
    pd.testing.assert_frame_equal(result.pairs, loop.pairs)
    table = result.table.set_index("capability")
    for rec in result.pairs.itertuples(index=False):
        assert matrix.loc[rec.lead, rec.capability] >= params.strong
        assert matrix.loc[rec.receiver, rec.capability] <= params.weak
        assert table.loc[rec.capability, "scenario"] in (2, 4)
    if len(result.pairs):
        assert result.pairs.groupby(["capability", "lead"]).size().max() <= capacity
        assert not result.pairs.duplicated(["capability", "receiver"]).any()
    for capability, row in table.iterrows():
        receivers = [m for m in row["receivers"].split("; ") if m]
        unassigned = [m for m in row["unassigned"].split("; ") if m]
        weak = int((matrix[capability] <= params.weak).sum())
        if row["scenario"] in (2, 4):
            assert len(receivers) + len(unassigned) == weak
            assert len(receivers) == min(weak, capacity * len(row["leads"].split("; ")))
        assert row["n_participants"] == int(matrix[capability].notna().sum())


# ---------------------------------------------------------------------------------------
# Sweep over the engine's settings: robustness of the recommendation
# ---------------------------------------------------------------------------------------


def _random_inputs(seed, m=30, c=8):
    rng = np.random.default_rng(seed)
    scores = np.clip(np.round((rng.uniform(0.1, 0.9, c) + rng.uniform(0.2, 0.8, c)
                               * rng.uniform(-0.5, 0.5, (m, c))) * 8) / 8, 0, 1)
    scores[rng.uniform(size=(m, c)) < 0.1] = np.nan
    codes = [f"M{i:02d}" for i in range(m)]
    matrix = pd.DataFrame(scores, index=codes, columns=[f"c{j}" for j in range(c)])
    members = rng.choice(codes, 12, replace=False)
    collaborations = pd.DataFrame({"collaboration_id": ["a"] * 6 + ["b"] * 6, "municipality_code": members,
                                   "samtrappan_step": ["joint_action"] * 6 + ["talk"] * 6,
                                   "status": ["active"] * 12, "role": ["member"] * 12})
    willingness = pd.DataFrame({"municipality_code": codes[:3], "capability": [None] * 3,
                                "willing_to_lead": [False, True, True], "willing_to_receive": [True, False, True]})
    return matrix, pd.Series({"c0": "high", "c3": "high"}), willingness, collaborations


def test_sweep_of_one_setting_equals_the_engine():
    matrix, criticality, willingness, collaborations = _random_inputs(7)
    params = sc.ScenarioParameters(strong=0.65, weak=0.35, lead_capacity=2, tie_bonus=0.4)
    result = sc.scenario_engine(matrix, criticality, willingness, collaborations, params)
    sweep = sw.scenario_sweep(matrix, criticality, willingness, collaborations, sw.settings_of(params), base=params)
    assert list(sweep.scenario[0]) == list(result.table["scenario"])
    assert (sweep.capabilities["base_share"] == 1.0).all()
    formed = sweep.pairs[sweep.pairs["share"] > 0]
    assert set(zip(formed["capability"], formed["lead"], formed["receiver"], strict=True)) == set(
        zip(result.pairs["capability"], result.pairs["lead"], result.pairs["receiver"], strict=True))
    assert (formed["share"] == 1.0).all() and formed["in_base"].all() and len(result.pairs) > 3
    roles = sweep.roles.set_index(["municipality_code", "capability"])
    for rec in result.roles.itertuples(index=False):
        assert roles.loc[(rec.municipality_code, rec.capability), rec.role] == 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_sweep_equals_a_loop_of_the_engine(seed):
    from collections import Counter

    inputs = _random_inputs(seed)
    settings_ = sw.sample_settings(n=15, seed=seed)
    sweep = sw.scenario_sweep(*inputs, settings=settings_)
    counted: Counter = Counter()
    for k, row in enumerate(settings_.itertuples(index=False)):
        params = sc.ScenarioParameters(**{name: getattr(row, name) for name in sw.SWEPT if name != "lead_capacity"},
                                       lead_capacity=int(row.lead_capacity))
        result = sc.scenario_engine(*inputs, params=params)
        assert list(sweep.scenario[k]) == list(result.table["scenario"])
        counted.update(zip(result.pairs["capability"], result.pairs["lead"], result.pairs["receiver"], strict=True))
    got = {key: round(share * 15) for key, share in zip(
        zip(sweep.pairs["capability"], sweep.pairs["lead"], sweep.pairs["receiver"], strict=True), sweep.pairs["share"],
        strict=True) if share > 0}
    assert got == dict(counted) and len(got) > 10
    assert sweep.solves < 15 * len(set(sweep.pairs["capability"]))  # settings were grouped
    # the bisecting variant gives the same scenarios and an optimal pairing per setting
    quick = sw.scenario_sweep(*inputs, settings=settings_, exact=False)
    assert (quick.scenario == sweep.scenario).all()


def test_sweep_is_deterministic_for_a_seed():
    inputs = _random_inputs(3)
    first = sw.scenario_sweep(*inputs, settings=sw.sample_settings(n=50, seed=11))
    again = sw.scenario_sweep(*inputs, settings=sw.sample_settings(n=50, seed=11))
    pd.testing.assert_frame_equal(first.capabilities, again.capabilities)
    pd.testing.assert_frame_equal(first.pairs, again.pairs)
    pd.testing.assert_frame_equal(first.roles, again.roles)
    other = sw.sample_settings(n=50, seed=12)
    assert not other.equals(sw.sample_settings(n=50, seed=11))
    settings_ = sw.sample_settings(n=50, seed=11)
    assert settings_["strong"].between(0.6, 0.8).all() and set(settings_["lead_capacity"]) <= {2, 3, 4}


def test_sweep_marks_a_stable_and_a_flipping_pair():
    # "stable": M0 at 1.0 is strong and M1 at 0.0 very weak under every setting of the ranges;
    # "flip": M0 at 0.75 leads only when strong <= 0.75, M1 at 0.25 receives only when weak >= 0.25
    matrix = pd.DataFrame({"stable": [1.0, 0.0, 0.5, 0.5], "flip": [0.75, 0.25, 0.5, 0.5]},
                          index=["M0", "M1", "M2", "M3"])
    ranges = sw.SweepRanges(strong=(0.6, 0.8), weak=(0.2, 0.3))
    settings_ = sw.sample_settings(ranges, n=400, seed=5)
    base = sc.ScenarioParameters(strong=0.7, weak=0.3)
    sweep = sw.scenario_sweep(matrix, settings=settings_, base=base)
    pairs = sweep.pairs.set_index("capability")
    assert pairs.loc["stable", "share"] == 1.0 and pairs.loc["stable", "robustness"] == "robust"
    expected = float(((settings_["strong"] <= 0.75) & (settings_["weak"] >= 0.25)).mean())
    assert 0.3 < expected < 0.45  # about 0.75 * 0.5
    assert pairs.loc["flip", "share"] == pytest.approx(expected)
    assert pairs.loc["flip", "in_base"] and pairs.loc["flip", "robustness"] == "fragile"
    table = sweep.capabilities.set_index("capability")
    assert table.loc["stable", "base_scenario"] == 4 and table.loc["stable", "robustness"] == "robust"
    assert table.loc["flip", "base_scenario"] == 2 and table.loc["flip", "base_share"] == pytest.approx(expected)
    assert table.loc["flip", "share_1"] == pytest.approx(1 - expected)  # otherwise partners strengthen each other
    counts = sw.robustness_counts(sweep).set_index("robustness")
    assert counts.loc["robust", "pairs"] == 1 and counts.loc["fragile", "pairs"] == 1


def test_robustness_bands():
    assert [sw.robustness(x) for x in (1.0, 0.8, 0.79, 0.5, 0.49, 0.0)] == [
        "robust", "robust", "leaning", "leaning", "fragile", "fragile"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"strong": (0.8, 0.6)}, "'strong' is inverted"),
    ({"lead_capacity": (2.2, 2.8)}, "'lead_capacity'.*empty"),
    ({"tie_bonus": (float("nan"), 0.5)}, "'tie_bonus' is empty"),
    ({"weak": (0.2, 0.65)}, "'weak'.*'strong'.*overlap"),
    ({"very_weak": (0.0, 0.25)}, "'very_weak'.*'weak'.*overlap"),
    ({"similar_spread": (-0.1, 0.2)}, "'similar_spread'.*outside"),
])
def test_bad_sweep_ranges_name_the_parameter(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        sw.SweepRanges(**kwargs)


def test_bad_sweep_settings_name_the_setting():
    settings_ = sw.sample_settings(n=3, seed=1)
    settings_.loc[1, "weak"] = 0.9
    with pytest.raises(ParameterError, match="sweep setting 2"):
        sw.scenario_sweep(pd.DataFrame({"c": [1.0, 0.0]}, index=["A", "B"]), settings=settings_)
    with pytest.raises(ParameterError, match="number of sweep settings"):
        sw.sample_settings(n=0)


@settings(max_examples=30, deadline=None)
@given(
    data=st.lists(st.lists(st.one_of(st.none(), st.sampled_from([0.0, 0.125, 0.25, 0.5, 0.75, 0.875, 1.0])),
                           min_size=3, max_size=3), min_size=2, max_size=8),
    capacity=st.integers(1, 3),
    bonus=st.sampled_from([0.0, 0.25, 1.0]),
    strong=st.sampled_from([0.6, 0.7, 0.75, 0.8]),
)
def test_sweep_of_one_setting_equals_the_engine_on_any_input(data, capacity, bonus, strong):
    matrix = pd.DataFrame([[np.nan if v is None else v for v in row] for row in data],
                          index=[f"M{i}" for i in range(len(data))], columns=["a", "b", "c"])
    ties = pd.DataFrame({"collaboration_id": ["t", "t"], "municipality_code": ["M0", "M1"],
                         "samtrappan_step": ["collaboration"] * 2, "status": ["active"] * 2, "role": ["member"] * 2})
    params = sc.ScenarioParameters(strong=strong, lead_capacity=capacity, tie_bonus=bonus)
    result = sc.scenario_engine(matrix, collaborations=ties, params=params)
    sweep = sw.scenario_sweep(matrix, collaborations=ties, settings=sw.settings_of(params), base=params)
    assert list(sweep.scenario[0]) == list(result.table["scenario"])
    formed = sweep.pairs[sweep.pairs["share"] > 0]
    assert sorted(zip(formed["capability"], formed["lead"], formed["receiver"], strict=True)) == sorted(
        zip(result.pairs["capability"], result.pairs["lead"], result.pairs["receiver"], strict=True))
    assert (sweep.roles["base_share"] == 1.0).all()
