"""Every derived claim is recomputed from published inputs and must equal the report."""

import pytest

from digimotor.claims import (
    NEEDS_NOTE,
    OUTCOMES,
    STATUSES,
    derive_all,
    load_claims,
    matches,
    part_summary,
    round_half_up,
    scorecard,
)
from digimotor.errors import DigimotorError


def test_claims_files_are_well_formed(repo_root):
    claims = load_claims()
    assert claims["claim_id"].is_unique
    assert set(claims["status"]) <= set(STATUSES)
    assert (claims["seed_line"] != "").all(), "every claim cites its seed line"
    assert (claims["raw_text"] != "").all(), "every claim keeps the OCR text it was read from"
    argued = claims[claims["status"].isin(NEEDS_NOTE)]
    assert (argued["note"].str.len() > 20).all(), "recovered, inconsistent, background … claims give their argument"
    assert {"recovered", "inconsistent", "background"} <= set(claims["status"])


def test_every_derived_claim_is_computed_and_equal(repo_root):
    card = scorecard()
    derived = card[card["status"] == "derived"]
    assert len(derived) >= 45
    not_computed = derived.loc[derived["outcome"] == "not computed", "claim_id"].tolist()
    assert not_computed == [], f"derived claims without a derivation: {not_computed}"
    differs = derived.loc[derived["outcome"] == "differs", ["claim_id", "published_value", "computed_value"]]
    assert differs.empty, f"claims that differ from the report:\n{differs}"


def test_recovered_values_keep_raw_text_and_argument(repo_root):
    claims = load_claims().set_index("claim_id")
    uddevalla = claims.loc["text.1485.change_pct"]
    assert uddevalla["status"] == "recovered" and uddevalla["published_value"] == pytest.approx(4.1)
    assert "dkh" in uddevalla["raw_text"] and "Figure 7's order" in uddevalla["note"]
    assert "stays recovered" in uddevalla["note"], "recovered from the exhibit it would be checked against"
    for statement in ("project_control", "investment_prioritisation", "benefits_realisation"):
        sd = claims.loc[f"text.statement.{statement}.sd"]
        assert sd["status"] == "recovered" and sd["published_value"] == pytest.approx(1.4)
        assert "Standardavvikelset 4" in sd["raw_text"] and "2,5" in sd["note"]
    expected = {"text.infosec.ciso_present_count": 9, "fig20.mixed.share_pct": 56, "text.central_it_share.mean": 1.04,
                "fig19.central_it_share.mean_label": 1.04, "text.size.largest": 60000, "text.surveys.count": 3}
    for claim_id, value in expected.items():
        assert claims.loc[claim_id, "status"] == "recovered", claim_id
        assert claims.loc[claim_id, "published_value"] == pytest.approx(value), claim_id


def test_a_recovered_value_is_never_evidence(repo_root):
    values = derive_all(["demography"])
    values["text.1485.change_pct"] = 4.1  # equal to the recovered reading: still not "reproduced"
    card = scorecard(produced=values, parts=["demography"]).set_index("claim_id")
    assert card.loc["text.1485.change_pct", "outcome"] == "recovered"
    assert card.loc["text.size.largest", "outcome"] == "recovered"
    # the check of "knappt 60 000" against Figure 7 is a separate derived claim
    assert card.loc["text.size.largest.fig07", "status"] == "derived"
    assert card.loc["text.size.largest.fig07", "outcome"] == "reproduced"
    assert card.loc["text.size.largest.fig07", "computed_value"] == 59100


def test_most_municipalities_decline_is_derived_from_figure7(repo_root):
    card = scorecard(parts=["demography"]).set_index("claim_id")
    for claim_id in ("summary.declining.count", "text.declining.count"):
        assert card.loc[claim_id, "computed_value"] == 8
        assert card.loc[claim_id, "outcome"] == "reproduced"
    values = derive_all(["demography"])
    values["text.declining.count"] = 7.0  # 7 of 14 is not a majority
    card = scorecard(produced=values, parts=["demography"]).set_index("claim_id")
    assert card.loc["text.declining.count", "outcome"] == "differs"


