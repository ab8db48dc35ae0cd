"""The reproduction runner: parameters as data, failures, dead workers, cache, isolation, lock, faults.

Most tests run small notebooks written here into a copy of the project (the study's own
notebooks are removed from the copy), through the real pipeline.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from digimotor.config import PACKAGE_DIR
from digimotor.errors import DigimotorError, ParameterError
from digimotor.run import Progress, plan, publish, reproduce, run_lock
from digimotor.run.plan import Job

INJECTION = "'); import os; os.system('touch pwned'); ('"
QUIET = {"echo": lambda _msg: None}


def write_notebook(folder: Path, name: str, cells: list[str], *, parameters: str = "n = 0",
                   schema: str = "n: {type: int, default: 0}\n") -> Path:
    """A notebook ``name`` with a title, a tagged parameters cell and ``cells``; and its schema."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name} · test"), params,
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    (folder / f"{name}.params.yml").write_text(schema, encoding="utf-8")
    return path


@pytest.fixture
def lab(project):
    """The project copy without the study's notebooks."""
    for path in (project / "notebooks").glob("[0-9][0-9]-*"):
        path.unlink()
    return project


def test_unknown_notebook_and_bad_params_file_stop_before_anything_runs(lab, tmp_path):
    write_notebook(lab / "notebooks", "10-ok", ["x = 1"])
    with pytest.raises(DigimotorError, match="no notebook '99-nothing'.*notebooks: 10-ok"):
        reproduce(only=["99-nothing"], **QUIET)
    bad = tmp_path / "p.yaml"
    bad.write_text("10-ok: {lang: en\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p\.yaml: not valid YAML"):
        reproduce(params_file=bad, **QUIET)
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 'lang'"):
        reproduce(parameters={"lang": "en"}, **QUIET)
    assert not (lab / "build" / "site").exists()


def test_run_lock_stops_a_second_run_with_a_clear_message(lab):
    write_notebook(lab / "notebooks", "10-ok", ["x = 1"])
    with run_lock():
        with pytest.raises(DigimotorError, match=rf"another `digimotor reproduce` is running in this checkout "
                                                 rf"\(process {os.getpid()}\).*--no-wait"):
            reproduce(wait=False, **QUIET)
    # released: a dry run goes through
    assert reproduce(dry_run=True, **QUIET).planned == [("10-ok", "never run")]


def test_a_second_run_waits_for_the_first_by_default(lab):
    import threading
    import time

    write_notebook(lab / "notebooks", "10-ok", ["x = 1"])
    held, release = threading.Event(), threading.Event()

    def first_run():
        with run_lock():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=first_run)
    thread.start()
    held.wait(10)
    messages = []
    threading.Timer(0.5, release.set).start()
    start = time.perf_counter()
    result = reproduce(dry_run=True, echo=messages.append)
    thread.join()
    assert time.perf_counter() - start >= 0.4
    assert messages[0] == f"waiting for the run in process {os.getpid()} to finish …"
    assert result.planned == [("10-ok", "never run")]


def test_progress_plain_lines_and_live_redraw(capsys, tmp_path):
    job = Job(tmp_path / "01-x.ipynb", {}, "never run")
    lines = []
    plain = Progress([job], lines.append, live=False)
    job.state = "running"
    job.start = 1.0
    plain.changed(job)
    job.state, job.detail = "failed", "ValueError: boom"
    plain.changed(job)
    assert [line.split()[0:2] for line in lines] == [["running", "01-x"], ["failed", "01-x"]]
    assert "ValueError: boom" in lines[-1] and "\x1b" not in "".join(lines)
    live = Progress([job], lines.append, live=True)
    live.redraw()
    live.redraw()
    out = capsys.readouterr().out
    assert out.count("\x1b[2K") == 2 and "\x1b[1F" in out  # second frame moves up over the first


