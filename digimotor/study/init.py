"""``digimotor init``: a study folder with ``study.yml`` and the region's templates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import CHECKOUT_DIR, STUDY_FILE
from ..errors import DigimotorError
from .file import FORMAT, NAME_COLUMN, PARTS, PER_MUNICIPALITY, TEMPLATES

#: Dataset of a part -> further datasets its notebook reads (their templates come with it).
FURTHER = {"population_forecast": ("population_by_age",)}

# ---------------------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------------------


def _schema_defaults(notebook: str) -> dict[str, Any] | None:
    from ..params import load_schema

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

    from .. import datasets as registry
    from ..atomic import write_text
    from ..importer import write_template
    from ..regions import all_municipalities, municipality, resolve_region

    folder = Path(folder).expanduser()
    spec = region if isinstance(region, str) else list(region)
    resolved = resolve_region(spec)
    years = sorted({int(y) for y in years})
    wanted = list(dict.fromkeys(datasets or [d for part in PARTS.values() for d in part.values()]))
    for main, further in FURTHER.items():  # a part's further inputs come with it
        if main in wanted:
            wanted += [d for d in further if d not in wanted]
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
        if defaults.get("willingness_source") == "synthetic":  # 06: everyone willing, not the example's answers
            values["willingness_source"] = "default"
        counties = {municipality(code).county_code for code in resolved.codes}
        whole = len(resolved.codes) == len(all_municipalities())
        if "pyramid_region" in defaults and (len(counties) == 1 or whole):  # the region's county, or Sweden
            values["pyramid_region"] = "00" if whole else counties.pop()
            if years and "pyramid_year" in defaults:
                values["pyramid_year"] = years[-1]
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

    from ..regions import fold

    slug = re.sub(r"[^a-z0-9._-]+", "-", fold(text)).strip("-._")[:64]
    return slug or "study"


