"""A repeated DiMiOS measurement for another region, through the real pipeline (notebook 03).

The input is written by the test into a temporary folder (real municipality names of
Skaraborg, invented scores): never shipped under ``data/``. Two measurements, 2021 and 2024;
every municipality measured twice scores exactly +1 higher in 2024.
"""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from digimotor.importer import import_file
from digimotor.model.dimios import AREAS
from digimotor.run import reproduce

pytestmark = pytest.mark.slow
NAME = "03-dimios-maturity"
REPO_DATA = Path(__file__).resolve().parents[1] / "data"

#: municipality -> (capability base, legacy base, respondents 2021, respondents 2024); 0 = not measured
TOWNS = {
    "Skövde": (3.0, 3.0, 3, 3),     # A -> D
    "Lidköping": (2.0, 4.0, 3, 3),  # B -> B
    "Mariestad": (3.0, 4.0, 3, 3),  # B -> D
    "Falköping": (4.0, 3.0, 3, 3),  # C -> D
    "Skara": (2.0, 2.0, 3, 3),      # A -> A
    "Tidaholm": (4.0, 4.0, 3, 3),   # D -> D
    "Götene": (3.0, 2.0, 3, 2),     # A -> C, two respondents in 2024: suppressed then
    "Töreboda": (2.5, 2.5, 3, 0),   # 2021 only
    "Hjo": (3.5, 3.5, 0, 3),        # 2024 only (scores 4.5)
    "Uddevalla": (4.0, 4.0, 3, 3),  # Fyrbodal: outside the region, left out
}
OFFSETS = {3: (-0.5, 0.0, 0.5), 2: (-0.5, 0.5)}


def _survey(path: Path) -> Path:
    lines = ["Kommun;År;Svarande;Område;Poäng"]
    for town, (capability, legacy, n_2021, n_2024) in TOWNS.items():
        for year, n, rise in ((2021, n_2021, 0.0), (2024, n_2024, 1.0)):
            for k, offset in enumerate(OFFSETS.get(n, ())):
                for name, _en, dimension in AREAS.values():
                    base = capability if dimension == "capability" else legacy
                    lines.append(f"{town};{year};r{k};{name};{base + rise + offset:.1f}".replace(".", ","))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _csv(project, name):
    return pd.read_csv(project / "data/processed" / f"{name}.csv", dtype={"municipality_code": str, "measurement": str})


def test_two_measurements_of_skaraborg(project, tmp_path):
    before_digest = _tree_digest(REPO_DATA)
    import_file("dimios", _survey(tmp_path / "skaraborg.csv"), name="skaraborg")
    result = reproduce(only=[NAME], parameters={"source": "skaraborg", "region": "Skaraborg", "year": 2024,
                                                "compare_year": 2021}, echo=lambda _msg: None)
    assert result.ok, result.results[0].error

    # one measurement per summary, hand-computed: 2021 and 2024 are never pooled
    means = _csv(project, "dimios_measurement_means").set_index(["measurement", "measure"])["mean"]
    assert means[("2021", "capability")] == pytest.approx((3 + 2 + 3 + 4 + 2 + 4 + 3 + 2.5) / 8)  # 2.9375
    assert means[("2021", "legacy")] == pytest.approx((3 + 4 + 4 + 3 + 2 + 4 + 2 + 2.5) / 8)  # 3.0625
    assert means[("2024", "capability")] == pytest.approx((4 + 3 + 4 + 5 + 3 + 5 + 4 + 4.5) / 8)  # 4.0625
    assert means[("2024", "efficiency")] == pytest.approx(4.0625)
    areas = _csv(project, "fig09_dimios_areas").set_index("area")
    assert areas.loc["efficiency", ["lowest", "highest", "mean"]].tolist() == pytest.approx([3.0, 5.0, 4.0625])

    # the region: Uddevalla (Fyrbodal) is left out, Hjo and Götene are in; names, not codes
    towns = _csv(project, "dimios_municipality_scores")
    assert sorted(towns["municipality"]) == sorted(t for t, v in TOWNS.items() if v[3] and t != "Uddevalla")
    assert towns["year"].eq(2024).all()

    # +1 for every paired municipality: +1, interval [1, 1], Wilcoxon p = 2 / 2**7 < 0.05
    summary = _csv(project, "dimios_change_summary").set_index("measure")
    for measure in ("capability", "legacy", "efficiency", "organisation"):
        row = summary.loc[measure]
        assert row["n_pairs"] == 7
        assert (row["mean_change"], row["ci_low"], row["ci_high"]) == pytest.approx((1.0, 1.0, 1.0))
        assert row["wilcoxon_p"] == pytest.approx(2 / 2**7) and row["wilcoxon_p"] < 0.05

    unpaired = _csv(project, "dimios_change_unpaired")
    assert unpaired[["municipality", "present_in"]].values.tolist() == [["Töreboda", "before"], ["Hjo", "after"]]

    transitions = _csv(project, "dimios_type_transitions").set_index("from")[list("ABCD")]
    expected = [[1, 0, 1, 1],  # A: Skara stays, Götene -> C, Skövde -> D
                [0, 1, 0, 1],  # B: Lidköping stays, Mariestad -> D
                [0, 0, 0, 1],  # C: Falköping -> D
                [0, 0, 0, 1]]  # D: Tidaholm stays
    assert transitions.values.tolist() == expected

    # small groups: Götene had two respondents in 2024
    gotene = towns.set_index("municipality").loc["Götene"]
    assert bool(gotene["suppressed"]) and gotene[["capability", "legacy", "dimios_type"]].isna().all()
    assert gotene["n_respondents"] == 2
    changed = _csv(project, "dimios_change_municipalities").set_index("municipality")
    assert bool(changed.loc["Götene", "suppressed"]) and pd.isna(changed.loc["Götene", "capability_change"])
    assert changed.loc["Skövde", "capability_change"] == pytest.approx(1.0)
    ci = _csv(project, "fig09_dimios_ci")
    gotene_ci = ci[ci["municipality"] == "Götene"]
    assert len(gotene_ci) == 8 and gotene_ci["suppressed"].all() and gotene_ci["mean"].isna().all()
    skovde = ci[(ci["municipality"] == "Skövde") & (ci["measure"] == "capability")]
    assert skovde["mean"].tolist() == [4.0] and not skovde["suppressed"].any()
    typology = _csv(project, "fig11_dimios_typology").set_index("municipality")
    assert pd.isna(typology.loc["Götene", "capability"]) and typology.loc["Hjo", "dimios_type"] == "D"

    html = (project / "build/site" / f"{NAME}.html").read_text(encoding="utf-8")
    assert "Fyrbodal" not in html and "Skaraborg" in html
    assert ">..<" in html and "färre än 3 svarande" in html
    assert "Grästorp" in html  # a Skaraborg municipality without data is named
    assert "Götene 2024 (n = 2)" in html and "1471 2024" not in html  # names, never bare codes
    for figure in ("dimios_change", "dimios_type_transitions", "fig11_dimios_typology"):
        assert (project / "figures" / f"{figure}.png").exists()
    assert _tree_digest(REPO_DATA) == before_digest  # the repository's data/ is unchanged


def test_several_years_without_a_chosen_year_name_the_years(project, tmp_path):
    import_file("dimios", _survey(tmp_path / "skaraborg.csv"), name="skaraborg")
    result = reproduce(only=[NAME], parameters={"source": "skaraborg", "region": "Skaraborg"},
                       echo=lambda _msg: None)
    assert not result.ok
    error = result.results[0].error
    assert "skaraborg" in error and "2021" in error and "2024" in error and "'year'" in error
