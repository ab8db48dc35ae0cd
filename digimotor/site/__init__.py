"""The published site ``build/site/``: notebook pages, the index with run card and scorecard, the Method page.

Pages are rendered by nbconvert with the template in ``nbconvert/digimotor`` (JupyterLab's,
without scripts from CDNs, so the site works offline and can be copied to any web server),
with a header that carries the navigation, the synthetic-data banner and the failure banner.
The index also shows the gallery of figure thumbnails by study part (:mod:`.gallery`) and links
the municipality profiles (:mod:`.profiles`, ``kommuner/``); :mod:`.exhibits` finds where on its
page each table and figure sits. Every page's frame (never cell output) links ``tables.js``,
which sorts and filters the tables. The site is in the run's language (the notebooks' ``lang``
parameter, :func:`run_language`; Swedish by default): its labels and prose come from the label
catalogue (``digimotor/labels/{sv,en}.yml``, section ``site``), the Method page from
``method.<lang>.html.part`` and the report's conclusions from ``findings.yml`` (``*_en`` fields).
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import claims, labels
from ..atomic import write_text
from ..config import project_root
from .frame import (  # noqa: F401 - the site's frame, importable from the site as before
    KIND_LABELS,
    LABELS,
    _findings_html,
    _part_label,
    esc,
    label,
    nav,
    page,
    page_kinds,
)

if TYPE_CHECKING:
    import pandas as pd

SITE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = SITE_DIR / "nbconvert"
TITLE = "Digital motor Fyrbodal – reproduktion"
_EXPORTERS: dict[tuple[bool, str], Any] = {}
#: Files of the package copied into the site's root (the frame of every page links them).
ASSETS = ("style.css", "tables.js")



#: Scorecard groups, in the order shown: (html key, outcome(s), label sv, label en), one per
#: outcome of the claims registry (``claims.OUTCOMES``), so no status is ever left out of the site.
SCORE_GROUPS = tuple(
    ("derived" if outcome == "reproduced" else outcome.replace(" ", "_"), (outcome,), sv, en)
    for outcome, _evidence, sv, en in claims.OUTCOMES
)






# ---------------------------------------------------------------------------------------
# Notebook pages
# ---------------------------------------------------------------------------------------


def exporter(show_code: bool, lang: str = "sv"):
    """nbconvert's HTML exporter with digimotor's template (one instance per process, mode and language).

    Markdown cells and the HTML, Markdown and SVG outputs pass through :func:`.sanitize.clean`
    (``sanitize_html``; JavaScript outputs are dropped), so no cell can put a script on a page.
    """
    if (show_code, lang) not in _EXPORTERS:
        from nbconvert import HTMLExporter

        from .sanitize import clean

        _EXPORTERS[show_code, lang] = HTMLExporter(
            extra_template_basedirs=[str(TEMPLATE_DIR)], template_name="digimotor",
            exclude_input=not show_code, exclude_input_prompt=not show_code, exclude_output_prompt=True,
            language_code=lang, sanitize_html=True, filters={"clean_html": clean},
        )
    return _EXPORTERS[show_code, lang]


def warm_exporter(show_code: bool = False, lang: str = "sv") -> None:
    """Build :func:`exporter` and render a small page with it, thrown away.

    A process's first page costs about 0.3 s more than the next ones (templates compiled,
    Markdown, sanitizer and highlighter set up); a warm parent pays it once for all the
    workers it forks. Each page is rendered from its own notebook alone: the pages are the
    same bytes whichever page a process renders first.
    """
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook(cells=[
        new_markdown_cell("# Åmål\n\nText med *kursiv*, `kod` och [länk](#x).\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
        new_code_cell("x = 1", outputs=[
            new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "x"}),
            new_output("display_data", data={"text/markdown": "## Rubrik", "text/plain": "x"}),
            new_output("stream", name="stdout", text="1\n"),
        ]),
    ])
    nb.metadata["title"] = "warm"
    resources = {"digimotor": {"header": "", "footer": ""}, "metadata": {"name": "warm"}}
    exporter(show_code, lang).from_notebook_node(nb, resources=resources)






def failure_banner(failure: Mapping[str, Any], lang: str = "sv") -> str:
    """The red banner of a failed page, linking to the failing cell when it is known."""
    where = f" {label('failed.cell', lang)} {esc(failure.get('cell'))}" if failure.get("cell") else ""
    link = (f' — <a href="#cell-id={esc(failure["cell_id"])}">{label("failed.goto", lang)}</a>'
            if failure.get("cell_id") else "")
    return (f'<div class="dm-banner dm-failed" role="alert"><strong>{label("failed", lang)}{where}:</strong> '
            f'<code>{esc(failure.get("error"))}</code>{link}</div>')


def synthetic_banner(lang: str = "sv") -> str:
    return f'<div class="dm-banner dm-synthetic" role="note">{label("synthetic", lang)}</div>'


def kinds_line(kinds: Sequence[str], lang: str = "sv") -> str:
    if not kinds:
        return ""
    text = ", ".join(KIND_LABELS[k][lang] for k in kinds)
    return f'<p class="dm-kinds">{label("kinds", lang)}: {esc(text)}</p>'


def render_notebook(nb, target: Path, *, name: str, show_code: bool, manifest: Sequence[Mapping[str, Any]],
                    failure: Mapping[str, Any] | None, context: Mapping[str, Any], lang: str | None = None) -> Path:
    """Render an executed notebook to ``target`` with navigation and banners (written atomically).

    The page is in ``lang``, by default the notebook's own ``lang`` parameter (Swedish without
    one): markdown cells tagged for the other language are left out (:func:`labels.in_language`).
    """
    lang = lang or labels.page_language(nb)
    nb = labels.in_language(nb, lang)
    kinds = page_kinds(manifest)
    header = [nav(context, name, lang)]
    if "synthetic" in kinds:
        header.append(synthetic_banner(lang))
    if failure:
        header.append(failure_banner(failure, lang))
    header.append(kinds_line(kinds, lang))
    footer = f'<footer class="dm-footer">{nav(context, name, lang)}</footer>'
    resources = {"digimotor": {"header": "\n".join(header), "footer": footer},
                 "metadata": {"name": nb.metadata.get("title", name)}}
    body, _ = exporter(show_code, lang).from_notebook_node(nb, resources=resources)
    return write_text(target, body)


# ---------------------------------------------------------------------------------------
# Index, scorecard, method
# ---------------------------------------------------------------------------------------


def git_commit(lang: str = "sv") -> str:
    """``<sha>`` of the checkout (``+ local changes`` in ``lang`` if it has any), or ``unknown``."""
    root = project_root()
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + (label("commit.dirty", lang) if dirty else "")


def produced_claims(summaries: Sequence[tuple[Path, Any]]) -> dict[str, float]:
    """The claim values the notebooks of the run recorded (``outputs.record_claims``)."""
    import json

    values: dict[str, float] = {}
    for _path, res in summaries:
        if res is None:
            continue
        for entry in res.manifest:
            if entry.get("entry") == "claims":
                path = project_root() / entry["path"]
                if path.exists():
                    values.update(json.loads(path.read_text(encoding="utf-8")))
    return values


def scorecard(summaries: Sequence[tuple[Path, Any]]) -> pd.DataFrame | None:
    """The claims scorecard from the values the notebooks produced (None without a registry)."""
    from ..errors import DigimotorError

    try:
        claims.load_claims()
    except DigimotorError:
        return None
    produced = produced_claims(summaries)
    card = claims.scorecard(produced=produced)
    return card.drop(columns=["file"], errors="ignore")


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return esc(value)


def scorecard_html(card: pd.DataFrame | None, lang: str = "sv") -> str:
    if card is None:
        return "<p>–</p>"
    counts = card["outcome"].value_counts()
    rows, sections = [], []
    head = "".join(f"<th>{esc(label(f'score.{k}', lang))}</th>"
                   for k in ("id", "exhibit", "claim", "published", "computed", "note"))
    for key, outcomes, sv, en in SCORE_GROUPS:
        n = int(sum(counts.get(o, 0) for o in outcomes))
        title = (sv, en)[labels.LANGS.index(lang)]
        name = f'<a href="#claims-{key}">{esc(title)}</a>' if n else esc(title)
        rows.append(f'<tr class="dm-score-{key}"><td>{name}</td><td>{n}</td></tr>')
        part = card[card["outcome"].isin(outcomes)]
        if part.empty:
            continue
        lines = "".join(
            f"<tr><td>{esc(r.claim_id)}</td><td>{esc(r.exhibit)}</td><td>{esc(r.description)}</td>"
            f"<td>{_fmt(r.published_value)}</td><td>{_fmt(r.computed_value)}</td>"
            f"<td>{esc(r.note or r.raw_text)}</td></tr>"
            for r in part.itertuples()
        )
        sections.append(
            f'<h3 id="claims-{key}">{esc(title)} ({n})</h3><table class="dm-table"><thead><tr>{head}'
            f"</tr></thead><tbody>{lines}</tbody></table>"
        )
    summary = ('<table class="dm-table dm-score"><tbody>' + "".join(rows) + "</tbody></table>"
               '<p><a href="scorecard.csv">scorecard.csv</a></p>')
    return summary + part_summary_html(card, lang) + "".join(sections)




def part_summary_html(card: pd.DataFrame, lang: str = "sv") -> str:
    """Claims per study part and outcome (``claims.part_summary``): how much each part recomputes."""
    table = claims.part_summary(card, lang)
    shown = [o for o, *_ in claims.OUTCOMES if table.loc[table["outcome"] == o, "count"].sum() > 0]
    if not shown:
        return ""
    wide = table.pivot(index="part", columns="outcome", values="count")
    names = dict(zip(table["outcome"], table["label"], strict=False))
    head = "".join(f'<th title="{esc(names[o])}">{esc(names[o].split(":")[0])}</th>' for o in shown)
    body = "".join(
        f"<tr><td>{esc(_part_label(part, lang))}</td>" + "".join(f"<td>{int(wide.loc[part, o])}</td>" for o in shown) + "</tr>"
        for part in wide.index
    )
    title = label("parts", lang)
    return (f'<h3 id="claims-per-part">{esc(title)}</h3><table class="dm-table dm-parts"><thead><tr>'
            f"<th>{esc(label('part', lang))}</th>{head}</tr></thead><tbody>{body}</tbody></table>")




def _copy_exhibit_files(site_dir: Path, summaries) -> dict[str, list[str]]:
    """Copy each table and figure a notebook wrote into ``files/``; return name -> site paths."""
    root = project_root()
    files: dict[str, list[str]] = {}
    (site_dir / "files").mkdir(exist_ok=True)
    for _path, res in summaries:
        if res is None:
            continue
        for entry in res.manifest:
            paths = [entry["path"]] if entry.get("entry") == "table" else entry.get("paths", [])
            if entry.get("entry") not in ("table", "figure"):
                continue
            for rel in paths:
                src = root / rel
                if src.exists():
                    shutil.copy2(src, site_dir / "files" / src.name)
                    files.setdefault(entry["name"], []).append(f"files/{src.name}")
    return files


def _exhibit_label(name: str, lang: str) -> str:
    from .exhibits import exhibit_label

    return exhibit_label(name, lang)


def _run_region(summaries: Sequence[tuple[Path, Any]]) -> tuple[str, tuple[str, ...]]:
    """(name, municipality codes) of the ``region`` parameter of the first notebook that has one."""
    from ..params import run_values
    from .verdicts import _region_codes

    for path, res in summaries:
        if res is None:
            continue
        values = run_values(path, res.parameters)
        if "region" in values:
            name, codes = _region_codes(values["region"])
            return name, tuple(sorted(codes))
    return "", ()


def run_language(summaries: Sequence[tuple[Path, Any]]) -> str:
    """The run's language: the ``lang`` parameter (given, else the schema's default) of the first
    notebook that ran with one; Swedish without any."""
    from ..params import run_values

    for path, res in summaries:
        if res is None:
            continue
        values = run_values(path, res.parameters)
        if values.get("lang") in labels.LANGS:
            return str(values["lang"])
    return "sv"


def preparation(old_site: Path, summaries: Sequence[tuple[Path, Any]]) -> list[Callable[[], Any]]:
    """Steps that read now what :func:`build_site` will need of pages that stay as they are.

    ``summaries`` pairs notebooks that do not run again with their results; ``old_site`` is the
    current site, whose pages they keep. The runner takes these steps one at a time while the
    other notebooks run: each page's heading anchors, its executed notebook, the page methods
    of :mod:`digimotor.parts` and the tables the municipality profiles read are then kept by
    content (:mod:`.memo`, so a file that changes meanwhile is read again), and the libraries
    the exports use are imported (a forked exports process finds them loaded). A step that
    fails leaves the work to :func:`build_site` (which meets and reports the problem as before).
    """
    import importlib

    from .exhibits import PARTS_DIR, _executed_notebook, _page_code, page_anchors, page_methods
    from .profiles import read_table

    root = project_root()
    kept = [(path, res) for path, res in summaries if res is not None]

    def page(path: Path) -> None:
        page_anchors(old_site / f"{path.stem}.html")
        nb = _executed_notebook(path.stem, path, old_site)
        _page_code(nb) if nb else None

    def tables(res: Any) -> None:
        for entry in res.manifest:
            if entry.get("entry") == "table" and entry.get("path"):
                with contextlib.suppress(Exception):
                    read_table(root / entry["path"])

    steps: list[Callable[[], Any]] = [functools.partial(page, path) for path, _res in kept]
    steps += [functools.partial(page_methods, module.stem) for module in sorted(PARTS_DIR.glob("*.py"))]
    steps += [functools.partial(tables, res) for _path, res in kept]
    steps += [functools.partial(importlib.import_module, name) for name in ("openpyxl", "pptx", "PIL.Image")]
    return steps


def build_site(site_dir: Path, summaries: Sequence[tuple[Path, Any]], *, show_code: bool = False,
               lang: str | None = None, titles: Mapping[str, str] | None = None,
               titles_by_lang: Mapping[str, Mapping[str, str]] | None = None) -> pd.DataFrame | None:
    """Write ``index.html``, ``method.html``, ``style.css``, ``scorecard.csv`` and ``files/`` into ``site_dir``.

    ``summaries`` pairs every notebook with its :class:`~digimotor.run.NotebookResult`
    (or None if it has never run). ``titles`` maps notebook names to their titles (the runner
    reads them, :func:`digimotor.run.notebook_title`); a notebook without one is shown by its
    name; ``titles_by_lang`` gives them per language, and the titles of the site's language win.
    The site is in ``lang``, by default the run's (:func:`run_language`: the notebooks' ``lang``
    parameter), so a ``lang=en`` run has an English index and Method page. Returns the claims scorecard.
    """
    from .. import __version__
    from ..params import run_values

    lang = lang or run_language(summaries)
    titles = {**(titles or {}), **((titles_by_lang or {}).get(lang) or {})}

    def _title(path: Path) -> str:
        return titles.get(path.stem, path.stem)

    context = {"notebooks": [(p.stem, _title(p)) for p, _ in summaries],
               "by_lang": {code: [(p.stem, (titles_by_lang or {}).get(code, {}).get(p.stem, _title(p)))
                                  for p, _ in summaries] for code in (titles_by_lang or {})}}
    for asset in ASSETS:
        shutil.copy2(SITE_DIR / asset, site_dir / asset)
    for path, _res in summaries:  # a notebook that has never run still gets a page to link to
        if not (site_dir / f"{path.stem}.html").exists():
            text = (f"<h1>{esc(_title(path))}</h1><p>{label('not_run', lang).capitalize()}: "
                    f"<code>digimotor reproduce --only {esc(path.stem)}</code></p>")
            write_text(site_dir / f"{path.stem}.html", page(_title(path), text, context, path.stem, lang))
    files = _copy_exhibit_files(site_dir, summaries)

    # run card: status per notebook, parameters, inputs
    status_rows, param_rows, inputs = [], [], {}
    for path, res in summaries:
        name = path.stem
        link = f'<a href="{esc(name)}.html">{esc(_title(path))}</a>'
        if res is None:
            status_rows.append(f"<tr><td>{link}</td><td>{label('not_run', lang)}</td><td>–</td><td></td></tr>")
            continue
        state = label("done", lang) if res.status == "done" else label("failed.status", lang)
        if res.cached:
            state += f" · {label('cached', lang)}"
        error = ""
        if res.status != "done":
            anchor = f"{name}.html#cell-id={res.cell_id}" if res.cell_id else f"{name}.html"
            cell = f"cell {res.cell}: " if res.cell else ""
            error = f'<a href="{esc(anchor)}">{esc(cell + res.error)}</a>'
        css = "dm-ok" if res.status == "done" else "dm-bad"
        status_rows.append(f'<tr class="{css}"><td>{link}</td><td>{esc(state)}</td>'
                           f"<td>{res.seconds:.1f}</td><td>{error}</td></tr>")
        values = run_values(path, res.parameters)
        given = set(res.parameters or {})
        shown = ", ".join(f"{'<strong>' if k in given else ''}{esc(k)}={esc(repr(v))}{'</strong>' if k in given else ''}"
                          for k, v in values.items())
        param_rows.append(f"<tr><td>{esc(name)}</td><td><code>{shown}</code></td></tr>")
        for entry in res.manifest:
            if entry.get("entry") == "input":
                item = inputs.setdefault(entry["path"], {"kind": entry.get("kind"), "sha256": entry.get("sha256"),
                                                         "used": []})
                if name not in item["used"]:
                    item["used"].append(name)
    input_rows = "".join(
        f"<tr><td><code>{esc(p)}</code></td><td>{esc(KIND_LABELS.get(i['kind'], {}).get(lang, i['kind']))}</td>"
        f"<td><code title=\"{esc(i['sha256'])}\">{esc((i['sha256'] or '')[:16])}…</code></td>"
        f"<td>{esc(', '.join(i['used']))}</td></tr>"
        for p, i in sorted(inputs.items())
    ) or f'<tr><td colspan="4">{label("none", lang)}</td></tr>'

    # exhibits
    exhibit_rows = []
    for path, res in summaries:
        if res is None:
            continue
        seen = set()
        for entry in res.manifest:
            if entry.get("entry") not in ("table", "figure") or entry["name"] in seen:
                continue
            seen.add(entry["name"])
            links = " ".join(f'<a href="{esc(f)}">{esc(Path(f).suffix[1:])}</a>' for f in files.get(entry["name"], []))
            # a figure has no kind of its own: that of the table of the same name, else the page's
            same = [e["kind"] for e in res.manifest if e.get("entry") == "table" and e.get("name") == entry["name"]]
            kinds = [entry["kind"]] if entry.get("kind") else same[:1] or page_kinds(res.manifest)
            page_wide = not entry.get("kind") and not same
            exhibit_rows.append(
                f"<tr><td>{esc(_exhibit_label(entry['name'], lang))}</td><td><code>{esc(entry['name'])}</code></td>"
                f'<td><a href="{esc(path.stem)}.html">{esc(_title(path))}</a></td><td>{links}</td>'
                f"<td>{esc(', '.join(KIND_LABELS[k][lang] for k in kinds))}"
                f"{label('page_kinds', lang) if page_wide and len(kinds) > 1 else ''}</td></tr>"
            )
    exhibits = "".join(exhibit_rows) or f'<tr><td colspan="5">{label("none", lang)}</td></tr>'

    from .verdicts import conclusion_verdicts, findings_section, run_regions

    verdicts = conclusion_verdicts(summaries)
    if verdicts is not None:
        write_text(site_dir / "conclusions.csv", verdicts.to_csv(index=False, lineterminator="\n"))
    from ..exports import start_site_exports

    # the workbooks and the deck are written in a forked process while the index is built
    downloads = start_site_exports(site_dir, summaries, lang=lang, verdicts=verdicts, titles=titles)
    card = scorecard(summaries)
    if card is not None:
        write_text(site_dir / "scorecard.csv", card.to_csv(index=False, lineterminator="\n"))
    from ..study.file import study_title

    title = study_title() or TITLE  # a study folder's site is titled for its study
    regions = run_regions(summaries)
    claims_html = scorecard_html(card, lang) if not regions else (  # the report's claims are its region's
        f"<p>{esc(label('scorecard.other_region', lang))} (<a href=\"scorecard.csv\">scorecard.csv</a>)</p>")
    intro = (labels.label("site.index.intro.study", lang, title=esc(title)) if title != TITLE
             else label("index.intro.fyrbodal", lang))

    from .exhibits import exhibit_index
    from .gallery import gallery_html
    from .profiles import build_profiles, profiles_index_html

    exhibit_list = exhibit_index(site_dir, summaries)
    gallery = gallery_html(site_dir, summaries, exhibit_list, card, lang, titles=titles)
    units = build_profiles(site_dir, summaries, exhibit_list, context, region=_run_region(summaries), lang=lang)
    downloads = downloads()
    body = f"""
