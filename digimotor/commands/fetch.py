"""Fetch public statistics (SCB PxWeb v2/v1, Kolada v3) into data/raw/public/ — the only network path.

The answer is validated like an import and stored as data/raw/public/<dataset>/<name>.csv with a
provenance sidecar (source, URL, table, date, checksums); notebooks then use it with
source=<name>. An existing snapshot is only overwritten with --replace, and a failed fetch
leaves it untouched. Every option is checked before the first call. Responses are cached under
build/cache/http/ (--no-cache to bypass). SCB's limits (30 calls per 10 s, 150 000 cells per
call) are respected and configurable.

Examples:
  digimotor fetch population --region Fyrbodal --years 2019 2020
  digimotor fetch population_by_age --region 14 --years 2019 --name vg-2019
  digimotor fetch population_projection --region Fyrbodal --years 2024 2030   (TAB698, current edition)
  digimotor fetch population_projection --region 14 --years 2020 2030 --edition 2020   (v1 only)
  digimotor fetch broadband --region Fyrbodal --years 2019        (Kolada N07900, households 2015-2020)
  digimotor fetch municipal_costs --region Fyrbodal --years 2019  (N03013, N03012, N01951)
"""

from __future__ import annotations

import argparse

NAME = "fetch"


def configure(parser: argparse.ArgumentParser) -> None:
    from ..fetch import DATASETS

    parser.add_argument("dataset", choices=DATASETS, help="dataset to fetch")
    parser.add_argument("--region", default="Fyrbodal",
                        help="association, county (14), municipality or 'Sverige' (default Fyrbodal)")
    parser.add_argument("--years", nargs="+", type=int, help="years (default 2019; projection 2030)")
    parser.add_argument("--name", help="snapshot name (default: source-region-years)")
    parser.add_argument("--source", choices=("auto", "scb", "kolada"), default="auto",
                        help="for population: SCB (default) or Kolada N01951")
    parser.add_argument("--kpi", help="Kolada KPI ids for municipal_costs, comma-separated "
                        "(default N03013,N03012,N01951: costs, depreciation, inhabitants)")
    parser.add_argument("--edition", help="population_projection: the edition expected (its first year); "
                        "2020 = the study's edition, fetched from v1 BefProgOsiktRegN20")
    parser.add_argument("--scb-base", help="PxWebApi 2 base URL (default $DIGIMOTOR_SCB_V2_BASE or "
                        "https://statistikdatabasen.scb.se/api/v2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per call (default 30)")
    parser.add_argument("--retries", type=int, default=4, help="retries per call (default 4)")
    parser.add_argument("--max-calls", type=int, default=30, help="calls per window (default 30)")
    parser.add_argument("--window", type=float, default=10.0, help="window in seconds (default 10)")
    parser.add_argument("--max-cells", type=int, default=150_000, help="cells per call (default 150000)")
    parser.add_argument("--replace", action="store_true",
                        help="overwrite an existing snapshot of that name (kept until the new one is written)")
    parser.add_argument("--no-cache", action="store_true", help="do not use the local response cache")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from ..config import build_dir, project_root
    from ..fetch import fetch_dataset
    from ..fetch_client import Client, Limits

    client = Client(
        limits=Limits(max_calls=args.max_calls, window_s=args.window, max_cells=args.max_cells),
        timeout=args.timeout, retries=args.retries, progress=not args.quiet,
        cache_dir=None if args.no_cache else build_dir() / "cache" / "http",
    )
    target = fetch_dataset(args.dataset, region=args.region, years=args.years, name=args.name,
                           client=client, source=args.source, kpi=args.kpi, replace=args.replace,
                           edition=args.edition, scb_base=args.scb_base)
    print(f"fetched {args.dataset} as {target.relative_to(project_root())}")
    from ..provenance import verify

    calls = verify(target).get("api_calls") or {}
    if isinstance(calls, dict) and calls.get("note"):
        print(f"note: {calls['note']}")
    print(f"use it with: digimotor reproduce -p source={target.stem}  (or the notebook's source parameter)")
    return 0
