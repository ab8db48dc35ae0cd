"""TBM cost analysis: metrics recomputed by hand, the synthetic ledger's calibration, claims, taxonomy files."""

import math

import pandas as pd
import pytest

from digimotor.errors import DigimotorError
from digimotor.metrics import tbm
from digimotor.model.tbm import COST_POOLS, UNITS, WORK_AREAS
from digimotor.provenance import tag
from digimotor.sources.tbm import load_account_mapping

# A hand-written two-organisation ledger (tkr). Org B serves three municipalities.
LEDGER_ROWS = [
    # organisation, municipalities, account, cost_pool, work_area, amount, credit
    ("A", "1460", "Personalkostnader", None, "infrastructure", 400.0, False),
    ("A", "1460", "Licenser", None, "application_operations", 300.0, False),
    ("A", "1460", "Licenser", None, "application_operations", -50.0, True),
    ("A", "1460", None, "hardware", "end_user_services", 250.0, False),
    ("A", "1460", "Konsulter", None, "steer_and_support", 100.0, False),
    ("B", "1427;1430;1484", "Löner", None, "infrastructure", 1000.0, False),
    ("B", "1427;1430;1484", "Hårdvara", None, "end_user_services", 600.0, False),
    ("B", "1427;1430;1484", "Telefoni", None, "application_operations", 400.0, False),
]


def _ledger(rows=LEDGER_ROWS, year=2019):
    frame = pd.DataFrame(rows, columns=["organisation", "municipalities", "account", "cost_pool", "work_area",
                                        "amount", "credit"])
    frame["year"] = year
    frame["unit"] = "tkr"
    frame["control_total"] = float("nan")
    frame["cost_pool"] = pd.Categorical(frame["cost_pool"], categories=list(COST_POOLS))
    frame["work_area"] = pd.Categorical(frame["work_area"], categories=list(WORK_AREAS))
    frame["amount_sek"] = frame["amount"] * 1000.0
    return tag(frame, "synthetic", "test ledger")


def _total_cost():
    return tag(pd.DataFrame({
        "municipality_code": ["1460", "1427", "1430", "1484"],
        "municipality": ["Bengtsfors", "Sotenäs", "Munkedal", "Lysekil"],
        "year": [2019] * 4,
        "total_cost_sek": [700e6, 600e6, 650e6, 950e6],
        "definition": ["result_and_depreciation"] * 3 + ["kolada_net_cost"],
        "population": [9800, 9100, 10500, 14600],
    }), "synthetic", "test total costs")


@pytest.fixture
def pooled():
    return tbm.assign_cost_pools(_ledger(), load_account_mapping("default"))


def test_accounts_are_mapped_and_own_pools_kept(pooled):
    assert list(pooled["cost_pool"].astype(str)) == [
        "internal_labour", "software", "software", "hardware", "external_labour",
        "internal_labour", "hardware", "telecom",
    ]
    assert list(pooled["pool_source"]) == ["mapping"] * 3 + ["ledger"] + ["mapping"] * 4


def test_cost_pool_shares_by_hand(pooled):
    shares = tbm.cost_pool_shares(pooled).set_index(["organisation", "cost_pool"])
    # A: 400 + 300 - 50 + 250 + 100 = 1000 tkr; the credit nets software to 250.
    assert shares.loc[("A", "software"), "amount_sek"] == 250_000
    assert shares.loc[("A", "software"), "share_pct"] == pytest.approx(25.0)
    assert shares.loc[("A", "internal_labour"), "share_pct"] == pytest.approx(40.0)
    assert shares.loc[("A", "telecom"), "share_pct"] == 0.0
    assert shares.loc[("B", "hardware"), "share_pct"] == pytest.approx(30.0)
    assert shares.loc[("B", "internal_labour"), "it_cost_sek"] == 2_000_000
    assert len(shares) == 2 * 9
    pooled_shares = tbm.pooled_cost_pool_shares(pooled).set_index("cost_pool")
    assert pooled_shares.loc["internal_labour", "share_pct"] == pytest.approx(100 * 1400 / 3000)
    assert pooled_shares["share_pct"].sum() == pytest.approx(100.0)


def test_spread_is_the_box_plot_statistics(pooled):
    spread = tbm.share_spread(tbm.cost_pool_shares(pooled)).set_index("cost_pool")
    # hardware: A 25 %, B 30 % -> median 27.5, quartiles by linear interpolation 26.25 / 28.75
    assert spread.loc["hardware", ["min", "q1", "median", "q3", "max"]].tolist() == pytest.approx(
        [25.0, 26.25, 27.5, 28.75, 30.0])
    assert spread.loc["hardware", "iqr"] == pytest.approx(2.5)
    assert spread.loc["hardware", "std"] == pytest.approx(math.sqrt(12.5))


