"""The study file ``study.yml``: its shape, reading it, and the study's folder as the project root."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ENV_ROOT, REFERENCE_DIR, project_root
from ..errors import DigimotorError

#: Version of the study-file format.
FORMAT = 1
#: The Fyrbodal 2021 reproduction, the default study.
DEFAULT_STUDY = REFERENCE_DIR / "studies" / "fyrbodal-2021.yml"
#: Notebook -> {parameter: dataset it names a snapshot of}: the parts a study's datasets feed.
PARTS: dict[str, dict[str, str]] = {
    "01-demography": {"source": "population_forecast"},
    "02-broadband": {"source": "broadband"},
    "03-dimios-maturity": {"source": "dimios"},
    "04-tbm-cost": {"source": "tbm_ledger", "cost_source": "municipal_total_cost"},
    "05-capability-map": {"source": "capabilities"},
    "06-scenarios": {"source": "capabilities"},
    "07-survey-and-strategy": {"survey_source": "survey"},
}
#: Datasets that hold one row per municipality (and year): their templates are pre-filled.
PER_MUNICIPALITY = ("population_forecast", "broadband", "municipal_total_cost")
#: Datasets whose ``year`` column holds the measurement (checked against the study's years).
MEASURED = ("dimios", "survey", "broadband", "tbm_ledger", "municipal_total_cost")
#: The helper column of pre-filled templates (ignored by the import).
NAME_COLUMN = "kommunnamn"
TEMPLATES = "templates"
_KEYS = ("study", "name", "title", "region", "years", "root", "datasets", "parameters")
_DATASET_KEYS = ("snapshot", "file", "required", "years")


class StudyError(DigimotorError):
    """Problems of a study, found before any notebook runs: one line each in :attr:`problems`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class DatasetEntry:
    """Where one dataset of a study comes from."""

    name: str
    snapshot: str | None
    files: list[str]
    required: bool
    years: list[int] | None = None


@dataclass
class Study:
    """A parsed ``study.yml``."""

    path: Path
    root: Path
    name: str
    title: str
    region: str | list[str]
    years: list[int]
    datasets: dict[str, DatasetEntry]
    parameters: dict[str, dict[str, Any]]

    @property
    def where(self) -> str:
        return str(self.path)


