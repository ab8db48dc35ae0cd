"""The run manifest: which inputs a notebook loaded and which outputs it wrote.

``digimotor reproduce`` sets the environment variable ``DIGIMOTOR_MANIFEST`` to a file per
notebook; :func:`datasets.load <digimotor.datasets.load>` and the writers in
:mod:`digimotor.outputs` then append one JSON line per file. The run card (input checksums
and their data kinds), the synthetic-data banner and the list of exhibits are built from it.
Outside a run the variable is unset and nothing is recorded.
"""

from __future__ import annotations

import json
import os
from typing import Any

ENV_MANIFEST = "DIGIMOTOR_MANIFEST"


def record(entry: str, **fields: Any) -> None:
    """Append ``{"entry": entry, **fields}`` to the manifest named by ``DIGIMOTOR_MANIFEST``."""
    target = os.environ.get(ENV_MANIFEST)
    if not target:
        return
    line = json.dumps({"entry": entry, **fields}, ensure_ascii=False, sort_keys=True, default=str)
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def read(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The entries of a manifest file (an empty list if it does not exist)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return []
