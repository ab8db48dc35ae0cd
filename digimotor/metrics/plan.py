"""From the scenario engine's recommendation to a milestone plan and a rough budget.

The pre-study promised a milestone plan and a rough budget (section 1.4) but the text we have
gives neither. This module is the project's **operationalisation**; every number it uses is a
documented unit assumption (``digimotor/reference/plan_assumptions.csv``), never a figure of
the report.

*Collaborations.* Each recommendation of the engine becomes one or more collaborations: in
scenarios 2 and 4 one per lead with the receivers assigned to it; in scenarios 1, 3 and 5 one
of all partners. Capabilities with no collaboration (scenario −1 or 0) get none.

*Steps.* A collaboration climbs the collaboration stairs (samtrappan, Figure 2) from the step
its members have already reached together to the step its scenario needs:

==========  ======================================  =============================
scenario    target step (the project's reading)     why
==========  ======================================  =============================
1, 2, 3     4 samverkan (collaboration)             shared processes and links suffice
4, 5        5 samhandling (joint action)            one offers a service to others, or one motor is built together
==========  ======================================  =============================

The step already reached is the lowest tie (:func:`~digimotor.metrics.scenarios.tie_strength`,
step/5) between the members — between the lead and each receiver in scenarios 2 and 4, between
every two partners otherwise; 0 without a tie.

*Milestones and cost.* Each step climbed is a milestone; steps follow one another, every
collaboration starting at month 0. A step takes ``duration_months`` (low / mid / high; the
Gantt chart shows mid) and ``staff_months_per_member`` of each member (a lead in scenarios 2 and
4 times ``lead_factor``); its cost is staff-months × ``cost_per_staff_month``, the low, mid
and high ends multiplied together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.scenarios import SAMTRAPPAN_LEVEL
from ..provenance import keeps_provenance
from .scenarios import ScenarioResult, tie_strength

if TYPE_CHECKING:
    import pandas as pd

#: Step of samtrappan each scenario aims at (the project's reading; see the module docstring).
TARGET_STEP = {1: 4, 2: 4, 3: 4, 4: 5, 5: 5}
STEP_IDS = tuple(SAMTRAPPAN_LEVEL)
#: Parameters of the unit assumptions; per-step ones need a row per samtrappan step.
PER_STEP = ("duration_months", "staff_months_per_member")
SINGLE = ("lead_factor", "cost_per_staff_month")
BASES = ("assumption", "public")
LEVELS = ("low", "mid", "high")
#: The ``collaboration`` of the budget's total line.
TOTAL = "total"


@keeps_provenance
def check_assumptions(frame: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check the unit assumptions; return them with numeric ``low``/``mid``/``high``.

    Every parameter of :data:`PER_STEP` needs one row per samtrappan step, every one of
    :data:`SINGLE` one row. Values must be numbers, not negative, with ``low <= mid <= high``
    (``lead_factor`` at least 1); ``basis`` is ``assumption`` or ``public``.

    Raises
    ------
    InputFileError
        Naming the file, the row, the column and the parameter (when ``file`` is given and the
        frame carries ``__row__``); :class:`~digimotor.errors.ParameterError` otherwise.
    """
    import pandas as pd

    from ..conform import parse_number
    from ..errors import InputFileError, ParameterError
    from ..schema import ROW

    def fail(message: str, index: int, column: str):
        row = frame.loc[index, ROW] if ROW in frame.columns else None
        if file is not None:
            raise InputFileError(message, file=file, row=None if row is None else int(row), column=column)
        raise ParameterError(message)

    out = frame.copy()
    seen: dict[tuple[str, str], int] = {}
    parsed: dict[str, list] = {key: [] for key in (*LEVELS, "parameter", "step_id", "basis")}
    for index, rec in out.iterrows():
        name = str(rec["parameter"]).strip()
        step = "" if pd.isna(rec.get("step_id")) else str(rec.get("step_id", "")).strip()
        if name not in PER_STEP + SINGLE:
            fail(f"unknown parameter '{name}'; use one of {', '.join(PER_STEP + SINGLE)}", index, "parameter")
        if name in PER_STEP and step not in STEP_IDS:
            fail(f"parameter '{name}' needs a step_id ({', '.join(STEP_IDS)}), got '{step}'", index, "step_id")
        if name in SINGLE and step:
            fail(f"parameter '{name}' takes no step_id, got '{step}'", index, "step_id")
        if (name, step) in seen:
            fail(f"parameter '{name}'{' ' + step if step else ''} is given twice", index, "parameter")
        seen[(name, step)] = int(index)
        values = []
        for level in LEVELS:
            try:
                value = parse_number(rec[level])
            except (TypeError, ValueError):
                value = None
            if value is None:
                fail(f"parameter '{name}'{' ' + step if step else ''}: {level} is not a number ({rec[level]!r})",
                     index, level)
            if value < 0:
                fail(f"parameter '{name}'{' ' + step if step else ''}: {level} is negative ({value:g}); "
                     "a cost assumption cannot be negative", index, level)
            values.append(value)
        if not values[0] <= values[1] <= values[2]:
            fail(f"parameter '{name}'{' ' + step if step else ''}: low <= mid <= high does not hold "
                 f"({values[0]:g}, {values[1]:g}, {values[2]:g})", index, "mid")
        if name == "lead_factor" and values[0] < 1:
            fail(f"parameter 'lead_factor': low {values[0]:g} is below 1 (a lead does at least a member's share)",
                 index, "low")
        basis = str(rec.get("basis", "")).strip() or "assumption"
        if basis not in BASES:
            fail(f"parameter '{name}': basis '{basis}' is not one of {', '.join(BASES)}", index, "basis")
        for level, value in zip(LEVELS, values, strict=True):
            parsed[level].append(value)
        parsed["parameter"].append(name)
        parsed["step_id"].append(step)
        parsed["basis"].append(basis)
    wanted = {(p, s) for p in PER_STEP for s in STEP_IDS} | {(p, "") for p in SINGLE}
    missing = sorted(wanted - set(seen))
    if missing:
        name, step = missing[0]
        message = f"parameter '{name}'{' for step ' + step if step else ''} is missing"
        if file is not None:
            raise InputFileError(message, file=file, column="parameter")
        raise ParameterError(message)
    for key, values in parsed.items():
        out[key] = pd.Series(values, index=out.index, dtype=float if key in LEVELS else object)
    return out


