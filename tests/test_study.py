"""A study is a file: ``digimotor init``, ``study.yml``, ``digimotor reproduce --study``.

Every input is written by the test into a temporary folder (real municipality names of Dalarna
county, invented scores), never under the repository's ``data/``. The study folder is the
study's root: its data, outputs and site live there.
"""

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from digimotor import study as studies
from digimotor.cli import main
from digimotor.sources.dimios import AREAS

REPO = Path(__file__).resolve().parents[1]
DIMIOS = "03-dimios-maturity"

#: municipality -> (capability base, legacy base, respondents 2021, respondents 2024); 0 = not measured.
#: Every municipality measured twice scores exactly +1 higher in 2024 (the split is 3.5).
TOWNS = {
    "Falun": (2.5, 2.5, 3, 3),      # A -> D
    "Borlänge": (2.5, 3.5, 3, 3),   # B -> D
    "Mora": (3.5, 2.5, 3, 3),       # C -> D
    "Ludvika": (3.5, 3.5, 3, 3),    # D -> D
    "Avesta": (3.0, 3.0, 3, 3),     # A -> D
    "Leksand": (3.0, 2.5, 3, 3),    # A -> D
    "Rättvik": (2.0, 2.0, 3, 3),    # A -> A (3.0 in 2024)
    "Hedemora": (3.0, 3.5, 3, 3),   # B -> D
    "Säter": (3.5, 3.0, 2, 2),      # C -> D, two respondents: suppressed
    "Orsa": (3.0, 3.0, 3, 0),       # 2021 only
    "Gagnef": (3.0, 3.0, 0, 3),     # 2024 only (scores 4.0)
}
OFFSETS = {3: (-0.5, 0.0, 0.5), 2: (-0.5, 0.5)}  # respondents around the municipality's score
AREA_OFFSET = {"efficiency": -0.5, "innovation": 0.0, "balancing": 0.5,
               "technology": -0.5, "users": 0.0, "organisation": 0.5}


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _fill_dimios(path: Path) -> None:
    """Fill in the study's DiMiOS template (CSV, the header ``init`` wrote) with the TOWNS."""
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    lines = [header]
    columns = header.split(";")
    for town, (capability, legacy, n_2021, n_2024) in TOWNS.items():
        for year, n, rise in ((2021, n_2021, 0.0), (2024, n_2024, 1.0)):
            for k, spread in enumerate(OFFSETS.get(n, ())):
                for area, (name, _en, dimension) in AREAS.items():
                    base = capability if dimension == "capability" else legacy
                    score = base + rise + spread + AREA_OFFSET[area]
                    row = {"year": year, "municipality_code": town, "respondent": f"r{k}", "area": name,
                           "score": f"{score:.1f}".replace(".", ",")}
                    lines.append(";".join(str(row.get(c, "")) for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fill_survey(path: Path) -> None:
    """Department heads answer one question; each municipality one point higher in 2024."""
    columns = path.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    lines = [";".join(columns)]
    for town, (capability, _legacy, n_2021, n_2024) in TOWNS.items():
        mean = 2 if capability < 3 else 3
        for year, n, rise in ((2021, n_2021, 0), (2024, n_2024, 1)):
            for k, spread in enumerate({3: (-1, 0, 1), 2: (-1, 1)}.get(n, ())):
                row = {"municipality_code": town, "respondent_id": f"{town}-{year}-{k}",
                       "respondent_group": "förvaltningschef", "question_id": "fig21_it_knows_ways_of_working",
                       "answer": mean + rise + spread, "year": year}
                lines.append(";".join(str(row.get(c, "")) for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _init(folder: Path, *extra: str) -> Path:
    assert main(["init", str(folder), "--region", "Dalarnas län", "--years", "2021", "2024",
                 "--datasets", "dimios", "survey", *extra]) == 0
    return folder / "study.yml"


def _edit(study: Path, change) -> None:
    data = yaml.safe_load(study.read_text(encoding="utf-8"))
    change(data)
    study.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ---------------------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------------------


def test_init_writes_the_study_file_and_templates_with_the_regions_municipalities(tmp_path, capsys):
    folder = tmp_path / "dalarna"
    assert main(["init", str(folder), "--region", "Dalarnas län", "--years", "2021", "2024",
                 "--datasets", "dimios", "broadband", "population_forecast", "--required", "dimios"]) == 0
    assert "reproduce --study" in capsys.readouterr().out
    data = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    assert data["region"] == "Dalarnas län" and data["years"] == [2021, 2024]
    assert data["title"] == "Digital motor Dalarnas län 2021–2024"
    assert data["datasets"]["dimios"] == {"snapshot": "dalarna", "required": True,
                                          "file": ["templates/dimios.xlsx", "templates/dimios.csv"]}
    assert data["datasets"]["broadband"]["required"] is False
    assert data["parameters"][DIMIOS] == {"year": 2024, "compare_year": 2021}
    assert data["parameters"]["02-broadband"] == {"year": 2024, "compare_year": 2021}
    for dataset in ("dimios", "broadband", "population_forecast"):
        assert (folder / "templates" / f"{dataset}.csv").is_file()
        assert (folder / "templates" / f"{dataset}.xlsx").is_file()
    assert (folder / "data" / "raw").is_dir()

    dalarna = {"2021": "Vansbro", "2023": "Malung-Sälen", "2026": "Gagnef", "2029": "Leksand", "2031": "Rättvik",
               "2034": "Orsa", "2039": "Älvdalen", "2061": "Smedjebacken", "2062": "Mora", "2080": "Falun",
               "2081": "Borlänge", "2082": "Säter", "2083": "Hedemora", "2084": "Avesta", "2085": "Ludvika"}
    listed = pd.read_csv(folder / "municipalities.csv", sep=";", dtype=str)
    assert dict(zip(listed["municipality_code"], listed["municipality"], strict=True)) == dalarna

    # a row per municipality and year where one is expected (CSV and XLSX alike), header only elsewhere
    broadband = pd.read_csv(folder / "templates" / "broadband.csv", sep=";", dtype=str, encoding="utf-8-sig")
    pairs = sorted(zip(broadband["municipality_code"], broadband["kommunnamn"], broadband["year"], strict=True))
    assert pairs == sorted((c, n, y) for c, n in dalarna.items() for y in ("2021", "2024"))
    assert broadband["share_pct"].isna().all()
    workbook = pd.read_excel(folder / "templates" / "broadband.xlsx", sheet_name="broadband", dtype=str)
    assert sorted(zip(workbook["municipality_code"], workbook["year"], strict=True)) == sorted(
        (c, y) for c in dalarna for y in ("2021", "2024"))
    forecast = pd.read_csv(folder / "templates" / "population_forecast.csv", sep=";", dtype=str, encoding="utf-8-sig")
    assert sorted(forecast["municipality_code"]) == sorted(dalarna) and forecast["year"].isna().all()
    dimios = pd.read_csv(folder / "templates" / "dimios.csv", sep=";", dtype=str, encoding="utf-8-sig")
    assert len(dimios) == 0 and "score" in dimios.columns  # respondent rows: no example of another region
    assert main(["init", str(folder), "--region", "Dalarnas län"]) == 2  # never overwritten silently


def test_init_refuses_an_unknown_region(tmp_path, capsys):
    assert main(["init", str(tmp_path / "x"), "--region", "Dalarnaa"]) == 2
    assert "'Dalarnaa' is not a known region" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_fyrbodal_study_is_the_default_run(repo_root):
    """The shipped Fyrbodal study runs every notebook with its defaults: the same run as
    `digimotor reproduce` (whose outputs the byte-identical comparison checks)."""
    study = studies.load_study(studies.DEFAULT_STUDY)
    assert study.root == REPO and study.title == "Digital motor Fyrbodal – reproduktion"
    with studies.rooted(study):
        plan = studies.prepare(study, do_import=False)
    assert plan.per_notebook == {} and plan.skipped == {}
    assert plan.run == sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))


# ---------------------------------------------------------------------------------------
# Bad input: one message per problem, file and key named, before any notebook runs
# ---------------------------------------------------------------------------------------


def test_bad_study_gives_one_message_per_problem_naming_file_and_key(tmp_path, capsys):
    study = _init(tmp_path / "dalarna", "--required", "dimios")
    _fill_dimios(tmp_path / "dalarna" / "templates" / "dimios.csv")

    def spoil(data):
        data["region"] = ["Falun", "Storstad"]
        data["years"] = [2021, 2023]
        del data["datasets"]["survey"]["snapshot"]
        data["parameters"][DIMIOS]["min_respondent"] = 2
        data["parameters"]["99-nothing"] = {"lang": "en"}

    _edit(study, spoil)
    assert main(["reproduce", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("digimotor reproduce: error:")]
    where = f"{study}: "
    expected = [
        "region: ",  # the unknown municipality
        "datasets.survey.snapshot: the dataset has no snapshot",
        "years: 2023 is not in the data of dimios (snapshot 'dalarna' holds 2021, 2024)",
        f"parameters.{DIMIOS}.min_respondent: {DIMIOS} has no parameter 'min_respondent'",
        "parameters.99-nothing: no notebook '99-nothing'",
    ]
    # the shape problems come first (no snapshot), the rest after a fix: run again without it
    assert len(lines) == 1 and where + expected[1] in lines[0]
    _edit(study, lambda data: data["datasets"]["survey"].update(snapshot="dalarna"))
    assert main(["reproduce", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("digimotor reproduce: error:")]
    assert len(lines) == 4, err
    for line, text in zip(lines, [expected[0], expected[2], expected[3], expected[4]], strict=True):
        assert where + text in line
    assert "'Storstad'" in lines[0]
    assert "4 problem(s) in the study; no notebook was run" in err
    assert not (tmp_path / "dalarna" / "build" / "cache").exists()  # nothing ran


def test_a_study_file_reads_and_writes_only_inside_its_folder(tmp_path, capsys):
    study = _init(tmp_path / "dalarna")
    (tmp_path / "secret.csv").write_text("year;municipality_code;respondent;area;score\n", encoding="utf-8")
    _edit(study, lambda data: (data.update(root=".."), data["datasets"]["dimios"].update(
        file=["../secret.csv", "/etc/passwd", "templates/dimios.csv"])))
    assert main(["reproduce", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"{study}: root: '.' (the study file's folder, the default) or 'project'" in err
    assert f"{study}: datasets.dimios.file: '../secret.csv' is not a path inside the study folder" in err
    assert f"{study}: datasets.dimios.file: '/etc/passwd' is not a path inside the study folder" in err
    assert not (tmp_path / "data").exists() and not (tmp_path / "dalarna" / "build").exists()


def test_required_dataset_left_empty_and_bad_template_rows_are_errors(tmp_path, capsys):
    study = _init(tmp_path / "dalarna", "--required", "dimios", "survey")
    _fill_dimios(tmp_path / "dalarna" / "templates" / "dimios.csv")
    assert main(["reproduce", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"{study}: datasets.survey: required, but empty (templates/survey.xlsx, templates/survey.csv)" in err
    # a municipality the registry does not know, in the filled-in template: file, row and column
    template = tmp_path / "dalarna" / "templates" / "dimios.csv"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("Falun", "Falustad")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _edit(study, lambda data: data["datasets"]["survey"].update(required=False))
    assert main(["reproduce", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"{study}: datasets.dimios: {template}, row 4, column 'municipality_code'" in err
    assert "Falustad" in err


def test_a_parameter_value_and_a_compare_year_outside_the_data(tmp_path, capsys):
    study = _init(tmp_path / "dalarna")
    _fill_dimios(tmp_path / "dalarna" / "templates" / "dimios.csv")
    _edit(study, lambda data: data["parameters"][DIMIOS].update(compare_year=2019, split=9))
    assert main(["reproduce", "--study", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"{study}: parameters.{DIMIOS}.split: " in err
    assert f"{study}: parameters.{DIMIOS}.compare_year: 2019 is not in the data of dimios" in err


def test_a_capability_year_outside_the_assessment_dates_fails_before_the_run(tmp_path, capsys):
    """05's ``year``/``compare_year`` is the year of the assessments' ``date``: checked before any notebook runs."""
    folder = tmp_path / "dalarna"
    assert main(["init", str(folder), "--region", "Dalarnas län", "--years", "2021", "2024",
                 "--datasets", "capabilities"]) == 0
    template = folder / "templates" / "capabilities.csv"
    columns = template.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    rows = [{"municipality_code": town, "capability": "act_on_trends", "score": 3, "scale_min": 1, "scale_max": 5,
             "date": f"{year}-11-15"} for town in ("Falun", "Mora") for year in (2021, 2024)]
    template.write_text("\n".join([";".join(columns)] + [";".join(str(r.get(c, "")) for c in columns)
                                                           for r in rows]) + "\n", encoding="utf-8")
    (folder / "templates" / "capabilities.xlsx").unlink()
    study = folder / "study.yml"
    _edit(study, lambda data: data["parameters"].setdefault("05-capability-map", {}).update(year=2024,
                                                                                             compare_year=2019))
    snapshot = yaml.safe_load(study.read_text(encoding="utf-8"))["datasets"]["capabilities"]["snapshot"]
    assert main(["reproduce", "--study", str(study), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert (f"{study}: parameters.05-capability-map.compare_year: 2019 is not in the data of capabilities "
            f"(snapshot '{snapshot}' holds 2021, 2024)") in err
    assert "parameters.05-capability-map.year:" not in err  # 2024 is a measurement of the data
    _edit(study, lambda data: data["parameters"]["05-capability-map"].update(compare_year=2021))
    assert main(["reproduce", "--study", str(study), "--dry-run"]) == 0


# ---------------------------------------------------------------------------------------
# From init to site
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_measurement_dimios_study_from_init_to_site(tmp_path, capsys):
    before = _tree_digest(REPO / "data")
    folder = tmp_path / "dalarna"
    study = _init(folder, "--required", "dimios")
    _fill_dimios(folder / "templates" / "dimios.csv")
    assert main(["reproduce", "--study", str(study)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "imported data/raw/user/dimios/dalarna.csv" in out
    assert "skipped   07-survey-and-strategy: optional dataset(s) left empty: survey" in out

    def table(name):
        return pd.read_csv(folder / "data" / "processed" / f"{name}.csv",
                           dtype={"municipality_code": str, "measurement": str})

    # per measurement, hand-computed (the municipality means, then their mean; never pooled)
    in_2021 = [v for v in TOWNS.values() if v[2]]
    in_2024 = [v for v in TOWNS.values() if v[3]]
    means = table("dimios_measurement_means").set_index(["measurement", "measure"])["mean"]
    assert means[("2021", "capability")] == pytest.approx(sum(v[0] for v in in_2021) / len(in_2021))  # 2.95
    assert means[("2021", "legacy")] == pytest.approx(sum(v[1] for v in in_2021) / len(in_2021))  # 2.9
    assert means[("2024", "capability")] == pytest.approx(sum(v[0] + 1 for v in in_2024) / len(in_2024))  # 3.95
    assert means[("2024", "efficiency")] == pytest.approx(3.95 - 0.5)
    assert means[("2021", "organisation")] == pytest.approx(2.9 + 0.5)
    areas = table("fig09_dimios_areas").set_index("area")
    assert areas.loc["efficiency", ["lowest", "highest", "mean"]].tolist() == pytest.approx([2.5, 4.0, 3.45])

    # every paired municipality +1: change +1, interval [1, 1], Wilcoxon p = 2 / 2**9
    summary = table("dimios_change_summary").set_index("measure")
    for measure in ("capability", "legacy", "efficiency", "users"):
        row = summary.loc[measure]
        assert row["n_pairs"] == 9
        assert (row["mean_change"], row["ci_low"], row["ci_high"]) == pytest.approx((1.0, 1.0, 1.0))
        assert row["wilcoxon_p"] == pytest.approx(2 / 2**9) and row["wilcoxon_p"] < 0.05
    unpaired = table("dimios_change_unpaired")
    assert unpaired[["municipality", "present_in"]].values.tolist() == [["Orsa", "before"], ["Gagnef", "after"]]
    transitions = table("dimios_type_transitions").set_index("from")[list("ABCD")]
    assert transitions.values.tolist() == [
        [1, 0, 0, 3],  # A: Rättvik stays; Falun, Avesta, Leksand -> D
        [0, 0, 0, 2],  # B: Borlänge, Hedemora -> D
        [0, 0, 0, 2],  # C: Mora, Säter -> D
        [0, 0, 0, 1],  # D: Ludvika stays
    ]

    # small groups: Säter's two respondents are suppressed in both measurements
    towns = table("dimios_municipality_scores").set_index("municipality")
    assert bool(towns.loc["Säter", "suppressed"]) and towns.loc["Säter", ["capability", "legacy"]].isna().all()
    assert not towns.loc["Falun", "suppressed"] and towns.loc["Falun", "capability"] == pytest.approx(3.5)
    changed = table("dimios_change_municipalities").set_index("municipality")
    assert bool(changed.loc["Säter", "suppressed"]) and pd.isna(changed.loc["Säter", "capability_change"])

    # the site: titled for the study, under the study's folder, no page says Fyrbodal
    site = folder / "build" / "site"
    pages = {p.name: p.read_text(encoding="utf-8") for p in site.glob("*.html")}
    assert {"index.html", f"{DIMIOS}.html", "07-survey-and-strategy.html"} <= set(pages)
    assert "<title>Digital motor Dalarnas län 2021–2024</title>" in pages["index.html"]
    for name, text in pages.items():
        assert "Fyrbodal" not in text, name
    from pptx import Presentation  # the deck, too, is titled for the study

    assert Presentation(site / "files" / "digimotor.pptx").core_properties.title == "Digital motor Dalarnas län 2021–2024"
    assert "Säter 2024 (n = 2)" in pages[f"{DIMIOS}.html"] and ">..<" in pages[f"{DIMIOS}.html"]
    assert "Orsa" in pages[f"{DIMIOS}.html"] and "Gagnef" in pages[f"{DIMIOS}.html"]
    skipped = pages["07-survey-and-strategy.html"]
    assert "Inte körd i studien Digital motor Dalarnas län 2021–2024" in skipped
    assert "valfri datamängd lämnades tom: survey" in skipped and "inga exempeldata" in skipped
    assert "delen ingår inte i studien" in pages["01-demography.html"]
    assert not (folder / "data" / "processed" / "fig20_survey_published_shares.csv").exists()
    assert (folder / "figures" / "dimios_change.png").is_file()
    assert _tree_digest(REPO / "data") == before  # the repository's data/ is unchanged

    # a second run: nothing to import, nothing to run again
    assert main(["reproduce", "--study", str(study)]) == 0
    out = capsys.readouterr().out
    assert "imported" not in out and "0 run, 1 cached, 0 failed" in out

    # the optional survey filled in later: its part runs (DiMiOS comes from the cache)
    _fill_survey(folder / "templates" / "survey.csv")
    assert main(["reproduce", "--study", str(study)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "imported data/raw/user/survey/dalarna.csv" in out and "1 run, 1 cached, 0 failed" in out
    change = table("survey_change_summary").set_index("question_id").loc["fig21_it_knows_ways_of_working"]
    assert change["n_pairs"] == 9 and (change["mean_change"], change["ci_low"], change["ci_high"]) == (1.0, 1.0, 1.0)
    assert change["wilcoxon_p"] == pytest.approx(2 / 2**9)
    survey_page = (site / "07-survey-and-strategy.html").read_text(encoding="utf-8")
    assert "Inte körd" not in survey_page and "Fyrbodal" not in survey_page and "Dalarnas län" in survey_page
    assert "Vansbro" in survey_page  # a municipality of the region without data is named
    assert _tree_digest(REPO / "data") == before


def test_a_further_input_of_a_notebook_must_be_the_studys_own(tmp_path, capsys):
    """Notebook 01 also draws a population pyramid of the region's county: ``init`` adds that
    dataset and the county; left empty it is an error before anything runs, and without it
    the notebook's default (the original study's county) is not in the study folder either."""
    folder = tmp_path / "dalarna"
    assert main(["init", str(folder), "--region", "Dalarnas län", "--datasets", "population_forecast"]) == 0
    study = folder / "study.yml"
    data = yaml.safe_load(study.read_text(encoding="utf-8"))
    assert set(data["datasets"]) == {"population_forecast", "population_by_age"}
    assert data["parameters"] == {"01-demography": {"pyramid_region": "20"}}  # Dalarnas län
    codes = pd.read_csv(folder / "municipalities.csv", sep=";", dtype=str)["municipality_code"]
    lines = ["kommunkod;år;folkmängd"] + [f"{c};{y};{10000 + i * 100 + y - 2019}" for i, c in enumerate(codes)
                                          for y in (2019, 2030)]
    (folder / "templates" / "population_forecast.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the optional pyramid left empty: none, with a note (never the original study's county)
    assert main(["reproduce", "--study", str(study), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert ("note      01-demography: pyramid_source: none (the study has no population_by_age; the default "
            "'vg-2020-regionfakta' is the original study's)") in out
    _edit(study, lambda data: data["datasets"].pop("population_by_age"))
    loaded = studies.load_study(study)
    with studies.rooted(loaded):
        assert studies.prepare(loaded).per_notebook["01-demography"]["pyramid_source"] == "none"
    # required, it is an error before anything runs
    _edit(study, lambda data: data["datasets"].update(population_by_age={
        "snapshot": "dalarna-2019", "file": "templates/population_by_age.csv", "required": True}))
    assert main(["reproduce", "--study", str(study), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert (f"{study}: datasets.population_by_age: required, but empty (templates/population_by_age.csv) and no "
            "snapshot 'dalarna-2019' exists") in err

    pyramid = ["region_code;year;age;sex;population"] + [
        f"20;2019;{age}-{age + 4};{sex};{1000 + age}" for age in range(0, 100, 5) for sex in ("men", "women")]
    (folder / "templates" / "population_by_age.csv").write_text("\n".join(pyramid) + "\n", encoding="utf-8")
    _edit(study, lambda data: data["datasets"].update(population_by_age={
        "snapshot": "dalarna-2019", "file": "templates/population_by_age.csv"}))
    loaded = studies.load_study(study)
    with studies.rooted(loaded):
        plan = studies.prepare(loaded)
    assert plan.per_notebook["01-demography"] == {"source": "dalarna", "region": "Dalarnas län",
                                                  "pyramid_region": "20", "pyramid_source": "dalarna-2019"}
    assert plan.run == ["01-demography"]
    assert (folder / "data" / "raw" / "user" / "population_forecast" / "dalarna.csv").is_file()
    assert (folder / "data" / "raw" / "user" / "population_by_age" / "dalarna-2019.csv").is_file()


@pytest.mark.slow
def test_a_study_without_population_by_age_skips_the_pyramid_with_a_note(tmp_path, capsys):
    """The optional pyramid left empty: 01 runs, says why there is no Figure 8, draws none and never
    shows the original study's county (Västra Götaland) or region."""
    folder = tmp_path / "dalarna"
    assert main(["init", str(folder), "--region", "Dalarnas län", "--datasets", "population_forecast"]) == 0
    codes = pd.read_csv(folder / "municipalities.csv", sep=";", dtype=str)["municipality_code"]
    lines = ["kommunkod;år;folkmängd"] + [f"{c};{y};{10000 + i * 100 + y - 2019}" for i, c in enumerate(codes)
                                          for y in (2019, 2030)]
    (folder / "templates" / "population_forecast.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["reproduce", "--study", str(folder / "study.yml")]) == 0
    capsys.readouterr()
    page = (folder / "build" / "site" / "01-demography.html").read_text(encoding="utf-8")
    assert "Ingen befolkningspyramid: studien har ingen befolkning efter ålder och kön" in page
    assert "Fyrbodal" not in page and "vg-2020-regionfakta" not in page  # the original study's county snapshot
    assert not list((folder / "figures").glob("fig08_population_pyramid.*"))
    assert not (folder / "data" / "processed" / "fig08_population_pyramid.csv").exists()
    assert (folder / "data" / "processed" / "fig07_population_forecast.csv").is_file()


def test_blank_prefilled_rows_are_left_out_and_the_study_folder_is_the_root(tmp_path, monkeypatch, capsys):
    """A municipality without data keeps its pre-filled row blank: it is not imported. Inside
    the study folder the commands work on the study."""
    folder = tmp_path / "skaraborg"
    assert main(["init", str(folder), "--region", "Skaraborg", "--years", "2024", "--datasets", "broadband"]) == 0
    template = folder / "templates" / "broadband.csv"
    frame = pd.read_csv(template, sep=";", dtype=str, encoding="utf-8-sig").fillna("")
    filled = frame["kommunnamn"].isin(["Skövde", "Lidköping"])
    frame.loc[filled, ["premises", "area", "share_pct"]] = ["households", "total", "91,5"]
    frame.to_csv(template, sep=";", index=False, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("DIGIMOTOR_ROOT", raising=False)
    assert main(["reproduce", "--dry-run"]) == 0  # this study: 02's public facts are the original's: none
    out = capsys.readouterr().out
    assert "note      02-broadband: facts_source: none (the study has no broadband_facts" in out
    imported = pd.read_csv(folder / "data" / "raw" / "user" / "broadband" / "skaraborg.csv", dtype=str)
    assert sorted(imported["municipality_code"]) == ["1494", "1496"]  # Lidköping, Skövde; the rest blank
    assert imported["share_pct"].astype(float).tolist() == [91.5, 91.5]
    assert (folder / "data" / "raw" / "public" / "broadband_goals").is_dir()


def test_command_line_values_win_over_the_studys(tmp_path, monkeypatch):
    from digimotor import run as pipeline

    study = _init(tmp_path / "dalarna")
    _fill_dimios(tmp_path / "dalarna" / "templates" / "dimios.csv")
    (tmp_path / "more.yml").write_text(f"all: {{lang: en}}\n{DIMIOS}: {{split: 3.0}}\n", encoding="utf-8")
    calls = []
    monkeypatch.setattr(pipeline, "reproduce", lambda **kw: calls.append(kw) or pipeline.RunResult())
    studies.run_study(study, parameters={"compare_year": 0}, params_file=tmp_path / "more.yml", echo=lambda _m: None)
    (call,) = calls
    assert call["only"] == [DIMIOS] and call["params_file"] is None
    assert call["per_notebook"] == {DIMIOS: {"source": "dalarna", "region": "Dalarnas län", "year": 2024,
                                             "compare_year": 0, "lang": "en", "split": 3.0}}
    (tmp_path / "bad.yml").write_text("all: {langue: en}\n", encoding="utf-8")
    with pytest.raises(Exception, match="unknown parameter.*'langue'"):
        studies.run_study(study, params_file=tmp_path / "bad.yml", echo=lambda _m: None)


def test_the_seeded_example_is_never_a_studys_input(tmp_path, capsys):
    """Notebook 06 reads the existing collaborations; its default is the seeded example, which
    a study never runs on: a study without its own reads none (a note), one that names the
    example is an error naming the parameter before anything runs."""
    folder = tmp_path / "skaraborg"
    assert main(["init", str(folder), "--region", "Skaraborg", "--datasets", "capabilities"]) == 0
    study = folder / "study.yml"
    assert yaml.safe_load(study.read_text(encoding="utf-8"))["parameters"] == {
        "06-scenarios": {"willingness_source": "default"}}
    lines = ["kommun;förmåga;poäng"] + [f"{town};Leverantörshantering;{score}"
                                         for town, score in (("Skövde", 3), ("Lidköping", 4), ("Hjo", 2))]
    (folder / "templates" / "capabilities.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["reproduce", "--study", str(study), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "note      06-scenarios: collaborations_source: none (the study has no capability_collaborations" in out
    assert "would run 06-scenarios" in out
    assert main(["reproduce", "--study", str(study), "--dry-run", "--only", "05"]) == 0  # the map alone
    assert "would run 05-capability-map" in capsys.readouterr().out
    _edit(study, lambda data: data["parameters"]["06-scenarios"].update(collaborations_source="synthetic"))
    assert main(["reproduce", "--study", str(study), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert f"{study}: parameters.06-scenarios.collaborations_source: " in err and "no snapshot 'synthetic'" in err
    assert "willingness_source" not in err and "05-capability-map" not in err
