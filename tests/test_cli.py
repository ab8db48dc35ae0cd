"""The command line as a user meets it: help, one-line errors, non-zero exits."""

import subprocess
import sys

from digimotor.cli import main


def test_help_lists_commands(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    for command in ("reproduce", "import", "template", "regions", "claims", "synthetic"):
        assert command in out


def test_console_script_help_runs():
    done = subprocess.run([sys.executable, "-m", "digimotor.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "digimotor" in done.stdout


def test_regions_command(capsys, repo_root):
    assert main(["regions", "Fyrbodal"]) == 0
    out = capsys.readouterr().out
    assert "Fyrbodal: 14 municipalities" in out and "1492  Åmål" in out


def test_unknown_region_is_a_one_line_error(capsys, repo_root):
    assert main(["regions", "Fyrbodl"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "not a known region" in err and "did you mean Fyrbodal" in err


def test_import_error_exit_code_and_message(capsys, project, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Kommun;År;Folkmängd\nÅmål;2019;x\n", encoding="utf-8")
    assert main(["import", "population_forecast", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv, row 2, column 'Folkmängd'" in err
    assert not (project / "data/raw/user").exists()


def test_import_then_template(capsys, project, tmp_path):
    good = tmp_path / "Min fil 2024.csv"
    good.write_text("Kommun;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    assert main(["import", "population_forecast", str(good)]) == 0
    assert "source=min-fil-2024" in capsys.readouterr().out
    assert main(["template", "population_forecast", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "population_forecast_template.xlsx").exists()


def test_claims_command(capsys, repo_root):
    assert main(["claims", "--part", "demography"]) == 0
    out = capsys.readouterr().out
    assert "42 reproduced" in out and "2 recovered" in out and "29 transcribed" in out
