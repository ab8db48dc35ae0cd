"""pyproject.toml and environment.yml declare the same dependencies with the same bounds."""

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = dict(_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    # the interpreter and pip are conda's own entries (by name: python-pptx is a dependency)
    conda = dict(_normalise(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("python", None), conda.pop("pip", None)
    assert conda == declared
    assert any(isinstance(d, dict) and "-e ." in d.get("pip", []) for d in env["dependencies"])
    assert project["requires-python"] == ">=3.11"
