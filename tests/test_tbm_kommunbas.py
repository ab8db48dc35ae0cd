"""Kommun-Bas ledgers (account number and text), TBM v5, cost-centre work areas, unmapped shares."""

from pathlib import Path

import pytest

from digimotor.errors import DigimotorError, InputFileError
from digimotor.importer import import_file
from digimotor.metrics import tbm
from digimotor.model.tbm import account_key
from digimotor.sources.tbm import load_account_mapping, load_tbm_ledger
from digimotor.sources.tbm_accounts import (
    load_cost_centres,
    load_cost_pools_v5,
    v4_to_v5,
)

DATA = Path(__file__).parent / "data" / "tbm"

#: Written by hand: (account number, cost pool, mapped by) per row of kommunbas_ledger.csv.
EXPECTED = [
    ("5021", "internal_labour", "account_number_and_text"),
    ("5110", "internal_labour", "account_number_and_text"),
    ("5820", "internal_labour", "account_number"),  # "Personalsociala kostnader": class 5 by number only
    ("6011", "facilities_power", "account_number_and_text"),
    ("6411", "hardware", "account_text"),
    ("6541", "outside_services", "account_text"),
    ("6542", "software", "account_text"),
    ("6551", "external_labour", "account_text"),
    ("6712", "telecom", "account_text"),
    ("7950", "unmapped", ""),
]


@pytest.fixture
def kommunbas(project):
    import_file("tbm_ledger", DATA / "kommunbas_ledger.csv", name="kommunbas")
    return load_tbm_ledger("kommunbas")


def test_a_kommun_bas_ledger_with_konto_and_kontotext_is_imported(kommunbas):
    assert kommunbas["account_number"].tolist() == [n for n, _p, _m in EXPECTED]
    assert kommunbas["account"].iloc[0] == "Månadslön tillsvidareanställda"
    assert kommunbas["cost_centre"].iloc[0] == "1101"
    assert kommunbas["amount_sek"].sum() == 11_551_700.0


def test_numbers_and_texts_are_mapped_without_manual_edits(kommunbas):
    mapping = load_account_mapping("default")
    missing = tbm.unmapped_accounts(kommunbas, mapping)
    assert missing[["account", "amount_sek"]].to_dict("records") == [{"account": "7950 Representation",
                                                                       "amount_sek": 12_000.0}]
    assert missing["share_pct"].iloc[0] == pytest.approx(100 * 12_000 / 11_551_700)
    with pytest.raises(tbm.UnmappedAccountsError, match="7950 Representation"):
        tbm.assign_cost_pools(kommunbas, mapping)  # no share allowed: stops, naming the account
    pooled = tbm.assign_cost_pools(kommunbas, mapping, max_unmapped_pct=1.0)
    assert list(zip(pooled["account_number"], pooled["cost_pool"].astype(str), pooled["mapped_by"],
                    strict=True)) == EXPECTED


def test_number_and_text_that_disagree_are_an_error_naming_both(project, tmp_path):
    path = tmp_path / "huvudbok.csv"
    text = (DATA / "kommunbas_ledger.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("5110;Lagstadgade arbetsgivaravgifter", "5110;Konsulttjänster"), encoding="utf-8")
    import_file("tbm_ledger", path, name="conflict")
    with pytest.raises(tbm.AccountConflictError) as info:
        tbm.assign_cost_pools(load_tbm_ledger("conflict"), load_account_mapping(), max_unmapped_pct=1.0)
    assert "account 5110 'Konsulttjänster': the number says internal_labour, the text says external_labour" in str(
        info.value)


def test_work_areas_from_a_mapping_of_cost_centres(kommunbas, tmp_path):
    import_file("tbm_cost_centres", DATA / "cost_centres.csv", name="ansvar")
    placed = tbm.assign_work_areas(kommunbas, load_cost_centres("ansvar"))
    assert placed["work_area"].astype(str).tolist() == [
        "steer_and_support", "steer_and_support", "steer_and_support", "infrastructure", "end_user_services",
        "infrastructure", "application_operations", "application_operations", "end_user_services",
        "steer_and_support"]
    assert set(placed["work_area_source"]) == {"cost_centre"}


def test_a_tbm_v5_ledger(project):
    import_file("tbm_ledger", DATA / "tbm_v5_ledger.csv", name="v5")
    ledger = load_tbm_ledger("v5")
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping(), taxonomy="v5")
    shares = tbm.pooled_cost_pool_shares(pooled).set_index("cost_pool")["amount_sek"]
    assert list(shares.index) == ["staffing", "software_saas", "hardware", "outside_services", "cloud_services",
                                  "telecom", "data_center_facilities", "misc", "cross_charges"]
    assert shares["staffing"] == 5_200_000 and shares["cloud_services"] == 1_100_000
    assert shares["cross_charges"] == 250_000 and shares.sum() == 9_750_000
    with pytest.raises(DigimotorError, match="no single v4 counterpart"):
        tbm.assign_cost_pools(ledger, load_account_mapping(), taxonomy="v4")