def test_inconsistent_and_background_claims(repo_root):
    claims = load_claims().set_index("claim_id")
    assert claims.loc["text.fyrbodal.maturity_pct", "status"] == "inconsistent"
    assert claims.loc["text.fyrbodal.maturity_pct", "published_value"] == 83
    assert claims.loc["summary.central_it_share.mean", "status"] == "inconsistent"
    assert claims.loc["text.dimios.better_than_average", "status"] == "inconsistent"
    assert "CONTRADICTED" in claims.loc["text.dimios.legacy_above_national", "note"]
    background = claims[claims["status"] == "background"]
    assert {"text.ai.potential_sek_bn", "text.ai.potential_share_pct", "text.broadband.national_target_year"} <= set(
        background.index)
    assert background["published_value"].notna().all()
    for claim_id in ("fig19.organisations.count", "fig19.municipalities.count", "text.shared_organisation.municipalities"):
        assert claims.loc[claim_id, "status"] == "transcribed", "read back from the report's own words"
    assert claims.loc["fig22.poorly.share_pct", "status"] == "uncertain"
    assert claims.loc["text.reference.forsakringskassan", "published_value"] == 22
    assert claims.loc["text.reference.forsakringskassan", "status"] == "uncertain"


@pytest.mark.parametrize(("status", "note", "message"), [
    ("guessed", "x", "status 'guessed' not in"),
    ("recovered", "", "a recovered claim needs a published value"),
])
def test_statuses_are_validated(project, status, note, message):
    path = project / "data" / "claims" / "demography.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"bad.claim,demography,text,,1,x,,=,,pct,{status},raw,{note}\n", encoding="utf-8")
    with pytest.raises(DigimotorError, match=message):
        load_claims()


def test_a_recovered_claim_needs_its_argument(project):
    path = project / "data" / "claims" / "demography.csv"
    path.write_text(path.read_text(encoding="utf-8") + "bad.claim,demography,text,,1,x,4,=,0,pct,recovered,raw,\n",
                    encoding="utf-8")
    with pytest.raises(DigimotorError, match="bad.claim: a recovered claim needs a note"):
        load_claims()


def test_part_summary_counts_every_outcome_per_part(repo_root):
    card = scorecard()
    summary = part_summary(card)
    assert list(summary.columns) == ["part", "outcome", "evidence", "label", "count"]
    assert summary["count"].sum() == len(card)
    parts = sorted(card["part"].unique())
    assert len(summary) == len(parts) * len(OUTCOMES)
    demography = summary[summary["part"] == "demography"].set_index("outcome")["count"]
    assert demography["recovered"] == 2 and demography["reproduced"] == 42 and demography["uncertain"] == 0
    tbm = summary[summary["part"] == "tbm"].set_index("outcome")
    assert tbm.loc["inconsistent", "count"] == 1 and not tbm.loc["inconsistent", "evidence"]
    assert summary.loc[summary["outcome"] == "reproduced", "evidence"].all()
    english = part_summary(card, lang="en").set_index(["part", "outcome"])
    assert english.loc[("survey", "background"), "label"].startswith("Background")
    with pytest.raises(DigimotorError, match="lang"):
        part_summary(card, lang="de")


def test_a_wrong_value_is_detected(repo_root):
    values = derive_all(["demography"])
    values["fig07.1460.change_pct"] = -12.3
    card = scorecard(produced=values, parts=["demography"]).set_index("claim_id")
    assert card.loc["fig07.1460.change_pct", "outcome"] == "differs"
    del values["fig07.1461.change"]
    card = scorecard(produced=values, parts=["demography"]).set_index("claim_id")
    assert card.loc["fig07.1461.change", "outcome"] == "not computed"


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(-12.25, 1, -12.3), (0.05, 1, 0.1), (-0.182548, 1, -0.2), (1249.9, -2, 1200.0), (1250, -2, 1300.0)],
)
def test_round_half_up(value, decimals, shown):
    assert round_half_up(value, decimals) == shown


def test_relations():
    assert matches(4800, 5000, "<", -2)
    assert not matches(5000, 5000, "<", -2)
    assert matches(-12.2449, -12.2, "=", 1)
    assert not matches(float("nan"), 1.0, "=", 1)


def test_derived_claim_without_printed_precision_compares_whole_numbers(repo_root, monkeypatch):
    import digimotor.claims as claims_module

    real = claims_module.load_claims

    def without_decimals(part=None):
        frame = real(part)
        frame.loc[frame["claim_id"] == "fig07.1460.change", "decimals"] = None
        return frame

    monkeypatch.setattr(claims_module, "load_claims", without_decimals)
    card = scorecard(parts=["demography"]).set_index("claim_id")
    assert card.loc["fig07.1460.change", "outcome"] == "reproduced"
