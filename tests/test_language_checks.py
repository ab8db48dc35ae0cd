"""No language branches in the package (issue 15, item 1): texts come from the label catalogue.

A comparison of ``lang`` with a language code (``lang == "sv"``) or a literal ``{"sv": …, "en": …}``
dict outside the catalogue's modules means a text or format kept beside the code; this test finds
them by reading the package's syntax trees. The few left are named with their reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "digimotor"
CODES = {"sv", "en"}
#: Modules that may compare a language code: the catalogue and the number formats themselves, and
#: those still to move (file names of the exports, the profiles' number format).
ALLOWED = {"labels/__init__.py", "numbers.py", "outputs.py", "exports/xlsx.py", "exports/pages.py", "site/profiles.py"}


def language_branches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Constant) and side.value in CODES for side in [node.left, *node.comparators]
        ) and any(isinstance(side, ast.Name) and side.id == "lang" for side in [node.left, *node.comparators]):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.Dict) and {k.value for k in node.keys if isinstance(k, ast.Constant)} == CODES \
                and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values):
            found.append(f"{node.lineno}: {ast.unparse(node)[:60]}")
    return found


def test_no_language_branches_outside_the_catalogue():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel not in ALLOWED and (hits := language_branches(path)):
            found[rel] = hits
    assert found == {}


def test_the_check_finds_a_branch(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('def f(lang):\n    x = "a" if lang == "sv" else "b"\n    return {"sv": "ja", "en": "yes"}\n')
    assert sorted(hit.split(":")[0] for hit in language_branches(module)) == ["2", "3"]
