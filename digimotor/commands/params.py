"""Show the parameters of the notebooks: type, default, allowed values.

Examples:
  digimotor params
  digimotor params 01-demography
"""

from __future__ import annotations

import argparse

NAME = "params"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", nargs="*", help="notebook name(s) (default: all)")


def run(args: argparse.Namespace) -> int:
    import warnings

    from ..params import load_schema
    from ..run import discover_notebooks

    for i, path in enumerate(discover_notebooks(args.notebook or None)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema = load_schema(path)
        print(("\n" if i else "") + schema.describe())
    print("\nSet them with -p KEY=VALUE (every notebook that has KEY) or --params FILE.yaml "
          "({notebook or 'all': {key: value}}). Values are YAML limited to text, numbers, true/false, "
          "null and lists (no tags, anchors or aliases; a file at most 1 MiB).")
    return 0
