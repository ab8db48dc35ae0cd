"""Write the fieldwork kit: printable surveys and workshop form (HTML) with answer sheets (XLSX, CSV).

The department-head survey (Figures 20-22), the IT-chief survey (Figure 23) and the capability
workshop's scoring form (the five elements of Figure 3, a 1-5 rubric). Each answer sheet is read
back with `digimotor import survey FILE` or `digimotor import capabilities FILE` as it is, once
filled in. DiMiOS is licensed: the kit refers to it and to `digimotor import dimios`.

Example:
  digimotor fieldwork faltarbete/ --municipality Uddevalla --year 2024 --respondents 12
"""

from __future__ import annotations

import argparse

NAME = "fieldwork"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="folder to write the kit to (created if missing)")
    parser.add_argument("--lang", choices=("sv", "en"), default="sv", help="language of the forms (default sv)")
    parser.add_argument("--municipality", help="prefill the answer sheets with this municipality (name or SCB code)")
    parser.add_argument("--year", type=int, help="prefill the surveys' year")
    parser.add_argument("--respondents", type=int, default=1,
                        help="respondent blocks in each survey's answer sheet (default 1)")


def run(args: argparse.Namespace) -> int:
    from ..fieldwork import write_kit

    kit = write_kit(args.folder, lang=args.lang, municipality=args.municipality, respondents=args.respondents,
                    year=args.year)
    for paths in kit.paths.values():
        for path in paths:
            print(f"wrote {path}")
    print("fill in the answer sheets, then e.g.: digimotor import survey "
          f"{args.folder.rstrip('/')}/department_head_survey.xlsx --name survey-2024")
    return 0