def test_work_areas_and_run_develop_by_hand(pooled):
    areas = tbm.work_area_shares(pooled).set_index(["organisation", "work_area"])
    assert areas.loc[("A", "application_operations"), "share_pct"] == pytest.approx(25.0)
    assert areas.loc[("all", "infrastructure"), "share_pct"] == pytest.approx(100 * 1400 / 3000)
    rd = tbm.run_develop(tbm.work_area_shares(pooled)).set_index("organisation")
    assert rd.loc["A", "run_pct"] == pytest.approx(65.0)  # 400 + 250 of 1000
    assert rd.loc["B", "run_develop_ratio"] == pytest.approx(1600 / 400)
    assert rd.loc["all", "run_pct"] == pytest.approx(100 * 2250 / 3000)
    assert list(rd.index) == ["A", "B", "all"]


def test_work_area_missing_is_unassigned_not_dropped():
    ledger = _ledger()
    ledger.loc[0, "work_area"] = None
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping("default"))
    areas = tbm.work_area_shares(pooled).set_index(["organisation", "work_area"])
    assert areas.loc[("A", "unassigned"), "amount_sek"] == 400_000
    rd = tbm.run_develop(tbm.work_area_shares(pooled)).set_index("organisation")
    assert rd.loc["A", "unassigned_sek"] == 400_000 and rd.loc["A", "run_pct"] == pytest.approx(100 * 250 / 600)


def test_central_it_share_divides_a_shared_organisation_by_its_municipalities(pooled):
    shares = tbm.central_it_share(_ledger(), _total_cost(), 2019).set_index("organisation")
    assert shares.loc["A", "share_pct"] == pytest.approx(100 * 1_000_000 / 700e6)
    assert shares.loc["B", "share_pct"] == pytest.approx(100 * 2_000_000 / (600e6 + 650e6 + 950e6))
    assert shares.loc["B", "n_municipalities"] == 3 and shares.loc["B", "population"] == 9100 + 10500 + 14600
    assert tbm.definition_differs(shares.reset_index()) == ["B"]


def test_per_municipality_allocation_keys():
    shares = tbm.central_it_share(_ledger(), _total_cost(), 2019)
    by_pop = tbm.central_it_share_by_municipality(shares, _total_cost(), 2019).set_index("municipality_code")
    weight = 9100 / (9100 + 10500 + 14600)
    assert by_pop.loc["1427", "allocated_it_cost_sek"] == pytest.approx(2_000_000 * weight)
    assert by_pop.loc["1427", "share_pct"] == pytest.approx(100 * 2_000_000 * weight / 600e6)
    assert by_pop.loc["1460", "allocation_key"] == "none"
    assert by_pop["allocated_it_cost_sek"].sum() == pytest.approx(3_000_000)
    by_cost = tbm.central_it_share_by_municipality(shares, _total_cost(), 2019, key="total_cost")
    b_share = 100 * 2_000_000 / 2200e6
    assert by_cost.loc[by_cost["organisation"] == "B", "share_pct"].tolist() == pytest.approx([b_share] * 3)
    with pytest.raises(DigimotorError, match="allocation key"):
        tbm.central_it_share_by_municipality(shares, _total_cost(), 2019, key="area")


def test_missing_total_cost_and_implausible_share_are_errors():
    with pytest.raises(DigimotorError, match="no total cost for 2019 of 1484"):
        tbm.central_it_share(_ledger(), _total_cost().iloc[:3], 2019)
    small = _total_cost().assign(total_cost_sek=lambda f: f["total_cost_sek"] / 1000)
    with pytest.raises(DigimotorError, match="outside the plausible"):
        tbm.central_it_share(_ledger(), small, 2019)
    with pytest.raises(DigimotorError, match="years present: 2019"):
        tbm.central_it_share(_ledger(), _total_cost(), 2020)


def test_averages_and_counts_below():
    shares = tbm.central_it_share(_ledger(), _total_cost(), 2019)
    readings = tbm.average_readings(shares, research_level_pct=2.0)
    a, b = 100 * 1e6 / 700e6, 100 * 2e6 / 2200e6
    assert readings["mean"] == pytest.approx((a + b) / 2)
    assert readings["pooled"] == pytest.approx(100 * 3e6 / 2900e6)
    table = tbm.below_average_table(shares, readings).set_index("reading")
    assert table.loc["mean", "below"] == 1 and table.loc["research", "below"] == 2


