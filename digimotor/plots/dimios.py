"""DiMiOS figures: Figure 10 (spider), Figure 11 (capability × legacy plane), CI bars, Figure 13."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels
from ..errors import DigimotorError
from ..model.dimios import AREAS, DIMENSIONS
from ..numbers import decimal_comma
from ..provenance import kind_and_source, kind_of
from .style import PALETTE, label, many_units, mark_kind, new_axes, unnamed_units_note

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LABELS = labels.table("plots_dimios")
_LANG_INDEX = {"sv": 0, "en": 1}


def area_name(area: str, lang: str = "sv") -> str:
    """The area's name in ``lang`` (areas and dimensions)."""
    if area in AREAS:
        return AREAS[area][_LANG_INDEX[lang]]
    return DIMENSIONS[area][_LANG_INDEX[lang]]


def spider(profiles: pd.DataFrame, *, national_pct: float | None = None, region: str = "Fyrbodal",
           source: str | None = None, lang: str = "sv", ax: Axes | None = None) -> Axes:
    """Figure 10: lowest, highest and mean score of the six areas on a spider chart.

    Parameters
    ----------
    profiles
        Rows ``lowest``, ``highest``, ``mean``; columns the six area ids
        (:func:`digimotor.metrics.dimios.figure9_profile`).
    national_pct
        The national maturity level, written as an annotation (the report gives no national
        area profile, so none is drawn).
    """
    kind, source = kind_and_source(profiles, source, "the data of spider()")
    import matplotlib.pyplot as plt
    import numpy as np

    from .style import apply_style

    if ax is None:
        apply_style()
        _fig, ax = plt.subplots(figsize=(7.5, 7), subplot_kw={"projection": "polar"}, layout="constrained")
    areas = list(AREAS)
    angles = np.linspace(0, 2 * np.pi, len(areas), endpoint=False)
    closed = np.append(angles, angles[0])
    styles = {
        "lowest": (PALETTE["negative"], "--", label("lowest", lang, LABELS)),
        "highest": (PALETTE["positive"], "--", label("highest", lang, LABELS)),
        "mean": (PALETTE["base"], "-", label("mean", lang, LABELS).format(region=region)),
    }
    for row, (colour, dash, text) in styles.items():
        values = profiles.loc[row, areas].to_numpy(dtype=float)
        ax.plot(closed, np.append(values, values[0]), color=colour, linestyle=dash, marker="o", label=text)
        if row == "mean":
            ax.fill(closed, np.append(values, values[0]), color=colour, alpha=0.15)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(angles, [f"{area_name(a, lang)}\n({label(AREAS[a][2], lang, LABELS).split(' (')[0]})"
                           for a in areas])
    ax.set_ylim(0, 6)
    ax.set_yticks([1, 2, 3, 4, 5, 6])
    ax.tick_params(axis="x", pad=14)
    ax.set_title(label("fig10.title", lang, LABELS), pad=24)
    ax.legend(loc="upper left", bbox_to_anchor=(-0.12, 1.12), frameon=False, fontsize=9)
    if national_pct is not None:
        ax.figure.text(0.01, -0.03, label("national", lang, LABELS).format(pct=national_pct), fontsize=8,
                       color=PALETTE["reference"], va="top")
    mark_kind(ax, kind, lang, source)
    return ax


