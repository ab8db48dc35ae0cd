"""Change between measurements, measurement selection, region scope and small-group suppression."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from digimotor import outputs
from digimotor.errors import DigimotorError, ParameterError
from digimotor.metrics import change, measurement, suppression


def _frame(values, codes=None):
    codes = codes or [f"{1490 + i}" for i in range(len(values))]
    return pd.DataFrame({"municipality_code": codes, "score": values})


def test_a_uniform_rise_of_one_gives_one_with_a_zero_width_interval_and_an_exact_test():
    before = _frame([2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0])
    after = before.assign(score=before["score"] + 1)
    result = change.paired_change(before, after, key="municipality_code", value="score", n_boot=500, seed=1)
    assert result.n_pairs == 7 and result.pairs["change"].tolist() == [1.0] * 7
    assert (result.mean_change, result.ci_low, result.ci_high) == (1.0, 1.0, 1.0)
    # all |differences| tie and every sign is positive: the exact two-sided p is 2 / 2**7
    assert result.wilcoxon_p == pytest.approx(2 / 2**7) and result.wilcoxon_p < 0.05
    assert result.only_before == [] and result.only_after == []


def test_units_in_one_measurement_only_are_listed_not_dropped():
    before = _frame([3.0, 3.0, 3.0], ["1491", "1492", "1493"])
    after = _frame([4.0, 5.0, 2.0], ["1492", "1493", "1494"])
    result = change.paired_change(before, after, key="municipality_code", value="score", n_boot=200)
    assert result.pairs["municipality_code"].tolist() == ["1492", "1493"]
    assert result.only_before == ["1491"] and result.only_after == ["1494"]
    assert result.mean_change == pytest.approx(1.5)  # +1 and +2
    assert math.isnan(result.wilcoxon_p)  # fewer than 6 pairs: no test


def test_the_interval_is_a_percentile_bootstrap_of_the_mean_change():
    rng = np.random.default_rng(3)
    before = _frame(list(rng.uniform(2, 4, 12)))
    after = before.assign(score=before["score"] + rng.normal(0.5, 0.3, 12))
    result = change.paired_change(before, after, key="municipality_code", value="score", n_boot=2000, seed=7)
    diffs = result.pairs["change"]
    assert result.ci_low < diffs.mean() < result.ci_high
    assert diffs.min() < result.ci_low and result.ci_high < diffs.max()
    from scipy import stats

    assert result.wilcoxon_p == pytest.approx(stats.wilcoxon(diffs).pvalue)


def test_no_change_has_no_test_and_a_duplicated_unit_is_an_error():
    same = _frame([3.0] * 6)
    result = change.paired_change(same, same, key="municipality_code", value="score")
    assert result.mean_change == 0 and math.isnan(result.wilcoxon_p)
    twice = _frame([3.0, 4.0], ["1491", "1491"])
    with pytest.raises(DigimotorError, match="holds a unit twice"):
        change.paired_change(twice, same, key="municipality_code", value="score")


def test_transitions_count_from_and_to_with_every_category():
    before = pd.Series({"a": "A", "b": "B", "c": "B", "d": "D", "e": "C"})
    after = pd.Series({"a": "D", "b": "B", "c": "D", "d": "D", "f": "A"})
    table = change.transitions(before, after, ["A", "B", "C", "D"])
    expected = pd.DataFrame([[0, 0, 0, 1], [0, 1, 0, 1], [0, 0, 0, 0], [0, 0, 0, 1]],
                            index=list("ABCD"), columns=list("ABCD"))
    assert (table.to_numpy() == expected.to_numpy()).all()
    assert list(table.index) == list("ABCD") and table.index.name == "from" and table.columns.name == "to"


def test_select_measurement_never_pools_years():
    frame = pd.DataFrame({"municipality_code": ["1491", "1492", "1491", "1493"], "year": [2021, 2021, 2024, 2023]})
    with pytest.raises(ParameterError, match=r"years 2021 \(2 units\), 2023 \(1 units\), 2024 \(1 units\).*'year'"):
        measurement.select_measurement(frame, file="data/raw/user/dimios/x.csv")
    with pytest.raises(ParameterError, match="x.csv: parameter 'year' = 2022: the data hold the years 2021"):
        measurement.select_measurement(frame, 2022, file="x.csv")
    only = measurement.select_measurement(frame, 2024)
    assert only.frame["municipality_code"].tolist() == ["1491"] and only.label() == "2024"
    window = measurement.select_measurement(frame, 2024, earlier_years=1)
    assert sorted(window.frame["municipality_code"]) == ["1491", "1493"]
    assert window.carried == {"1493": 2023} and window.label() == "2024 (+2023)"
    single = measurement.select_measurement(frame[frame["year"] == 2021])
    assert single.year == 2021 and len(single.frame) == 2


def test_comparison_windows_must_not_overlap():
    measurement.check_comparison(2024, 2021, 1)
    with pytest.raises(ParameterError, match="compare_year"):
        measurement.check_comparison(2024, 2023, 1)
    with pytest.raises(ParameterError, match="needs 'year'"):
        measurement.check_comparison(0, 2021)


def test_region_scope_filters_real_codes_and_leaves_pseudonyms_alone():
    frame = pd.DataFrame({"municipality_code": ["1496", "1494", "1485"], "v": [1, 2, 3]})
    scope = measurement.region_scope(frame, "Skaraborg")
    assert scope.applies and scope.frame["municipality_code"].tolist() == ["1496", "1494"]
    assert scope.outside == ["1485"]
    missing = scope.missing(["1496", "1494"])
    assert "Skövde" not in missing and "Hjo" in missing and len(missing) == 13
    synthetic = pd.DataFrame({"municipality_code": ["Kommun 01", "Kommun 02"]})
    scope = measurement.region_scope(synthetic, "Skaraborg")
    assert not scope.applies and len(scope.frame) == 2 and scope.missing(["Kommun 01"]) == []
    assert measurement.region_label("Skaraborg") == "Skaraborg"
    assert measurement.region_label(["Hjo", "Skara"], lang="en") == "Selection"
    with pytest.raises(ParameterError, match="covers Fyrbodal only"):
        measurement.require_region("Skaraborg", "Fyrbodal", "the published Figure 9")


def test_suppression_empties_results_below_the_threshold_and_keeps_the_count():
    frame = pd.DataFrame({"municipality": ["Hjo", "Skara"], "n_respondents": [2, 3], "mean": [4.5, 3.0],
                          "dimios_type": ["D", "A"], "flag": [True, False]})
    out = suppression.suppress(frame, n_column="n_respondents", columns=["mean", "dimios_type", "flag"],
                               min_respondents=3)
    assert out["suppressed"].tolist() == [True, False]
    assert out.loc[0, ["mean", "dimios_type", "flag"]].isna().all()
    assert out.loc[1, "mean"] == 3.0 and out["n_respondents"].tolist() == [2, 3]
    lowered = suppression.suppress(frame, n_column="n_respondents", columns=["mean"], min_respondents=2)
    assert not lowered["suppressed"].any()
    assert suppression.threshold_note(3) == "" and "2" in suppression.threshold_note(2, "en")
    with pytest.raises(ParameterError, match="min_respondents"):
        suppression.check_min_respondents(0)


def test_present_shows_two_dots_for_suppressed_values_only():
    frame = pd.DataFrame({"municipality": ["Hjo", "Skara", "Tibro"], "mean": [np.nan, 3.25, np.nan],
                          "dimios_type": [None, "A", None], "suppressed": [True, False, False]})
    html = outputs.present(frame, {"municipality": "Kommun", "mean": "Snitt", "dimios_type": "Typ"},
                           decimals={"mean": 2}, show_kind=False).to_html()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells[:6] == ["Hjo", "..", "..", "Skara", "3,25", "A"]
    assert cells[7] == "–"  # an empty value in a row that is not suppressed stays a dash
