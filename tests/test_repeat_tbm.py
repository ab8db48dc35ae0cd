"""TBM (notebook 04) for another region and two financial years: region, per-year shares, change.

Inputs are built here (real municipality names of Skaraborg, invented costs); never shipped.
Every municipality with both years has a central-IT share exactly +1 percentage point higher in
2021. One organisation serves two municipalities (allocated by population).
"""

import pandas as pd
import pytest

from digimotor import repeat_exhibits
from digimotor.errors import ParameterError
from digimotor.metrics import measurement, tbm, tbm_change
from digimotor.regions import display_name, resolve_municipality

TOTAL = 1_000_000_000.0  # every municipality's total cost (kr), both years
#: organisation -> (municipalities, share % 2019 of their summed total cost); 2021: +1
ORGS = {"IT Skövde": (["Skövde"], 2.0), "IT Lidköping": (["Lidköping"], 1.5), "IT Mariestad": (["Mariestad"], 3.0),
        "IT Falköping": (["Falköping"], 2.5), "IT Skara": (["Skara"], 1.0), "IT Tidaholm": (["Tidaholm"], 1.2),
        "IT Götene": (["Götene"], 0.8), "Norra IT": (["Hjo", "Tibro"], 2.2), "IT Töreboda": (["Töreboda"], 1.1),
        "IT Uddevalla": (["Uddevalla"], 1.9)}
ONLY_2019 = "IT Töreboda"
POPULATION = 10_000


def _frames():
    ledger, costs = [], []
    for org, (towns, share) in ORGS.items():
        codes = [resolve_municipality(t) for t in towns]
        for year, rise in ((2019, 0.0), (2021, 1.0)):
            if org == ONLY_2019 and year == 2021:
                continue
            amount = (share + rise) / 100 * TOTAL * len(codes)
            ledger += [{"organisation": org, "municipalities": ";".join(codes), "year": year, "amount_sek": amount / 2}] * 2
            costs += [{"municipality_code": c, "municipality": display_name(c), "year": year, "total_cost_sek": TOTAL,
                       "population": POPULATION, "definition": "result_and_depreciation"} for c in codes]
    ledger, costs = pd.DataFrame(ledger), pd.DataFrame(costs)
    ledger["year"], costs["year"] = ledger["year"].astype("Int64"), costs["year"].astype("Int64")
    costs["population"] = costs["population"].astype("Int64")
    return ledger, costs


def test_region_keeps_organisations_serving_it_and_per_year_shares_are_hand_computed():
    ledger, costs = _frames()
    scope = tbm_change.region_ledger(ledger, "Skaraborg")
    assert scope.applies and "IT Uddevalla" not in set(scope.frame["organisation"])
    assert scope.outside == [resolve_municipality("Uddevalla")]
    y2019 = tbm.central_it_share(scope.frame, costs, 2019).set_index("organisation")["share_pct"]
    y2021 = tbm.central_it_share(scope.frame, costs, 2021).set_index("organisation")["share_pct"]
    assert y2019["Norra IT"] == pytest.approx(2.2) and y2021["Norra IT"] == pytest.approx(3.2)
    assert y2019["IT Lidköping"] == pytest.approx(1.5) and "IT Töreboda" not in y2021.index
    assert y2019.mean() == pytest.approx((2.0 + 1.5 + 3.0 + 2.5 + 1.0 + 1.2 + 0.8 + 2.2 + 1.1) / 9)


def test_several_years_without_a_choice_is_an_error_naming_them():
    ledger, _costs = _frames()
    with pytest.raises(ParameterError) as info:
        measurement.chosen_year(ledger, 0, unit="organisation", file="ledger.csv")
    assert "ledger.csv" in str(info.value) and "2019 (10 units)" in str(info.value) and "2021 (9 units)" in str(info.value)
    assert measurement.chosen_year(ledger, 2021, unit="organisation") == 2021


def test_plus_one_everywhere_gives_plus_one_with_interval_one_one_and_lists_the_unpaired():
    ledger, costs = _frames()
    scope = tbm_change.region_ledger(ledger, "Skaraborg")
    before, after = (tbm.central_it_share_by_municipality(tbm.central_it_share(scope.frame, costs, y), costs, y)
                     for y in (2019, 2021))
    exhibit = tbm_change.share_change(before, after, before_year=2019, after_year=2021)
    summary = exhibit["summary"].iloc[0]
    assert summary["n_pairs"] == 9  # 7 own organisations + Hjo and Tibro (shared)
    assert summary["mean_change"] == pytest.approx(1.0)
    assert (summary["ci_low"], summary["ci_high"]) == (pytest.approx(1.0), pytest.approx(1.0))
    assert summary["wilcoxon_p"] == pytest.approx(2 / 2 ** 9)
    rows = exhibit["municipalities"].set_index("municipality")
    assert rows.loc["Hjo", "share_before"] == pytest.approx(2.2) and rows.loc["Tibro", "change_pp"] == pytest.approx(1.0)
    assert rows.loc["Hjo", "organisation_after"] == "Norra IT"
    assert exhibit["unpaired"].to_dict("records") == [
        {"municipality_code": resolve_municipality("Töreboda"), "municipality": "Töreboda", "present_in": "before"}]


