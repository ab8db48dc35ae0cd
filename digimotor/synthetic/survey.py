"""Synthetic survey answers to the questions of Figures 20-23, under pseudonyms (not calibrated to the report).

Fourteen pseudonymous municipalities ("Kommun 01" …) with two to five department heads each
(Figures 20–22) and one IT chief each (Figure 23). Answers come from a latent "how well IT and
the operations work together" score per municipality plus noise per respondent, mapped onto
each question's scale; about 6 % answer "vet ej", and some respondents skip a question, so
every question has its own number of respondents, as in the study. The generator is *not*
tuned to the shares the report states: agreement with them would be coincidence, and nothing
here is evidence about the study. No strategy inventory is generated: that table is a user
dataset (``digimotor template strategy_inventory``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

GENERATOR = "survey"
VERSION = "1"
MUNICIPALITIES = 14
DONT_KNOW_RATE = 0.06
SKIP_RATE = 0.08
IT_CHIEF_RATE = 0.8  # share of municipalities whose IT chief answered


def generate(seed: int) -> dict[str, pd.DataFrame]:
    """Return ``{"survey": frame}``: one row per respondent × question (canonical answers)."""
    import numpy as np
    import pandas as pd

    from ..model.survey import DONT_KNOW, QUESTIONS

    rng = np.random.default_rng(seed)
    heads_questions = [q for q in QUESTIONS.values() if q.respondent_group == "department_head"]
    chief_questions = [q for q in QUESTIONS.values() if q.respondent_group == "it_chief"]
    rows = []
    serial = 0

    def answer(question, latent: float) -> str:
        if rng.random() < DONT_KNOW_RATE:
            return DONT_KNOW
        if not question.numeric:  # technology | mixed | business
            return question.options[0 if latent < -0.6 else 2 if latent > 0.6 else 1]
        k = question.points
        point = round((k + 1) / 2 + latent * k / 4)
        return str(int(min(max(point, 1), k)))

    for m in range(1, MUNICIPALITIES + 1):
        code = f"Kommun {m:02d}"
        municipal = rng.normal(0.0, 0.6)
        for _ in range(int(rng.integers(2, 6))):
            serial += 1
            person = municipal + rng.normal(0.0, 0.8)
            for question in heads_questions:
                if rng.random() < SKIP_RATE:
                    continue
                rows.append((code, f"r{serial:03d}", "department_head", question.question_id,
                             answer(question, person + rng.normal(0.0, 0.4))))
        if rng.random() < IT_CHIEF_RATE:
            serial += 1
            person = municipal + rng.normal(0.0, 0.8)
            for question in chief_questions:
                rows.append((code, f"r{serial:03d}", "it_chief", question.question_id,
                             answer(question, person + rng.normal(0.0, 0.4))))
    frame = pd.DataFrame(rows, columns=["municipality_code", "respondent_id", "respondent_group", "question_id",
                                        "answer"])
    frame["scale_points"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["year"] = pd.array([2021] * len(frame), dtype="Int64")
    return {"survey": frame}
