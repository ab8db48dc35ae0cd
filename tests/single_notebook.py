"""A project copy whose only notebook is a small one written by the test (runner and security tests)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def only_notebook(project: Path, name: str, parameters: str, code: str) -> Path:
    """Replace the project's notebooks with ``notebooks/<name>.ipynb``: a title, a ``parameters``
    cell holding ``parameters`` and one code cell ``code``; return its path."""
    for path in (project / "notebooks").glob("[0-9][0-9]-*"):
        path.unlink()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name} · test"), params, nbformat.v4.new_code_cell(code)]
    target = project / "notebooks" / f"{name}.ipynb"
    nbformat.write(nb, str(target))
    return target
