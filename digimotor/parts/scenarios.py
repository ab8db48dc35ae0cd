"""The page of ``notebooks/06-scenarios.ipynb``: Collaboration scenarios, Figures 2 and 5, the plan (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from IPython.display import display

from digimotor import claims, outputs
from digimotor.claims import capabilities as capability_claims
from digimotor.labels import label, text
from digimotor.metrics import capabilities as capability_metrics
from digimotor.metrics import measurement, scenarios, sweep
from digimotor.metrics import plan as plan_metrics
from digimotor.parts import Page, prose, show_figure
from digimotor.plots import capabilities as capability_plots
from digimotor.plots import plan as plan_plots
from digimotor.plots import scenarios as scenario_plots
from digimotor.regions import display_name
from digimotor.sources import capabilities as capability_sources
from digimotor.sources import plan as plan_sources


class NotebookPage(Page):
    """``06-scenarios``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "06-scenarios"
    PARAMETERS = tuple(
        "source catalogue_source willingness_source criticality_source collaborations_source "
        "strong weak very_weak similar_spread joint_share min_participants lead_capacity "
        "tie_bonus sweep_settings sweep_seed sweep_strong sweep_weak sweep_very_weak "
        "sweep_similar_spread sweep_joint_share sweep_lead_capacity sweep_tie_bonus "
        "plan_assumptions region lang".split()
    )

    #: The region of the report: its existing collaborations (Figure 2, section 3.1.2) are shown
    #: only for it; a study of another region shows its own ties (collaborations_source) or none.
    REPORT_REGION = "Fyrbodal"

    def setup(self):
        self.params = scenarios.ScenarioParameters(
            strong=self.strong,
            weak=self.weak,
            very_weak=self.very_weak,
            similar_spread=self.similar_spread,
            joint_share=self.joint_share,
            min_participants=self.min_participants,
            lead_capacity=self.lead_capacity,
            tie_bonus=self.tie_bonus,
        )
        self.catalogue = capability_sources.load_capability_catalogue(self.catalogue_source)
        self.scenario_defs = capability_sources.load_collaboration_scenarios()
        self.sou_paths = capability_sources.load_sou_paths()
        self.steps = capability_sources.load_samtrappan_steps()
        self.published_ties = capability_sources.load_collaborations("published")
        self.assessment = capability_sources.load_capabilities(self.source)
        self.willingness = capability_sources.load_willingness(self.willingness_source)
        self.criticality = capability_sources.load_criticality(
            self.criticality_source, self.catalogue
        )
        self.ties = capability_sources.load_collaborations(self.collaborations_source)
        self.input_kinds = {
            frame.attrs["provenance"]["kind"]
            for frame in (self.assessment, self.willingness, self.ties)
        }
        self.kind = next(
            k for k in ("synthetic", "user", "public", "published") if k in self.input_kinds
        )
        self.names = capability_plots.capability_names(self.catalogue, self.lang)
        self.path_names = dict(
            zip(
                self.sou_paths["path_id"].astype(str),
                self.sou_paths[f"path_{self.lang}"],
                strict=False,
            )
        )
        self.scenario_names = dict(
            zip(
                self.scenario_defs["scenario"].astype(int),
                self.scenario_defs[f"name_{self.lang}"],
                strict=True,
            )
        )
        self.data_source = self.assessment.attrs["provenance"]["path"]
        self.report_region = measurement.is_region(self.region, self.REPORT_REGION)
        self.report_source = "Digital motor Fyrbodal (2021)" if self.report_region else None
        prose(
            text("parts_scenarios.self_assessment_path_kind_assessment", self.lang),
            path=self.data_source,
            assessment_kind=self.assessment.attrs["provenance"]["kind"],
            willingness=self.willingness.attrs["provenance"]["path"],
            criticality=self.criticality.attrs["provenance"]["path"],
            ties=self.ties.attrs["provenance"]["path"],
            kind=self.kind,
        )

    def scenario_definitions(self):
        self.definitions = self.scenario_defs.assign(
            scenario_name=self.scenario_defs[f"name_{self.lang}"],
            definition=self.scenario_defs[f"definition_{self.lang}"],
            sou_path=self.scenario_defs["sou_path"].astype(str).map(self.path_names),
        )
        outputs.write_table(
            self.definitions[
                ["scenario", "scenario_name", "definition", "sou_path", "path_basis", "seed_lines"]
            ],
            "scenarios_definitions",
        )
        return outputs.present(
            self.definitions.assign(
                path_basis=scenario_plots.translated(
                    self.definitions["path_basis"], "path_basis", self.lang
                )
            ),
            scenario_plots.table_labels(
                self.lang,
                ["scenario", "scenario_name", "definition", "sou_path", "path_basis", "seed_lines"],
            ),
            lang=self.lang,
            caption=text("parts_scenarios.sammanfattningen_rekommendation", self.lang),
        )

    def figure5_sou_paths(self):
        self.path_table = self.sou_paths.assign(
            path=self.sou_paths[f"path_{self.lang}"], text=self.sou_paths[f"text_{self.lang}"]
        )
        outputs.write_table(
            self.path_table[
                ["path_id", "path", "statement", "position", "text", "seed_line", "placement"]
            ],
            "fig05_sou_paths",
        )
        return outputs.present(
            self.path_table.assign(
                statement=scenario_plots.translated(
                    self.path_table["statement"], "statement", self.lang
                ),
                placement=scenario_plots.translated(
                    self.path_table["placement"], "placement", self.lang
                ),
            ),
            scenario_plots.table_labels(self.lang, ["path", "statement", "text", "placement"]),
            lang=self.lang,
            caption=text("parts_scenarios.figur_5_sou_2020_8", self.lang),
        )

    def figure2_samtrappan(self):
        self.step_table = self.steps.assign(
            name=self.steps[f"name_{self.lang}"],
            description=self.steps[f"description_{self.lang}"].fillna("–"),
        )
        outputs.write_table(
            self.step_table[["step", "step_id", "name", "description", "status"]],
            "fig02_samtrappan",
        )
        return outputs.present(
            self.step_table.assign(
                status=scenario_plots.translated(self.step_table["status"], "status", self.lang)
            ),
            scenario_plots.table_labels(self.lang, ["step", "name", "description", "status"]),
            lang=self.lang,
            caption=text("parts_scenarios.figur_2_lansstyrelsen_2017", self.lang),
        )

    def existing_collaborations(self):
        # the report's collaborations belong to its region: another region shows its own ties (or none)
        ties = self.published_ties if self.report_region else self.ties
        self.placement = scenarios.samtrappan_placement(ties)
        self.placement.attrs = dict(ties.attrs)
        if not self.report_region:
            prose(text("parts_scenarios.existing_collaborations_other_region", self.lang),
                  region=measurement.region_label(self.region, lang=self.lang),
                  n=len(self.placement), ties=ties.attrs["provenance"]["path"])
        self.placement["members"] = self.placement["members"].map(
            lambda text: ", ".join(display_name(c) for c in text.split("; "))
        )
        self.placement["lead"] = self.placement["lead"].map(
            lambda text: ", ".join(display_name(c) for c in text.split("; ") if c)
        )
        outputs.write_table(self.placement, "scenarios_existing_collaborations")
        return outputs.present(
            self.placement.assign(
                status=scenario_plots.translated(self.placement["status"], "status", self.lang),
                placement_basis=scenario_plots.translated(
                    self.placement["placement_basis"], "path_basis", self.lang
                ),
                sou_path=self.placement["sou_path"].map(self.path_names),
                samtrappan_step=self.placement["samtrappan_step"].map(
                    dict(
                        zip(
                            self.steps["step_id"].astype(str),
                            self.steps[f"name_{self.lang}"],
                            strict=True,
                        )
                    )
                ),
            ),
            scenario_plots.table_labels(
                self.lang,
                [
                    "name",
                    "step",
                    "samtrappan_step",
                    "sou_path",
                    "status",
                    "placement_basis",
                    "n_members",
                    "members",
                ],
            ),
            lang=self.lang,
            caption=text("parts_scenarios.befintlig_samverkan_rapporten_avsnitt_3", self.lang)
            if self.report_region
            else text("parts_scenarios.existing_collaborations_of_the_study", self.lang),
        )

    def samtrappan_figure(self):
        self.ax = scenario_plots.samtrappan_stairs(
            self.placement,
            self.steps,
            source=self.report_source + ", figur 2 och avsnitt 3.1.2" if self.report_region else None,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig02_samtrappan")

    def engine_parameters(self):
        outputs.write_table(self.params.table(), "scenarios_parameters", kind=self.kind)
        return outputs.present(
            self.params.table(),
            scenario_plots.table_labels(self.lang, ["parameter", "value"]),
            lang=self.lang,
            kind=self.kind,
        )

    def scenario_per_capability(self):
        self.matrix = capability_metrics.capability_matrix(self.assessment)
        self.result = scenarios.scenario_engine(
            self.matrix, self.criticality, self.willingness, self.ties, self.params
        )
        self.scenario_table = self.result.table.assign(
            scenario_name=self.result.table["scenario"].map(
                lambda c: scenario_plots.scenario_label(int(c), self.scenario_names, self.lang)
            )
        )
        outputs.write_table(self.scenario_table, "scenarios_table")
        display(
            self.scenario_table["scenario_name"]
            .value_counts()
            .to_frame(label("parts_scenarios.capabilities", self.lang))
        )
        return outputs.present(
            self.scenario_table.assign(
                capability=self.scenario_table["capability"].map(lambda c: self.names.get(c, c)),
                sou_path=self.scenario_table["sou_path"].map(lambda p: self.path_names.get(p, "–")),
                critical=scenario_plots.translated(
                    self.scenario_table["critical"].astype(str), "critical", self.lang
                ),
                n_partners=self.scenario_table["partners"].map(
                    lambda text: len(text.split("; ")) if text else 0
                ),
            ),
            scenario_plots.table_labels(
                self.lang,
                [
                    "capability",
                    "mean",
                    "n_strong",
                    "n_weak",
                    "critical",
                    "scenario_name",
                    "sou_path",
                    "leads",
                    "receivers",
                    "unassigned",
                    "n_partners",
                ],
            ),
            lang=self.lang,
            decimals={"mean": 2},
            caption=text("parts_scenarios.all_columns_participants_spread_partners", self.lang),
        )

    def pairs_table(self):
        self.pairs = self.result.pairs.assign(
            capability=self.result.pairs["capability"].map(lambda c: self.names.get(c, c))
        )
        outputs.write_table(self.result.pairs, "scenarios_pairs")
        return outputs.present(
            self.pairs,
            scenario_plots.table_labels(
                self.lang, ["capability", "scenario", "lead", "receiver", "gap", "tie", "cost"]
            ),
            lang=self.lang,
            decimals={"gap": 2, "tie": 2, "cost": 2},
        )

    def municipality_plan(self):
        self.plan = scenarios.municipality_plan(self.result, sorted(self.matrix.index))
        self.plan.insert(1, "municipality", self.plan["municipality_code"].map(display_name))
        outputs.write_table(self.plan, "scenarios_plan")
        return outputs.present(
            self.plan,
            {
                "municipality": capability_plots.label("municipality", self.lang),
                **scenario_plots.table_labels(
                    self.lang,
                    [
                        "n_lead",
                        "n_receive",
                        "n_partner",
                        "n_unassigned",
                        "lead",
                        "receive",
                        "partner",
                    ],
                ),
            },
            lang=self.lang,
        )

    def plan_figure(self):
        self.ax = scenario_plots.plan_matrix(
            self.result.table,
            self.result.roles,
            self.names,
            self.scenario_names,
            municipalities=sorted(self.matrix.index),
            municipality_names={code: display_name(code) for code in self.matrix.index},
            source=self.data_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "scenarios_plan")

    def robustness(self):
        self.ranges = sweep.SweepRanges(
            strong=tuple(self.sweep_strong),
            weak=tuple(self.sweep_weak),
            very_weak=tuple(self.sweep_very_weak),
            similar_spread=tuple(self.sweep_similar_spread),
            joint_share=tuple(self.sweep_joint_share),
            lead_capacity=tuple(self.sweep_lead_capacity),
            tie_bonus=tuple(self.sweep_tie_bonus),
        )
        self.settings = sweep.sample_settings(self.ranges, self.sweep_settings, self.sweep_seed)
        self.robust = sweep.scenario_sweep(
            self.matrix,
            self.criticality,
            self.willingness,
            self.ties,
            self.settings,
            base=self.params,
        )
        outputs.write_table(self.ranges.table(), "scenarios_sweep_ranges", kind=self.kind)
        outputs.write_table(self.robust.settings, "scenarios_sweep_settings")
        outputs.write_table(self.robust.capabilities, "scenarios_robustness")
        outputs.write_table(self.robust.pairs, "scenarios_robustness_pairs")
        outputs.write_table(self.robust.roles, "scenarios_robustness_roles")
        display(
            outputs.present(
                self.ranges.table(),
                scenario_plots.table_labels(self.lang, ["parameter", "low", "high"]),
                lang=self.lang,
                decimals={"low": 2, "high": 2},
                caption=label(
                    "parts_scenarios.sweep_settings_installningar_seed_sweep",
                    self.lang,
                    sweep_settings=self.sweep_settings,
                    sweep_seed=self.sweep_seed,
                ),
                kind=self.kind,
            )
        )
        self.counts = sweep.robustness_counts(self.robust)
        return outputs.present(
            self.counts.assign(
                robustness=scenario_plots.translated(
                    self.counts["robustness"], "robustness", self.lang
                )
            ),
            scenario_plots.table_labels(self.lang, ["robustness", "capabilities", "pairs"]),
            lang=self.lang,
        )

    def robustness_figure(self):
        self.ax = scenario_plots.sweep_shares(
            self.robust.capabilities,
            self.names,
            self.scenario_names,
            n_settings=self.sweep_settings,
            seed=self.sweep_seed,
            source=self.data_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "scenarios_robustness")

    def robustness_table(self):
        return outputs.present(
            self.robust.capabilities.assign(
                capability=self.robust.capabilities["capability"].map(
                    lambda c: self.names.get(c, c)
                ),
                base_scenario=self.robust.capabilities["base_scenario"].map(
                    lambda c: scenario_plots.scenario_label(int(c), self.scenario_names, self.lang)
                ),
                modal_scenario=self.robust.capabilities["modal_scenario"].map(
                    lambda c: scenario_plots.scenario_label(int(c), self.scenario_names, self.lang)
                ),
                robustness=scenario_plots.translated(
                    self.robust.capabilities["robustness"], "robustness", self.lang
                ),
            ),
            scenario_plots.table_labels(
                self.lang,
                [
                    "capability",
                    "base_scenario",
                    "base_share",
                    "robustness",
                    "modal_scenario",
                    "modal_share",
                ],
            ),
            lang=self.lang,
            decimals={"base_share": 2, "modal_share": 2},
            caption=text("parts_scenarios.scenarios_robustness_csv_andel_per", self.lang),
        )

    def robust_pairs(self):
        self.base_pairs = self.robust.pairs[self.robust.pairs["in_base"]]
        return outputs.present(
            self.base_pairs.assign(
                capability=self.base_pairs["capability"].map(lambda c: self.names.get(c, c)),
                robustness=scenario_plots.translated(
                    self.base_pairs["robustness"], "robustness", self.lang
                ),
            ),
            scenario_plots.table_labels(
                self.lang, ["capability", "lead", "receiver", "share", "robustness"]
            ),
            lang=self.lang,
            decimals={"share": 2},
            caption=text("parts_scenarios.alla_par_som_bildas_i", self.lang),
        )

    def plan_assumptions_table(self):
        self.assumptions = plan_sources.load_plan_assumptions(self.plan_assumptions)
        self.all_assumed = plan_metrics.all_assumptions(self.assumptions)
        self.assumption_note = plan_plots.assumptions_note(self.lang, self.all_assumed)
        outputs.write_table(
            self.assumptions.drop(columns="__row__"), "plan_assumptions", kind=self.kind
        )
        return outputs.present(
            self.assumptions,
            plan_plots.table_labels(
                self.lang,
                ["parameter", "step_id", "low", "mid", "high", "unit", "basis", "rationale"],
            ),
            lang=self.lang,
            decimals={"low": 2, "mid": 2, "high": 2},
            caption=self.assumption_note,
            kind=self.kind,
        )

    def budget_table(self):
        self.plan_result = plan_metrics.milestone_plan(
            self.result, self.ties, self.assumptions, self.params.tie_statuses
        )
        self.budget = plan_metrics.budget_table(self.plan_result).assign(
            cost_basis=plan_metrics.cost_basis(self.assumptions)
        )
        outputs.write_table(
            self.plan_result.milestones.assign(
                cost_basis=plan_metrics.cost_basis(self.assumptions)
            ),
            "plan_milestones",
        )
        outputs.write_table(self.budget, "plan_budget")
        return outputs.present(
            self.budget.assign(
                collaboration=plan_plots.collaboration_labels(self.budget, self.names, self.lang)
            ),
            plan_plots.table_labels(
                self.lang,
                [
                    "collaboration",
                    "scenario",
                    "n_members",
                    "n_steps",
                    "months_mid",
                    "staff_months_mid",
                    "cost_low",
                    "cost_mid",
                    "cost_high",
                ],
            ),
            lang=self.lang,
            decimals={
                "months_mid": 0,
                "staff_months_mid": 1,
                "cost_low": 0,
                "cost_mid": 0,
                "cost_high": 0,
            },
            caption=self.assumption_note,
        )

    def budget_per_municipality(self):
        self.per_municipality = self.plan_result.municipalities.assign(
            municipality=self.plan_result.municipalities["municipality_code"].map(display_name),
            cost_basis=plan_metrics.cost_basis(self.assumptions),
        )
        outputs.write_table(self.per_municipality, "plan_budget_municipalities")
        return outputs.present(
            self.per_municipality,
            {
                "municipality": capability_plots.label("municipality", self.lang),
                **plan_plots.table_labels(
                    self.lang, ["n_collaborations", "cost_low", "cost_mid", "cost_high"]
                ),
            },
            lang=self.lang,
            decimals={"cost_low": 0, "cost_mid": 0, "cost_high": 0},
            caption=self.assumption_note,
        )

    def gantt(self):
        self.step_names = dict(
            zip(self.steps["step"].astype(int), self.steps[f"name_{self.lang}"], strict=True)
        )
        self.ax = plan_plots.gantt(
            self.plan_result.milestones,
            self.step_names,
            names=self.names,
            source=self.data_source,
            all_assumed=self.all_assumed,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "plan_gantt")

    def compare_with_report(self):
        self.produced = capability_claims.claim_values()
        self.card = claims.scorecard(produced=self.produced, parts=["capabilities"])
        self.card = self.card[self.card["status"] == "derived"]
        display(
            self.card[["claim_id", "seed_line", "published_value", "computed_value", "outcome"]]
        )
        assert (self.card["outcome"] == "reproduced").all(), (
            "a derived claim differs from the report"
        )
