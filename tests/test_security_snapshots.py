"""Snapshots under attack: overwriting, concurrent writers, relabelled sidecars, sly names.

The red team's cases and their neighbours: a re-import needs ``--replace`` and keeps the old
pair until the new one is written; two writers of one name never mix data and sidecar; a
sidecar cannot relabel the folder's kind; names are matched in full.
"""

import errno
import multiprocessing
import os
import random
import sys
import time

import pytest
import yaml

from digimotor import atomic, outputs
from digimotor.cli import main
from digimotor.datasets import available_snapshots, check_snapshot_name, load
from digimotor.errors import DataIntegrityError, DigimotorError, SnapshotExistsError
from digimotor.importer import default_snapshot_name, import_file
from digimotor.provenance import sha256_file, sidecar_path, snapshot_lock, verify
from digimotor.regions import is_pseudonym

REAL_REPLACE = os.replace


def _source(tmp_path, name, population):
    path = tmp_path / name
    path.write_text(f"Kommun;År;Folkmängd\nÅmål;2019;{population}\n", encoding="utf-8")
    return path


def _pair(target):
    return target.read_bytes(), sidecar_path(target).read_bytes()


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


# --- (a) re-import needs --replace; the old pair is a backup until the new one is written ----


def test_reimport_without_replace_is_refused_and_changes_nothing(project, tmp_path):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="snap")
    before = _pair(target)
    with pytest.raises(SnapshotExistsError, match="--replace"):
        import_file("population_forecast", _source(tmp_path, "b.csv", 12700), name="snap")
    assert _pair(target) == before
    assert _listing(target.parent) == ["snap.csv", "snap.csv.meta.yml"]


def test_reimport_on_the_command_line(project, tmp_path, capsys):
    a, b = _source(tmp_path, "a.csv", 12600), _source(tmp_path, "b.csv", 12700)
    assert main(["import", "population_forecast", str(a), "--name", "snap"]) == 0
    capsys.readouterr()
    assert main(["import", "population_forecast", str(b), "--name", "snap"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--replace" in err
    assert list(load("population_forecast", "snap")["population"]) == [12600]
    assert main(["import", "population_forecast", str(b), "--name", "snap", "--replace"]) == 0
    assert list(load("population_forecast", "snap")["population"]) == [12700]
    folder = project / "data/raw/user/population_forecast"
    assert _listing(folder) == ["snap.csv", "snap.csv.meta.yml"]
    assert yaml.safe_load(sidecar_path(folder / "snap.csv").read_text())["original_file"] == "b.csv"


def test_same_name_as_the_other_kind_is_refused_even_with_replace(project, tmp_path):
    import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="snap", kind="public")
    with pytest.raises(SnapshotExistsError, match="data/raw/public/population_forecast/snap.csv"):
        import_file("population_forecast", _source(tmp_path, "b.csv", 12700), name="snap", replace=True)
    assert not (project / "data/raw/user/population_forecast/snap.csv").exists()


def test_the_old_pair_is_kept_until_the_new_one_is_written(project, tmp_path, monkeypatch):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="snap")
    old = _pair(target)
    seen = []

    def replace(src, dst):
        if str(dst).endswith(".meta.yml"):  # the new data is in place, its sidecar not yet
            staging = [p for p in target.parent.iterdir() if p.name.startswith(".staging-")]
            seen.append({p.name: p.read_bytes() for p in staging[0].iterdir() if p.name.startswith("backup")})
        return REAL_REPLACE(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    import_file("population_forecast", _source(tmp_path, "b.csv", 12700), name="snap", replace=True)
    assert seen == [{"backup.csv": old[0], "backup.csv.meta.yml": old[1]}]
    assert _listing(target.parent) == ["snap.csv", "snap.csv.meta.yml"]  # backup removed
    verify(target)
    assert list(load("population_forecast", "snap")["population"]) == [12700]


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), KeyboardInterrupt()])
def test_failure_between_data_and_sidecar_puts_the_old_pair_back(project, tmp_path, monkeypatch, failure):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="snap")
    old = _pair(target)

    def replace(src, dst):
        if str(dst).endswith(".meta.yml") and "backup" not in str(src):
            raise failure
        return REAL_REPLACE(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises((DigimotorError, KeyboardInterrupt)) as info:
        import_file("population_forecast", _source(tmp_path, "b.csv", 12700), name="snap", replace=True)
    if isinstance(failure, OSError):
        assert "No space left on device" in str(info.value) and "snap.csv" in str(info.value)
    monkeypatch.undo()
    assert _pair(target) == old
    verify(target)
    assert _listing(target.parent) == ["snap.csv", "snap.csv.meta.yml"]


def test_failed_first_import_leaves_no_half_pair(project, tmp_path, monkeypatch):
    def replace(src, dst):
        if str(dst).endswith(".meta.yml"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return REAL_REPLACE(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(DigimotorError, match="Read-only file system"):
        import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="snap")
    monkeypatch.undo()
    assert _listing(project / "data/raw/user/population_forecast") == []


def test_when_the_old_pair_cannot_be_put_back_the_message_says_where_it_is(project, tmp_path, monkeypatch):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="snap")
    old = _pair(target)

    def replace(src, dst):
        if str(dst).endswith(".meta.yml") or "backup" in str(src):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return REAL_REPLACE(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(DigimotorError) as info:
        import_file("population_forecast", _source(tmp_path, "b.csv", 12700), name="snap", replace=True)
    monkeypatch.undo()
    message = str(info.value)
    assert "cannot put the previous snapshot back" in message and "\n" not in message
    (staging,) = [p for p in target.parent.iterdir() if p.name.startswith(".staging-")]
    assert staging.name in message
    assert (staging / "backup.csv").read_bytes() == old[0]
    assert (staging / "backup.csv.meta.yml").read_bytes() == old[1]


# --- (b) concurrent writers of one name are serialised -----------------------------------------


def _import_repeatedly(root, source, start, rounds, errors):
    """Child process: import ``source`` as 'race' ``rounds`` times, slowly between the two moves."""
    os.environ["DIGIMOTOR_ROOT"] = root

    def slow_replace(src, dst):
        REAL_REPLACE(src, dst)
        if str(dst).endswith(".csv"):  # widen the window between data and sidecar
            time.sleep(random.uniform(0.0, 0.02))

    os.replace = slow_replace
    start.wait()
    try:
        for _ in range(rounds):
            import_file("population_forecast", source, name="race", replace=True)
    except BaseException as exc:  # reported to the parent
        errors.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_concurrent_imports_of_one_name_keep_data_and_sidecar_together(project, tmp_path):
    sources = [_source(tmp_path, "a.csv", 12600), _source(tmp_path, "b.csv", 12700)]
    import_file("population_forecast", sources[0], name="race")
    ctx = multiprocessing.get_context("fork")
    start, errors = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_import_repeatedly, args=(str(project), s, start, 12, errors)) for s in sources]
    for worker in workers:
        worker.start()
    start.set()
    target = project / "data/raw/user/population_forecast/race.csv"
    samples, mismatched = 0, 0
    deadline = time.monotonic() + 120
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        with snapshot_lock(target, "population_forecast"):  # what a writer leaves between its turns
            recorded = yaml.safe_load(sidecar_path(target).read_text())["sha256"]
            mismatched += recorded != sha256_file(target)
            samples += 1
        time.sleep(0.003)
    for worker in workers:
        worker.join(10)
    assert [w.exitcode for w in workers] == [0, 0]
    assert errors.empty(), errors.get()
    assert samples > 0 and mismatched == 0
    fields = yaml.safe_load(sidecar_path(target).read_text())
    assert fields["sha256"] == sha256_file(target)
    expected = {"a.csv": 12600, "b.csv": 12700}[fields["original_file"]]
    assert list(load("population_forecast", "race")["population"]) == [expected]
    assert _listing(target.parent) == ["race.csv", "race.csv.meta.yml"]


