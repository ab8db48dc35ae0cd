"""Parameters are data, never code (issue 20, item 1-3).

Every YAML tag outside the JSON types and every string-breaking payload goes in through
``-p KEY=VALUE`` and through ``--params FILE``, with both engines; a payload that would run
``__import__('os').system('touch MARKER')`` must never create the marker: the run refuses with
a one-line parameter error (exit 2) or the notebook receives the value as a literal string.
"""

from __future__ import annotations

import ast
import base64
import json
import math
from pathlib import Path

import nbformat
import pytest
from single_notebook import only_notebook

from digimotor.cli import main
from digimotor.errors import ParameterError
from digimotor.params import (
    MAX_ITEMS,
    MAX_YAML_BYTES,
    SEED_RANGE,
    injected_source,
    load_schema,
    load_yaml,
    parse_assignment,
    parse_schema,
    read_params_file,
    resolve_parameters,
)

REPO = Path(__file__).resolve().parents[1]
NAME = "10-echo"
SCHEMA = """\
text: {type: str, default: plain}
items: {type: list, items: str, default: [a]}
share: {type: float, default: 0.5, min: 0, max: 1}
"""
ECHO = ("import json\nfrom pathlib import Path\n"
        "Path('received.json').write_text(json.dumps({'text': text, 'items': items, 'share': share}))")


@pytest.fixture
def lab(project):
    """The project copy with one small notebook that writes the values it received."""
    only_notebook(project, NAME, 'text = "plain"\nitems = ["a"]\nshare = 0.5', ECHO)
    (project / "notebooks" / f"{NAME}.params.yml").write_text(SCHEMA, encoding="utf-8")
    return project


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "PWNED-marker"


def _command(marker: Path) -> str:
    return f"__import__('os').system('touch {marker}')"


def breaking_strings(marker: Path) -> list[str]:
    """Strings that end a naively built string literal and run the command."""
    cmd = _command(marker)
    dq = f'__import__("os").system("touch {marker}")'
    return [
        f'"); {cmd}; ("', f"'); {cmd}; ('", f'"""); {cmd}; ("""', f"'''); {cmd}; ('''",
        f'\\"); {cmd}; #', f"\\\\'); {cmd}; #", "ends with a backslash \\", f"line 1\n{cmd}\nline 3",
        f"\r\n{cmd}", f'" + str({dq}) + "', f"{{{cmd}}}", f"\\x22); {cmd}; #", f"\u2028{cmd}", f"\x00{cmd}",
        "Åmål \t Dals-Ed",
    ]


def tagged_values(marker: Path) -> dict[str, str]:
    """YAML list values with every non-JSON tag; several are working exploits of str(value) interpolation."""
    dq = f'"+str(__import__("os").system("touch {marker}"))+"'
    b64 = base64.b64encode(dq.encode()).decode()
    return {
        "binary": f"[!!binary {b64}]",
        "omap": f"[!!omap [{{k: '{dq}'}}]]",
        "pairs": f"[!!pairs [{{k: '{dq}'}}]]",
        "set": f"[!!set {{'{dq}'}}]",
        "timestamp": "[!!timestamp 2021-01-01]",
        "timestamp-full": "[!!timestamp '2021-01-01T10:00:00Z']",
        "python-apply": f"[!!python/object/apply:os.system ['touch {marker}']]",
        "python-name": "[!!python/name:os.system '']",
        "python-tuple": f"[!!python/tuple ['{dq}']]",
        "python-bytes": "[!!python/bytes aGk=]",
        "custom": f"[!evil '{dq}']",
        "custom-long": f"[!<tag:evil.example,2024:x> '{dq}']",
        "map-item": f"[{{k: '{dq}'}}]",  # JSON types, refused by the item type
        "list-item": f"[['{dq}']]",
    }


# ---------------------------------------------------------------------------------------
# The loader: JSON types only
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["!!binary aGk=", "!!omap [{a: 1}]", "!!pairs [{a: 1}]", "!!set {a}",
                                 "!!timestamp 2021-01-01", "!!python/object/apply:os.system [ls]",
                                 "!!python/tuple [1]", "!!python/name:os.system ''", "!custom x",
                                 "!!merge x", "!!value x", "!!yaml x"])
