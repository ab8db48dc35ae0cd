"""Municipality profiles: one page per municipality of the study, its own numbers only, linked and printable."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from digimotor.site import profiles
from digimotor.site.exhibits import page_anchors
from digimotor.site.profiles import Unit

FYRBODAL = {"1421": "Orust", "1427": "Sotenäs", "1430": "Munkedal", "1435": "Tanum", "1438": "Dals-Ed",
            "1439": "Färgelanda", "1460": "Bengtsfors", "1461": "Mellerud", "1484": "Lysekil", "1485": "Uddevalla",
            "1486": "Strömstad", "1487": "Vänersborg", "1488": "Trollhättan", "1492": "Åmål"}


def _text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def _section(page: Path, key: str) -> str:
    text = page.read_text(encoding="utf-8")
    return text.split(f'<section class="dm-profile-part" id="{key}">')[1].split("</section>")[0]


def test_numbers_are_written_as_people_read_them():
    assert profiles.number(-1200, 0, "sv", signed=True) == "−1\u00a0200"
    assert profiles.number(-12.244897, 1, "sv", signed=True) == "−12,2"
    assert profiles.number(9800, 0, "en") == "9,800"
    assert profiles.number(float("nan")) == "–" and profiles.number(None) == "–"
    assert profiles.number(4.25, 1) == "4,3" and profiles.number(-3.25, 1, "en") == "-3.3"  # halves away from zero


def test_profile_withholds_suppressed_dimios_values_and_shows_only_the_units_rows(project, tmp_path):
    """A DiMiOS table by municipality (respondent data): the unit with too few respondents shows "..";
    the others show their own type; a real municipality is not given an example's numbers."""
    from digimotor.site.exhibits import Exhibit

    table = project / "data" / "processed" / "dimios_municipality_scores.csv"
    pd.DataFrame({
        "municipality_code": ["Kommun 01", "Kommun 05"], "municipality": ["Kommun 01", "Kommun 05"],
        "n_respondents": [2, 5], "capability": [None, 4.25], "legacy": [None, 4.6], "dimios_type": [None, "D"],
        "suppressed": [True, False], "data_kind": ["synthetic", "synthetic"],
    }).to_csv(table, index=False)
    exhibit = Exhibit("dimios_municipality_scores", "03-dimios-maturity", "table", heading="Respondenter",
                      anchor="#Respondenter", kind="synthetic", paths=["data/processed/dimios_municipality_scores.csv"])
    units = profiles.build_profiles(tmp_path, [], [exhibit], {"notebooks": []}, region=("Fyrbodal", ["1460"]))
    assert [u.slug for u in units] == ["1460-bengtsfors", "kommun-01", "kommun-05"]
    withheld = _section(tmp_path / "kommuner" / "kommun-01.html", "dimios")
    assert "<tr><th>DiMiOS-typ</th><td>..</td></tr>" in withheld
    assert "<tr><th>Digital förmåga (1–6)</th><td>..</td></tr>" in withheld and "<td>2</td>" in withheld
    assert "värdet undanhålls" in (tmp_path / "kommuner" / "kommun-01.html").read_text(encoding="utf-8")
    shown = _section(tmp_path / "kommuner" / "kommun-05.html", "dimios")
    assert "<tr><th>DiMiOS-typ</th><td>D</td></tr>" in shown and "<td>4,3</td>" in shown
    assert '<a href="../03-dimios-maturity.html#Respondenter">Respondenter</a>' in shown
    assert "undanhålls" not in (tmp_path / "kommuner" / "kommun-05.html").read_text(encoding="utf-8")
    real = html.unescape(_section(tmp_path / "kommuner" / "1460-bengtsfors.html", "dimios"))
    assert "bara syntetiska exempelkommuner" in real and "<td>" not in real


def test_a_suppressed_value_shows_as_two_dots():
    row = {"respondents": 1, "above_middle_pct": float("nan"), "suppressed": True}
    assert profiles.cell_text(row, "above_middle_pct", profiles._pct, "sv") == ".."
    assert profiles.cell_text({**row, "suppressed": False}, "above_middle_pct", profiles._pct, "sv") == "–"
    assert profiles.cell_text({"respondents": 4, "above_middle_pct": 25.0, "suppressed": False},
                              "above_middle_pct", profiles._pct, "sv") == "25,0"


