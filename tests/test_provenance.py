import pytest

from digimotor.datasets import load
from digimotor.errors import DataIntegrityError, DigimotorError
from digimotor.provenance import sha256_file, sidecar_path, verify


def test_published_file_matches_its_sidecar(project):
    path = project / "data/raw/published/population_forecast.csv"
    prov = verify(path)
    assert prov.kind == "published"
    assert prov.sha256 == sha256_file(path)
    assert "Figur 7" in prov.get("citation")
    assert prov.get("seed_lines")


def test_every_raw_file_has_a_valid_sidecar(repo_root):
    raw = repo_root / "data" / "raw"
    data_files = [p for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".meta.yml")
                  and not p.name.startswith(".") and p.name != "README.md"]
    assert data_files
    for path in data_files:
        verify(path)


def test_changed_file_is_refused_with_a_fix(project):
    path = project / "data/raw/published/population_forecast.csv"
    path.write_text(path.read_text().replace("9800", "9900"))
    with pytest.raises(DataIntegrityError) as info:
        load("population_forecast", "published")
    assert "population_forecast.csv has changed" in str(info.value)
    assert "git checkout --" in str(info.value)


def test_missing_sidecar_is_refused(project):
    sidecar_path(project / "data/raw/published/population_forecast.csv").unlink()
    with pytest.raises(DataIntegrityError, match="no provenance sidecar"):
        load("population_forecast", "published")


def test_unknown_snapshot_lists_available(project):
    with pytest.raises(DigimotorError, match="available: published"):
        load("population_forecast", "vg-2024")


def test_unknown_dataset_suggests(project):
    with pytest.raises(DigimotorError, match="did you mean population_forecast"):
        load("population_forecst")