<header class="dm-hero"><h1>{esc(title)}</h1>
<p>{intro}. {label("index.kinds", lang)}
<a href="method.html">{label("index.method_link", lang)}</a></p></header>
{findings_section(verdicts, regions, lang)}
{gallery}
{profiles_index_html(units, lang)}
<section><h2>{label("exhibits", lang)}</h2>
<table class="dm-table"><thead><tr><th>{label("exhibit", lang)}</th><th>{label("file", lang)}</th><th>{label("page", lang)}</th>
<th>{label("files", lang)}</th><th>{label("kind", lang)}</th></tr></thead><tbody>{exhibits}</tbody></table>
{downloads}</section>
<section><h2>{label("scorecard", lang)}</h2>
<p>{label("index.scorecard", lang)}</p>
{claims_html}</section>
<section id="run-card"><h2>{label("runcard", lang)}</h2>
<table class="dm-table"><tbody>
<tr><th>{label("commit", lang)}</th><td><code>{esc(git_commit(lang))}</code></td></tr>
<tr><th>{label("version", lang)}</th><td><code>{esc(__version__)}</code></td></tr>
</tbody></table>
<h3>{label("notebook", lang)}</h3>
<table class="dm-table"><thead><tr><th>{label("notebook", lang)}</th><th>{label("status", lang)}</th>
<th>{label("seconds", lang)}</th><th></th></tr></thead><tbody>{"".join(status_rows)}</tbody></table>
<h3>{label("params", lang)}</h3><p>{label("index.params_bold", lang)}</p>
<table class="dm-table"><tbody>{"".join(param_rows)}</tbody></table>
<h3>{label("inputs", lang)}</h3>
<table class="dm-table"><thead><tr><th>{label("file", lang)}</th><th>{label("kind", lang)}</th><th>sha256</th>
<th>{label("used_by", lang)}</th></tr></thead><tbody>{input_rows}</tbody></table></section>
"""
    write_text(site_dir / "index.html", page(title, body, context, "index", lang))
    method = (SITE_DIR / f"method.{lang}.html.part").read_text(encoding="utf-8")
    write_text(site_dir / "method.html", page(label("method", lang) + " · " + title, method, context, "method", lang))
    return card