def test_every_non_json_tag_is_refused_naming_file_and_key(tag, tmp_path):
    with pytest.raises(ParameterError, match=r"^-p items: \[0\]: YAML tag .* is not allowed"):
        parse_assignment(f"items=[{tag}]")
    file = tmp_path / "p.yaml"
    file.write_text(f"10-echo:\n  items:\n    - {tag}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p\.yaml: 10-echo\.items\[0\]: YAML tag .* is not allowed"):
        read_params_file(file)
    with pytest.raises(ParameterError, match=r"x\.params\.yml: n\.default: YAML tag .* is not allowed"):
        parse_schema(f"n: {{type: list, default: {tag}}}", "x", "x.params.yml")


def test_json_types_load_as_json_and_yaml_1_1_surprises_stay_text():
    assert load_yaml("{a: [1, -2, 3.5, .inf, true, null, 'x', \"y\\n\"], b: {c: d}}", "t") == {
        "a": [1, -2, 3.5, math.inf, True, None, "x", "y\n"], "b": {"c": "d"}}
    # YAML 1.1 would turn these into bool, octal, sexagesimal int and date: here they are text
    for text in ("yes", "no", "on", "off", "0o17", "1:30", "2021-01-01", "0x1F", "1_000", "<<"):
        assert load_yaml(text, "t") == text
    assert parse_assignment("region=Västra Götalands län") == ("region", "Västra Götalands län")
    assert parse_assignment('text="unbalanced') == ("text", '"unbalanced')  # not YAML: the text itself
    assert parse_assignment("text=") == ("text", "")
    with pytest.raises(ParameterError, match=r"-p x: key 'a' is given twice"):
        parse_assignment("x={a: 1, a: 2}")
    with pytest.raises(ParameterError, match=r"'0x1F' is not a valid !!int"):
        load_yaml("!!int 0x1F", "t")
    with pytest.raises(ParameterError, match=r"is not KEY=VALUE"):
        parse_assignment("novalue")


def test_anchors_aliases_size_and_depth_are_refused(tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("bcdefgh", "cdefghi", strict=True))
    file = tmp_path / "laughs.yaml"
    file.write_text(laughs, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"laughs\.yaml: YAML anchors and aliases \(&, \*\) are not allowed"):
        read_params_file(file)
    with pytest.raises(ParameterError, match=r"-p x: YAML anchors and aliases"):
        parse_assignment("x=[&a 1, *a]")
    big = tmp_path / "big.yaml"
    big.write_text("all:\n  text: '" + "x" * MAX_YAML_BYTES + "'\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"big\.yaml: parameters file larger than 1024 KiB"):
        read_params_file(big)
    with pytest.raises(ParameterError, match=r"-p x: larger than 1024 KiB"):
        parse_assignment("x=" + "y" * (MAX_YAML_BYTES + 1))
    with pytest.raises(ParameterError, match=r"nested deeper than 16 levels"):
        parse_assignment("x=" + "[" * 5000 + "]" * 5000)
    with pytest.raises(ParameterError, match=r"the number .* is too long"):
        parse_assignment("x=" + "9" * 5000)


# ---------------------------------------------------------------------------------------
# The schema checks
# ---------------------------------------------------------------------------------------


def test_list_items_are_typed_and_bounded():
    schema = parse_schema(SCHEMA + "shifts: {type: list, items: float, default: [0.5], max_items: 3}\n"
                          "mixed: {type: list, items: int|str, default: [1, a]}\n", "x", "x.params.yml")
    assert schema.check({"shifts": [1, 0.5]}) == {"shifts": [1.0, 0.5]}
    assert schema.check({"mixed": [2, "b"]}) == {"mixed": [2, "b"]}
    with pytest.raises(ParameterError, match=r"'items' item 1 must be str, not bytes b'x'"):
        schema.check({"items": [b"x"]})
    with pytest.raises(ParameterError, match=r"'items' item 2 must be str, not tuple"):
        schema.check({"items": ["a", ("k", "v")]})
    with pytest.raises(ParameterError, match=r"'items' item 1 must be str, not mapping"):
        schema.check({"items": [{"k": "v"}]})
    with pytest.raises(ParameterError, match=r"'shifts' item 1 must be float, not text"):
        schema.check({"shifts": ["0.5"]})
    with pytest.raises(ParameterError, match=r"'shifts' item 2 must be a finite number, not nan"):
        schema.check({"shifts": [0.5, math.nan]})
    with pytest.raises(ParameterError, match=r"'shifts' has 4 items; at most 3 are allowed"):
        schema.check({"shifts": [0.1] * 4})
    with pytest.raises(ParameterError, match=rf"'items' has {MAX_ITEMS + 1} items; at most {MAX_ITEMS}"):
        schema.check({"items": ["a"] * (MAX_ITEMS + 1)})
    with pytest.raises(ParameterError, match=r"'mixed' item 1 must be int or str, not bool True"):
        schema.check({"mixed": [True]})
    with pytest.raises(ParameterError, match=r"x\.params\.yml: parameter 'l' has items 'date'"):
        parse_schema("l: {type: list, items: date, default: []}", "x", "x.params.yml")
    with pytest.raises(ParameterError, match=r"parameter 'n': items and max_items are for lists"):
        parse_schema("n: {type: int, items: int, default: 1}", "x", "x.params.yml")


def test_every_list_parameter_of_the_study_declares_its_item_type():
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]-*.params.yml")):
        text = path.read_text(encoding="utf-8")
        for name, decl in load_yaml(text, str(path)).items():
            if decl["type"] == "list":
                assert "items" in decl, f"{path.name}: list parameter '{name}' declares no item type"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_never_pass(value):
    schema = parse_schema("share: {type: float, default: 0.5, min: 0, max: 1}\nfree: {type: float, default: 1}\n"
                          "count: {type: int, default: 1, min: 0}\n", "x", "x.params.yml")
    for key in ("share", "free"):
        with pytest.raises(ParameterError, match=rf"'{key}' must be a finite number, not -?(nan|inf)"):
            schema.check({key: value})
    with pytest.raises(ParameterError, match=r"'count' must be a whole number"):
        schema.check({"count": value})
    assert load_yaml(".nan", "t") != load_yaml(".nan", "t")  # loaded as a float NaN, refused by check
    with pytest.raises(ParameterError, match=r"min must be a finite number"):
        parse_schema(f"x: {{type: float, default: 1, min: {'.nan' if value != value else '-.inf'}}}", "x", "x.yml")


