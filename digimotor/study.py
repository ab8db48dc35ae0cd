"""A study is a file: ``study.yml`` names the region, the measurement years, the snapshot each
dataset comes from and the notebook parameters that differ from the defaults.

``digimotor init DIR --region NAME --years 2021 2024`` writes a study folder (:func:`init_study`);
``digimotor reproduce --study DIR/study.yml`` imports the templates that were filled in, checks
everything, and runs the study's notebooks with its parameters (:func:`prepare`,
:func:`run_study`). The folder of ``study.yml`` is the study's root: its ``data/``,
``figures/`` and ``build/`` live there, the notebooks and the claims registry come from the
checkout (:mod:`digimotor.config`). The Fyrbodal 2021 reproduction is the study
``digimotor/reference/studies/fyrbodal-2021.yml`` (``root: project``: the checkout itself).

A study file::

    study: 1
    name: skaraborg-2021-2024
    title: Digital motor Skaraborg 2021–2024
    region: Skaraborg               # association, county, "Sverige" or a list of municipalities
    years: [2021, 2024]             # the measurements
    datasets:                       # dataset -> where its data come from
      dimios:
        snapshot: skaraborg-2021-2024   # data/raw/user/dimios/<snapshot>.csv after the import
        file: [templates/dimios.xlsx, templates/dimios.csv]   # the filled-in template
        required: true              # empty -> error; optional and empty -> its part is skipped
    parameters:                     # per notebook (or "all"): values that differ from the defaults
      03-dimios-maturity: {year: 2024, compare_year: 2021}

``region`` is given to every notebook that has a ``region`` parameter, and each dataset's
snapshot to the notebook parameters that read it (:data:`PARTS`).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import CHECKOUT_DIR, ENV_ROOT, REFERENCE_DIR, STUDY_FILE, project_root
from .errors import DigimotorError

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

    from . import datasets
    from .params import MAX_YAML_BYTES, load_yaml

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
    if root_value == "project":
        root = project_root()
    elif isinstance(root_value, str) and root_value:
        root = (path.parent / root_value).resolve()
    else:
        problems.append(f"{where}: root: must be a folder relative to the study file, or 'project'")
        root = path.parent.resolve()
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
    from .config import study_file

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


# ---------------------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------------------


def _schema_defaults(notebook: str) -> dict[str, Any] | None:
    from .params import load_schema

    path = CHECKOUT_DIR / "notebooks" / f"{notebook}.ipynb"
    if not path.exists():
        return None
    return load_schema(path).defaults()


def init_study(folder: str | Path, region: str | Sequence[str], years: Sequence[int] = (), *,
               datasets: Sequence[str] | None = None, required: Sequence[str] = (),
               name: str | None = None, title: str | None = None, force: bool = False) -> list[Path]:
    """Write a study folder: ``study.yml``, ``templates/`` (CSV + XLSX per dataset) and ``data/raw/``.

    Templates of datasets with one row per municipality (:data:`PER_MUNICIPALITY`) hold the
    region's municipalities (SCB code, and the name in a helper column), one row per
    municipality and measurement year; the others hold the header only. ``municipalities.csv``
    lists the region's municipalities with their codes.

    Raises
    ------
    DigimotorError
        An unknown region or dataset, or a folder that already holds a study (unless ``force``).
    """
    import yaml

    from . import datasets as registry
    from .atomic import write_text
    from .importer import write_template
    from .regions import municipality, resolve_region

    folder = Path(folder).expanduser()
    spec = region if isinstance(region, str) else list(region)
    resolved = resolve_region(spec)
    years = sorted({int(y) for y in years})
    wanted = list(dict.fromkeys(datasets or [d for part in PARTS.values() for d in part.values()]))
    for dataset in wanted:
        registry.get(dataset)  # unknown -> error naming the datasets
    for dataset in required:
        if dataset not in wanted:
            raise DigimotorError(f"--required {dataset}: not one of the study's datasets ({', '.join(wanted)})")
    if (folder / STUDY_FILE).exists() and not force:
        raise DigimotorError(f"{folder / STUDY_FILE} exists", hint="choose another folder, or --force to overwrite")
    name = name or _slug(folder.resolve().name)
    title = title or f"Digital motor {resolved.name}" + (f" {years[0]}" if len(years) == 1 else
                                                         f" {years[0]}–{years[-1]}" if years else "")
    (folder / "data" / "raw").mkdir(parents=True, exist_ok=True)
    templates = folder / TEMPLATES
    templates.mkdir(exist_ok=True)
    written: list[Path] = []
    entries = {}
    for dataset in wanted:
        columns = registry.get(dataset).column_names
        rows: list[dict[str, Any]] = []
        extra: tuple[str, ...] = ()
        if dataset in PER_MUNICIPALITY:
            extra = (NAME_COLUMN,)
            by_year = "year" in columns and years and dataset != "population_forecast"
            for code in resolved.codes:
                for year in (years if by_year else [None]):
                    row = {"municipality_code": code, NAME_COLUMN: municipality(code).name}
                    if year is not None:
                        row["year"] = year
                    rows.append(row)
        written += write_template(dataset, templates, rows=rows, extra_columns=extra, stem=dataset)
        entries[dataset] = {
            "snapshot": name,
            "file": [f"{TEMPLATES}/{dataset}.xlsx", f"{TEMPLATES}/{dataset}.csv"],
            "required": dataset in required,
        }
    parameters: dict[str, dict[str, Any]] = {}
    for notebook, part in PARTS.items():
        defaults = _schema_defaults(notebook)
        if defaults is None or not set(part.values()) & set(wanted):
            continue
        values: dict[str, Any] = {}
        if years and "year" in defaults:
            values["year"] = years[-1]
        if len(years) > 1 and "compare_year" in defaults:
            values["compare_year"] = years[0]
        values = {k: v for k, v in values.items() if defaults.get(k) != v}
        if values:
            parameters[notebook] = values
    document = {"study": FORMAT, "name": name, "title": title, "region": spec, "years": years,
                "datasets": entries, "parameters": parameters}
    header = (f"# digimotor study: {title}\n"
              "# Fill in the templates in templates/ (one of the XLSX or the CSV per dataset), then run\n"
              f"#   digimotor reproduce --study {(folder / STUDY_FILE).as_posix()}\n"
              "# A required dataset left empty is an error; an optional one left empty skips its part.\n")
    target = folder / STUDY_FILE
    write_text(target, header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    lines = ["municipality_code;municipality"] + [f"{c};{municipality(c).name}" for c in resolved.codes]
    write_text(folder / "municipalities.csv", "\n".join(lines) + "\n")
    return [target, folder / "municipalities.csv", *written]


def _slug(text: str) -> str:
    import re

    from .regions import fold

    slug = re.sub(r"[^a-z0-9._-]+", "-", fold(text)).strip("-._")[:64]
    return slug or "study"


# ---------------------------------------------------------------------------------------
# Checks and imports
# ---------------------------------------------------------------------------------------


def _file_sha256(path: Path) -> str:
    from .sources.files import read_input_bytes

    return hashlib.sha256(read_input_bytes(path)).hexdigest()


def _blank_rows_dropped(prefilled: Sequence[str]) -> Callable:
    """Raw cells -> the rows with a value outside the pre-filled columns (row numbers kept)."""
    from .sources.files import ROW

    def keep(raw):
        others = [c for c in raw.columns if c != ROW and str(c).strip() not in prefilled]
        if not others:
            return raw.iloc[0:0]
        filled = raw[others].apply(lambda col: col.map(lambda v: v is not None and str(v).strip() not in ("", "nan")))
        return raw[filled.any(axis=1)]

    return keep


def _prefilled(dataset: str) -> tuple[str, ...]:
    return ("municipality_code", NAME_COLUMN, "year") if dataset in PER_MUNICIPALITY else ()


def _filled_file(study: Study, entry: DatasetEntry, problems: list[str]) -> Path | None:
    """The one template file of ``entry`` that holds data, or None if all are empty."""
    from . import datasets
    from .sources.files import read_rows

    spec = datasets.get(entry.name)
    filled = []
    for name in entry.files:
        path = (study.path.parent / name)
        if not path.exists():
            continue
        try:
            raw = read_rows(path, is_header=datasets.header_matcher(spec))
        except DigimotorError as exc:
            problems.append(f"{study.where}: datasets.{entry.name}.file: {exc}")
            continue
        if len(_blank_rows_dropped(_prefilled(entry.name))(raw)):
            filled.append(path)
    if len(filled) > 1:
        problems.append(f"{study.where}: datasets.{entry.name}.file: both {filled[0].name} and {filled[1].name} "
                        "hold data; fill in one of them")
        return None
    return filled[0] if filled else None


def _import(study: Study, entry: DatasetEntry, file: Path) -> Path | None:
    """Import ``file`` as the entry's snapshot unless the same file is already imported."""
    from . import datasets
    from .importer import import_file
    from .provenance import read_provenance

    target = datasets.snapshot_path(entry.name, entry.snapshot)
    if target.exists():
        with contextlib.suppress(DigimotorError):
            if read_provenance(target).get("original_sha256") == _file_sha256(file):
                return None
    return import_file(entry.name, file, name=entry.snapshot, replace=True,
                       title=f"{study.title}: {entry.name} ({file.name})",
                       keep=_blank_rows_dropped(_prefilled(entry.name)))