def _value(assumptions: pd.DataFrame, parameter: str, step: str = "") -> dict[str, float]:
    row = assumptions[(assumptions["parameter"] == parameter) & (assumptions["step_id"].fillna("") == step)].iloc[0]
    return {level: float(row[level]) for level in LEVELS}


def cost_basis(assumptions: pd.DataFrame) -> str:
    """The basis a plan table carries in its ``cost_basis`` column: ``assumption`` or ``assumption+public``."""
    return "assumption" if all_assumptions(assumptions) else "assumption+public"


def all_assumptions(assumptions: pd.DataFrame) -> bool:
    """True when every unit value is an assumption (then every table and figure says so)."""
    return bool((assumptions["basis"] == "assumption").all())


@dataclass
class PlanResult:
    """What :func:`milestone_plan` returns.

    Attributes
    ----------
    collaborations
        One row per collaboration: ``collaboration``, ``capability``, ``scenario``,
        ``sou_path``, ``lead``, ``members``, ``n_members``, ``current_step``, ``target_step``,
        ``n_steps``, ``months_mid``, ``cost_low`` / ``cost_mid`` / ``cost_high``.
    milestones
        One row per collaboration × step climbed: ``collaboration``, ``capability``, ``lead``,
        ``scenario``, ``step``, ``step_id``, ``start_month``,
        ``end_month`` (mid durations), ``duration_low/mid/high``, ``staff_months_low/mid/high``,
        ``cost_low/mid/high``.
    municipalities
        One row per municipality: how many collaborations it takes part in and its
        staff-months and cost (low/mid/high) over them.
    """

    collaborations: pd.DataFrame
    milestones: pd.DataFrame
    municipalities: pd.DataFrame


