"""Run the study's notebooks and build the HTML site under build/site/.

Only notebooks whose source, parameters, inputs or package changed are run again; the others
come from the cache. Parameters are checked against each notebook's schema before anything
runs (`digimotor params` lists them).

Examples:
  digimotor reproduce
  digimotor reproduce --only 01-demography -p lang=en
  digimotor reproduce --params my-region.yaml --jobs 2
  digimotor reproduce --dry-run
  digimotor reproduce --formats png
  digimotor reproduce --study skaraborg/study.yml      # a study folder made by `digimotor init`

Without --study: inside a study folder (one with study.yml), that study; in the checkout, the
Fyrbodal 2021 study (digimotor/reference/studies/fyrbodal-2021.yml).
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "reproduce"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--study", metavar="DIR/study.yml",
                        help="run a study: import its filled-in templates, check it, run its notebooks with its "
                             "parameters and build its site, all in the study's folder")
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                        help="parameter for every notebook that has KEY; VALUE is YAML limited to text, "
                             "numbers, true/false, null and lists")
    parser.add_argument("--params", metavar="FILE.yaml",
                        help="per-notebook parameters: {notebook or 'all': {key: value}}")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help=f"notebooks run at the same time (default: cores, here {os.cpu_count()})")
    parser.add_argument("--force", action="store_true", help="run even the notebooks whose cache is valid")
    parser.add_argument("--dry-run", action="store_true", help="say what would run and why; run nothing")
    parser.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML pages")
    parser.add_argument("--engine", choices=("fork", "kernel"), default="fork",
                        help="fork: warm parent, a fresh process per notebook (default); "
                             "kernel: papermill with a fresh Jupyter kernel per notebook")
    parser.add_argument("--formats", default=None, metavar="png,svg,slide",
                        help="figure formats to write, comma-separated (default: the variable "
                             "DIGIMOTOR_FIGURE_FORMATS if set, else png,svg,slide; "
                             "slide: a 16:9 PNG for slides, figures/<name>.slide.png)")
    parser.add_argument("--no-wait", dest="wait", action="store_false",
                        help="if another run holds this checkout's run lock, stop instead of waiting for it")


def run(args: argparse.Namespace) -> int:
    from ..params import parse_assignment
    from ..run import RunTerminated, reproduce
    from ..study import StudyError, run_study

    parameters = dict(parse_assignment(text) for text in args.param)
    live = sys.stdout.isatty() and os.environ.get("CI", "").lower() not in ("1", "true")
    options = dict(show_code=args.show_code, params_file=args.params, jobs=args.jobs, force=args.force,
                   dry_run=args.dry_run, engine=args.engine, live=live, wait=args.wait, formats=args.formats)
    from ..config import study_file

    study = args.study or study_file()  # inside a study folder, its study
    try:
        if study:
            result = run_study(study, only=args.only, parameters=parameters, **options)
        else:
            result = reproduce(only=args.only, parameters=parameters, **options)
    except StudyError as exc:  # every problem on its own line, before any notebook ran
        for problem in exc.problems:
            print(f"digimotor reproduce: error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the study; no notebook was run", file=sys.stderr)
        return 2
    except RunTerminated as exc:
        print(f"digimotor reproduce: stopped by {exc.name}; the running notebooks were ended and the "
              "previous site was kept", file=sys.stderr)
        return 128 + exc.signum
    if args.dry_run:
        return 0
    failed = [r for r in result.results if r.status != "done"]
    ran = [r for r in result.results if not r.cached]
    print(f"{len(ran)} run, {len(result.results) - len(ran)} cached, {len(failed)} failed "
          f"in {result.seconds:.1f} s")
    print(f"site: {result.site}")
    if failed:
        for r in failed:
            where = f", cell {r.cell}" if r.cell else ""
            print(f"  {r.name}{where}: {r.error}", file=sys.stderr)
        print(f"{len(failed)} of {len(result.results)} notebooks failed", file=sys.stderr)
        return 1
    return 0