def _data_years(dataset: str, snapshot: str) -> set[int] | None:
    import pandas as pd

    from . import datasets

    if "year" not in datasets.get(dataset).column_names:
        return None
    path = datasets.snapshot_path(dataset, snapshot)
    if not path.exists():
        return None
    values = pd.read_csv(path, usecols=["year"], dtype=str, keep_default_na=False)["year"]
    found = {int(float(v)) for v in values if str(v).strip()}
    return found or None


def _copy_published(root: Path) -> None:
    """The report's transcribed tables (kind *published*) in the study's ``data/raw/published/``.

    Notebooks read them for the comparison with the report, which they show only for the
    report's own region; a study never runs on them in place of its own data.
    """
    source = CHECKOUT_DIR / "data" / "raw" / "published"
    target = root / "data" / "raw" / "published"
    if not source.is_dir() or source.resolve() == target.resolve():
        return
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if path.is_file() and (not (target / path.name).exists()
                               or (target / path.name).read_bytes() != path.read_bytes()):
            shutil.copy2(path, target / path.name)


def prepare(study: Study, *, do_import: bool = True) -> Plan:
    """Check the study and import its filled-in templates; return the run plan.

    Call inside :func:`rooted`. Every problem is collected, then raised together, before any
    notebook runs: an unknown region or municipality, a parameter a notebook does not have
    (or a bad value), a dataset without a snapshot, a required dataset left empty, a year
    outside the data, a template that does not import (file, row, column).
    """
    from . import datasets
    from .params import load_schema
    from .pipeline import discover_notebooks
    from .regions import resolve_region

    where = study.where
    problems: list[str] = []
    try:
        resolve_region(study.region)
    except DigimotorError as exc:
        problems.append(f"{where}: region: {exc}")
    notebooks = {p.stem: p for p in discover_notebooks()}
    schemas = {name: load_schema(path) for name, path in notebooks.items()}
    plan = Plan(study)
    if do_import and not (study.root / "notebooks").is_dir():  # a study folder, not a checkout
        _copy_published(study.root)
    # datasets: snapshot present, or a filled template to import
    ready: dict[str, bool] = {}
    for entry in study.datasets.values():
        if entry.snapshot is None:
            continue
        file = _filled_file(study, entry, problems)
        if file is not None and do_import:
            try:
                imported = _import(study, entry, file)
            except DigimotorError as exc:
                problems.append(f"{where}: datasets.{entry.name}: {exc}")
                ready[entry.name] = False
                continue
            if imported is not None:
                plan.imported.append(imported)
        # "published" and "synthetic" name the notebook's own shipped tables (03 reads Figure 9
        # from dataset dimios_areas for "published"): a missing one fails in its notebook
        have = entry.snapshot in ("published", "synthetic") or entry.snapshot in datasets.available_snapshots(entry.name)
        ready[entry.name] = have
        if not have and entry.required:
            shown = ", ".join(entry.files) or "no file named"
            problems.append(f"{where}: datasets.{entry.name}: required, but empty ({shown}) and no snapshot "
                            f"'{entry.snapshot}' exists")
        if have and entry.name in MEASURED:
            found = _data_years(entry.name, entry.snapshot)
            for year in (entry.years if entry.years is not None else study.years):
                if found is not None and year not in found:
                    key = f"datasets.{entry.name}.years" if entry.years is not None else "years"
                    problems.append(f"{where}: {key}: {year} is not in the data of {entry.name} (snapshot "
                                    f"'{entry.snapshot}' holds {', '.join(map(str, sorted(found)))})")
    # parameters
    for notebook, values in study.parameters.items():
        if notebook != "all" and notebook not in schemas:
            problems.append(f"{where}: parameters.{notebook}: no notebook '{notebook}' "
                            f"(notebooks: {', '.join(schemas)})")
            continue
        targets = list(schemas) if notebook == "all" else [notebook]
        for key, value in values.items():
            having = [n for n in targets if key in schemas[n].parameters]
            if not having:
                problems.append(f"{where}: parameters.{notebook}.{key}: "
                                + (f"{notebook} has no parameter '{key}' (valid: {', '.join(schemas[notebook].parameters)})"
                                   if notebook != "all" else f"no notebook has a parameter '{key}'"))
                continue
            for name in having:
                try:
                    schemas[name].check({key: value}, name)
                except DigimotorError as exc:
                    problems.append(f"{where}: parameters.{notebook}.{key}: {exc}")
                    break
    # the plan: a notebook runs when every dataset it reads has data
    for name in notebooks:
        part = PARTS.get(name, {})
        used = {p: d for p, d in part.items() if d in study.datasets and p in schemas[name].parameters}
        if not used:
            plan.skipped[name] = "not part of this study (none of its datasets is in study.yml)"
            plan.skipped_sv[name] = "delen ingår inte i studien (ingen av dess datamängder finns i study.yml)"
            continue
        empty = [d for d in used.values() if not ready.get(d)]
        if empty:
            plan.skipped[name] = "optional dataset(s) left empty: " + ", ".join(sorted(set(empty)))
            plan.skipped_sv[name] = "valfri datamängd lämnades tom: " + ", ".join(sorted(set(empty)))
            continue
        values: dict[str, Any] = {}
        defaults = schemas[name].defaults()
        for param, dataset in used.items():
            snapshot = study.datasets[dataset].snapshot
            if defaults.get(param) != snapshot:
                values[param] = snapshot
        if "region" in defaults and study.region != defaults["region"]:
            values["region"] = study.region
        values.update({k: v for k, v in study.parameters.get("all", {}).items() if k in defaults})
        values.update(study.parameters.get(name, {}))
        for key in ("year", "compare_year"):  # a measurement the data do not hold
            year = values.get(key)
            if isinstance(year, int) and year:
                for dataset in used.values():
                    found = _data_years(dataset, study.datasets[dataset].snapshot) if ready.get(dataset) else None
                    if found is not None and year not in found and dataset in MEASURED:
                        problems.append(f"{where}: parameters.{name}.{key}: {year} is not in the data of {dataset} "
                                        f"(snapshot '{study.datasets[dataset].snapshot}' holds "
                                        f"{', '.join(map(str, sorted(found)))})")
        plan.run.append(name)
        if values:
            plan.per_notebook[name] = values
    if not plan.run and not problems:
        problems.append(f"{where}: datasets: nothing to run: every dataset is empty (fill in a template in "
                        f"{TEMPLATES}/)")
    if problems:
        raise StudyError(list(dict.fromkeys(problems)))
    return plan


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


