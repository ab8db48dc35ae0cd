"""What a run returns and records: :class:`NotebookResult`, :class:`RunResult`, the summary.

A notebook's result is also its cache record (``build/cache/<name>.json``, written with the
site by :mod:`digimotor.run.publish`, read back by :mod:`digimotor.run.plan`); this module
converts between the two and writes the JSON-able summary of a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class NotebookResult:
    """What happened to one notebook.

    ``status`` is ``done`` or ``failed``; ``cached`` is True when the notebook was not re-run
    because nothing it depends on changed. ``cell`` is the execution count of the failing
    cell (the ``In [N]`` shown on the page).
    """

    name: str
    status: str  # "done" | "failed"
    seconds: float
    error: str = ""
    cell: int | None = None
    html: Path | None = None
    cached: bool = False
    reason: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    manifest: list[dict[str, Any]] = field(default_factory=list)
    cell_id: str | None = None


@dataclass
class RunResult:
    """The outcome of a reproduction run."""

    results: list[NotebookResult] = field(default_factory=list)
    site: Path | None = None
    scorecard: Path | None = None
    planned: list[tuple[str, str]] = field(default_factory=list)  # dry run: (name, reason)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.status == "done" for r in self.results)


def result_summary(result: RunResult) -> dict[str, Any]:
    """A JSON-able summary of a run (for the benchmark and programs)."""
    return {"ok": result.ok, "seconds": result.seconds,
            "results": [{k: v for k, v in asdict(r).items() if k != "manifest"} for r in result.results]}


def record_of(res: NotebookResult, show_code: bool) -> dict[str, Any]:
    """The fields of a notebook's cache record that come from its result."""
    return {"status": res.status, "seconds": res.seconds, "error": res.error, "cell": res.cell,
            "cell_id": res.cell_id, "parameters": res.parameters, "manifest": res.manifest,
            "show_code": show_code}


def result_from_record(name: str, record: Mapping[str, Any], page: Path) -> NotebookResult:
    """The result of a notebook that did not run this time, from its (checked) cache record."""
    return NotebookResult(
        name, record["status"], float(record.get("seconds", 0.0)), record.get("error", ""),
        record.get("cell"), page, True, "", record.get("parameters", {}), record.get("manifest", []),
        record.get("cell_id"),
    )
