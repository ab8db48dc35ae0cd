"""The page of ``notebooks/03-dimios-maturity.ipynb``: DiMiOS digital maturity, Figures 9–13 (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from IPython.display import display

from digimotor import claims, outputs
from digimotor.claims import dimios as dimios_claims
from digimotor.errors import ParameterError
from digimotor.labels import label, text
from digimotor.metrics import dimios, measurement, suppression
from digimotor.parts import Page, compare_with_report, prose, show_figure
from digimotor.plots import change as change_plots
from digimotor.plots import dimios as dimios_plots
from digimotor.regions import display_name
from digimotor.sources import dimios as dimios_sources

#: The scorecard's columns shown in the closing comparison.
COMPARISON_COLUMNS = tuple(
    "claim_id exhibit seed_line published_value relation computed_value outcome raw_text".split()
)


class NotebookPage(Page):
    """``03-dimios-maturity``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "03-dimios-maturity"
    PARAMETERS = tuple(
        "source region year earlier_years compare_year split maturity_formula aggregation "
        "min_respondents confidence n_resamples seed shifts region_label lang".split()
    )

    def setup(self):
        dimios.check_split(self.split)
        suppression.check_min_respondents(self.min_respondents)
        measurement.check_comparison(self.year, self.compare_year, self.earlier_years)
        self.labels = dimios_plots.table_labels(self.lang)
        self.facts = dimios_sources.load_dimios_facts("published")
        self.statements = dimios_sources.load_dimios_statements("published")
        self.published_areas = dimios_sources.load_dimios_areas("published")
        self.microdata = self.source != "published"
        self.REPORT_REGION = "Fyrbodal"
        self.report_region = measurement.is_region(self.region, self.REPORT_REGION)
        self.period = ""
        if self.microdata:
            self.answers = dimios_sources.load_dimios(self.source)
            self.provenance = self.answers.attrs["provenance"]
            self.scope = measurement.region_scope(self.answers, self.region)
            self.current = measurement.select_measurement(
                self.scope.frame,
                self.year,
                earlier_years=self.earlier_years,
                file=self.provenance["path"],
            )
            self.period = self.current.label()
            self.respondents = dimios.respondent_area_scores(self.current.frame)
            self.scores = dimios.municipality_scores(
                self.respondents, split=self.split, min_respondents=self.min_respondents
            )
            self.municipalities = dimios.suppress_municipalities(
                dimios.with_names(self.scores), self.min_respondents
            )
            self.areas = dimios.area_summary(self.respondents, self.scores, self.aggregation)
        else:
            measurement.require_region(
                self.region, self.REPORT_REGION, 'the published Figure 9 (source "published")'
            )
            if self.year or self.compare_year:
                raise ParameterError(
                    "parameters 'year' and 'compare_year' apply to respondent data; source \"published\" is the report's single measurement"
                )
            self.provenance = self.published_areas.attrs["provenance"]
            self.areas = self.published_areas
        self.kind = self.provenance["kind"]
        self.place = (
            measurement.region_label(self.region, self.region_label, self.lang)
            if self.kind != "synthetic"
            else label("parts_dimios.synthetic_example", self.lang)
        )
        self.figure_source = (
            "Digital motor Fyrbodal (2021), figur 9"
            if self.kind == "published"
            else self.provenance["path"]
        )
        prose(
            text("parts_dimios.data_path_kind_kind_split", self.lang),
            path=self.provenance["path"],
            kind=self.kind,
            split=self.split,
            formula=self.maturity_formula,
            aggregation=self.aggregation,
        )
        if self.microdata and (not self.scope.applies):
            prose(
                text("parts_dimios.the_municipalities_are_pseudonyms_synthetic", self.lang),
                region=measurement.region_label(self.region, self.region_label, self.lang),
            )
        elif self.microdata:
            self.missing = self.scope.missing(self.scores["municipality_code"])
            prose(
                text("parts_dimios.region_place_measurement_period_n", self.lang),
                place=self.place,
                period=self.period,
                n=len(self.scores),
                missing=", ".join(self.missing) or text("parts.none", self.lang),
                outside=len(self.scope.outside),
            )
        if self.microdata and self.current.carried:
            prose(
                text("parts_dimios.counted_in_measurement_year_with", self.lang),
                year=self.current.year,
                units=", ".join(
                    (f"{display_name(code)} {when}" for code, when in self.current.carried.items())
                ),
            )
        self.threshold = suppression.threshold_note(self.min_respondents, self.lang)
        if self.threshold:
            prose(text("parts_dimios.threshold", self.lang), threshold=self.threshold)

    def respondent_counts(self):
        if self.report_region:
            display(
                outputs.present(
                    self.facts[
                        self.facts["fact_id"].str.startswith(("respondents", "municipalities"))
                    ],
                    {
                        "description": self.labels["description"],
                        "value": self.labels["value"],
                        "unit": self.labels["unit"],
                        "raw_text": self.labels["raw_text"],
                    },
                    lang=self.lang,
                    caption=text("parts_dimios.digital_motor_fyrbodal_2021_rad", self.lang),
                )
            )
        else:
            prose(
                text("parts_dimios.the_reports_respondent_counts_belong", self.lang),
                place=self.place,
            )

    def municipality_table(self):
        if self.microdata:
            outputs.write_table(self.municipalities, "dimios_municipality_scores")
            self.withheld = self.municipalities[self.municipalities["suppressed"]]
            if len(self.withheld):
                prose(
                    text("parts_dimios.note_units", self.lang),
                    note=suppression.note(len(self.withheld), self.min_respondents, self.lang),
                    units=", ".join(
                        f"{r.municipality} {r.year} (n = {r.n_respondents})"
                        for r in self.withheld.itertuples()
                    ),
                )
            display(
                outputs.present(
                    dimios_plots.for_display(self.municipalities, self.lang),
                    {
                        k: self.labels[k]
                        for k in (
                            "municipality",
                            "year",
                            "n_respondents",
                            "capability",
                            "legacy",
                            "dimios_type",
                            "suppressed",
                        )
                    },
                    lang=self.lang,
                    decimals={"capability": 2, "legacy": 2},
                    caption=label(
                        "parts_dimios.municipalities_respondents_dimensions_type", self.lang
                    )
                    + (
                        " · "
                        + suppression.note(len(self.withheld), self.min_respondents, self.lang)
                        if len(self.withheld)
                        else ""
                    ),
                )
            )
        else:
            prose(text("parts_dimios.the_reports_per_municipality_answers", self.lang))

    def figure9_table(self):
        self.fig09 = dimios.area_table(self.areas, self.lang)
        outputs.write_table(self.fig09, "fig09_dimios_areas")
        return outputs.present(
            self.fig09,
            {
                "number": "#",
                "area_name": self.labels["area_name"],
                "lowest": self.labels["lowest"],
                "highest": self.labels["highest"],
                "mean": self.labels["mean"],
            },
            lang=self.lang,
            decimals={"lowest": 1, "highest": 1, "mean": 1},
            caption=text("parts_dimios.figur_9", self.lang)
            + self.place
            + (" " + self.period if self.period else ""),
        )

    def dimensions_and_type(self):
        self.summary = dimios.summarise_published(self.areas, split=self.split)
        outputs.write_table(self.summary, "fig09_dimios_dimensions")
        display(
            outputs.present(
                dimios_plots.for_display(self.summary, self.lang),
                {
                    "profile": self.labels["profile_name"],
                    "capability": self.labels["capability"],
                    "legacy": self.labels["legacy"],
                    "mean_score": self.labels["mean_score"],
                    "maturity_pct[mean/6]": self.labels["maturity_pct[mean/6]"],
                    "maturity_pct[(mean-1)/5]": self.labels["maturity_pct[(mean-1)/5]"],
                    "dimios_type": self.labels["dimios_type"],
                },
                lang=self.lang,
                decimals={
                    "capability": 2,
                    "legacy": 2,
                    "mean_score": 2,
                    "maturity_pct[mean/6]": 1,
                    "maturity_pct[(mean-1)/5]": 1,
                },
            )
        )
        self.average = self.summary.set_index("profile").loc["mean"]
        self.reported = (
            claims.load_claims("dimios").set_index("claim_id").loc["text.fyrbodal.maturity_pct"]
        )
        prose(
            text("parts_dimios.average_region_capability_capability_2f", self.lang)
            + (
                text("parts_dimios.the_reports_own_level_is", self.lang)
                if self.report_region
                else ""
            ),
            region=self.place + (" " + self.period if self.period else ""),
            capability=self.average["capability"],
            legacy=self.average["legacy"],
            dimios_type=self.average["dimios_type"],
            split=self.split,
            level=dimios.maturity_level(
                self.average["capability"], self.average["legacy"], self.maturity_formula
            ),
            formula=self.maturity_formula,
            other=self.average[
                "maturity_pct[(mean-1)/5]"
                if self.maturity_formula == "mean/6"
                else "maturity_pct[mean/6]"
            ],
            status=self.reported["status"],
            raw_text=self.reported["raw_text"],
        )

    def figure10_spider(self):
        self.profiles = dimios.figure9_profile(self.areas)
        outputs.write_table(
            self.profiles.rename_axis("profile").reset_index(),
            "fig10_dimios_spider",
        )
        self.national = dimios_sources.fact(self.facts, "national_maturity_pct")
        self.ax = dimios_plots.spider(
            self.profiles,
            national_pct=self.national,
            region=self.place,
            source=self.figure_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig10_dimios_spider")

    def figure11_typology(self):
        if self.microdata:
            self.ci = dimios.bootstrap_ci(
                self.respondents,
                self.scores,
                confidence=self.confidence,
                n_resamples=self.n_resamples,
                seed=self.seed,
            )
            self.units = dimios.suppress_municipalities(
                dimios.with_names(dimios.unit_positions(self.scores, self.ci)), self.min_respondents
            )
        else:
            self.ci, self.units = (None, None)
        self.typology = dimios.typology_table(self.summary, self.units)
        outputs.write_table(self.typology, "fig11_dimios_typology")
        self.ax = dimios_plots.typology_plane(
            (self.average["capability"], self.average["legacy"]),
            units=self.units,
            split=self.split,
            min_respondents=self.min_respondents,
            confidence=self.confidence,
            region=self.place,
            source=self.figure_source,
            lang=self.lang,
            kind=self.kind,
        )
        show_figure(self.ax.figure, "fig11_dimios_typology")
        if self.microdata:
            display(
                outputs.present(
                    dimios.type_counts(self.scores)
                    .rename_axis("dimios_type")
                    .reset_index(name="n"),
                    {"dimios_type": self.labels["dimios_type"], "n": "n"},
                    lang=self.lang,
                    caption=label("parts_dimios.municipalities_per_type", self.lang),
                )
            )

    def uncertainty(self):
        if self.microdata:
            outputs.write_table(
                dimios.suppress_ci(self.ci, self.min_respondents), "fig09_dimios_ci"
            )
            self.ax = dimios_plots.ci_bars(
                self.ci,
                confidence=self.confidence,
                source=self.figure_source,
                lang=self.lang,
            )
            show_figure(self.ax.figure, "fig09_dimios_ci")
            self.sensitivity = dimios.overestimation_sensitivity(
                self.respondents,
                shifts=self.shifts,
                split=self.split,
                min_respondents=self.min_respondents,
                suppress_below=self.min_respondents,
            )
            outputs.write_table(self.sensitivity, "fig11_dimios_sensitivity")
            display(
                outputs.present(
                    self.sensitivity,
                    {
                        k: self.labels[k]
                        for k in ("shift", "n_changed", "n_A", "n_B", "n_C", "n_D", "changed")
                    },
                    lang=self.lang,
                    decimals={"shift": 2},
                )
            )
        else:
            prose(text("parts_dimios.intervals_and_the_sensitivity_view", self.lang))

    def change(self):
        if self.microdata and self.compare_year:
            self.earlier = measurement.select_measurement(
                self.scope.frame,
                self.compare_year,
                earlier_years=self.earlier_years,
                file=self.provenance["path"],
                parameter="compare_year",
            )
            self.earlier_scores = dimios.municipality_scores(
                dimios.respondent_area_scores(self.earlier.frame),
                split=self.split,
                min_respondents=self.min_respondents,
            )
            self.before, self.after = (self.earlier.label(), self.current.label())
            self.means = dimios.measurement_means(
                {self.before: self.earlier_scores, self.after: self.scores}
            )
            outputs.write_table(self.means, "dimios_measurement_means")
            display(
                outputs.present(
                    self.means.assign(
                        measure=self.means["measure"].map(
                            lambda m: dimios_plots.area_name(m, self.lang)
                        )
                    ),
                    {
                        "measurement": self.labels["measurement"],
                        "measure": self.labels["measure_name"],
                        "mean": self.labels["mean"],
                        "n_municipalities": self.labels["n_municipalities"],
                        "n_respondents": self.labels["n_respondents"],
                    },
                    lang=self.lang,
                    decimals={"mean": 2},
                )
            )
            self.exhibit = dimios.change_exhibit(
                self.earlier_scores,
                self.scores,
                min_respondents=self.min_respondents,
                n_boot=self.n_resamples,
                seed=self.seed,
                confidence=self.confidence,
            )
            outputs.write_table(self.exhibit["summary"], "dimios_change_summary")
            outputs.write_table(
                self.exhibit["municipalities"], "dimios_change_municipalities"
            )
            outputs.write_table(
                self.exhibit["transitions"].reset_index(), "dimios_type_transitions"
            )
            outputs.write_table(self.exhibit["unpaired"], "dimios_change_unpaired")
            self.names = {
                m: dimios_plots.area_name(m, self.lang) for m in self.exhibit["summary"]["measure"]
            }
            self.ax = change_plots.mean_change(
                self.exhibit["summary"],
                self.names,
                before=self.before,
                after=self.after,
                confidence=self.confidence,
                source=self.provenance["path"],
                lang=self.lang,
            )
            show_figure(self.ax.figure, "dimios_change")
            display(
                outputs.present(
                    self.exhibit["summary"].assign(
                        measure=self.exhibit["summary"]["measure"].map(self.names)
                    ),
                    {
                        k: self.labels[k]
                        for k in (
                            "measure",
                            "n_pairs",
                            "mean_change",
                            "ci_low",
                            "ci_high",
                            "wilcoxon_p",
                        )
                    },
                    lang=self.lang,
                    decimals={"mean_change": 2, "ci_low": 2, "ci_high": 2, "wilcoxon_p": 3},
                    caption=self.before + " → " + self.after,
                )
            )
            self.withheld = int(self.exhibit["municipalities"]["suppressed"].sum())
            display(
                outputs.present(
                    self.exhibit["municipalities"],
                    {
                        k: self.labels[k]
                        for k in (
                            "municipality",
                            "capability_before",
                            "capability_after",
                            "capability_change",
                            "legacy_before",
                            "legacy_after",
                            "legacy_change",
                            "dimios_type_before",
                            "dimios_type_after",
                            "suppressed",
                        )
                    },
                    lang=self.lang,
                    decimals={
                        c: 2
                        for c in self.exhibit["municipalities"].columns
                        if c.startswith(("capability", "legacy"))
                    },
                    caption=suppression.note(self.withheld, self.min_respondents, self.lang)
                    if self.withheld
                    else None,
                )
            )
            self.unpaired = self.exhibit["unpaired"]
            prose(
                text("parts_dimios.in_one_measurement_only_before", self.lang),
                before=self.before,
                after=self.after,
                only_before=", ".join(
                    self.unpaired.loc[self.unpaired["present_in"] == "before", "municipality"]
                )
                or text("parts.none", self.lang),
                only_after=", ".join(
                    self.unpaired.loc[self.unpaired["present_in"] == "after", "municipality"]
                )
                or text("parts.none", self.lang),
            )
            self.ax = change_plots.transition_matrix(
                self.exhibit["transitions"],
                before=self.before,
                after=self.after,
                source=self.provenance["path"],
                lang=self.lang,
            )
            show_figure(self.ax.figure, "dimios_type_transitions")
        else:
            prose(text("parts_dimios.set_compare_year_with_respondent", self.lang))

    def statements_table(self):
        if self.report_region:
            outputs.write_table(self.statements, "dimios_statements")
            display(
                outputs.present(
                    self.statements,
                    {k: self.labels[k] for k in ("statement_sv", "mean", "sd", "sd_raw_text")},
                    lang=self.lang,
                    decimals={"mean": 1, "sd": 1},
                    caption=text("parts_dimios.digital_motor_fyrbodal_2021_rad_2", self.lang),
                )
            )
        else:
            prose(
                text("parts_dimios.the_reports_statements_belong_to", self.lang), place=self.place
            )

    def information_security(self):
        if self.report_region:
            self.infosec = self.facts[
                self.facts["fact_id"].str.startswith(("infosec", "ciso", "fig12"))
            ]
            outputs.write_table(self.infosec, "fig12_dimios_infosec")
            display(
                outputs.present(
                    self.infosec,
                    {k: self.labels[k] for k in ("description", "value", "unit", "raw_text")},
                    lang=self.lang,
                    caption=text("parts_dimios.digital_motor_fyrbodal_2021_rad_3", self.lang),
                )
            )
            self.established = dimios_sources.fact(self.facts, "infosec_established_count")
            self.asked = dimios_sources.fact(self.facts, "infosec_respondents")
            self.ax = dimios_plots.infosec_management(
                self.established,
                self.asked - self.established,
                source="Digital motor Fyrbodal (2021), text rad 1849",
                lang=self.lang,
                kind="published",
            )
            show_figure(self.ax.figure, "fig13_dimios_infosec_management")
        else:
            prose(
                text("parts_dimios.the_reports_information_security_results", self.lang),
                place=self.place,
            )

    def compare_with_report(self):
        self.study_setting = self.split == dimios.DEFAULT_SPLIT
        if self.study_setting and self.report_region:
            self.produced = dimios_claims.claim_values(
                self.published_areas, self.facts, split=self.split, formula=self.maturity_formula
            )
            if self.kind == "synthetic":
                self.produced.update(
                    dimios_claims.calibrated_values(
                        self.respondents,
                        self.scores,
                        split=self.split,
                        aggregation=self.aggregation,
                    )
                )
            self.card = compare_with_report(
                "dimios", self.produced, COMPARISON_COLUMNS, styled=True, lang=self.lang
            )
        else:
            prose(
                text("parts_dimios.no_comparison_with_the_report", self.lang),
                place=self.place,
                split=self.split,
                default=dimios.DEFAULT_SPLIT,
            )
