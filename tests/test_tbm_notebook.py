"""Notebook 04-tbm-cost on an imported ledger (kind user), in English, through the real pipeline."""

import pandas as pd
import pytest

from digimotor.importer import import_file
from digimotor.run import reproduce

pytestmark = pytest.mark.slow

LEDGER = (
    "Organisation;Kommuner;År;Konto;Arbetsområde;Belopp;Enhet;Kreditering\n"
    "SML-IT;Sotenäs; Munkedal; Lysekil;2020;Löner;infrastructure;9 000;tkr;\n"
    "SML-IT;Sotenäs; Munkedal; Lysekil;2020;Licenser;application_operations;6 000;tkr;\n"
    "SML-IT;Sotenäs; Munkedal; Lysekil;2020;Representation;steer_and_support;1 000;tkr;\n"
    "Åmål IT;Åmål;2020;Löner;end_user_services;4 000;tkr;\n"
    "Åmål IT;Åmål;2020;Hårdvara;infrastructure;3 000;tkr;\n"
    "Åmål IT;Åmål;2020;Hårdvara;infrastructure;-200;tkr;ja\n"
    "Uddevalla IT;1485;2020;Personalkostnader;infrastructure;20 000;tkr;\n"
    "Uddevalla IT;1485;2020;Molntjänster;application_operations;10 000;tkr;\n"
)
COSTS = (
    "Kommun;År;Total kostnad;Enhet;Definition;Befolkning\n"
    "Sotenäs;2020;900;mnkr;result_and_depreciation;9100\n"
    "Munkedal;2020;950;mnkr;result_and_depreciation;10500\n"
    "Lysekil;2020;1 350;mnkr;result_and_depreciation;14600\n"
    "Åmål;2020;1 000;mnkr;result_and_depreciation;12600\n"
    "Uddevalla;2020;5 000;mnkr;result_and_depreciation;56700\n"
)


@pytest.fixture
def imported(project, tmp_path):
    # the ledger's "Kommuner" cells contain ';' inside a semicolon file: quote them as Excel does
    lines = LEDGER.splitlines()
    quoted = [lines[0]] + [
        line.replace("Sotenäs; Munkedal; Lysekil", '"Sotenäs; Munkedal; Lysekil"') for line in lines[1:]
    ]
    (tmp_path / "ledger.csv").write_text("\n".join(quoted) + "\n", encoding="utf-8")
    (tmp_path / "costs.csv").write_text(COSTS, encoding="utf-8")
    import_file("tbm_ledger", tmp_path / "ledger.csv", name="mine")
    import_file("municipal_total_cost", tmp_path / "costs.csv", name="mine")
    return project


def test_user_ledger_in_english_with_unmapped_accounts_shown(imported):
    params = {"source": "mine", "cost_source": "mine", "year": 2020, "unmapped": "separate", "lang": "en"}
    result = reproduce(only=["04-tbm-cost"], parameters=params, echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    shares = pd.read_csv(imported / "data/processed/fig19_central_it_share.csv").set_index("organisation")
    assert set(shares["data_kind"]) == {"user"}
    assert shares.loc["SML-IT", "share_pct"] == pytest.approx(100 * 16_000e3 / 3_200e6)
    assert shares.loc["Åmål IT", "share_pct"] == pytest.approx(100 * 6_800e3 / 1_000e6)
    pools = pd.read_csv(imported / "data/processed/fig17_cost_pool_shares.csv")
    unmapped = pools[(pools["cost_pool"] == "unmapped") & (pools["organisation"] == "SML-IT")]
    assert unmapped["amount_sek"].tolist() == [1_000_000.0]
    html = (imported / "build/site/04-tbm-cost.html").read_text(encoding="utf-8")
    assert "Accounts without a cost pool: 1" in html and "Representation" in html
    assert "Figure 19 · central-IT share per IT organisation" in html


def test_unmapped_accounts_stop_the_notebook_by_default(imported):
    params = {"source": "mine", "cost_source": "mine", "year": 2020}
    result = reproduce(only=["04-tbm-cost"], parameters=params, echo=lambda _msg: None)
    assert not result.ok
    error = result.results[0].error
    assert "UnmappedAccountsError" in error and "'Representation' (SML-IT): 1,000,000 kr in 1 row(s)" in error


def test_tbm_v5_with_a_stated_share_of_unmapped_rows(imported):
    # Representation (1 000 tkr of 52 800 tkr, 1.9 %) is unmapped: allowed up to 2 %, shown as its own pool
    params = {"source": "mine", "cost_source": "mine", "year": 2020, "taxonomy": "v5", "max_unmapped_pct": 2.0}
    result = reproduce(only=["04-tbm-cost"], parameters=params, echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    pooled = pd.read_csv(imported / "data/processed/fig16_cost_pools_pooled.csv").set_index("cost_pool")
    # v5 Staffing takes v4 internal and external labour: Löner 9 000 + 4 000, Personalkostnader 20 000 tkr
    assert pooled.loc["staffing", "amount_sek"] == 33_000_000.0
    assert pooled.loc["hardware", "amount_sek"] == 2_800_000.0  # 3 000 less a 200 tkr credit
    assert pooled.loc["unmapped", "amount_sek"] == 1_000_000.0
    assert "internal_labour" not in pooled.index


def test_unmapped_rows_over_the_stated_share_stop_the_notebook(imported):
    params = {"source": "mine", "cost_source": "mine", "year": 2020, "max_unmapped_pct": 1.5}
    result = reproduce(only=["04-tbm-cost"], parameters=params, echo=lambda _msg: None)
    assert not result.ok and "UnmappedAccountsError" in result.results[0].error
