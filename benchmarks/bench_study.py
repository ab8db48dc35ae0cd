"""Benchmark a national study against the Fyrbodal study, in the same run (issue 12, performance).

Measured in one run, each in a temporary folder:

(f) Fyrbodal  ``digimotor reproduce --force`` (the default study, the Fyrbodal 2021 reproduction)
              on a temporary copy of the project's inputs and notebooks, as ``bench_reproduce.py``;
(n) national  ``digimotor init`` of a study of region "Sverige" (all 290 municipalities of
              ``digimotor/reference/municipalities.csv``) with two measurements (2021, 2024),
              its templates filled with deterministic made-up values (DiMiOS respondents,
              broadband, total cost, a TBM ledger, a capability self-assessment of every
              capability of the report's catalogue and two department-head questions per
              municipality and measurement, a population
              forecast per municipality, Sweden's population by age, which ``init`` makes
              Figure 8's region), then
              ``digimotor reproduce --study`` timed: the import of the templates, every notebook
              the study has data for, and its site.

The generated inputs are benchmark inputs only: invented values under real municipality codes,
written to the temporary folder and removed afterwards (``--keep`` keeps them), never shipped.

Target (issue 12): national / Fyrbodal <= 3. No assertion: the script prints.

Usage::

    .venv/bin/python benchmarks/bench_study.py [--repeat N] [--jobs N] [--keep] [--profile FILE]

``--profile FILE`` runs the national study once more in this process under cProfile (notebooks
run in kernels of their own: the profile shows the import, the checks and the site) and writes
the statistics to ``FILE``.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from bench_reproduce import _copy_project, _env, _ratio, _timed  # noqa: E402

YEARS = (2021, 2024)
#: DiMiOS areas as the import reads them, and the area's offset from the municipality's score.
AREAS = {"Effektivitet": -0.5, "Innovation": 0.0, "Balansering": 0.5, "Teknik": -0.5, "Användare": 0.0,
         "Organisation": 0.5}
#: TBM accounts and the work areas they spread over (tkr per 10 000 inhabitants, before the rise).
ACCOUNTS = {"Personalkostnader": 900.0, "Licenser": 500.0, "Hårdvara": 600.0}
WORK_AREAS = {"infrastructure": 0.35, "end_user_services": 0.3, "application_operations": 0.2,
              "steer_and_support": 0.15}
AGE_GROUPS = [f"{a}-{a + 4}" for a in range(0, 100, 5)] + ["100-"]
DATASETS = ("population_forecast", "population_by_age", "broadband", "dimios", "tbm_ledger",
            "municipal_total_cost", "capabilities", "survey")
#: Department-head questions answered 1–5 in the survey.
QUESTIONS = ("fig21_it_knows_ways_of_working", "fig22_it_enables_digital_solutions")


def municipalities() -> list[tuple[str, str]]:
    """(SCB code, name) of every municipality of the reference list, in its order."""
    with open(REPO / "digimotor" / "reference" / "municipalities.csv", encoding="utf-8") as fh:
        return [(row["municipality_code"], row["municipality"]) for row in csv.DictReader(fh)]


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    """A template's CSV (semicolon, UTF-8), replacing the pre-filled rows ``init`` wrote."""
    lines = [";".join(columns)] + [";".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()[0].split(";")


def fill_templates(folder: Path) -> dict[str, int]:
    """Fill the national study's CSV templates with deterministic made-up values; rows per dataset.

    Municipality ``i`` (0-based, reference order) gets population ``5 000 + 3 000 i``, a DiMiOS
    score ``2.0 + (i mod 7) / 4`` rising by 0.5 between the measurements (3 respondents each),
    broadband ``60 + (i mod 35)`` % rising by 5 points, and IT costs proportional to population.
    """
    towns = municipalities()
    templates = folder / "templates"
    counts: dict[str, int] = {}

    rows = []
    for i, (code, _name) in enumerate(towns):
        people = 5000 + 3000 * i
        rows.append({"municipality_code": code, "year": 2019, "population": people, "series": "observed"})
        rows.append({"municipality_code": code, "year": 2030, "population": people + (i % 11 - 5) * 100,
                     "series": "forecast"})
    _write(templates / "population_forecast.csv", _header(templates / "population_forecast.csv"), rows)
    counts["population_forecast"] = len(rows)

    rows = [{"region_code": "00", "year": YEARS[-1], "age_group": group, "sex": sex,
             "population": 250_000 - 2_000 * k + (1_000 if sex == "women" else 0)}
            for k, group in enumerate(AGE_GROUPS) for sex in ("women", "men")]
    _write(templates / "population_by_age.csv", _header(templates / "population_by_age.csv"), rows)
    counts["population_by_age"] = len(rows)

    rows = []
    for i, (code, _name) in enumerate(towns):
        for year, rise in zip(YEARS, (0, 5), strict=True):
            total = 60 + i % 35 + rise
            rows.append({"municipality_code": code, "year": year, "premises": "households", "area": "total",
                         "share_pct": total})
            rows.append({"municipality_code": code, "year": year, "premises": "households",
                         "area": "outside_urban", "share_pct": max(total - 25, 0)})
    _write(templates / "broadband.csv", _header(templates / "broadband.csv"), rows)
    counts["broadband"] = len(rows)

    rows = []
    for i, (code, _name) in enumerate(towns):
        base = 2.0 + (i % 7) / 4
        for year, rise in zip(YEARS, (0.0, 0.5), strict=True):
            for k, spread in enumerate((-0.5, 0.0, 0.5)):
                for area, offset in AREAS.items():
                    score = min(max(base + rise + spread + offset, 1.0), 6.0)
                    rows.append({"year": year, "municipality_code": code, "respondent": f"r{k + 1}", "area": area,
                                 "score": f"{score:.2f}".replace(".", ",")})
    _write(templates / "dimios.csv", _header(templates / "dimios.csv"), rows)
    counts["dimios"] = len(rows)

    rows, totals = [], []
    for i, (code, name) in enumerate(towns):
        people = 5000 + 3000 * i
        for year, rise in zip(YEARS, (1.0, 1.1), strict=True):
            amounts = {(account, area): round(per * people / 10_000 * rise * share, 1)
                       for account, per in ACCOUNTS.items() for area, share in WORK_AREAS.items()}
            control = round(sum(amounts.values()), 1)
            for (account, area), amount in amounts.items():
                rows.append({"organisation": f"IT {name}", "municipalities": code, "year": year, "account": account,
                             "work_area": area, "amount": amount, "unit": "tkr", "credit": "nej",
                             "control_total": control})
            totals.append({"municipality_code": code, "year": year, "total_cost": round(people * 60 * rise, 0),
                           "unit": "tkr", "definition": "result_and_depreciation", "population": people})
    _write(templates / "tbm_ledger.csv", _header(templates / "tbm_ledger.csv"), rows)
    _write(templates / "municipal_total_cost.csv", _header(templates / "municipal_total_cost.csv"), totals)
    counts["tbm_ledger"], counts["municipal_total_cost"] = len(rows), len(totals)

    capabilities = capability_ids()
    rows = []
    for i, (code, _name) in enumerate(towns):
        for j, capability in enumerate(capabilities):
            for year, rise in zip(YEARS, (0, 1), strict=True):
                rows.append({"municipality_code": code, "capability": capability,
                             "score": min(1 + (i + j) % 4 + rise, 5), "scale_min": 1, "scale_max": 5,
                             "assessor": "projektgrupp", "date": f"{year}-11-15"})
    _write(templates / "capabilities.csv", _header(templates / "capabilities.csv"), rows)
    counts["capabilities"] = len(rows)

    rows = []
    for i, (code, _name) in enumerate(towns):
        for year, rise in zip(YEARS, (0, 1), strict=True):
            for k in range(3):
                for question in QUESTIONS:
                    rows.append({"municipality_code": code, "respondent_id": f"{code}-{year}-{k}",
                                 "respondent_group": "department_head", "question_id": question,
                                 "answer": min(1 + (i + k) % 4 + rise, 5), "year": year})
    _write(templates / "survey.csv", _header(templates / "survey.csv"), rows)
    counts["survey"] = len(rows)
    return counts


def capability_ids() -> list[str]:
    """The ids of the report's capability catalogue (the study's self-assessment rates each)."""
    from digimotor.sources.capabilities import load_capability_catalogue

    return [str(c) for c in load_capability_catalogue("published")["capability_id"]]


def national_study(folder: Path, env: dict[str, str]) -> Path:
    """``digimotor init`` of the national study in ``folder``, its templates filled; the study file."""
    cli = [sys.executable, "-m", "digimotor.cli"]
    proc = subprocess.run([*cli, "init", str(folder), "--region", "Sverige", "--years", *map(str, YEARS),
                           "--datasets", *DATASETS, "--name", "sverige"], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit("init failed: " + proc.stdout[-400:] + proc.stderr[-400:])
    for dataset in DATASETS:  # the CSV templates are filled in: the XLSX ones go
        (folder / "templates" / f"{dataset}.xlsx").unlink(missing_ok=True)
    counts = fill_templates(folder)
    study = folder / "study.yml"
    print("national study: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))
    return study


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each study, alternated (fresh folders); the fastest counts")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for digimotor reproduce")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--profile", type=Path, help="profile the national run in this process, stats to FILE")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-study-"))
    cli = [sys.executable, "-m", "digimotor.cli"]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"{os.cpu_count()} cores; folder {tmp}")
    problems: list[str] = []
    fyrbodal, national = [], []
    try:
        for k in range(max(1, args.repeat)):
            root = tmp / f"fyrbodal-{k}"
            _copy_project(REPO, root, None)
            seconds, proc = _timed([*cli, "reproduce", "--force", *jobs], _env(root, REPO), root)
            fyrbodal.append(seconds)
            if proc.returncode:
                problems.append("Fyrbodal run failed: " + proc.stdout[-600:] + proc.stderr[-600:])
            folder = tmp / f"sverige-{k}"
            env = _env(folder, REPO)
            env.pop("DIGIMOTOR_ROOT")  # the study's folder is its root
            study = national_study(folder, env)
            seconds, proc = _timed([*cli, "reproduce", "--study", str(study), *jobs], env, tmp)
            national.append(seconds)
            if proc.returncode:
                problems.append("national run failed: " + proc.stdout[-1500:] + proc.stderr[-1500:])
            else:
                print("national run: " + "; ".join(line for line in proc.stdout.splitlines()
                                                    if line.startswith(("skipped", "imported")) or " run, " in line))
        if args.profile:
            _profile(tmp / "sverige-profile", args.profile, jobs)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    t_fyrbodal, t_national = min(fyrbodal), min(national)
    print()
    print(f"{'':10} {'seconds':>9}")
    print(f"{'Fyrbodal':10} {t_fyrbodal:9.2f}   (14 municipalities; runs: {', '.join(f'{s:.2f}' for s in fyrbodal)})")
    print(f"{'national':10} {t_national:9.2f}   (290 municipalities, {len(YEARS)} measurements; runs: "
          f"{', '.join(f'{s:.2f}' for s in national)})")
    print(f"\nnational / Fyrbodal = {_ratio(t_national, t_fyrbodal)}   (target <= 3)")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for problem in problems:
        print("PROBLEM: " + problem)
    return 1 if problems else 0


def _profile(folder: Path, out: Path, jobs: list[str]) -> None:
    """The national study once more, ``reproduce --study`` in this process under cProfile."""
    import cProfile

    env = {k: v for k, v in os.environ.items() if k != "DIGIMOTOR_ROOT"}
    study = national_study(folder, {**env, "PYTHONPATH": str(REPO)})
    from digimotor.cli import main as cli_main

    profiler = cProfile.Profile()
    profiler.runcall(cli_main, ["reproduce", "--study", str(study), *jobs])
    profiler.dump_stats(str(out))
    print(f"profile of the national run: {out}")


if __name__ == "__main__":
    raise SystemExit(main())
