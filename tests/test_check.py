"""`digimotor check` reports every data/raw problem at once, each with its fix."""

from digimotor.checks import check_raw_data
from digimotor.cli import main
from digimotor.importer import import_file
from digimotor.provenance import sidecar_path


def test_shipped_data_are_in_order(repo_root, capsys):
    assert check_raw_data() == []
    assert main(["check"]) == 0
    assert "all in order" in capsys.readouterr().out


def test_all_problems_reported_at_once_with_fixes(project, tmp_path, capsys):
    raw = project / "data" / "raw"
    # 1 a changed published file
    published = raw / "published" / "population_forecast.csv"
    published.write_text(published.read_text().replace("9800", "9900"))
    # 2 an import whose data file was edited by hand
    source = tmp_path / "mine.csv"
    source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    imported = import_file("population_forecast", source, name="mine")
    imported.write_text(imported.read_text() + "1487,2019,39600,\n")
    # 3 a loose file without sidecar, 4 an orphan sidecar, 5 a leftover temp file
    (raw / "user" / "population_forecast" / "loose.csv").write_text("x\n")
    (raw / "published" / "gone.csv.meta.yml").write_text("title: x\n")
    (raw / "published" / ".population_forecast.csv.abc.tmp").write_text("")
    problems = {p.path.split("data/raw/")[-1]: p for p in check_raw_data()}
    assert set(problems) == {
        "published/population_forecast.csv",
        "user/population_forecast/mine.csv",
        "user/population_forecast/loose.csv",
        "published/gone.csv.meta.yml",
        "published/.population_forecast.csv.abc.tmp",
    }
    assert problems["published/population_forecast.csv"].fix.startswith("git checkout -- ")
    assert problems["user/population_forecast/mine.csv"].fix == (
        "digimotor import population_forecast mine.csv --name mine --kind user --replace"
    )
    assert "no provenance sidecar" in problems["user/population_forecast/loose.csv"].message
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "5 problems" in out and out.count("fix:") == 5


def test_kind_mismatch_is_reported(project, tmp_path):
    source = tmp_path / "mine.csv"
    source.write_text("Kommun;År;Folkmängd\nÅmål;2019;12600\n", encoding="utf-8")
    imported = import_file("population_forecast", source, name="mine")
    side = sidecar_path(imported)
    side.write_text(side.read_text().replace("kind: user", "kind: published"))
    (problem,) = check_raw_data()
    assert "kind 'published' but the file is under user/" in problem.message
