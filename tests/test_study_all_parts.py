"""A study of another region runs every part it has data for, and nothing of it says Fyrbodal.

The inputs are written by the test into a temporary folder: Dalarna county's real municipality
codes with invented values (population, population by age, broadband and DiMiOS in two
measurements, a capability self-assessment), never under the repository's ``data/``. The
optional inputs the study does not have (the public broadband facts of 02, the existing
collaborations of 06) read as none, with a note: never the original study's data.
"""

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml
from shared_run import once_per_session

from digimotor.cli import main
from digimotor.params import load_schema
from digimotor.sources.capabilities import load_capability_catalogue

REPO = Path(__file__).resolve().parents[1]
YEARS = (2021, 2024)
DATASETS = ("population_forecast", "broadband", "dimios", "capabilities")
AREAS = ("Effektivitet", "Innovation", "Balansering", "Teknik", "Användare", "Organisation")


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _write(path: Path, rows: list[dict]) -> None:
    columns = path.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    lines = [";".join(columns)] + [";".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fill(folder: Path) -> list[str]:
    """Invented values for every municipality of the study; its codes."""
    codes = pd.read_csv(folder / "municipalities.csv", sep=";", dtype=str)["municipality_code"].tolist()
    templates = folder / "templates"
    _write(templates / "population_forecast.csv",
           [{"municipality_code": c, "year": y, "population": 10_000 + 1_000 * i + (y == 2030) * 100 * (i % 3 - 1),
             "series": "observed" if y == 2019 else "forecast"} for i, c in enumerate(codes) for y in (2019, 2030)])
    _write(templates / "population_by_age.csv",
           [{"region_code": "20", "year": YEARS[-1], "age_group": f"{a}-{a + 4}" if a < 100 else "100-", "sex": sex,
             "population": 9_000 - 80 * a} for a in range(0, 105, 5) for sex in ("women", "men")])
    _write(templates / "broadband.csv",
           [{"municipality_code": c, "year": y, "premises": "households", "area": area,
             "share_pct": 70 + i + (y == 2024) * 5 - (area == "outside_urban") * 30}
            for i, c in enumerate(codes) for y in YEARS for area in ("total", "outside_urban")])
    _write(templates / "dimios.csv",
           [{"year": y, "municipality_code": c, "respondent": f"r{k}", "area": area,
             "score": f"{2.0 + (i % 5) / 2 + (y == 2024) + k / 2:.1f}".replace(".", ",")}
            for i, c in enumerate(codes) for y in YEARS for k in range(3) for area in AREAS])
    catalogue = load_capability_catalogue("published")["capability_id"].astype(str).tolist()
    _write(templates / "capabilities.csv",
           [{"municipality_code": c, "capability": cap, "score": 1 + (i + j) % 4 + (y == 2024), "scale_min": 1,
             "scale_max": 5, "date": f"{y}-11-15"} for i, c in enumerate(codes) for j, cap in enumerate(catalogue)
            for y in YEARS])
    for dataset in (*DATASETS, "population_by_age"):
        (templates / f"{dataset}.xlsx").unlink()
    return codes


def _build_study(base: Path) -> dict:
    before = _tree_digest(REPO / "data")
    folder = base / "dalarna"
    assert main(["init", str(folder), "--region", "Dalarnas län", "--years", *map(str, YEARS),
                 "--datasets", *DATASETS]) == 0
    codes = _fill(folder)
    capture = []
    from digimotor import study as studies

    result = studies.run_study(folder / "study.yml", echo=capture.append)
    return {"folder": folder, "codes": codes, "out": "\n".join(capture), "result": result,
            "data_unchanged": _tree_digest(REPO / "data") == before}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The Dalarna study, from ``init`` to its site: run once per test session for the tests of
    this module, whichever xdist worker they run on (read it, never write into it)."""
    return once_per_session(tmp_path_factory, "dalarna-all-parts", _build_study)


@pytest.mark.slow  # the module's study runs five notebooks
def test_a_study_of_another_region_runs_every_part_it_has_data_for(study):
    out = study["out"]
    assert study["data_unchanged"]
    ran = {"01-demography", "02-broadband", "03-dimios-maturity", "05-capability-map", "06-scenarios"}
    result = study["result"]
    assert result.ok, out
    assert {r.name: r.status for r in result.results} == dict.fromkeys(sorted(ran), "done")
    for name in ran:
        assert f"skipped   {name}" not in out
    for name in ("04-tbm-cost", "07-survey-and-strategy"):  # their datasets are not in the study
        assert f"skipped   {name}: not part of this study" in out
    # the optional inputs the study does not have read as none, with a note; never the original's
    assert "note      02-broadband: facts_source: none" in out
    assert "note      02-broadband: facts_series_sources: none" in out
    assert "note      06-scenarios: collaborations_source: none" in out
    site = study["folder"] / "build" / "site"
    for name in ran:
        assert "Inte körd" not in (site / f"{name}.html").read_text(encoding="utf-8"), name
    for name in ("01-demography", "02-broadband", "03-dimios-maturity"):
        assert "Dalarnas län" in (site / f"{name}.html").read_text(encoding="utf-8"), name
    # 06 planned for the study's municipalities, without ties
    plan = pd.read_csv(study["folder"] / "data" / "processed" / "plan_budget_municipalities.csv",
                       dtype={"municipality_code": str})
    assert set(plan["municipality_code"]) <= set(study["codes"]) and len(plan) > 0
    for name in ("04-tbm-cost", "07-survey-and-strategy"):
        assert "delen ingår inte i studien" in (site / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.slow  # the module's study runs five notebooks
def test_the_study_shows_no_fyrbodal_and_no_public_facts_of_another_region(study):
    folder = study["folder"]
    processed = folder / "data" / "processed"
    pages = sorted((folder / "build" / "site").glob("*.html"))
    tables = sorted(processed.glob("*.csv"))
    figures = sorted((folder / "figures").glob("*.svg"))
    assert len(pages) >= 8 and len(tables) > 20 and len(figures) > 5
    for path in [*pages, *tables, *figures]:  # neither the notebooks' own text nor any output
        assert "Fyrbodal" not in path.read_text(encoding="utf-8"), path.name
    facts = pd.read_csv(processed / "fig14_broadband_facts.csv", dtype=str)
    series = pd.read_csv(processed / "fig14_broadband_facts_series.csv", dtype=str)
    assert len(facts) == 0 and len(series) == 0  # Västra Götaland's public values are not Dalarna's
    coverage = pd.read_csv(processed / "fig14_broadband_coverage.csv", dtype={"municipality_code": str})
    assert sorted(coverage["municipality_code"]) == sorted(study["codes"])
    assert coverage.set_index("municipality_code").loc[study["codes"][0], "share_total_pct"] == 75.0  # 70 + 0 + 5
    page = (folder / "build" / "site" / "02-broadband.html").read_text(encoding="utf-8")
    assert "Inga offentliga värden" in page or "no public facts" in page
    # no change of the report's Mellerud from an empty table: a note instead of "+nan"
    assert "Inga offentliga värden för studiens region" in page
    assert "nan procentenheter" not in page and "Mellerud: " not in page


def test_a_list_of_snapshots_is_checked_and_optional_inputs_accept_none(tmp_path, capsys):
    schema = load_schema(REPO / "notebooks" / "02-broadband.ipynb")
    assert schema.check({"facts_source": "none", "facts_series_sources": []}) == {
        "facts_source": "none", "facts_series_sources": []}
    folder = tmp_path / "dalarna"
    assert main(["init", str(folder), "--region", "Dalarnas län", "--years", "2024", "--datasets", "broadband"]) == 0
    _write(folder / "templates" / "broadband.csv",
           [{"municipality_code": "2080", "year": 2024, "premises": "households", "area": "total", "share_pct": 80}])
    (folder / "templates" / "broadband.xlsx").unlink()
    data = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    data["parameters"]["02-broadband"]["facts_series_sources"] = ["vgr-pts-2019", "no-such-facts"]
    (folder / "study.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["reproduce", "--study", str(folder / "study.yml"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "parameters.02-broadband.facts_series_sources" in err
    assert "item 1: no snapshot 'vgr-pts-2019' of dataset broadband_facts" in err


@pytest.mark.slow  # the module's study runs five notebooks
def test_the_scenarios_page_of_another_region_does_not_show_the_reports_collaborations(study):
    folder = study["folder"]
    page = (folder / "build" / "site" / "06-scenarios.html").read_text(encoding="utf-8")
    table = pd.read_csv(folder / "data" / "processed" / "scenarios_existing_collaborations.csv")
    assert "Fyrbodal" not in page
    # the study has no ties of its own (collaborations_source none): an empty table, never the report's
    assert len(table) == 0 and {"name", "step", "members"} <= set(table.columns)
    assert "Befintlig samverkan i Dalarnas län:** 0 samverkansinsatser" in page.replace("<strong>", "**").replace(
        "</strong>", "**")
    stairs = (folder / "figures" / "fig02_samtrappan.svg").read_text(encoding="utf-8")
    assert "Digital motor" not in stairs and "SML-IT" not in stairs


# ---------------------------------------------------------------------------------------
# The figures of a national study: 290 municipalities, every k-th named, figures capped
# ---------------------------------------------------------------------------------------


def _names_of_sweden() -> tuple[list[str], list[str]]:
    from digimotor.regions import all_municipalities

    towns = all_municipalities()
    return [m.code for m in towns], [m.name for m in towns]


def _shown(labels) -> list[str]:
    return [t.get_text() for t in labels if t.get_text()]


def test_national_figures_name_every_kth_municipality_in_a_capped_figure():
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    from digimotor.plots import demography as demography_plots
    from digimotor.plots import plan as plan_plots
    from digimotor.plots import scenarios as scenario_plots
    from digimotor.provenance import tag

    codes, names = _names_of_sweden()
    n = len(codes)
    change = tag(pd.DataFrame({"municipality": names, "population_base": range(1000, 1000 + n),
                               "population_target": range(1100, 1100 + n)}), "user", "test")
    ax = demography_plots.population_forecast_bars(change, 2019, 2030)
    assert 2 <= len(_shown(ax.get_xticklabels())) <= 40 and f"{n} kommuner" in ax.get_xlabel()
    assert all(p.get_linewidth() == 0 for p in ax.patches)  # narrow bars without white edges
    plt.close(ax.figure)

    # the plan matrix: 290 columns, role points instead of 290 x 33 glyphs
    capabilities = [f"c{j}" for j in range(5)]
    table = tag(pd.DataFrame({"capability": capabilities, "scenario": [1, 2, 3, 4, 5]}), "user", "test")
    roles = tag(pd.DataFrame([{"capability": c, "municipality_code": m, "role": ("lead", "receiver")[i % 2]}
                              for c in capabilities for i, m in enumerate(codes)]), "user", "test")
    ax = scenario_plots.plan_matrix(table, roles, {}, {k: f"s{k}" for k in range(1, 6)}, municipalities=codes,
                                    municipality_names=dict(zip(codes, names, strict=True)))
    assert not [t for t in ax.texts if t.get_text() in set(scenario_plots.ROLE_MARKERS.values())]
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(roles)
    assert 2 <= len(_shown(ax.get_xticklabels())) <= 40 and max(ax.figure.get_size_inches()) <= 14.0
    plt.close(ax.figure)

    # the Gantt chart: 600 collaborations in one collection, every k-th named
    rows = [{"collaboration_no": no, "capability": f"c{no % 5}", "lead": codes[no % n], "step": step,
             "start_month": 3.0 * (step - 1), "end_month": 3.0 * step, "duration_low": 2.0, "duration_high": 4.0}
            for no in range(1, 601) for step in (1, 2, 3)]
    ax = plan_plots.gantt(tag(pd.DataFrame(rows), "user", "test"), {1: "Samtal", 2: "Samsyn", 3: "Samordning"})
    bars = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(ax.patches) == 0 and len(bars) == 1 and len(bars[0].get_paths()) == 1800
    assert 2 <= len(_shown(ax.get_yticklabels())) <= 40 and max(ax.figure.get_size_inches()) <= 14.0
    assert "600 samverkansinsatser" in ax.get_ylabel()
    plt.close(ax.figure)
