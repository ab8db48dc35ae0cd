"""Municipality profiles: one page per municipality of the study, ``build/site/kommuner/<code>-<slug>.html``.

A profile holds only the rows of the run's tables (``data/processed``) that belong to that
municipality, matched by SCB code (``municipality_code``); the synthetic examples' pseudonyms
("Kommun 01") get profiles of their own (``kommuner/kommun-01.html``), marked as example data.
Each section says which exhibit the numbers come from (a link to the heading on its page), the
table file, the data kind and the inputs of that kind the page loaded (their provenance titles).
A value withheld by the small-group rule (the table's ``suppressed`` column,
:mod:`digimotor.metrics.suppression`) shows as "..". The pages fit on two A4 sheets when printed
(``style.css``, ``@media print``).
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_text
from ..config import project_root
from ..labels import table as catalogue_table
from .exhibits import Exhibit, input_sources
from .memo import by_content

if TYPE_CHECKING:
    import pandas as pd

PROFILE_DIR = "kommuner"
SUPPRESSED = ".."

LABELS: dict[str, dict[str, str]] = catalogue_table("site_profiles")


def label(key: str, lang: str = "sv") -> str:
    return LABELS[key][lang]


# ---------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A municipality of the study: a real one (SCB code) or a synthetic example (pseudonym)."""

    code: str  # SCB code, or the pseudonym itself ("Kommun 01")
    name: str

    @property
    def example(self) -> bool:
        from ..regions import is_pseudonym

        return is_pseudonym(self.code)

    @property
    def slug(self) -> str:
        from ..regions import fold

        words = re.sub(r"[^a-z0-9]+", "-", fold(self.name)).strip("-")
        return words if self.example else f"{self.code}-{words}"

    @property
    def href(self) -> str:
        return f"{PROFILE_DIR}/{self.slug}.html"

    def heading(self) -> str:
        return self.name if self.example else f"{self.name} ({self.code})"


def _is_example_municipality(text: str) -> bool:
    from ..regions import is_pseudonym

    return is_pseudonym(text) and text.startswith("Kommun ")


def study_units(tables: Mapping[str, pd.DataFrame], region_codes: Sequence[str] = ()) -> list[Unit]:
    """The run's region's municipalities, then every other SCB code and example pseudonym in the tables."""
    from ..errors import DigimotorError
    from ..regions import display_name

    codes: list[str] = list(region_codes)
    examples: list[str] = []
    for frame in tables.values():
        if "municipality_code" not in frame:
            continue
        for value in frame["municipality_code"].dropna().astype(str):
            value = value.strip()
            if re.fullmatch(r"\d{4}", value) and value not in codes:
                codes.append(value)
            elif _is_example_municipality(value) and value not in examples:
                examples.append(value)
    units = []
    for code in codes:
        try:
            units.append(Unit(code, display_name(code)))
        except (DigimotorError, KeyError):
            continue  # not a municipality SCB knows: no profile
    return units + [Unit(name, name) for name in sorted(examples)]


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


