"""The index of the numbers in the report's OCR text, and their coverage by the claims registry.

``data/claims/ocr_numbers.csv`` lists every number written with digits in the OCR text of
the report (``shared/seeds/…txt``, which is *not* part of the project): its seed line, its
ordinal on the line, the number as written and a short hash of the line. The ``category``
column says what the number is: the id(s) of the claim(s) that register it (separated by
``;``), or one of the exclusion categories in :data:`EXCLUSIONS` (page numbers, dates,
footnote markers …). ``tests/test_claims_index.py`` checks, without the OCR text, that every
indexed number is registered by a claim whose seed lines include the line and whose raw text
(or value) holds the number, or carries a listed exclusion; where the OCR text is present, it
rebuilds the index and compares the hashes.

Tokenisation (:data:`NUMBER`): a maximal run of digits, optionally with a decimal comma and
digits (``12,2``), or a number with one space-separated thousands group (``9 800``,
``273 400``; a second group is not joined, so table rows such as ``13 300 500`` split into
``13 300`` and ``500``), each optionally followed by ``%`` (with or without one space).
Signs are not part of the token. Numbers written as words ("fyra", "tio") are not indexed;
the claims that state them cite their lines all the same.

Rebuild (keeps the categories already assigned, fills claim ids where exactly the claims'
seed lines and raw texts match, and lists what is left)::

    python -m digimotor.claims.ocr_index ../shared/seeds/000_97519b65b5c03907.txt
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import claims_dir
from ..errors import DigimotorError
from . import INDEX_FILE

if TYPE_CHECKING:
    import pandas as pd

INDEX_COLUMNS = ("seed_line", "n", "written", "line_sha256", "category")
#: The seed file the index was built from (relative to the project's parent directory).
SEED_NAME = "shared/seeds/000_97519b65b5c03907.txt"

NUMBER = re.compile(r"(?<![0-9])(?:\d{1,3} \d{3}(?![0-9])(?:,\d+)?|\d+(?:,\d+)?)(?: ?%)?")

#: Categories of indexed numbers that are not statements of the report (closed list).
EXCLUSIONS = {
    "page_header": "page header or footer: 'Sida 11 (110)', the publication date 2021-02-26, logo debris",
    "section_number": "section or appendix number (1.1.2, 3.4.2, 'Bilaga 2'), also in cross-references",
    "figure_number": "figure number, in a caption or a reference ('Figur 7', 'figur 13')",
    "footnote": "footnote marker or the number of a footnote line",
    "citation": "year, number or page of a cited source (footnote text, 'SOU 2020:8', 'C-796/18')",
    "date": "a date, year or time horizon that places an event in time ('sedan 2009') and states no quantity",
    "list_number": "number of an item in a list or sequence ('1.', 'Scenario 1', 'FAS 1', '(2)')",
    "axis_label": "axis tick or scale label of a chart ('100,00%', '1 2 3 4 5 6')",
    "scale_label": "answer option or scale point of a question ('1 - Instämmer inte alls', '1-10 timmar')",
    "exhibit_heading": "column heading, legend or title of an exhibit naming a year or a definition ('Befolkning 2019')",
    "name": "part of a name or title ('iC4F', 'Handlingsplan … 2020–2022', 'version 0.5')",
    "ocr_noise": "a digit the OCR made of a letter or mark ('6ka' = öka, 'I6sningar' = lösningar)",
}


def tokens(line: str) -> list[str]:
    """The numbers of one line, as written (see the module docstring)."""
    return [match.group(0) for match in NUMBER.finditer(line)]


def line_hash(line: str) -> str:
    """First 16 hex digits of the SHA-256 of a line (UTF-8, without its line break)."""
    return hashlib.sha256(line.encode("utf-8")).hexdigest()[:16]


def build_index(text_path: str | Path) -> list[dict[str, str]]:
    """One row per number of the OCR text: seed_line, n (ordinal on the line), written, line_sha256."""
    try:
        text = Path(text_path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DigimotorError(f"cannot read the OCR text {text_path}: {exc.strerror or exc}") from exc
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        for n, written in enumerate(tokens(line), start=1):
            rows.append({"seed_line": str(number), "n": str(n), "written": written,
                         "line_sha256": line_hash(line), "category": ""})
    return rows


def index_path() -> Path:
    return claims_dir() / INDEX_FILE


def load_index() -> pd.DataFrame:
    """The committed index (all columns as strings)."""
    import pandas as pd

    path = index_path()
    if not path.exists():
        raise DigimotorError(f"no OCR number index at {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in INDEX_COLUMNS if c not in frame.columns]
    if missing:
        raise DigimotorError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def seed_lines(spec: str) -> set[int]:
    """The line numbers of a claim's ``seed_line`` field ("1321-1322; 2249", "1337")."""
    lines: set[int] = set()
    for part in re.split(r"[;,]", spec):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            lines.update(range(int(low), int(high or low) + 1))
        except ValueError as exc:
            raise DigimotorError(f"seed_line '{spec}' is not a list of lines or ranges") from exc
    return lines


