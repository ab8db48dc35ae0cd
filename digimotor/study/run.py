"""``digimotor reproduce --study``: check a study, import its filled-in templates, run it."""

from __future__ import annotations

import contextlib
import hashlib
import html
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import CHECKOUT_DIR, STUDY_FILE
from ..errors import DigimotorError, ParameterError
from ..snapshots import NO_DATA
from .file import (
    DEFAULT_STUDY,
    MEASURED,
    NAME_COLUMN,
    PARTS,
    PER_MUNICIPALITY,
    TEMPLATES,
    DatasetEntry,
    Plan,
    Study,
    StudyError,
    load_study,
    rooted,
)

# ---------------------------------------------------------------------------------------
# Checks and imports
# ---------------------------------------------------------------------------------------


def _file_sha256(path: Path) -> str:
    from ..sources.files import read_input_bytes

    return hashlib.sha256(read_input_bytes(path)).hexdigest()


def _blank_rows_dropped(prefilled: Sequence[str]) -> Callable:
    """Raw cells -> the rows with a value outside the pre-filled columns (row numbers kept)."""
    from ..sources.files import ROW

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
    from .. import datasets
    from ..sources.files import read_rows

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
    from .. import datasets
    from ..importer import import_file
    from ..provenance import read_provenance

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

    from .. import datasets

    columns = datasets.get(dataset).column_names
    column = "year" if "year" in columns else "date" if dataset in DATED else None
    if column is None:
        return None
    path = datasets.snapshot_path(dataset, snapshot)
    if not path.exists():
        return None
    values = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)[column]
    if column == "date":  # the measurement is the year of the date (metrics.capabilities.assessment_years)
        values = values.str.extract(r"^\s*(\d{4})", expand=False).dropna()
    found = {int(float(v)) for v in values if str(v).strip()}
    return found or None


#: Datasets whose measurement is the year of their ``date`` column: a notebook's ``year`` and
#: ``compare_year`` are checked against them before the run (the study's ``years`` are not: the
#: report's capability map predates its other measurements).
DATED = ("capabilities",)


#: Folders of the checkout's ``data/raw/`` a study folder gets a copy of: the report's transcribed
#: tables and public data that hold for every Swedish region (the national broadband goals).
SHARED_RAW = ("published", "public/broadband_goals")


def _copy_shared(root: Path) -> None:
    """The report's transcribed tables (kind *published*) and the national public reference data
    (:data:`SHARED_RAW`) in the study's ``data/raw/``.

    Notebooks read the report's tables for the comparison with the report, which they show only
    for the report's own region; a study never runs on them in place of its own data.
    """
    for folder in SHARED_RAW:
        source = CHECKOUT_DIR / "data" / "raw" / folder
        target = root / "data" / "raw" / folder
        if not source.is_dir() or source.resolve() == target.resolve():
            continue
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            if path.is_file() and (not (target / path.name).exists()
                                   or (target / path.name).read_bytes() != path.read_bytes()):
                shutil.copy2(path, target / path.name)


def prepare(study: Study, *, do_import: bool = True, only: Sequence[str] | None = None) -> Plan:
    """Check the study and import its filled-in templates; return the run plan.

    Call inside :func:`rooted`. Every problem is collected, then raised together, before any
    notebook runs: an unknown region or municipality, a parameter a notebook does not have
    (or a bad value), a dataset without a snapshot, a required dataset left empty, a year
    outside the data, a template that does not import (file, row, column). With ``only``, the
    other notebooks are neither planned nor checked.
    """
    from .. import datasets
    from ..params import load_schema
    from ..regions import resolve_region
    from ..run import discover_notebooks

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
        _copy_shared(study.root)
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
        if only is not None and name not in only:  # --only: the other parts are neither run nor checked
            continue
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
                    if found is not None and year not in found and dataset in (*MEASURED, *DATED):
                        problems.append(f"{where}: parameters.{name}.{key}: {year} is not in the data of {dataset} "
                                        f"(snapshot '{study.datasets[dataset].snapshot}' holds "
                                        f"{', '.join(map(str, sorted(found)))})")
        for param, declared in schemas[name].parameters.items():  # the notebook's other inputs
            if declared.type == "list" and declared.dataset and param not in study.parameters.get(name, {}):
                _snapshot_list(plan, name, param, declared, study.datasets.get(declared.dataset), ready)
                continue
            if declared.type != "source" or param in used:
                continue
            other = study.datasets.get(declared.dataset or "")
            if other is not None and ready.get(other.name) and param not in study.parameters.get(name, {}):
                values[param] = other.snapshot  # a further dataset the study lists
            value = values.get(param, declared.default)
            if (NO_DATA in (declared.allowed or ()) and param not in study.parameters.get(name, {})
                    and not (other is not None and ready.get(other.name))
                    and value not in datasets.available_snapshots(declared.dataset or "")):
                values[param] = NO_DATA  # an optional input the study does not have: none, never the original's
                plan.notes.setdefault(name, []).append(
                    f"{param}: none (the study has no {declared.dataset}; the default {declared.default!r} is the "
                    "original study's)")
            elif other is not None and not ready.get(other.name) and param not in study.parameters.get(name, {}):
                problems.append(f"{where}: datasets.{other.name}: empty ({', '.join(other.files) or 'no file named'}), "
                                f"but {name} reads it (parameter {param}): fill it in")
            elif value not in datasets.available_snapshots(declared.dataset or ""):
                problems.append(
                    f"{where}: parameters.{name}.{param}: no snapshot {value!r} of dataset {declared.dataset} in "
                    f"the study's data/raw/ (the default is the original study's); add the dataset to study.yml "
                    f"(datasets.{declared.dataset}: {{snapshot: NAME, file: FILE}}) or set this parameter")
            elif values.get(param) == declared.default:
                del values[param]
        own_data = all(study.datasets[d].snapshot not in ("published", "synthetic") for d in used.values())
        for param, declared in schemas[name].parameters.items():  # the seeded example is no study's data
            if (own_data and declared.type == "str" and param.endswith("source") and param not in used
                    and values.get(param, declared.default) == "synthetic"):
                problems.append(f"{where}: parameters.{name}.{param}: 'synthetic' (the seeded example under "
                                f"pseudonyms) is not this study's data; set it: {declared.description}")
        plan.run.append(name)
        values.update(plan.per_notebook.pop(name, {}))  # the lists _snapshot_list set
        if values:
            plan.per_notebook[name] = values
    if not plan.run and not problems and only is None:
        problems.append(f"{where}: datasets: nothing to run: every dataset is empty (fill in a template in "
                        f"{TEMPLATES}/)")
    if problems:
        raise StudyError(list(dict.fromkeys(problems)))
    return plan


