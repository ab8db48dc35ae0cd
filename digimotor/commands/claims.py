"""Show the report's claims beside digimotor's recomputed values (the scorecard).

Derived claims are recomputed from the published inputs; the others are listed with their
status (transcribed, calibrated, uncertain, not reproducible, qualitative).
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "claims"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--part", action="append", help="only this study part (repeatable)")
    parser.add_argument("--csv", help="also write the scorecard to this CSV file")


def check_csv_target(text: str) -> Path:
    """Refuse a ``--csv`` that is a folder, or whose folder does not exist, before any work is done."""
    from ..errors import ParameterError

    path = Path(text)
    if not text.strip() or text.endswith(("/", "\\")) or path.is_dir():
        raise ParameterError(f"--csv {text}: is a folder, not a file name", hint="give a file, e.g. scorecard.csv")
    parent = path.parent
    if not parent.is_dir():
        raise ParameterError(f"--csv {text}: the folder {parent} does not exist")
    return path


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_text
    from ..claims import load_claims, scorecard
    from ..errors import ParameterError

    target = check_csv_target(args.csv) if args.csv is not None else None
    if args.part:
        known = sorted(set(load_claims()["part"]))
        unknown = [part for part in args.part if part not in known]
        if unknown:
            raise ParameterError(f"--part: no study part {', '.join(map(repr, unknown))}",
                                 hint="parts: " + ", ".join(known))
    card = scorecard(parts=args.part)
    counts = card["outcome"].value_counts()
    for row in card.itertuples():
        value = "" if row.computed_value is None else f"{row.computed_value:.4g}"
        published = "" if row.published_value != row.published_value else f"{row.published_value:g}"
        print(f"{row.outcome:<16} {row.claim_id:<40} published {published:>10}  computed {value:>10}")
    print()
    print(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))
    if target is not None:
        write_text(target, card.to_csv(index=False, lineterminator="\n"))
        print(f"wrote {target}")
    return 1 if (card["outcome"] == "differs").any() else 0
