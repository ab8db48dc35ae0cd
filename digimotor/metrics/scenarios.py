"""Scenario engine: from a capability map to a collaboration plan.

The report combines its capability map with five collaboration scenarios built on the four
paths of SOU 2020:8, but describes the method in words only (its scenario chapters are not
in the text we have). This module is the project's **operationalisation** of that method,
with every threshold a parameter (:class:`ScenarioParameters`):

For each capability, among the *participants* (municipalities that assessed it and are
willing to lead or to receive; collaboration is voluntary, seed lines 226–227), with scores
``s`` normalised to 0–1, the first rule that holds decides:

====  =====================================================  ==============================
code  rule                                                   scenario (report, lines 232–245)
====  =====================================================  ==============================
-1    fewer than ``min_participants`` participants           none (too few)
0     every participant is strong (``s >= strong``)           none (own capability suffices)
4     a willing strong lead and a willing very weak           4 upprätthållande: one offers a
      receiver (``s <= very_weak``)                           service where others struggle
2     a willing strong lead and a willing weak receiver       2 stöttande: the strong lifts
      (``s <= weak``)                                         the weaker (asymmetric)
5     no willing strong lead and a share ``>= joint_share``   5 gemensam: build one motor
      of the participants weak                                together
3     spread ``max - min <= similar_spread`` and the          3 kapacitet: equals add capacity
      capability is critical                                  and redundancy in a critical area
1     otherwise                                               1 stödjande: partners strengthen
                                                              each other
====  =====================================================  ==============================

Leads and receivers (scenarios 2 and 4) are paired by an optimal assignment
(:func:`scipy.optimize.linear_sum_assignment`) in which each lead can take at most
``lead_capacity`` receivers (its column is repeated that many times). The cost of pairing
receiver *r* with lead *l* is

    cost(r, l) = −(s_l − s_r) − tie_bonus · tie(r, l)

where ``tie(r, l)`` in 0–1 is the highest step on the collaboration stairs (samtrappan,
step/5) of an existing collaboration with status in ``tie_statuses`` that both belong to.
Minimising the total cost prefers large score gaps (the weakest are served first when the
leads' capacity runs out) and existing ties. Receivers beyond the leads' total capacity are
reported as unassigned. In scenarios 1, 3 and 5 every participant is a partner.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from ..model.scenarios import SAMTRAPPAN_LEVEL, SCENARIO_PATH
from ..provenance import keeps_provenance

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd



@dataclass(frozen=True)
class ScenarioParameters:
    """The documented knobs of the scenario engine (scores normalised to 0–1).

    Attributes
    ----------
    strong
        A score at or above this is *strong*: the municipality can lead (default 0.70, on a
        1–5 scale a 4 or 5).
    weak
        At or below this is *weak*: the municipality is a receiver (default 0.30, a 1 or 2).
    very_weak
        At or below this the municipality has "great difficulties" (scenario 4; default 0.10, a 1).
    similar_spread
        A spread (max − min) at or below this is "equal capability" (default 0.25, one step of 1–5).
    joint_share
        Share of weak participants, with no willing strong lead, that calls for a joint motor
        (scenario 5; default 0.5).
    min_participants
        Fewest willing participants for any collaboration (default 2).
    lead_capacity
        Most receivers one lead takes per capability (default 3).
    tie_bonus
        Weight of an existing tie in the pairing cost, in score units (default 0.25).
    critical_levels
        Criticality levels that count as critical for scenario 3 (default ``("high",)``).
    tie_statuses
        Collaboration statuses that count as a tie (default ``("active",)``).
    """

    strong: float = 0.70
    weak: float = 0.30
    very_weak: float = 0.10
    similar_spread: float = 0.25
    joint_share: float = 0.5
    min_participants: int = 2
    lead_capacity: int = 3
    tie_bonus: float = 0.25
    critical_levels: tuple[str, ...] = ("high",)
    tie_statuses: tuple[str, ...] = ("active",)

    def __post_init__(self) -> None:
        from ..errors import ParameterError

        if not 0.0 <= self.very_weak <= self.weak < self.strong <= 1.0:
            raise ParameterError(
                f"thresholds must satisfy 0 <= very_weak <= weak < strong <= 1, got very_weak={self.very_weak}, "
                f"weak={self.weak}, strong={self.strong}"
            )
        if self.lead_capacity < 1 or self.min_participants < 2:
            raise ParameterError("lead_capacity must be >= 1 and min_participants >= 2")
        if not 0.0 < self.joint_share <= 1.0 or self.similar_spread < 0 or self.tie_bonus < 0:
            raise ParameterError("joint_share must be in (0, 1]; similar_spread and tie_bonus >= 0")

    def table(self) -> pd.DataFrame:
        """The parameters as a two-column table (``parameter``, ``value``) for the notebook."""
        import pandas as pd

        def text(value: object) -> str:
            if isinstance(value, tuple):
                return ", ".join(value)
            return f"{value:g}" if isinstance(value, float) else str(value)

        return pd.DataFrame([{"parameter": k, "value": text(v)} for k, v in asdict(self).items()])


@dataclass
class ScenarioResult:
    """What the engine returns.

    Attributes
    ----------
    table
        One row per capability: participants, statistics, ``scenario``, ``sou_path``, leads,
        receivers, partners, unassigned receivers.
    pairs
        One row per lead–receiver pair: ``capability``, ``lead``, ``receiver``, ``gap``, ``tie``, ``cost``.
    roles
        One row per municipality × capability it takes part in: ``role`` (lead, receiver,
        partner, unassigned) and ``scenario``.
    """

    table: pd.DataFrame
    pairs: pd.DataFrame
    roles: pd.DataFrame


# ---------------------------------------------------------------------------------------
# Inputs: willingness, criticality and ties as arrays aligned with the matrix
# ---------------------------------------------------------------------------------------


def willingness_masks(willingness: pd.DataFrame | None, municipalities: list[str],
                      capabilities: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays (municipality × capability): willing to lead, willing to receive.

    Default True. A row with an empty capability applies to all capabilities of its
    municipality; a row naming a capability overrides that for the capability.
    """
    import numpy as np
    import pandas as pd

    lead = np.ones((len(municipalities), len(capabilities)), dtype=bool)
    receive = lead.copy()
    if willingness is None or willingness.empty:
        return lead, receive
    row_of = {m: i for i, m in enumerate(municipalities)}
    col_of = {c: j for j, c in enumerate(capabilities)}
    general = willingness[willingness["capability"].isna()]
    specific = willingness[willingness["capability"].notna()]
    for frame in (general, specific):
        for rec in frame.itertuples(index=False):
            i = row_of.get(rec.municipality_code)
            if i is None:
                continue
            cols = slice(None) if pd.isna(rec.capability) else col_of.get(rec.capability)
            if cols is None:
                continue
            lead[i, cols] = bool(rec.willing_to_lead)
            receive[i, cols] = bool(rec.willing_to_receive)
    return lead, receive


