"""Figures with every municipality of Sweden (290) stay readable (issue 12).

Above :data:`digimotor.plots.style.MAX_LABELLED_UNITS` (40) municipalities or organisations a
figure sorts them (or keeps its own order), labels every k-th and says so in the axis label; the
figure stays at most 14 in on a side. Checked on the drawn figures: the number of tick labels,
that no two tick labels overlap, and the figure size. Below the limit every unit is labelled.
"""

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from digimotor.plots import broadband as broadband_plots  # noqa: E402
from digimotor.plots import capabilities as capability_plots  # noqa: E402
from digimotor.plots import change as change_plots  # noqa: E402
from digimotor.plots import dimios as dimios_plots  # noqa: E402
from digimotor.plots import survey as survey_plots  # noqa: E402
from digimotor.plots import tbm as tbm_plots  # noqa: E402
from digimotor.plots.style import MAX_LABELLED_UNITS  # noqa: E402
from digimotor.provenance import tag  # noqa: E402
from digimotor.regions import municipalities_frame  # noqa: E402

SWEDEN = municipalities_frame()  # digimotor/reference/municipalities.csv
NAMES = list(SWEDEN["municipality"])
CODES = list(SWEDEN["municipality_code"])
RNG = np.random.default_rng(12)


def _labels(ax, axis):
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t for t in ticks if t.get_text() and t.get_visible()]


def _readable(ax, axis, n_units):
    """The figure's tick labels of ``axis``: at most 40, none overlapping, figure at most 14 in."""
    fig = ax.figure
    fig.canvas.draw()
    labels = _labels(ax, axis)
    assert 2 <= len(labels) <= MAX_LABELLED_UNITS < n_units
    boxes = [t.get_window_extent() for t in labels]
    overlapping = [(a.get_text(), b.get_text()) for (a, ba), (b, bb) in itertools.combinations(zip(labels, boxes, strict=True), 2)
                   if ba.overlaps(bb)]
    assert not overlapping
    assert max(fig.get_size_inches()) <= 14.0
    text = ax.get_xlabel() if axis == "x" else ax.get_ylabel()
    assert f"{n_units} " in text and "(alla i tabellen)" in text
    plt.close(fig)
    return labels


def test_the_reference_holds_every_municipality_of_sweden():
    assert len(NAMES) == len(set(CODES)) == 290


def test_broadband_coverage_bars_sort_and_thin_290_municipalities(tmp_path):
    share = RNG.uniform(40, 100, len(NAMES)).round(1)
    coverage = tag(pd.DataFrame({"municipality_code": CODES, "municipality": NAMES, "share_total_pct": share,
                                 "share_outside_urban_pct": share - 20}), "user", "test")
    ax = broadband_plots.coverage_bars(coverage, 2024, source="test")
    labels = _readable(ax, "x", 290)
    best = coverage.sort_values("share_total_pct", ascending=False, kind="stable")["municipality"].iloc[0]
    assert labels[0].get_text() == best  # sorted by value, highest first
    # and look at one: the PNG is written and has the figure's size
    fig = broadband_plots.coverage_bars(coverage, 2024, source="test").figure
    fig.savefig(tmp_path / "coverage_290.png", dpi=60)
    assert (tmp_path / "coverage_290.png").stat().st_size > 10_000
    plt.close(fig)


def test_fourteen_municipalities_keep_every_label():
    coverage = tag(pd.DataFrame({"municipality_code": CODES[:14], "municipality": NAMES[:14],
                                 "share_total_pct": np.linspace(50, 96, 14),
                                 "share_outside_urban_pct": np.linspace(30, 90, 14)}), "user", "test")
    ax = broadband_plots.coverage_bars(coverage, 2019, source="test")
    ax.figure.canvas.draw()
    assert [t.get_text() for t in _labels(ax, "x")] == NAMES[:14]
    plt.close(ax.figure)


