"""Every derived claim is recomputed from published inputs and must equal the report."""

import pytest

from digimotor.claims import STATUSES, derive_all, load_claims, matches, round_half_up, scorecard


def test_claims_files_are_well_formed(repo_root):
    claims = load_claims()
    assert claims["claim_id"].is_unique
    assert set(claims["status"]) <= set(STATUSES)
    assert (claims["seed_line"] != "").all(), "every claim cites its seed line"
    assert (claims["raw_text"] != "").all(), "every claim keeps the OCR text it was read from"


def test_every_derived_claim_is_computed_and_equal(repo_root):
    card = scorecard()
    derived = card[card["status"] == "derived"]
    assert len(derived) >= 39
    not_computed = derived.loc[derived["outcome"] == "not computed", "claim_id"].tolist()
    assert not_computed == [], f"derived claims without a derivation: {not_computed}"
    differs = derived.loc[derived["outcome"] == "differs", ["claim_id", "published_value", "computed_value"]]
    assert differs.empty, f"claims that differ from the report:\n{differs}"


def test_uncertain_claims_keep_their_raw_text(repo_root):
    claims = load_claims(part="demography")
    uddevalla = claims.set_index("claim_id").loc["text.1485.change_pct"]
    assert uddevalla["status"] == "uncertain"
    assert "dkh" in uddevalla["raw_text"]


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
