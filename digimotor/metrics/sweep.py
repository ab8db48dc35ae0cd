"""Robustness of the scenario engine's recommendation: a seeded sweep over its settings.

The engine's thresholds (:class:`~digimotor.metrics.scenarios.ScenarioParameters`) are the
project's operationalisation, not the report's. A decision maker needs to know whether a
recommendation holds over reasonable settings or is an artefact of one choice. This module
draws settings from stated ranges (:class:`SweepRanges`, :func:`sample_settings`, seeded) and
runs the engine's rules for all of them at once (:func:`scenario_sweep`):

* **Classification**, vectorised over settings × capabilities: per capability the
  participants' scores are sorted once, and the counts each rule needs (strong, weak, willing
  leads, willing receivers, very weak receivers) are found for every setting with
  :func:`numpy.searchsorted`. Comparisons are the engine's own (``>= strong``, ``<= weak``).
* **Pairing**: the set of leads of a capability is fixed by how many willing leads score at
  or above ``strong`` (and the receivers likewise), so settings that give the assignment the
  same leads, receivers and ``lead_capacity`` are grouped and solved together. Within a group
  only ``tie_bonus`` changes the costs, and only where a receiver and a lead share a tie: a
  group without ties is solved once, a group with ties once per distinct ``tie_bonus``. The
  result is then exactly what a loop of :func:`~digimotor.metrics.scenarios.scenario_engine`
  over the settings gives (same scenarios, same pairs).
* With ``exact=False`` a group with ties is solved only at the ends of its sorted tie bonuses
  and bisected where the pairs differ: the optimal cost is concave and piecewise linear in the
  tie bonus, so pairs optimal at two values are optimal for every value between. Faster, but
  where several pairings are equally good a setting may be given another optimal pairing than
  a direct run would pick, which moves pair shares (not scenario shares).

Each recommendation of the *base* setting (the notebook's parameters) is marked by the share
of settings that agree with it: **robust** (≥ 80 %), **leaning** (50–80 %) or **fragile** (< 50 %).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from ..provenance import keeps_provenance
from .scenarios import ScenarioParameters, _prepare, pair_leads, scenario_engine

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Shares at or above these mark a recommendation robust / leaning (below: fragile).
ROBUST, LEANING = 0.80, 0.50
ROBUSTNESS_LEVELS = ("robust", "leaning", "fragile")
#: The settings a sweep varies (the others are taken from the base parameters).
SWEPT = ("strong", "weak", "very_weak", "similar_spread", "joint_share", "lead_capacity", "tie_bonus")
ROLES = ("lead", "receiver", "partner", "unassigned", "none")


def robustness(share: float) -> str:
    """``robust`` (share ≥ 0.8), ``leaning`` (0.5 ≤ share < 0.8) or ``fragile`` (< 0.5)."""
    return "robust" if share >= ROBUST - 1e-12 else "leaning" if share >= LEANING - 1e-12 else "fragile"


@dataclass(frozen=True)
class SweepRanges:
    """The ranges (low, high) a sweep draws each setting from; low == high fixes a setting.

    Defaults are the project's choice: about ±0.1 around each default threshold (one step of
    a 1–5 scale is 0.25), lead capacity 2–4, tie bonus 0–0.5. To keep every drawn setting
    valid the ranges may not overlap: ``very_weak`` high ≤ ``weak`` low and ``weak`` high <
    ``strong`` low.
    """

    strong: tuple[float, float] = (0.60, 0.80)
    weak: tuple[float, float] = (0.20, 0.40)
    very_weak: tuple[float, float] = (0.0, 0.15)
    similar_spread: tuple[float, float] = (0.15, 0.35)
    joint_share: tuple[float, float] = (0.40, 0.60)
    lead_capacity: tuple[int, int] = (2, 4)
    tie_bonus: tuple[float, float] = (0.0, 0.50)

    def __post_init__(self) -> None:
        from ..errors import ParameterError

        bounds = {"strong": (0.0, 1.0), "weak": (0.0, 1.0), "very_weak": (0.0, 1.0), "similar_spread": (0.0, 1.0),
                  "joint_share": (0.0, 1.0), "lead_capacity": (1, math.inf), "tie_bonus": (0.0, math.inf)}
        for name in SWEPT:
            value = getattr(self, name)
            try:
                low, high = (float(v) for v in value)
            except (TypeError, ValueError):
                raise ParameterError(f"sweep range '{name}' must be a pair (low, high), got {value!r}") from None
            if math.isnan(low) or math.isnan(high):
                raise ParameterError(f"sweep range '{name}' is empty: {value!r}")
            if low > high:
                raise ParameterError(f"sweep range '{name}' is inverted: low {low:g} > high {high:g}")
            lo, hi = bounds[name]
            if low < lo or high > hi or (name == "joint_share" and low <= 0.0):
                raise ParameterError(f"sweep range '{name}' ({low:g}–{high:g}) is outside its allowed values "
                                     f"{'(0' if name == 'joint_share' else f'[{lo:g}'}–{hi:g}]")
            if name == "lead_capacity" and math.floor(high) < math.ceil(low):
                raise ParameterError(f"sweep range 'lead_capacity' ({low:g}–{high:g}) is empty: it holds no whole number")
        if self.very_weak[1] > self.weak[0]:
            raise ParameterError(f"sweep ranges 'very_weak' ({self.very_weak[1]:g}) and 'weak' ({self.weak[0]:g}) "
                                 "overlap: very_weak's high must be <= weak's low")
        if self.weak[1] >= self.strong[0]:
            raise ParameterError(f"sweep ranges 'weak' ({self.weak[1]:g}) and 'strong' ({self.strong[0]:g}) overlap: "
                                 "weak's high must be < strong's low")

    def table(self) -> pd.DataFrame:
        """The ranges as a table (``parameter``, ``low``, ``high``)."""
        import pandas as pd

        return pd.DataFrame([{"parameter": k, "low": v[0], "high": v[1]} for k, v in asdict(self).items()])


def sample_settings(ranges: SweepRanges | None = None, n: int = 1000, seed: int = 2021) -> pd.DataFrame:
    """``n`` settings drawn uniformly from ``ranges`` (whole numbers for ``lead_capacity``), seeded.

    Returns one row per setting with the columns of :data:`SWEPT`.
    """
    import numpy as np
    import pandas as pd

    from ..errors import ParameterError

    if int(n) < 1:
        raise ParameterError(f"the number of sweep settings must be >= 1, got {n}")
    ranges = ranges or SweepRanges()
    rng = np.random.default_rng(seed)
    columns = {}
    for name in SWEPT:
        low, high = getattr(ranges, name)
        if name == "lead_capacity":
            columns[name] = rng.integers(math.ceil(low), math.floor(high) + 1, int(n))
        else:
            columns[name] = rng.uniform(low, high, int(n)) if high > low else np.full(int(n), float(low))
    return pd.DataFrame(columns)


def settings_of(params: ScenarioParameters) -> pd.DataFrame:
    """One setting (a one-row table) from a parameter set."""
    import pandas as pd

    return pd.DataFrame([{name: getattr(params, name) for name in SWEPT}])


@dataclass
class SweepResult:
    """What :func:`scenario_sweep` returns.

    Attributes
    ----------
    settings
        One row per setting (the columns of :data:`SWEPT`).
    scenario
        Scenario code per setting × capability (``numpy`` array, settings × capabilities).
    capabilities
        One row per capability: ``base_scenario`` and the share of settings that recommend it
        (``base_share``, ``robustness``), the most frequent scenario (``modal_scenario``,
        ``modal_share``) and ``share_<code>`` for every scenario code.
    pairs
        One row per lead–receiver pair formed in any setting: ``share`` of the settings,
        ``in_base`` and ``robustness``.
    roles
        One row per municipality × capability it takes part in: the share of settings in
        each role (``lead``, ``receiver``, ``partner``, ``unassigned``, ``none``), the base
        role, the share of settings in it and its ``robustness``.
    solves
        Number of optimal assignments solved (a measure of the grouping's effect).
    """

    settings: pd.DataFrame
    scenario: np.ndarray
    capabilities: pd.DataFrame
    pairs: pd.DataFrame
    roles: pd.DataFrame
    solves: int


def _counts(values: np.ndarray, strong: np.ndarray, weak: np.ndarray, very_weak: np.ndarray):
    """Sorted scores of one group of municipalities -> counts >= strong, <= weak, <= very_weak per setting."""
    import numpy as np

    ordered = np.sort(values)
    return (len(ordered) - np.searchsorted(ordered, strong, side="left"),
            np.searchsorted(ordered, weak, side="right"), np.searchsorted(ordered, very_weak, side="right"))


def _solve_each(settings_idx, tie_values, solve):
    """Pairs per setting of one group, solved once per distinct tie bonus (exact)."""
    import numpy as np

    unique, inverse = np.unique(tie_values, return_inverse=True)
    solutions = [solve(float(t)) for t in unique]
    return {int(i): solutions[k] for i, k in zip(settings_idx, inverse.ravel(), strict=True)}, len(unique)


def _solve_bisect(settings_idx, tie_values, solve):
    """Pairs per setting of one group; ``solve(t)`` returns the pairs for tie bonus ``t``.

    Equal pairs at two tie bonuses hold for all values between (see the module docstring), so
    only the ends and the points where they differ are solved.
    """
    import numpy as np

    order = np.argsort(tie_values, kind="stable")
    values = tie_values[order]
    unique, inverse = np.unique(values, return_inverse=True)
    memo: dict[int, tuple] = {}

    def at(k: int) -> tuple:
        if k not in memo:
            memo[k] = solve(float(unique[k]))
        return memo[k]

    chosen: list[tuple | None] = [None] * len(unique)
    stack = [(0, len(unique) - 1)]
    while stack:
        lo, hi = stack.pop()
        if at(lo) == at(hi):
            for k in range(lo, hi + 1):
                chosen[k] = memo.get(k, memo[lo])
        elif hi - lo <= 1:
            chosen[lo], chosen[hi] = at(lo), at(hi)
        else:
            mid = (lo + hi) // 2
            stack.extend([(lo, mid), (mid, hi)])
    result = {}
    for position, k in enumerate(inverse):
        result[int(settings_idx[order[position]])] = chosen[k]
    return result, len(memo)


@keeps_provenance(mixed="the plan combines the self-assessment with criticality, willingness and ties")
def scenario_sweep(matrix: pd.DataFrame, criticality: pd.Series | None = None,
                   willingness: pd.DataFrame | None = None, collaborations: pd.DataFrame | None = None,
                   settings: pd.DataFrame | None = None, base: ScenarioParameters | None = None,
                   exact: bool = True) -> SweepResult:
    """Run the scenario engine's rules for many settings at once.

    Parameters
    ----------
    matrix, criticality, willingness, collaborations
        As :func:`~digimotor.metrics.scenarios.scenario_engine`.
    settings
        One row per setting with the columns of :data:`SWEPT` (:func:`sample_settings`;
        default: 1 000 settings from :class:`SweepRanges` with seed 2021).
    base
        The setting whose recommendation is judged (default :class:`ScenarioParameters`);
        ``min_participants``, ``critical_levels`` and ``tie_statuses`` are taken from it.
    exact
        Solve every distinct tie bonus (default: the result equals a loop of the engine), or
        bisect over tie bonuses (faster; see the module docstring).

    Returns
    -------
    SweepResult
    """
    import numpy as np

    from ..errors import ParameterError

    base = base or ScenarioParameters()
    settings = sample_settings() if settings is None else settings.reset_index(drop=True)
    missing = [c for c in SWEPT if c not in settings.columns]
    if missing:
        raise ParameterError(f"sweep settings lack the column(s) {', '.join(missing)}")
    for number, row in enumerate(settings.itertuples(index=False), start=1):  # each setting must be valid
        try:
            ScenarioParameters(**{**{f.name: getattr(base, f.name) for f in fields(base)},
                                  **{c: getattr(row, c) for c in SWEPT}, "lead_capacity": int(row.lead_capacity)})
        except ParameterError as exc:
            raise ParameterError(f"sweep setting {number}: {exc}") from None
    municipalities, capabilities, scores, can_lead, can_receive, critical, ties = _prepare(
        matrix, criticality, willingness, collaborations, base)
    n_settings, (n_mun, n_cap) = len(settings), scores.shape
    strong, weak, very_weak = (settings[c].to_numpy(float) for c in ("strong", "weak", "very_weak"))
    spread_limit, joint_share = settings["similar_spread"].to_numpy(float), settings["joint_share"].to_numpy(float)
    capacity, tie_bonus = settings["lead_capacity"].to_numpy(int), settings["tie_bonus"].to_numpy(float)

    participant = ~np.isnan(scores) & (can_lead | can_receive)
    shape = (n_settings, n_cap)
    n_strong, n_weak, n_lead, n_recv, n_very = (np.zeros(shape, int) for _ in range(5))
    n = participant.sum(axis=0)
    spread = np.full(n_cap, np.nan)
    lead_order, recv_order = [], []
    for j in range(n_cap):
        part = participant[:, j]
        values = scores[part, j]
        if len(values):
            spread[j] = values.max() - values.min()
        n_strong[:, j], n_weak[:, j], _ = _counts(values, strong, weak, very_weak)
        leads = np.flatnonzero(part & can_lead[:, j])
        recvs = np.flatnonzero(part & can_receive[:, j])
        n_lead[:, j] = _counts(scores[leads, j], strong, weak, very_weak)[0]
        _, n_recv[:, j], n_very[:, j] = _counts(scores[recvs, j], strong, weak, very_weak)
        # leads by score, strongest last; receivers by score, weakest first (stable: ties keep index order)
        lead_order.append(leads[np.argsort(scores[leads, j], kind="stable")])
        recv_order.append(recvs[np.argsort(scores[recvs, j], kind="stable")])
    has_lead = n_lead > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        weak_share = np.where(n > 0, n_weak / np.maximum(n, 1), 0.0)
    scenario = np.select(
        [np.broadcast_to(n < base.min_participants, shape), n_strong == n, has_lead & (n_very > 0),
         has_lead & (n_recv > 0), ~has_lead & (weak_share >= joint_share[:, None]),
         (spread[None, :] <= spread_limit[:, None]) & critical[None, :]],
        [-1, 0, 4, 2, 5, 3], default=1,
    )

    # pairing: group settings by (capability, leads, receivers, capacity)
    pair_count: dict[tuple[int, int, int], int] = {}
    lead_role = np.zeros((n_mun, n_cap), int)
    recv_role = np.zeros((n_mun, n_cap), int)
    unassigned_role = np.zeros((n_mun, n_cap), int)
    solves = 0
    for j in range(n_cap):
        rows = np.flatnonzero(np.isin(scenario[:, j], (2, 4)))
        if not len(rows):
            continue
        keys = np.stack([n_lead[rows, j], n_recv[rows, j], capacity[rows]], axis=1)
        unique_keys, group_of = np.unique(keys, axis=0, return_inverse=True)
        for g, (k_lead, k_recv, cap) in enumerate(unique_keys):
            members = rows[group_of.ravel() == g]
            leads = np.sort(lead_order[j][len(lead_order[j]) - k_lead:])
            recvs = np.sort(recv_order[j][:k_recv])
            sub_ties = ties[np.ix_(recvs, leads)]

            lead_scores, recv_scores = scores[leads, j], scores[recvs, j]

            def solve(t, leads=leads, recvs=recvs, lead_scores=lead_scores, recv_scores=recv_scores,
                      sub_ties=sub_ties, cap=int(cap)):
                chosen = pair_leads(lead_scores, recv_scores, sub_ties, cap, t)
                return tuple((int(recvs[r]), int(leads[c])) for r, c in chosen)

            if not sub_ties.any():
                solution = solve(0.0)
                per_setting, used = dict.fromkeys(members.tolist(), solution), 1
            else:
                per_setting, used = (_solve_each if exact else _solve_bisect)(members, tie_bonus[members], solve)
            solves += used
            by_solution: dict[tuple, int] = {}
            for pairs in per_setting.values():
                by_solution[pairs] = by_solution.get(pairs, 0) + 1
            for pairs, count in by_solution.items():
                served = set()
                for r, lead in pairs:
                    pair_count[(j, lead, r)] = pair_count.get((j, lead, r), 0) + count
                    recv_role[r, j] += count
                    served.add(r)
                for lead in {lead for _r, lead in pairs}:
                    lead_role[lead, j] += count
                for r in recvs:
                    if int(r) not in served:
                        unassigned_role[r, j] += count
    partner_role = participant * np.isin(scenario, (1, 3, 5)).sum(axis=0)[None, :]
    result = scenario_engine(matrix, criticality, willingness, collaborations, base)
    return _summarise(settings, scenario, municipalities, capabilities, participant, result, pair_count,
                      {"lead": lead_role, "receiver": recv_role, "partner": partner_role,
                       "unassigned": unassigned_role}, solves)


def _summarise(settings, scenario, municipalities, capabilities, participant, result, pair_count, role_counts,
               solves) -> SweepResult:
    import numpy as np
    import pandas as pd

    from ..model.scenarios import SCENARIO_CODES

    n_settings = len(settings)
    base_scenario = result.table.set_index("capability")["scenario"]
    rows = []
    for j, capability in enumerate(capabilities):
        counts = {code: int((scenario[:, j] == code).sum()) for code in SCENARIO_CODES}
        base_code = int(base_scenario[capability])
        modal = max(SCENARIO_CODES, key=lambda code: (counts[code], code == base_code))  # ties: the base
        share = counts[base_code] / n_settings
        rows.append({"capability": capability, "base_scenario": base_code, "base_share": share,
                     "robustness": robustness(share), "modal_scenario": modal, "modal_share": counts[modal] / n_settings,
                     **{f"share_{code}": counts[code] / n_settings for code in SCENARIO_CODES}})
    table = pd.DataFrame(rows)

    base_pairs = {(p.capability, p.lead, p.receiver) for p in result.pairs.itertuples(index=False)}
    pair_rows = [{"capability": capabilities[j], "lead": municipalities[lead], "receiver": municipalities[r],
                  "share": count / n_settings} for (j, lead, r), count in pair_count.items()]
    pairs = pd.DataFrame(pair_rows, columns=["capability", "lead", "receiver", "share"])
    for cap, lead, receiver in base_pairs - set(zip(pairs["capability"], pairs["lead"], pairs["receiver"], strict=True)):
        pairs.loc[len(pairs)] = [cap, lead, receiver, 0.0]
    pairs["in_base"] = [key in base_pairs for key in zip(pairs["capability"], pairs["lead"], pairs["receiver"],
                                                         strict=True)]
    pairs["robustness"] = pairs["share"].map(robustness)
    pairs = pairs.sort_values(["capability", "share", "lead", "receiver"], ascending=[True, False, True, True],
                              kind="stable").reset_index(drop=True)

    base_role = {(r.municipality_code, r.capability): r.role for r in result.roles.itertuples(index=False)}
    role_rows = []
    for i, j in zip(*np.nonzero(participant), strict=True):
        shares = {role: role_counts[role][i, j] / n_settings for role in ROLES[:-1]}
        shares["none"] = max(0.0, 1.0 - sum(shares.values()))
        role = base_role.get((municipalities[i], capabilities[j]), "none")
        role_rows.append({"municipality_code": municipalities[i], "capability": capabilities[j], **shares,
                          "base_role": role, "base_share": shares[role], "robustness": robustness(shares[role])})
    roles = pd.DataFrame(role_rows, columns=["municipality_code", "capability", *ROLES, "base_role", "base_share",
                                             "robustness"]).sort_values(["municipality_code", "capability"],
                                                                        kind="stable")
    return SweepResult(settings=settings, scenario=scenario, capabilities=table, pairs=pairs,
                       roles=roles.reset_index(drop=True), solves=solves)


@keeps_provenance
def robustness_counts(sweep: SweepResult) -> pd.DataFrame:
    """How many base recommendations and base pairs are robust, leaning or fragile."""
    import pandas as pd

    base_pairs = sweep.pairs[sweep.pairs["in_base"]]
    return pd.DataFrame({
        "robustness": list(ROBUSTNESS_LEVELS),
        "capabilities": [int((sweep.capabilities["robustness"] == r).sum()) for r in ROBUSTNESS_LEVELS],
        "pairs": [int((base_pairs["robustness"] == r).sum()) for r in ROBUSTNESS_LEVELS],
    })