def _skip_pages(plan: Plan) -> None:
    """A page for every part the study skips, saying why (kept by the next site build)."""
    from . import site
    from .atomic import write_text
    from .pipeline import discover_notebooks, notebook_title

    build = plan.study.root / "build"
    pages = build / "site"
    context = {"notebooks": [(p.stem, notebook_title(p)) for p in discover_notebooks()]}
    titles = dict(context["notebooks"])
    for name, reason in plan.skipped_sv.items():
        (build / "cache" / f"{name}.json").unlink(missing_ok=True)  # an earlier run's result is not this study's
        body = (f"<h1>{html.escape(titles.get(name, name))}</h1>"
                f'<div class="dm-banner"><p><strong>Inte körd i studien {html.escape(plan.study.title)}</strong> '
                f"({html.escape(plan.skipped[name])}): {html.escape(reason)}.</p>"
                "<p>Delen hoppas över; inga exempeldata och inga data från den ursprungliga förstudien används i "
                "stället. Fyll i mallen i <code>templates/</code> och kör <code>digimotor reproduce --study "
                f"{html.escape(STUDY_FILE)}</code> igen.</p></div>")
        write_text(pages / f"{name}.html", site.page(titles.get(name, name), body, context, name))


def run_study(path: str | Path | None = None, *, echo: Callable[[str], Any] = print,
              parameters: Mapping[str, Any] | None = None, only: Sequence[str] | None = None, **options: Any):
    """Check, import and run a study; return the :class:`~digimotor.pipeline.RunResult`.

    ``path`` defaults to the Fyrbodal study (:data:`DEFAULT_STUDY`). ``parameters`` (``-p``)
    apply on top of the study's values; ``only`` narrows the run to some of its notebooks.
    Other options go to :func:`digimotor.pipeline.reproduce`.
    """
    from . import pipeline

    study = load_study(path or DEFAULT_STUDY)
    with rooted(study):
        plan = prepare(study, do_import=not options.get("dry_run"))
        chosen = plan.run
        if only:
            chosen = [p.stem for p in pipeline.discover_notebooks(only)]
            skipped = [n for n in chosen if n in plan.skipped]
            if skipped:
                raise StudyError([f"{study.where}: {n}: {plan.skipped[n]}" for n in skipped])
        for name in plan.imported:
            echo(f"imported {name.relative_to(study.root).as_posix()}")
        for name, reason in plan.skipped.items():
            echo(f"skipped   {name}: {reason}")
        if plan.skipped and not options.get("dry_run"):
            _skip_pages(plan)
        everything = len(chosen) == len(pipeline.discover_notebooks())
        return pipeline.reproduce(
            only=None if everything else chosen, parameters=parameters, echo=echo,
            per_notebook={k: v for k, v in plan.per_notebook.items() if k in chosen}, **options)