def _snapshot_list(plan: Plan, notebook: str, param: str, declared: Any, entry: DatasetEntry | None,
                   ready: Mapping[str, bool]) -> None:
    """A list of snapshots a notebook reads besides its data (02's ``facts_series_sources``): the
    study's own snapshot of that dataset if it has one, else those of the default that exist in the
    study's ``data/raw/`` (none in a study folder: the default's are the original study's)."""
    from .. import datasets

    have = datasets.available_snapshots(declared.dataset)
    if entry is not None and ready.get(entry.name):
        chosen = [entry.snapshot]
    else:
        chosen = [s for s in declared.default if s in have]
    if chosen != list(declared.default):
        plan.per_notebook.setdefault(notebook, {})[param] = chosen
        left = [s for s in declared.default if s not in chosen]
        if left and not chosen:
            plan.notes.setdefault(notebook, []).append(
                f"{param}: none (the study has no {declared.dataset}; {', '.join(left)} are the original study's)")


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


def _skip_pages(plan: Plan) -> None:
    """A page for every part the study skips, saying why (kept by the next site build)."""
    from .. import site
    from ..atomic import write_text
    from ..run import discover_notebooks, notebook_title

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
    """Check, import and run a study; return the :class:`~digimotor.run.RunResult`.

    ``path`` defaults to the Fyrbodal study (:data:`DEFAULT_STUDY`). ``parameters`` (``-p``)
    and a ``params_file`` (``--params``) apply on top of the study's values; ``only`` narrows
    the run to some of its notebooks. Other options go to :func:`digimotor.runner.reproduce`.
    """
    from .. import run as runner
    from ..params import ALL_NOTEBOOKS, load_schema, read_params_file

    study = load_study(path or DEFAULT_STUDY)
    with rooted(study):
        wanted = [p.stem for p in runner.discover_notebooks(only)] if only else None
        plan = prepare(study, only=wanted)  # a dry run imports too: the templates are checked, the run is only planned
        chosen = plan.run
        if wanted:
            chosen = wanted
            skipped = [n for n in chosen if n in plan.skipped]
            if skipped:
                raise StudyError([f"{study.where}: {n}: {plan.skipped[n]}" for n in skipped])
        for name in plan.imported:
            echo(f"imported {name.relative_to(study.root).as_posix()}")
        for name, reason in plan.skipped.items():
            echo(f"skipped   {name}: {reason}")
        for name, notes in plan.notes.items():
            for note in notes:
                echo(f"note      {name}: {note}")
        if plan.skipped and not options.get("dry_run"):
            _skip_pages(plan)
        # the command line's values win over the study's: -p for every notebook that has the key,
        # then --params (all, then per notebook)
        per_notebook = {k: dict(v) for k, v in plan.per_notebook.items() if k in chosen}
        given = read_params_file(options["params_file"]) if options.get("params_file") else {}
        everywhere = {k: v for key in ALL_NOTEBOOKS for k, v in given.get(key, {}).items()}
        for name in given:
            if name not in chosen and name not in ALL_NOTEBOOKS:
                per_notebook[name] = dict(given[name])  # the runner names the notebook not in this run
        schemas = {name: load_schema(runner.discover_notebooks([name])[0]).parameters for name in chosen}
        stray = [k for k in everywhere if not any(k in declared for declared in schemas.values())]
        if stray:
            raise ParameterError(f"{options['params_file']}: unknown parameter(s) {', '.join(map(repr, stray))} "
                                 "under 'all' for the notebooks of this study")
        for name in chosen:
            declared = schemas[name]
            extra = {k: v for k, v in (parameters or {}).items() if k in declared}
            extra.update({k: v for k, v in everywhere.items() if k in declared})
            extra.update(given.get(name, {}))
            if extra:
                per_notebook.setdefault(name, {}).update(extra)
        everything = len(chosen) == len(runner.discover_notebooks())
        return runner.reproduce(
            only=None if everything else chosen, parameters=parameters, echo=echo,
            per_notebook=per_notebook, **{**options, "params_file": None})