def _collaboration_units(result: ScenarioResult) -> list[dict]:
    units = []
    table = result.table.set_index("capability")
    for capability, rec in table.iterrows():
        code = int(rec["scenario"])
        if code not in TARGET_STEP:
            continue
        if code in (2, 4):
            mine = result.pairs[result.pairs["capability"] == capability]
            for lead, group in mine.groupby("lead", sort=True):
                units.append({"capability": capability, "scenario": code, "sou_path": rec["sou_path"], "lead": lead,
                              "members": [lead, *sorted(group["receiver"])]})
        else:
            partners = [m for m in str(rec["partners"]).split("; ") if m]
            if len(partners) >= 2:
                units.append({"capability": capability, "scenario": code, "sou_path": rec["sou_path"], "lead": "",
                              "members": partners})
    return units


@keeps_provenance(mixed="the plan combines the self-assessment with criticality, willingness and ties")
def milestone_plan(result: ScenarioResult, collaborations: pd.DataFrame | None,
                   assumptions: pd.DataFrame, tie_statuses: tuple[str, ...] = ("active",)) -> PlanResult:
    """Milestones and a rough budget for every collaboration the engine recommends.

    Parameters
    ----------
    result
        :func:`~digimotor.metrics.scenarios.scenario_engine`'s result.
    collaborations
        Existing collaborations (rows of ``capability_collaborations``): the step already reached.
    assumptions
        The unit assumptions (:func:`digimotor.sources.plan.load_plan_assumptions`, checked by
        :func:`check_assumptions`).

    Returns
    -------
    PlanResult
    """
    import pandas as pd

    assumptions = check_assumptions(assumptions)
    units = _collaboration_units(result)
    everyone = sorted({m for unit in units for m in unit["members"]})
    index = {m: i for i, m in enumerate(everyone)}
    ties = tie_strength(collaborations, everyone, tie_statuses)
    duration = {s: _value(assumptions, "duration_months", s) for s in STEP_IDS}
    staff = {s: _value(assumptions, "staff_months_per_member", s) for s in STEP_IDS}
    lead_factor = _value(assumptions, "lead_factor")
    rate = _value(assumptions, "cost_per_staff_month")

    unit_rows, milestone_rows, member_rows = [], [], []
    for number, unit in enumerate(units, start=1):
        members = [index[m] for m in unit["members"]]
        if unit["lead"]:
            links = [ties[members[0], r] for r in members[1:]]
        else:
            links = [ties[a, b] for k, a in enumerate(members) for b in members[k + 1:]]
        current = int(round(min(links) * 5)) if links else 0
        target = TARGET_STEP[unit["scenario"]]
        name = f"{unit['capability']}" + (f" ({unit['lead']})" if unit["lead"] else "")
        start = 0.0
        totals = dict.fromkeys([f"{k}_{lv}" for k in ("staff_months", "cost") for lv in LEVELS], 0.0)
        for step in range(current + 1, target + 1):
            step_id = STEP_IDS[step - 1]
            weights = {m: (lead_factor if unit["lead"] and m == unit["lead"] else dict.fromkeys(LEVELS, 1.0))
                       for m in unit["members"]}
            row = {"collaboration_no": number, "collaboration": name, "capability": unit["capability"],
                   "lead": unit["lead"], "scenario": unit["scenario"], "step": step, "step_id": step_id, "start_month": start,
                   "end_month": start + duration[step_id]["mid"]}
            for level in LEVELS:
                months = sum(staff[step_id][level] * w[level] for w in weights.values())
                row[f"duration_{level}"] = duration[step_id][level]
                row[f"staff_months_{level}"] = months
                row[f"cost_{level}"] = months * rate[level]
                totals[f"staff_months_{level}"] += months
                totals[f"cost_{level}"] += months * rate[level]
                for member, w in weights.items():
                    member_rows.append({"municipality_code": member, "collaboration_no": number, "level": level,
                                        "staff_months": staff[step_id][level] * w[level],
                                        "cost": staff[step_id][level] * w[level] * rate[level]})
            milestone_rows.append(row)
            start = row["end_month"]
        unit_rows.append({"collaboration_no": number, "collaboration": name, "capability": unit["capability"],
                          "scenario": unit["scenario"], "sou_path": unit["sou_path"], "lead": unit["lead"],
                          "members": "; ".join(unit["members"]), "n_members": len(unit["members"]),
                          "current_step": current, "target_step": target, "n_steps": max(0, target - current),
                          "months_mid": start, **totals})
    milestone_columns = ["collaboration_no", "collaboration", "capability", "lead", "scenario", "step", "step_id",
                         "start_month", "end_month", *[f"{k}_{lv}" for k in ("duration", "staff_months", "cost")
                                                        for lv in LEVELS]]
    unit_columns = ["collaboration_no", "collaboration", "capability", "scenario", "sou_path", "lead", "members",
                    "n_members", "current_step", "target_step", "n_steps", "months_mid",
                    *[f"{k}_{lv}" for k in ("staff_months", "cost") for lv in LEVELS]]
    milestones = pd.DataFrame(milestone_rows, columns=milestone_columns)
    units_frame = pd.DataFrame(unit_rows, columns=unit_columns)
    per_member = pd.DataFrame(member_rows, columns=["municipality_code", "collaboration_no", "level", "staff_months",
                                                    "cost"])
    if len(per_member):
        wide = per_member.pivot_table(index="municipality_code", columns="level", values=["staff_months", "cost"],
                                      aggfunc="sum")
        wide.columns = [f"{k}_{lv}" for k, lv in wide.columns]
        wide["n_collaborations"] = pd.Series(
            [m for unit in units for m in unit["members"]]).value_counts().reindex(wide.index).astype(int)
        municipalities = wide.reset_index()[["municipality_code", "n_collaborations",
                                             *[f"{k}_{lv}" for k in ("staff_months", "cost") for lv in LEVELS]]]
    else:
        municipalities = pd.DataFrame(columns=["municipality_code", "n_collaborations",
                                               *[f"{k}_{lv}" for k in ("staff_months", "cost") for lv in LEVELS]])
    return PlanResult(collaborations=units_frame, milestones=milestones, municipalities=municipalities)


@keeps_provenance
def budget_table(plan: PlanResult) -> pd.DataFrame:
    """The budget: one line per collaboration (low / mid / high cost) and a total line that sums them.

    The total line's ``collaboration`` is :data:`TOTAL`. Columns: ``collaboration``,
    ``capability``, ``lead``, ``scenario``, ``n_members``, ``n_steps``,
    ``months_mid``, ``staff_months_mid``, ``cost_low``, ``cost_mid``, ``cost_high``.
    """
    import pandas as pd

    columns = ["collaboration", "capability", "lead", "scenario", "n_members", "n_steps", "months_mid",
               "staff_months_mid", "cost_low", "cost_mid", "cost_high"]
    lines = plan.collaborations[columns].copy()
    total = {"collaboration": TOTAL, "capability": "", "lead": "", "scenario": pd.NA,
             "n_members": pd.NA, "n_steps": int(lines["n_steps"].sum()),
             "months_mid": float(lines["months_mid"].max()) if len(lines) else 0.0,
             **{c: float(lines[c].sum()) for c in ("staff_months_mid", "cost_low", "cost_mid", "cost_high")}}
    return pd.concat([lines, pd.DataFrame([total])], ignore_index=True)
