"""Run the study's notebooks and build the HTML site under build/site/.

Examples:
  digimotor reproduce
  digimotor reproduce --only 01-demography -p lang=en
"""

from __future__ import annotations

import argparse

NAME = "reproduce"


def _key_value(text: str) -> tuple[str, object]:
    import yaml

    if "=" not in text:
        raise argparse.ArgumentTypeError(f"'{text}' is not key=value")
    key, value = text.split("=", 1)
    return key.strip(), yaml.safe_load(value) if value.strip() else ""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks")
    parser.add_argument("-p", "--param", action="append", type=_key_value, default=[],
                        metavar="KEY=VALUE", help="parameter for every notebook that has KEY")
    parser.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML pages")


def run(args: argparse.Namespace) -> int:
    from ..config import build_dir
    from ..pipeline import reproduce

    result = reproduce(only=args.only, parameters=dict(args.param), show_code=args.show_code)
    failed = [r for r in result.results if r.status != "done"]
    print(f"site: {build_dir() / 'site' / 'index.html'}")
    if failed:
        print(f"{len(failed)} of {len(result.results)} notebooks failed")
        return 1
    return 0
