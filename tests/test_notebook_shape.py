"""Thin notebooks (issue 16, item 5): counted in statements (AST), not lines.

Every code cell of every notebook, except the one tagged ``parameters`` (papermill's list of
assignments, one per parameter), must be short:

- median at most 3 statements per code cell, no cell over 15 (nested statements count);
- no branching in a cell (``if``, conditional expressions, ``match``, loops), so no ``if`` on the
  language or on which data exist: that lives in ``digimotor.parts``;
- no comparison with ``lang`` and no function or class definitions.
"""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MEDIAN_MAX, CELL_MAX = 3, 15
BRANCHES = (ast.If, ast.IfExp, ast.Match, ast.For, ast.While, ast.Try)
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def code_cells(path: Path) -> list[str]:
    """The sources of the notebook's code cells, without the ``parameters`` cell."""
    book = nbformat.read(path, as_version=4)
    return [cell.source for cell in book.cells
            if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])]


def statements(source: str) -> int:
    """Statements in a cell, nested ones included (IPython magics are not Python and not counted)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return sum(isinstance(node, ast.stmt) for node in ast.walk(ast.parse(code)))


def problems(path: Path) -> list[str]:
    """Every way the notebook breaks the shape rules, one line each (empty: it keeps them)."""
    found = []
    cells = code_cells(path)
    counts = [statements(source) for source in cells]
    if counts and statistics.median(counts) > MEDIAN_MAX:
        found.append(f"{path.name}: median {statistics.median(counts)} statements per code cell > {MEDIAN_MAX}")
    for number, (source, count) in enumerate(zip(cells, counts, strict=True), start=1):
        where = f"{path.name}, code cell {number}"
        if count > CELL_MAX:
            found.append(f"{where}: {count} statements > {CELL_MAX}")
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, BRANCHES):
                found.append(f"{where}, line {node.lineno}: {type(node).__name__} (branch in the package)")
            elif isinstance(node, DEFINITIONS):
                found.append(f"{where}, line {node.lineno}: {type(node).__name__} (define it in the package)")
            elif isinstance(node, ast.Compare) and any(
                    isinstance(part, ast.Name) and part.id == "lang" for part in [node.left, *node.comparators]):
                found.append(f"{where}, line {node.lineno}: compares lang (labels come from digimotor.labels)")
    return found


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_cells_are_thin(path):
    assert problems(path) == []


def test_the_rules_catch_a_fat_notebook(tmp_path):
    fat = "\n".join(f"x{i} = {i}" for i in range(16))
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_code_cell("\n".join(f"p{i} = {i}" for i in range(30)), metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("a = 1\nb = 2\nc = 3\nd = 4"),
        nbformat.v4.new_code_cell('caption = "Figur" if lang == "sv" else "Figure"'),
        nbformat.v4.new_code_cell("if source != 'published':\n    print(source)\nelse:\n    print('-')"),
        nbformat.v4.new_code_cell(fat),
        nbformat.v4.new_code_cell("def helper():\n    return 1"),
        nbformat.v4.new_code_cell("e = 5\nf = 6\ng = 7\nh = 8"),
        nbformat.v4.new_code_cell("i = 9\nj = 10\nk = 11\nl = 12"),
    ]
    path = tmp_path / "99-fat.ipynb"
    nbformat.write(book, path)
    found = problems(path)
    assert "99-fat.ipynb: median 4 statements per code cell > 3" in found
    assert "99-fat.ipynb, code cell 4: 16 statements > 15" in found
    assert "99-fat.ipynb, code cell 2, line 1: IfExp (branch in the package)" in found
    assert "99-fat.ipynb, code cell 2, line 1: compares lang (labels come from digimotor.labels)" in found
    assert "99-fat.ipynb, code cell 3, line 1: If (branch in the package)" in found
    assert "99-fat.ipynb, code cell 5, line 1: FunctionDef (define it in the package)" in found
    # the parameters cell (30 assignments) is not counted
    assert not any("code cell 0" in line or "30 statements" in line for line in found)


def test_a_thin_notebook_passes(tmp_path):
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell('lang = "sv"', metadata={"tags": ["parameters"]}),
                  nbformat.v4.new_code_cell("from digimotor.parts import demography\n\npage = demography.NotebookPage(lang=lang)"),
                  nbformat.v4.new_code_cell("page.figure7_table()")]
    path = tmp_path / "98-thin.ipynb"
    nbformat.write(book, path)
    assert problems(path) == []
