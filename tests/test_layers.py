"""The package's import rules, read from the source with ``ast`` (imports inside functions too).

Layers, lowest first (CONTRIBUTING.md, "One way for data to flow"); a module may import its own
layer and the layers below it, never one above::

    base ← model ← sources/metrics ← plots/claims/synthetic ← run/site ← commands

and no two modules may import each other, directly or round a longer cycle. Every module of
the package must be placed in :data:`LAYERS`: a new top-level module fails until it is.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

PACKAGE = "digimotor"
ROOT = Path(__file__).resolve().parent.parent

#: The layer map, lowest layer first: layer name -> module prefixes (a prefix places the module
#: itself and every module below it, the longest matching prefix winning; ``digimotor`` places
#: the package's ``__init__`` only).
LAYERS: dict[str, tuple[str, ...]] = {
    "base": (
        "digimotor",  # the package itself: __version__ only
        "digimotor.errors", "digimotor.numbers", "digimotor.config", "digimotor.atomic",
        "digimotor.regions", "digimotor.provenance", "digimotor.manifest",
        "digimotor.schema", "digimotor.conform", "digimotor.snapshots", "digimotor.safe_yaml",
        "digimotor.labels",  # the label catalogue: texts of every layer, imports errors only
        "digimotor.forking",
    ),
    "model": ("digimotor.model",),
    "sources/metrics": (
        "digimotor.sources", "digimotor.metrics",
        "digimotor.datasets",  # the callers' entry: schema, conform, snapshots and sources.registry
        "digimotor.importer", "digimotor.checks",
        "digimotor.fetch", "digimotor.fetch_apis", "digimotor.fetch_client",
    ),
    "plots/claims/synthetic": (
        "digimotor.plots", "digimotor.claims", "digimotor.synthetic",
        "digimotor.outputs", "digimotor.figure_files", "digimotor.placeholder", "digimotor.fieldwork",
        "digimotor.repeat_exhibits",
        "digimotor.parts",  # the notebooks' page classes: plots, claims, outputs, repeat exhibits
    ),
    "run/site": ("digimotor.run", "digimotor.params", "digimotor.site", "digimotor.study", "digimotor.exports"),
    "commands": ("digimotor.commands", "digimotor.cli"),
}

#: Imports allowed to break the rules, as (importing module, imported module): none. A pair
#: added here must say why and be removed again (``test_the_allow_list_is_still_needed``).
ALLOWED: set[tuple[str, str]] = set()


# ---------------------------------------------------------------------------------------
# Reading a package
# ---------------------------------------------------------------------------------------


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of ``package`` under ``root``: dotted name -> file."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports anywhere in its file (AST)."""
    known = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                candidates = [[alias.name] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                # ``from x import y``: the module x.y if there is one, else x.
                candidates = [[f"{origin}.{alias.name}", origin] for alias in node.names]
            else:
                continue
            for options in candidates:
                target = next((t for t in options if t in known), None)
                if target is None:  # e.g. ``import digimotor.metrics.tbm.shares.x``: longest known prefix
                    target = options[-1]
                    while target and target not in known:
                        target = target.rpartition(".")[0]
                if target and target != name and (target == package or target.startswith(package + ".")):
                    targets.add(target)
        graph[name] = targets
    return graph


def layer_of(module: str, layers: dict[str, tuple[str, ...]] = LAYERS) -> str | None:
    """The layer of ``module`` by its longest matching prefix, or None."""
    best, best_len = None, -1
    for layer, prefixes in layers.items():
        for prefix in prefixes:
            below = prefix != PACKAGE and module.startswith(prefix + ".")  # the package entry is itself only
            if (module == prefix or below) and len(prefix) > best_len:
                best, best_len = layer, len(prefix)
    return best


def unplaced(graph: dict[str, set[str]], layers: dict[str, tuple[str, ...]] = LAYERS) -> list[str]:
    return sorted(m for m in graph if layer_of(m, layers) is None)


def upward(graph: dict[str, set[str]], layers: dict[str, tuple[str, ...]] = LAYERS,
           allowed: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Imports of a higher layer, as "a (layer) -> b (layer)"."""
    rank = {layer: i for i, layer in enumerate(layers)}
    found = []
    for module, targets in sorted(graph.items()):
        own = layer_of(module, layers)
        for target in sorted(targets):
            other = layer_of(target, layers)
            if own is None or other is None or (module, target) in allowed:
                continue
            if rank[other] > rank[own]:
                found.append(f"{module} ({own}) -> {target} ({other})")
    return found


def cycles(graph: dict[str, set[str]], allowed: set[tuple[str, str]] = frozenset()) -> list[list[str]]:
    """Groups of modules that import each other (strongly connected components > 1, or a self-import)."""
    edges = {m: sorted(t for t in targets if (m, t) not in allowed and t in graph) for m, targets in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:  # iterative Tarjan: the package is deep enough to matter
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    out.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(out)


# ---------------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return imports(ROOT)


def test_the_graph_sees_imports_inside_functions(graph):
    # fetch.py imports the sources only inside fetch_dataset; outputs imports plots.style at the top.
    assert "digimotor.sources.kolada" in graph["digimotor.fetch"]
    assert "digimotor.model.dimios" in graph["digimotor.metrics.dimios"]
    assert len(graph) > 100


def test_every_module_has_a_layer(graph):
    assert unplaced(graph) == []


def test_no_import_against_the_layer_order(graph):
    assert upward(graph, allowed=ALLOWED) == []


def test_no_import_cycle(graph):
    assert cycles(graph, allowed=ALLOWED) == []


def test_the_allow_list_is_still_needed(graph):
    """An allowed import that no longer exists must leave the list."""
    stale = [pair for pair in ALLOWED if pair[1] not in graph.get(pair[0], set())]
    assert stale == []


def test_the_model_imports_only_the_base(graph):
    for module, targets in graph.items():
        if layer_of(module) == "model":
            assert {layer_of(t) for t in targets} <= {"base", "model"}, module


# ---------------------------------------------------------------------------------------
# The test of the test: a fixture package that breaks each rule
# ---------------------------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


GOOD = {
    "digimotor/__init__.py": "",
    "digimotor/errors.py": "",
    "digimotor/model/__init__.py": "",
    "digimotor/model/dimios.py": "from ..errors import *\n",
    "digimotor/sources/__init__.py": "",
    "digimotor/sources/dimios.py": "from ..model.dimios import AREAS\n",
    "digimotor/plots/__init__.py": "",
    "digimotor/plots/dimios.py": "from ..model import dimios\nfrom digimotor.sources import dimios as s\n",
}


def test_a_clean_fixture_package_passes(tmp_path):
    _write(tmp_path, GOOD)
    found = imports(tmp_path)
    assert found["digimotor.plots.dimios"] == {"digimotor.model.dimios", "digimotor.sources.dimios"}
    assert (unplaced(found), upward(found), cycles(found)) == ([], [], [])


def test_an_upward_import_inside_a_function_fails(tmp_path):
    _write(tmp_path, {**GOOD, "digimotor/model/dimios.py": """\
        def areas():
            from ..plots import dimios
            return dimios
        """})
    found = imports(tmp_path)
    assert upward(found) == ["digimotor.model.dimios (model) -> digimotor.plots.dimios (plots/claims/synthetic)"]
    assert upward(found, allowed={("digimotor.model.dimios", "digimotor.plots.dimios")}) == []


def test_a_cycle_fails(tmp_path):
    _write(tmp_path, {**GOOD,
                      "digimotor/sources/a.py": "from . import b\n",
                      "digimotor/sources/b.py": "def f():\n    import digimotor.sources.c\n",
                      "digimotor/sources/c.py": "from .a import x\n"})
    found = imports(tmp_path)
    assert upward(found) == []
    assert cycles(found) == [["digimotor.sources.a", "digimotor.sources.b", "digimotor.sources.c"]]


def test_a_package_and_its_module_importing_each_other_is_a_cycle(tmp_path):
    _write(tmp_path, {**GOOD,
                      "digimotor/plots/__init__.py": "from .dimios import draw\n",
                      "digimotor/plots/dimios.py": "from . import LABELS\n"})
    assert cycles(imports(tmp_path)) == [["digimotor.plots", "digimotor.plots.dimios"]]


def test_a_module_without_a_layer_fails(tmp_path):
    _write(tmp_path, {**GOOD, "digimotor/newthing.py": "from .errors import *\n"})
    found = imports(tmp_path)
    assert unplaced(found) == ["digimotor.newthing"]