def test_seed_is_bounded_in_every_schema_and_by_default():
    low, high = SEED_RANGE
    assert (low, high) == (0, 2**32 - 1)
    seeds = 0
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]-*.params.yml")):
        decl = load_yaml(path.read_text(encoding="utf-8"), str(path)).get("seed")
        if decl is not None:
            seeds += 1
            assert (decl.get("min"), decl.get("max")) == (low, high), f"{path.name}: seed bounds"
    assert seeds >= 1
    schema = parse_schema("seed: {type: int, default: 1}", "x", "x.params.yml")  # bounds filled in
    assert schema.check({"seed": high}) == {"seed": high}
    with pytest.raises(ParameterError, match=r"'seed' = -1 is below its minimum 0"):
        schema.check({"seed": -1})
    with pytest.raises(ParameterError, match=r"'seed' = 4294967296 is above its maximum 4294967295"):
        schema.check({"seed": 2**32})
    with pytest.raises(ParameterError, match=r"parameter 'seed' must be an int within 0…4294967295"):
        parse_schema("seed: {type: int, default: 1, max: 99999999999}", "x", "x.params.yml")


def test_notebook_without_parameters_cell_is_an_error_naming_it(lab):
    path = lab / "notebooks" / f"{NAME}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, str(path))
    with pytest.raises(ParameterError, match=r"10-echo\.ipynb has no code cell\(s\) tagged 'parameters'"):
        resolve_parameters([path], {"text": "x"})
    with pytest.raises(ParameterError, match=r"10-echo\.ipynb has no code cell"):
        resolve_parameters([path], {})  # its schema declares parameters: the cell must exist
    from digimotor.run import prepare_notebook

    with pytest.raises(ParameterError, match=r"10-echo\.ipynb has no code cell"):
        prepare_notebook(path, {"text": "x"})
    # a parameters cell that does not set a declared key: the value would not apply
    nb.cells[1].metadata["tags"] = ["parameters"]
    nb.cells[1].source = 'text = "plain"'
    nbformat.write(nb, str(path))
    with pytest.raises(ParameterError, match=r"the parameters cell does not set 'share'"):
        resolve_parameters([path], {"share": 0.2})


