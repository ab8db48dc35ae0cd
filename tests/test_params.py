"""Notebook parameter schemas: the files themselves, and checking values before anything runs."""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import pytest

from digimotor.errors import ParameterError
from digimotor.params import (
    inspect_parameters_cell,
    load_schema,
    parse_schema,
    read_params_file,
    resolve_parameters,
    schema_path,
)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _write_notebook(folder: Path, name: str, parameters: str, schema: str | None) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), cell, nbformat.v4.new_code_cell("x = 1")]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    if schema is not None:
        schema_path(path).write_text(schema, encoding="utf-8")
    return path


@pytest.mark.parametrize("notebook", [p for p in NOTEBOOKS if schema_path(p).exists()], ids=lambda p: p.stem)
def test_schema_defaults_equal_the_parameters_cell(notebook, repo_root):
    schema = load_schema(notebook)
    cell = inspect_parameters_cell(notebook)
    assert schema.defaults() == cell, f"{schema_path(notebook).name} and the parameters cell of {notebook.name} differ"
    # the defaults pass their own checks (types, ranges, regions, snapshots that exist)
    assert schema.check(schema.defaults()) == {k: (float(v) if schema.parameters[k].type == "float" else v)
                                               for k, v in cell.items()}


def test_every_notebook_has_a_schema_or_says_so():
    missing = [p.name for p in NOTEBOOKS if not schema_path(p).exists()]
    for name in missing:  # tolerated (inferred with a warning), but visible in the test log
        warnings.warn(f"{name} has no params.yml", stacklevel=1)
    assert (REPO / "notebooks" / "01-demography.params.yml").exists()


def test_demography_schema_checks_values(repo_root):
    schema = load_schema(REPO / "notebooks" / "01-demography.ipynb")
    assert schema.check({"lang": "en", "base_year": 2020, "region": ["Åmål", "Dals-Ed"]}) == {
        "lang": "en", "base_year": 2020, "region": ["Åmål", "Dals-Ed"]}
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 'langauge'.*valid: region, base_year, "
                                             r"target_year, source, lang"):
        schema.check({"langauge": "en"})
    with pytest.raises(ParameterError, match=r"'base_year' must be a whole number \(int\), not text '2019'"):
        schema.check({"base_year": "2019"})
    with pytest.raises(ParameterError, match=r"'base_year' must be a whole number \(int\), not bool True"):
        schema.check({"base_year": True})
    with pytest.raises(ParameterError, match=r"'target_year' = 2200 is above its maximum 2100"):
        schema.check({"target_year": 2200})
    with pytest.raises(ParameterError, match=r"'base_year' = 1900 is below its minimum 1968"):
        schema.check({"base_year": 1900})
    with pytest.raises(ParameterError, match=r"'lang' must be one of 'sv', 'en', not 'de'"):
        schema.check({"lang": "de"})
    with pytest.raises(ParameterError, match=r"'region'.*'Fyrbodl' is not a known region.*did you mean Fyrbodal"):
        schema.check({"region": "Fyrbodl"})
    with pytest.raises(ParameterError, match=r"no snapshot 'fyrbodal-2031' of dataset population_forecast"
                                             r".*available: published"):
        schema.check({"source": "fyrbodal-2031"})


def test_schema_file_errors_name_the_file_and_parameter(tmp_path):
    with pytest.raises(ParameterError, match=r"x\.params\.yml: parameter 'n' has type 'integer'.*types: str, int"):
        parse_schema("n: {type: integer, default: 1}", "x", "x.params.yml")
    with pytest.raises(ParameterError, match=r"x\.params\.yml: parameter 'n' has no default"):
        parse_schema("n: {type: int}", "x", "x.params.yml")
    with pytest.raises(ParameterError, match=r"x\.params\.yml: parameter 's' \(type source\) needs 'dataset'"):
        parse_schema("s: {type: source, default: published}", "x", "x.params.yml")
    with pytest.raises(ParameterError, match=r"x\.params\.yml: not valid YAML"):
        parse_schema("n: [1, 2", "x", "x.params.yml")
    with pytest.raises(ParameterError, match=r"parameter 'n' has unknown field\(s\) maximum"):
        parse_schema("n: {type: int, default: 1, maximum: 3}", "x", "x.params.yml")