def typology_plane(average: tuple[float, float], *, units: pd.DataFrame | None = None, split: float = 3.5,
                   min_respondents: int | None = None, confidence: float = 0.95, region: str = "Fyrbodal",
                   kind: str, source: str | None = None, lang: str = "sv",
                   ax: Axes | None = None) -> Axes:
    """Figure 11: the capability × legacy plane with the four types, the average and the units.

    Parameters
    ----------
    average
        (capability, legacy) of the regional average.
    units
        Optional per-municipality positions: ``municipality``, ``capability``, ``legacy``,
        ``few_respondents`` and optionally ``capability_low/high``, ``legacy_low/high`` (CI
        bounds, drawn as error bars). ``None`` when the positions are not public. Rows with
        ``suppressed`` true are not drawn; a note under the axes counts them as "..".
    kind
        The data kind of ``average``: two numbers carry no provenance, so the caller says it
        (no default). ``units``, when given, must be of that kind.
    """
    if units is not None and kind_of(units, "the units of typology_plane()") != kind:
        raise DigimotorError(f"typology_plane(): the units are {kind_of(units)} data, the average is {kind}")
    import numpy as np

    ax = new_axes(ax, figsize=(8.5, 7.5))
    shades = {"A": "#f3d9d9", "B": "#fdf0d5", "C": "#e3e8f4", "D": "#dcefdc"}
    spans = {"A": ((1, split), (1, split)), "B": ((1, split), (split, 6)),
             "C": ((split, 6), (1, split)), "D": ((split, 6), (split, 6))}
    for letter, ((x0, x1), (y0, y1)) in spans.items():
        ax.fill_between([x0, x1], y0, y1, color=shades[letter], zorder=0)
        ax.text((x0 + x1) / 2, y1 - 0.12, "\n".join(label(f"type.{letter}", lang, LABELS).split(": ")),
                ha="center", va="top", fontsize=9, color="#333333", zorder=1)
    ax.axvline(split, color=PALETTE["reference"], lw=1)
    ax.axhline(split, color=PALETTE["reference"], lw=1)
    ax.text(split + 0.03, 1.05, decimal_comma(label("split", lang, LABELS).format(split=split), lang), fontsize=8,
            color=PALETTE["reference"])
    level = f"{100 * confidence:g}"
    withheld = 0
    if units is not None and "suppressed" in units:
        hidden = units["suppressed"].astype(bool)
        withheld = int(hidden.sum())
        units = units[~hidden.to_numpy()]
    if withheld:
        from ..metrics.suppression import note

        ax.figure.text(0.01, -0.022, note(withheld, min_respondents or 0, lang), fontsize=8, color="#333333",
                       va="top")  # under the source line that mark_kind writes at the bottom edge
    if units is not None and len(units):
        colour = PALETTE["synthetic"] if kind == "synthetic" else PALETTE["target"]
        if {"capability_low", "capability_high"} <= set(units.columns):
            xerr = np.vstack([units["capability"] - units["capability_low"], units["capability_high"] - units["capability"]])
            yerr = np.vstack([units["legacy"] - units["legacy_low"], units["legacy_high"] - units["legacy"]])
            ax.errorbar(units["capability"], units["legacy"], xerr=np.nan_to_num(xerr), yerr=np.nan_to_num(yerr),
                        fmt="none", ecolor=colour, alpha=0.45, lw=1, zorder=2)
        few = units["few_respondents"].astype(bool) if "few_respondents" in units else np.zeros(len(units), bool)
        ax.scatter(units.loc[~few, "capability"], units.loc[~few, "legacy"], s=40, color=colour, zorder=3,
                   label=label("units", lang, LABELS).format(level=level))
        if few.any():
            ax.scatter(units.loc[few, "capability"], units.loc[few, "legacy"], s=60, facecolor="white",
                       edgecolor=PALETTE["negative"], linewidth=1.5, zorder=3,
                       label=label("few", lang, LABELS).format(n=min_respondents))
        named = () if many_units(len(units)) else units.itertuples()  # 290 names would overlap: see the table
        for row in named:
            ax.annotate(str(row.municipality), (row.capability, row.legacy), xytext=(4, 3),
                        textcoords="offset points", fontsize=7, zorder=4)
    else:
        ax.text(1.1, 1.3, label("no_units", lang, LABELS), fontsize=8, style="italic", color="#333333")
    ax.scatter([average[0]], [average[1]], marker="D", s=90, color=PALETTE["base"], zorder=5,
               label=label("average", lang, LABELS).format(region=region))
    ax.text(1.1, 1.55, label("dimios_average", lang, LABELS), fontsize=8, style="italic", color="#333333")
    ax.set_xlim(1, 6)
    ax.set_ylim(1, 6)
    ax.set_xlabel(label("capability", lang, LABELS))
    if units is not None and many_units(len(units)):  # points without their 290 names (issue 12)
        ax.set_xlabel(label("capability", lang, LABELS) + " · " + unnamed_units_note(len(units), lang))
    ax.set_ylabel(label("legacy", lang, LABELS))
    ax.set_title(label("fig11.title", lang, LABELS))
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    mark_kind(ax, kind, lang, source)
    return ax


def ci_bars(ci: pd.DataFrame, *, confidence: float = 0.95, source: str | None = None,
            lang: str = "sv", ax: Axes | None = None) -> Axes:
    """Regional mean per area and dimension with bootstrap intervals as error bars.

    ``ci`` is :func:`digimotor.metrics.dimios.bootstrap_ci` output (``level == "region"`` rows used).
    """
    kind, source = kind_and_source(ci, source, "the data of ci_bars()")
    import numpy as np

    ax = new_axes(ax, figsize=(9, 4.8))
    region = ci[ci["level"] == "region"].set_index("measure").reindex([*AREAS, *DIMENSIONS])
    x = np.arange(len(region))
    light, dark = ("#b39ddb", PALETTE["synthetic"]) if kind == "synthetic" else (PALETTE["target"], PALETTE["base"])
    colours = [light] * len(AREAS) + [dark] * len(DIMENSIONS)
    err = np.vstack([region["mean"] - region["ci_low"], region["ci_high"] - region["mean"]])
    ax.bar(x, region["mean"], color=colours, width=0.6)
    ax.errorbar(x, region["mean"], yerr=np.nan_to_num(err), fmt="none", ecolor="#222222", capsize=4)
    ax.set_xticks(x, [area_name(m, lang) for m in region.index], rotation=20, ha="right")
    ax.set_ylim(1, 6)
    ax.set_ylabel(label("score", lang, LABELS))
    ax.set_title(label("ci.title", lang, LABELS).format(level=f"{100 * confidence:g}"))
    mark_kind(ax, kind, lang, source)
    return ax


