"""Re-testing the report's five conclusions: the registered rules, the evaluator, the verdicts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from digimotor import claims
from digimotor.metrics import conclusions

FIG07 = "fig07_population_forecast"
FIG18 = "fig18_run_develop"
FIG19 = "fig19_central_it_share"


def population(declining: int, total: int = 14, kind: str = "user") -> pd.DataFrame:
    """A Figure 7 table: ``declining`` of ``total`` municipalities lose inhabitants, plus the
    regional total row (no code), which must not count as a municipality."""
    changes = [-100 - i for i in range(declining)] + [50 + i for i in range(total - declining)]
    frame = pd.DataFrame({
        "municipality_code": [f"{1400 + i}" for i in range(total)],
        "municipality": [f"Kommun {i:02d}" for i in range(total)],
        "change": changes,
    })
    region = pd.DataFrame({"municipality_code": [None], "municipality": ["Regionen"], "change": [-5000]})
    out = pd.concat([frame, region], ignore_index=True)
    out["data_kind"] = kind
    return out


def run_develop(run: list[float], develop: list[float], kind: str = "public") -> pd.DataFrame:
    frame = pd.DataFrame({"organisation": [f"IT-org {i + 1:02d}" for i in range(len(run))],
                          "run_sek": run, "develop_sek": develop})
    pooled = pd.DataFrame({"organisation": ["all"], "run_sek": [sum(run)], "develop_sek": [sum(develop)]})
    out = pd.concat([frame, pooled], ignore_index=True)
    out["data_kind"] = kind
    return out


def central_it(shares: list[float], kind: str = "user") -> pd.DataFrame:
    return pd.DataFrame({"organisation": [f"IT-org {i + 1:02d}" for i in range(len(shares))],
                         "share_pct": shares, "definition": "result_and_depreciation", "data_kind": kind})


def verdict(frame: pd.DataFrame, cid: str) -> dict:
    return frame.set_index("conclusion").loc[cid].to_dict()


def test_rules_are_registered_for_all_five_conclusions_and_their_thresholds_are_the_registry_s(repo_root):
    rules = conclusions.load_rules()
    assert [r["id"] for r in rules] == ["C1", "C2", "C3", "C4", "C5"]
    assert [r["seed_lines"] for r in rules] == ["191-193", "195-197", "199-202", "204-209", "211-214"]
    untestable = {r["id"] for r in rules if "cannot_test" in r}
    assert untestable == {"C2", "C5"}
    registry = claims.load_claims().set_index("claim_id")
    for rule in rules:
        if "cannot_test" in rule:
            continue
        claim = registry.loc[rule["threshold_claim"]]
        if rule["threshold_claim"] == "summary.declining.count":  # "more than 7 of 14": a majority
            assert float(claim["published_value"]) / 14 * 100 == rule["threshold"] and claim["relation"] == ">"
        elif rule["threshold_claim"] == "fig18.run_focus":  # qualitative, checked as a share above 50 %
            assert "above 50 %" in claim["note"] and rule["threshold"] == 50.0
        else:
            assert float(claim["published_value"]) == rule["threshold"]
            assert claim["unit"] == rule["unit"]


def test_population_declining_in_8_of_14_holds_and_5_of_14_no_longer_holds():
    held = verdict(conclusions.evaluate({FIG07: population(8)}), "C1")
    assert held["verdict"] == "holds" and held["rule_met"] is True
    assert (held["count"], held["n"]) == (8, 14)  # the regional total row is not a municipality
    assert held["value"] == pytest.approx(100 * 8 / 14) and held["threshold"] == 50.0
    assert held["data_kinds"] == "user"
    assert held["explanation_sv"] == "Gäller: 8 av 14 kommuner minskar (57,1 %); regeln > 50,0 %."
    assert held["explanation_en"] == "Holds: 8 of 14 municipalities decline (57.1 %); rule > 50.0 %."

    gone = verdict(conclusions.evaluate({FIG07: population(5)}), "C1")
    assert gone["verdict"] == "no_longer_holds" and gone["rule_met"] is False
    assert (gone["count"], gone["n"]) == (5, 14)
    assert "5 av 14" in gone["explanation_sv"] and gone["explanation_sv"].startswith("Gäller inte längre")
    # exactly half is not "a majority"
    assert verdict(conclusions.evaluate({FIG07: population(7)}), "C1")["verdict"] == "no_longer_holds"


def test_synthetic_inputs_are_not_tested_and_published_ones_read_as_published():
    example = verdict(conclusions.evaluate({FIG07: population(8, kind="synthetic")}), "C1")
    assert example["verdict"] == "not_tested_example" and example["data_kinds"] == "synthetic"
    assert example["explanation_en"].startswith("Not tested (example data)")
    # one synthetic row is enough
    mixed = population(8)
    mixed.loc[0, "data_kind"] = "synthetic"
    assert verdict(conclusions.evaluate({FIG07: mixed}), "C1")["verdict"] == "not_tested_example"

    published = verdict(conclusions.evaluate({FIG07: population(8, kind="published")}), "C1")
    assert published["verdict"] == "as_published" and published["rule_met"] is True
    assert (published["count"], published["n"]) == (8, 14)
    assert "8 av 14 kommuner minskar (57,1 %)" in published["explanation_sv"]
    # published and public together: the public rows make it a test
    both = population(8)
    both["data_kind"] = ["published"] * 7 + ["public"] * 8
    assert verdict(conclusions.evaluate({FIG07: both}), "C1")["verdict"] == "holds"


def test_missing_tables_and_columns_cannot_tell_and_name_what_is_missing():
    result = conclusions.evaluate({})
    assert set(result["verdict"]) == {"cannot_tell"}
    c1 = verdict(result, "C1")
    assert FIG07 in c1["explanation_sv"] and FIG07 in c1["explanation_en"] and math.isnan(c1["value"])
    no_change = population(8).drop(columns=["change"])
    c1 = verdict(conclusions.evaluate({FIG07: no_change}), "C1")
    assert c1["verdict"] == "cannot_tell" and "change" in c1["explanation_en"]
    only_total = population(0, total=0)
    assert verdict(conclusions.evaluate({FIG07: only_total}), "C1")["verdict"] == "cannot_tell"


def test_untestable_conclusions_say_why():
    result = conclusions.evaluate({FIG07: population(8)})
    for cid, word in (("C2", "extern bedömning"), ("C5", "kvalitativ")):
        row = verdict(result, cid)
        assert row["verdict"] == "cannot_tell" and row["testable"] is False
        assert word in row["explanation_sv"] and row["explanation_en"].startswith("No ")


def test_run_dominates_develop_pooled_over_the_organisations():
    # 60 + 20 run against 40 + 80 develop: pooled 40 % run, although one organisation runs 60 %
    weak = verdict(conclusions.evaluate({FIG18: run_develop([60.0, 20.0], [40.0, 80.0])}), "C3")
    assert weak["verdict"] == "no_longer_holds" and weak["value"] == pytest.approx(40.0) and weak["n"] == 2
    strong = verdict(conclusions.evaluate({FIG18: run_develop([70.0, 65.0], [30.0, 35.0])}), "C3")
    assert strong["verdict"] == "holds" and strong["value"] == pytest.approx(67.5)
    assert "67,5 %" in strong["explanation_sv"]
    example = verdict(conclusions.evaluate({FIG18: run_develop([70.0], [30.0], kind="synthetic")}), "C3")
    assert example["verdict"] == "not_tested_example" and example["rule_met"] is True


def test_central_it_share_against_the_research_level():
    below = verdict(conclusions.evaluate({FIG19: central_it([1.0, 1.2, 0.8])}), "C4")
    assert below["verdict"] == "holds" and below["value"] == pytest.approx(1.0) and below["threshold"] == 2.0
    assert below["threshold_claim"] == "text.reference.municipalities_research"
    above = verdict(conclusions.evaluate({FIG19: central_it([2.5, 3.0])}), "C4")
    assert above["verdict"] == "no_longer_holds" and above["value"] == pytest.approx(2.75)
    # another definition of total cost in the same table is left out
    other = central_it([9.0, 9.0]).assign(definition="result_only")
    both = pd.concat([central_it([1.0, 1.2, 0.8]), other], ignore_index=True)
    assert verdict(conclusions.evaluate({FIG19: both}), "C4")["value"] == pytest.approx(1.0)


def test_the_shipped_tables_give_as_published_and_not_tested(repo_root, tmp_path):
    """Fyrbodal's transcribed Figure 7 reads as published (8 of 14 decline); the synthetic ledger tests nothing."""
    for name, frame in ((FIG07, population(8, kind="published")), (FIG18, run_develop([7.0], [3.0], "synthetic"))):
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    tables = conclusions.read_tables({n: tmp_path / f"{n}.csv" for n in (FIG07, FIG18, FIG19)})
    assert set(tables) == {FIG07, FIG18}  # the absent file is left out, not an error
    result = conclusions.evaluate(tables).set_index("conclusion")["verdict"].to_dict()
    assert result == {"C1": "as_published", "C2": "cannot_tell", "C3": "not_tested_example",
                      "C4": "cannot_tell", "C5": "cannot_tell"}