def test_float_min_max_bool_and_list(tmp_path):
    schema = parse_schema(
        "share: {type: float, default: 0.5, min: 0, max: 1}\nflag: {type: bool, default: false}\n"
        "names: {type: list, default: [a]}\n", "x", "x.params.yml")
    assert schema.check({"share": 1}) == {"share": 1.0}
    with pytest.raises(ParameterError, match=r"'share' = 1\.5 is above its maximum 1"):
        schema.check({"share": 1.5})
    with pytest.raises(ParameterError, match=r"'flag' must be true or false \(bool\), not text 'yes please'"):
        schema.check({"flag": "yes please"})
    with pytest.raises(ParameterError, match=r"'names' must be a list, not text 'a'"):
        schema.check({"names": "a"})


def test_common_values_go_to_the_notebooks_that_have_the_key(tmp_path, project):
    folder = project / "notebooks"
    a = _write_notebook(folder, "97-a", 'lang = "sv"\nseed = 1', "lang: {type: lang, default: sv}\nseed: {type: int, default: 1}\n")
    b = _write_notebook(folder, "98-b", 'lang = "sv"', "lang: {type: lang, default: sv}\n")
    values = resolve_parameters([a, b], {"seed": 7, "lang": "en"})
    assert values == {"97-a": {"seed": 7, "lang": "en"}, "98-b": {"lang": "en"}}
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 'sead'.*valid: lang, seed"):
        resolve_parameters([a, b], {"sead": 7})
    per = {"all": {"lang": "en"}, "98-b": {"lang": "sv"}}
    assert resolve_parameters([a, b], {}, per) == {"97-a": {"lang": "en"}, "98-b": {"lang": "sv"}}
    with pytest.raises(ParameterError, match=r"names notebook '99-c'.*notebooks: 97-a, 98-b"):
        resolve_parameters([a, b], {}, {"99-c": {"lang": "en"}})
    with pytest.raises(ParameterError, match=r"98-b: unknown parameter\(s\) 'seed'.*valid: lang"):
        resolve_parameters([a, b], {}, {"98-b": {"seed": 3}})


def test_params_file_that_is_not_yaml(tmp_path):
    bad = tmp_path / "region.yaml"
    bad.write_text("01-demography:\n  lang: en\n   region: [Åmål\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"region\.yaml: not valid YAML \(line 3, column \d+\)"):
        read_params_file(bad)
    flat = tmp_path / "flat.yaml"
    flat.write_text("lang: en\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"flat\.yaml: expected notebook names mapping to parameters"):
        read_params_file(flat)
    with pytest.raises(ParameterError, match=r"cannot read parameters file .*missing\.yaml"):
        read_params_file(tmp_path / "missing.yaml")


def test_notebook_without_schema_falls_back_with_a_warning(project):
    path = _write_notebook(project / "notebooks", "96-noschema", 'lang = "sv"\nyears = [2019, 2030]\nshare = 0.5', None)
    with pytest.warns(UserWarning, match="96-noschema.ipynb has no 96-noschema.params.yml"):
        schema = load_schema(path)
    assert schema.inferred
    assert {n: p.type for n, p in schema.parameters.items()} == {"lang": "str", "years": "list", "share": "float"}
    with pytest.raises(ParameterError, match=r"'share' must be a number \(float\), not text"):
        schema.check({"share": "half"})


def test_params_command_prints_the_schema(repo_root, capsys):
    from digimotor.cli import main

    assert main(["params", "01-demography"]) == 0
    out = capsys.readouterr().out
    assert "01-demography" in out
    assert "base_year      int     default 2019" in out and "(range 1968–2100)" in out
    assert "lang           str     default 'sv'" in out and "one of sv, en" in out
    assert main(["params", "99-nothing"]) == 2
