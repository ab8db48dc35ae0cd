"""Check every input under data/raw/: sidecar, checksum, schema and kind; report all problems at once.

Each problem is printed with the command that fixes it. The exit status is 1 when anything is
wrong, 0 when every file is in order.
"""

from __future__ import annotations

import argparse

NAME = "check"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print problems only")


def run(args: argparse.Namespace) -> int:
    from ..checks import check_raw_data
    from ..config import raw_dir

    problems = check_raw_data()
    if not problems:
        if not args.quiet:
            files = sum(1 for p in raw_dir().rglob("*.meta.yml"))
            print(f"data/raw: {files} files with sidecars, all in order")
        return 0
    print(f"data/raw: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    for problem in problems:
        print(f"  {problem.path}: {problem.message}")
        print(f"      fix: {problem.fix}")
    return 1
