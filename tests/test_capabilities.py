"""Capability catalogue, self-assessment import, and the capability-map metrics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from digimotor.errors import InputFileError
from digimotor.metrics import capabilities as cm
from digimotor.model import capabilities as capability_model
from digimotor.sources import capabilities as cs

# ---------------------------------------------------------------------------------------
# The catalogue and the report's lists (published data)
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return cs.load_capability_catalogue()


@pytest.fixture(scope="module")
def rankings():
    return cs.load_capability_rankings()


def test_catalogue_ids_unique_and_every_listed_capability_catalogued(catalogue, rankings):
    assert catalogue["capability_id"].is_unique
    assert set(rankings["capability_id"]) <= set(catalogue["capability_id"])
    assert (rankings.groupby("list", observed=True).size() == pd.Series({"key": 9, "strongest": 5, "weakest": 5})).all()


def test_catalogue_lists_agree_with_rankings(catalogue, rankings):
    lists = dict(zip(catalogue["capability_id"], catalogue["lists"].str.split(";"), strict=True))
    for rec in rankings.itertuples(index=False):
        assert rec.list in lists[rec.capability_id], (rec.capability_id, rec.list)
    for capability, names in lists.items():
        for name in names:
            assert name in capability_model.LISTS, (capability, name)


def test_near_duplicates_across_lists_are_one_capability(catalogue):
    lookup = cs.capability_lookup(catalogue)
    # key list line 60 and strongest no. 1 line 85
    assert cs.resolve_capability("Stabil och tillförlitlig driftleverans", lookup) == "reliable_operations"
    assert cs.resolve_capability("Upprätthålla en tillförlitlig driftsleverans", lookup) == "reliable_operations"
    # key list line 62 and strongest no. 5 line 89
    assert cs.resolve_capability("Förstå teknisk miljö", lookup) == "understand_technical_environment"
    assert cs.resolve_capability("Att förstå den tekniska miljön", lookup) == "understand_technical_environment"
    # OCR-stripped spelling, English name and id are accepted too
    assert cs.resolve_capability("Leverantorshantering", lookup) == "supplier_management"
    assert cs.resolve_capability("Supplier management", lookup) == "supplier_management"
    assert cs.resolve_capability("supplier_management", lookup) == "supplier_management"


def test_unknown_capability_suggests_the_closest(catalogue):
    lookup = cs.capability_lookup(catalogue)
    with pytest.raises(ValueError, match="did you mean supplier_management"):
        cs.resolve_capability("Leverantörshanteringen", lookup)


def test_catalogue_groups_and_seed_lines_are_well_formed(catalogue):
    assert set(catalogue["group"].astype(str)) <= set(capability_model.GROUPS)
    for text in catalogue["seed_lines"]:
        for part in text.split(";"):
            numbers = [int(x) for x in part.split("-")]
            assert all(1 <= n <= 2400 for n in numbers) and numbers == sorted(numbers), text


def test_elements_and_default_criticality(catalogue):
    elements = cs.load_capability_elements()
    assert list(elements["element"].astype(str)) == list(capability_model.ELEMENTS)
    organisation = elements[elements["element"] == "organisation"].iloc[0]
    assert organisation["status"] == "uncertain" and pd.isna(organisation["question_sv"])
    criticality = cs.load_criticality("default", catalogue)
    key = set(cs.load_capability_rankings().query("list == 'key'")["capability_id"])
    assert set(criticality[criticality == "high"].index) == key
    assert (criticality.drop(list(key)) == "normal").all()


# ---------------------------------------------------------------------------------------
# Metrics on small hand-made inputs
# ---------------------------------------------------------------------------------------


def _assessment(rows):
    frame = pd.DataFrame(rows, columns=["municipality_code", "capability", "score", "scale_min", "scale_max", "date"])
    return frame


def test_normalised_scores_value_by_value():
    frame = _assessment([("A", "x", 1, 1, 5, "2020-01-01"), ("A", "y", 4, 1, 5, "2020-01-01"),
                         ("B", "x", 7, 0, 10, "2020-01-01")])
    out = cm.normalised_scores(frame)
    assert out["score_norm"].tolist() == [0.0, 0.75, 0.7]


def test_normalised_scores_refuse_off_scale():
    with pytest.raises(ValueError, match="off their declared scale"):
        cm.normalised_scores(_assessment([("A", "x", 6, 1, 5, "")]))


def test_matrix_keeps_the_latest_assessment():
    frame = _assessment([("A", "x", 2, 1, 5, "2020-01-01"), ("A", "x", 5, 1, 5, "2021-01-01"),
                         ("B", "x", 3, 1, 5, None), ("B", "y", 1, 1, 5, None)])
    matrix = cm.capability_matrix(frame)
    assert matrix.loc["A", "x"] == 1.0 and matrix.loc["B", "x"] == 0.5 and matrix.loc["B", "y"] == 0.0
    assert math.isnan(matrix.loc["A", "y"])


def test_joint_ranking_recomputed_by_hand():
    matrix = pd.DataFrame({"p": [1.0, 0.5, 0.0], "q": [0.5, 0.5, 0.5], "r": [1.0, 1.0, np.nan]},
                          index=["A", "B", "C"])
    ranking = cm.joint_ranking(matrix).set_index("capability")
    assert ranking.loc["p", "mean"] == 0.5 and ranking.loc["q", "mean"] == 0.5 and ranking.loc["r", "mean"] == 1.0
    assert ranking.loc["r", "n"] == 2
    # p and q tie on the mean and the median (0.5): the id breaks the tie
    assert ranking["rank_strongest"].to_dict() == {"r": 1, "p": 2, "q": 3}
    assert ranking["rank_weakest"].to_dict() == {"p": 1, "q": 2, "r": 3}
    top = cm.joint_strengths_weaknesses(cm.joint_ranking(matrix), k=1)
    assert top[["list", "capability"]].values.tolist() == [["strongest", "r"], ["weakest", "p"]]


def test_similarity_order_keeps_similar_profiles_together():
    rng = np.random.default_rng(0)
    high = 0.9 + 0.02 * rng.standard_normal((3, 6))
    low = 0.1 + 0.02 * rng.standard_normal((3, 6))
    data = np.vstack([high[0], low[0], high[1], low[1], high[2], low[2]])
    matrix = pd.DataFrame(data, index=list("ABCDEF"), columns=[f"c{i}" for i in range(6)])
    rows, columns = cm.similarity_order(matrix)
    groups = ["high" if r in "ACE" else "low" for r in rows]
    assert groups in (["high"] * 3 + ["low"] * 3, ["low"] * 3 + ["high"] * 3)
    assert sorted(columns) == list(matrix.columns)


def test_municipality_profile_values():
    matrix = pd.DataFrame({"p": [1.0, 0.0], "q": [0.5, 0.25], "r": [0.0, 1.0]}, index=["A", "B"])
    profile = cm.municipality_profile(matrix, k=1)
    a_strength = profile[(profile["municipality_code"] == "A") & (profile["side"] == "strength")].iloc[0]
    assert a_strength["capability"] == "p" and a_strength["relative"] == 0.5
    b_weak = profile[(profile["municipality_code"] == "B") & (profile["side"] == "weakness")].iloc[0]
    assert b_weak["capability"] == "p" and b_weak["relative"] == -0.5


def test_element_profile_means():
    frame = pd.DataFrame({"capability": ["x", "x"], "scale_min": [1, 1], "scale_max": [5, 5],
                          "process": [1.0, 5.0], "organisation": [3.0, np.nan], "policy": [np.nan, np.nan],
                          "technology": [2.0, 2.0], "information": [5.0, 4.0]})
    out = cm.element_profile(frame).set_index("element")
    assert out.loc["process", "mean"] == 0.5 and out.loc["organisation", "n"] == 1
    assert out.loc["technology", "mean"] == 0.25 and out.loc["information", "mean"] == 0.875
    assert "policy" not in out.index


def test_compare_with_report_marks_agreement(rankings):
    top = pd.DataFrame({"list": ["strongest", "weakest"], "rank": [1, 1],
                        "capability": ["reliable_operations", "formal_collaboration"]})
    comparison = cm.compare_with_report(top, rankings).set_index(["list", "rank"])
    assert bool(comparison.loc[("strongest", 1), "same"]) is True
    assert bool(comparison.loc[("weakest", 1), "same"]) is False  # the report's weakest no. 1 is 'decommission'


# ---------------------------------------------------------------------------------------
# The synthetic example (calibrated to the report's lists)
# ---------------------------------------------------------------------------------------


def test_synthetic_self_assessment_reproduces_the_lists_by_calibration(rankings):
    assessment = cs.load_capabilities("synthetic")
    assert assessment.attrs["provenance"]["kind"] == "synthetic"
    assert assessment["municipality_code"].nunique() == 14
    assert assessment["municipality_code"].str.fullmatch(r"Kommun \d{2}").all()
    ranking = cm.joint_ranking(cm.capability_matrix(assessment))
    top = cm.joint_strengths_weaknesses(ranking, k=5)
    for lst in ("strongest", "weakest"):
        expected = rankings[rankings["list"] == lst].sort_values("rank")["capability_id"].tolist()
        assert top[top["list"] == lst].sort_values("rank")["capability"].tolist() == expected
    # recompute the strongest mean from the file: 62 points over 14 municipalities
    first = assessment[assessment["capability"] == "reliable_operations"]["score"]
    assert first.sum() == 62 and ranking.iloc[0]["mean"] == pytest.approx((62 / 14 - 1) / 4)


def test_capability_claims_are_calibrated_and_counts_transcribed():
    from digimotor import claims
    from digimotor.claims import capabilities as cc

    ranking = cm.joint_ranking(cm.capability_matrix(cs.load_capabilities("synthetic")))
    card = claims.scorecard(produced=cc.claim_values(ranking), parts=["capabilities"])
    assert set(card.loc[card["claim_id"].str.endswith(".rank"), "outcome"]) == {"calibrated"}
    # Counting a transcribed list reads the transcription back: not evidence, so `transcribed`.
    counts = card[card["claim_id"].str.endswith((".count", ".members", ".samtrappan_step"))]
    assert len(counts) == 9 and set(counts["status"]) == {"transcribed"}
    values = cc.derive()
    published = counts.set_index("claim_id")["published_value"]
    assert all(values[claim_id] == published[claim_id] for claim_id in published.index)
    assert values["text.goliska_it.members"] == 6 and values["text.soltak.members"] == 7
    assert values["text.sml_it.samtrappan_step"] == 5 and values["text.sou_paths.count"] == 4


# ---------------------------------------------------------------------------------------
# Import and bad input
# ---------------------------------------------------------------------------------------

HEADER = "kommun;förmåga;poäng;skala min;skala max;teknik;datum\n"


def _write(path, body, encoding="utf-8"):
    path.write_text(HEADER + body, encoding=encoding)
    return path


def test_import_resolves_names_and_capabilities(project, tmp_path):
    from digimotor.importer import import_file

    src = _write(tmp_path / "skattning.csv",
                 "Uddevalla;Leverantorshantering;4;1;5;3;2020-11-16\n"
                 "Amal;Förstå teknisk miljö;2,5;1;5;;2020-11-16\n"
                 "1460;Avveckla;8;0;10;9;2020-11-16\n")
    import_file("capabilities", src, name="test-2020")
    frame = cs.load_capabilities("test-2020")
    assert frame["municipality_code"].tolist() == ["1485", "1492", "1460"]
    assert frame["capability"].tolist() == ["supplier_management", "understand_technical_environment", "decommission"]
    assert frame["score"].tolist() == [4.0, 2.5, 8.0] and frame["scale_max"].tolist() == [5, 5, 10]
    assert frame.attrs["provenance"]["kind"] == "user"
    assert cm.capability_matrix(frame).loc["1460", "decommission"] == 0.8


def test_import_defaults_the_scale(project, tmp_path):
    from digimotor.importer import import_file

    src = tmp_path / "s.csv"
    src.write_text("kommun,förmåga,poäng\nOrust,Implementera standarder,5\n", encoding="utf-8")
    import_file("capabilities", src, name="noscale")
    frame = cs.load_capabilities("noscale")
    assert (frame["scale_min"].tolist(), frame["scale_max"].tolist()) == ([1], [5])


@pytest.mark.parametrize(
    ("body", "row", "column", "text"),
    [
        ("Orust;Implementera standarder;6;1;5;;2020-11-16\n", 2, "poäng", "off the declared scale 1–5"),
        ("Orust;Implementera standarder;3;1;5;0;2020-11-16\n", 2, "teknik", "off the declared scale 1–5"),
        ("Orust;Implementera standarder;3;1;5;;2020-11-16\nOrust;Leverantörshanteringen;3;1;5;;2020-11-16\n",
         3, "förmåga", "did you mean supplier_management"),
        ("Orust;Implementera standarder;3;1;5;;2020-11-16\nOrust;implement_standards;4;1;5;;2020-11-16\n",
         3, "förmåga", "assessed twice"),
        ("Orust;Implementera standarder;3;1;5;;2020-11-16\nOrust;Implementera standarder;4;1;5;;2020-11-16\n",
         3, "capability", "duplicates row 2"),
        ("Orust;Implementera standarder;3;5;1;;2020-11-16\n", 2, "skala max", "is empty"),
    ],
    ids=["score-off-scale", "element-off-scale", "unknown-capability", "duplicate-by-alias", "exact-duplicate",
         "empty-scale"],
)
def test_bad_input_names_file_row_and_column(project, tmp_path, body, row, column, text):
    from digimotor.importer import import_file

    src = _write(tmp_path / "bad.csv", body)
    with pytest.raises(InputFileError) as info:
        import_file("capabilities", src, name="bad")
    err = info.value
    # the column is named as the file writes it; the exact duplicate is reported on the key columns
    assert err.file.endswith("bad.csv") and err.row == row and column in err.column
    message = str(err)
    assert "bad.csv" in message and f"row {row}" in message and text in message


def test_same_capability_on_two_dates_is_allowed(project, tmp_path):
    from digimotor.importer import import_file

    src = _write(tmp_path / "two.csv", "Orust;Implementera standarder;2;1;5;;2019-11-16\n"
                                       "Orust;implement_standards;4;1;5;;2020-11-16\n")
    import_file("capabilities", src, name="two-dates")
    matrix = cm.capability_matrix(cs.load_capabilities("two-dates"))
    assert matrix.loc["1421", "implement_standards"] == 0.75


def test_willingness_and_criticality_imports(project, tmp_path):
    from digimotor.importer import import_file

    src = tmp_path / "vilja.csv"
    src.write_text("kommun;förmåga;vill leda;vill ta emot\nOrust;;nej;ja\nOrust;Leverantörshantering;ja;ja\n",
                   encoding="utf-8")
    import_file("capability_willingness", src, name="vilja")
    frame = cs.load_willingness("vilja")
    assert frame["capability"].isna().tolist() == [True, False]
    assert frame["willing_to_lead"].tolist() == [False, True]
    crit = tmp_path / "krit.csv"
    crit.write_text("förmåga;kritikalitet\nAvveckla;high\nIT-arkitektur;low\n", encoding="utf-8")
    import_file("capability_criticality", crit, name="krit")
    criticality = cs.load_criticality("krit")
    assert criticality["decommission"] == "high" and criticality["it_architecture"] == "low"
    assert criticality["supplier_management"] == "high"  # default for a key capability stays
    bad = tmp_path / "bad.csv"
    bad.write_text("förmåga;kritikalitet\nAvveckla;high\nAvvekla;low\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file("capability_criticality", bad, name="bad")
    assert info.value.row == 3 and info.value.column == "förmåga"


def test_template_writes_csv_and_xlsx(tmp_path):
    from digimotor.importer import write_template

    paths = write_template("capabilities", tmp_path)
    assert [p.suffix for p in paths] == [".csv", ".xlsx"]
    header = paths[0].read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    assert header[:3] == ["municipality_code", "capability", "score"] and "technology" in header
    sheets = pd.read_excel(paths[1], sheet_name=None)
    assert set(sheets) == {"capabilities", "columns"}