def test_spearman_matches_a_hand_computed_rank_correlation():
    values = [0.8, 0.6, 2.17, 0.7, 0.75]
    sizes = [30000, 4800, 24000, 52000, 9000]
    # ranks: values 4,1,5,2,3; sizes 4,1,3,5,2 -> d^2 = 0+0+4+9+1 = 14; rho = 1 - 6*14/(5*24)
    result = tbm.size_correlation(values, sizes)
    assert result["rho"] == pytest.approx(1 - 6 * 14 / 120)
    assert result["n"] == 5 and 0 < result["p_value"] < 1
    with pytest.raises(DigimotorError, match="at least three"):
        tbm.size_correlation([1.0, 2.0], [3.0, 4.0])


def test_unmapped_accounts_are_listed_with_amounts_never_dropped():
    rows = LEDGER_ROWS + [("A", "1460", "Representation", None, "steer_and_support", 35.0, False),
                          ("B", "1427;1430;1484", "Representation", None, "steer_and_support", 15.0, False)]
    mapping = load_account_mapping("default")
    missing = tbm.unmapped_accounts(_ledger(rows), mapping)
    total = _ledger(rows)["amount_sek"].sum()
    assert missing.to_dict("records") == [
        {"account": "Representation", "organisations": "A, B", "rows": 2, "amount_sek": 50_000.0,
         "share_pct": pytest.approx(100 * 50_000 / total)}]
    with pytest.raises(tbm.UnmappedAccountsError) as info:
        tbm.assign_cost_pools(_ledger(rows), mapping)
    assert "'Representation' (A, B): 50,000 kr in 2 row(s)" in str(info.value)
    # a stated share: below it the rows are kept (listed as unmapped), above it they stop the run
    share = 100 * 50_000 / total
    kept = tbm.assign_cost_pools(_ledger(rows), mapping, max_unmapped_pct=share + 0.01)
    assert kept.loc[kept["cost_pool"] == "unmapped", "amount_sek"].sum() == 50_000
    with pytest.raises(tbm.UnmappedAccountsError, match=r"1\.6 % of the total, more than the 1\.5 % allowed"):
        tbm.assign_cost_pools(_ledger(rows), mapping, max_unmapped_pct=1.5)
    separate = tbm.assign_cost_pools(_ledger(rows), mapping, unmapped="separate")
    shares = tbm.cost_pool_shares(separate).set_index(["organisation", "cost_pool"])
    assert shares.loc[("A", "unmapped"), "amount_sek"] == 35_000
    assert shares.loc[("A", "internal_labour"), "it_cost_sek"] == 1_035_000


def test_mapping_matches_case_and_diacritics_insensitively():
    rows = [("A", "1460", "LONER", None, "infrastructure", 10.0, False),
            ("A", "1460", "programvara-licenser", None, "infrastructure", 10.0, False)]
    mapping = load_account_mapping("default")
    pooled = tbm.assign_cost_pools(_ledger(rows[:1]), mapping)
    assert pooled["cost_pool"].astype(str).tolist() == ["internal_labour"]
    assert tbm.unmapped_accounts(_ledger(rows), mapping)["account"].tolist() == ["programvara-licenser"]


# --- the synthetic ledger --------------------------------------------------------------------


def _synthetic_raw(repo_root):
    ledger = pd.read_csv(repo_root / "data/raw/synthetic/tbm_ledger.csv")
    costs = pd.read_csv(repo_root / "data/raw/synthetic/municipal_total_cost.csv")
    return ledger, costs


def test_synthetic_ledger_agrees_with_the_report_by_construction(repo_root):
    """Recompute the calibrated statements from the CSV files with plain pandas."""
    ledger, costs = _synthetic_raw(repo_root)
    assert set(ledger["unit"]) == {"tkr"} and set(costs["unit"]) == {"tkr"}
    assert ledger["organisation"].nunique() == 12
    served = ledger.groupby("organisation")["municipalities"].first().str.split(";")
    assert sorted(c for codes in served for c in codes) == [f"Kommun {i:02d}" for i in range(1, 15)]
    assert served.map(len).max() == 3
    assert (ledger.loc[ledger["amount"] < 0, "credit"]).all()
    it_cost = ledger.groupby("organisation")["amount"].sum()
    assert (it_cost == ledger.groupby("organisation")["control_total"].first()).all()
    total = costs.set_index("municipality_code")["total_cost"]
    share = pd.Series({org: 100 * it_cost[org] / total[codes].sum() for org, codes in served.items()})
    outlier = share.idxmax()
    assert round(share[outlier], 2) == 2.17
    hardware = ledger[ledger["account"] == "Hårdvara"].groupby("organisation")["amount"].sum() / it_cost * 100
    assert round(hardware[outlier]) == 40
    assert round(hardware.mean()) == 23
    pooled_share = 100 * it_cost.sum() / total.sum()
    for level in (share.mean(), pooled_share, 2.0):
        assert (share < level).sum() == 11