def test_units_are_the_regions_municipalities_then_the_examples():
    frame = pd.DataFrame({"municipality_code": ["Kommun 02", "Kommun 01", "1492", "IT-org 01", "", "Region 01"],
                          "municipality": ["Kommun 02", "Kommun 01", "Åmål", "IT-org 01", "Region", "Region 01"]})
    units = profiles.study_units({"t": frame}, ["1460"])
    assert [(u.code, u.name, u.slug, u.example) for u in units] == [
        ("1460", "Bengtsfors", "1460-bengtsfors", False), ("1492", "Åmål", "1492-amal", False),
        ("Kommun 01", "Kommun 01", "kommun-01", True), ("Kommun 02", "Kommun 02", "kommun-02", True)]
    assert Unit("1487", "Vänersborg").heading() == "Vänersborg (1487)"
    assert Unit("1487", "Vänersborg").href == "kommuner/1487-vanersborg.html"
    assert profiles.rows_of(frame, Unit("1492", "Åmål")) == [{"municipality_code": "1492", "municipality": "Åmål"}]
    assert profiles.rows_of(frame, Unit("1460", "Bengtsfors")) == []


@pytest.mark.slow
def test_profiles_of_the_default_run(default_run):
    root = default_run.root
    site_dir = root / "build" / "site"
    folder = site_dir / "kommuner"
    names = sorted(p.name for p in folder.glob("*.html"))
    assert len(names) == 28 and len([n for n in names if n.startswith("kommun-")]) == 14
    assert {"1492-amal.html", "1439-fargelanda.html", "1438-dals-ed.html", "1487-vanersborg.html",
            "kommun-01.html", "kommun-14.html"} <= set(names)
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    for code, name in FYRBODAL.items():
        page = folder / Unit(code, name).href.split("/")[1]
        assert f'<a href="kommuner/{page.name}">{name} ({code})</a>' in index
        text = page.read_text(encoding="utf-8")
        assert f"<h1>{name} ({code})</h1>" in text and "SCB-kod <strong>" + code in text
        others = [n for c, n in FYRBODAL.items() if c != code and n not in name]
        body = _text(page).split("Alla kommunprofiler", 1)[1]
        assert not [n for n in others if re.search(rf"\b{n}\b", body)], page.name  # only its own data
        assert "EXEMPELKOMMUN" not in text
    assert '<a href="kommuner/kommun-01.html">Kommun 01</a>' in index

    # a real municipality: its published forecast (Figur 7), linked to the exhibit and the source
    bengtsfors = folder / "1460-bengtsfors.html"
    population = html.unescape(_section(bengtsfors, "population"))
    forecast = pd.read_csv(root / "data" / "processed" / "fig07_population_forecast.csv", dtype={"municipality_code": str})
    row = forecast.set_index("municipality_code").loc["1460"]
    assert (row.population_base, row.population_target, row.change) == (9800, 8600, -1200)
    for label, value in (("Befolkning, basår", "9\u00a0800"), ("Befolkning, prognosår", "8\u00a0600"),
                         ("Förändring (personer)", "−1\u00a0200"), ("Förändring (%)", "−12,2")):
        assert f"<tr><th>{label}</th><td>{value}</td></tr>" in population
    anchor = page_anchors(site_dir / "01-demography.html")["Figur 7 – befolkningsprognos per kommun"]
    assert f'<a href="../01-demography.html{anchor}">Figur 7 – befolkningsprognos per kommun</a>' in population
    assert '<a href="../files/fig07_population_forecast.csv">' in population
    assert "Datatyp: publicerad (ur rapporten)" in population
    assert "data/raw/published/population_forecast.csv" in population
    # the parts whose run data are synthetic examples say so instead of showing another unit's numbers
    broadband = html.unescape(_section(bengtsfors, "broadband"))
    assert "Körningens tabell gäller bara syntetiska exempelkommuner" in broadband and "<td>" not in broadband
    assert "bara värden för hela regionen" in html.unescape(_section(bengtsfors, "dimios"))

    # an example municipality: labelled, its synthetic numbers, suppression respected
    example = folder / "kommun-03.html"
    text = example.read_text(encoding="utf-8")
    assert "EXEMPELKOMMUN" in text and "SYNTETISKA EXEMPELDATA" in text and "SCB-kod" not in text
    coverage = pd.read_csv(root / "data" / "processed" / "fig14_broadband_coverage.csv").set_index("municipality_code")
    assert coverage.loc["Kommun 03", "share_total_pct"] == 79.5
    broadband = html.unescape(_section(example, "broadband"))
    assert "<tr><th>Hushåll med ≥ 100 Mbit/s (%)</th><td>79,5</td></tr>" in broadband
    assert "<tr><th>Når regionala målet</th><td>nej</td></tr>" in broadband
    assert "Datatyp: syntetisk (exempeldata)" in broadband
    tbm = html.unescape(_section(example, "tbm"))
    assert "<td>IT-org 03</td>" in tbm and "<td>0,64</td>" in tbm
    survey = pd.read_csv(root / "data" / "processed" / "survey_summary_by_municipality.csv")
    hidden = survey[(survey["municipality_code"] == "Kommun 03") & survey["suppressed"]]
    assert hidden["question_id"].tolist() == ["fig23_governance_control_and_innovation"]
    rows = _section(example, "survey")
    assert "<td><code>fig23_governance_control_and_innovation</code></td><td>1</td><td>..</td>" in rows
    assert "<td><code>fig21_it_knows_ways_of_working</code></td><td>5</td><td>20,0</td>" in rows
    assert "”..” = värdet undanhålls" in html.unescape(text)
    capabilities = html.unescape(_section(example, "capabilities"))
    assert "<li>Vara rådgivare åt politik och ledning (0,75)</li>" in capabilities
    scenarios = html.unescape(_section(example, "scenarios"))
    assert "<th>Tar emot stöd (11)</th>" in scenarios and "Hantera det tekniska arvet ← Kommun 04" in scenarios
    assert ("<tr><th>Scenarier (antal förmågor)</th><td>2 · Stöttande samverkan (10); 1 · Stödjande samverkan (3); "
            "5 · Gemensam samverkan (3); 4 · Upprätthållande samverkan (1)</td></tr>") in scenarios
    assert "../06-scenarios.html#Scenario-per-f" in scenarios  # the table the counts come from
    # every exhibit link of the profiles points at a heading of its page
    for page in folder.glob("*.html"):
        for target, fragment in re.findall(r'href="\.\./(\d\d-[a-z-]+\.html)#([^"]+)"', page.read_text(encoding="utf-8")):
            assert "#" + fragment in page_anchors(site_dir / target).values(), (page.name, target, fragment)