def test_a_held_lock_makes_a_second_writer_wait_and_then_say_so(project, tmp_path):
    target = project / "data/raw/user/population_forecast/held.csv"
    with snapshot_lock(target, "population_forecast") as lock:
        assert lock == project / "build/locks/population_forecast--held.lock"
        with pytest.raises(DigimotorError, match="another process has been writing snapshot 'held'"):
            with atomic.file_lock(lock, what="snapshot 'held' of population_forecast", timeout=0.2):
                pass
    with atomic.file_lock(lock, timeout=0.2):  # released: taken at once
        pass


def test_an_unwritable_lock_folder_is_one_line(project, tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(atomic, "open", refuse, raising=False)
    source = _source(tmp_path, "a.csv", 12600)
    assert main(["import", "population_forecast", str(source), "--name", "snap"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot create the lock file" in err and "Read-only file system" in err


# --- (c) a sidecar cannot relabel its folder's kind ---------------------------------------------


def _relabel(path, kind):
    side = sidecar_path(path)
    fields = yaml.safe_load(side.read_text(encoding="utf-8"))
    old = fields["kind"]
    fields["kind"] = kind
    side.write_text(yaml.safe_dump(fields, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return old


@pytest.mark.parametrize("kind", ["published", "synthetic", "public"])
def test_user_snapshot_claiming_another_kind_is_refused(project, tmp_path, kind):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="mine")
    _relabel(target, kind)
    with pytest.raises(DataIntegrityError) as info:
        load("population_forecast", "mine")
    message = str(info.value)
    assert "mine.csv.meta.yml" in message and f"kind '{kind}'" in message
    assert "data/raw/user/" in message and "\n" not in message


@pytest.mark.parametrize(
    ("folder", "dataset", "claimed"),
    [("synthetic", "dimios", "user"), ("synthetic", "dimios", "published"),
     ("published", "population_forecast", "synthetic"), ("published", "population_forecast", "public")],
)
def test_shipped_snapshot_claiming_another_kind_is_refused(project, folder, dataset, claimed):
    path = project / "data/raw" / folder / f"{dataset}.csv"
    assert _relabel(path, claimed) == folder
    with pytest.raises(DataIntegrityError, match=rf"{dataset}.csv.meta.yml says kind '{claimed}'"):
        load(dataset, folder)
    with pytest.raises(DataIntegrityError, match=f"under data/raw/{folder}/"):
        verify(path)


def test_public_snapshot_claiming_user_is_refused(project, tmp_path):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="pub", kind="public")
    _relabel(target, "user")
    with pytest.raises(DataIntegrityError, match="under data/raw/public/"):
        load("population_forecast", "pub")


def test_unreadable_sidecar_yaml_is_one_line(project, tmp_path):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="mine")
    sidecar_path(target).write_text("title: [unclosed\nkind: user\n", encoding="utf-8")
    with pytest.raises(DataIntegrityError) as info:
        load("population_forecast", "mine")
    assert "is not valid YAML (line" in str(info.value) and "\n" not in str(info.value)


# --- (d) names are matched in full ---------------------------------------------------------------

BAD_NAMES = ["mine\n", "mine\r\n", "\nmine", "Mine", "mi ne", "../mine", "a/b", "a\\b", ".hidden", "-x",
             "x" * 65, "", "published", "synthetic", "nul", "con.2024", "com1", "mine.", 7, None]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_snapshot_names_are_refused(name):
    with pytest.raises(DigimotorError, match="cannot name a snapshot"):
        check_snapshot_name(name)


@pytest.mark.parametrize("name", ["mine", "fyrbodal-2024", "v1.2_final", "x" * 64, "2024", "nul-2024", "console"])
def test_good_snapshot_names_pass(name):
    assert check_snapshot_name(name) == name


def test_a_name_with_a_newline_is_refused_everywhere(project, tmp_path, capsys):
    source = _source(tmp_path, "a.csv", 12600)
    with pytest.raises(DigimotorError, match="cannot name a snapshot"):
        import_file("population_forecast", source, name="mine\n")
    with pytest.raises(DigimotorError, match="cannot name a snapshot"):
        load("population_forecast", "mine\n")
    assert main(["import", "population_forecast", str(source), "--name", "mine\n"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'mine\\n' cannot name a snapshot" in err
    assert not (project / "data/raw/user").exists()


def test_default_name_from_a_device_file_name_is_safe():
    assert default_snapshot_name("NUL.csv") == "imported"
    assert default_snapshot_name("Fyrbodal DiMiOS 2024.xlsx") == "fyrbodal-dimios-2024"


def test_available_snapshots_ignores_files_that_are_no_snapshot(project, tmp_path):
    target = import_file("population_forecast", _source(tmp_path, "a.csv", 12600), name="mine")
    (target.parent / ".left-over.csv").write_text("x\n")
    (target.parent / "Bad Name.csv").write_text("x\n")
    assert available_snapshots("population_forecast") == ["published", "mine"]


@pytest.mark.parametrize("name", ["fig07_population\n", "fig07_population\r", "Fig07_x", "fig07-x", "fig07_", ""])
def test_bad_output_names_are_refused(name):
    with pytest.raises(DigimotorError, match="is not an output name"):
        outputs.check_output_name(name)


def test_output_names_that_pass():
    assert outputs.check_output_name("fig07_population_forecast") == "fig07_population_forecast"
    assert outputs.check_output_name("tab04_cost_pools") == "tab04_cost_pools"


def test_pseudonyms_are_matched_in_full():
    assert is_pseudonym("Kommun 01") and is_pseudonym("IT-org 03")
    for text in ("Kommun 01\n", "Kommun 012", " Kommun 01", "kommun 01"):
        assert not is_pseudonym(text)


@pytest.mark.parametrize("dataset", ["../population_forecast", "population_forecast\n", "Population", "", "a/b"])
def test_dataset_names_are_matched_in_full(project, dataset):
    from digimotor.datasets import snapshot_path

    with pytest.raises(DigimotorError, match="cannot name a dataset"):
        snapshot_path(dataset, "published")
    assert available_snapshots(dataset) == []


def test_a_sidecar_with_the_wrong_kind_is_never_written(project):
    from digimotor.provenance import write_sidecar, write_snapshot

    target = project / "data/raw/user/population_forecast/forged.csv"
    fields = {"title": "t", "dataset": "population_forecast", "kind": "published", "producer": "p",
              "date_accessed": "2024-01-01", "licence": "l"}
    with pytest.raises(DigimotorError, match="under data/raw/user/; its sidecar cannot say kind 'published'"):
        write_snapshot(target, b"municipality_code,year,population\n", fields)
    assert not target.parent.exists() or _listing(target.parent) == []
    published = project / "data/raw/published/population_forecast.csv"
    before = sidecar_path(published).read_bytes()
    with pytest.raises(DigimotorError, match="cannot say kind 'user'"):
        write_sidecar(published, {**fields, "kind": "user"})
    assert sidecar_path(published).read_bytes() == before