def test_capability_heatmap_thins_290_rows_and_stays_on_a_page():
    matrix = tag(pd.DataFrame(RNG.uniform(0, 1, (290, 6)), index=CODES, columns=[f"c{i}" for i in range(6)]),
                 "user", "test")
    ax = capability_plots.capability_heatmap(matrix, CODES, list(matrix.columns), {},
                                             municipality_names=dict(zip(CODES, NAMES, strict=True)))
    _readable(ax, "y", 290)


@pytest.mark.slow  # 1 000 bars drawn three times: ~15 s
def test_tbm_organisation_figures_thin_290_organisations():
    pools = tbm_plots_pools()
    pool_shares = pd.DataFrame([{"organisation": name, "cost_pool": pool, "share_pct": 100 / len(pools)}
                                for name in NAMES for pool in pools["cost_pool"]])
    pool_shares["cost_pool"] = pd.Categorical(pool_shares["cost_pool"], categories=list(pools["cost_pool"]))
    _readable(tbm_plots.cost_pool_stacked(tag(pool_shares, "user", "test"), pools), "x", 290)
    shares = tag(pd.DataFrame({"organisation": NAMES, "n_municipalities": 1, "share_pct": RNG.uniform(0.5, 3, 290)}),
                 "user", "test")
    ax = tbm_plots.central_it_share_bars(shares)
    assert not ax.texts or all("%" not in t.get_text() for t in ax.texts)  # no 290 value labels
    _readable(ax, "x", 290)
    from digimotor.sources.tbm import load_work_areas

    areas = load_work_areas()
    work = tag(pd.DataFrame([{"organisation": o, "work_area": a, "focus": "run", "share_pct": 25.0}
                             for o in [*NAMES, "all"] for a in areas["work_area"]]), "user", "test")
    _readable(tbm_plots.work_area_bars(work, areas), "x", 291)


def tbm_plots_pools():
    from digimotor.sources.tbm import load_cost_pools

    return load_cost_pools("v4")


@pytest.mark.slow  # 1 160 bar segments: ~13 s
def test_survey_municipality_bars_thin_290_municipalities():
    rows = []
    for name in NAMES:
        for option, share in (("1", 20.0), ("2", 30.0), ("3", 30.0), ("4", 20.0)):
            rows.append({"question_id": "q", "municipality": name, "option": option, "share_pct": share,
                         "scale_points": 4, "respondents": 5, "suppressed": False})
    ax = survey_plots.municipality_bars(tag(pd.DataFrame(rows), "user", "test"), "q", lang="sv")
    _readable(ax, "y", 290)


def test_change_figure_and_typology_plane_with_290_municipalities():
    before = RNG.uniform(1, 3, 290)
    pairs = tag(pd.DataFrame({"municipality": NAMES, "before": before, "after": before + 1}), "user", "test")
    _readable(change_plots.unit_change(pairs, what="x", before="2021", after="2024"), "y", 290)
    units = tag(pd.DataFrame({"municipality": NAMES, "capability": RNG.uniform(1, 6, 290),
                              "legacy": RNG.uniform(1, 6, 290), "few_respondents": False}), "user", "test")
    ax = dimios_plots.typology_plane((3.0, 3.0), units=units, kind="user")
    assert not [t for t in ax.texts if t.get_text() in set(NAMES)]  # no 290 overlapping name labels
    assert "290 kommuner: namnen i tabellen" in ax.get_xlabel()
    plt.close(ax.figure)


@pytest.mark.parametrize("n", [40, 41])
def test_the_switch_is_above_forty(n):
    pairs = tag(pd.DataFrame({"municipality": NAMES[:n], "before": np.arange(n), "after": np.arange(n) + 1.0}),
                "user", "test")
    ax = change_plots.unit_change(pairs, what="x", before="a", after="b")
    ax.figure.canvas.draw()
    assert len(_labels(ax, "y")) == (40 if n == 40 else 21)  # 41 -> every 2nd: 21 labels
    plt.close(ax.figure)
