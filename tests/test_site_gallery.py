"""The index's gallery: thumbnails of every figure by study part, placeholders, claim counts and data kinds."""

from __future__ import annotations

import csv
import html
import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from digimotor import site
from digimotor.site import gallery
from digimotor.site.exhibits import notebook_headings, page_anchors

#: the gallery sets the slide PNGs apart from the figures: every figure format (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("every_figure_format")


def _registry_counts(part: str) -> Counter:
    with open(Path(__file__).resolve().parents[1] / "data" / "claims" / f"{part}.csv", encoding="utf-8") as handle:
        return Counter(row["status"] for row in csv.DictReader(handle))


def test_a_thumbnail_is_made_once_per_image_and_copied_after(project, tmp_path, monkeypatch):
    source = tmp_path / "fig.png"
    Image.new("RGB", (1200, 900), "steelblue").save(source)
    assert gallery.make_thumbnail(source, tmp_path / "a" / "fig.png") is None
    cached = list((project / "build" / "cache" / "thumbs").iterdir())
    assert len(cached) == 1 and cached[0].read_bytes() == (tmp_path / "a" / "fig.png").read_bytes()

    def no_drawing(*args, **kwargs):
        raise AssertionError("the thumbnail was made again")

    with monkeypatch.context() as patched:
        patched.setattr(Image, "open", no_drawing)
        assert gallery.make_thumbnail(source, tmp_path / "b" / "fig.png") is None
    assert (tmp_path / "b" / "fig.png").read_bytes() == (tmp_path / "a" / "fig.png").read_bytes()
    Image.new("RGB", (1200, 900), "white").save(source)  # another image: a new thumbnail
    assert gallery.make_thumbnail(source, tmp_path / "c" / "fig.png") is None
    assert (tmp_path / "c" / "fig.png").read_bytes() != (tmp_path / "a" / "fig.png").read_bytes()
    assert len(list((project / "build" / "cache" / "thumbs").iterdir())) == 2


def test_thumbnail_is_small_and_a_broken_figure_says_why(project, tmp_path):
    source = tmp_path / "big.png"
    Image.new("RGB", (1800, 1200), "white").save(source)
    assert gallery.make_thumbnail(source, tmp_path / "thumbs" / "big.png") is None
    with Image.open(tmp_path / "thumbs" / "big.png") as thumb:
        assert thumb.size == (360, 240)  # within THUMB_SIZE, aspect kept
    assert gallery.make_thumbnail(tmp_path / "absent.png", tmp_path / "thumbs" / "absent.png") == "missing"
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    assert gallery.make_thumbnail(tmp_path / "broken.png", tmp_path / "thumbs" / "broken.png") == "unreadable"
    assert not (tmp_path / "thumbs" / "absent.png").exists() and not (tmp_path / "thumbs" / "broken.png").exists()


def test_claim_counts_come_from_the_registry():
    from digimotor import claims

    card = claims.scorecard(produced={})
    for part in ("demography", "dimios", "tbm"):
        counts = gallery.claim_counts(card, part)
        registry = _registry_counts(part)
        assert counts["derived"] == registry["derived"]
        assert counts["transcribed"] == registry["transcribed"]
        assert counts["calibrated"] == registry["calibrated"]
        assert counts["uncertain"] == registry["uncertain"]
        assert counts["equal"] == 0  # nothing computed: no derived claim is equal
    assert gallery.claim_counts(card, "dimios") == {"derived": 5, "equal": 0, "transcribed": 31, "calibrated": 24,
                                                     "uncertain": 4}
    line = gallery.claims_line(gallery.claim_counts(card, "demography"), "en")
    assert line == "Claims: 42 derived (0 equal in this run) · 29 transcribed · 0 calibrated · 0 uncertain"


def test_headings_of_outputs_come_from_the_cell_above():
    nb = {"cells": [
        {"cell_type": "markdown", "source": "# 02 · Bredband\n\n## Figur 14 – *tillgång* per kommun"},
        {"cell_type": "code", "source": 'outputs.write_table(t, "fig14_cov", kind=kind)\n'
                                        'outputs.save_figure(ax.figure, "fig14_cov")', "outputs": []},
        {"cell_type": "code", "source": "x", "outputs": [{"output_type": "display_data",
                                                          "data": {"text/markdown": "### Hushåll"}}]},
        {"cell_type": "code", "source": "outputs.save_figure(f, 'households')", "outputs": []},
    ]}
    assert notebook_headings(nb, ["fig14_cov", "households", "absent"]) == {
        "fig14_cov": "Figur 14 – tillgång per kommun", "households": "Hushåll"}


def _summaries(project: Path, manifest, status="done", error=""):
    from digimotor.run import NotebookResult

    path = project / "notebooks" / "02-broadband.ipynb"
    return [(path, NotebookResult(name="02-broadband", status=status, seconds=1.0, error=error,
                                  parameters={}, manifest=manifest))]


