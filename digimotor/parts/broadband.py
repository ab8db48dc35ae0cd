"""The page of ``notebooks/02-broadband.ipynb``: Broadband coverage, Figure 14 (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from IPython.display import display

from digimotor import outputs, repeat_exhibits
from digimotor.claims import broadband as broadband_claims
from digimotor.labels import label, text
from digimotor.metrics import broadband, measurement
from digimotor.metrics import broadband_facts as facts_metrics
from digimotor.parts import Page, compare_with_report, prose, show_figure
from digimotor.plots import broadband as broadband_plots
from digimotor.plots import broadband_facts as facts_plots
from digimotor.regions import resolve_region
from digimotor.sources.pts import (
    load_broadband,
    load_broadband_fact_snapshots,
    load_broadband_facts,
    load_broadband_goals,
)

#: The scorecard's columns shown in the closing comparison.
COMPARISON_COLUMNS = tuple(
    "claim_id seed_line published_value relation computed_value outcome note".split()
)


#: Mellerud's SCB code: the one municipality of the report's region whose share public sources give
#: for two years (2018 → 2019, the default facts).
MELLERUD = "1461"


class NotebookPage(Page):
    """``02-broadband``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "02-broadband"
    PARAMETERS = tuple(
        "source facts_source region year compare_year premises close_within_pp lang facts_series_sources".split()
    )

    def setup(self):
        self.coverage_data = load_broadband(self.source)
        self.provenance = self.coverage_data.attrs["provenance"]
        self.kind = self.provenance["kind"]
        self.codes = None if self.kind == "synthetic" else resolve_region(self.region).codes
        self.goals = load_broadband_goals()
        self.facts = load_broadband_facts(self.facts_source)
        self.regional = self.goals[self.goals["goal"] == "regional"].iloc[0]
        self.national = self.goals[self.goals["goal"] == "national"].iloc[0]
        prose(
            text("parts_broadband.data_path_kind_kind_facts", self.lang),
            path=self.provenance["path"],
            kind=self.kind,
            facts_path=self.facts.attrs["provenance"]["path"],
            facts_kind=self.facts.attrs["provenance"]["kind"],
        )

    def region_note(self):
        """The region shown and the mapping year chosen (``year=0``: the data's only year)."""
        self.scope = measurement.region_scope(self.coverage_data, self.region)
        self.year = measurement.chosen_year(
            self.scope.frame, self.year, file=self.provenance["path"]
        )
        display(repeat_exhibits.region_note(self.scope, self.region, self.lang, year=self.year))

    def goals_table(self):
        return outputs.present(
            self.goals.astype({"target_year": "string"}),
            broadband_plots.goal_labels(self.lang),
            lang=self.lang,
            show_kind=False,
        )

    def figure14_table(self):
        self.coverage = broadband.coverage_against_goals(
            self.coverage_data,
            self.year,
            premises=self.premises,
            regional_goal_pct=float(self.regional["share_pct"]),
            national_goal_pct=float(self.national["share_pct"]),
            close_within_pp=self.close_within_pp,
            codes=self.codes,
        )
        outputs.write_table(self.coverage, "fig14_broadband_coverage")
        self.columns = [
            "municipality",
            "share_total_pct",
            "share_outside_urban_pct",
            "urban_rural_gap_pp",
            "regional_gap_pp",
            "national_gap_min_pp",
            "close_to_regional_goal",
        ]
        return outputs.present(
            self.coverage,
            broadband_plots.table_labels(self.lang, self.columns),
            lang=self.lang,
            decimals={c: 1 for c in self.columns},
            caption=label("parts_broadband.figur_14_year", self.lang, year=self.year),
        )

    def figure14(self):
        self.shown_facts = self.facts[
            (self.facts["premises"] == "households") & (self.facts["area"] == "total")
        ]
        self.left, self.right = broadband_plots.coverage_figure(
            self.coverage,
            self.shown_facts,
            self.year,
            regional_goal=(int(self.regional["target_year"]), float(self.regional["share_pct"])),
            national_goal=(int(self.national["target_year"]), float(self.national["share_pct"])),
            premises=self.premises,
            source=self.provenance["path"],
            lang=self.lang,
        )
        show_figure(self.left.figure, "fig14_broadband_coverage")

    def goal_summary(self):
        self.summary = broadband.goal_summary(self.coverage)
        prose(
            text("parts_broadband.meeting_of_n_municipalities_reach", self.lang),
            meeting=int(self.summary["meeting_goal"]),
            n=int(self.summary["municipalities"]),
            goal=self.regional["share_pct"],
            close=int(self.summary["close_to_goal"]),
            close_pp=self.close_within_pp,
            behind=int(self.summary["below_goal_not_close"]),
            kind=self.kind,
            smallest=self.summary["smallest_urban_rural_gap_pp"],
            largest=self.summary["largest_urban_rural_gap_pp"],
        )

    def households_and_workplaces(self):
        if {"households", "workplaces"} <= set(self.coverage_data["premises"].astype(str)):
            self.versus = broadband.households_vs_workplaces(
                self.coverage_data, self.year, codes=self.codes
            )
            outputs.write_table(self.versus, "fig14_households_workplaces")
            display(
                outputs.present(
                    self.versus,
                    broadband_plots.table_labels(
                        self.lang,
                        ["municipality", "households_pct", "workplaces_pct", "difference_pp"],
                    ),
                    lang=self.lang,
                    decimals={"households_pct": 1, "workplaces_pct": 1, "difference_pp": 1},
                )
            )
        else:
            prose(text("parts_broadband.the_data_hold_no_workplaces", self.lang))

    def public_facts(self):
        outputs.write_table(
            self.facts, "fig14_broadband_facts"
        )
        self.mellerud_change = None
        if self.facts.empty:  # a study without public facts of its region (facts_source="none")
            prose(text("parts_broadband.no_public_facts", self.lang), path=self.facts.attrs["provenance"]["path"])
        elif self._has_shares(MELLERUD, 2018, 2019):  # the report's one municipality with known values
            self.mellerud_change = broadband.change_between(self.facts, MELLERUD, 2018, 2019)
            prose(
                text("parts_broadband.mellerud_change_0f_percentage_points", self.lang),
                change=self.mellerud_change,
            )
        return outputs.present(
            self.facts.astype({"year": "string"}),
            broadband_plots.table_labels(self.lang, ["region", "year", "share_pct"]),
            lang=self.lang,
        )

    def _has_shares(self, code, *years, premises="households", area="total"):
        """True if the public facts hold the total share of ``code`` in every one of ``years``."""
        rows = self.facts[(self.facts["region_code"] == code) & (self.facts["premises"] == premises)
                          & (self.facts["area"] == area)]
        return set(years) <= set(rows["year"].astype(int))

    def facts_over_time(self):
        self.known = load_broadband_fact_snapshots(self.facts_series_sources)
        self.known_series = facts_metrics.fact_series(self.known, resolve_region(self.region).codes)
        outputs.write_table(self.known_series, "fig14_broadband_facts_series")
        self.ax = facts_plots.facts_over_time(
            self.known_series,
            regional_goal=(int(self.regional["target_year"]), float(self.regional["share_pct"])),
            national_goal=(int(self.national["target_year"]), float(self.national["share_pct"])),
            source=", ".join(
                f"data/raw/public/broadband_facts/{s}.csv" for s in self.facts_series_sources
            ),
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig14_broadband_facts_series")
        return outputs.present(
            self.known_series.astype({"year": "string"}),
            broadband_plots.table_labels(self.lang, ["region", "year", "share_pct"])
            | {"area": "area", "url": "URL"},
            lang=self.lang,
        )

    def change_exhibit(self):
        """With ``compare_year``: the change of every municipality mapped in both years."""
        self.exhibit = repeat_exhibits.broadband_change(
            self.coverage_data,
            year=self.year,
            compare_year=self.compare_year,
            premises=self.premises,
            regional_goal=(int(self.regional["target_year"]), float(self.regional["share_pct"])),
            national_goal=(int(self.national["target_year"]), float(self.national["share_pct"])),
            close_within_pp=self.close_within_pp,
            codes=self.codes,
            source=self.provenance["path"],
            lang=self.lang,
        )
        repeat_exhibits.show(self.exhibit)

    def compare_with_report(self):
        self.produced = (
            broadband_claims.claim_values(self.summary) if self.kind == "synthetic" else {}
        )
        self.card = compare_with_report(
            "broadband", self.produced, COMPARISON_COLUMNS, check=False, lang=self.lang
        )