def test_cli_refuses_bad_parameters_in_one_line_with_exit_2(lab, capsys):
    for args in (["-p", "share=.nan"], ["-p", "items=[!!binary aGk=]"], ["-p", "novalue"],
                 ["-p", "items=[&a x, *a]"], ["-p", "share=2"]):
        assert main(["reproduce", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("digimotor reproduce: error: "), err
        assert "Traceback" not in err
    assert not (lab / "build" / "site").exists()


# ---------------------------------------------------------------------------------------
# The injected cell
# ---------------------------------------------------------------------------------------


def test_injected_cell_is_one_json_literal_whatever_the_values(marker):
    values = {"text": "", "items": breaking_strings(marker), "share": 0.25, "flag": True, "none": None}
    for payload in breaking_strings(marker):
        values["text"] = payload
        source = injected_source(values)
        tree = ast.parse(source)
        # import json; _p = json.loads('<one constant>'); name = _p['name'] ...; del _json, _p
        kinds = [type(node).__name__ for node in tree.body]
        assert kinds == ["Import", "Assign", *["Assign"] * len(values), "Delete"], source
        call = tree.body[1].value
        assert isinstance(call, ast.Call) and ast.unparse(call.func) == "_json.loads"
        assert len(call.args) == 1 and isinstance(call.args[0], ast.Constant)
        for node, name in zip(tree.body[2:-1], values, strict=True):
            assert ast.unparse(node) == f"{name} = _p[{name!r}]"
        namespace: dict = {}
        exec(compile(source, "<injected>", "exec"), namespace)  # noqa: S102 - the point of the test
        assert {k: namespace[k] for k in values} == values
        assert "_p" not in namespace and "_json" not in namespace
    assert not marker.exists()
    with pytest.raises(ParameterError, match="not Python names"):
        injected_source({"x; import os": 1})
    with pytest.raises(ParameterError, match="cannot be passed to the notebook as JSON"):
        injected_source({"x": math.nan})


# ---------------------------------------------------------------------------------------
# End to end: -p and --params, both engines
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["fork", "kernel"])
def test_tagged_values_are_refused_through_p_and_params_file(lab, marker, engine, capsys, tmp_path):
    for tag, value in tagged_values(marker).items():
        assert main(["reproduce", "--engine", engine, "-p", f"items={value}"]) == 2, tag
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "items" in err, (tag, err)
        file = tmp_path / f"{tag}.yaml"
        file.write_text(f"{NAME}:\n  items: {value}\n", encoding="utf-8")
        assert main(["reproduce", "--engine", engine, "--params", str(file)]) == 2, tag
        err = capsys.readouterr().err
        where = f"{NAME}: parameter 'items' item 1" if tag.endswith("-item") else f"{tag}.yaml: {NAME}.items[0]"
        assert err.count("\n") == 1 and where in err, (tag, err)
        assert not marker.exists(), f"{tag}: the payload ran"
    assert not (lab / "build" / "site").exists()  # refused before anything ran


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["fork", "kernel"])
def test_string_breaking_values_arrive_as_literal_strings(lab, marker, engine, tmp_path):
    strings = breaking_strings(marker)
    received = lab / "build" / "work" / NAME / "received.json"
    file = tmp_path / "p.yaml"
    # fork: text through -p, the list through --params; kernel: the other way round
    if engine == "fork":
        file.write_text(f"{NAME}:\n  items: {json.dumps(strings)}\n", encoding="utf-8")
        args = ["-p", f"text={json.dumps(strings[0])}", "--params", str(file)]
        given = {"text": strings[0], "items": strings}
        expected = {**given, "share": 0.5}
    else:
        file.write_text(f"all:\n  text: {json.dumps(strings[2])}\n", encoding="utf-8")
        args = ["-p", f"items={json.dumps(strings)}", "--params", str(file), "-p", "share=1"]
        given = expected = {"text": strings[2], "items": strings, "share": 1.0}
    assert main(["reproduce", "--engine", engine, *args]) == 0
    assert json.loads(received.read_text(encoding="utf-8")) == expected
    assert not marker.exists() and not list(lab.rglob("PWNED*"))
    executed = nbformat.read(str(lab / "build" / "notebooks" / f"{NAME}.ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and injected[0].id == "injected-parameters"
    assert executed.metadata.papermill.parameters == given
    # the schema's own defaults keep working
    assert load_schema(lab / "notebooks" / f"{NAME}.ipynb").defaults() == {"text": "plain", "items": ["a"],
                                                                          "share": 0.5}
