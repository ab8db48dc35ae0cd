"""The survey dataset (Figures 20–23): import with messy "don't know", bad answers named by file,
row and column, distributions recomputed value by value, the published shares and claims."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from digimotor import claims
from digimotor.cli import main
from digimotor.errors import InputFileError
from digimotor.importer import import_file, write_template
from digimotor.metrics import survey as survey_metrics
from digimotor.model.survey import DONT_KNOW, QUESTIONS
from digimotor.provenance import tag
from digimotor.sources import survey as src
from digimotor.sources.survey import normalise_answer

F20, F21, F22, F23 = QUESTIONS


def _csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("written", ["vet ej", "Vet ej", "VET EJ", "-", "vet inte", "Vet Ej.", "Don't know", " – "])
@pytest.mark.parametrize("question_id", list(QUESTIONS))
def test_dont_know_written_several_ways(written, question_id):
    assert normalise_answer(written, QUESTIONS[question_id]) == DONT_KNOW


@pytest.mark.parametrize(
    ("question_id", "written", "canonical"),
    [
        (F21, "4", "4"), (F21, "4,0", "4"), (F21, "Bra kännedom", "4"), (F21, "bra", "4"),
        (F21, "MYCKET BRA", "5"), (F22, "Dåligt", "2"), (F22, "daligt", "2"), (F22, 1, "1"),
        (F23, "6 - Instämmer helt", "6"), (F23, "1 – Instämmer inte alls", "1"), (F23, "3", "3"),
        (F20, "Verksamhetsorienterat", "business"), (F20, "teknikorienterat", "technology"),
        (F20, "Blandning mellan teknik- och verksamhetsorienterat", "mixed"), (F20, "blandning", "mixed"),
    ],
)
def test_answers_are_normalised_when_unambiguous(question_id, written, canonical):
    assert normalise_answer(written, QUESTIONS[question_id]) == canonical


@pytest.mark.parametrize(
    ("question_id", "written", "message"),
    [
        (F23, "7", "outside the scale 1–6"), (F21, "0", "outside the scale 1–5"),
        (F22, "3,5", "not a whole point"), (F20, "2", "not an answer to this question"),
        (F21, "ej svar", "not an answer on the scale"), (F21, "?", "not an answer on the scale"),
        (F23, "6 - Instämmer inte alls", "does not match a point"), (F21, "", "missing"),
    ],
)
def test_ambiguous_or_outside_answers_are_refused(question_id, written, message):
    with pytest.raises(ValueError, match=message):
        normalise_answer(written, QUESTIONS[question_id])


def test_own_question_needs_scale_points():
    assert normalise_answer("4", None, scale_points=4) == "4"
    with pytest.raises(ValueError, match="outside the scale 1–4"):
        normalise_answer("5", None, scale_points=4)


MESSY_SURVEY = (
    "Enkät till förvaltningschefer 2021\r\n"
    "\r\n"
    "Kommun;Respondent;Roll;Fråga;Svar;År\r\n"
    f"Uddevalla;a1;Förvaltningschef;{F21};Bra;2021\r\n"
    f"Uddevalla;a1;Förvaltningschef;{F22};vet ej;2021\r\n"
    f"Uddevalla;a1;Förvaltningschef;{F20};Blandning;2021\r\n"
    f"Vanersborg;a2;forvaltningschef;{F21};VET EJ;2021\r\n"
    f"Vanersborg;a2;forvaltningschef;{F22};-;2021\r\n"
    f"Åmål;a3;förvaltningschef;{F21};3;2021\r\n"
    f"Åmål;a3;förvaltningschef;{F22};Vet ej;2021\r\n"
    f"1492;c1;IT-chef;{F23};6 - Instämmer helt;2021\r\n"
    f"Uddevalla;c2;it-chef;{F23};4;2021\r\n"
)


def test_import_normalises_answers_and_groups(project, tmp_path):
    source = _csv(tmp_path / "enkat.csv", MESSY_SURVEY, "cp1252")
    import_file("survey", source, name="enkat-2021")
    answers = src.load_survey("enkat-2021")
    assert answers.attrs["provenance"]["kind"] == "user"
    got = {(r.respondent_id, r.question_id): r.answer for r in answers.itertuples()}
    assert got == {
        ("a1", F21): "4", ("a1", F22): DONT_KNOW, ("a1", F20): "mixed",
        ("a2", F21): DONT_KNOW, ("a2", F22): DONT_KNOW,
        ("a3", F21): "3", ("a3", F22): DONT_KNOW,
        ("c1", F23): "6", ("c2", F23): "4",
    }
    assert dict(zip(answers["respondent_id"], answers["respondent_group"], strict=True)) == {
        "a1": "department_head", "a2": "department_head", "a3": "department_head", "c1": "it_chief", "c2": "it_chief",
    }
    assert dict(zip(answers["respondent_id"], answers["municipality_code"], strict=True))["a2"] == "1487"
    assert answers.loc[answers["answer"] == DONT_KNOW, "position"].isna().all()
    assert answers.loc[answers["respondent_id"] == "a1", "position"].dropna().tolist() == [4, 2]  # Bra=4, mixed=2
    assert set(answers["scale_points"]) == {3, 5, 6}


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (f"Uddevalla;x;förvaltningschef;{F23};7", "answer", "outside the scale 1–6"),
        (f"Uddevalla;x;förvaltningschef;{F21};ej svar", "answer", "not an answer"),
        ("Uddevalla;x;förvaltningschef;my_question;3", "question_id", "not in the catalogue"),
        (f"Uddevalla;x;rektor;{F21};3", "respondent_group", "not a respondent group"),
    ],
)
def test_bad_answers_name_file_row_and_column(project, tmp_path, row, column, message):
    text = (
        "Kommun;Respondent;Roll;Fråga;Svar\n"
        f"Uddevalla;ok;förvaltningschef;{F21};3\n"
        f"{row}\n"
    )
    source = _csv(tmp_path / "svar.csv", text)
    with pytest.raises(InputFileError, match=message) as err:
        import_file("survey", source, name="bad")
    assert err.value.file.endswith("svar.csv")
    assert err.value.row == 3
    assert err.value.column == column
    assert f"svar.csv, row 3, column '{column}'" in str(err.value)
    assert not (project / "data/raw/user/survey/bad.csv").exists()


def test_respondent_in_two_municipalities_is_refused(project, tmp_path):
    text = (
        "municipality_code,respondent_id,respondent_group,question_id,answer\n"
        f"Uddevalla,r1,department_head,{F21},3\n"
        f"Lysekil,r1,department_head,{F22},3\n"
    )
    with pytest.raises(InputFileError, match="more than one municipality_code") as err:
        import_file("survey", _csv(tmp_path / "two.csv", text), name="two")
    assert (err.value.row, err.value.column) == (3, "municipality_code")


def test_own_question_with_scale_points(project, tmp_path):
    text = (
        "municipality_code,respondent_id,respondent_group,question_id,answer,scale_points\n"
        "Uddevalla,r1,department_head,trust_in_it,4,4\n"
        "Uddevalla,r2,department_head,trust_in_it,vet ej,4\n"
        f"Uddevalla,r3,department_head,{F21},4,4\n"
    )
    with pytest.raises(InputFileError, match="contradicts") as err:
        import_file("survey", _csv(tmp_path / "own.csv", text), name="own")
    assert (err.value.row, err.value.column) == (4, "scale_points")
    import_file("survey", _csv(tmp_path / "own.csv", text.rsplit("Uddevalla,r3", 1)[0]), name="own")
    answers = src.load_survey("own")
    dist = survey_metrics.distribution(answers)
    assert dist["option"].tolist() == ["1", "2", "3", "4", DONT_KNOW]
    assert dist["count"].tolist() == [0, 0, 0, 1, 1]
    assert dist["share_pct"].tolist() == [0.0, 0.0, 0.0, 50.0, 50.0]


def _answers(rows):
    frame = pd.DataFrame(rows, columns=["municipality_code", "respondent_id", "respondent_group", "question_id", "answer"])
    frame["scale_points"] = frame["question_id"].map(lambda q: QUESTIONS[q].points)
    frame["dont_know"] = frame["answer"] == DONT_KNOW
    return frame


def test_distribution_recomputed_value_by_value():
    answers = _answers([
        ("A", "1", "department_head", F21, "4"), ("A", "2", "department_head", F21, "4"),
        ("A", "3", "department_head", F21, DONT_KNOW), ("B", "4", "department_head", F21, "1"),
        ("B", "4", "department_head", F22, "5"), ("C", "9", "it_chief", F23, "6"),
    ])
    regional = survey_metrics.distribution(answers)
    f21 = regional[regional["question_id"] == F21].set_index("option")
    assert f21.loc["4", "count"] == 2 and f21.loc["1", "count"] == 1 and f21.loc[DONT_KNOW, "count"] == 1
    assert (f21["respondents"] == 4).all()
    for option, row in f21.iterrows():
        expected = 100 * sum(1 for r in answers.itertuples() if r.question_id == F21 and r.answer == option) / 4
        assert row["share_pct"] == pytest.approx(expected)
    assert f21["share_pct"].sum() == pytest.approx(100)
    per_municipality = survey_metrics.distribution(answers, by=["municipality_code"])
    a = per_municipality[(per_municipality["municipality_code"] == "A") & (per_municipality["question_id"] == F21)]
    assert a.set_index("option").loc["4", "share_pct"] == pytest.approx(200 / 3)
    counts = survey_metrics.respondents_per_question(answers).set_index("question_id")
    assert counts.loc[F21, "respondents"] == 4 and counts.loc[F22, "respondents"] == 1
    assert counts.loc[F23, "respondent_group"] == "it_chief" and counts.loc[F21, "dont_know"] == 1


def _round_half_up_share(k, n, decimals):
    return claims.round_half_up(100 * k / n, decimals)


@pytest.mark.parametrize(
    ("shares", "decimals"), [([35, 37.5, 22.5], [0, 1, 1]), ([4, 2.5], [0, 1]), ([15], [0]), ([10, 40, 30], [0, 0, 0])]
)
def test_implied_respondent_counts_against_brute_force(shares, decimals):
    found = survey_metrics.implied_respondent_counts(shares, decimals, max_n=120)
    brute = [
        n for n in range(1, 121)
        if all(any(_round_half_up_share(k, n, d) == s for k in range(n + 1)) for s, d in zip(shares, decimals, strict=True))
    ]
    assert found == brute


def test_published_shares_imply_different_respondent_counts(repo_root):
    shares = src.load_survey_shares()
    exact = shares[shares["relation"] == "="]
    first = {}
    for question_id, group in exact.groupby("question_id"):
        found = survey_metrics.implied_respondent_counts(group["share_pct"].tolist(), group["decimals"].tolist())
        first[question_id] = found[0]
    # Figure 21: 14, 15 and 9 of 40; Figure 22: 4 % and 2,5 % cannot both hold with 40 respondents.
    assert first[F21] == 40
    assert 40 not in survey_metrics.implied_respondent_counts([4, 2.5], [0, 1])
    assert first[F22] > first[F21]


def test_published_segments_and_diverging_layout(repo_root):
    with open(repo_root / "data/raw/published/survey_shares.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    segments = survey_metrics.published_segments(src.load_survey_shares())
    for question_id in QUESTIONS:
        stated = sum(float(r["share_pct"]) for r in rows if r["question_id"] == question_id and r["relation"] == "=")
        unstated = segments[(segments["question_id"] == question_id) & (segments["option"] == "unstated")]
        assert unstated["share_pct"].iloc[0] == pytest.approx(100 - stated)
    assert segments.attrs["inequalities"] == [
        {"question_id": F20, "answer_option": "mixed", "relation": ">", "share_pct": 50.0}
    ]
    layout = survey_metrics.diverging_layout(segments).set_index(["question_id", "option"])
    # Figure 21: 'acceptable' (3) centred on zero, 4-5 right of it, 1-2 left of it.
    assert layout.loc[(F21, "3"), "start"] == pytest.approx(-35 / 2)
    assert layout.loc[(F21, "4-5"), "start"] == pytest.approx(35 / 2)
    assert layout.loc[(F21, "1-2"), "start"] == pytest.approx(-35 / 2 - 22.5)
    assert layout.loc[(F22, "2"), "start"] == pytest.approx(-4)
    assert layout.loc[(F22, "1"), "start"] == pytest.approx(-6.5)
    right = max(35 / 2 + 37.5, 15)
    assert layout.xs("unstated", level="option")["start"].tolist() == pytest.approx([right + 6] * 4)
    assert str(layout.loc[(F23, "unstated"), "side"]) == "unstated"


def test_development_budget_is_uncertain_with_raw_text(repo_root):
    facts = src.load_strategy_facts().set_index("fact_id")
    assert facts.attrs["provenance"]["kind"] == "published"
    budget = facts.loc["development_budget_share"]
    assert pd.isna(budget["value"]) and not budget["readable"]
    assert "0,76 %" in budget["raw_text"]
    card = claims.scorecard(parts=["survey"]).set_index("claim_id")
    assert card.loc["text.dev_budget.share_pct", "status"] == "uncertain"
    assert "0,76 %" in card.loc["text.dev_budget.share_pct", "raw_text"]


def test_claims_balance_index_recomputed_from_published_totals(repo_root):
    with open(repo_root / "data/raw/published/survey_strategy_facts.csv", encoding="utf-8") as fh:
        facts = {r["fact_id"]: r["value"] for r in csv.DictReader(fh)}
    e, i = float(facts["term_effektivisering"]), float(facts["term_innovation"])
    assert (e, i) == (62, 7)
    card = claims.scorecard(parts=["survey"]).set_index("claim_id")
    assert card.loc["text.terms.bias_to_efficiency", "computed_value"] == pytest.approx((e - i) / (e + i))
    assert card.loc["text.terms.bias_to_efficiency", "outcome"] == "reproduced"
    assert set(card.loc[card.index.str.startswith("fig23."), "status"]) == {"uncertain"}
    assert card.loc[card["status"] == "derived"].index.tolist() == ["text.terms.bias_to_efficiency"]


def test_claim_values_read_back_every_transcribed_input(repo_root):
    from digimotor.claims import survey as survey_claims

    values = survey_claims.claim_values(src.load_strategy_facts(), src.load_survey_shares())
    registry = claims.load_claims("survey").set_index("claim_id")
    # transcribed inputs (statements nothing in the project recomputes are transcribed too, not inputs)
    transcribed = registry[(registry["status"] == "transcribed") & registry["note"].str.contains("input")]
    assert len(transcribed) >= 10 and set(transcribed.index) <= set(values)
    for claim_id, row in transcribed.iterrows():
        assert values[claim_id] == pytest.approx(row["published_value"]), claim_id


@pytest.mark.parametrize("dataset", ["survey", "strategy_inventory"])
def test_template_command_and_its_example_row_imports(project, tmp_path, dataset, capsys):
    assert main(["template", dataset, "--out", str(tmp_path)]) == 0
    assert "one row per" in capsys.readouterr().out
    written = write_template(dataset, tmp_path, formats=("csv",))[0]
    import_file(dataset, written, name="example")
    assert (project / f"data/raw/user/{dataset}/example.csv").exists()


def test_no_synthetic_strategy_inventory(repo_root):
    assert not (repo_root / "data/raw/synthetic/strategy_inventory.csv").exists()
    from digimotor.synthetic import survey as generator

    assert set(generator.generate(1)) == {"survey"}


def test_synthetic_survey_has_different_respondent_counts_per_question(repo_root):
    answers = src.load_survey("synthetic")
    assert answers.attrs["provenance"]["kind"] == "synthetic"
    counts = survey_metrics.respondents_per_question(answers)
    assert counts["respondents"].nunique() > 1
    assert set(counts.loc[counts["question_id"] == F23, "respondent_group"]) == {"it_chief"}


def test_summary_by_municipality_recomputed():
    answers = _answers([
        ("A", "1", "department_head", F21, "4"), ("A", "2", "department_head", F21, "2"),
        ("A", "3", "department_head", F21, DONT_KNOW), ("A", "1", "department_head", F20, "business"),
        ("A", "2", "department_head", F20, "mixed"),
    ])
    answers["municipality"] = answers["municipality_code"]
    answers["position"] = [4, 2, None, 3, 2]
    summary = survey_metrics.summary_by_municipality(answers).set_index("question_id")
    f21 = summary.loc[F21]
    assert f21["respondents"] == 3
    assert f21["mean_position"] == pytest.approx((4 + 2) / 2)
    assert f21["above_middle_pct"] == pytest.approx(50.0)  # 4 > 3, 2 < 3
    assert f21["dont_know_pct"] == pytest.approx(100 / 3)
    assert summary.loc[F20, "above_middle_pct"] == pytest.approx(50.0)  # business is above 'mixed'


def test_implied_counts_table_uses_exact_shares_only(repo_root):
    table = survey_metrics.implied_counts_table(src.load_survey_shares()).set_index("question_id")
    assert F20 not in table.index  # one exact share (15 %) and an inequality: no count implied
    assert table.loc[F21, "smallest_n"] == survey_metrics.implied_respondent_counts([35, 37.5, 22.5], [0, 1, 1])[0]
    assert table.loc[F22, "smallest_n"] == survey_metrics.implied_respondent_counts([4, 2.5], [0, 1])[0]


def test_totals_from_facts(repo_root):
    from digimotor.metrics import strategy

    row = strategy.totals_from_facts(src.load_strategy_facts()).iloc[0]
    assert (row["efficiency"], row["innovation"]) == (62, 7)
    assert row["balance_index"] == pytest.approx(55 / 69)
    assert row["innovation_share_pct"] == pytest.approx(700 / 69)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_figures_mark_their_kind_and_handle_own_questions():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digimotor.errors import ParameterError
    from digimotor.plots import survey as survey_plots

    answers = _answers([
        ("A", "1", "department_head", F21, "4"), ("A", "2", "department_head", F21, DONT_KNOW),
        ("A", "3", "it_chief", F23, "6"),
    ])
    own = pd.DataFrame([("A", "1", "other", "trust_in_it", "2", 4), ("A", "2", "other", "trust_in_it", "4", 4)],
                       columns=["municipality_code", "respondent_id", "respondent_group", "question_id", "answer",
                                "scale_points"]).assign(dont_know=False)
    dist = survey_metrics.distribution(tag(pd.concat([answers, own], ignore_index=True), "synthetic", "test"))
    segments = survey_metrics.distribution_segments(dist)
    fig = survey_plots.survey_figure(segments, lang="en")  # the kind comes from the answers' provenance
    assert len(fig.axes) == 3
    assert sum(text == "SYNTHETIC EXAMPLE DATA" for text in _texts(fig)) == 3  # a watermark in every panel
    own_bar = segments[segments["question_id"] == "trust_in_it"]
    assert own_bar["share_pct"].tolist() == [0.0, 50.0, 0.0, 50.0, 0.0]
    plt.close(fig)
    fig = survey_plots.survey_figure(tag(segments.copy(), "user", "enkat.csv"), style="pie", lang="sv", source="enkat.csv")
    assert any("Källa: enkat.csv – användarens data" in text for text in _texts(fig))
    plt.close(fig)
    with pytest.raises(ParameterError, match="style"):
        survey_plots.survey_figure(segments, style="donut")


def test_xlsx_import_with_numbers_and_dont_know(project, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Kommun", "Respondent", "Roll", "Fråga", "Svar"])
    sheet.append(["Orust", "x1", "IT-chef", F23, 5])
    sheet.append(["Tanum", "x2", "IT-chef", F23, "Vet ej"])
    sheet.append(["Tanum", "x3", "IT-chef", F23, 7])
    path = tmp_path / "svar.xlsx"
    book.save(path)
    with pytest.raises(InputFileError, match="outside the scale 1–6") as err:
        import_file("survey", path, name="xl")
    assert (err.value.row, err.value.column) == (4, "answer") and err.value.file.endswith("svar.xlsx")
    sheet.delete_rows(4)
    book.save(path)
    import_file("survey", path, name="xl")
    answers = src.load_survey("xl")
    assert answers["answer"].tolist() == ["5", DONT_KNOW]
    assert answers["municipality_code"].tolist() == ["1421", "1435"]


def test_duplicated_answer_is_refused(project, tmp_path):
    text = (
        "municipality_code,respondent_id,respondent_group,question_id,answer\n"
        f"Uddevalla,r1,department_head,{F21},3\n"
        f"Uddevalla,r1,department_head,{F21},4\n"
    )
    with pytest.raises(InputFileError, match="duplicates row 2") as err:
        import_file("survey", _csv(tmp_path / "dup.csv", text), name="dup")
    assert err.value.row == 3 and err.value.column == "respondent_id, question_id"
    two_years = text.replace(",answer\n", ",answer,year\n").replace(",3\n", ",3,2021\n").replace(",4\n", ",4,2022\n")
    import_file("survey", _csv(tmp_path / "years.csv", two_years), name="years")
    assert src.load_survey("years")["year"].tolist() == [2021, 2022]


def test_question_catalogue_in_both_languages():
    sv = src.question_catalogue("sv").set_index("question_id")
    en = src.question_catalogue("en").set_index("question_id")
    assert list(sv.index) == list(QUESTIONS)
    assert sv.loc[F23, "respondent_group"] == "it_chief"
    assert sv.loc[F23, "scale"].startswith("1 – Instämmer inte alls | 2 |") and sv.loc[F23, "scale"].endswith("Vet ej")
    assert en.loc[F22, "scale"] == "Not at all | Poorly | Acceptably | Well | Very well | Don't know"


def test_import_command_line(project, tmp_path, capsys):
    good = _csv(tmp_path / "ok.csv", MESSY_SURVEY, "cp1252")
    assert main(["import", "survey", str(good), "--name", "cli-2021"]) == 0
    assert (project / "data/raw/user/survey/cli-2021.csv").exists()
    bad = _csv(tmp_path / "fel.csv", MESSY_SURVEY.replace(f"{F23};4;2021", f"{F23};9;2021"), "cp1252")
    capsys.readouterr()
    assert main(["import", "survey", str(bad), "--name", "fel"]) == 2
    message = capsys.readouterr().err
    assert "fel.csv, row 12, column 'answer'" in message and "outside the scale 1–6" in message


def test_municipality_bars_draw_each_municipalitys_shares():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digimotor.plots import survey as survey_plots

    answers = _answers([
        ("Kommun 01", "1", "department_head", F22, "5"), ("Kommun 01", "2", "department_head", F22, "1"),
        ("Kommun 02", "3", "department_head", F22, "3"), ("Kommun 02", "4", "department_head", F22, DONT_KNOW),
        ("Kommun 02", "5", "department_head", F22, "4"), ("Kommun 02", "6", "department_head", F22, "4"),
    ])
    answers["municipality"] = answers["municipality_code"]
    dist = survey_metrics.distribution(tag(answers, "synthetic", "test"), by=["municipality_code", "municipality"])
    ax = survey_plots.municipality_bars(dist, F22, lang="en")
    widths = sorted((round(p.get_y() + p.get_height() / 2), round(p.get_width(), 6)) for p in ax.patches)
    expected = sorted(
        (i, round(row.share_pct, 6))
        for i, unit in enumerate(["Kommun 01", "Kommun 02"])
        for row in dist[dist["municipality_code"] == unit].itertuples() if row.share_pct > 0
    )
    assert widths == expected == [(0, 50.0), (0, 50.0), (1, 25.0), (1, 25.0), (1, 50.0)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kommun 01 (n = 2)", "Kommun 02 (n = 4)"]
    assert "SYNTHETIC EXAMPLE DATA" in [t.get_text() for t in ax.texts]
    plt.close(ax.figure)


def test_small_municipality_groups_are_suppressed_and_the_change_is_paired():
    def summary(rows):
        return pd.DataFrame(rows, columns=["municipality_code", "municipality", "question_id", "respondents",
                                           "mean_position", "above_middle_pct", "dont_know_pct"])

    q = "fig21_it_knows_ways_of_working"
    before = summary([("1496", "Skövde", q, 3, 2.0, 0.0, 0.0), ("1471", "Götene", q, 3, 3.0, 0.0, 0.0),
                      ("1473", "Töreboda", q, 4, 2.5, 0.0, 0.0)])
    after = summary([("1496", "Skövde", q, 3, 3.5, 50.0, 0.0), ("1471", "Götene", q, 2, 4.0, 100.0, 0.0),
                     ("1497", "Hjo", q, 3, 3.0, 0.0, 0.0)])
    shown = survey_metrics.suppress_municipalities(after, 3).set_index("municipality")
    assert shown["suppressed"].tolist() == [False, True, False]
    assert shown.loc["Götene", ["mean_position", "above_middle_pct", "dont_know_pct"]].isna().all()
    assert shown.loc["Götene", "respondents"] == 2 and shown.loc["Skövde", "mean_position"] == 3.5
    result = survey_metrics.change_by_question(before, after, min_respondents=3, n_boot=200)
    row = result["summary"].set_index("question_id").loc[q]
    assert row["n_pairs"] == 2 and row["mean_change"] == pytest.approx((1.5 + 1.0) / 2)
    assert pd.isna(row["wilcoxon_p"])  # two pairs: no test
    per_town = result["municipalities"].set_index("municipality")
    assert per_town.loc["Skövde", "mean_position_change"] == 1.5
    assert per_town.loc["Götene", "suppressed"] and pd.isna(per_town.loc["Götene", "mean_position_change"])
    assert result["unpaired"][["municipality", "present_in"]].values.tolist() == [["Töreboda", "before"],
                                                                                   ["Hjo", "after"]]