def _value(written: str) -> float:
    return float(written.replace("%", "").replace(" ", "").replace(",", "."))


#: Statuses whose printed number may be damaged: the raw text, not the value, ties them to a number.
RAW_TEXT_STATUSES = ("recovered", "uncertain", "inconsistent", "not_reproducible", "qualitative", "background")


def _bare(written: str) -> str:
    return re.sub(r"[\s%]", "", written)


def claim_holds(claim, seed_line: int, written: str) -> bool:
    """Does ``claim`` (a registry row) register the number ``written`` on ``seed_line``?

    Its seed lines must include the line, and either its published value equals the number
    (sign ignored; a number written without its decimal comma, '34' for 3,4, counts as
    equal), or the claim's status is one of :data:`RAW_TEXT_STATUSES` (or it has no value)
    and the number is one of the numbers of its raw text.
    """
    if seed_line not in seed_lines(claim.seed_line):
        return False
    value = _value(written)
    published = claim.published_value
    has_value = published is not None and published == published
    if has_value:
        target = abs(float(published))
        candidates = [value] if "," in written else [value, value / 10, value / 100]
        if any(abs(target - c) < 1e-9 for c in candidates):
            return True
    if claim.status in RAW_TEXT_STATUSES or not has_value:
        return _bare(written) in {_bare(t) for t in tokens(claim.raw_text)}
    return False


def problems(index: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Every indexed number that is neither registered (correctly) nor excluded by a listed category."""
    by_id = {row.claim_id: row for row in claims.itertuples()}
    found = []
    for row in index.itertuples():
        where = f"seed line {row.seed_line} number {row.n} '{row.written}'"
        if not row.category:
            found.append(f"{where}: neither registered nor excluded")
            continue
        for entry in row.category.split(";"):
            entry = entry.strip()
            if entry in EXCLUSIONS:
                continue
            claim = by_id.get(entry)
            if claim is None:
                found.append(f"{where}: '{entry}' is neither a claim id nor an exclusion category")
            elif not claim_holds(claim, int(row.seed_line), row.written):
                found.append(f"{where}: claim {entry} does not cite this line or does not hold this number")
    return found


def coverage(index: pd.DataFrame | None = None) -> dict[str, int]:
    """Counts of indexed numbers: total, registered by a claim, excluded (by category)."""
    index = load_index() if index is None else index
    registered = index["category"].map(lambda c: any(e.strip() not in EXCLUSIONS for e in c.split(";") if e))
    counts = {"numbers": len(index), "registered": int(registered.sum())}
    for name in EXCLUSIONS:
        counts[name] = int((index["category"] == name).sum())
    return counts


def update_index(text_path: str | Path) -> tuple[list[dict[str, str]], list[str]]:
    """Rebuild the index from the OCR text, keeping assigned categories and filling claim ids.

    A number keeps the category it had (same line, ordinal, text and line hash); an empty one
    gets the ids of every claim that :func:`claim_holds` for it. Returns the rows and the
    problems left.
    """
    import pandas as pd

    from . import load_claims

    claims = load_claims()
    previous = {}
    if index_path().exists():
        for row in load_index().itertuples():
            previous[(row.seed_line, row.n, row.written, row.line_sha256)] = row.category
    rows = build_index(text_path)
    for row in rows:
        category = previous.get((row["seed_line"], row["n"], row["written"], row["line_sha256"]), "")
        if not category:
            line = int(row["seed_line"])
            category = ";".join(c.claim_id for c in claims.itertuples()
                                if claim_holds(c, line, row["written"]))
        row["category"] = category
    return rows, problems(pd.DataFrame(rows, columns=INDEX_COLUMNS), claims)


def write_index(rows: list[dict[str, str]]) -> Path:
    from ..atomic import write_text

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_text(index_path(), buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m digimotor.claims.ocr_index <OCR text file>", file=sys.stderr)
        return 2
    try:
        rows, left = update_index(argv[0])
        path = write_index(rows)
    except DigimotorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: {len(rows)} numbers, {len(left)} neither registered nor excluded")
    for line in left:
        print(line)
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