def critical_vector(criticality: pd.Series | None, capabilities: list[str],
                    params: ScenarioParameters) -> np.ndarray:
    """Boolean per capability: its criticality is one of ``params.critical_levels`` (missing = normal)."""
    import numpy as np

    if criticality is None:
        return np.zeros(len(capabilities), dtype=bool)
    levels = criticality.reindex(capabilities).fillna("normal").astype(str)
    return levels.isin(params.critical_levels).to_numpy()


def tie_strength(collaborations: pd.DataFrame | None, municipalities: list[str],
                 statuses: tuple[str, ...] = ("active",)) -> np.ndarray:
    """Municipality × municipality tie strength in 0–1: the highest samtrappan step / 5 of a shared collaboration.

    Only collaborations whose ``status`` is in ``statuses`` count. The diagonal is 0.
    """
    import numpy as np

    ties = np.zeros((len(municipalities), len(municipalities)))
    if collaborations is None or collaborations.empty:
        return ties
    index = {m: i for i, m in enumerate(municipalities)}
    active = collaborations[collaborations["status"].astype(str).isin(statuses)]
    for _cid, group in active.groupby("collaboration_id", sort=True):
        level = SAMTRAPPAN_LEVEL[str(group["samtrappan_step"].iloc[0])] / 5.0
        members = [index[m] for m in group["municipality_code"] if m in index]
        for a in members:
            for b in members:
                if a != b and level > ties[a, b]:
                    ties[a, b] = level
    return ties