def test_calibrated_claim_values_equal_the_ledger(repo_root):
    from digimotor.claims import tbm as tbm_claims
    from digimotor.sources.tbm import load_municipal_total_cost, load_tbm_ledger

    ledger = load_tbm_ledger("synthetic")
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping("default"))
    shares = tbm.central_it_share(ledger, load_municipal_total_cost("synthetic"), 2019)
    values = tbm_claims.claim_values(shares, tbm.cost_pool_shares(pooled))
    raw, costs = _synthetic_raw(repo_root)
    it_cost = raw.groupby("organisation")["amount"].sum()
    assert values["fig19.outlier.central_it_share"] == pytest.approx(shares["share_pct"].max())
    assert values["fig19.below_average.count"] == 11
    hardware = raw[raw["account"] == "Hårdvara"].groupby("organisation")["amount"].sum() / it_cost * 100
    assert values["fig19.hardware_share.average"] == pytest.approx(hardware.mean())


def test_generator_checks_every_promise(repo_root):
    from digimotor.synthetic import DEFAULT_SEED
    from digimotor.synthetic import tbm as generator

    frames = generator.generate(DEFAULT_SEED)
    checks = generator.check_calibration(frames["tbm_ledger"], frames["municipal_total_cost"])
    assert checks and all(checks.values()), checks
    broken = frames["tbm_ledger"].copy()
    broken.loc[broken["account"] == "Hårdvara", "amount"] *= 3
    assert not generator.check_calibration(broken, frames["municipal_total_cost"])["hardware_mean"]


def test_the_mean_central_it_share_is_not_tuned(repo_root):
    """The report's mean is damaged ('2%', '1,0…', ',04%'): 1,04 % is recovered (not evidence), '2%' inconsistent."""
    from digimotor.claims import load_claims

    claims = load_claims("tbm").set_index("claim_id")
    for claim_id in ("text.central_it_share.mean", "fig19.central_it_share.mean_label"):
        assert claims.loc[claim_id, "status"] == "recovered"
        assert claims.loc[claim_id, "published_value"] == pytest.approx(1.04)
    assert claims.loc["summary.central_it_share.mean", "status"] == "inconsistent"
    assert "NOT tuned" in claims.loc["summary.central_it_share.mean", "note"]
    assert "1,©#b" in claims.loc["text.central_it_share.mean", "raw_text"]
    assert "22 %" in claims.loc["text.reference.forsakringskassan", "raw_text"]
    assert claims.loc["text.reference.forsakringskassan", "status"] == "uncertain"


# --- claims and published facts -----------------------------------------------------------


def test_derived_claims_from_the_published_organisation_table(repo_root):
    from digimotor.claims import tbm as tbm_claims
    from digimotor.regions import resolve_region
    from digimotor.sources.tbm import load_it_organisations

    assert tbm_claims.derive() == {}, "the counts are read back from the report's words: transcribed, not derived"
    values = tbm_claims.organisation_values(load_it_organisations("published"), resolve_region("Fyrbodal").codes)
    assert values == {"fig19.organisations.count": 12.0, "fig19.municipalities.count": 14.0,
                      "text.shared_organisation.municipalities": 3.0}
    organisations = load_it_organisations("published")
    shared = organisations[organisations["organisation"] == "SML-IT"]
    assert sorted(shared["municipality"]) == ["Lysekil", "Munkedal", "Sotenäs"]
    with pytest.raises(DigimotorError, match="1421"):
        tbm_claims.organisation_values(organisations[organisations["municipality_code"] != "1421"],
                                       organisations["municipality_code"].tolist() + ["1421"])


