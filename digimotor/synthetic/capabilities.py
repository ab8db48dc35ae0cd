"""Synthetic capability self-assessment of 14 municipalities (pseudonyms), calibrated to the report's joint rankings.

The study's self-assessments are not public. This seeded example lets notebooks 05 and 06 run
end to end. It is *calibrated*: every capability's total score is fixed in advance so that the
joint ranking by mean score reproduces the report's five strongest and five weakest
capabilities in the printed order (seed lines 83–98). That agreement is by construction and is
not evidence about the study. Everything else (who is strong in what, element scores,
willingness, ties) is random or invented for the example:

* ``capabilities``: 14 pseudonymous municipalities ("Kommun 01"…"Kommun 14") × the 33 catalogue
  capabilities, whole scores 1–5, element scores around the capability score;
* ``capability_willingness``: Kommun 03 does not want to lead, Kommun 09 does not want to
  receive, Kommun 11 does not want to lead user support;
* ``capability_collaborations``: example ties, among them a joint IT department of Kommun 12–14
  (as the TBM example's "IT-org 12" serves three municipalities).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GENERATOR = "capabilities"
VERSION = 1
N_MUNICIPALITIES = 14
SCALE = (1, 5)
DATE = "2020-11-16"
#: Total score (sum over the 14) per rank: strongest 1–5 and weakest 1–5 (weakest 1 lowest).
STRONGEST_TOTALS = (62, 59, 56, 53, 50)
WEAKEST_TOTALS = (22, 25, 28, 31, 34)
#: Range of totals of the other capabilities (strictly between the two lists).
MIDDLE_TOTALS = (37, 47)
ELEMENT_NOISE = 0.7


def _catalogue_and_rankings() -> tuple[pd.DataFrame, pd.DataFrame]:
    from ..sources.capabilities import load_capability_catalogue, load_capability_rankings

    return load_capability_catalogue(), load_capability_rankings()


def _scores_with_total(rng: np.random.Generator, total: int, effect: np.ndarray) -> np.ndarray:
    """Whole scores on the scale for the 14 municipalities that sum exactly to ``total``."""
    low, high = SCALE
    latent = total / N_MUNICIPALITIES + effect + rng.normal(0.0, 0.6, N_MUNICIPALITIES)
    scores = np.clip(np.rint(latent), low, high).astype(int)
    while scores.sum() != total:
        residual = latent - scores
        if scores.sum() < total:
            candidates = np.flatnonzero(scores < high)
            pick = candidates[np.argmax(residual[candidates])]
            scores[pick] += 1
            latent[pick] -= 0.5
        else:
            candidates = np.flatnonzero(scores > low)
            pick = candidates[np.argmin(residual[candidates])]
            scores[pick] -= 1
            latent[pick] += 0.5
    return scores


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """Generate the three datasets; pure and deterministic for ``seed``."""
    from ..metrics.capabilities import capability_matrix, joint_ranking, joint_strengths_weaknesses
    from ..model.capabilities import ELEMENTS

    rng = np.random.default_rng(seed)
    catalogue, rankings = _catalogue_and_rankings()
    strongest = rankings[rankings["list"] == "strongest"].sort_values("rank")["capability_id"].tolist()
    weakest = rankings[rankings["list"] == "weakest"].sort_values("rank")["capability_id"].tolist()
    totals = dict(zip(strongest, STRONGEST_TOTALS, strict=True)) | dict(zip(weakest, WEAKEST_TOTALS, strict=True))
    capabilities = sorted(catalogue["capability_id"])
    for capability in capabilities:
        if capability not in totals:
            totals[capability] = int(rng.integers(MIDDLE_TOTALS[0], MIDDLE_TOTALS[1] + 1))
    codes = [f"Kommun {i:02d}" for i in range(1, N_MUNICIPALITIES + 1)]
    effect = rng.normal(0.0, 0.45, N_MUNICIPALITIES)
    rows = []
    for capability in capabilities:
        scores = _scores_with_total(rng, totals[capability], effect)
        for code, score in zip(codes, scores, strict=True):
            elements = np.clip(np.rint(score + rng.normal(0.0, ELEMENT_NOISE, len(ELEMENTS))), *SCALE).astype(int)
            rows.append({"municipality_code": code, "capability": capability, "score": float(score),
                         "scale_min": SCALE[0], "scale_max": SCALE[1],
                         **{e: float(v) for e, v in zip(ELEMENTS, elements, strict=True)},
                         "assessor": "projektgrupp", "date": DATE})
    assessment = pd.DataFrame(rows).sort_values(["municipality_code", "capability"], kind="stable")
    assessment = assessment.reset_index(drop=True)

    # the promise: the joint ranking reproduces the report's lists (calibrated, not evidence)
    top = joint_strengths_weaknesses(joint_ranking(capability_matrix(assessment)), k=5)
    got = {lst: top[top["list"] == lst].sort_values("rank")["capability"].tolist() for lst in ("strongest", "weakest")}
    if got != {"strongest": strongest, "weakest": weakest}:
        raise AssertionError(f"synthetic self-assessment misses the report's rankings: {got}")

    willingness = pd.DataFrame([
        {"municipality_code": "Kommun 03", "capability": None, "willing_to_lead": False, "willing_to_receive": True},
        {"municipality_code": "Kommun 09", "capability": None, "willing_to_lead": True, "willing_to_receive": False},
        {"municipality_code": "Kommun 11", "capability": "user_support", "willing_to_lead": False,
         "willing_to_receive": True},
    ])
    ties = [
        ("syn_it_department", "Gemensam IT-avdelning (exempel)", ["Kommun 12", "Kommun 13", "Kommun 14"],
         "joint_action", "merger", None, "active", {}),
        ("syn_network", "IT-chefsnätverk (exempel)", codes, "talk", "collaboration", None, "active", {}),
        ("syn_procurement", "Gemensam upphandling (exempel)", ["Kommun 01", "Kommun 02", "Kommun 05", "Kommun 07"],
         "collaboration", "collaboration", "joint_procurement", "active", {}),
        ("syn_service_desk", "Servicedesk åt grannar (exempel)", ["Kommun 04", "Kommun 06", "Kommun 08", "Kommun 10"],
         "collaboration", "asymmetric", "user_support", "active", {"Kommun 04": "lead"}),
    ]
    collab_rows = []
    for cid, name, members, step, path, area, status, roles in ties:
        for code in members:
            role = roles.get(code, "receiver" if roles else "member")
            collab_rows.append({"collaboration_id": cid, "name": name, "municipality_code": code, "role": role,
                                "samtrappan_step": step, "sou_path": path, "area": area, "status": status,
                                "placement_basis": "user", "seed_lines": None})
    return {
        "capabilities": assessment,
        "capability_willingness": willingness,
        "capability_collaborations": pd.DataFrame(collab_rows),
    }
