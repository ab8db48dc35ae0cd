"""Property-based tests (hypothesis) of the survey metrics (distributions, respondent counts, the
diverging layout, implied respondent counts) and the strategy metrics (term counts, balance index,
inventory totals)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from digimotor.claims import round_half_up
from digimotor.metrics import strategy
from digimotor.metrics import survey as sm
from digimotor.model.survey import DONT_KNOW, QUESTIONS
from digimotor.sources.documents import load_term_sets

FAST = settings(max_examples=50, deadline=None)
QUESTION_IDS = list(QUESTIONS)
TERMS = load_term_sets()


@st.composite
def survey_answers(draw, prefix="r"):
    """One row per respondent × question answered (each respondent answers a question at most once)."""
    rows = []
    for r in range(draw(st.integers(1, 8))):
        code = f"Kommun {draw(st.integers(1, 3)):02d}"
        for question_id in draw(st.sets(st.sampled_from(QUESTION_IDS), min_size=1)):
            question = QUESTIONS[question_id]
            answer = draw(st.sampled_from([*question.options, DONT_KNOW]))
            position = None if answer == DONT_KNOW else question.options.index(answer) + 1
            rows.append((code, code, f"{prefix}{r}", question.respondent_group, question_id, answer,
                         question.points, answer == DONT_KNOW, position))
    frame = pd.DataFrame(rows, columns=["municipality_code", "municipality", "respondent_id", "respondent_group",
                                        "question_id", "answer", "scale_points", "dont_know", "position"])
    frame["position"] = frame["position"].astype("Int64")
    return frame


def _counts(dist, keys):
    return dist.set_index([*keys, "question_id", "option"])["count"]


@FAST
@given(survey_answers())
def test_shares_sum_to_100_and_are_count_over_respondents(answers):
    dists = {by: sm.distribution(answers, by=list(by)) for by in ((), ("municipality_code",))}
    for by, dist in dists.items():
        by = list(by)
        for key, group in dist.groupby([*by, "question_id"]):
            assert abs(group["share_pct"].sum() - 100.0) < 1e-9, key
            assert group["count"].sum() == group["respondents"].iloc[0]
            question = QUESTIONS[group["question_id"].iloc[0]]
            assert list(group["option"]) == [*question.options, DONT_KNOW]
        assert ((dist["share_pct"] - 100 * dist["count"] / dist["respondents"]).abs() < 1e-12).all()
    # each count recomputed from the rows
    dist = dists[()]
    recount = answers.groupby(["question_id", "answer"]).size()
    people = answers.groupby("question_id")["respondent_id"].nunique()
    for row in dist.itertuples():
        assert row.count == recount.get((row.question_id, row.option), 0)
        assert row.respondents == people[row.question_id]
    per_question = sm.respondents_per_question(answers).set_index("question_id")
    dont_know = dist[dist["option"] == DONT_KNOW].set_index("question_id")
    assert (per_question["respondents"] == dont_know["respondents"]).all()
    assert (per_question["dont_know"] == dont_know["count"]).all()


@FAST
@given(survey_answers(), st.randoms(use_true_random=False))
def test_distribution_invariant_to_row_order_and_respondent_ids(answers, rnd):
    expected = sm.distribution(answers, by=["municipality_code"])
    ids = list(answers["respondent_id"].unique())
    new = dict(zip(ids, [f"x{n}" for n in rnd.sample(range(10_000), len(ids))], strict=True))
    shuffled = answers.sample(frac=1, random_state=rnd.randint(0, 10_000)).assign(
        respondent_id=lambda f: f["respondent_id"].map(new))
    pd.testing.assert_frame_equal(sm.distribution(shuffled, by=["municipality_code"]), expected)
    pd.testing.assert_frame_equal(sm.respondents_per_question(shuffled), sm.respondents_per_question(answers))


@FAST
@given(survey_answers(prefix="a"), survey_answers(prefix="b"))
def test_counts_of_a_concatenation_are_the_summed_counts(first, second):
    whole = sm.distribution(pd.concat([first, second], ignore_index=True))
    a, b = sm.distribution(first), sm.distribution(second)
    summed = _counts(a, []).add(_counts(b, []), fill_value=0)
    assert (_counts(whole, []) == summed.reindex(_counts(whole, []).index)).all()
    # the regional counts are the municipal counts summed
    per_town = sm.distribution(first, by=["municipality_code"]).groupby(["question_id", "option"])["count"].sum()
    assert (per_town.reindex(_counts(a, []).index) == _counts(a, [])).all()


@FAST
@given(survey_answers())
def test_summary_by_municipality_is_bounded_and_recomputed(answers):
    summary = sm.summary_by_municipality(answers)
    for row in summary.itertuples():
        mine = answers[(answers["municipality_code"] == row.municipality_code)
                       & (answers["question_id"] == row.question_id)]
        points = QUESTIONS[row.question_id].points
        assert row.respondents == mine["respondent_id"].nunique()
        assert abs(row.dont_know_pct - 100 * mine["dont_know"].sum() / row.respondents) < 1e-9
        if mine["dont_know"].all():
            assert math.isnan(row.mean_position) and math.isnan(row.above_middle_pct)
        else:
            assert 1 <= row.mean_position <= points and 0 <= row.above_middle_pct <= 100
            known = mine.loc[~mine["dont_know"], "position"].astype(float)
            assert abs(row.above_middle_pct - 100 * (known > (points + 1) / 2).mean()) < 1e-9


@FAST
@given(survey_answers(), st.floats(0, 20))
def test_diverging_layout_stacks_segments_edge_to_edge(answers, gap):
    segments = sm.distribution_segments(sm.distribution(answers))
    layout = sm.diverging_layout(segments, gap=gap)
    scale_ends = []
    for _question, bar in layout.groupby("question_id"):
        neutral = bar.loc[bar["side"] == "neutral", "share_pct"].sum()
        left = bar[bar["side"] == "negative"].sort_values("order")
        right = bar[bar["side"] == "positive"].sort_values("order")
        # negatives end at the neutral segment's left edge, positives start at its right edge, no gaps
        edge = -neutral / 2
        for row in left.iloc[::-1].itertuples():
            assert abs(row.start + row.share_pct - edge) < 1e-9
            edge = row.start
        assert abs(edge - (-neutral / 2 - left["share_pct"].sum())) < 1e-9
        edge = neutral / 2
        for row in right.itertuples():
            assert abs(row.start - edge) < 1e-9
            edge += row.share_pct
        scale_ends.append(edge)
    # "don't know" sits after the longest positive end plus the gap, never inside the scale
    dont_know = layout[layout["side"] == DONT_KNOW]
    assert (abs(dont_know["start"] - (max(scale_ends) + gap)) < 1e-9).all()


def _check_implied_counts(n, counts, data):
    decimals = data.draw(st.lists(st.integers(0, 1), min_size=len(counts), max_size=len(counts)))
    shares = [round_half_up(100 * k / n, d) for k, d in zip(counts, decimals, strict=True)]
    found = sm.implied_respondent_counts(shares, decimals, max_n=400)
    assert n in found
    # 100·k/n = 100·(mk)/(mn): every multiple of a consistent count is consistent
    assert all(m * n in found for m in range(2, 400 // n + 1))
    assert found == sorted(set(found))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200), st.data())
def test_implied_counts_contain_the_true_count_and_its_multiples(n, data):
    # every option chosen at least once: no printed share is 0
    _check_implied_counts(n, data.draw(st.lists(st.integers(1, n), min_size=1, max_size=4)), data)


@settings(max_examples=50, deadline=None)
@given(st.integers(200, 400), st.data())
def test_implied_counts_allow_an_option_nobody_chose(n, data):
    counts = [0, *data.draw(st.lists(st.integers(1, n), max_size=3))]
    _check_implied_counts(n, counts, data)


# ---------------------------------------------------------------------------------------
# Strategy documents
# ---------------------------------------------------------------------------------------

COUNTS = st.integers(0, 10_000)


@settings(max_examples=100, deadline=None)
@given(COUNTS, COUNTS, st.integers(1, 50))
def test_balance_index_is_bounded_antisymmetric_and_scale_free(efficiency, innovation, factor):
    index = strategy.balance_index(efficiency, innovation)
    if efficiency + innovation == 0:
        assert math.isnan(index)
        return
    assert -1.0 <= index <= 1.0
    assert strategy.balance_index(innovation, efficiency) == -index
    assert abs(strategy.balance_index(factor * efficiency, factor * innovation) - index) < 1e-12
    assert (index > 0) == (efficiency > innovation) and (index == 0) == (efficiency == innovation)
    table = strategy.with_balance(pd.DataFrame({"efficiency": [efficiency], "innovation": [innovation]}))
    # innovation share = I / (E + I) = (1 − index) / 2
    assert abs(table.loc[0, "innovation_share_pct"] - 50 * (1 - index)) < 1e-9


VOCABULARY = ["effektivisering", "Effektivisering", "EFFEKTIVISERING", "effektiviseringen", "effektiv",
              "kostnadseffektiv", "innovation", "Innovation", "innovationer", "innovativa", "och", "IT-stöd",
              "effektivi-\nsering", "innova-\ntion", "2021", "ö", "-"]
TEXTS = st.lists(st.sampled_from(VOCABULARY), max_size=30).map(" ".join)
SEPARATORS = st.sampled_from([" ", ". ", " , ", "\n\n"])


@settings(max_examples=60, deadline=None)
@given(TEXTS, TEXTS, st.sampled_from(["exact", "families"]))
def test_term_counts_are_additive_over_texts(first, second, term_set):
    terms = TERMS[TERMS["term_set"] == term_set]
    whole = strategy.count_in_text(first + " . " + second, terms)
    a, b = strategy.count_in_text(first, terms), strategy.count_in_text(second, terms)
    assert whole == {concept: a[concept] + b[concept] for concept in whole}
    # word families include the exact words
    exact = strategy.count_in_text(first, TERMS[TERMS["term_set"] == "exact"])
    families = strategy.count_in_text(first, TERMS[TERMS["term_set"] == "families"])
    assert all(families[c] >= exact[c] for c in exact)


@st.composite
def document_sets(draw):
    rows = []
    for d in range(draw(st.integers(1, 8))):
        code = draw(st.sampled_from(["Kommun 01", "Kommun 02", "Kommun 03", None]))
        status = draw(st.sampled_from(["ok", "ok", "ok", "scan", "error"]))
        rows.append((f"doc{d}.txt", code, status, "" if status == "ok" else "no text", draw(TEXTS)))
    frame = pd.DataFrame(rows, columns=["document", "municipality_code", "status", "reason", "text"])
    return frame


@FAST
@given(document_sets(), st.sampled_from(["exact", "families"]), st.randoms(use_true_random=False))
def test_municipality_totals_are_the_sum_of_their_documents(documents, term_set, rnd):
    counts = strategy.count_terms(documents, TERMS, term_set)
    for row, doc in zip(counts.itertuples(), documents.itertuples(), strict=True):
        if doc.status == "ok":
            assert {c: getattr(row, c) for c in strategy.CONCEPTS} == strategy.count_in_text(
                doc.text, TERMS[TERMS["term_set"] == term_set])
        else:
            assert pd.isna(row.efficiency) and pd.isna(row.innovation)  # unreadable is not zero
    by_town = strategy.terms_by_municipality(counts)
    totals = strategy.total_counts(counts)
    for concept in strategy.CONCEPTS:
        assert int(by_town[concept].fillna(0).sum()) == totals[concept]
    assert by_town["documents"].sum() == len(documents)
    assert (by_town["readable"] <= by_town["documents"]).all()
    assert by_town["balance_index"].dropna().between(-1, 1).all()
    # document order does not matter
    shuffled = documents.sample(frac=1, random_state=rnd.randint(0, 10_000)).reset_index(drop=True)
    again = strategy.terms_by_municipality(strategy.count_terms(shuffled, TERMS, term_set))
    pd.testing.assert_frame_equal(again, by_town)


ANSWER = st.sampled_from([True, False, None])


@FAST
@given(st.lists(st.tuples(ANSWER, ANSWER, ANSWER, ANSWER, ANSWER, ANSWER), min_size=1, max_size=14))
def test_inventory_counts_never_exceed_the_answers(rows):
    columns = ["digital_agenda", "refers_regional", "refers_national", "refers_eu", "data_strategy",
               "data_strategy_adopted"]
    inventory = pd.DataFrame(rows, columns=columns, dtype=object)
    summary = strategy.inventory_summary(inventory).set_index("quantity")
    assert (summary["count"] <= summary["of"]).all() and (summary["count"] >= 0).all()
    agendas = sum(1 for r in rows if r[0])
    assert summary.loc["digital_agenda", "count"] == agendas
    assert summary.loc["digital_agenda", "of"] == sum(1 for r in rows if r[0] is not None)
    assert (summary.loc[["agenda_refers_regional", "agenda_refers_national", "agenda_refers_eu"], "of"]
            <= agendas).all()
