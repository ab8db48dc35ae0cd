"""Kolada v3 responses read from saved files (shape as in rKolada and koladapy), and KPI resolution by title."""

from pathlib import Path

import pytest

from digimotor.datasets import load
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.sources import kolada
from digimotor.sources.jsonstat import load_json_bytes

FIX = Path(__file__).resolve().parent / "fixtures" / "public"


def test_saved_response_imports_as_municipal_costs(project):
    import_file("municipal_costs", FIX / "kolada_v3_page1_next_url.json", name="k", kind="public")
    frame = load("municipal_costs", "k")
    assert frame[["municipality_code", "year", "kpi", "value"]].values.tolist() == [
        ["1460", 2019, "N01951", 9739.0], ["1461", 2019, "N01951", 9300.0]]


def test_next_link_reads_v3_and_v2_keys():
    v2 = load_json_bytes((FIX / "kolada_v2_page1_next_page.json").read_bytes(), "a")
    v3 = load_json_bytes((FIX / "kolada_v3_page1_next_url.json").read_bytes(), "b")
    last = load_json_bytes((FIX / "kolada_v3_page2_last.json").read_bytes(), "c")
    assert kolada.next_link(v3).startswith("https://api.kolada.se/v3/") and "page=2" in kolada.next_link(v3)
    assert kolada.next_link(v2).startswith("https://api.kolada.se/v2/")
    assert kolada.next_link(last) is None and last["previous_url"]  # previous_url is never followed


def test_deleted_and_null_values_are_skipped_and_counted():
    items = load_json_bytes((FIX / "kolada_v3_broadband_data.json").read_bytes(), "b")["values"]
    skipped = {}
    rows = kolada.data_rows(items, "b", skipped=skipped)
    assert [(r["municipality"], r["value"]) for r in rows] == [("1461", 58.0), ("1460", 61.5)]
    assert skipped == {"deleted": 1, "null": 1}


def test_chunks_of_at_most_25_ids():
    codes = [f"{i:04d}" for i in range(49)]
    parts = kolada.chunks(codes)
    assert [len(p) for p in parts] == [25, 24] and sum(parts, []) == codes


def test_resolve_kpi_by_title():
    kpis = load_json_bytes((FIX / "kolada_v3_kpi_search_bredband.json").read_bytes(), "k")["values"]
    assert kolada.resolve_kpi(kpis, kolada.BROADBAND_TITLE)["id"] == "N07900"
    assert kolada.BROADBAND_KPI == "N07900" and kolada.GIGABIT_KPI == "N07918"
    with pytest.raises(InputFileError, match="no KPI is titled .*N07900"):
        kolada.resolve_kpi(kpis, "Bredband om minst 10 Gbit/s")
    with pytest.raises(InputFileError, match="several KPIs"):
        kolada.resolve_kpi(kpis + kpis, kolada.BROADBAND_TITLE)


def test_not_a_kolada_response(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"data": []}')
    with pytest.raises(InputFileError, match="not a Kolada response") as info:
        kolada.read_kolada(path, kolada.MUNICIPAL_COSTS)
    assert info.value.file == str(path) and "next_url" in str(info.value)


def test_saved_response_with_deleted_and_null_values_counts_them_in_the_sidecar(project):
    from digimotor.provenance import verify

    target = import_file("municipal_costs", FIX / "kolada_v3_broadband_data.json", name="bb", kind="public")
    frame = load("municipal_costs", "bb")
    assert frame["municipality_code"].tolist() == ["1461", "1460"]
    assert verify(target).get("skipped_values") == {"deleted": 1, "null": 1}
