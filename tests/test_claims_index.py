"""Every number of the report's OCR text is registered as a claim or excluded by a listed category.

The index ``data/claims/ocr_numbers.csv`` is committed; the OCR text itself is not part of the
project. The first tests need only the index and the registry; the last rebuilds the index from
the OCR text where it lies beside the checkout (``../shared/seeds/…``) and is skipped otherwise.
"""

from pathlib import Path

import pandas as pd
import pytest

from digimotor.claims import load_claims, ocr_index

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def index(repo_root):
    return ocr_index.load_index()


def test_every_indexed_number_is_registered_or_excluded(repo_root, index):
    left = ocr_index.problems(index, load_claims())
    assert left == [], "numbers of the OCR text neither registered nor excluded:\n" + "\n".join(left)


def test_index_is_well_formed(index):
    assert list(index.columns) == list(ocr_index.INDEX_COLUMNS)
    keys = index[["seed_line", "n"]].astype(int)
    assert not keys.duplicated().any()
    assert keys.equals(keys.sort_values(["seed_line", "n"]).reset_index(drop=True))
    assert index["line_sha256"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert len(index) > 600
    # the index holds numbers and hashes, never the OCR text itself
    assert index["written"].str.fullmatch(r"[0-9][0-9 ,]*( ?%)?").all()


def test_registered_numbers_cover_the_report_statements(repo_root, index):
    counts = ocr_index.coverage(index)
    assert counts["numbers"] == len(index)
    assert counts["registered"] + sum(counts[name] for name in ocr_index.EXCLUSIONS) == counts["numbers"]
    assert counts["registered"] >= 170
    by_line = index.set_index(["seed_line", "n"])["category"]
    assert by_line[("1326", "3")] == "text.1435.change_pct"
    assert by_line[("1321", "2")] == "text.size.largest"  # 'kna@@d 60', recovered
    assert by_line[("1749", "2")] == "text.statement.project_control.sd"  # '4', recovered as 1,4
    assert by_line[("330", "1")] == "page_header"


def test_a_wrong_or_missing_registration_is_reported(repo_root, index):
    claims = load_claims()
    broken = index.copy()
    row = broken.index[(broken["seed_line"] == "1337") & (broken["n"] == "1")][0]  # '9 800'
    broken.loc[row, "category"] = "fig07.1460.change"  # a claim of the line, but its value is -1 200
    broken.loc[broken.index[(broken["seed_line"] == "1338") & (broken["n"] == "1")][0], "category"] = ""
    broken.loc[broken.index[(broken["seed_line"] == "330") & (broken["n"] == "1")][0], "category"] = "folio"
    found = ocr_index.problems(broken, claims)
    assert len(found) == 3
    assert "seed line 330 number 1 '11': 'folio' is neither a claim id nor an exclusion category" in found[0]
    assert "seed line 1337 number 1 '9 800': claim fig07.1460.change does not" in found[1]
    assert "seed line 1338 number 1 '4800': neither registered nor excluded" in found[2]
    # a claim that does not cite the line does not register the number
    moved = claims.copy()
    moved.loc[moved["claim_id"] == "fig07.1460.population_2019", "seed_line"] = "1338"
    assert any("fig07.1460.population_2019" in p for p in ocr_index.problems(index, moved))


def test_tokens_and_seed_lines():
    assert ocr_index.tokens("Tanum 12 800 13 300 500 3,9%") == ["12 800", "13 300", "500", "3,9%"]
    assert ocr_index.tokens("Fyrbodal 273900 273 400 -500 -0,2%") == ["273900", "273 400", "500", "0,2%"]
    assert ocr_index.tokens("knappt 5 000 till 60,% och (35 %)") == ["5 000", "60", "35 %"]
    assert ocr_index.seed_lines("1321-1323; 2249, 7") == {1321, 1322, 1323, 2249, 7}


def test_lost_decimal_comma_counts_as_the_value(repo_root):
    claim = load_claims().set_index("claim_id").loc["fig09.efficiency.mean"]
    row = pd.Series({**claim.to_dict(), "claim_id": "fig09.efficiency.mean"})
    assert ocr_index.claim_holds(row, 1631, "34")
    assert not ocr_index.claim_holds(row, 1631, "35")
    assert not ocr_index.claim_holds(row, 1632, "34")


def _seed() -> Path | None:
    for base in (REPO.parent, REPO.parent.parent):
        candidate = base / ocr_index.SEED_NAME
        if candidate.exists():
            return candidate
    return None


@pytest.mark.skipif(_seed() is None, reason="the report's OCR text is not beside the checkout")
def test_index_matches_the_ocr_text(index):
    rebuilt = pd.DataFrame(ocr_index.build_index(_seed()))
    columns = ["seed_line", "n", "written", "line_sha256"]
    assert rebuilt[columns].equals(index[columns]), "the OCR text changed: rebuild with python -m digimotor.claims.ocr_index"