def number(value: object, decimals: int = 0, lang: str = "sv", signed: bool = False) -> str:
    """``value`` as people read it: 1 234,5 (sv) or 1,234.5 (en); "–" for none."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–" if value is None or str(value).strip() in ("", "nan") else str(value)
    if math.isnan(x):
        return "–"
    from ..numbers import round_half_up

    x = round_half_up(x, decimals) + 0.0  # as the report rounds (4.25 -> 4.3); no "-0"
    text = f"{x:{'+' if signed else ''},.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
    return text


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() in ("", "nan", "<NA>")


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def cell_text(row: Mapping[str, Any], column: str, fmt: Callable[[object, str], str], lang: str) -> str:
    """One value of a row: ".." when the row is suppressed and the value withheld, "–" when absent."""
    value = row.get(column)
    if _missing(value):
        return SUPPRESSED if _flag(row.get("suppressed", False)) else "–"
    return fmt(value, lang)


def _int(value: object, lang: str) -> str:
    return number(value, 0, lang)


def _signed(value: object, lang: str) -> str:
    return number(value, 0, lang, signed=True)


def _pct(value: object, lang: str) -> str:
    return number(value, 1, lang)


def _pct2(value: object, lang: str) -> str:
    return number(value, 2, lang)


def _signed_pct(value: object, lang: str) -> str:
    return number(value, 1, lang, signed=True)


def _bool(value: object, lang: str) -> str:
    return label("yes" if _flag(value) else "no", lang)


def _text(value: object, lang: str) -> str:
    return str(value)


def rows_of(frame: pd.DataFrame, unit: Unit) -> list[dict[str, Any]]:
    """The rows of ``frame`` about ``unit`` (by ``municipality_code``, else by ``municipality``)."""
    column, by_key, _keys = _unit_index(frame)
    if column is None:
        return []
    return [dict(row) for row in by_key.get(unit.code if column == "municipality_code" else unit.name, ())]


#: Per table (by id, while it lives): its unit column, its rows by unit key, its non-empty keys.
_INDEX: dict[int, tuple[weakref.ref, tuple[str | None, dict[str, list[dict[str, Any]]], frozenset[str]]]] = {}


def _unit_index(frame: pd.DataFrame) -> tuple[str | None, dict[str, list[dict[str, Any]]], frozenset[str]]:
    """``frame``'s rows grouped by their unit key, made once per table (a profile page asks
    every table about every municipality)."""
    known = _INDEX.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    column = "municipality_code" if "municipality_code" in frame else "municipality" if "municipality" in frame else None
    by_key: dict[str, list[dict[str, Any]]] = {}
    keys: frozenset[str] = frozenset()
    if column is not None:
        for key, row in zip(frame[column].astype(str).str.strip(), frame.to_dict("records"), strict=True):
            by_key.setdefault(key, []).append(row)
        keys = frozenset(frame[column].dropna().astype(str).str.strip())
    index, key = (column, by_key, keys), id(frame)
    try:
        _INDEX[key] = (weakref.ref(frame, lambda _ref: _INDEX.pop(key, None)), index)
    except TypeError:  # not weak-referenceable: no cache
        pass
    return index


#: The profile's sections: (key, table(s), [(column, formatter)]); a table may be absent.
FIELDS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, Callable[[object, str], str]], ...]], ...] = (
    ("population", ("fig07_population_forecast",),
     (("population_base", _int), ("population_target", _int), ("change", _signed), ("change_pct", _signed_pct))),
    ("broadband", ("fig14_broadband_coverage", "fig14_households_workplaces"),
     (("share_total_pct", _pct), ("share_outside_urban_pct", _pct), ("regional_gap_pp", _pct),
      ("meets_regional_goal", _bool), ("national_gap_min_pp", _pct), ("workplaces_pct", _pct))),
    ("dimios", ("dimios_municipality_scores", "fig11_dimios_typology"),
     (("dimios_type", _text), ("capability", _pct), ("legacy", _pct), ("n_respondents", _int))),
    ("tbm", ("fig19_central_it_share_by_municipality",), (("organisation", _text), ("share_pct", _pct2))),
)


def capability_names(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    catalogue = tables.get("capabilities_catalogue")
    if catalogue is None or not {"capability_id", "capability"} <= set(catalogue.columns):
        return {}
    return dict(zip(catalogue["capability_id"].astype(str), catalogue["capability"].astype(str), strict=False))


# ---------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------


@dataclass
class _Context:
    tables: dict[str, Any]
    exhibits: dict[str, Exhibit]  # table name -> its exhibit
    inputs: dict[str, list[dict[str, Any]]]  # notebook -> its inputs
    lang: str


def _source_line(ctx: _Context, table: str, kind: str | None) -> str:
    from .frame import KIND_LABELS, esc

    lang = ctx.lang
    exhibit = ctx.exhibits.get(table)
    parts = []
    if exhibit is not None:
        parts.append(f'{label("exhibit", lang)}: <a href="../{esc(exhibit.href)}">{esc(exhibit.title(lang))}</a>')
        kind = kind or exhibit.kind
    parts.append(f'{label("table", lang)}: <a href="../files/{esc(table)}.csv"><code>{esc(table)}.csv</code></a>')
    if kind:
        parts.append(f'{label("kind", lang)}: {esc(KIND_LABELS.get(kind, {}).get(lang, kind))}')
        sources = [s for s in ctx.inputs.get(exhibit.notebook, []) if s["kind"] == kind] if exhibit else []
        if sources:
            parts.append(f'{label("source", lang)}: ' + "; ".join(
                f'{esc(s["title"])} (<code>{esc(s["path"])}</code>)' for s in sources[:3]))
    return f'<p class="dm-source">{" · ".join(parts)}</p>'


def _absent(ctx: _Context, names: Sequence[str], unit: Unit) -> str:
    frames = [ctx.tables[n] for n in names if n in ctx.tables]
    if not frames:
        return f'<p class="dm-none">{label("no_table", ctx.lang)}</p>'
    keys = set()
    for frame in frames:
        keys |= _unit_index(frame)[2]
    why = ""
    units = {k for k in keys if re.fullmatch(r"\d{4}", k) or _is_example_municipality(k)}
    if keys and not units:
        why = " " + label("only_aggregate", ctx.lang)
    elif keys and all(_is_example_municipality(k) for k in keys if k) and not unit.example:
        why = " " + label("only_examples", ctx.lang)
    elif keys and not any(_is_example_municipality(k) for k in keys) and unit.example:
        why = " " + label("only_real", ctx.lang)
    return f'<p class="dm-none">{label("no_row", ctx.lang)}{why}</p>'


def _kind_of(rows: Sequence[Mapping[str, Any]], ctx: _Context, table: str) -> str | None:
    kinds = {str(r.get("data_kind")) for r in rows if not _missing(r.get("data_kind"))}
    if len(kinds) == 1:
        return kinds.pop()
    exhibit = ctx.exhibits.get(table)
    return exhibit.kind if exhibit else None


def _section(key: str, body: str, lang: str) -> str:
    return f'<section class="dm-profile-part" id="{key}"><h2>{label(key, lang)}</h2>{body}</section>'


def _field_section(ctx: _Context, unit: Unit, key: str, names: Sequence[str], fields) -> tuple[str, bool]:
    from .frame import esc

    lang, body, found, suppressed = ctx.lang, [], False, False
    for name in names:
        frame = ctx.tables.get(name)
        if frame is None:
            continue
        rows = rows_of(frame, unit)
        if not rows:
            continue
        row = rows[0]
        lines = []
        for column, fmt in fields:
            if column in frame.columns:
                text = cell_text(row, column, fmt, lang)
                suppressed |= text == SUPPRESSED
                lines.append(f"<tr><th>{esc(label(column, lang))}</th><td>{esc(text)}</td></tr>")
        if lines:
            found = True
            body.append(f'<table class="dm-table dm-facts dm-plain"><tbody>{"".join(lines)}</tbody></table>'
                        + _source_line(ctx, name, _kind_of(rows, ctx, name)))
    if not found:
        shown = [n for n in names if n in ctx.exhibits][:1]
        body = [_absent(ctx, names, unit), *(_source_line(ctx, n, None) for n in shown)]
    return _section(key, "".join(body), lang), suppressed


def _capabilities_section(ctx: _Context, unit: Unit) -> tuple[str, bool]:
    from .frame import esc

    lang, name = ctx.lang, "capabilities_profiles"
    frame = ctx.tables.get(name)
    rows = rows_of(frame, unit) if frame is not None else []
    if not rows:
        return _section("capabilities", _absent(ctx, [name], unit), lang), False
    names = capability_names(ctx.tables)
    suppressed, lists = False, []
    for side in ("strength", "weakness"):
        items = sorted((r for r in rows if r.get("side") == side), key=lambda r: float(r.get("rank") or 0))
        texts = []
        for r in items:
            score = cell_text(r, "score_norm", _pct2, lang)
            suppressed |= score == SUPPRESSED
            texts.append(f"<li>{esc(names.get(str(r.get('capability')), r.get('capability')))} ({esc(score)})</li>")
        lists.append(f'<div><h3>{label(side, lang)}</h3><ol class="dm-compact">{"".join(texts)}</ol></div>')
    body = f'<div class="dm-two">{"".join(lists)}</div>' + _source_line(ctx, name, _kind_of(rows, ctx, name))
    return _section("capabilities", body, lang), suppressed


def _scenarios_section(ctx: _Context, unit: Unit) -> tuple[str, bool]:
    from .frame import esc

    lang, name = ctx.lang, "scenarios_plan"
    frame = ctx.tables.get(name)
    rows = rows_of(frame, unit) if frame is not None else []
    if not rows:
        return _section("scenarios", _absent(ctx, [name], unit), lang), False
    row, names = rows[0], capability_names(ctx.tables)

    def item(text: str) -> str:
        capability, _, other = text.partition("←")
        shown = names.get(capability.strip(), capability.strip())
        return f"{shown} ← {other.strip()}" if other else shown

    lines = []
    counts = scenario_counts(ctx.tables.get("scenarios_table"), unit)
    if counts:
        shown = "; ".join(f"{name} ({number(n, 0, lang)})" for name, n in counts.items())
        lines.append(f"<tr><th>{label('scenario_counts', lang)}</th><td>{esc(shown)}</td></tr>")
    for role in ("lead", "receive", "partner", "unassigned"):
        if role not in frame.columns:
            continue
        value = row.get(role)
        items = [] if _missing(value) else [item(t) for t in str(value).split(";") if t.strip()]
        count = row.get(f"n_{role}")
        n = number(count, 0, lang) if not _missing(count) else str(len(items))
        lines.append(f"<tr><th>{label(role, lang)} ({esc(n)})</th><td>{esc('; '.join(items)) or '–'}</td></tr>")
    body = (f'<table class="dm-table dm-facts dm-plain"><tbody>{"".join(lines)}</tbody></table>'
            + _source_line(ctx, name, _kind_of(rows, ctx, name))
            + (_source_line(ctx, "scenarios_table", None) if counts else ""))
    return _section("scenarios", body, lang), False


def scenario_counts(table: pd.DataFrame | None, unit: Unit) -> dict[str, int]:
    """Scenario name -> number of capabilities in which the engine places ``unit`` (as leader,
    receiver or partner), from ``scenarios_table``; most frequent first."""
    columns = [c for c in ("leads", "receivers", "partners") if table is not None and c in table.columns]
    if table is None or not columns or "scenario_name" not in table.columns:
        return {}
    counts: dict[str, int] = {}
    for row in table.to_dict("records"):
        members = {m.strip() for c in columns if not _missing(row.get(c)) for m in str(row[c]).split(";")}
        if unit.name in members or unit.code in members:
            counts[str(row["scenario_name"])] = counts.get(str(row["scenario_name"]), 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _survey_section(ctx: _Context, unit: Unit) -> tuple[str, bool]:
    from .frame import esc

    lang, name = ctx.lang, "survey_summary_by_municipality"
    frame = ctx.tables.get(name)
    rows = rows_of(frame, unit) if frame is not None else []
    if not rows:
        return _section("survey", _absent(ctx, [name], unit), lang), False
    suppressed, lines = False, []
    for r in rows:
        share = cell_text(r, "above_middle_pct", _pct, lang)
        suppressed |= share == SUPPRESSED
        lines.append(f"<tr><td><code>{esc(r.get('question_id'))}</code></td>"
                     f"<td>{esc(cell_text(r, 'respondents', _int, lang))}</td><td>{esc(share)}</td></tr>")
    body = (f'<table class="dm-table dm-facts"><thead><tr><th>{label("question", lang)}</th><th>{label("respondents", lang)}</th>'
            f'<th>{label("above_middle_pct", lang)} (%)</th></tr></thead><tbody>{"".join(lines)}</tbody></table>'
            + _source_line(ctx, name, _kind_of(rows, ctx, name)))
    return _section("survey", body, lang), suppressed


def profile_body(unit: Unit, ctx: _Context, region: str) -> str:
    """The profile's main content."""
    from .frame import esc

    lang = ctx.lang
    sections, suppressed = [], False
    for key, names, fields in FIELDS:
        html, hidden = _field_section(ctx, unit, key, names, fields)
        sections.append(html)
        suppressed |= hidden
    for render in (_capabilities_section, _scenarios_section, _survey_section):
        html, hidden = render(ctx, unit)
        sections.append(html)
        suppressed |= hidden
    banner = (f'<div class="dm-banner dm-synthetic" role="note">{esc(label("example.banner", lang).format(name=unit.name))}</div>'
              if unit.example else "")
    code = "" if unit.example else f" · {label('code', lang)} <strong>{esc(unit.code)}</strong>"
    note = f'<p class="dm-source">{label("suppressed", lang)}</p>' if suppressed else ""
    return (f'{banner}<header class="dm-profile-head"><h1>{esc(unit.heading())}</h1>'
            f'<p>{label("profile", lang)}{code} · {label("region", lang)}: {esc(region)} · '
            f'<a href="../index.html#profiles">{label("back", lang)}</a></p></header>'
            f'<div class="dm-profile">{"".join(sections)}</div>{note}')


