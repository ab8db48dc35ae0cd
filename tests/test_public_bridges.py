"""Bridges from fetched public data into the notebooks: population + projection -> population_forecast
(notebook 01) and Kolada costs -> municipal_total_cost (notebook 04)."""

import socket
from pathlib import Path

import pandas as pd
import pytest

from digimotor.errors import DigimotorError
from digimotor.fetch import fetch_dataset
from digimotor.fetch_client import Client
from digimotor.importer import import_file
from digimotor.metrics import kolada_costs, projection
from digimotor.regions import resolve_region

FIX = Path(__file__).resolve().parent / "fixtures" / "public"
VG = list(resolve_region("Västra Götalands län").codes)
A, B = "1461", "1460"  # Mellerud grows, Bengtsfors shrinks: the county total stays 100 000


def _observed(years=range(2015, 2020)):
    rows = []
    for year in years:
        for code in VG:
            if code == A:
                value = 1000 + 100 * (year - 2015)
            elif code == B:
                value = 5000 - 100 * (year - 2015)
            else:
                value = 2000
            rows.append((code, year, value))
    return pd.DataFrame(rows, columns=["municipality_code", "year", "population"])


def _projection(rows):
    return pd.DataFrame([(r, y, "total", "total", p, "2024") for r, y, p in rows],
                        columns=["region_code", "year", "age_group", "sex", "population", "vintage"])


def test_county_share_trend_follows_each_share_and_labels_the_result():
    fyrbodal = list(resolve_region("Fyrbodal").codes)
    out = projection.population_forecast_from_projection(
        _observed(), _projection([("14", 2030, 110_000)]), 2019, 2030, fyrbodal)
    forecast = out[out["series"] == "forecast"].set_index("municipality_code")["population"]
    # shares are exactly linear: Mellerud 2 500 / 100 000 in 2030, Bengtsfors 3 500, the rest 2 000
    assert forecast[A] == 2750 and forecast[B] == 3850 and forecast["1492"] == 2200
    observed = out[out["series"] == "observed"].set_index("municipality_code")["population"]
    assert observed[A] == 1400 and len(out) == 2 * 14
    info = out.attrs["forecast"]
    assert info["modelled"] and info["edition"] == "2024" and info["trend_years"] == [2015, 2019]
    assert info["label"] == ("modellerad prognos (kommunens andel av länet med trenden 2015–2019, "
                             "SCB:s framskrivning utgåva 2024)")
    assert set(out["forecast_method"]) == {"county_share_trend"}


def test_constant_share_and_the_projections_own_municipal_rows():
    out = projection.population_forecast_from_projection(
        _observed(), _projection([("14", 2030, 110_000), (B, 2030, 4321)]), 2019, 2030, [A, B],
        method="county_share_constant", lang="en")
    forecast = out[out["series"] == "forecast"].set_index("municipality_code")
    assert forecast.loc[A, "population"] == round(1400 / 100_000 * 110_000)
    assert forecast.loc[B, "population"] == 4321 and forecast.loc[B, "forecast_method"] == "projection"
    assert out.attrs["forecast"]["label"].startswith("modelled projection (the municipality's share")


def test_modelled_projection_needs_the_whole_county():
    partial = _observed()
    partial = partial[partial["municipality_code"] != "1480"]
    with pytest.raises(DigimotorError, match="every municipality of county 14.*1480") as info:
        projection.population_forecast_from_projection(partial, _projection([("14", 2030, 110_000)]),
                                                       2019, 2030, [A])
    assert "digimotor fetch population --region 14" in info.value.hint


def test_kolada_total_cost(project):
    import_file("municipal_costs", FIX / "kolada_v3_costs_two_municipalities.json", name="k", kind="public")
    from digimotor.sources.kolada import load_municipal_costs

    total = kolada_costs.total_cost_from_kolada(load_municipal_costs("k"), 2019).set_index("municipality_code")
    assert total.loc["1460", "total_cost_sek"] == (61250.0 + 2150.0) * 9739
    assert total.loc["1461", "total_cost_sek"] == (63010.0 + 1980.0) * 9300
    assert set(total["definition"]) == {"kolada_gross_cost"} and set(total["unit"]) == {"kr"}
    ledger = pd.DataFrame({"organisation": ["IT-org"], "municipalities": ["1460;1461"]})
    assert kolada_costs.covers_ledger(total.reset_index(), ledger)
    assert not kolada_costs.covers_ledger(total.reset_index(), ledger.assign(municipalities="Kommun 01"))


def test_kolada_total_cost_names_a_missing_kpi(project):
    costs = pd.DataFrame({"municipality_code": ["1460"], "year": [2019], "kpi": ["N03013"], "value": [1.0]})
    with pytest.raises(DigimotorError, match="lacks N03012, N01951"):
        kolada_costs.total_cost_from_kolada(costs)


class _Session:
    def __init__(self, names):
        self.names = list(names)

    def request(self, method, url, json=None, timeout=None, headers=None):
        data = (FIX / self.names.pop(0)).read_bytes()
        return type("R", (), {"status_code": 200, "content": data, "headers": {}})()


