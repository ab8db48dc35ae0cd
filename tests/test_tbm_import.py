"""Bringing a ledger and total costs in with `digimotor import`, and the bad inputs the TBM issue lists."""

import pandas as pd
import pytest

from digimotor.datasets import load
from digimotor.errors import InputFileError
from digimotor.importer import import_file, write_template
from digimotor.metrics import tbm
from digimotor.provenance import verify
from digimotor.sources.tbm import load_account_mapping, load_municipal_total_cost, load_tbm_ledger

HEADER = "Organisation;Kommuner;År;Konto;Kostnadspool;Arbetsområde;Belopp;Enhet;Kreditering;Kontrollsumma\n"
GOOD = HEADER + (
    "SML-IT;Sotenäs, Munkedal, Lysekil;2019;Löner;;infrastructure;6 500,5;tkr;nej;14 000,5\n"
    "SML-IT;Sotenäs, Munkedal, Lysekil;2019;Licenser;;application_operations;4 000;tkr;nej;14 000,5\n"
    "SML-IT;Sotenäs, Munkedal, Lysekil;2019;Licenser;;application_operations;-500;tkr;ja;14 000,5\n"
    "SML-IT;Sotenäs, Munkedal, Lysekil;2019;;hardware;end_user_services;4 000;tkr;;14 000,5\n"
    "Åmål IT;Amal;2019;Konsulter;;steer_and_support;9 000;tkr;;\n"
)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def _error(tmp_path, text, dataset="tbm_ledger", name="bad.csv"):
    source = _write(tmp_path / name, text)
    with pytest.raises(InputFileError) as info:
        import_file(dataset, source, name="bad")
    return info.value


def test_swedish_ledger_is_imported_and_municipalities_normalised(project, tmp_path):
    source = _write(tmp_path / "huvudbok.csv", GOOD, "cp1252")
    target = import_file("tbm_ledger", source, name="mine")
    assert target == project / "data/raw/user/tbm_ledger/mine.csv"
    ledger = load_tbm_ledger("mine")
    assert ledger.attrs["provenance"]["kind"] == "user"
    assert ledger["municipalities"].tolist()[:1] == ["1427;1430;1484"]
    assert ledger["municipalities"].tolist()[-1] == "1492"
    assert ledger["amount_sek"].tolist() == [6_500_500.0, 4_000_000.0, -500_000.0, 4_000_000.0, 9_000_000.0]
    assert ledger["credit"].tolist() == [False, False, True, False, False]
    table = tbm.reconcile_control_totals(ledger)
    assert table[["organisation", "amount_sum", "control_total", "difference"]].to_dict("records") == [
        {"organisation": "SML-IT", "amount_sum": 14_000.5, "control_total": 14_000.5, "difference": 0.0}]
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping())
    assert pooled["cost_pool"].astype(str).tolist() == [
        "internal_labour", "software", "software", "hardware", "external_labour"]


def test_template_round_trip(project, tmp_path):
    paths = write_template("tbm_ledger", tmp_path)
    assert sorted(p.suffix for p in paths) == [".csv", ".xlsx"]
    header = paths[0].read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(";") == ["organisation", "municipalities", "year", "account_number", "account", "cost_pool",
                                 "cost_centre", "work_area", "amount", "unit", "credit", "control_total"]
    doc = pd.read_excel(paths[1], sheet_name="columns")
    assert "negative only on credit rows" in doc.set_index("column").loc["amount", "description"]


def test_negative_amount_without_credit_flag(project, tmp_path):
    text = GOOD.replace("-500;tkr;ja", "-500;tkr;nej")
    err = _error(tmp_path, text)
    assert (err.file, err.row, err.column) == (str(tmp_path / "bad.csv"), 4, "Belopp")
    assert "bad.csv" in str(err) and "only on a row flagged as a credit" in str(err) and "row 4: -500" in str(err)


def test_unknown_municipality_names_file_row_and_column(project, tmp_path):
    text = GOOD.replace("Åmål IT;Amal;", "Åmål IT;Amal, Bengtfors;")
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (6, "Kommuner")
    assert "bad.csv" in str(err) and "'Bengtfors' is not a Swedish municipality" in str(err)
    assert "did you mean Bengtsfors" in str(err)


def test_thousands_declared_as_kronor(project, tmp_path):
    text = GOOD.replace(";tkr;", ";kr;")
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (2, "Enhet")
    assert "look like thousands (tkr) declared as kronor" in str(err)


def test_kronor_declared_as_thousands(project, tmp_path):
    text = HEADER + "Åmål IT;Åmål;2019;Konsulter;;;9000000;tkr;;\n"
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (2, "Enhet") and "look like kronor declared as thousands" in str(err)


def test_control_total_that_does_not_reconcile_reports_the_difference(project, tmp_path):
    text = GOOD.replace("14 000,5", "14 100,5").replace("Konsulter;;steer_and_support;9 000;tkr;;",
                                                        "Konsulter;;steer_and_support;9 000;tkr;;8 000")
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (2, "Kontrollsumma")
    message = str(err)
    assert "SML-IT 2019: sum 14,000 vs control 14,100 tkr (difference -100)" in message.replace("14,001", "14,000")
    assert "Åmål IT 2019: sum 9,000 vs control 8,000 tkr (difference +1,000)" in message


