"""Injected faults: full disk, no permission, interrupted writes. Nothing is lost or half-written.

The tests run as root, where chmod stops nothing, so failures are simulated by patching the
write calls to raise OSError with EACCES / ENOSPC.
"""

import errno
import os

import pandas as pd
import pytest

from digimotor import atomic, outputs
from digimotor.errors import DigimotorError
from digimotor.importer import import_file
from digimotor.provenance import verify


def _fail_replace(code):
    def replace(src, dst):
        raise OSError(code, os.strerror(code))

    return replace


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch, code):
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    monkeypatch.setattr(atomic.os, "replace", _fail_replace(code))
    with pytest.raises(DigimotorError) as info:
        atomic.write_text(target, "new\n")
    assert str(target) in str(info.value)
    assert os.strerror(code) in str(info.value)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_cannot_create_temporary_file(tmp_path, monkeypatch):
    def mkstemp(*args, **kwargs):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)
    with pytest.raises(DigimotorError, match="Permission denied"):
        atomic.write_text(tmp_path / "x.csv", "x")


def test_interrupted_write_leaves_nothing(tmp_path):
    target = tmp_path / "fig.png"
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_output_table_on_a_full_disk(project, monkeypatch):
    frame = pd.DataFrame({"municipality": ["Åmål"], "value": [1.0]})
    first = outputs.write_table(frame, "fig99_example", kind="published")
    before = first.read_bytes()
    monkeypatch.setattr(atomic.os, "replace", _fail_replace(errno.ENOSPC))
    with pytest.raises(DigimotorError, match="No space left on device"):
        outputs.write_table(frame.assign(value=2.0), "fig99_example", kind="published")
    assert first.read_bytes() == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_import_on_a_failing_disk_keeps_previous_snapshot(project, tmp_path, monkeypatch, code):
    source = tmp_path / "a.csv"
    source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    target = import_file("population_forecast", source, name="snap")
    before = target.read_bytes()
    source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12700\n", encoding="utf-8")
    monkeypatch.setattr(atomic.os, "replace", _fail_replace(code))
    with pytest.raises(DigimotorError, match=os.strerror(code)):
        import_file("population_forecast", source, name="snap", replace=True)
    monkeypatch.undo()
    assert target.read_bytes() == before
    verify(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["snap.csv", "snap.csv.meta.yml"]


def test_formula_like_text_is_written_unmodified_to_the_csv(project):
    # the CSV is the machine output: no "'" prefix (the XLSX neutralises, tests/test_exports.py)
    assessors = ["=cmd|'/c calc'!A1", "+1+1", "@SUM(A1)", "-2+3", "= 1-10 timmar", "Åmål"]
    frame = pd.DataFrame({"assessor": assessors, "score": [1, 2, 3, -4, 5, 6]})
    path = outputs.write_table(frame, "fig99_injection", kind="user")
    written = pd.read_csv(path)
    assert list(written["assessor"]) == assessors
    assert list(written["score"]) == [1, 2, 3, -4, 5, 6]  # numbers untouched
    assert "'=" not in path.read_text(encoding="utf-8")
    assert list(frame.columns) == ["assessor", "score"]  # the caller's frame is not changed
    assert [outputs.formula_like(v) for v in assessors] == [True, True, True, True, True, False]
    assert not outputs.formula_like("-2.5") and not outputs.formula_like(-2)


def test_present_shows_swedish_numbers_and_yes_no():
    frame = pd.DataFrame({"name": ["Åmål"], "near": [True], "pct": [-3.25], "n": [12600]})
    html = outputs.present(frame, {"name": "Kommun", "near": "Nära", "pct": "%", "n": "Antal"},
                           decimals={"pct": 1}, kind="synthetic").to_html()
    assert ">ja<" in html and "−3,3" in html and "12\u00a0600" in html
    assert "Syntetiska exempeldata" in html
    english = outputs.present(frame, {"near": "Near"}, lang="en", show_kind=False).to_html()
    assert ">yes<" in english


def test_present_escapes_user_text_in_html():
    frame = pd.DataFrame({"assessor": ["<script>alert('x')</script>", "Anna & Co"], "score": [1.0, 2.0]})
    html = outputs.present(frame, {"assessor": "Bedömare", "score": "Poäng"}, show_kind=False).to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "Anna &amp; Co" in html


# --- a read-only or full data/raw on the command line: one line, nothing changed ------------------


def _fail_with(code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


# Where each failure strikes: creating the staging folder (read-only file system), flushing the
# staged bytes to disk (disk full, as fsync reports it), moving the pair into place (no permission).
FAULTS = [
    ("tempfile.mkdtemp", errno.EROFS),
    ("os.fsync", errno.ENOSPC),
    ("os.replace", errno.EACCES),
    ("os.replace", errno.EROFS),
]


def _inject(monkeypatch, where, code):
    import tempfile

    module, name = where.split(".")
    monkeypatch.setattr({"os": os, "tempfile": tempfile}[module], name, _fail_with(code))


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("where", "code"), FAULTS)
@pytest.mark.parametrize("existing", [False, True])
def test_import_command_on_a_failing_disk(project, tmp_path, monkeypatch, capsys, where, code, existing):
    from digimotor.cli import main

    source = tmp_path / "a.csv"
    source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    if existing:
        assert main(["import", "population_forecast", str(source), "--name", "snap"]) == 0
        source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12700\n", encoding="utf-8")
    before = _tree(project / "data/raw")
    capsys.readouterr()
    _inject(monkeypatch, where, code)
    assert main(["import", "population_forecast", str(source), "--name", "snap", "--replace"]) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot write" in err and "snap.csv" in err and os.strerror(code) in err
    assert _tree(project / "data/raw") == before


@pytest.mark.parametrize(("where", "code"), FAULTS)
def test_synthetic_command_on_a_failing_disk(project, monkeypatch, capsys, where, code):
    from digimotor.cli import main

    before = _tree(project / "data/raw")
    _inject(monkeypatch, where, code)
    assert main(["synthetic", "--only", "broadband"]) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write data/raw/synthetic/broadband" in err.replace(str(project) + "/", "")
    assert os.strerror(code) in err
    assert _tree(project / "data/raw") == before


def test_synthetic_command_rejects_unknown_generators_and_negative_seeds(project, capsys):
    from digimotor.cli import main

    assert main(["synthetic", "--only", "broadband", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no generator 'nope'" in err and "broadband, capabilities, dimios" in err
    assert main(["synthetic", "--seed", "-1"]) == 2
    assert "--seed must be 0 or more" in capsys.readouterr().err


def test_template_into_a_read_only_folder(tmp_path, monkeypatch, capsys, repo_root):
    from digimotor.cli import main

    monkeypatch.setattr(atomic.tempfile, "mkstemp", _fail_with(errno.EROFS))
    assert main(["template", "population_forecast", "--out", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Read-only file system" in err and "population_forecast_template" in err