def test_a_v4_ledger_reported_in_v5(kommunbas):
    pooled = tbm.assign_cost_pools(kommunbas, load_account_mapping(), taxonomy="v5", max_unmapped_pct=1.0)
    shares = tbm.pooled_cost_pool_shares(pooled).set_index("cost_pool")["amount_sek"]
    # internal labour (4 250 000 + 1 335 000 + 41 500) and external labour (480 000) are both Staffing
    assert shares["staffing"] == 6_106_500
    assert shares["data_center_facilities"] == 390_000 and shares["cross_charges"] == 0


def test_the_v4_v5_mapping_is_stated():
    table = load_cost_pools_v5()
    assert table["basis"].str.len().min() > 10
    assert v4_to_v5() == {
        "internal_labour": "staffing", "external_labour": "staffing", "software": "software_saas",
        "hardware": "hardware", "outside_services": "outside_services", "telecom": "telecom",
        "facilities_power": "data_center_facilities", "other": "misc", "internal_services": "cross_charges"}


def test_a_ledger_mixing_v4_and_v5_pools_is_refused(project, tmp_path):
    path = tmp_path / "blandad.csv"
    text = (DATA / "tbm_v5_ledger.csv").read_text(encoding="utf-8").replace("hardware", "internal_labour")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"mixes TBM v4 cost pools \(internal_labour\) with v5 ones"):
        import_file("tbm_ledger", path, name="blandad")


def test_every_crosswalk_range_cites_a_kommun_bas_edition_or_says_assumption():
    mapping = load_account_mapping("default")
    ranges = mapping.dropna(subset=["account_from"])
    assert len(ranges) >= 3
    for source in ranges["source"]:
        assert "Kommun-Bas 13" in source or source == "assumption"


@pytest.mark.parametrize(("number", "key"), [("5021", 5021), ("502", 5020), ("50211", 5021), ("6011.0", 6011),
                                             ("abc", None), ("", None)])
def test_account_keys(number, key):
    assert account_key(number) == key


def test_an_own_mapping_with_ranges_replaces_the_default(project, tmp_path):
    path = tmp_path / "mapping.csv"
    path.write_text("Kontotext;Kostnadspool;Från konto;Till konto;Källa\n"
                    ";internal_labour;5000;5999;assumption\n"
                    ";software;6540;6549;assumption\n"
                    "Representation;other;;;\n", encoding="utf-8")
    import_file("tbm_account_mapping", path, name="egen")
    mapping = load_account_mapping("egen")
    assert len(mapping) == 3 and mapping["account_from"].dropna().tolist() == [5000, 6540]
    bad = tmp_path / "bad.csv"
    bad.write_text("Kontotext;Kostnadspool;Från konto;Till konto\n;software;6549;6540\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="is not a range of account numbers"):
        import_file("tbm_account_mapping", bad, name="bad")


def test_every_problem_of_a_ledger_is_reported_at_once_with_its_fix(project, tmp_path):
    path = tmp_path / "huvudbok.csv"
    path.write_text(
        "Organisation;Kommuner;År;Konto;Kontotext;Belopp;Enhet\n"
        "Orust IT;Orust;2020;5021;Månadslön tillsvidareanställda;4 250 000;kr\n"
        "Orust IT;Orust;2020;;;1 000 000;kr\n"  # neither account nor pool
        "Orust IT;Orust;2020;6541;IT-tjänster;-45 000;kr\n"  # negative without credit
        "Tanum IT;Tanumm;2020;6541;IT-tjänster;2 000 000;kr\n",  # unknown municipality
        encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_file("tbm_ledger", path, name="fel")
    message = str(info.value)
    assert message.count("row ") >= 3
    assert "row 3, column 'Kontotext': the row has neither an account nor a cost pool" in message  # file order
    assert "row 5 column 'Kommuner': 'Tanumm'" in message and "did you mean Tanum" in message
    assert message.endswith("— give the account number or text so the mapping can place it, or the TBM cost pool")
    assert "row 4 column 'Belopp': a negative amount is allowed only on a row flagged as a credit" in message
    assert "— set credit=ja on credit notes" in message


def test_v5_cost_pools_have_names_for_tables_and_figures():
    from digimotor.sources.tbm import load_cost_pools

    v5 = load_cost_pools("v5")
    assert list(v5.columns) == list(load_cost_pools().columns)
    assert v5.set_index("cost_pool").loc["staffing", "definition"].startswith("v4: internal_labour + external_labour.")
    assert v5.set_index("cost_pool").loc["cloud_services", "definition"].startswith("v4: none.")


def test_a_v5_ledger_draws_with_v5_names(project):
    import matplotlib

    matplotlib.use("Agg")
    from digimotor.plots import tbm as tbm_plots
    from digimotor.sources.tbm import load_cost_pools

    import_file("tbm_ledger", DATA / "tbm_v5_ledger.csv", name="v5")
    pooled = tbm.assign_cost_pools(load_tbm_ledger("v5"), load_account_mapping(), taxonomy="v5")
    pools = load_cost_pools("v5")
    table = tbm_plots.with_names(tbm.pooled_cost_pool_shares(pooled), pools, "en")
    assert table.set_index("cost_pool").loc["cloud_services", "cost_pool_name"] == "Cloud services"
    ax = tbm_plots.pooled_cost_pool_bars(table, pools, source="v5", lang="en")  # user: the imported snapshot
    assert "Staffing" in [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
