"""Show the report's claims beside digimotor's recomputed values (the scorecard).

Derived claims are recomputed from the published inputs; the others are listed with their
status (transcribed, calibrated, uncertain, not reproducible, qualitative).
"""

from __future__ import annotations

import argparse

NAME = "claims"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--part", action="append", help="only this study part (repeatable)")
    parser.add_argument("--csv", help="also write the scorecard to this CSV file")


def run(args: argparse.Namespace) -> int:
    from ..claims import scorecard

    card = scorecard(parts=args.part)
    counts = card["outcome"].value_counts()
    for row in card.itertuples():
        value = "" if row.computed_value is None else f"{row.computed_value:.4g}"
        published = "" if row.published_value != row.published_value else f"{row.published_value:g}"
        print(f"{row.outcome:<16} {row.claim_id:<40} published {published:>10}  computed {value:>10}")
    print()
    print(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))
    if args.csv:
        card.to_csv(args.csv, index=False)
    return 1 if (card["outcome"] == "differs").any() else 0