def test_the_change_exhibit_writes_the_kind_its_inputs_carry(project):
    """A user ledger over public total costs: the metrics keep both records and their mixed label
    (central_it_share says it mixes), so the tables and the figure say "user" without kind=."""
    from digimotor.provenance import kind_of, kinds, tag

    ledger, costs = _frames()
    ledger, costs = tag(ledger, "user", "ledger"), tag(costs, "public", "kolada")
    items = repeat_exhibits.tbm_change(ledger, costs, year=2021, compare_year=2019, allocation_key="population",
                                       source="x", lang="en")
    for part in ("summary", "municipalities", "unpaired"):
        written = pd.read_csv(project / "data/processed" / f"tbm_change_{part}.csv")
        assert set(written["data_kind"]) == {"user"}, part
    before, after = (tbm.central_it_share_by_municipality(tbm.central_it_share(ledger, costs, y), costs, y)
                     for y in (2019, 2021))
    exhibit = tbm_change.share_change(before, after, before_year=2019, after_year=2021)
    assert kinds(exhibit["municipalities"]) == ["user", "public"] and kind_of(exhibit["summary"]) == "user"
    assert any(hasattr(item, "savefig") for item in items)


def test_the_region_note_names_municipalities_without_data():
    ledger, _costs = _frames()
    scope = tbm_change.region_ledger(ledger, "Skaraborg")
    present = tbm_change.served_codes(tbm.select_year(scope.frame, 2021))
    text = repeat_exhibits.region_note(scope, "Skaraborg", "en", present=present).data
    assert "9 municipalities with data" in text and "Töreboda" in text and "Gullspång" in text
    assert "outside the region, left out: 1" in text and "Fyrbodal" not in text


def test_synthetic_source_is_not_filtered_by_region_and_says_so():
    from digimotor.sources.tbm import load_tbm_ledger

    ledger = load_tbm_ledger("synthetic")
    scope = tbm_change.region_ledger(ledger, "Skaraborg")
    assert not scope.applies and len(scope.frame) == len(ledger)
    assert "does not apply" in repeat_exhibits.region_note(scope, "Skaraborg", "en").data


@pytest.mark.slow
def test_notebook_04_for_skaraborg_with_two_years(project, tmp_path):
    from digimotor.importer import import_file
    from digimotor.run import reproduce

    ledger, costs = _frames()
    rows = []
    for row in ledger.itertuples(index=False):
        names = ";".join(display_name(c) for c in row.municipalities.split(";"))
        rows.append({"organisation": row.organisation, "municipalities": names, "year": row.year,
                     "cost_pool": "hardware", "work_area": "infrastructure", "amount": row.amount_sek, "unit": "kr"})
    pd.DataFrame(rows).to_csv(tmp_path / "ledger.csv", index=False, sep=";")
    total = costs.assign(total_cost=costs["total_cost_sek"], unit="kr")[
        ["municipality_code", "year", "total_cost", "unit", "definition", "population"]]
    total.to_csv(tmp_path / "total.csv", index=False, sep=";")
    import_file("tbm_ledger", tmp_path / "ledger.csv", name="skaraborg")
    import_file("municipal_total_cost", tmp_path / "total.csv", name="skaraborg")
    result = reproduce(only=["04-tbm-cost"], parameters={
        "source": "skaraborg", "cost_source": "skaraborg", "region": "Skaraborg", "year": 2021, "compare_year": 2019},
        echo=lambda _msg: None)
    assert result.ok, result.results[0].error
    processed = project / "data/processed"
    shares = pd.read_csv(processed / "fig19_central_it_share.csv").set_index("organisation")["share_pct"]
    assert "IT Uddevalla" not in shares.index and shares["IT Skövde"] == pytest.approx(3.0)
    summary = pd.read_csv(processed / "tbm_change_summary.csv").iloc[0]
    assert (summary["n_pairs"], summary["mean_change"], summary["ci_low"], summary["ci_high"]) == (
        9, pytest.approx(1.0), pytest.approx(1.0), pytest.approx(1.0))
    unpaired = pd.read_csv(processed / "tbm_change_unpaired.csv")
    assert unpaired[["municipality", "present_in"]].values.tolist() == [["Töreboda", "before"]]
    svg = (project / "figures/tbm_central_it_change.svg").read_text(encoding="utf-8")
    assert "Skövde" in svg and "Fyrbodal" not in svg
    html = (project / "build/site/04-tbm-cost.html").read_text(encoding="utf-8")
    assert "Gullspång" in html  # a Skaraborg municipality without data is named


def test_the_page_shows_names_of_the_served_municipalities_never_codes():
    from digimotor.plots import tbm as tbm_plots

    ledger, costs = _frames()
    shares = tbm.central_it_share(ledger, costs, 2019)
    shown = tbm_plots.municipality_names(shares).set_index("organisation")["municipalities"]
    codes = ";".join(resolve_municipality(t) for t in ("Hjo", "Tibro"))
    assert shown["Norra IT"] == "Hjo;Tibro" and shares.set_index("organisation").loc["Norra IT", "municipalities"] == codes
