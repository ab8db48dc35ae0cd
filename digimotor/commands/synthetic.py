"""Regenerate the synthetic example inputs under data/raw/synthetic/ from their seeded generators."""

from __future__ import annotations

import argparse

NAME = "synthetic"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", nargs="+", metavar="GENERATOR", help="only these generators")
    parser.add_argument("--seed", type=int, default=None, help="seed, 0 or more (default: the shipped one)")


def run(args: argparse.Namespace) -> int:
    from ..errors import ParameterError
    from ..synthetic import DEFAULT_SEED, generator_modules, write_all

    known = sorted(module.GENERATOR for module in generator_modules())
    unknown = [name for name in args.only or [] if name not in known]
    if unknown:
        raise ParameterError(f"--only: no generator {', '.join(map(repr, unknown))}",
                             hint="generators: " + ", ".join(known))
    if args.seed is not None and args.seed < 0:
        raise ParameterError(f"--seed must be 0 or more, not {args.seed}")
    written = write_all(seed=DEFAULT_SEED if args.seed is None else args.seed, only=args.only)
    for dataset in written:
        print(f"wrote data/raw/synthetic/{dataset}.csv")
    return 0
