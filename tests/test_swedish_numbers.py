"""Numbers as Swedes write them, and SCB's markers for missing and zero values."""

import pytest
import yaml

from digimotor.datasets import Column, DatasetSpec, conform, header_matcher, load, parse_number
from digimotor.errors import InputFileError
from digimotor.importer import import_file
from digimotor.sources.files import read_rows


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("32 595", 32595.0),  # space
        ("32\u00a0595", 32595.0),  # no-break space
        ("32\u2009595", 32595.0),  # thin space
        ("32\u202f595", 32595.0),  # narrow no-break space
        ("1 234 567,25", 1234567.25),
        ("\u22123,4", -3.4),  # minus sign U+2212
        ("\u20133,4", -3.4),  # en dash as minus
        ("\u2212 1 200", -1200.0),
        ("45,3 %", 45.3),
        ("45,3%", 45.3),
        ("0,5", 0.5),
        ("..", None),  # SCB: uppgift saknas
        ("", None),
    ],
)
def test_every_swedish_number_form(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("dash", ["-", "\u2013", "\u2014"])
def test_a_lone_dash_is_missing_or_zero_as_the_legend_says(dash):
    assert parse_number(dash) is None
    assert parse_number(dash, dash="missing") is None
    assert parse_number(dash, dash="zero") == 0.0


@pytest.mark.parametrize("text", ["tolv", "3,4 kr/st", "--", "1 2 3,4,5"])
def test_text_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


SPEC = DatasetSpec(
    name="numbers_test",
    title="numbers",
    description="a name and two numbers",
    columns=(
        Column("municipality_code", "municipality", "municipality", aliases=("kommun",)),
        Column("cost", "float", "cost", aliases=("kostnad",)),
        Column("share", "float", "share", required=False, aliases=("andel",)),
    ),
)


def _conform(tmp_path, text, **options):
    path = tmp_path / "tal.csv"
    path.write_text(text, encoding="utf-8")
    return conform(read_rows(path, is_header=header_matcher(SPEC)), SPEC, str(path), **options)


def test_markers_are_kept_as_missing_or_zero_with_a_note(tmp_path):
    text = "Kommun;Kostnad;Andel\nÅmål;1 200,5;45,3 %\nOrust;\u2212300;..\nTanum;12\u00a0000;\u2013\nLysekil;\u2013;..\n"
    frame = _conform(tmp_path, text, dash="zero")
    assert list(frame["cost"]) == [1200.5, -300.0, 12000.0, 0.0]
    assert frame["share"].iloc[0] == 45.3
    assert frame["share"].isna().tolist() == [False, True, False, True]
    assert frame["share"].iloc[2] == 0.0
    notes = frame.attrs["cell_notes"]
    assert "column 'Kostnad': 1 cell(s) '\u2013' read as zero (rows 5)" in notes
    assert "column 'Andel': 2 cell(s) '..' read as missing (SCB: uppgift saknas) (rows 3, 5)" in notes
    assert "column 'Andel': 1 cell(s) '\u2013' read as zero (rows 4)" in notes


def test_a_marker_in_a_required_column_is_an_error_that_says_what_it_means(tmp_path):
    text = "Kommun;Kostnad\nÅmål;..\nOrust;-\n"
    with pytest.raises(InputFileError) as info:
        _conform(tmp_path, text)
    message = str(info.value)
    assert "row 2" in message and "'..' marks a missing value (SCB: uppgift saknas)" in message
    assert "--dash zero" in message


def test_import_notes_the_markers_in_the_sidecar(project, tmp_path):
    path = tmp_path / "kolada.csv"
    path.write_text("Kommun;År;Nyckeltal;Värde\nÅmål;2020;N03011;60 123,5\nOrust;2020;N03011;\u2013\n",
                    encoding="utf-8")
    target = import_file("municipal_costs", path, name="streck", dash="zero")
    assert list(load("municipal_costs", "streck")["value"]) == [60123.5, 0.0]
    sidecar = yaml.safe_load(target.with_name(target.name + ".meta.yml").read_text(encoding="utf-8"))
    assert sidecar["cell_notes"] == ["column 'Värde': 1 cell(s) '\u2013' read as zero (rows 3)"]
