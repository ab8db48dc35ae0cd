"""The command line as a user meets it: help, one-line errors, non-zero exits."""

import errno
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import REPO

from digimotor.cli import main
from digimotor.errors import DigimotorError


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


# --- every failure is one line ----------------------------------------------------------------


def _one_line_error(capsys, command):
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"digimotor {command}: error: ")
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["import"], "the following arguments are required: dataset, file"),
        (["import", "population_forecast", "x.csv", "--kind", "published"], "invalid choice: 'published'"),
        (["reproduce", "--jobs", "many"], "invalid int value"),
        (["claims", "--nothing"], "unrecognized arguments: --nothing"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(capsys, repo_root, argv, text):
    assert main(argv) == 2
    err = _one_line_error(capsys, argv[0])
    assert text in err and f"digimotor {argv[0]} --help" in err


def test_unknown_command_is_one_line(capsys):
    assert main(["nothing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice: 'nothing'" in err


def test_unknown_claims_part_lists_the_parts(capsys, repo_root):
    assert main(["claims", "--part", "demography", "--part", "nope"]) == 2
    err = _one_line_error(capsys, "claims")
    assert "no study part 'nope'" in err
    assert "parts: broadband, capabilities, context, demography, dimios, survey, tbm" in err


def test_claims_csv_into_a_folder_or_a_missing_folder(capsys, repo_root, tmp_path):
    assert main(["claims", "--csv", str(tmp_path)]) == 2
    assert f"--csv {tmp_path}: is a folder" in _one_line_error(capsys, "claims")
    missing = tmp_path / "no" / "such" / "card.csv"
    assert main(["claims", "--csv", str(missing)]) == 2
    assert f"the folder {missing.parent} does not exist" in _one_line_error(capsys, "claims")
    assert not (tmp_path / "no").exists()


def test_claims_csv_on_an_unwritable_path(capsys, repo_root, tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", refuse)
    target = tmp_path / "card.csv"
    assert main(["claims", "--part", "demography", "--csv", str(target)]) == 2
    err = _one_line_error(capsys, "claims")
    assert f"cannot write {target}: Permission denied" in err
    assert list(tmp_path.iterdir()) == []


def test_claims_csv_is_written(capsys, repo_root, tmp_path):
    target = tmp_path / "card.csv"
    assert main(["claims", "--part", "demography", "--csv", str(target)]) == 0
    card = pd.read_csv(target)
    assert len(card) == 74 and (card["outcome"] == "reproduced").sum() == 42
    assert set(card["part"]) == {"demography"}


def _failing_regions(monkeypatch, exc):
    from digimotor.commands import regions

    def run(args):
        raise exc

    monkeypatch.setattr(regions, "run", run)


@pytest.mark.parametrize(
    ("exc", "status", "text"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "/data/raw/x.csv"), 1, "/data/raw/x.csv: Permission denied"),
        (OSError(errno.EROFS, "Read-only file system", "/data/raw"), 1, "/data/raw: Read-only file system"),
        (OSError(errno.ENOSPC, "No space left on device", "/a", None, "/b"), 1, "/a -> /b: No space left on device"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "in.csv"), 2, "in.csv: No such file or directory"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "out"), 2, "out: Is a directory"),
        (OSError("Cannot save file into a non-existent\ndirectory: 'x'"), 1, "Cannot save file into a non-existent directory: 'x'"),
        # a line break inside a message is shown escaped (errors.printable): it cannot split it
        (DigimotorError("two\nlines", hint="a\nhint"), 2, "two\\nlines — a\\nhint"),
    ],
)
def test_errors_reaching_main_are_one_line(capsys, monkeypatch, exc, status, text):
    _failing_regions(monkeypatch, exc)
    assert main(["regions"]) == status
    assert text in _one_line_error(capsys, "regions")


def test_an_unexpected_error_is_one_line_and_debug_shows_it(capsys, monkeypatch):
    _failing_regions(monkeypatch, RuntimeError("boom"))
    assert main(["regions"]) == 1
    err = _one_line_error(capsys, "regions")
    assert "unexpected RuntimeError: boom" in err and "--debug" in err
    with pytest.raises(RuntimeError, match="boom"):
        main(["--debug", "regions"])
    with pytest.raises(RuntimeError, match="boom"):
        main(["regions", "--debug"])
    monkeypatch.setenv("DIGIMOTOR_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["regions"])


def test_interrupt_exits_130_quietly(capsys, monkeypatch):
    _failing_regions(monkeypatch, KeyboardInterrupt())
    assert main(["regions"]) == 130
    assert capsys.readouterr().err == "digimotor regions: interrupted\n"


def test_closed_pipe_exits_quietly(capsys, monkeypatch):
    _failing_regions(monkeypatch, BrokenPipeError(errno.EPIPE, "Broken pipe"))
    assert main(["regions"]) == 141
    assert capsys.readouterr().err == ""


def test_console_errors_have_no_traceback(tmp_path):
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    for argv, text in (
        (["import", "population_forecast", str(tmp_path / "missing.csv")], "the file does not exist"),
        (["import", "population_forecast", str(folder)], "this is a folder, not a file"),
        (["claims", "--csv", str(tmp_path)], "is a folder"),
    ):
        done = subprocess.run([sys.executable, "-m", "digimotor.cli", *argv], capture_output=True, text=True,
                              cwd=tmp_path, env={**os.environ, "DIGIMOTOR_ROOT": str(REPO)})
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and text in done.stderr and "Traceback" not in done.stderr
