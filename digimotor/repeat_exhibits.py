"""Repeat-measurement exhibits the notebooks call in one line: region notes and change exhibits.

Notebook cells hold no branching on what the data contain (CONTRIBUTING, *Notebooks*): the
choices live here. Each ``*_change`` function returns the items to show (Markdown, tables,
figures) and writes its tables and figure only when ``compare_year`` is set, so the default run
(no comparison) writes nothing new. :func:`show` displays the items.

Rules (issue 12): rows with real SCB codes are filtered to the region and its municipalities
without data are named; pseudonymous (synthetic) units belong to no region and the note says
that the region does not apply; summaries are per measurement; the change between two
measurements is paired per municipality (:mod:`digimotor.metrics.change`), municipalities in
one measurement only are listed. Tables and figures read the data kind from the frames'
provenance (:mod:`digimotor.provenance`), which the metrics keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from . import outputs
from .labels import table as catalogue_table
from .metrics import measurement
from .metrics.measurement import Scope
from .numbers import decimal_comma
from .plots.style import label

if TYPE_CHECKING:
    import pandas as pd

LABELS = catalogue_table("repeat_exhibits")


#: Table headers of the change exhibits (a column without an entry keeps its name).
COLUMNS = catalogue_table("repeat_exhibits_columns")


#: The columns of an improved / declined summary shown on the page, and their decimals.
_SUMMARY = ("n_pairs", "n_improved", "n_unchanged", "n_declined", "mean_change", "ci_low", "ci_high", "wilcoxon_p")
_DECIMALS = {"mean_change": 2, "ci_low": 2, "ci_high": 2, "wilcoxon_p": 3}


def headers(columns: Sequence[str], lang: str = "sv") -> dict[str, str]:
    """Headers in ``lang`` for ``columns`` (:data:`COLUMNS`; the column's own name otherwise)."""
    return {c: COLUMNS[c][lang] if c in COLUMNS else c for c in columns}


def _text(key: str, lang: str) -> str:
    return label(key, lang, LABELS)


def _number(value: float, lang: str, decimals: int = 2) -> str:
    if value != value:
        return "–"
    text = f"{value:+.{decimals}f}"
    return decimal_comma(text, lang)


def _p(value: float, lang: str) -> str:
    if value != value:
        return "–"
    text = "< 0.001" if value < 0.001 else f"{value:.3f}"
    return decimal_comma(text, lang)


def region_note(scope: Scope, region: str | Sequence[str], lang: str = "sv", *,
                present: Iterable[str] | None = None, year: int | None = None, period: object = None):
    """The page's sentence on the region: the municipalities without data (names, never codes) and
    how many outside it were left out, or, for pseudonyms, that the region does not apply.

    ``present`` are the codes with data in the measurement shown (default: the codes of
    ``scope.frame``, of its rows in ``year`` when given); ``period`` (default ``year``) names
    that measurement.
    """
    place = measurement.region_label(region, lang=lang)
    if not scope.applies:
        return outputs.markdown(_text("region.synthetic", lang), number_lang=lang, region=place)
    if present is None:
        frame = scope.frame if year is None else scope.frame[scope.frame["year"] == year]
        present = frame["municipality_code"]
    codes = [str(c) for c in present]
    missing = scope.missing(codes)
    inside = set(codes) & set(scope.region.codes if scope.region else ())
    period = year if period is None else period
    return outputs.markdown(_text("region.real", lang), number_lang=lang, region=place, n=len(inside),
                            period=_text("period", lang).format(period=period) if period else "",
                            missing=", ".join(missing) or _text("none", lang), outside=len(scope.outside))


def show(items: Iterable[object]) -> None:
    """Display every item (Markdown, a styled table) and show the figures."""
    from IPython.display import display

    for item in items:
        if hasattr(item, "savefig"):  # a matplotlib Figure
            import matplotlib.pyplot as plt

            plt.show()
        else:
            display(item)


def _change_items(exhibit: Mapping[str, pd.DataFrame], *, what: str, before: str, after: str, confidence: float,
                  lang: str) -> list[object]:
    """The sentence on the paired change, the per-municipality table and the one-measurement list."""
    summary = exhibit["summary"].iloc[0]
    unpaired = exhibit["unpaired"]
    listed = {side: ", ".join(unpaired.loc[unpaired["present_in"] == side, "municipality"].astype(str))
              or _text("none", lang) for side in ("before", "after")}
    return [
        outputs.markdown(_text("change", lang), number_lang=lang, what=what, before=before, after=after, n=int(summary["n_pairs"]),
                         mean=_number(summary["mean_change"], lang), level=f"{100 * confidence:g}",
                         low=_number(summary["ci_low"], lang), high=_number(summary["ci_high"], lang),
                         p=_p(summary["wilcoxon_p"], lang)),
        outputs.markdown(_text("unpaired", lang), number_lang=lang, before=before, after=after, only_before=listed["before"],
                         only_after=listed["after"]),
    ]


def _pairs_for_plot(table: pd.DataFrame, before: str, after: str) -> pd.DataFrame:
    return table.rename(columns={before: "before", after: "after"})[["municipality", "before", "after"]]


def broadband_change(coverage_data: pd.DataFrame, *, year: int, compare_year: int, premises: str,
                     regional_goal: tuple[int, float], national_goal: tuple[int, float], close_within_pp: float,
                     codes: Sequence[str] | None, source: str, lang: str = "sv", n_boot: int = 2000,
                     seed: int = 2021, confidence: float = 0.95) -> list[object]:
    """Notebook 02's change exhibit: the total share per municipality in ``compare_year`` and ``year``
    against the goals (:func:`digimotor.metrics.broadband.change_against_goals`)."""
    from .metrics import broadband
    from .plots import change as change_plots

    if not compare_year:
        return [outputs.markdown(_text("no_comparison", lang), number_lang=lang)]
    measurement.check_comparison(year, compare_year)
    coverage = [broadband.coverage_against_goals(
        coverage_data, y, premises=premises, regional_goal_pct=regional_goal[1], national_goal_pct=national_goal[1],
        close_within_pp=close_within_pp, codes=codes) for y in (compare_year, year)]
    exhibit = broadband.change_against_goals(*coverage, before_year=compare_year, after_year=year,
                                             regional_goal=regional_goal, national_goal=national_goal,
                                             n_boot=n_boot, seed=seed, confidence=confidence)
    for part in ("summary", "municipalities", "unpaired"):
        outputs.write_table(exhibit[part], f"broadband_change_{part}")
    before, after, what = str(compare_year), str(year), _text("broadband.what", lang)
    summary = exhibit["summary"].iloc[0]
    ax = change_plots.unit_change(
        _pairs_for_plot(exhibit["municipalities"], "share_before", "share_after"), what=what, before=before,
        after=after, lines={_text("broadband.regional", lang).format(pct=regional_goal[1]): regional_goal[1],
                            _text("broadband.national", lang).format(pct=national_goal[1]): national_goal[1]},
        source=source, lang=lang)
    outputs.save_figure(ax.figure, "broadband_change")
    return [*_change_items(exhibit, what=what, before=before, after=after, confidence=confidence, lang=lang),
            outputs.markdown(_text("broadband.goals", lang), number_lang=lang, regional=regional_goal[1],
                             met_before=int(summary["meeting_regional_before"]),
                             met_after=int(summary["meeting_regional_after"]), before=before, after=after,
                             on_track=int(summary["on_track_national"]), national=national_goal[1],
                             national_year=national_goal[0]),
            ax.figure,
            outputs.present(exhibit["municipalities"], headers(
                ["municipality", "share_before", "share_after", "change_pp", "pace_pp_per_year", "meets_regional_after",
                 "national_gap_min_after", "national_goal_year_at_pace", "on_track_national"], lang), lang=lang,
                decimals={c: 1 for c in ("share_before", "share_after", "change_pp", "pace_pp_per_year",
                                         "national_gap_min_after", "national_goal_year_at_pace")})]


def tbm_change(ledger: pd.DataFrame, total_cost: pd.DataFrame, *, year: int, compare_year: int,
               allocation_key: str, source: str, lang: str = "sv", n_boot: int = 2000, seed: int = 2021,
               confidence: float = 0.95) -> list[object]:
    """Notebook 04's change exhibit: the central-IT share per municipality in ``compare_year`` and
    ``year`` (:func:`digimotor.metrics.tbm_change.share_change`)."""
    from .metrics import tbm, tbm_change
    from .plots import change as change_plots

    if not compare_year:
        return [outputs.markdown(_text("no_comparison", lang), number_lang=lang)]
    measurement.check_comparison(year, compare_year)
    per_municipality = [tbm.central_it_share_by_municipality(tbm.central_it_share(ledger, total_cost, y), total_cost,
                                                             y, key=allocation_key) for y in (compare_year, year)]
    exhibit = tbm_change.share_change(*per_municipality, before_year=compare_year, after_year=year, n_boot=n_boot,
                                      seed=seed, confidence=confidence)
    for part in ("summary", "municipalities", "unpaired"):
        outputs.write_table(exhibit[part], f"tbm_change_{part}")
    before, after, what = str(compare_year), str(year), _text("tbm.what", lang)
    ax = change_plots.unit_change(_pairs_for_plot(exhibit["municipalities"], "share_before", "share_after"),
                                  what=what, before=before, after=after, source=source, lang=lang)
    outputs.save_figure(ax.figure, "tbm_central_it_change")
    return [*_change_items(exhibit, what=what, before=before, after=after, confidence=confidence, lang=lang),
            ax.figure,
            outputs.present(exhibit["municipalities"], headers(
                ["municipality", "organisation_after", "share_before", "share_after", "change_pp"], lang),
                lang=lang, decimals={"share_before": 2, "share_after": 2, "change_pp": 2})]


def capabilities_change(assessment: pd.DataFrame, *, year: int, compare_year: int, names: Mapping[str, str],
                        source: str, file: str = "", lang: str = "sv", n_boot: int = 2000,
                        seed: int = 2021, confidence: float = 0.95) -> list[object]:
    """Notebook 05's change exhibit: improved / declined per capability and element between the
    measurements ``compare_year`` and ``year`` (:func:`digimotor.metrics.capabilities.capability_change`).

    ``assessment`` is the region's self-assessment with every measurement (the measurements are
    selected here, never pooled).
    """
    from .metrics import capabilities
    from .plots import change as change_plots
    from .regions import display_name

    if not compare_year:
        return [outputs.markdown(_text("no_comparison", lang), number_lang=lang)]
    measurement.check_comparison(year, compare_year)
    chosen = [capabilities.assessment_measurement(assessment, y, file=file, parameter=p).frame
              for y, p in ((compare_year, "compare_year"), (year, "year"))]
    exhibit = capabilities.capability_change(*chosen, n_boot=n_boot, seed=seed, confidence=confidence)
    unpaired = exhibit["unpaired"]
    unpaired.insert(1, "municipality", unpaired["municipality_code"].map(display_name))
    for part in ("capabilities", "elements", "municipalities", "unpaired"):
        outputs.write_table(exhibit[part], f"capabilities_change_{part}")
    before, after = str(compare_year), str(year)
    ax = change_plots.improved_declined(exhibit["capabilities"][["capability", "n_improved", "n_unchanged",
                                                                 "n_declined"]], names, before=before, after=after,
                                        source=source, lang=lang)
    outputs.save_figure(ax.figure, "capabilities_change")
    counts = exhibit["capabilities"][["n_pairs", "n_improved", "n_unchanged", "n_declined"]].sum()
    whole = _whole_municipalities(chosen)
    return [outputs.markdown(_text("capabilities.counts", lang), number_lang=lang, pairs=int(counts["n_pairs"]),
                             improved=int(counts["n_improved"]), unchanged=int(counts["n_unchanged"]),
                             declined=int(counts["n_declined"])),
            outputs.markdown(_text("unpaired", lang), number_lang=lang, before=before, after=after,
                             only_before=", ".join(whole["before"]) or _text("none", lang),
                             only_after=", ".join(whole["after"]) or _text("none", lang)),
            ax.figure,
            outputs.present(exhibit["capabilities"].assign(capability=exhibit["capabilities"]["capability"].map(
                lambda c: names.get(c, c))), headers(["capability", *_SUMMARY], lang), lang=lang,
                decimals=_DECIMALS),
            outputs.present(exhibit["elements"], headers(["element", *_SUMMARY], lang), lang=lang,
                            decimals=_DECIMALS)]



def _whole_municipalities(chosen: Sequence[pd.DataFrame]) -> dict[str, list[str]]:
    """Names of the municipalities assessed in one of the two measurements only."""
    from .regions import display_name

    first, last = (set(frame["municipality_code"].astype(str)) for frame in chosen)
    return {"before": [display_name(c) for c in sorted(first - last)],
            "after": [display_name(c) for c in sorted(last - first)]}
