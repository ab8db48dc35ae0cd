"""The page of ``notebooks/05-capability-map.ipynb``: Capability map (summary, Figure 3) (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from IPython.display import display

from digimotor import outputs, repeat_exhibits
from digimotor.claims import capabilities as capability_claims
from digimotor.labels import label, text
from digimotor.metrics import capabilities as capability_metrics
from digimotor.parts import Page, compare_with_report, prose, show_figure
from digimotor.plots import capabilities as capability_plots
from digimotor.regions import display_name
from digimotor.sources import capabilities as capability_sources

#: The scorecard's columns shown in the closing comparison.
COMPARISON_COLUMNS = tuple("claim_id seed_line published_value computed_value outcome".split())


class NotebookPage(Page):
    """``05-capability-map``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "05-capability-map"
    PARAMETERS = tuple("source catalogue_source region year compare_year top_k profile_k lang".split())

    def setup(self):
        self.catalogue = capability_sources.load_capability_catalogue(self.catalogue_source)
        self.rankings = capability_sources.load_capability_rankings()
        self.elements = capability_sources.load_capability_elements()
        self.assessment = capability_sources.load_capabilities(self.source)
        self.provenance = self.assessment.attrs["provenance"]
        self.kind = self.provenance["kind"]
        self.names = capability_plots.capability_names(self.catalogue, self.lang)
        self.report_source = "Digital motor Fyrbodal (2021), sammanfattning"
        self.data_source = self.provenance["path"]
        prose(
            text("parts_capabilities.self_assessment_path_kind_kind", self.lang),
            path=self.provenance["path"],
            kind=self.kind,
            n=self.assessment["municipality_code"].nunique(),
            m=self.assessment["capability"].nunique(),
        )

    def region_note(self):
        """The region's municipalities and the measurement shown (``year=0``: the data's only one)."""
        self.scope, self.current = capability_metrics.select_assessment(
            self.assessment, self.region, self.year, file=self.provenance["path"]
        )
        self.assessment = self.current.frame
        display(
            repeat_exhibits.region_note(
                self.scope,
                self.region,
                self.lang,
                present=self.assessment["municipality_code"],
                period=self.current.label(),
            )
        )

    def catalogue_table(self):
        self.catalogue_view = capability_plots.catalogue_table(self.catalogue, self.lang)
        outputs.write_table(
            self.catalogue_view[
                ["capability_id", "capability", "group", "lists", "seed_lines", "aliases"]
            ],
            "capabilities_catalogue",
        )
        return outputs.present(
            self.catalogue_view,
            capability_plots.table_labels(
                self.lang,
                ["capability_id", "capability", "group", "lists", "seed_lines", "aliases"],
            ),
            lang=self.lang,
            caption=label("parts_capabilities.n_formagor", self.lang, n=len(self.catalogue)),
        )

    def figure3_elements(self):
        self.element_view = self.elements.assign(
            element=self.elements[f"name_{self.lang}"],
            question=self.elements[f"question_{self.lang}"].fillna("–"),
        )
        outputs.write_table(
            self.element_view[["element", "question", "seed_lines", "status"]],
            "fig03_capability_elements",
        )
        return outputs.present(
            self.element_view,
            capability_plots.table_labels(
                self.lang, ["element", "question", "seed_lines", "status"]
            ),
            lang=self.lang,
            caption=text("parts_capabilities.figur_3", self.lang),
        )

    def capability_map(self):
        self.matrix = capability_metrics.capability_matrix(self.assessment)
        self.rows, self.columns = capability_metrics.similarity_order(self.matrix)
        self.long_map = self.matrix.stack().rename("score_norm").reset_index()
        self.long_map.insert(
            1, "municipality", self.long_map["municipality_code"].map(display_name)
        )
        outputs.write_table(self.long_map, "capabilities_map")
        self.ax = capability_plots.capability_heatmap(
            self.matrix,
            self.rows,
            self.columns,
            self.names,
            municipality_names={code: display_name(code) for code in self.matrix.index},
            source=self.data_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "capabilities_map")

    def joint_ranking(self):
        self.ranking = capability_metrics.joint_ranking(self.matrix)
        self.top = capability_metrics.joint_strengths_weaknesses(self.ranking, k=self.top_k)
        self.top_view = self.top.assign(
            capability=self.top["capability"].map(lambda c: self.names.get(c, c)),
            list=self.top["list"].map(
                lambda x: capability_plots.label(f"list.{x}", self.lang, capability_plots.LABELS)
            ),
        )
        outputs.write_table(self.top, "capabilities_joint_ranking")
        return outputs.present(
            self.top_view,
            capability_plots.table_labels(
                self.lang, ["list", "rank", "capability", "mean", "median", "n"]
            ),
            lang=self.lang,
            decimals={"mean": 2, "median": 2},
        )

    def joint_ranking_figure(self):
        self.report_lists = {
            lst: self.rankings[self.rankings["list"] == lst]
            .sort_values("rank")["capability_id"]
            .tolist()
            for lst in ("strongest", "weakest")
        }
        self.ax = capability_plots.joint_ranking_bars(
            self.ranking,
            self.names,
            k=self.top_k,
            report_lists=self.report_lists,
            source=self.data_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "capabilities_joint_ranking")

    def compare_report_lists(self):
        self.comparison = capability_metrics.compare_with_report(
            capability_metrics.joint_strengths_weaknesses(self.ranking, k=5), self.rankings
        )
        outputs.write_table(self.comparison, "capabilities_report_lists")
        return outputs.present(
            self.comparison.assign(
                published=self.comparison["published"].map(lambda c: self.names.get(c, c)),
                computed=self.comparison["computed"].map(lambda c: self.names.get(c, c)),
                list=self.comparison["list"].map(
                    lambda x: capability_plots.label(
                        f"list.{x}", self.lang, capability_plots.LABELS
                    )
                ),
            ),
            capability_plots.table_labels(
                self.lang, ["list", "rank", "published", "computed", "same"]
            ),
            lang=self.lang,
            caption=label(
                "parts_capabilities.same_av_n_pa_samma",
                self.lang,
                same=int(self.comparison["same"].sum()),
                n=len(self.comparison),
            ),
        )

    def profiles(self):
        self.profile = capability_metrics.municipality_profile(self.matrix, k=self.profile_k)
        self.profile.insert(1, "municipality", self.profile["municipality_code"].map(display_name))
        outputs.write_table(self.profile, "capabilities_profiles")
        return outputs.present(
            self.profile.assign(
                capability=self.profile["capability"].map(lambda c: self.names.get(c, c)),
                side=self.profile["side"].map(
                    lambda s: capability_plots.label(
                        f"side.{s}", self.lang, capability_plots.LABELS
                    )
                ),
            ),
            {
                "municipality": capability_plots.label("municipality", self.lang),
                **capability_plots.table_labels(
                    self.lang, ["side", "rank", "capability", "score_norm", "relative"]
                ),
            },
            lang=self.lang,
            decimals={"score_norm": 2, "relative": 2},
        )

    def weakest_elements(self):
        self.element_profile = capability_metrics.element_profile(self.assessment)
        if self.element_profile.empty:
            prose(text("parts_capabilities.the_self_assessment_has_no", self.lang))
        else:
            self.weakest_ids = self.top.loc[self.top["list"] == "weakest", "capability"].tolist()
            self.element_table = (
                self.element_profile[self.element_profile["capability"].isin(self.weakest_ids)]
                .pivot(index="capability", columns="element", values="mean")
                .reset_index()
            )
            outputs.write_table(self.element_table, "capabilities_elements_weakest", kind=self.kind)
            display(
                outputs.present(
                    self.element_table.assign(
                        capability=self.element_table["capability"].map(
                            lambda c: self.names.get(c, c)
                        )
                    ),
                    {
                        "capability": capability_plots.label(
                            "capability", self.lang, capability_plots.LABELS
                        ),
                        **{
                            e: n
                            for e, n in zip(
                                self.elements["element"].astype(str),
                                self.elements[f"name_{self.lang}"],
                                strict=True,
                            )
                            if e in self.element_table.columns
                        },
                    },
                    lang=self.lang,
                    decimals=dict.fromkeys(capability_sources.ELEMENTS, 2),
                    kind=self.kind,
                )
            )

    def change_exhibit(self):
        """With ``compare_year``: improved / unchanged / declined per capability."""
        self.exhibit = repeat_exhibits.capabilities_change(
            self.scope.frame,
            year=self.year,
            compare_year=self.compare_year,
            names=self.names,
            source=self.data_source,
            file=self.provenance["path"],
            lang=self.lang,
        )
        repeat_exhibits.show(self.exhibit)

    def compare_with_report(self):
        self.produced = capability_claims.claim_values(self.ranking)
        self.card = compare_with_report(
            "capabilities", self.produced, COMPARISON_COLUMNS, lang=self.lang
        )
