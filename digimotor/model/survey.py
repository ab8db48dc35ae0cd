"""The surveys of Figures 20–23: the questions, their answer scales, "don't know", respondent groups.

The question catalogue :data:`QUESTIONS` is data: the study's four questions with their answer
scales. Other questions may be imported by giving their number of scale points in
``scale_points`` (:func:`digimotor.sources.survey.normalise_answer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .. import labels

#: Canonical text of a "don't know" answer in the tidy data.
DONT_KNOW = "dont_know"
#: Texts read as "don't know" (compared after folding case, diacritics and spaces).
DONT_KNOW_TEXTS = frozenset(
    {"vet ej", "vetej", "vet inte", "-", "–", "—", "dont know", "don't know", "dont_know",
     "do not know", "vet ej.", "ingen uppfattning"}
)
#: Respondent groups and the texts accepted for them.
RESPONDENT_GROUPS: dict[str, tuple[str, ...]] = {
    "department_head": ("department_head", "department head", "forvaltningschef", "forvaltningschefer",
                        "förvaltningschef", "verksamhetschef"),
    "it_chief": ("it_chief", "it chief", "it-chef", "it chef", "itchef", "it-chefer"),
    "other": ("other", "annan", "ovrig", "övrig"),
}


@dataclass(frozen=True)
class Question:
    """A survey question and its answer scale.

    ``options`` are the answers in scale order (position 1 first). ``labels`` gives their
    Swedish and English texts. A ``numeric`` scale accepts the position numbers (1–k) as
    answers; a nominal one (Figure 20) accepts only the option keys and labels, because its
    positions are an ordering chosen for drawing, not a code respondents used.
    """

    question_id: str
    figure: str
    respondent_group: str
    text: Mapping[str, str]
    options: tuple[str, ...]
    labels: Mapping[str, Mapping[str, str]]
    numeric: bool = True
    seed_lines: str = ""
    note: str = ""

    @property
    def points(self) -> int:
        return len(self.options)

    def label(self, option: str, lang: str = "sv") -> str:
        """The text of ``option`` (or "Vet ej" / "Don't know")."""
        if option == DONT_KNOW:
            return labels.text("model_survey.dont_know", lang)
        return self.labels[option][lang]


def _texts(question_id: str, options: Sequence[str]) -> tuple[dict[str, str], tuple[str, ...], dict[str, dict[str, str]]]:
    """A question's text, its options and their texts, from the label catalogue (``model_survey``)."""
    return (labels.by_lang(f"model_survey.{question_id}.text"), tuple(options),
            {o: labels.by_lang(f"model_survey.{question_id}.{o}") for o in options})


_FIVE, _SIX = tuple("12345"), tuple("123456")

QUESTIONS: dict[str, Question] = {
    q.question_id: q
    for q in (
        Question(
            "fig20_it_orientation", "Figur 20", "department_head",
            *_texts("fig20_it_orientation", ("technology", "mixed", "business")),
            numeric=False, seed_lines="2293-2323",
            note="nominal; drawn technology | mixed | business so that 'mixed' sits in the middle",
        ),
        Question(
            "fig21_it_knows_ways_of_working", "Figur 21", "department_head",
            *_texts("fig21_it_knows_ways_of_working", _FIVE), seed_lines="2325-2344",
            note="five points reconstructed from the text's words (ingen, lite, acceptabel, bra, mycket bra); "
                 "the chart legend is not in the OCR text",
        ),
        Question(
            "fig22_it_enables_digital_solutions", "Figur 22", "department_head",
            *_texts("fig22_it_enables_digital_solutions", _FIVE), seed_lines="2330-2349",
            note="five points reconstructed from the text's words (inte alls, dåligt, acceptabelt, bra, mycket bra)",
        ),
        Question(
            "fig23_governance_control_and_innovation", "Figur 23", "it_chief",
            *_texts("fig23_governance_control_and_innovation", _SIX), seed_lines="2351-2372",
            note="1–6 plus 'vet ej' as the caption (lines 2371-2372) describes; asked to the IT chiefs",
        ),
    )
}
