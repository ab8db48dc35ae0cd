"""Finding the study notebooks ``notebooks/NN-topic.ipynb``, their parameters and titles.

Reads notebook files only (never executes them) and imports nothing heavy: ``digimotor params``
and a dry run use it without pandas, matplotlib or nbconvert.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import notebooks_dir
from ..errors import DigimotorError
from ..params import inspect_parameters_cell


def discover_notebooks(only: Sequence[str] | None = None) -> list[Path]:
    """The study notebooks ``notebooks/NN-topic.ipynb`` in order, optionally filtered by name.

    ``only`` accepts full names (``01-demography``) or their prefixes/topics (``01``,
    ``demography``); an unknown name is an error that lists the notebooks.
    """
    found = sorted(p for p in notebooks_dir().glob("[0-9][0-9]-*.ipynb"))
    if not only:
        return found
    chosen = []
    for name in only:
        name = name.removesuffix(".ipynb")
        hits = [p for p in found if p.stem == name or p.stem.startswith(name) or p.stem.split("-", 1)[1] == name]
        if not hits:
            raise DigimotorError(
                f"no notebook '{name}'", hint="notebooks: " + ", ".join(p.stem for p in found)
            )
        chosen += [h for h in hits if h not in chosen]
    return chosen


def notebook_parameters(path: Path) -> dict[str, object]:
    """The defaults in a notebook's ``parameters`` cell (name -> default value)."""
    return inspect_parameters_cell(path)


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook (``01 · Demografi: …``), else its name."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            text = "".join(cell.get("source", []))
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def page_context(notebooks: Sequence[Path]) -> dict[str, Any]:
    """What every page of the site shows of the run: the notebooks' names and titles, in order."""
    return {"notebooks": [(p.stem, notebook_title(p)) for p in notebooks]}
