"""The collaboration plan (matrix of scenarios and roles) and the collaboration stairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .. import labels
from ..provenance import kind_and_source
from .style import label, many_units, mark_kind, new_axes, thin_unit_ticks, unit_figure_length

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

#: One colour per scenario code (-1 too few, 0 own capability, 1–5 the report's scenarios).
SCENARIO_COLOURS = {-1: "#eeeeee", 0: "#d9d9d9", 1: "#a6cee3", 2: "#fdbf6f", 3: "#b2df8a", 4: "#fb9a99",
                    5: "#cab2d6"}
ROLE_MARKERS = {"lead": "▲", "receiver": "▼", "partner": "●", "unassigned": "×"}
#: The same roles as matplotlib markers (a plan of more than 40 municipalities draws points, not glyphs).
ROLE_POINTS = {"lead": "^", "receiver": "v", "partner": "o", "unassigned": "x"}

LABELS = labels.table("plots_scenarios")


def table_labels(lang: str, columns: Sequence[str]) -> dict[str, str]:
    """Translated headers for ``columns``."""
    return {c: label(c, lang, LABELS) for c in columns}


def translated(values: pd.Series, prefix: str, lang: str = "sv") -> pd.Series:
    """Translate coded values (``clear``, ``stated``, ``strength`` …) with the ``<prefix>.<value>`` labels."""
    return values.map(lambda v: label(f"{prefix}.{v}", lang, LABELS) if f"{prefix}.{v}" in LABELS else v)


def scenario_label(code: int, scenario_names: Mapping[int, str], lang: str = "sv") -> str:
    """Display name of a scenario code: the report's name for 1–5, the engine's for −1 and 0."""
    if code in (-1, 0):
        return label(f"scenario.{code}", lang, LABELS)
    return f"{code} · {scenario_names[code]}"


def plan_matrix(
    table: pd.DataFrame,
    roles: pd.DataFrame,
    names: Mapping[str, str],
    scenario_names: Mapping[int, str],
    *,
    municipalities: Sequence[str] | None = None,
    municipality_names: Mapping[str, str] | None = None,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """The plan as a matrix: capabilities (rows, grouped by scenario) × municipalities (columns).

    Cell colour = the capability's scenario; symbol = the municipality's role (▲ lead,
    ▼ receiver, ● partner, × receiver without a lead).

    Parameters
    ----------
    table, roles
        :attr:`ScenarioResult.table` and :attr:`ScenarioResult.roles`.
    names
        Capability id -> display name. ``scenario_names``: scenario 1–5 -> name.
    """
    kind, source = kind_and_source(table, source, "the data of plan_matrix()")
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    ordered = table.sort_values(["scenario", "capability"], kind="stable")
    capabilities = list(ordered["capability"])
    codes = list(municipalities) if municipalities is not None else sorted(roles["municipality_code"].unique())
    many = many_units(len(codes))  # a national plan: capped width, role markers, every k-th name
    width = unit_figure_length(len(codes), 0.5, 5) if many else max(8.0, 0.5 * len(codes) + 5)
    ax = new_axes(ax, figsize=(width, max(6.0, 0.3 * len(capabilities) + 2.5)))
    scenario_codes = sorted(SCENARIO_COLOURS)
    colour_index = {code: i for i, code in enumerate(scenario_codes)}
    grid = np.array([[colour_index[int(s)]] * len(codes) for s in ordered["scenario"]], dtype=float)
    cmap = ListedColormap([SCENARIO_COLOURS[c] for c in scenario_codes])
    ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(scenario_codes) - 0.5, aspect="auto")
    row_of = {c: i for i, c in enumerate(capabilities)}
    col_of = {c: j for j, c in enumerate(codes)}
    shown_names = [(municipality_names or {}).get(c, c) for c in codes]
    if many:
        kept = roles[roles["capability"].isin(row_of) & roles["municipality_code"].isin(col_of)]
        for role, part in kept.groupby("role", sort=True):
            ax.scatter(part["municipality_code"].map(col_of), part["capability"].map(row_of), s=4, linewidths=0.4,
                       marker=ROLE_POINTS[role], color="#222222")
        thin_unit_ticks(ax, shown_names, axis="x", lang=lang, rotation=60)
    else:
        for rec in roles.itertuples(index=False):
            if rec.capability in row_of and rec.municipality_code in col_of:
                ax.text(col_of[rec.municipality_code], row_of[rec.capability], ROLE_MARKERS[rec.role],
                        ha="center", va="center", fontsize=8, color="#222222")
        ax.set_xticks(range(len(codes)), shown_names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(capabilities)), [names.get(c, c) for c in capabilities], fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(codes)) if not many else [], minor=True)
    ax.set_yticks(np.arange(-0.5, len(capabilities)), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    ax.set_title(label("plan.title", lang, LABELS))
    present = sorted(set(int(s) for s in ordered["scenario"]))
    handles = [Patch(color=SCENARIO_COLOURS[c], label=scenario_label(c, scenario_names, lang)) for c in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8,
              title=label("plan.roles", lang, LABELS), title_fontsize=7)
    mark_kind(ax, kind, lang, source)
    return ax


def samtrappan_stairs(
    placement: pd.DataFrame,
    steps: pd.DataFrame,
    *,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """The five steps of samtrappan as a staircase with the existing collaborations on their step.

    Collaborations placed by the report are written in bold, the project's readings in
    italics; ended ones are marked.
    """
    kind, source = kind_and_source(placement, source, "the data of samtrappan_stairs()")
    ax = new_axes(ax, figsize=(11, 6))
    name_col = labels.column("name", lang)
    ordered = steps.sort_values("step")
    for rec in ordered.itertuples(index=False):
        ax.bar(rec.step, rec.step, width=0.96, color="#dbe7f3", edgecolor="#1f4e79")
        ax.text(rec.step, 0.15, getattr(rec, name_col), ha="center", va="bottom", fontsize=10, fontweight="bold",
                color="#1f4e79")
    for step, group in placement.groupby("step"):
        for k, rec in enumerate(group.itertuples(index=False)):
            suffix = f" ({label('stairs.ended', lang, LABELS)})" if rec.status == "ended" else ""
            stated = rec.placement_basis == "stated"
            ax.text(step, step + 0.15 + 0.42 * k, str(rec.name) + suffix, ha="center", va="bottom", fontsize=8,
                    fontweight="bold" if stated else "normal", style="normal" if stated else "italic",
                    wrap=True)
    ax.set_xlim(0.4, 5.6)
    most = int(placement.groupby("step").size().max()) if len(placement) else 0  # a study without ties: none
    ax.set_ylim(0, 5 + 0.5 + 0.42 * max(1, most))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(label("stairs.title", lang, LABELS))
    ax.text(0.45, ax.get_ylim()[1] - 0.3,
            label("stairs.legend", lang, LABELS).format(stated=label("stairs.stated", lang, LABELS),
                                                        reading=label("stairs.reading", lang, LABELS)),
            fontsize=8, va="top")
    mark_kind(ax, kind, lang, source)
    return ax


def sweep_shares(
    capabilities: pd.DataFrame,
    names: Mapping[str, str],
    scenario_names: Mapping[int, str],
    *,
    n_settings: int,
    seed: int,
    source: str | None = None,
    lang: str = "sv",
    ax: Axes | None = None,
) -> Axes:
    """Per capability, the share of the sweep's settings recommending each scenario (stacked bars).

    ``capabilities`` is :attr:`digimotor.metrics.sweep.SweepResult.capabilities`. The
    recommendation with the chosen parameters is marked ◆ at its share, and each row is
    labelled robust / leaning / fragile.
    """
    kind, source = kind_and_source(capabilities, source, "the data of sweep_shares()")
    from matplotlib.patches import Patch

    from ..model.scenarios import SCENARIO_CODES

    ordered = capabilities.sort_values(["base_share", "capability"], ascending=[True, True], kind="stable")
    ordered = ordered.reset_index(drop=True)
    ax = new_axes(ax, figsize=(11, max(5.0, 0.3 * len(ordered) + 2.5)))
    left = [0.0] * len(ordered)
    for code in SCENARIO_CODES:
        widths = ordered[f"share_{code}"].to_numpy()
        ax.barh(range(len(ordered)), widths, left=left, color=SCENARIO_COLOURS[code], edgecolor="white",
                linewidth=0.4, height=0.8)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, rec in enumerate(ordered.itertuples(index=False)):
        before = SCENARIO_CODES[:SCENARIO_CODES.index(int(rec.base_scenario))]
        start = sum(float(ordered.loc[y, f"share_{c}"]) for c in before)
        ax.text(start + rec.base_share / 2, y, "◆", ha="center", va="center", fontsize=8, color="#222222")
        ax.text(1.01, y, f"{label('robustness.' + rec.robustness, lang, LABELS)} "
                f"({rec.base_share * 100:.0f} %)".replace(".", ","), va="center", fontsize=7,
                transform=ax.get_yaxis_transform())
    ax.set_yticks(range(len(ordered)), [names.get(c, c) for c in ordered["capability"]], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(label("sweep.xlabel", lang, LABELS).format(n=n_settings, seed=seed))
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v * 100:.0f} %")
    ax.set_title(label("sweep.title", lang, LABELS))
    present = [c for c in SCENARIO_CODES if ordered[f"share_{c}"].sum() > 0]
    handles = [Patch(color=SCENARIO_COLOURS[c], label=scenario_label(c, scenario_names, lang)) for c in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.12, 1.0), frameon=False, fontsize=8,
              title=label("sweep.base", lang, LABELS) + "\n" + label("sweep.bands", lang, LABELS), title_fontsize=7)
    ax.grid(axis="y", visible=False)
    mark_kind(ax, kind, lang, source)
    return ax
