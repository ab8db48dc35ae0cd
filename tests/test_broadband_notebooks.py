"""Notebooks 01 (Figure 8) and 02 (Figure 14) on imported public data, through the real pipeline."""

from pathlib import Path

import pytest

from digimotor.importer import import_file
from digimotor.run import reproduce

pytestmark = pytest.mark.slow
FIX = Path(__file__).resolve().parent / "fixtures" / "public"


def test_figure8_with_a_later_projection_edition_says_so(project):
    import_file("population_by_age", FIX / "scb_v2_tab638_county14_by_age.json", name="vg-2019", kind="public")
    import_file("population_projection", FIX / "scb_projection_2024_edition_by_age.json", name="vg-2024",
                kind="public")
    result = reproduce(only=["01-demography"], echo=lambda _m: None, parameters={
        "pyramid_source": "vg-2019", "pyramid_year": 2019, "projection_source": "vg-2024", "lang": "en"})
    assert result.ok, result.results[0].error
    html = (project / "build/site/01-demography.html").read_text(encoding="utf-8")
    assert "not the forecast the study used" in html and "projection edition <strong>2024</strong>" in html
    table = (project / "data/processed/fig08_population_pyramid.csv").read_text().splitlines()
    assert table[0] == "age_from,age_group,women,men,total,data_kind"
    assert table[-1].startswith("100,100-,") and table[-1].endswith(",public")


def test_figure8_offline_default_is_2020(default_run):
    project = default_run.root
    result = default_run.only("01-demography")
    assert result.ok, result.results[0].error
    html = (project / "build/site/01-demography.html").read_text(encoding="utf-8")
    assert "kräver hämtade eller importerade" in html and "Västra Götalands län, 2020" in html
    rows = (project / "data/processed/fig08_population_pyramid.csv").read_text().splitlines()
    assert sum(int(r.split(",")[4]) for r in rows[1:]) == 1_734_443


def test_broadband_notebook_on_imported_pts_data(project):
    import_file("broadband", FIX / "pts_assumed_layout_sv.csv", name="pts-2019", kind="public")
    result = reproduce(only=["02-broadband"], parameters={"source": "pts-2019"}, echo=lambda _m: None)
    assert result.ok, result.results[0].error
    table = (project / "data/processed/fig14_broadband_coverage.csv").read_text().splitlines()
    assert table[1].startswith("1461,Mellerud,58.0,31.5,26.5,37.0,False,False,40.0,public")
    svg = (project / "figures/fig14_broadband_coverage.svg").read_text(encoding="utf-8")
    assert "SYNTETISKA" not in svg and "Mellerud" in svg


def test_broadband_notebook_on_households_only_data(project):
    import_file("broadband", FIX / "pts_own_layout_fractions.csv", name="own", kind="user")
    result = reproduce(only=["02-broadband"], parameters={"source": "own"}, echo=lambda _m: None)
    assert result.ok, result.results[0].error
    assert not (project / "data/processed/fig14_households_workplaces.csv").exists()
    rows = (project / "data/processed/fig14_broadband_coverage.csv").read_text().splitlines()
    assert [r.split(",")[:3] for r in rows[1:]] == [["1461", "Mellerud", "58.0"], ["1492", "Åmål", "70.4"]]
    assert all(r.endswith(",user") for r in rows[1:])


def test_broadband_notebook_synthetic_default_is_watermarked(english_run):
    project, result = english_run.root, english_run.only("02-broadband")  # what lang=en gives
    assert result.ok, result.results[0].error
    svg = (project / "figures/fig14_broadband_coverage.svg").read_text(encoding="utf-8")
    assert "SYNTHETIC EXAMPLE DATA" in svg and "Known public values" in svg
    rows = (project / "data/processed/fig14_broadband_coverage.csv").read_text().splitlines()
    assert all(r.endswith(",synthetic") for r in rows[1:]) and len(rows) == 15


def test_broadband_page_shows_the_known_facts_over_time(default_run):
    project, result = default_run.root, default_run.only("02-broadband")  # what the defaults give
    assert result.ok, result.results[0].error
    rows = (project / "data/processed/fig14_broadband_facts_series.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 8 and all(r.endswith(",public") for r in rows[1:])
    assert (project / "figures/fig14_broadband_facts_series.png").exists()
    html = (project / "build/site/02-broadband.html").read_text(encoding="utf-8")
    assert "Kända värden per kommun över tid" in html and "vgregion.se" in html