def test_a_missing_figure_and_a_failed_page_show_placeholders(project, tmp_path):
    manifest = [{"entry": "figure", "name": "fig14_broadband_coverage",
                 "paths": ["figures/fig14_broadband_coverage.png", "figures/fig14_broadband_coverage.svg"]},
                {"entry": "input", "kind": "synthetic", "path": "data/raw/synthetic/broadband.csv"},
                {"entry": "claims", "part": "broadband", "path": "data/processed/claims/broadband.json"}]
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(out, _summaries(project, manifest))  # the PNG was never written
    index = (out / "index.html").read_text(encoding="utf-8")
    part = index.split('id="part-broadband"')[1].split("</section>")[0]
    assert "<img" not in part
    assert 'class="dm-thumb-missing"' in part and "Figuren saknas" in part
    registry = _registry_counts("broadband")
    assert (f"Påståenden: 0 härledda (0 lika i körningen) · {registry['transcribed']} transkriberade · "
            f"{registry['calibrated']} kalibrerade · 0 osäkra · Datatyper: syntetisk (exempeldata)") in html.unescape(part)

    failed = tmp_path / "failed"
    failed.mkdir()
    site.build_site(failed, _summaries(project, [], status="failed", error="KeyError: 'kommun'"))
    index = (failed / "index.html").read_text(encoding="utf-8")
    gallery_part = index.split('<section id="gallery">')[1].split("<section><h2>")[0]
    assert "<img" not in gallery_part and "Sidan misslyckades" in gallery_part
    assert "<code>KeyError: &#x27;kommun&#x27;</code>" in gallery_part


@pytest.mark.slow
def test_gallery_of_the_default_run(default_run):
    """Every figure of the run as a thumbnail on the index, titled by its heading, linked to it, by part."""
    root = default_run.root
    site_dir = root / "build" / "site"
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    gallery_html = index.split('<section id="gallery">')[1].split('<section id="profiles">')[0]
    figures = sorted(p.stem for p in (root / "figures").glob("*.png") if not p.name.endswith(".slide.png"))
    thumbs = re.findall(r'<img src="thumbs/([^"]+)\.png" alt="([^"]*)"', gallery_html)
    assert sorted(name for name, _ in thumbs) == figures  # every figure once, no placeholder
    assert "dm-thumb-missing" not in gallery_html
    for name, _alt in thumbs:
        with Image.open(site_dir / "thumbs" / f"{name}.png") as thumb:
            assert thumb.width <= 360 and thumb.height <= 260
    alt = dict(thumbs)
    assert alt["fig14_broadband_coverage"] == "Figur 14 – tillgång per kommun mot målen"
    assert alt["fig11_dimios_typology"] == "Figur 11 – typologi: digital förmåga × digitalt arv"
    assert alt["capabilities_map"] == "Förmågekartan"
    # each thumbnail links to the heading above its figure on the page
    anchors = page_anchors(site_dir / "02-broadband.html")
    assert (f'<a href="02-broadband.html{anchors["Figur 14 – tillgång per kommun mot målen"]}">'
            '<img src="thumbs/fig14_broadband_coverage.png"') in gallery_html
    # grouped by part, one line each: registry counts (derived equal in this run) and data kinds
    parts = re.findall(r'<section class="dm-part" id="part-([a-z]+)"><h3>([^<]+)</h3>', gallery_html)
    assert [p for p, _ in parts] == ["demography", "broadband", "dimios", "tbm", "capabilities", "survey"]
    line = html.unescape(gallery_html.split('id="part-demography"')[1].split("</p>")[0])
    assert "Påståenden: 42 härledda (42 lika i körningen) · 29 transkriberade · 0 kalibrerade · 0 osäkra" in line
    assert "Datatyper: publicerad (ur rapporten), offentlig statistik" in line
    line = html.unescape(gallery_html.split('id="part-dimios"')[1].split("</p>")[0])
    assert "5 härledda (5 lika i körningen) · 31 transkriberade · 24 kalibrerade · 4 osäkra" in line
    capabilities = gallery_html.split('id="part-capabilities"')[1].split("</section>")[0]
    assert 'href="05-capability-map.html"' in capabilities and 'href="06-scenarios.html"' in capabilities
    assert "thumbs/scenarios_robustness.png" in capabilities  # notebook 06 reports the capabilities part
    assert "syntetisk (exempeldata)" in html.unescape(capabilities.split("</p>")[0])


@pytest.mark.slow
def test_tables_script_is_in_every_page_frame(default_run):
    site_dir = default_run.root / "build" / "site"
    script = (site_dir / "tables.js").read_text(encoding="utf-8")
    assert script == (Path(site.__file__).with_name("tables.js")).read_text(encoding="utf-8")
    for page in [*site_dir.glob("*.html"), *(site_dir / "kommuner").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        prefix = "../" if page.parent.name == "kommuner" else ""
        scripts = re.findall(r"<script[^>]*>", text)
        assert scripts == [f'<script defer="" src="{prefix}tables.js">'] or scripts == \
            [f'<script src="{prefix}tables.js" defer>'], page.name