def read_table(path: Path):
    """A table of the run as the profiles read it (a copy: the same bytes are parsed once, :mod:`.memo`)."""
    return by_content(path, "profile_table", _parse_table).copy()


def _parse_table(data: bytes):
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype={"municipality_code": str}, keep_default_na=True)


def _read_tables(exhibits: Sequence[Exhibit]) -> dict[str, Any]:
    import pandas as pd

    root = project_root()
    tables: dict[str, Any] = {}
    for exhibit in exhibits:
        if exhibit.entry != "table" or exhibit.name in tables:
            continue
        try:
            tables[exhibit.name] = read_table(root / exhibit.paths[0])
        except (OSError, ValueError, pd.errors.ParserError):
            continue
    return tables


def build_profiles(site_dir: Path, summaries: Sequence[tuple[Path, Any]], exhibits: Sequence[Exhibit],
                   context: Mapping[str, Any], *, region: tuple[str, Sequence[str]] = ("", ()),
                   lang: str = "sv") -> list[Unit]:
    """Write ``kommuner/<slug>.html`` for every municipality of the run; return the units."""
    from .frame import page

    tables = _read_tables(exhibits)
    ctx = _Context(tables=tables, exhibits={e.name: e for e in exhibits if e.entry == "table"},
                   inputs={p.stem: input_sources(r.manifest) for p, r in summaries if r is not None}, lang=lang)
    units = study_units(tables, region[1])
    out = site_dir / PROFILE_DIR
    out.mkdir(parents=True, exist_ok=True)
    for unit in units:
        body = profile_body(unit, ctx, label("example_region", lang) if unit.example else region[0] or "–")
        title = f"{unit.heading()} · {label('profile', lang)}"
        write_text(out / f"{unit.slug}.html", page(title, body, context, "profile", lang, prefix="../"))
    return units


def profiles_index_html(units: Sequence[Unit], lang: str = "sv") -> str:
    """The index's list of profiles: the real municipalities, then the examples."""
    from .frame import esc

    if not units:
        return ""
    groups = []
    for key, chosen in (("real", [u for u in units if not u.example]), ("examples", [u for u in units if u.example])):
        if chosen:
            links = "".join(f'<li><a href="{esc(u.href)}">{esc(u.heading())}</a></li>' for u in chosen)
            groups.append(f'<h3>{label(key, lang)}</h3><ul class="dm-profile-list">{links}</ul>')
    return (f'<section id="profiles"><h2>{label("profiles", lang)}</h2><p>{label("profiles.intro", lang)}</p>'
            + "".join(groups) + "</section>")
