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


def notebook_title(path: Path, lang: str = "sv") -> str:
    """The first Markdown heading of a notebook in ``lang`` (``01 · Demografi: …``; cells tagged for
    another language are passed over, :func:`digimotor.labels.notebook_heading`), else its name."""
    from .. import labels

    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem
    return labels.notebook_heading(cells, lang) or path.stem


def page_context(notebooks: Sequence[Path]) -> dict[str, Any]:
    """What every page of the site shows of the run: the notebooks' names and titles, in order."""
    from ..labels import LANGS

    by_lang = {lang: [(p.stem, notebook_title(p, lang)) for p in notebooks] for lang in LANGS}
    return {"notebooks": by_lang["sv"], "by_lang": by_lang}