@pytest.mark.slow
def test_parameters_arrive_as_data_never_as_code(lab):
    write_notebook(
        lab / "notebooks", "10-echo",
        ["from pathlib import Path\nPath('received.txt').write_text(text, encoding='utf-8')\nprint(repr(text))"],
        parameters='text = "default"', schema="text: {type: str, default: default}\n",
    )
    result = reproduce(parameters={"text": INJECTION}, **QUIET)
    assert result.ok, result.results[0].error
    received = lab / "build" / "work" / "10-echo" / "received.txt"
    assert received.read_text(encoding="utf-8") == INJECTION
    executed = nbformat.read(str(lab / "build" / "notebooks" / "10-echo.ipynb"), as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    # one JSON document in one string literal, decoded in the cell (digimotor.params.injected_source)
    assert injected.source.splitlines()[1:] == [
        "import json as _json", f"_p = _json.loads({json.dumps({'text': INJECTION})!r})", "text = _p['text']",
        "del _json, _p"]
    assert injected.id == "injected-parameters"
    assert not list(lab.rglob("pwned")) and not Path("pwned").exists()


@pytest.mark.slow
def test_failing_notebook_is_published_with_a_banner_and_others_go_on(lab, capsys):
    from digimotor.cli import main

    nbs = lab / "notebooks"
    write_notebook(nbs, "10-fails", ["x = 1", "raise ValueError('boom at the second cell')", "y = 2"])
    write_notebook(nbs, "11-ok", ["print('fine')"])
    assert main(["reproduce", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "10-fails, cell 3: ValueError: boom at the second cell" in err
    assert "1 of 2 notebooks failed" in err
    run = json.loads((lab / "build" / "cache" / "10-fails.json").read_text())
    assert run["status"] == "failed" and run["cell"] == 3  # parameters cell, x = 1, raise
    page = (lab / "build" / "site" / "10-fails.html").read_text()
    assert "Notebooken misslyckades i cell 3" in page and "ValueError: boom at the second cell" in page
    anchor = f'href="#cell-id={run["cell_id"]}"'
    assert anchor in page and f'id="cell-id={run["cell_id"]}"' in page
    assert (lab / "build" / "site" / "11-ok.html").exists()
    index = (lab / "build" / "site" / "index.html").read_text()
    assert "MISSLYCKADES" in index and f"10-fails.html#cell-id={run['cell_id']}" in index


@pytest.mark.slow
def test_a_worker_that_dies_is_reported_and_the_others_finish(lab):
    nbs = lab / "notebooks"
    write_notebook(nbs, "10-dies", ["x = 1", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"])
    write_notebook(nbs, "11-ok", ["print('fine')"])
    result = reproduce(jobs=2, **QUIET)
    dead, ok = result.results
    assert dead.status == "failed" and ok.status == "done"
    assert "died (SIGKILL) while running cell 3" in dead.error  # parameters cell, x = 1, kill
    assert dead.cell == 3
    page = (lab / "build" / "site" / "10-dies.html").read_text()
    assert "Notebooken misslyckades" in page and "SIGKILL" in page
    assert dead.cell_id and f'href="#cell-id={dead.cell_id}"' in page and f'id="cell-id={dead.cell_id}"' in page


@pytest.mark.slow
def test_cache_reruns_only_what_changed(lab):
    nbs = lab / "notebooks"
    write_notebook(nbs, "10-pop", ["from digimotor.sources.published import load_population_forecast\n"
                                   "frame = load_population_forecast(source)\nprint(len(frame))"],
                   parameters='source = "published"',
                   schema="source: {type: source, dataset: population_forecast, default: published}\n")
    write_notebook(nbs, "11-plain", ["print(n)"], parameters="n = 1", schema="n: {type: int, default: 1}\n")
    first = reproduce(**QUIET)
    assert first.ok and [r.cached for r in first.results] == [False, False]
    second = reproduce(**QUIET)
    assert [r.cached for r in second.results] == [True, True]
    assert reproduce(dry_run=True, **QUIET).planned == []
    # a parameter of one notebook
    assert reproduce(per_notebook={"11-plain": {"n": 2}}, dry_run=True, **QUIET).planned == [
        ("11-plain", "parameters changed")]
    # an input the notebook loaded (recorded in its manifest)
    card = json.loads((lab / "build" / "cache" / "10-pop.json").read_text())
    assert [e["path"] for e in card["manifest"] if e["entry"] == "input"] == [
        "data/raw/published/population_forecast.csv"]
    csv = lab / "data" / "raw" / "published" / "population_forecast.csv"
    csv.write_text(csv.read_text() + "\n")
    assert reproduce(dry_run=True, **QUIET).planned == [
        ("10-pop", "input changed: data/raw/published/population_forecast.csv")]
    # the notebook's source
    write_notebook(nbs, "11-plain", ["print(n + 1)"], parameters="n = 1", schema="n: {type: int, default: 1}\n")
    planned = dict(reproduce(dry_run=True, **QUIET).planned)
    assert planned["11-plain"] == "notebook changed"
    assert dict(reproduce(dry_run=True, force=True, **QUIET).planned) == {"10-pop": "forced", "11-plain": "forced"}
    # the changed input now fails the checksum check in the notebook: a failure is never cached
    third = reproduce(**QUIET)
    assert [r.status for r in third.results] == ["failed", "done"]
    assert "DataIntegrityError" in third.results[0].error
    assert dict(reproduce(dry_run=True, **QUIET).planned) == {"10-pop": "failed last time"}


@pytest.mark.slow
def test_no_state_passes_between_notebooks(lab):
    nbs = lab / "notebooks"
    write_notebook(nbs, "10-sets", [
        "import os, matplotlib, digimotor\nleak = 'from 10'\ndigimotor.LEAK = 1\n"
        "matplotlib.rcParams['lines.linewidth'] = 9.0\nos.environ['DIGIMOTOR_LEAK'] = '1'\n"
        "import json\njson.LEAKED = True",
    ])
    write_notebook(nbs, "11-checks", [
        "import os, json, matplotlib, digimotor\n"
        "assert 'leak' not in globals()\nassert not hasattr(digimotor, 'LEAK')\n"
        "assert matplotlib.rcParams['lines.linewidth'] != 9.0\nassert 'DIGIMOTOR_LEAK' not in os.environ\n"
        "assert not hasattr(json, 'LEAKED')\nprint('isolated')",
    ])
    result = reproduce(jobs=1, **QUIET)  # one after another, as a reused kernel would
    assert [r.status for r in result.results] == ["done", "done"], result.results[1].error
    executed = nbformat.read(str(lab / "build" / "notebooks" / "11-checks.ipynb"), as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "isolated\n"


def test_a_figure_open_in_the_calling_process_never_reaches_a_notebook(lab):
    """reproduce() called from a session (JupyterLab, a test) with a pyplot figure open: the forked
    worker starts without it, so the notebook's first cell shows nothing it did not draw."""
    import matplotlib.pyplot as plt

    write_notebook(lab / "notebooks", "12-figures", [
        "import matplotlib.pyplot as plt\nprint(len(plt.get_fignums()))",
        "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])",
    ])
    leaked = plt.figure()
    leaked.suptitle("from the calling process")
    try:
        result = reproduce(**QUIET)
    finally:
        plt.close(leaked)
    assert [r.status for r in result.results] == ["done"], result.results[0].error
    executed = nbformat.read(str(lab / "build" / "notebooks" / "12-figures.ipynb"), as_version=4)
    first, second = (c for c in executed.cells if c.cell_type == "code" and "plt" in c.source)
    assert [o.get("text") for o in first.outputs] == ["0\n"]
    assert [o.output_type for o in first.outputs] == ["stream"]  # no image of the caller's figure
    assert sum("image/png" in o.get("data", {}) for o in second.outputs) == 1


@pytest.mark.slow
def test_fork_engine_outputs_equal_fresh_kernel_outputs_and_runs_are_deterministic(project, default_run):
    """01-demography through papermill + a fresh Jupyter kernel and through the warm fork engine.

    The fork engine's run is the session's ``default_run``; the kernel run happens in this test's
    own copy of the project. That a second (forced) fork run gives byte-identical products and
    executed notebooks is checked for every notebook by
    ``test_notebooks.py::test_full_run_scorecard_has_no_differing_derived_claim``.
    """
    products = ["data/processed/fig07_population_forecast.csv", "figures/fig06_population_forecast.svg",
                "data/processed/claims/demography.json"]

    def snapshot(root=project):
        return {p: (root / p).read_bytes() for p in products}

    kernel = reproduce(only=["01-demography"], engine="kernel", **QUIET)
    assert kernel.ok, kernel.results[0].error
    from_kernel = snapshot()
    kernel_nb = nbformat.read(str(project / "build/notebooks/01-demography.ipynb"), as_version=4)
    fork = default_run.only("01-demography")
    assert fork.ok, fork.results[0].error
    assert snapshot(default_run.root) == from_kernel
    fork_nb_bytes = (default_run.root / "build/notebooks/01-demography.ipynb").read_bytes()
    fork_nb = nbformat.reads(fork_nb_bytes.decode(), as_version=4)
    # the same cells produce the same kinds of output (tables as HTML, the figure as PNG)
    kinds = [[sorted(o.get("data", {})) or [o["output_type"]] for o in c.outputs] for c in kernel_nb.cells
             if c.cell_type == "code"]
    assert kinds == [[sorted(o.get("data", {})) or [o["output_type"]] for o in c.outputs] for c in fork_nb.cells
                     if c.cell_type == "code"]
    for text in (fork_nb_bytes.decode(), json.dumps(kernel_nb)):
        assert "start_time" not in text and "end_time" not in text and '"duration"' not in text


@pytest.mark.slow
def test_unwritable_build_leaves_the_previous_site_whole(lab, monkeypatch):
    nbs = lab / "notebooks"
    write_notebook(nbs, "10-ok", ["print(n)"], parameters="n = 1", schema="n: {type: int, default: 1}\n")
    assert reproduce(**QUIET).ok
    site = lab / "build" / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "swap_dir", refuse)
    with pytest.raises(DigimotorError, match=r"cannot write the site into .*build: No space left on device"
                                             r".*previous site was left as it was"):
        reproduce(per_notebook={"10-ok": {"n": 2}}, **QUIET)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in (lab / "build").iterdir() if p.name.startswith(".staging")] == []


@pytest.mark.slow
def test_one_page_that_cannot_be_written_fails_alone(lab, monkeypatch):
    from digimotor import site

    nbs = lab / "notebooks"
    write_notebook(nbs, "10-ok", ["print(1)"])
    write_notebook(nbs, "11-unwritable", ["print(2)"])
    real = site.render_notebook

    def render(nb, target, **kw):
        if kw["name"] == "11-unwritable" and kw.get("failure") is None:
            raise OSError(13, "Permission denied")
        return real(nb, target, **kw)

    monkeypatch.setattr(site, "render_notebook", render)
    result = reproduce(**QUIET)
    ok, bad = result.results
    assert ok.status == "done" and bad.status == "failed"
    assert "PermissionError: [Errno 13] Permission denied" in bad.error
    assert "Notebooken misslyckades" in (lab / "build/site/11-unwritable.html").read_text()
    assert (lab / "build/site/10-ok.html").exists()


def test_dry_run_and_discovery_need_no_heavy_imports(lab):
    import subprocess
    import sys

    write_notebook(lab / "notebooks", "10-ok", ["x = 1"])
    code = ("import sys\nfrom digimotor.run import reproduce\n"
            "r = reproduce(dry_run=True, echo=lambda m: None)\n"
            "assert r.planned == [('10-ok', 'never run')], r.planned\n"
            "heavy = [m for m in ('pandas', 'matplotlib', 'nbconvert', 'IPython') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy(),
                         timeout=120, check=True).stdout
    assert out.strip() == "[]"
    shutil.rmtree(lab / "build", ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Cache and manifest records are data, not instructions (issue 20, item 5)
# ---------------------------------------------------------------------------------------


def _valid_record(lab: Path, name: str, manifest: list) -> dict:
    """A cache record as a successful run with every figure format writes it (its page is not there:
    "page missing")."""
    from digimotor.config import claims_dir

    path = lab / "notebooks" / f"{name}.ipynb"
    parts = plan.cache_parts(path, {}, {"manifest": manifest}, plan.package_digest(),
                             plan.tree_digest(claims_dir()))
    return {"parts": parts, "status": "done", "seconds": 1.0, "error": "", "cell": None, "cell_id": None,
            "parameters": {}, "manifest": manifest, "show_code": False, "key": plan.cache_key(parts)}


def test_malformed_cache_records_are_absent_and_never_open_outside_the_root(lab, tmp_path, monkeypatch,
                                                                         every_figure_format):
    write_notebook(lab / "notebooks", "10-ok", ["x = 1"])
    cache = lab / "build" / "cache" / "10-ok.json"
    cache.parent.mkdir(parents=True)
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n", encoding="utf-8")
    link = lab / "data" / "raw" / "published" / "link.csv"
    link.symlink_to(outside)
    good_input = {"entry": "input", "dataset": "population_forecast", "source": "published", "kind": "published",
                  "path": "data/raw/published/population_forecast.csv", "sha256": "0" * 64, "title": None}
    opened: list[Path] = []
    real_sha = plan.sha256_file
    monkeypatch.setattr(plan, "sha256_file", lambda p: opened.append(Path(p).resolve()) or real_sha(p))

    def planned(record) -> str:
        cache.write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
        return dict(reproduce(dry_run=True, **QUIET).planned)["10-ok"]

    assert planned(_valid_record(lab, "10-ok", [good_input])) == "page missing"  # a valid record is used
    bad_entries = [
        {**good_input, "path": "../outside.csv"}, {**good_input, "path": str(outside)},
        {**good_input, "path": "data/raw/published/link.csv"}, {**good_input, "path": "data/raw/../../x.csv"},
        {**good_input, "path": "data\\raw\\x.csv"}, {**good_input, "path": 7}, {**good_input, "kind": "<script>"},
        {**good_input, "sha256": None}, {"entry": "table", "name": "t", "kind": "published", "path": "/etc/passwd"},
        {"entry": "table", "name": "t", "kind": "published", "path": "data/raw/published/population_forecast.csv"},
        {"entry": "figure", "name": "f", "paths": ["figures/a.png", "../../b.svg"]},
        {"entry": "claims", "part": "x", "path": "data/processed/../../../c.json"},
        {"entry": "other", "path": "../x"}, {"entry": "other", "nested": {"path": "x"}}, "text", None,
    ]
    for entry in bad_entries:
        assert planned(_valid_record(lab, "10-ok", [good_input, entry])) == "never run", entry
    for key, value in [("status", 1), ("status", "maybe"), ("seconds", "1"), ("seconds", True), ("cell", "3"),
                       ("manifest", "x"), ("parameters", []), ("parts", None), ("key", None), ("show_code", 0)]:
        assert planned({**_valid_record(lab, "10-ok", []), key: value}) == "never run", key
    record = _valid_record(lab, "10-ok", [])
    del record["status"]
    assert planned(record) == "never run"
    record = _valid_record(lab, "10-ok", [])
    record["parts"]["inputs"] = {"../outside.csv": "x"}
    assert planned(record) == "never run"
    for text in ("{not json", "[]", "null", "1", "[" * 100000 + "]" * 100000, ""):
        assert planned(text) == "never run", text[:10]
    root, package = lab.resolve(), PACKAGE_DIR.resolve()
    assert [p for p in opened if not p.is_relative_to(root) and not p.is_relative_to(package)] == []
    assert any(p.name == "population_forecast.csv" for p in opened)  # the valid record's input was hashed


def test_manifest_keeps_only_well_formed_entries_inside_their_folder(lab, tmp_path):
    from digimotor.manifest import read, safe_path

    outside = tmp_path / "outside"
    outside.mkdir()
    (lab / "figures" / "out").symlink_to(outside)
    good = [{"entry": "table", "name": "t", "kind": "synthetic", "path": "data/processed/t.csv"},
            {"entry": "figure", "name": "t", "paths": ["figures/t.png", "figures/t.svg"]},
            {"entry": "claims", "part": "p", "path": "data/processed/claims/p.json"},
            {"entry": "note", "text": "an entry of a kind added later"}]
    bad = [{"entry": "figure", "name": "t", "paths": ["figures/out/t.png"]},
           {"entry": "table", "name": "t", "kind": "synthetic", "path": "figures/t.csv"},
           {"entry": "table", "name": "t", "kind": "synthetic"}, {"entry": 3}, [1, 2]]
    file = tmp_path / "m.jsonl"
    file.write_text("\n".join([*(json.dumps(e) for e in good + bad), "{broken", "", "[" * 50000]) + "\n",
                    encoding="utf-8")
    assert read(file) == good
    assert read(tmp_path / "missing.jsonl") == []
    root = lab.resolve()
    assert safe_path("data/raw/x.csv", lab) == root / "data/raw/x.csv"
    for path in ("../x", "/etc/passwd", "figures/out/t.png", "C:/x", "a\\b", "", "a\0b", None, 1):
        assert safe_path(path, lab) is None, path
    assert safe_path("figures/t.png", lab, "data/raw") is None


@pytest.mark.slow
def test_tampered_record_of_another_notebook_is_not_published(lab, tmp_path):
    """The site reads the records of the notebooks that did not run: a tampered one is "not run"."""
    write_notebook(lab / "notebooks", "10-a", ["x = 1"])
    write_notebook(lab / "notebooks", "11-b", ["y = 2"])
    secret = tmp_path / "secret.csv"
    secret.write_text("secret\n", encoding="utf-8")
    cache = lab / "build" / "cache" / "10-a.json"
    cache.parent.mkdir(parents=True)
    record = _valid_record(lab, "10-a", [])
    record["manifest"] = [{"entry": "table", "name": "secret", "kind": "user", "path": f"../../{secret.name}"},
                          {"entry": "claims", "part": "p", "path": str(secret)}]
    cache.write_text(json.dumps(record), encoding="utf-8")
    result = reproduce(only=["11-b"], **QUIET)
    assert result.ok, result.results[0].error
    site = lab / "build" / "site"
    assert not (site / "files" / "secret.csv").exists()
    assert "secret" not in (site / "index.html").read_text(encoding="utf-8")