def test_an_organisation_must_serve_the_same_municipalities_on_every_row(project, tmp_path):
    text = GOOD.replace("SML-IT;Sotenäs, Munkedal, Lysekil;2019;;hardware", "SML-IT;Sotenäs, Munkedal;2019;;hardware")
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (5, "Kommuner") and "serves '1427;1430'" in str(err)


def test_a_municipality_served_by_two_organisations(project, tmp_path):
    text = GOOD.replace("Åmål IT;Amal;", "Åmål IT;Lysekil;")
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (6, "Kommuner") and "served by both 'SML-IT' and 'Åmål IT'" in str(err)


def test_row_without_account_or_pool(project, tmp_path):
    text = GOOD.replace("Åmål IT;Amal;2019;Konsulter;;", "Åmål IT;Amal;2019;;;")
    err = _error(tmp_path, text)
    assert (err.row, err.column) == (6, "Konto")


def test_positive_credit_and_bad_pool(project, tmp_path):
    err = _error(tmp_path, GOOD.replace("-500;tkr;ja", "500;tkr;ja"))
    assert (err.row, err.column) == (4, "Belopp") and "a credit is entered as a negative amount" in str(err)
    err = _error(tmp_path, GOOD.replace(";hardware;", ";hårdvara;"))
    assert (err.row, err.column) == (5, "Kostnadspool") and "'hårdvara' is not allowed" in str(err)


TOTAL = "Kommun;År;Total kostnad;Enhet;Definition;Befolkning\nSotenäs;2019;950 000;tkr;result_and_depreciation;9100\n"


def test_total_cost_records_its_definition_in_the_sidecar(project, tmp_path):
    target = import_file("municipal_total_cost", _write(tmp_path / "kostnad.csv", TOTAL), name="mine")
    prov = verify(target)
    assert prov.get("total_cost_definition") == "result_and_depreciation"
    assert "the report's definition" in prov.get("total_cost_definition_note")
    frame = load_municipal_total_cost("mine")
    assert frame["total_cost_sek"].tolist() == [950_000_000.0] and frame["municipality"].tolist() == ["Sotenäs"]
    kolada = TOTAL.replace("result_and_depreciation", "kolada_net_cost")
    prov = verify(import_file("municipal_total_cost", _write(tmp_path / "kolada.csv", kolada), name="kolada"))
    assert prov.get("total_cost_definition") == "kolada_net_cost"
    assert prov.get("total_cost_definition_note").startswith("NOT (only) the report's definition")


def test_total_cost_in_thousands_declared_as_kronor(project, tmp_path):
    err = _error(tmp_path, TOTAL.replace(";tkr;", ";kr;"), dataset="municipal_total_cost")
    assert (err.row, err.column) == (2, "Total kostnad") and "declared as kronor" in str(err)


def test_imported_ledger_runs_through_the_metrics(project, tmp_path):
    import_file("tbm_ledger", _write(tmp_path / "l.csv", GOOD), name="mine")
    costs = ("Kommun;År;Total kostnad;Enhet;Definition;Befolkning\n"
             "Sotenäs;2019;950 000;tkr;result_and_depreciation;9100\n"
             "Munkedal;2019;800 000;tkr;result_and_depreciation;10500\n"
             "Lysekil;2019;1 000 000;tkr;kolada_net_cost;14600\n"
             "Åmål;2019;900 000;tkr;result_and_depreciation;12600\n")
    import_file("municipal_total_cost", _write(tmp_path / "c.csv", costs), name="mine")
    shares = tbm.central_it_share(load_tbm_ledger("mine"), load_municipal_total_cost("mine"), 2019)
    shares = shares.set_index("organisation")
    assert shares.loc["SML-IT", "share_pct"] == pytest.approx(100 * 14_000.5 / 2_750_000)
    assert shares.loc["Åmål IT", "share_pct"] == pytest.approx(1.0)
    assert tbm.definition_differs(shares.reset_index()) == ["SML-IT"]


def test_user_mapping_replaces_the_default(project, tmp_path):
    mapping = "Konto;Kostnadspool\nLöner;internal_labour\nLicenser;software\nKonsulter;outside_services\n"
    import_file("tbm_account_mapping", _write(tmp_path / "map.csv", mapping), name="mine")
    import_file("tbm_ledger", _write(tmp_path / "l.csv", GOOD), name="mine")
    pooled = tbm.assign_cost_pools(load_tbm_ledger("mine"), load_account_mapping("mine"))
    assert pooled["cost_pool"].astype(str).tolist()[-1] == "outside_services"
    assert load("tbm_account_mapping", "mine").attrs["provenance"]["kind"] == "user"


@pytest.mark.parametrize("dataset", ["tbm_ledger", "municipal_total_cost"])
def test_the_template_example_row_imports(project, tmp_path, dataset):
    csv_path, xlsx_path = write_template(dataset, tmp_path)
    for path, name in ((csv_path, "from-csv"), (xlsx_path, "from-xlsx")):
        import_file(dataset, path, name=name)
        assert len(load(dataset, name)) == 1
    if dataset == "tbm_ledger":
        assert load_tbm_ledger("from-csv")["municipalities"].tolist() == ["1427;1430;1484"]
