"""Create a study folder: study.yml and empty templates of every dataset the study needs.

The region's municipalities and SCB codes are pre-filled where a row per municipality is
expected (population forecast, broadband, total cost); municipalities.csv lists them. Fill in
the templates, then run `digimotor reproduce --study DIR/study.yml`.

Examples:
  digimotor init skaraborg-2024 --region Skaraborg --years 2021 2024
  digimotor init dalarna --region "Dalarnas län" --years 2024 --datasets dimios survey --required dimios
"""

from __future__ import annotations

import argparse

NAME = "init"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="the study folder to create (its data, outputs and site live there)")
    parser.add_argument("--region", required=True, nargs="+", metavar="NAME",
                        help="an association, a county, 'Sverige', or several municipalities")
    parser.add_argument("--years", nargs="+", type=int, default=[], metavar="YEAR",
                        help="the measurement years (two or more give the change exhibits)")
    parser.add_argument("--datasets", nargs="+", metavar="DATASET",
                        help="the datasets of the study (default: every dataset a notebook reads per region)")
    parser.add_argument("--required", nargs="+", default=[], metavar="DATASET",
                        help="datasets that must be filled in (the others are optional: left empty, their part is skipped)")
    parser.add_argument("--name", help="snapshot name of the study's data (default: from DIR)")
    parser.add_argument("--title", help="title of the study's site (default: 'Digital motor <region> <years>')")
    parser.add_argument("--force", action="store_true", help="overwrite an existing study.yml and templates")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..config import STUDY_FILE
    from ..study import init_study

    region = args.region[0] if len(args.region) == 1 else args.region
    written = init_study(args.folder, region, args.years, datasets=args.datasets, required=args.required,
                         name=args.name, title=args.title, force=args.force)
    for path in written:
        print(f"wrote {path}")
    study = Path(args.folder) / STUDY_FILE
    print(f"\nfill in the templates in {Path(args.folder) / 'templates'}, then: digimotor reproduce --study {study}")
    return 0
