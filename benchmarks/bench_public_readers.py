"""Speed of the SCB readers on a full-size TAB638 answer (all 290 municipalities × 101 ages × 2 sexes × 4
civil states = 234 320 cells, json-stat2) against a Fyrbodal-size one (14 municipalities), and of the
fetch client's query splitting. Prints times and ratios; no assertions.

    .venv/bin/python benchmarks/bench_public_readers.py
"""

from __future__ import annotations

import time


def _doc(codes: list[str]) -> dict:
    cats = {"Region": codes, "Civilstand": ["OG", "G", "SK", "ÄNKL"], "Alder": [str(a) for a in range(100)] + ["100+"],
            "Kon": ["1", "2"], "ContentsCode": ["BE0101N1"], "Tid": ["2019"]}
    ids = list(cats)
    size = [len(cats[i]) for i in ids]
    cells = 1
    for n in size:
        cells *= n
    return {"version": "2.0", "class": "dataset", "label": "Folkmängd", "id": ids, "size": size,
            "role": {"time": ["Tid"]}, "extension": {"px": {"tableid": "TAB638"}},
            "dimension": {i: {"category": {"index": {c: k for k, c in enumerate(cats[i])}}} for i in ids},
            "value": [1] * cells}


def _import_seconds(doc: dict) -> tuple[float, int]:
    from digimotor import datasets
    from digimotor.sources import scb_readers
    from digimotor.sources.jsonstat import parse_jsonstat2

    spec = datasets.get("population_by_age")
    start = time.perf_counter()
    long = parse_jsonstat2(doc, "bench")
    frame = datasets.conform(scb_readers.population_by_age_from_long(long, spec, "bench"), spec, "bench")
    return time.perf_counter() - start, len(frame)


def main() -> None:
    from digimotor.fetch_client import cell_count, split_selection
    from digimotor.regions import all_municipalities, resolve_region

    everything = [m.code for m in all_municipalities()]
    fyrbodal = list(resolve_region("Fyrbodal").codes)
    small, small_rows = _import_seconds(_doc(fyrbodal))
    large, large_rows = _import_seconds(_doc(everything))
    print(f"json-stat2 -> population_by_age, Fyrbodal ({small_rows} rows): {small:.2f} s")
    print(f"json-stat2 -> population_by_age, Sweden   ({large_rows} rows): {large:.2f} s")
    print(f"ratio time/rows, Sweden vs Fyrbodal: {(large / large_rows) / (small / small_rows):.2f} (1.0 = linear)")
    selection = {"Region": everything, "Civilstand": ["OG", "G", "SK", "ÄNKL"],
                 "Alder": [str(a) for a in range(101)], "Kon": ["1", "2"], "ContentsCode": ["BE0101N1"],
                 "Tid": [str(y) for y in range(2000, 2021)]}
    start = time.perf_counter()
    parts = split_selection(selection, 150_000, protect=("ContentsCode",))
    print(f"split of a {cell_count(selection):,}-cell query into {len(parts)} calls of <= 150 000 cells: "
          f"{(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