def infosec_management(yes: float, no: float, *, kind: str, source: str | None = None,
                       lang: str = "sv", ax: Axes | None = None) -> Axes:
    """Figure 13: municipalities with and without an established practice (counts, with shares).

    ``kind`` is the data kind of the two counts (numbers carry no provenance; no default).
    """
    ax = new_axes(ax, figsize=(6, 3))
    total = yes + no
    names = [label("yes", lang, LABELS), label("no", lang, LABELS)]
    bars = ax.barh(names, [yes, no], color=[PALETTE["base"], PALETTE["target"]])
    for bar, value in zip(bars, (yes, no), strict=True):
        ax.text(bar.get_width() + 0.1, bar.get_y() + bar.get_height() / 2,
                f"{value:g} ({100 * value / total:.0f} %)", va="center")
    ax.set_xlim(0, total)
    ax.set_xlabel(label("municipalities", lang, LABELS))
    ax.set_title(label("fig13.title", lang, LABELS), fontsize=10)
    mark_kind(ax, kind, lang, source)
    return ax


def table_labels(lang: str) -> dict[str, str]:
    """Column headers of the DiMiOS tables in ``lang``."""
    return {
        "municipality": label("municipality", lang),
        "year": labels.label("plots_dimios_inline.year", lang),
        "n_respondents": labels.label("plots_dimios_inline.respondents", lang),
        "area_name": label("area", lang, LABELS),
        "profile_name": labels.label("plots_dimios_inline.profile", lang),
        "lowest": label("lowest", lang, LABELS),
        "highest": label("highest", lang, LABELS),
        "mean": labels.label("plots_dimios_inline.mean", lang),
        "capability": label("capability", lang, LABELS).split(" (")[0],
        "legacy": label("legacy", lang, LABELS).split(" (")[0],
        "mean_score": labels.label("plots_dimios_inline.mean_of_all_areas", lang),
        "maturity_pct[mean/6]": labels.label("plots_dimios_inline.maturity_mean_6", lang),
        "maturity_pct[(mean-1)/5]": labels.label("plots_dimios_inline.maturity_mean_1_5", lang),
        "dimios_type": labels.label("plots_dimios_inline.type", lang),
        "few_respondents": labels.label("plots_dimios_inline.few_respondents", lang),
        "suppressed": labels.label("plots_dimios_inline.suppressed", lang),
        "measurement": labels.label("plots_dimios_inline.measurement", lang),
        "measure": labels.label("plots_dimios_inline.measure", lang),
        "n_municipalities": labels.label("plots_dimios_inline.municipalities", lang),
        "n_pairs": labels.label("plots_dimios_inline.municipalities_in_both", lang),
        "mean_change": labels.label("plots_dimios_inline.mean_change", lang),
        "wilcoxon_p": "Wilcoxon p",
        "capability_before": (labels.label("plots_dimios_inline.capability_before", lang)),
        "capability_after": (labels.label("plots_dimios_inline.capability_after", lang)),
        "capability_change": (labels.label("plots_dimios_inline.capability", lang)),
        "legacy_before": (labels.label("plots_dimios_inline.legacy_before", lang)),
        "legacy_after": (labels.label("plots_dimios_inline.legacy_after", lang)),
        "legacy_change": (labels.label("plots_dimios_inline.legacy", lang)),
        "dimios_type_before": (labels.label("plots_dimios_inline.type_before", lang)),
        "dimios_type_after": (labels.label("plots_dimios_inline.type_after", lang)),
        "measure_name": labels.label("plots_dimios_inline.measure", lang),
        "ci_low": labels.label("plots_dimios_inline.ci_low", lang),
        "ci_high": labels.label("plots_dimios_inline.ci_high", lang),
        "n": "n",
        "shift": labels.label("plots_dimios_inline.shift", lang),
        "n_changed": labels.label("plots_dimios_inline.change_type", lang),
        "changed": labels.label("plots_dimios_inline.which", lang),
        "n_A": "A", "n_B": "B", "n_C": "C", "n_D": "D",
        "statement_sv": labels.label("plots_dimios_inline.statement_swedish", lang),
        "sd": labels.label("plots_dimios_inline.standard_deviation", lang),
        "sd_raw_text": labels.label("plots_dimios_inline.ocr_text", lang),
        "description": labels.label("plots_dimios_inline.description", lang),
        "value": labels.label("plots_dimios_inline.value", lang),
        "unit": labels.label("plots_dimios_inline.unit", lang),
        "raw_text": labels.label("plots_dimios_inline.ocr_text", lang),
        "status": "Status",
    }


def profile_names(lang: str) -> dict[str, str]:
    """Display names of Figure 9's three profiles (``lowest``, ``highest``, ``mean``)."""
    return {"lowest": label("lowest", lang, LABELS), "highest": label("highest", lang, LABELS),
            "mean": labels.label("plots_dimios_inline.mean", lang)}


def for_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy for :func:`digimotor.outputs.present`: years as text, flags as ⚠, profile names translated."""
    out = frame.copy()
    if "year" in out:
        out["year"] = out["year"].astype("string")
    if "few_respondents" in out:
        out["few_respondents"] = out["few_respondents"].map({True: "⚠", False: ""}).astype("string")
    if "profile" in out:
        out["profile"] = out["profile"].map(profile_names(lang)).astype("string")
    return out
