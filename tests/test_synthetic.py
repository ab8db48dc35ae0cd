"""Synthetic snapshots are exactly what their seeded generators write, and use pseudonyms only."""

import pytest

from digimotor import synthetic
from digimotor.regions import is_pseudonym

MODULES = synthetic.generator_modules()


@pytest.mark.parametrize("module", MODULES, ids=[m.GENERATOR for m in MODULES])
def test_shipped_snapshot_equals_regenerated(module, repo_root):
    for dataset, (body, fields) in synthetic.render(module).items():
        path = repo_root / "data" / "raw" / "synthetic" / f"{dataset}.csv"
        assert path.exists(), f"{path} missing: run `digimotor synthetic --only {module.GENERATOR}`"
        assert path.read_bytes() == body, f"{path} differs from its generator's output"
        assert fields["kind"] == "synthetic"


@pytest.mark.parametrize("module", MODULES, ids=[m.GENERATOR for m in MODULES])
def test_generators_are_deterministic_and_pseudonymous(module, repo_root):
    first = module.generate(synthetic.DEFAULT_SEED)
    second = module.generate(synthetic.DEFAULT_SEED)
    for dataset, frame in first.items():
        assert frame.equals(second[dataset]), dataset
        if "municipality_code" in frame.columns:
            assert frame["municipality_code"].map(is_pseudonym).all(), f"{dataset}: real names in synthetic data"


def test_pseudonyms():
    assert is_pseudonym("Kommun 01") and is_pseudonym("IT-org 12")
    assert not is_pseudonym("Bengtsfors") and not is_pseudonym("1460")