@pytest.fixture
def offline(monkeypatch):
    def refuse(self, address):
        raise AssertionError(f"a test tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.slow
def test_notebook01_runs_from_fetched_population_and_projection(project, offline, tmp_path):
    from digimotor.run import reproduce

    csv = tmp_path / "observed.csv"
    _observed().to_csv(csv, index=False)
    import_file("population", csv, name="vg-observed", kind="public")
    session = _Session(["scb_v2_tab698_metadata.json", "scb_v2_config.json", "scb_v2_tab698_county14_decimals.json"])
    fetch_dataset("population_projection", region="14", years=[2024, 2030], name="vg-tab698",
                  client=Client(session=session, progress=False, sleep=lambda s: None))
    result = reproduce(only=["01-demography"], echo=lambda _m: None, parameters={
        "observed_source": "vg-observed", "projection_source": "vg-tab698", "base_year": 2019,
        "target_year": 2030})
    assert result.ok, result.results[0].error
    rows = (project / "data/processed/fig07_population_forecast.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    assert "forecast_note" in header and header[-1] == "data_kind"
    mellerud = next(r for r in rows if r.startswith("1461,"))
    assert ",1400," in mellerud and "modellerad prognos" in mellerud and mellerud.endswith(",public")
    html = (project / "build/site/01-demography.html").read_text(encoding="utf-8")
    assert "utgåva 2024" in html and "Inte studiens inställning" in html  # a Swedish page, Swedish prose


@pytest.mark.slow
def test_notebook04_shows_the_kolada_total_cost_and_its_difference(project, offline):
    from digimotor.run import reproduce

    session = _Session(["kolada_v3_costs_two_municipalities.json"])
    fetch_dataset("municipal_costs", region=["Bengtsfors", "Mellerud"], years=[2019], name="kolada-costs",
                  client=Client(session=session, progress=False, sleep=lambda s: None))
    result = reproduce(only=["04-tbm-cost"], echo=lambda _m: None,
                       parameters={"kolada_cost_source": "kolada-costs"})
    assert result.ok, result.results[0].error
    table = pd.read_csv(project / "data/processed/tab04_kolada_total_cost.csv", dtype={"municipality_code": str})
    assert table.set_index("municipality_code").loc["1460", "total_cost_sek"] == (61250.0 + 2150.0) * 9739
    assert set(table["data_kind"]) == {"public"}
    html = (project / "build/site/04-tbm-cost.html").read_text(encoding="utf-8")
    assert "resultat och avskrivningskostnad" in html and "inte jämförbara" in html
    assert "Figur 19 använder fortfarande cost_source" in html


@pytest.mark.slow
def test_notebook04_divides_by_the_kolada_total_when_it_covers_the_ledger(project, offline, tmp_path):
    import json

    from digimotor.run import reproduce

    (tmp_path / "ledger.csv").write_text(
        "Organisation;Kommuner;År;Konto;Arbetsområde;Belopp;Enhet;Kreditering\n"
        "Åmål IT;Åmål;2019;Löner;end_user_services;4 000;tkr;\n"
        "Åmål IT;Åmål;2019;Hårdvara;infrastructure;3 000;tkr;\n"
        "Mellerud IT;Mellerud;2019;Löner;end_user_services;5 000;tkr;\n"
        "Bengtsfors IT;Bengtsfors;2019;Löner;end_user_services;4 500;tkr;\n", encoding="utf-8")
    import_file("tbm_ledger", tmp_path / "ledger.csv", name="amal")
    entry = {"count": 1, "gender": "T", "isdeleted": False, "status": ""}
    kolada = {"1492": (60_000.0, 2_000.0, 12_600.0), "1461": (63_000.0, 1_900.0, 9_300.0),
              "1460": (61_000.0, 2_100.0, 9_700.0)}
    values = [{"kpi": k, "municipality": code, "period": 2019, "values": [{**entry, "value": v}]}
              for code, triple in kolada.items()
              for k, v in zip(("N03013", "N03012", "N01951"), triple, strict=True)]
    (tmp_path / "amal.json").write_text(json.dumps({"count": len(values), "values": values, "next_url": None,
                                                   "previous_url": None}), encoding="utf-8")
    import_file("municipal_costs", tmp_path / "amal.json", name="kolada-amal", kind="public")
    result = reproduce(only=["04-tbm-cost"], echo=lambda _m: None, parameters={
        "source": "amal", "kolada_cost_source": "kolada-amal", "year": 2019})
    assert result.ok, result.results[0].error
    shares = pd.read_csv(project / "data/processed/fig19_central_it_share.csv").set_index("organisation")
    assert shares.loc["Åmål IT", "total_cost_sek"] == (60_000.0 + 2_000.0) * 12_600
    assert shares.loc["Åmål IT", "share_pct"] == pytest.approx(100 * 7_000e3 / (62_000.0 * 12_600))
    assert set(shares["definition"]) == {"kolada_gross_cost"} and len(shares) == 3
    html = (project / "build/site/04-tbm-cost.html").read_text(encoding="utf-8")
    assert "Figur 19 använder fortfarande cost_source" not in html
    assert "den totala kostnaden för" in html and "har inte rapportens definition" in html
    assert set(shares["data_kind"]) == {"user"}  # a user ledger over public totals stays user
