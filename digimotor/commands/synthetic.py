"""Regenerate the synthetic example inputs under data/raw/synthetic/ from their seeded generators."""

from __future__ import annotations

import argparse

NAME = "synthetic"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", nargs="+", metavar="GENERATOR", help="only these generators")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the shipped one)")


def run(args: argparse.Namespace) -> int:
    from ..synthetic import DEFAULT_SEED, write_all

    written = write_all(seed=DEFAULT_SEED if args.seed is None else args.seed, only=args.only)
    for dataset in written:
        print(f"wrote data/raw/synthetic/{dataset}.csv")
    if not written:
        print("no generator matched")
        return 1
    return 0