# ---------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------


def classify(scores: np.ndarray, can_lead: np.ndarray, can_receive: np.ndarray, critical: np.ndarray,
             params: ScenarioParameters) -> dict[str, np.ndarray]:
    """Classify every capability at once (vectorised over municipality × capability arrays).

    Parameters
    ----------
    scores
        Normalised scores, municipality × capability, NaN where not assessed.
    can_lead, can_receive
        Willingness masks of the same shape.
    critical
        Boolean per capability.

    Returns
    -------
    dict
        ``scenario`` (code per capability) and the masks ``participant``, ``lead``,
        ``receiver``, ``very_weak`` (municipality × capability), plus per-capability
        ``n``, ``n_strong``, ``n_weak``, ``spread``.
    """
    import numpy as np

    assessed = ~np.isnan(scores)
    participant = assessed & (can_lead | can_receive)
    n = participant.sum(axis=0)
    with np.errstate(invalid="ignore"):
        strong = participant & (scores >= params.strong)
        weak = participant & (scores <= params.weak)
    lead = strong & can_lead
    receiver = weak & can_receive
    very_weak = receiver & (scores <= params.very_weak)
    high = np.where(participant, scores, -np.inf).max(axis=0)
    low = np.where(participant, scores, np.inf).min(axis=0)
    spread = np.where(n > 0, high - low, np.nan)
    n_strong, n_weak = strong.sum(axis=0), weak.sum(axis=0)
    has_lead = lead.any(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        weak_share = np.where(n > 0, n_weak / np.maximum(n, 1), 0.0)
    scenario = np.select(
        [
            n < params.min_participants,
            n_strong == n,
            has_lead & very_weak.any(axis=0),
            has_lead & receiver.any(axis=0),
            ~has_lead & (weak_share >= params.joint_share),
            (spread <= params.similar_spread) & critical,
        ],
        [-1, 0, 4, 2, 5, 3],
        default=1,
    )
    return {"scenario": scenario, "participant": participant, "lead": lead, "receiver": receiver,
            "very_weak": very_weak, "n": n, "n_strong": n_strong, "n_weak": n_weak, "spread": spread}


def pair_leads(lead_scores: np.ndarray, receiver_scores: np.ndarray, ties: np.ndarray, capacity: int,
               tie_bonus: float) -> list[tuple[int, int]]:
    """Optimal lead–receiver pairs under a capacity per lead.

    ``ties`` is receivers × leads. Returns ``(receiver_index, lead_index)`` pairs minimising
    the sum of ``cost = −(s_lead − s_receiver) − tie_bonus · tie``; at most ``capacity``
    receivers per lead (each lead's column repeated ``capacity`` times).
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if len(lead_scores) == 0 or len(receiver_scores) == 0:
        return []
    cost = -(lead_scores[None, :] - receiver_scores[:, None]) - tie_bonus * ties
    rows, cols = linear_sum_assignment(np.repeat(cost, capacity, axis=1))
    return sorted((int(r), int(c // capacity)) for r, c in zip(rows, cols, strict=True))


def _prepare(matrix: pd.DataFrame, criticality, willingness, collaborations, params: ScenarioParameters):
    """The engine's inputs as arrays: ids, scores, willingness masks, criticality and ties."""
    municipalities = [str(m) for m in matrix.index]
    capabilities = [str(c) for c in matrix.columns]
    scores = matrix.to_numpy(dtype="float64")
    _check_normalised(scores)
    can_lead, can_receive = willingness_masks(willingness, municipalities, capabilities)
    critical = critical_vector(criticality, capabilities, params)
    ties = tie_strength(collaborations, municipalities, params.tie_statuses)
    return municipalities, capabilities, scores, can_lead, can_receive, critical, ties


@keeps_provenance(mixed="the plan combines the self-assessment with criticality, willingness and ties")
def scenario_engine(matrix: pd.DataFrame, criticality: pd.Series | None = None,
                    willingness: pd.DataFrame | None = None, collaborations: pd.DataFrame | None = None,
                    params: ScenarioParameters | None = None) -> ScenarioResult:
    """Recommend a scenario per capability and pair leads with receivers.

    Parameters
    ----------
    matrix
        Normalised scores (0–1), municipality × capability
        (:func:`digimotor.metrics.capabilities.capability_matrix`).
    criticality
        Criticality level per capability id (``low``/``normal``/``high``); missing = normal.
    willingness
        Rows of ``capability_willingness`` (default: everyone willing).
    collaborations
        Rows of ``capability_collaborations`` for the tie bonus (default: no ties).
    params
        The thresholds; :class:`ScenarioParameters` documents the defaults.

    Returns
    -------
    ScenarioResult
    """
    import numpy as np

    params = params or ScenarioParameters()
    municipalities, capabilities, scores, can_lead, can_receive, critical, ties = _prepare(
        matrix, criticality, willingness, collaborations, params)
    result = classify(scores, can_lead, can_receive, critical, params)
    pairs: dict[int, list[tuple[int, int]]] = {}
    for j in np.flatnonzero(np.isin(result["scenario"], (2, 4))):
        leads = np.flatnonzero(result["lead"][:, j])
        receivers = np.flatnonzero(result["receiver"][:, j])
        chosen = pair_leads(scores[leads, j], scores[receivers, j], ties[np.ix_(receivers, leads)],
                            params.lead_capacity, params.tie_bonus)
        pairs[int(j)] = [(int(receivers[r]), int(leads[c])) for r, c in chosen]
    return _assemble(municipalities, capabilities, scores, critical, ties, result, pairs, params)


@keeps_provenance(mixed="the plan combines the self-assessment with criticality, willingness and ties")
def scenario_engine_loop(matrix: pd.DataFrame, criticality: pd.Series | None = None,
                         willingness: pd.DataFrame | None = None, collaborations: pd.DataFrame | None = None,
                         params: ScenarioParameters | None = None) -> ScenarioResult:
    """The same rules written as a straightforward loop per capability and municipality.

    A reference implementation: the tests check that :func:`scenario_engine` gives the same
    result, and ``benchmarks/bench_scenarios.py`` measures the speed-up.
    """
    import math

    import numpy as np

    params = params or ScenarioParameters()
    municipalities, capabilities, scores, can_lead, can_receive, critical, ties = _prepare(
        matrix, criticality, willingness, collaborations, params)
    m, c = scores.shape
    out = {key: np.zeros((m, c), dtype=bool) for key in ("participant", "lead", "receiver", "very_weak")}
    scenario = np.zeros(c, dtype=int)
    n_all, n_strong_all, n_weak_all = np.zeros(c, int), np.zeros(c, int), np.zeros(c, int)
    spread_all = np.full(c, math.nan)
    pairs: dict[int, list[tuple[int, int]]] = {}
    for j in range(c):
        values, strong_n, weak_n = [], 0, 0
        leads, receivers, very = [], [], False
        for i in range(m):
            s = scores[i, j]
            if math.isnan(s) or not (can_lead[i, j] or can_receive[i, j]):
                continue
            out["participant"][i, j] = True
            values.append(s)
            if s >= params.strong:
                strong_n += 1
                if can_lead[i, j]:
                    leads.append(i)
                    out["lead"][i, j] = True
            if s <= params.weak:
                weak_n += 1
                if can_receive[i, j]:
                    receivers.append(i)
                    out["receiver"][i, j] = True
                    if s <= params.very_weak:
                        very = True
                        out["very_weak"][i, j] = True
        n = len(values)
        spread = max(values) - min(values) if values else math.nan
        if n < params.min_participants:
            code = -1
        elif strong_n == n:
            code = 0
        elif leads and very:
            code = 4
        elif leads and receivers:
            code = 2
        elif not leads and weak_n / n >= params.joint_share:
            code = 5
        elif spread <= params.similar_spread and critical[j]:
            code = 3
        else:
            code = 1
        scenario[j], n_all[j], n_strong_all[j], n_weak_all[j], spread_all[j] = code, n, strong_n, weak_n, spread
        if code in (2, 4):
            cost = [[-(scores[lead, j] - scores[r, j]) - params.tie_bonus * ties[r, lead]
                     for lead in leads for _ in range(params.lead_capacity)] for r in receivers]
            from scipy.optimize import linear_sum_assignment

            rows, cols = linear_sum_assignment(np.array(cost))
            pairs[j] = sorted((receivers[r], leads[k // params.lead_capacity]) for r, k in zip(rows, cols, strict=True))
    result = {"scenario": scenario, **out, "n": n_all, "n_strong": n_strong_all, "n_weak": n_weak_all,
              "spread": spread_all}
    return _assemble(municipalities, capabilities, scores, critical, ties, result, pairs, params)


def _check_normalised(scores: np.ndarray) -> None:
    import numpy as np

    finite = scores[~np.isnan(scores)]
    if finite.size and (finite.min() < 0.0 or finite.max() > 1.0):
        raise ValueError("the scenario engine needs scores normalised to 0–1 "
                         "(use digimotor.metrics.capabilities.capability_matrix)")


def _assemble(municipalities, capabilities, scores, critical, ties, result, pairs, params) -> ScenarioResult:
    import numpy as np
    import pandas as pd

    table_rows, pair_rows, role_rows = [], [], []
    for j, capability in enumerate(capabilities):
        code = int(result["scenario"][j])
        part = np.flatnonzero(result["participant"][:, j])
        chosen = pairs.get(j, [])
        leads_used = sorted({lead for _r, lead in chosen})
        served = {r for r, _lead in chosen}
        unassigned = [r for r in np.flatnonzero(result["receiver"][:, j]) if r not in served] if code in (2, 4) else []
        partners = list(part) if code in (1, 3, 5) else []
        values = scores[part, j]
        table_rows.append({
            "capability": capability,
            "n_participants": int(result["n"][j]),
            "mean": float(values.mean()) if len(values) else np.nan,
            "min": float(values.min()) if len(values) else np.nan,
            "max": float(values.max()) if len(values) else np.nan,
            "spread": float(result["spread"][j]),
            "n_strong": int(result["n_strong"][j]),
            "n_weak": int(result["n_weak"][j]),
            "critical": bool(critical[j]),
            "scenario": code,
            "sou_path": SCENARIO_PATH[code],
            "leads": "; ".join(municipalities[i] for i in leads_used),
            "receivers": "; ".join(municipalities[r] for r, _lead in sorted(chosen)),
            "partners": "; ".join(municipalities[i] for i in partners),
            "unassigned": "; ".join(municipalities[i] for i in unassigned),
        })
        for r, lead in chosen:
            gap = float(scores[lead, j] - scores[r, j])
            tie = float(ties[r, lead])
            pair_rows.append({"capability": capability, "scenario": code, "lead": municipalities[lead],
                              "receiver": municipalities[r], "gap": gap, "tie": tie,
                              "cost": -gap - params.tie_bonus * tie})
        for i in leads_used:
            role_rows.append((municipalities[i], capability, "lead", code))
        for r, _lead in chosen:
            role_rows.append((municipalities[r], capability, "receiver", code))
        for i in unassigned:
            role_rows.append((municipalities[i], capability, "unassigned", code))
        for i in partners:
            role_rows.append((municipalities[i], capability, "partner", code))
    roles = pd.DataFrame(role_rows, columns=["municipality_code", "capability", "role", "scenario"])
    roles = roles.sort_values(["municipality_code", "capability"], kind="stable").reset_index(drop=True)
    pair_frame = pd.DataFrame(pair_rows, columns=["capability", "scenario", "lead", "receiver", "gap", "tie", "cost"])
    return ScenarioResult(table=pd.DataFrame(table_rows), pairs=pair_frame, roles=roles)


# ---------------------------------------------------------------------------------------
# Plans and the collaboration stairs
# ---------------------------------------------------------------------------------------


@keeps_provenance
def municipality_plan(result: ScenarioResult, municipalities: list[str] | None = None) -> pd.DataFrame:
    """The plan per municipality: in which capabilities it leads, receives, or is a partner.

    Returns one row per municipality with counts (``n_lead``, ``n_receive``, ``n_partner``,
    ``n_unassigned``) and the capabilities (``lead``, ``receive`` with "capability ← lead",
    ``partner``, ``unassigned``) as ``;``-separated text.
    """
    import pandas as pd

    roles = result.roles
    codes = municipalities if municipalities is not None else sorted(roles["municipality_code"].unique())
    by_receiver = {(p.receiver, p.capability): p.lead for p in result.pairs.itertuples(index=False)}
    rows = []
    for code in codes:
        mine = roles[roles["municipality_code"] == code]

        def caps(role: str, frame=mine) -> list[str]:
            return sorted(frame.loc[frame["role"] == role, "capability"])

        receive = [f"{cap} ← {by_receiver[(code, cap)]}" for cap in caps("receiver")]
        rows.append({
            "municipality_code": code,
            "n_lead": len(caps("lead")), "n_receive": len(receive), "n_partner": len(caps("partner")),
            "n_unassigned": len(caps("unassigned")),
            "lead": "; ".join(caps("lead")), "receive": "; ".join(receive),
            "partner": "; ".join(caps("partner")), "unassigned": "; ".join(caps("unassigned")),
        })
    return pd.DataFrame(rows)


@keeps_provenance
def samtrappan_placement(collaborations: pd.DataFrame) -> pd.DataFrame:
    """One row per existing collaboration with its step on the collaboration stairs.

    Returns ``collaboration_id``, ``name``, ``step`` (1–5), ``samtrappan_step``, ``sou_path``,
    ``status``, ``placement_basis``, ``n_members``, ``members`` (codes, ``;``-separated) and
    ``lead``, ordered by step (highest first), then id.
    """
    import pandas as pd

    rows = []
    for cid, group in collaborations.groupby("collaboration_id", sort=True):
        first = group.iloc[0]
        step_id = str(first["samtrappan_step"])
        leads = group.loc[group["role"].astype(str) == "lead", "municipality_code"]
        rows.append({
            "collaboration_id": cid, "name": first["name"], "step": SAMTRAPPAN_LEVEL[step_id],
            "samtrappan_step": step_id, "sou_path": "" if pd.isna(first["sou_path"]) else str(first["sou_path"]),
            "status": str(first["status"]),
            "placement_basis": "" if pd.isna(first.get("placement_basis")) else str(first["placement_basis"]),
            "n_members": int(group["municipality_code"].nunique()),
            "members": "; ".join(sorted(group["municipality_code"].astype(str))),
            "lead": "; ".join(sorted(leads.astype(str))),
        })
    columns = ["collaboration_id", "name", "step", "samtrappan_step", "sou_path", "status", "placement_basis",
               "n_members", "members", "lead"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["step", "collaboration_id"], ascending=[False, True]).reset_index(drop=True)
