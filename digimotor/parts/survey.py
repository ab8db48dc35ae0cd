"""The page of ``notebooks/07-survey-and-strategy.ipynb``: Surveys and strategy documents, Figures 20–23 (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from IPython.display import display

from digimotor import datasets, outputs
from digimotor.claims import survey as survey_claims
from digimotor.labels import label, text
from digimotor.metrics import measurement, strategy, suppression, survey
from digimotor.parts import Page, compare_with_report, prose, show_figure
from digimotor.plots import change as change_plots
from digimotor.plots import survey as survey_plots
from digimotor.sources import documents
from digimotor.sources import survey as survey_source_module

#: The scorecard's columns shown in the closing comparison.
COMPARISON_COLUMNS = tuple(
    "claim_id exhibit seed_line published_value relation computed_value outcome raw_text".split()
)


class NotebookPage(Page):
    """``07-survey-and-strategy``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "07-survey-and-strategy"
    PARAMETERS = tuple(
        "survey_source region year compare_year min_respondents inventory_source documents_folder "
        "term_set chart_style question lang".split()
    )

    def setup(self):
        suppression.check_min_respondents(self.min_respondents)
        measurement.check_comparison(self.year, self.compare_year)
        self.shares = survey_source_module.load_survey_shares()
        self.facts = survey_source_module.load_strategy_facts()
        self.REPORT = "Digital motor Fyrbodal (2021)"
        self.REPORT_REGION = "Fyrbodal"
        self.report_region = measurement.is_region(self.region, self.REPORT_REGION)
        self.place = measurement.region_label(self.region, "", self.lang)

    def published_shares(self):
        if self.report_region:
            outputs.write_table(self.shares, "fig20_survey_published_shares")
            display(
                outputs.present(
                    self.shares,
                    {
                        "figure": label("parts_survey.figure", self.lang),
                        "question_id": label("parts_survey.question", self.lang),
                        "answer_option": label("parts_survey.answer_option", self.lang),
                        "relation": "",
                        "share_pct": label("parts_survey.share_pct", self.lang),
                        "seed_line": label("parts_survey.seed_line", self.lang),
                        "raw_text": label("parts_survey.ocr_text", self.lang),
                    },
                    lang=self.lang,
                    decimals={"share_pct": 1},
                    caption=label("parts_survey.figures_20_22_shares_in", self.lang),
                )
            )
        else:
            prose(text("parts_survey.the_shares_the_report_states", self.lang), place=self.place)

    def published_figure(self):
        if self.report_region:
            self.segments = survey.published_segments(self.shares)
            self.fig = survey_plots.survey_figure(
                self.segments,
                style=self.chart_style,
                lang=self.lang,
                source=f"{self.REPORT}, "
                + label("parts_survey.text_beside_figures_20_22", self.lang),
            )
            show_figure(self.fig, "fig20_survey_published")
        else:
            prose(text("parts_survey.the_reports_figures_20_23", self.lang), place=self.place)

    def implied_counts(self):
        if self.report_region:
            self.implied = survey.implied_counts_table(self.shares)
            display(
                outputs.present(
                    self.implied,
                    {
                        "question_id": label("parts_survey.question", self.lang),
                        "stated_shares": label("parts_survey.stated_shares_pct", self.lang),
                        "smallest_n": label("parts_survey.smallest_n", self.lang),
                        "consistent_n": label("parts_survey.consistent_n", self.lang),
                    },
                    lang=self.lang,
                    show_kind=False,
                )
            )
        else:
            prose(
                text("parts_survey.the_implied_respondent_counts_come", self.lang), place=self.place
            )

    def question_catalogue(self):
        self.catalogue = survey_source_module.question_catalogue(self.lang)
        return outputs.present(
            self.catalogue,
            {
                "figure": label("parts_survey.figure", self.lang),
                "question_id": "question_id",
                "respondent_group": label("parts_survey.respondent_group", self.lang),
                "question": label("parts_survey.question", self.lang),
                "scale": label("parts_survey.answer_scale", self.lang),
            },
            lang=self.lang,
            caption=label("parts_survey.question_catalogue", self.lang),
        )

    def answers_table(self):
        self.answers = survey_source_module.load_survey(self.survey_source)
        self.provenance = self.answers.attrs["provenance"]
        self.kind = self.provenance["kind"]
        self.scope = measurement.region_scope(self.answers, self.region)
        self.current = measurement.select_measurement(
            self.scope.frame, self.year, file=self.provenance["path"]
        )
        self.answers = self.current.frame
        prose(
            text("parts_survey.data_path_kind_kind_respondents", self.lang),
            path=self.provenance["path"],
            kind=self.kind,
            respondents=self.answers["respondent_id"].nunique(),
            n=self.answers["municipality_code"].nunique(),
        )
        if not self.scope.applies:
            prose(
                text("parts_survey.the_municipalities_are_pseudonyms_synthetic", self.lang),
                place=self.place,
            )
        else:
            prose(
                text("parts_survey.region_place_survey_year_period", self.lang),
                place=self.place,
                period=self.current.label() or "–",
                n=self.answers["municipality_code"].nunique(),
                missing=", ".join(self.scope.missing(self.answers["municipality_code"].unique()))
                or text("parts.none", self.lang),
                outside=len(self.scope.outside),
            )
        self.threshold = suppression.threshold_note(self.min_respondents, self.lang)
        if self.threshold:
            prose(text("parts_survey.threshold", self.lang), threshold=self.threshold)
        self.respondents = survey.respondents_per_question(self.answers)
        outputs.write_table(self.respondents, "survey_respondents_per_question")
        return outputs.present(
            self.respondents,
            {
                "question_id": label("parts_survey.question", self.lang),
                "respondent_group": label("parts_survey.respondent_group", self.lang),
                "respondents": label("parts_survey.respondents", self.lang),
                "dont_know": label("parts_survey.dont_know", self.lang),
            },
            lang=self.lang,
        )

    def regional_distribution(self):
        self.regional = survey.distribution(self.answers)
        outputs.write_table(self.regional, "survey_distribution_regional")
        self.fig = survey_plots.survey_figure(
            survey.distribution_segments(self.regional),
            style=self.chart_style,
            lang=self.lang,
            source=self.provenance["path"],
            respondents=dict(
                zip(self.respondents["question_id"], self.respondents["respondents"], strict=True)
            ),
        )
        show_figure(self.fig, "survey_distribution_regional")

    def by_municipality_figure(self):
        self.per_municipality_dist = survey.suppress_municipalities(
            survey.distribution(self.answers, by=["municipality_code", "municipality"]),
            self.min_respondents,
        )
        self.ax = survey_plots.municipality_bars(
            self.per_municipality_dist,
            self.question,
            lang=self.lang,
            source=self.provenance["path"],
            min_respondents=self.min_respondents,
        )
        show_figure(self.ax.figure, "survey_by_municipality")

    def by_municipality_table(self):
        self.summaries = survey.summary_by_municipality(self.answers)
        self.by_municipality = survey.suppress_municipalities(self.summaries, self.min_respondents)
        self.withheld = int(self.by_municipality["suppressed"].sum())
        outputs.write_table(
            self.per_municipality_dist, "survey_distribution_by_municipality"
        )
        outputs.write_table(self.by_municipality, "survey_summary_by_municipality")
        return outputs.present(
            self.by_municipality,
            {
                "municipality": label("parts_survey.municipality", self.lang),
                "question_id": label("parts_survey.question", self.lang),
                "respondents": label("parts_survey.respondents", self.lang),
                "mean_position": label("parts_survey.mean_scale", self.lang),
                "above_middle_pct": label("parts_survey.above_middle_pct", self.lang),
                "dont_know_pct": label("parts_survey.dont_know_pct", self.lang),
            },
            lang=self.lang,
            decimals={"mean_position": 1, "above_middle_pct": 0, "dont_know_pct": 0},
            caption=suppression.note(self.withheld, self.min_respondents, self.lang)
            if self.withheld
            else None,
        )

    def change(self):
        if self.compare_year:
            self.earlier = measurement.select_measurement(
                self.scope.frame,
                self.compare_year,
                file=self.provenance["path"],
                parameter="compare_year",
            )
            self.before, self.after = (self.earlier.label(), self.current.label())
            self.survey_change = survey.change_by_question(
                survey.summary_by_municipality(self.earlier.frame),
                self.summaries,
                min_respondents=self.min_respondents,
            )
            outputs.write_table(
                self.survey_change["summary"], "survey_change_summary"
            )
            outputs.write_table(
                self.survey_change["municipalities"], "survey_change_municipalities"
            )
            outputs.write_table(
                self.survey_change["unpaired"], "survey_change_unpaired"
            )
            self.names = {
                q: survey_plots.question_label(q, self.lang)
                for q in self.survey_change["summary"]["question_id"]
            }
            self.ax = change_plots.mean_change(
                self.survey_change["summary"].rename(columns={"question_id": "measure"}),
                self.names,
                before=self.before,
                after=self.after,
                source=self.provenance["path"],
                lang=self.lang,
            )
            show_figure(self.ax.figure, "survey_change")
            display(
                outputs.present(
                    self.survey_change["summary"],
                    {
                        "question_id": label("parts_survey.question", self.lang),
                        "n_pairs": label("parts_survey.municipalities_in_both", self.lang),
                        "mean_change": label("parts_survey.mean_change", self.lang),
                        "ci_low": label("parts_survey.ci_low", self.lang),
                        "ci_high": label("parts_survey.ci_high", self.lang),
                        "wilcoxon_p": text("parts_survey.wilcoxon_p", self.lang),
                    },
                    lang=self.lang,
                    decimals={"mean_change": 2, "ci_low": 2, "ci_high": 2, "wilcoxon_p": 3},
                    caption=self.before + " → " + self.after,
                )
            )
            self.changed = self.survey_change["municipalities"]
            display(
                outputs.present(
                    self.changed,
                    {
                        "municipality": label("parts_survey.municipality", self.lang),
                        "question_id": label("parts_survey.question", self.lang),
                        "mean_position_before": self.before,
                        "mean_position_after": self.after,
                        "mean_position_change": label("parts_survey.change", self.lang),
                    },
                    lang=self.lang,
                    decimals={
                        "mean_position_before": 2,
                        "mean_position_after": 2,
                        "mean_position_change": 2,
                    },
                    caption=suppression.note(
                        int(self.changed["suppressed"].sum()), self.min_respondents, self.lang
                    )
                    if self.changed["suppressed"].any()
                    else None,
                )
            )
            self.unpaired = self.survey_change["unpaired"].drop_duplicates(
                ["municipality", "present_in"]
            )
            prose(
                text("parts_survey.answered_in_one_year_only", self.lang),
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
        else:
            prose(text("parts_survey.set_compare_year_answers_from", self.lang))

    def strategy_facts(self):
        if self.report_region:
            outputs.write_table(self.facts, "strategy_published_facts")
            outputs.present(
                self.facts,
                {
                    "description": label("parts_survey.fact", self.lang),
                    "value": label("parts_survey.value", self.lang),
                    "unit": label("parts_survey.unit", self.lang),
                    "readable": label("parts_survey.readable", self.lang),
                    "seed_line": label("parts_survey.seed_line", self.lang),
                    "raw_text": label("parts_survey.ocr_text", self.lang),
                },
                lang=self.lang,
                caption=label("parts_survey.strategy_documents_the_reports_totals", self.lang),
            )
        else:
            prose(
                text("parts_survey.the_reports_document_review_belongs", self.lang),
                place=self.place,
            )

    def term_balance(self):
        if self.report_region:
            self.published_totals = strategy.totals_from_facts(
                self.facts, label("parts_survey.fyrbodal_report", self.lang)
            )
            outputs.write_table(
                self.published_totals, "strategy_term_balance_published"
            )
            self.ax = survey_plots.term_bars(
                self.published_totals,
                lang=self.lang,
                source=f"{self.REPORT}, " + label("parts_survey.section_3_3_2", self.lang),
            )
            show_figure(self.ax.figure, "strategy_term_balance_published")
        else:
            prose(text("parts_survey.the_reports_word_counts_belong", self.lang), place=self.place)

    def term_sets(self):
        return outputs.present(
            documents.load_term_sets(),
            {"term_set": "term_set", "concept": "concept", "pattern": "pattern", "match": "match"},
            lang=self.lang,
        )

    def documents_table(self):
        if self.documents_folder:
            self.plans = documents.read_documents(self.documents_folder)
            self.counts = strategy.count_terms(
                self.plans, documents.load_term_sets(), self.term_set
            )
            self.per_municipality = strategy.terms_by_municipality(self.counts)
            outputs.write_table(self.counts, "strategy_term_counts_documents")
            outputs.write_table(
                self.per_municipality, "strategy_term_counts_municipalities"
            )
            display(self.counts)
            self.ax = survey_plots.term_bars(
                self.per_municipality.assign(
                    unit=self.per_municipality["municipality_code"].fillna("?")
                ),
                lang=self.lang,
                source=self.documents_folder,
            )
            show_figure(self.ax.figure, "strategy_term_balance_documents")
        else:
            prose(text("parts_survey.no_documents_folder_given_the", self.lang))

    def strategy_inventory(self):
        if self.inventory_source:
            self.inventory = survey_source_module.load_strategy_inventory(self.inventory_source)
            self.summary = strategy.inventory_summary(self.inventory)
            outputs.write_table(
                self.summary,
                "strategy_inventory_summary",
            )
            display(self.summary)
        else:
            prose(
                text("parts_survey.no_inventory_source_given_the", self.lang),
                form=datasets.get("strategy_inventory").describe(),
            )

    def compare_with_report(self):
        if self.report_region:
            self.produced = survey_claims.claim_values(self.facts, self.shares)
            self.card = compare_with_report(
                "survey", self.produced, COMPARISON_COLUMNS, lang=self.lang
            )
        else:
            prose(text("parts_survey.no_comparison_with_the_report", self.lang), place=self.place)
