"""The milestone plan and rough budget: steps from the ties, costs from the unit assumptions."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
import yaml

from digimotor.errors import InputFileError, ParameterError
from digimotor.metrics import plan as pl
from digimotor.metrics import scenarios as sc
from digimotor.sources import capabilities as cs
from digimotor.sources import plan as sp


@pytest.fixture(scope="module")
def assumptions():
    return sp.load_plan_assumptions()


def _ties(pairs):
    rows = []
    for k, (members, step) in enumerate(pairs):
        rows += [{"collaboration_id": f"t{k}", "municipality_code": m, "samtrappan_step": step, "status": "active",
                  "role": "member"} for m in members]
    return pd.DataFrame(rows)


def test_defaults_are_assumptions_with_a_rationale_and_a_checksum(assumptions):
    from digimotor.config import REFERENCE_DIR

    assert pl.all_assumptions(assumptions)
    assert (assumptions["rationale"].str.len() > 20).all()
    assert len(assumptions) == 2 * 5 + 2
    note = yaml.safe_load((REFERENCE_DIR / "plan_assumptions.meta.yml").read_text(encoding="utf-8"))
    digest = hashlib.sha256((REFERENCE_DIR / "plan_assumptions.csv").read_bytes()).hexdigest()
    assert note["sha256_files"]["plan_assumptions.csv"] == digest, "update plan_assumptions.meta.yml"


def test_a_pair_with_a_tie_climbs_only_the_missing_steps(assumptions):
    # M0 leads (1.0), M1 receives (0.25): scenario 2, target samverkan (4); they already coordinate (3)
    matrix = pd.DataFrame({"c": [1.0, 0.25, 0.5]}, index=["M0", "M1", "M2"])
    ties = _ties([(["M0", "M1"], "coordination")])
    result = sc.scenario_engine(matrix, collaborations=ties)
    plan = pl.milestone_plan(result, ties, assumptions)
    unit = plan.collaborations.iloc[0]
    assert (unit["scenario"], unit["lead"], unit["members"]) == (2, "M0", "M0; M1")
    assert (unit["current_step"], unit["target_step"], unit["n_steps"]) == (3, 4, 1)
    step = plan.milestones.iloc[0]
    assert step["step_id"] == "collaboration" and (step["start_month"], step["end_month"]) == (0.0, 6.0)
    # staff-months: collaboration 2/3/5 per member, the lead times 1.5/2/3; cost 55/70/90 kSEK a month
    assert (unit["staff_months_low"], unit["staff_months_mid"], unit["staff_months_high"]) == (5.0, 9.0, 20.0)
    assert (unit["cost_low"], unit["cost_mid"], unit["cost_high"]) == (275_000.0, 630_000.0, 1_800_000.0)
    municipalities = plan.municipalities.set_index("municipality_code")
    assert municipalities.loc["M0", "cost_mid"] == 6 * 70_000 and municipalities.loc["M1", "cost_mid"] == 3 * 70_000


def test_joint_motor_without_ties_climbs_all_five_steps(assumptions):
    matrix = pd.DataFrame({"c": [0.5, 0.25, 0.0]}, index=["M0", "M1", "M2"])  # nobody strong, 2 of 3 weak
    plan = pl.milestone_plan(sc.scenario_engine(matrix), None, assumptions)
    unit = plan.collaborations.iloc[0]
    assert (unit["scenario"], unit["current_step"], unit["n_steps"], unit["n_members"]) == (5, 0, 5, 3)
    assert list(plan.milestones["step"]) == [1, 2, 3, 4, 5]
    assert list(plan.milestones["start_month"]) == [0.0, 2.0, 5.0, 9.0, 15.0]
    assert unit["months_mid"] == 24.0
    assert unit["staff_months_mid"] == pytest.approx(3 * (0.5 + 1 + 2 + 3 + 5))


def test_budget_sums_its_lines(assumptions):
    from digimotor.metrics.capabilities import capability_matrix

    ties = cs.load_collaborations("synthetic")
    result = sc.scenario_engine(capability_matrix(cs.load_capabilities("synthetic")), cs.load_criticality(),
                                cs.load_willingness("synthetic"), ties)
    plan = pl.milestone_plan(result, ties, assumptions)
    budget = pl.budget_table(plan)
    lines, total = budget.iloc[:-1], budget.iloc[-1]
    assert len(lines) == len(plan.collaborations) > 10
    for level in ("low", "mid", "high"):
        assert total[f"cost_{level}"] == pytest.approx(lines[f"cost_{level}"].sum())
        per_unit = plan.milestones.groupby("collaboration_no")[f"cost_{level}"].sum()
        assert plan.collaborations.set_index("collaboration_no")[f"cost_{level}"].loc[per_unit.index].tolist() == \
            pytest.approx(per_unit.tolist())
        assert plan.municipalities[f"cost_{level}"].sum() == pytest.approx(total[f"cost_{level}"])
    assert (lines["cost_low"] <= lines["cost_mid"]).all() and (lines["cost_mid"] <= lines["cost_high"]).all()
    # every recommended collaboration (scenario 1-5) is in the plan
    assert set(plan.collaborations["capability"]) == set(result.table.loc[result.table["scenario"] > 0, "capability"])


def _write(tmp_path, assumptions, change):
    frame = assumptions.drop(columns="__row__").copy()
    frame = change(frame)
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_negative_cost_names_parameter_file_row_and_column(tmp_path, assumptions):
    def negative(frame):
        frame.loc[frame["parameter"] == "cost_per_staff_month", "low"] = -5000.0
        return frame

    path = _write(tmp_path, assumptions, negative)
    with pytest.raises(InputFileError) as err:
        sp.load_plan_assumptions(path)
    assert err.value.file == str(path) and err.value.row == 13 and err.value.column == "low"
    assert "cost_per_staff_month" in str(err.value) and "negative" in str(err.value)


def _low_above_mid(frame):
    frame.loc[0, "low"] = 5.0
    return frame


def _unknown_parameter(frame):
    frame.loc[0, "parameter"] = "holiday_pay"
    return frame


def _not_a_number(frame):
    frame["high"] = frame["high"].astype(str)
    frame.loc[0, "high"] = "lots"
    return frame


@pytest.mark.parametrize(("change", "column", "text"), [
    (_low_above_mid, "mid", "low <= mid <= high"),
    (_unknown_parameter, "parameter", "unknown parameter"),
    (_not_a_number, "high", "not a number"),
])
def test_other_bad_assumptions(tmp_path, assumptions, change, column, text):
    path = _write(tmp_path, assumptions, change)
    with pytest.raises(InputFileError, match=text) as err:
        sp.load_plan_assumptions(path)
    assert err.value.row == 2 and err.value.column == column


def _drop_last(frame):
    return frame.iloc[:-1]  # the cost per staff-month


def test_missing_parameter_and_in_memory_errors(tmp_path, assumptions):
    path = _write(tmp_path, assumptions, _drop_last)
    with pytest.raises(InputFileError, match="cost_per_staff_month.*missing"):
        sp.load_plan_assumptions(path)
    frame = assumptions.drop(columns="__row__").copy()
    frame.loc[frame["parameter"] == "lead_factor", ["low", "mid", "high"]] = [0.5, 1.0, 2.0]
    with pytest.raises(ParameterError, match="lead_factor"):
        pl.check_assumptions(frame)
