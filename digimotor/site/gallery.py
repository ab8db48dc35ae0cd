"""The index's gallery: a thumbnail of every figure of the run, grouped by part of the study.

Thumbnails are small PNGs made at site build from the figures the notebooks saved
(``figures/<name>.png`` -> ``build/site/thumbs/<name>.png``, at most :data:`THUMB_SIZE` pixels);
the alt text is the figure's title (the heading above it on its page). A figure that is missing
or unreadable, and a page that failed, show a placeholder with the reason, never a broken image.
Each part has one line: how many of its claims in the registry (``data/claims/<part>.csv``) are
derived (and how many of those agree in this run), transcribed, calibrated and uncertain, and the
data kinds its pages used (the provenance of their inputs and tables, from the run's manifest).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes
from ..config import build_dir, project_root
from ..labels import table as catalogue_table
from .exhibits import Exhibit, _executed_notebook, claim_parts

if TYPE_CHECKING:
    import pandas as pd

#: Largest width and height of a thumbnail, pixels.
THUMB_SIZE = (360, 260)

LABELS: dict[str, dict[str, str]] = catalogue_table("site_gallery")


def label(key: str, lang: str = "sv") -> str:
    return LABELS[key][lang]


def make_thumbnail(source: Path, target: Path, size: tuple[int, int] = THUMB_SIZE) -> str | None:
    """Write a PNG thumbnail of ``source`` to ``target``; return None, or why it could not be made.

    A thumbnail is made once per figure image: it is kept in ``build/cache/thumbs/`` under the
    digest of the image's bytes and its size, and copied from there when the figure has not
    changed since (the same bytes as making it again).
    """
    import hashlib
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        data = source.read_bytes()
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    digest = hashlib.sha256(data + repr(tuple(size)).encode()).hexdigest()
    cached = build_dir() / "cache" / "thumbs" / f"{digest}.png"
    if cached.is_file():
        with contextlib.suppress(OSError):
            write_bytes(target, cached.read_bytes())
            return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            thumb = image.convert("RGBA") if image.mode not in ("RGB", "RGBA") else image.copy()
        thumb.thumbnail(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        thumb.save(out, format="PNG")
    except (OSError, UnidentifiedImageError, ValueError):
        return "unreadable"
    write_bytes(target, out.getvalue())
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        write_bytes(cached, out.getvalue())
    return None


def claim_counts(card: pd.DataFrame | None, part: str) -> dict[str, int]:
    """Registry statuses of ``part``'s claims: derived, equal (derived and reproduced), transcribed,
    calibrated, uncertain."""
    if card is None or "part" not in card:
        return {}
    rows = card[card["part"] == part]
    status = rows["status"] if "status" in rows else rows["outcome"]
    return {
        "derived": int((status == "derived").sum()),
        "equal": int((rows["outcome"] == "reproduced").sum()) if "outcome" in rows else 0,
        "transcribed": int((status == "transcribed").sum()),
        "calibrated": int((status == "calibrated").sum()),
        "uncertain": int((status == "uncertain").sum()),
    }


def claims_line(counts: Mapping[str, int], lang: str = "sv") -> str:
    """"Påståenden: 42 härledda (39 lika i körningen) · 3 transkriberade · 0 kalibrerade · 0 osäkra"."""
    if not counts:
        return ""
    return (f"{label('claims', lang)}: {counts['derived']} {label('derived', lang)} "
            f"({counts['equal']} {label('equal', lang)}) · {counts['transcribed']} {label('transcribed', lang)} · "
            f"{counts['calibrated']} {label('calibrated', lang)} · {counts['uncertain']} {label('uncertain', lang)}")


def _placeholder(reason: str, detail: str, lang: str) -> str:
    from .frame import esc

    text = label(reason, lang)
    more = f"<br><code>{esc(detail)}</code>" if detail else ""
    return f'<div class="dm-thumb-missing" role="img" aria-label="{esc(text)}">{esc(text)}{more}</div>'


def gallery_html(site_dir: Path, summaries: Sequence[tuple[Path, Any]], exhibits: Sequence[Exhibit],
                 card: pd.DataFrame | None, lang: str = "sv", titles: Mapping[str, str] | None = None) -> str:
    """The gallery section of the index; writes the thumbnails into ``site_dir/thumbs``.

    ``titles`` maps notebook names to their titles (as :func:`digimotor.site.build_site` gets them).
    """
    from .frame import KIND_LABELS, _part_label, esc, page_kinds

    def notebook_title(path: Path) -> str:
        return (titles or {}).get(path.stem, path.stem)

    root = project_root()
    groups: dict[str, dict[str, Any]] = {}
    for path, res in summaries:
        nb = _executed_notebook(path.stem, path, site_dir)
        parts = claim_parts(nb, res.manifest if res is not None else [])
        key = parts[0] if parts else "other"
        group = groups.setdefault(key, {"pages": [], "kinds": set(), "cards": []})
        group["pages"].append((path.stem, notebook_title(path)))
        if res is None or res.status != "done":
            reason = "not_run" if res is None else "failed"
            group["cards"].append(
                f'<figure class="dm-thumb"><a href="{esc(path.stem)}.html">'
                f'{_placeholder(reason, "" if res is None else res.error, lang)}</a>'
                f"<figcaption>{esc(notebook_title(path))}</figcaption></figure>")
        if res is not None:
            group["kinds"].update(page_kinds(res.manifest))
            for exhibit in exhibits:
                if exhibit.notebook != path.stem or exhibit.entry != "figure":
                    continue
                pngs = [p for p in exhibit.paths if p.endswith(".png") and not p.endswith(".slide.png")]
                title = exhibit.title(lang)
                problem = make_thumbnail(root / pngs[0], site_dir / "thumbs" / f"{exhibit.name}.png") if pngs else "missing"
                if problem:
                    image = _placeholder(problem, exhibit.name, lang)
                else:
                    image = f'<img src="thumbs/{esc(exhibit.name)}.png" alt="{esc(title)}" loading="lazy">'
                twin = sum(e.entry == "figure" and e.title(lang) == title for e in exhibits) > 1
                name = f'<br><code class="dm-name">{esc(exhibit.name)}</code>' if twin else ""
                group["cards"].append(
                    f'<figure class="dm-thumb"><a href="{esc(exhibit.href)}">{image}</a>'
                    f"<figcaption>{esc(title)}{name}</figcaption></figure>")
    sections = []
    for key, group in groups.items():
        name = _part_label(key, lang) if key != "other" else label("other", lang)
        pages = ", ".join(f'<a href="{esc(stem)}.html">{esc(title)}</a>' for stem, title in group["pages"])
        kinds = [k for k in ("published", "public", "synthetic", "user") if k in group["kinds"]]
        kinds_text = ", ".join(KIND_LABELS[k][lang] for k in kinds) or "–"
        line = claims_line(claim_counts(card, key), lang) if key != "other" else ""
        cards = "".join(group["cards"]) or f"<p>{label('no_figures', lang)}</p>"
        sections.append(
            f'<section class="dm-part" id="part-{esc(key)}"><h3>{esc(name)}</h3>'
            f'<p class="dm-part-line">{esc(line) + " · " if line else ""}{label("kinds", lang)}: {esc(kinds_text)}'
            f' · {label("pages", lang)}: {pages}</p>'
            f'<div class="dm-gallery">{cards}</div></section>')
    return (f'<section id="gallery"><h2>{label("gallery", lang)}</h2><p>{label("gallery.intro", lang)}</p>'
            + "".join(sections) + "</section>")
