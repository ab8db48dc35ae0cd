"""Write an empty template of a dataset (CSV and XLSX) and describe its columns.

Example:
  digimotor template population_forecast --out templates/
  digimotor template --list
"""

from __future__ import annotations

import argparse

NAME = "template"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", nargs="?", help="dataset name")
    parser.add_argument("--out", default=".", help="folder to write to (default: current folder)")
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    parser.add_argument("--list", action="store_true", help="list the datasets and exit")


def run(args: argparse.Namespace) -> int:
    from .. import datasets
    from ..importer import write_template

    if args.list or not args.dataset:
        for name in datasets.names():
            print(f"{name:<28} {datasets.get(name).title}")
        return 0 if args.list else 2
    spec = datasets.get(args.dataset)
    formats = ("csv", "xlsx") if args.format == "both" else (args.format,)
    for path in write_template(args.dataset, args.out, formats=formats):
        print(f"wrote {path}")
    print()
    print(spec.describe())
    return 0
