"""Bring your own file into the project as a snapshot of a dataset.

The file is validated against the dataset's schema (see `digimotor template DATASET`),
converted to a tidy CSV and written under data/raw/<kind>/<dataset>/<name>.csv with a
provenance sidecar. Notebooks then read it with the parameter source=<name>. An existing
snapshot of that name is only overwritten with --replace; the old one is kept until the new
one is completely written.

Example:
  digimotor import population_forecast befolkning.xlsx --name vg-2024 --kind public
"""

from __future__ import annotations

import argparse

NAME = "import"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", help="dataset name (digimotor template --list shows them)")
    parser.add_argument("file", help="CSV, TXT or XLSX file")
    parser.add_argument("--name", help="snapshot name (default: from the file name)")
    parser.add_argument("--kind", choices=("user", "public"), default="user",
                        help="user: your own data (default); public: official statistics you downloaded")
    parser.add_argument("--sheet", help="worksheet to read from a workbook")
    parser.add_argument("--title", help="a title for the provenance sidecar")
    parser.add_argument("--producer", help="who produced the numbers (e.g. SCB)")
    parser.add_argument("--licence", help="licence of the numbers")
    parser.add_argument("--citation", help="where the numbers come from (URL, table id, date)")
    parser.add_argument("--replace", action="store_true",
                        help="overwrite an existing snapshot of that name")
    parser.add_argument("--dash", choices=("missing", "zero"), default="missing",
                        help="what a lone dash (-, –) in a number column means, as the source's legend says")
    parser.add_argument("--catalogue", help="capability imports: the study's capability_catalogue snapshot to "
                        "check names against (default: the report's)")


def run(args: argparse.Namespace) -> int:
    from ..config import project_root
    from ..importer import import_file
    from ..provenance import verify

    target = import_file(
        args.dataset, args.file, name=args.name, kind=args.kind, sheet=args.sheet,
        title=args.title, producer=args.producer, licence=args.licence, citation=args.citation,
        replace=args.replace,
        dash=args.dash, options={"catalogue": args.catalogue} if args.catalogue else None,
    )
    name = target.stem
    sheet = verify(target).get("sheet")
    read = f" (sheet '{sheet}')" if sheet else ""
    print(f"imported {args.file}{read} as {target.relative_to(project_root())}")
    print(f"use it with: digimotor reproduce -p source={name}  (or source=\"{name}\" in a notebook)")
    return 0