@pytest.mark.slow
def test_profiles_in_english(default_run, tmp_path, monkeypatch):
    from digimotor import site
    from digimotor.run import NotebookResult, discover_notebooks
    from digimotor.site.exhibits import exhibit_index

    root = default_run.root
    monkeypatch.setenv("DIGIMOTOR_ROOT", str(root))
    summaries = []
    for path in discover_notebooks():
        record = json.loads((root / "build" / "cache" / f"{path.stem}.json").read_text(encoding="utf-8"))
        summaries.append((path, NotebookResult(name=path.stem, status=record["status"], seconds=0.0,
                                               parameters=record["parameters"], manifest=record["manifest"])))
    exhibits = exhibit_index(root / "build" / "site", summaries)
    context = {"notebooks": [(p.stem, p.stem) for p, _ in summaries]}
    units = profiles.build_profiles(tmp_path, summaries, exhibits, context, region=("Fyrbodal", ()), lang="en")
    assert len(units) == 28
    text = (tmp_path / "kommuner" / "1460-bengtsfors.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "<h2>Population change</h2>" in text
    assert "<tr><th>Change (persons)</th><td>-1,200</td></tr>" in text
    assert "Data kind: published (from the report)" in text
    assert "Befolkning" not in text and "Datatyp" not in text
    example = (tmp_path / "kommuner" / "kommun-03.html").read_text(encoding="utf-8")
    assert "EXAMPLE MUNICIPALITY" in example and "<td>79.5</td>" in example
    assert site.profiles.profiles_index_html(units, "en").count('href="kommuner/') == 28


@pytest.mark.slow
@pytest.mark.browser
def test_the_longest_profile_prints_on_two_a4_pages(default_run, tmp_path):
    from test_site import require_chromium

    browser = require_chromium()
    folder = default_run.root / "build" / "site" / "kommuner"
    longest = max(folder.glob("*.html"), key=lambda p: len(_text(p)))
    pdf = tmp_path / "profile.pdf"
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'chromium'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
         longest.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-800:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert 1 <= pages <= 2, (longest.name, pages)
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 in points
