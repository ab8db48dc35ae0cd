"""Kolada responses (assumed v3 shape) read from saved files, and KPI resolution by title."""

from pathlib import Path

import pytest

from digimotor.datasets import load
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.sources import kolada
from digimotor.sources.jsonstat import load_json_bytes

FIX = Path(__file__).resolve().parent / "fixtures" / "public"


def test_saved_response_imports_as_municipal_costs(project):
    import_file("municipal_costs", FIX / "kolada_v3_page1_next_page.json", name="k", kind="public")
    frame = load("municipal_costs", "k")
    assert frame[["municipality_code", "year", "kpi", "value"]].values.tolist() == [
        ["1460", 2019, "N01951", 9739.0], ["1461", 2019, "N01951", 9300.0]]


def test_next_link_reads_both_keys():
    first = load_json_bytes((FIX / "kolada_v3_page1_next_page.json").read_bytes(), "a")
    other = load_json_bytes((FIX / "kolada_v3_page1_next_url.json").read_bytes(), "b")
    last = load_json_bytes((FIX / "kolada_v3_page2_last.json").read_bytes(), "c")
    assert kolada.next_link(first) == kolada.next_link(other) and kolada.next_link(first).endswith("page=2")
    assert kolada.next_link(last) is None


def test_resolve_kpi_by_title():
    kpis = load_json_bytes((FIX / "kolada_v3_kpi_search_bredband.json").read_bytes(), "k")["values"]
    assert kolada.resolve_kpi(kpis, kolada.BROADBAND_TITLE)["id"] == "N07900"
    with pytest.raises(InputFileError, match="no KPI is titled .*N07900"):
        kolada.resolve_kpi(kpis, "Bredband om minst 10 Gbit/s")
    with pytest.raises(InputFileError, match="several KPIs"):
        kolada.resolve_kpi(kpis + kpis, kolada.BROADBAND_TITLE)


def test_not_a_kolada_response(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"data": []}')
    with pytest.raises(InputFileError, match="not a Kolada response"):
        kolada.read_kolada(path, kolada.MUNICIPAL_COSTS)