def test_claim_statuses(repo_root):
    from digimotor.claims import load_claims, scorecard

    claims = load_claims("tbm")
    assert claims["status"].value_counts().to_dict() == {
        "uncertain": 4, "qualitative": 5, "calibrated": 4, "transcribed": 6, "recovered": 2, "inconsistent": 1,
        "not_reproducible": 1}
    for claim_id in ("fig19.below_average.count", "fig19.hardware_share.average"):
        assert "AMBIGUOUS" in claims.set_index("claim_id").loc[claim_id, "note"]
    card = scorecard(parts=["tbm"]).set_index("claim_id")
    assert (card["outcome"] == card["status"]).all()
    assert (claims.loc[claims["status"] == "qualitative", "note"].str.contains("checked")).all()


def test_reference_levels_are_published_and_foersakringskassan_unreadable(repo_root):
    from digimotor.sources.tbm import load_reference_levels

    levels = load_reference_levels().set_index("reference")
    assert levels.attrs["provenance"]["kind"] == "published"
    assert levels.loc["municipalities_research", "share_pct"] == 2.0
    assert levels.loc["municipalities_research", "relation"] == "just_under"
    assert levels.loc["banks", "share_pct"] == 8.0
    assert not levels.loc["forsakringskassan", "readable"]
    assert math.isnan(levels.loc["forsakringskassan", "share_pct"])


# --- the taxonomy as data ---------------------------------------------------------------------


def test_taxonomy_files_match_their_provenance_note(repo_root):
    import yaml

    from digimotor.config import REFERENCE_DIR
    from digimotor.provenance import sha256_file

    note = yaml.safe_load((REFERENCE_DIR / "tbm_taxonomy.meta.yml").read_text(encoding="utf-8"))
    for name, digest in note["sha256_files"].items():
        assert sha256_file(REFERENCE_DIR / name) == digest, f"{name} changed: update tbm_taxonomy.meta.yml"


def test_taxonomy_content():
    from digimotor.sources.tbm import load_cost_pools, load_work_areas

    pools = load_cost_pools()
    assert pools["tbm_name"].tolist() == ["Internal Labor", "Software", "Hardware", "Outside Services", "Telecom",
                                          "Facilities & Power", "External Labor", "Other", "Internal Services"]
    areas = load_work_areas().set_index("work_area")
    assert areas["focus"].to_dict() == {"infrastructure": "run", "end_user_services": "run",
                                        "application_operations": "develop", "steer_and_support": "develop"}
    mapping = load_account_mapping("default")
    assert set(mapping["cost_pool"].astype(str)) == set(COST_POOLS), "every pool has at least one account"
    assert UNITS == {"kr": 1.0, "tkr": 1000.0, "mnkr": 1e6}


def test_plots_mark_synthetic_data_inside_the_image(pooled):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digimotor.plots import tbm as plots
    from digimotor.sources.tbm import load_cost_pools, load_work_areas

    pool_shares = tbm.cost_pool_shares(pooled)
    axes = [
        plots.cost_pool_boxplot(pool_shares, load_cost_pools(), lang="en"),
        plots.pooled_cost_pool_bars(tbm.pooled_cost_pool_shares(pooled), load_cost_pools(), lang="en"),
        plots.cost_pool_stacked(pool_shares, load_cost_pools(), lang="en"),
        plots.work_area_bars(tbm.work_area_shares(pooled), load_work_areas(), lang="en"),
    ]
    texts = [t.get_text() for ax in axes for t in ax.texts]
    assert texts.count("SYNTHETIC EXAMPLE DATA") == 4
    assert "Internal labour" in [t.get_text() for t in axes[0].get_xticklabels()]
    plt.close("all")


def test_figure19_draws_published_levels_beside_synthetic_bars(repo_root, pooled):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digimotor.plots import tbm as plots
    from digimotor.sources.tbm import load_reference_levels

    shares = tbm.central_it_share(_ledger(), _total_cost(), 2019)
    ax = plots.central_it_share_bars(shares, load_reference_levels(), lang="sv")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1] == "Publicerat: kommuner enligt forskning strax under 2 %"
    assert any("banker ungefär 8 %" in t.get_text() for t in ax.texts)
    assert "SYNTETISKA EXEMPELDATA" in [t.get_text() for t in ax.texts]
    plt.close("all")


def test_combined_kind_never_hides_synthetic_inputs():
    from digimotor.plots.tbm import combined_kind

    assert combined_kind("synthetic", "user") == "synthetic"
    assert combined_kind("user", "public") == "user"
    assert combined_kind("published", "public") == "public"
    with pytest.raises(ValueError):
        combined_kind("other")
