"""List municipalities with their SCB codes, or the members of a region.

Examples:
  digimotor regions Fyrbodal
  digimotor regions "Västra Götalands län"
  digimotor regions --resolve Amal Vanersborg 1488
"""

from __future__ import annotations

import argparse

NAME = "regions"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("region", nargs="?", default="Sverige",
                        help="association, county, 'Sverige' (default) or a municipality")
    parser.add_argument("--resolve", nargs="+", metavar="NAME",
                        help="resolve names or codes to SCB codes and print them")


def run(args: argparse.Namespace) -> int:
    from ..regions import municipality, resolve_municipality, resolve_region

    if args.resolve:
        for text in args.resolve:
            code = resolve_municipality(text)
            print(f"{text!s:<24} {code}  {municipality(code).name}")
        return 0
    region = resolve_region(args.region)
    print(f"{region.name}: {len(region)} municipalities")
    for code in region.codes:
        mun = municipality(code)
        print(f"  {code}  {mun.name:<20} {mun.county:<24} {mun.association}")
    return 0
