"""Provenance travels with the frame: loaders set it, metrics keep it, tables and figures read it."""

import ast
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from digimotor import outputs, provenance
from digimotor.errors import DigimotorError
from digimotor.metrics import demography, tbm
from digimotor.plots import demography as demography_plots
from digimotor.sources.published import load_population_forecast
from digimotor.sources.tbm import load_account_mapping, load_tbm_ledger

matplotlib.use("Agg")
WATERMARK = "SYNTHETIC EXAMPLE DATA"
PACKAGE = Path(__file__).resolve().parents[1] / "digimotor"


def _texts(ax) -> list[str]:
    return [t.get_text() for t in [*ax.texts, *ax.figure.texts]]


def test_a_published_loader_says_kind_source_snapshot_and_citation(repo_root):
    frame = load_population_forecast("published")
    record = frame.attrs["provenance"]
    assert record["kind"] == "published"
    assert record["source"] == "published"
    assert record["snapshot"] == "population_forecast"
    assert record["dataset"] == "population_forecast"
    assert record["path"] == "data/raw/published/population_forecast.csv"
    assert record["citation"].startswith("Digital motor Fyrbodal (2021), Figur 7")
    assert record["page"] and record["exhibit"]
    assert provenance.kind_of(frame) == "published"
    assert provenance.source_of(frame) == record["citation"]


def test_a_synthetic_loader_names_its_generator(repo_root):
    ledger = load_tbm_ledger("synthetic")
    assert provenance.kind_of(ledger) == "synthetic"
    assert ledger.attrs["provenance"]["citation"] == "digimotor synthetic generator 'tbm' (2021-02-26)"
    assert load_account_mapping().attrs["provenance"]["kind"] == provenance.REFERENCE_KIND


def test_metrics_keep_the_provenance_of_their_inputs(repo_root):
    population = load_population_forecast("published")
    record = population.attrs["provenance"]
    change = demography.population_change(population, 2019, 2030)
    assert change.attrs["provenance"] == record
    # a group-by drops attrs in pandas; the metric boundary puts them back
    ranked = demography.largest_changes(demography.rank_by_change(change), 3)
    assert ranked.attrs["provenance"] == record
    ledger = load_tbm_ledger("synthetic")
    pooled = tbm.assign_cost_pools(ledger, load_account_mapping())
    shares = tbm.cost_pool_shares(pooled)
    # the default mapping is a reference table: kept in the record list, but no data kind
    assert [r["kind"] for r in provenance.records(shares)] == ["synthetic", "reference"]
    assert provenance.kind_of(shares) == "synthetic"


def test_carry_keeps_every_input_and_reaches_into_containers():
    a = provenance.tag(pd.DataFrame({"x": [1]}), "public", "scb")
    b = provenance.tag(pd.DataFrame({"x": [2]}), "public", "pts")
    result = {"table": pd.DataFrame({"y": [3]}), "parts": (pd.DataFrame({"z": [4]}),)}
    provenance.carry(result, a, b, a)
    for frame in (result["table"], result["parts"][0]):
        assert [r["source"] for r in provenance.records(frame)] == ["scb", "pts"]  # both, once each
        assert provenance.kind_of(frame) == "public"


def test_one_kind_label_over_mixed_kinds_raises_naming_the_kinds(project):
    synthetic = provenance.tag(pd.DataFrame({"x": [1.0]}), "synthetic", "generator")
    published = provenance.tag(pd.DataFrame({"x": [2.0]}), "published", "report", citation="Figur 7")
    both = provenance.carry(pd.DataFrame({"x": [1.0, 2.0]}), synthetic, published)
    with pytest.raises(DigimotorError, match=r"mixes data kinds \(synthetic, published\)"):
        provenance.kind_of(both)
    with pytest.raises(DigimotorError, match=r"table fig99_mixed mixes data kinds \(synthetic, published\)"):
        outputs.write_table(both, "fig99_mixed")
    # an exhibit that shows mixed kinds on purpose says so, and is labelled by the strictest kind
    provenance.label_mixed(both, "reproduced beside published")
    assert provenance.kind_of(both) == "synthetic"
    assert both.attrs["mixed_kinds"]["why"] == "reproduced beside published"
    path = outputs.write_table(both, "fig99_mixed")
    assert pd.read_csv(path)["data_kind"].tolist() == ["synthetic", "synthetic"]
    # a third kind the label did not cover raises again
    user = provenance.tag(pd.DataFrame({"x": [3.0]}), "user", "import")
    with pytest.raises(DigimotorError, match="mixes data kinds"):
        provenance.kind_of(provenance.carry(pd.DataFrame({"x": [0.0]}), both, user))


def test_tables_read_the_kind_from_the_frame_and_refuse_a_frame_without(project):
    frame = provenance.tag(pd.DataFrame({"n": [1]}), "user", "import")
    assert pd.read_csv(outputs.write_table(frame, "fig99_user"))["data_kind"].tolist() == ["user"]
    assert "användarens data" in outputs.present(frame, {"n": "n"}).to_html()
    bare = pd.DataFrame({"n": [1]})
    with pytest.raises(DigimotorError, match="table fig99_bare carries no provenance"):
        outputs.write_table(bare, "fig99_bare")
    with pytest.raises(DigimotorError, match="carries no provenance"):
        outputs.present(bare, {"n": "n"})
    with pytest.raises(DigimotorError, match="carries its own data kind"):
        outputs.write_table(frame, "fig99_user", kind="published")


def _change(kind: str | None) -> pd.DataFrame:
    frame = pd.DataFrame({"municipality_code": ["1460", "1461"], "municipality": ["Bengtsfors", "Mellerud"],
                          "population_base": [9800, 9300], "population_target": [9500, 9200], "change": [-300, -100],
                          "change_pct": [-3.1, -1.1]})
    return provenance.tag(frame, kind, "test") if kind else frame


def test_a_figure_given_a_frame_without_provenance_raises():
    with pytest.raises(DigimotorError, match=r"population_forecast_bars\(\) carries no provenance"):
        demography_plots.population_forecast_bars(_change(None), 2019, 2030, lang="en")


def test_the_watermark_comes_from_the_frames_provenance():
    import matplotlib.pyplot as plt

    synthetic = demography_plots.population_forecast_bars(_change("synthetic"), 2019, 2030, lang="en")
    published = demography_plots.population_forecast_bars(_change("published"), 2019, 2030, lang="en")
    assert WATERMARK in _texts(synthetic)
    assert WATERMARK not in _texts(published)
    assert any("values published in the report" in t for t in _texts(published))
    plt.close("all")


#: The one ``kind`` default left: the kind of a snapshot ``digimotor import`` writes (a file a user
#: brings in is user data unless ``--kind public`` says otherwise). It labels no exhibit.
SNAPSHOT_KIND_DEFAULTS = ["digimotor/importer.py import_file"]


def test_no_kind_default_anywhere_in_the_package():
    """A figure or table never assumes a data kind: no parameter ``kind`` has a default value."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                positional = args.posonlyargs + args.args
                pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True))
                pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
                found += [f"{path.relative_to(PACKAGE.parent).as_posix()} {node.name}" for a, d in pairs
                          if a.arg == "kind" and not (isinstance(d, ast.Constant) and d.value is None)]
    assert found == SNAPSHOT_KIND_DEFAULTS
