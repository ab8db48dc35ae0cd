"""Strategy documents: reading a folder of plans (text, PDF, scans, broken files), counting terms
per document and municipality, the balance index, and the strategy inventory."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from digimotor.errors import DigimotorError, InputFileError
from digimotor.importer import import_file
from digimotor.metrics import strategy
from digimotor.sources.documents import load_term_sets, read_documents
from digimotor.sources.survey import load_strategy_inventory

# ---------------------------------------------------------------------------------------
# The test corpus (tests/fixtures/strategy_corpus): two text plans, a PDF with a text layer,
# a PDF without one (a "scan"), a damaged PDF and a .docx. The PDFs are built below, byte for
# byte; `python tests/test_strategy_documents.py` rewrites them.
# ---------------------------------------------------------------------------------------

CORPUS = Path(__file__).resolve().parent / "fixtures" / "strategy_corpus"


def minimal_pdf(content: bytes, *, font: bool) -> bytes:
    """A one-page PDF whose page content stream is ``content`` (Helvetica as /F1 if ``font``)."""
    resources = b"<< /Font << /F1 5 0 R >> >>" if font else b"<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 4 0 R >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_pdf(lines: list[str]) -> bytes:
    """A PDF with a text layer holding ``lines`` (Windows-1252 text)."""
    stream = b"BT /F1 12 Tf 72 770 Td 14 TL\n"
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream += b"(" + escaped.encode("cp1252") + b") Tj T*\n"
    stream += b"ET"
    return minimal_pdf(stream, font=True)


def scanned_pdf() -> bytes:
    """A PDF whose page has drawing operators only: no text layer, like a scan."""
    return minimal_pdf(b"0.2 g 72 500 450 250 re f 0 g 72 480 m 520 480 l S", font=False)


FILES = {
    "Kommun 02/plan-2022.pdf": lambda: text_pdf(["Plan 2022", "effektivisering och effektivisering", "samt innovation"]),
    "Kommun 03/skannad-plan.pdf": scanned_pdf,
}



@pytest.fixture(scope="module")
def documents():
    return read_documents(CORPUS)


def test_committed_pdfs_are_what_the_builder_writes():
    for name, build in FILES.items():
        assert (CORPUS / name).read_bytes() == build(), name


def test_every_document_gets_a_status(documents):
    status = dict(zip(documents["document"], documents["status"].astype(str), strict=True))
    assert status == {
        "Kommun 01/verksamhetsplan-2021.txt": "ok",
        "Kommun 02/plan-2022.pdf": "ok",
        "Kommun 02_verksamhetsplan.txt": "ok",
        "Kommun 03/skannad-plan.pdf": "no_text_layer",
        "Kommun 03/trasig.pdf": "unreadable",
        "Kommun 04/plan.docx": "unsupported",
    }
    by_doc = documents.set_index("document")
    assert "OCR" in by_doc.loc["Kommun 03/skannad-plan.pdf", "reason"]
    assert by_doc.loc["Kommun 03/skannad-plan.pdf", "pages"] == 1
    assert pd.isna(by_doc.loc["Kommun 03/trasig.pdf", "pages"])
    assert by_doc.loc["Kommun 02_verksamhetsplan.txt", "municipality_code"] == "Kommun 02"  # from the file name
    assert "vården" in by_doc.loc["Kommun 02_verksamhetsplan.txt", "text"]  # Windows-1252 decoded
    assert "effektivisering och effektivisering" in by_doc.loc["Kommun 02/plan-2022.pdf", "text"]


def _oracle(text: str, pattern: str) -> int:
    """An independent count: regular expression on the raw text with hyphenated line breaks joined."""
    joined = re.sub(r"-\n", "", text).casefold()
    return len(re.findall(pattern, joined))


ORACLE = {
    "exact": {"efficiency": r"(?<!\w)effektivisering(?!\w)", "innovation": r"(?<!\w)innovation(?!\w)"},
    "families": {"efficiency": r"(?<!\w)effektiv\w*", "innovation": r"(?<!\w)innov\w*"},
}


@pytest.mark.parametrize("term_set", ["exact", "families"])
def test_counts_per_document_match_an_independent_count(documents, term_set):
    counts = strategy.count_terms(documents, load_term_sets(), term_set)
    for doc, cnt in zip(documents.itertuples(), counts.itertuples(), strict=True):
        if doc.status != "ok":
            assert pd.isna(cnt.efficiency) and pd.isna(cnt.innovation), doc.document
            continue
        assert cnt.efficiency == _oracle(doc.text, ORACLE[term_set]["efficiency"]), doc.document
        assert cnt.innovation == _oracle(doc.text, ORACLE[term_set]["innovation"]), doc.document


def test_exact_and_family_counts_of_the_fixture_plans(documents):
    exact = strategy.count_terms(documents, load_term_sets(), "exact").set_index("document")
    families = strategy.count_terms(documents, load_term_sets(), "families").set_index("document")
    plan = "Kommun 01/verksamhetsplan-2021.txt"
    # effektivisering, Effektivisering and "effektivi-\nsering"; not effektiviseringen, effektiv, kostnadseffektiv
    assert (exact.loc[plan, "efficiency"], exact.loc[plan, "innovation"]) == (3, 1)
    # + effektiviseringen, effektiv (prefix); innovativa joins innovation; kostnadseffektiv is not a prefix match
    assert (families.loc[plan, "efficiency"], families.loc[plan, "innovation"]) == (5, 2)


def test_unreadable_documents_are_not_zero(documents):
    by_municipality = strategy.terms_by_municipality(
        strategy.count_terms(documents, load_term_sets(), "exact")
    ).set_index("municipality_code")
    assert by_municipality.loc["Kommun 03", "documents"] == 2 and by_municipality.loc["Kommun 03", "readable"] == 0
    assert pd.isna(by_municipality.loc["Kommun 03", "efficiency"])
    assert math.isnan(by_municipality.loc["Kommun 03", "balance_index"])
    two = by_municipality.loc["Kommun 02"]
    assert (two["efficiency"], two["innovation"]) == (2 + 1, 1 + 2)
    assert two["balance_index"] == 0.0 and two["innovation_share_pct"] == 50.0
    one = by_municipality.loc["Kommun 01"]
    assert one["balance_index"] == pytest.approx((3 - 1) / (3 + 1))
    totals = strategy.total_counts(strategy.count_terms(documents, load_term_sets(), "exact"))
    assert totals == {"efficiency": 6, "innovation": 4}


def test_balance_index():
    assert strategy.balance_index(62, 7) == pytest.approx(55 / 69)
    assert strategy.balance_index(0, 5) == -1.0 and strategy.balance_index(5, 0) == 1.0
    assert math.isnan(strategy.balance_index(0, 0))
    assert math.isnan(strategy.balance_index(pd.NA, 3))
    with pytest.raises(ValueError, match="negative"):
        strategy.balance_index(-1, 3)


def test_words_join_hyphenated_line_breaks():
    assert strategy.words("Effektivi-\nsering, IT-stöd och innovation!") == [
        "effektivisering", "it", "stöd", "och", "innovation"
    ]


def test_own_term_set_and_unknown_term_set(documents):
    terms = pd.DataFrame(
        [("mine", "efficiency", "effektiv", "contains"), ("mine", "innovation", "innovation", "word")],
        columns=["term_set", "concept", "pattern", "match"],
    )
    mine = strategy.count_terms(documents, terms, "mine").set_index("document")
    assert mine.loc["Kommun 01/verksamhetsplan-2021.txt", "efficiency"] == 6  # kostnadseffektiv found too
    with pytest.raises(DigimotorError, match="term set 'nope'"):
        strategy.count_terms(documents, load_term_sets(), "nope")
    bad = terms.assign(match="regex")
    with pytest.raises(DigimotorError, match="match kind"):
        strategy.count_terms(documents, bad, "mine")


def test_real_names_resolve_and_unknown_names_stay_unassigned(tmp_path):
    (tmp_path / "Uddevalla").mkdir()
    (tmp_path / "Uddevalla" / "vp.txt").write_text("innovation", encoding="utf-8")
    (tmp_path / "Vanersborg_vp.txt").write_text("effektivisering", encoding="utf-8")
    (tmp_path / "Okand_vp.txt").write_text("effektivisering", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 effektivisering")
    (tmp_path / ".hidden.txt").write_text("innovation", encoding="utf-8")
    docs = read_documents(tmp_path).set_index("document")
    assert docs.loc["Uddevalla/vp.txt", "municipality_code"] == "1485"
    assert docs.loc["Vanersborg_vp.txt", "municipality_code"] == "1487"
    assert pd.isna(docs.loc["Okand_vp.txt", "municipality_code"])
    assert docs.loc["binary.txt", "status"] == "unreadable"
    assert ".hidden.txt" not in docs.index


def test_not_a_folder(tmp_path):
    with pytest.raises(DigimotorError, match="is not a folder"):
        read_documents(tmp_path / "missing")


def test_an_empty_pdf_copy_is_still_a_scan(tmp_path):
    shutil.copy(CORPUS / "Kommun 03" / "skannad-plan.pdf", tmp_path / "Lysekil_scan.pdf")
    docs = read_documents(tmp_path)
    counts = strategy.count_terms(docs, load_term_sets())
    assert docs["status"].tolist() == ["no_text_layer"] and counts["efficiency"].isna().all()


INVENTORY = (
    "Kommun;Digital agenda;År;Regional;Nationell;EU;Datastrategi;Datastrategi antagen\n"
    "Uddevalla;ja;2019;ja;ja;ja;nej;nej\n"
    "Lysekil;ja;2020;nej;ja;;nej;\n"
    "Dals-Ed;nej;;;;;ja;nej\n"
    "Åmål;ja;;nej;nej;nej;nej;nej\n"
)


def test_inventory_import_and_summary(project, tmp_path):
    path = tmp_path / "inventering.csv"
    path.write_text(INVENTORY, encoding="utf-8")
    import_file("strategy_inventory", path, name="fyrbodal-2024")
    inventory = load_strategy_inventory("fyrbodal-2024")
    assert inventory.attrs["provenance"]["kind"] == "user"
    summary = strategy.inventory_summary(inventory).set_index("quantity")
    expected = {
        "digital_agenda": (3, 4),
        "agenda_refers_regional": (1, 3),
        "agenda_refers_national": (2, 3),
        "agenda_refers_eu": (1, 2),  # Lysekil left it empty: not counted as "no"
        "data_strategy": (1, 4),
        "data_strategy_adopted": (0, 3),
    }
    for quantity, (count, of) in expected.items():
        assert (summary.loc[quantity, "count"], summary.loc[quantity, "of"]) == (count, of), quantity


@pytest.mark.parametrize(
    ("row", "column"),
    [("Orust;nej;2019;;;;nej;", "År"), ("Orust;nej;;ja;;;nej;", "Regional"), ("Orust;ja;;;;;nej;ja", "Datastrategi antagen")],
)
def test_inventory_contradictions_name_file_row_and_column(project, tmp_path, row, column):
    path = tmp_path / "inv.csv"
    path.write_text(INVENTORY + row + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        import_file("strategy_inventory", path, name="bad")
    assert err.value.file.endswith("inv.csv") and err.value.row == 6
    spec_column = {"År": "agenda_year", "Regional": "refers_regional", "Datastrategi antagen": "data_strategy_adopted"}
    assert err.value.column == spec_column[column]


if __name__ == "__main__":
    for _name, _build in FILES.items():
        (CORPUS / _name).write_bytes(_build())