@dataclass
class Plan:
    """What a study run does: the notebooks to run with their values, the parts skipped and why."""

    study: Study
    run: list[str] = field(default_factory=list)
    per_notebook: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    skipped_sv: dict[str, str] = field(default_factory=dict)  # the same reasons, for the pages
    imported: list[Path] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)  # per notebook: optional inputs set to none


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def load_study(path: str | Path) -> Study:
    """Read and check the shape of ``study.yml`` (every problem named by file and key).

    Raises
    ------
    StudyError
        Listing every problem of the file's shape (unknown keys, wrong types, unknown
        datasets, a dataset without a snapshot).
    """
    import yaml

    from .. import datasets
    from ..manifest import safe_path
    from ..params import MAX_YAML_BYTES, load_yaml

    path = Path(path).expanduser()
    where = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise StudyError([f"{where}: cannot read the study file: {exc.strerror or exc}"]) from None
    try:
        raw = load_yaml(data.decode("utf-8"), where)
    except UnicodeDecodeError as exc:
        raise StudyError([f"{where}: not UTF-8 text (byte {exc.start + 1})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise StudyError([f"{where}: not valid YAML{line}"]) from None
    except DigimotorError as exc:
        raise StudyError([str(exc)]) from None
    if not isinstance(raw, dict):
        raise StudyError([f"{where}: a study file is a mapping of keys ({', '.join(_KEYS)})"])
    problems: list[str] = []
    for key in raw:
        if key not in _KEYS:
            problems.append(f"{where}: {key}: unknown key (keys: {', '.join(_KEYS)})")
    if raw.get("study", FORMAT) != FORMAT:
        problems.append(f"{where}: study: format {raw.get('study')!r} is not known (this digimotor reads {FORMAT})")
    root_value = raw.get("root", ".")
    root = project_root() if root_value == "project" else path.parent.resolve()
    if root_value not in (".", "project"):  # a shared study file never writes outside its folder
        problems.append(f"{where}: root: '.' (the study file's folder, the default) or 'project' (the checkout), "
                        f"not {root_value!r}")
    region = raw.get("region", "Fyrbodal")
    if not (isinstance(region, str) or (isinstance(region, list) and region and all(isinstance(r, str) for r in region))):
        problems.append(f"{where}: region: a region name or a list of municipalities, not {region!r}")
        region = "Fyrbodal"
    years = raw.get("years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        problems.append(f"{where}: years: a list of years (e.g. [2021, 2024]), not {years!r}")
        years = []
    entries: dict[str, DatasetEntry] = {}
    raw_sets = raw.get("datasets", {}) or {}
    if not isinstance(raw_sets, dict):
        problems.append(f"{where}: datasets: a mapping dataset -> {{snapshot, file, required}}")
        raw_sets = {}
    known = datasets.names()
    for name, value in raw_sets.items():
        key = f"{where}: datasets.{name}"
        if name not in known:
            problems.append(f"{key}: no dataset '{name}' (`digimotor template --list` lists them)")
            continue
        if not isinstance(value, dict):
            problems.append(f"{key}: a mapping with snapshot, file, required")
            continue
        for sub in value:
            if sub not in _DATASET_KEYS:
                problems.append(f"{key}.{sub}: unknown key (keys: {', '.join(_DATASET_KEYS)})")
        snapshot = value.get("snapshot")
        if not isinstance(snapshot, str) or not snapshot:
            problems.append(f"{key}.snapshot: the dataset has no snapshot (name the snapshot its data come from)")
            snapshot = None
        else:
            try:
                if snapshot not in ("published", "synthetic"):
                    datasets.check_snapshot_name(snapshot)
            except DigimotorError as exc:
                problems.append(f"{key}.snapshot: {exc}")
        files = value.get("file", [])
        files = [files] if isinstance(files, str) else files
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            problems.append(f"{key}.file: a file name or a list of file names")
            files = []
        for file in files:  # inside the study folder: a shared study file reads nothing else
            if safe_path(file, path.parent.resolve(), ".") is None:
                problems.append(f"{key}.file: {file!r} is not a path inside the study folder")
        files = [f for f in files if safe_path(f, path.parent.resolve(), ".") is not None]
        required = value.get("required", False)
        if not isinstance(required, bool):
            problems.append(f"{key}.required: true or false, not {required!r}")
            required = False
        own_years = value.get("years")
        if own_years is not None and (not isinstance(own_years, list) or not all(
                isinstance(y, int) and not isinstance(y, bool) for y in own_years)):
            problems.append(f"{key}.years: a list of years")
            own_years = None
        entries[name] = DatasetEntry(name, snapshot, list(files), required, own_years)
    parameters = raw.get("parameters", {}) or {}
    if not isinstance(parameters, dict) or not all(isinstance(v, dict) for v in parameters.values()):
        problems.append(f"{where}: parameters: a mapping notebook (or 'all') -> {{parameter: value}}")
        parameters = {}
    name = raw.get("name", path.parent.name)
    title = raw.get("title", name)
    for key, value in (("name", name), ("title", title)):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {key}: a text, not {value!r}")
    if problems:
        raise StudyError(problems)
    return Study(path.resolve(), root, str(name), str(title), region, sorted(years), entries,
                 {str(k): dict(v) for k, v in parameters.items()})


def study_title() -> str | None:
    """The title of the study whose folder is the project root, or None (a checkout)."""
    from ..config import study_file

    path = study_file()
    if path is None:
        return None
    try:
        return load_study(path).title
    except DigimotorError:
        return None


@contextlib.contextmanager
def rooted(study: Study) -> Iterator[None]:
    """Make the study's folder the project root (``DIGIMOTOR_ROOT``) for the duration."""
    before = os.environ.get(ENV_ROOT)
    os.environ[ENV_ROOT] = str(study.root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_ROOT, None)
        else:
            os.environ[ENV_ROOT] = before


