"""The page of ``notebooks/04-tbm-cost.ipynb``: TBM IT costs, Figures 15–19 (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from IPython.display import display

from digimotor import outputs, repeat_exhibits
from digimotor.claims import tbm as tbm_claims
from digimotor.labels import text
from digimotor.metrics import kolada_costs, measurement, tbm, tbm_change
from digimotor.parts import Page, compare_with_report, prose, show_figure
from digimotor.plots import tbm as tbm_plots
from digimotor.sources import tbm as tbm_sources
from digimotor.sources.kolada import load_municipal_costs

#: The scorecard's columns shown in the closing comparison.
COMPARISON_COLUMNS = tuple(
    "claim_id exhibit seed_line published_value computed_value status outcome raw_text".split()
)


class NotebookPage(Page):
    """``04-tbm-cost``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "04-tbm-cost"
    PARAMETERS = tuple(
        "source cost_source mapping region year compare_year allocation_key unmapped max_unmapped_pct taxonomy lang "
        "kolada_cost_source".split()
    )

    def setup(self):
        self.labels = tbm_plots.table_labels(self.lang)
        self.ledger = tbm_sources.load_tbm_ledger(self.source)
        self.total_cost = tbm_sources.load_municipal_total_cost(self.cost_source)
        self.account_mapping = tbm_sources.load_account_mapping(self.mapping)
        self.pools = tbm_sources.load_cost_pools(self.taxonomy)
        self.areas = tbm_sources.load_work_areas()
        self.provenance = self.ledger.attrs["provenance"]
        self.cost_provenance = self.total_cost.attrs["provenance"]
        self.kind = tbm_plots.combined_kind(self.provenance["kind"], self.cost_provenance["kind"])
        self.figure_source = self.provenance["path"]
        prose(
            text("parts_tbm.ledger_path_kind_kind_total", self.lang),
            path=self.provenance["path"],
            kind=self.provenance["kind"],
            cost_path=self.cost_provenance["path"],
            cost_kind=self.cost_provenance["kind"],
            mapping=self.mapping,
            year=self.year,
        )

    def region_note(self):
        """The IT organisations serving the region, the financial year chosen (``year=0``: the only one)."""
        self.scope = tbm_change.region_ledger(self.ledger, self.region)
        self.ledger = self.scope.frame
        self.year = measurement.chosen_year(
            self.scope.frame, self.year, unit="organisation", file=self.provenance["path"]
        )
        display(
            repeat_exhibits.region_note(
                self.scope,
                self.region,
                self.lang,
                present=tbm_change.served_codes(tbm.select_year(self.ledger, self.year)),
                period=self.year,
            )
        )

    def kolada_total_cost(self):
        if self.kolada_cost_source:
            self.kolada_raw = load_municipal_costs(self.kolada_cost_source)
            self.kolada_kind = self.kolada_raw.attrs["provenance"]["kind"]
            self.kolada_total = kolada_costs.total_cost_from_kolada(self.kolada_raw, self.year)
            outputs.write_table(self.kolada_total, "tab04_kolada_total_cost")
            display(
                outputs.present(
                    self.kolada_total,
                    kolada_costs.table_labels(self.lang),
                    lang=self.lang,
                    decimals={
                        "cost_per_inhabitant": 0,
                        "depreciation_per_inhabitant": 0,
                        "total_cost_sek": 0,
                    },
                    caption=kolada_costs.DIFFERENCE[self.lang],
                )
            )
            if kolada_costs.covers_ledger(self.kolada_total, self.ledger):
                self.total_cost, self.cost_provenance = (
                    self.kolada_total,
                    self.kolada_raw.attrs["provenance"],
                )
                self.kind = tbm_plots.combined_kind(self.provenance["kind"], self.kolada_kind)
            else:
                print(kolada_costs.NOT_USED[self.lang])

    def cost_pools(self):
        return outputs.present(
            self.pools,
            {
                "tbm_name": text("parts_tbm.tbm", self.lang),
                "name_sv": text("parts_tbm.svenska", self.lang),
                "name_en": text("parts_tbm.english", self.lang),
                "definition": text("parts_tbm.definition", self.lang),
            },
            lang=self.lang,
            caption=tbm_plots.caption("pools", self.lang),
        )

    def work_areas_table(self):
        return outputs.present(
            self.areas,
            {
                "name_sv": text("parts_tbm.arbetsomrade", self.lang),
                "name_en": text("parts_tbm.work_area", self.lang),
                "focus": text("parts_tbm.fokus", self.lang),
                "tbm_towers": text("parts_tbm.tbm_towers", self.lang),
                "description_sv": text("parts_tbm.beskrivning", self.lang),
            },
            lang=self.lang,
            caption=tbm_plots.caption("areas", self.lang),
        )

    def control_totals(self):
        self.ledger_year = tbm.select_year(self.ledger, self.year)
        self.reconciliation = tbm.reconcile_control_totals(self.ledger_year)
        outputs.write_table(
            self.reconciliation, "tab04_tbm_control_totals"
        )
        return outputs.present(
            self.reconciliation,
            self.labels,
            lang=self.lang,
            decimals={"difference": 0, "amount_sum": 0, "control_total": 0},
            caption=tbm_plots.caption("control", self.lang),
        )

    def unmapped_accounts(self):
        self.missing_accounts = tbm.unmapped_accounts(self.ledger_year, self.account_mapping)
        display(tbm_plots.sentence("unmapped", self.lang, n=len(self.missing_accounts)))
        if len(self.missing_accounts):
            display(
                outputs.present(
                    self.missing_accounts, self.labels, lang=self.lang
                )
            )
        self.ledger_pooled = tbm.assign_cost_pools(
            self.ledger_year,
            self.account_mapping,
            unmapped=self.unmapped,
            max_unmapped_pct=self.max_unmapped_pct,
            taxonomy=self.taxonomy,
        )

    def figure15_table(self):
        self.pool_shares = tbm.cost_pool_shares(self.ledger_pooled)
        self.spread = tbm_plots.with_names(
            tbm.share_spread(self.pool_shares), self.pools, self.lang
        )
        outputs.write_table(self.spread, "fig15_cost_pool_spread")
        return outputs.present(
            self.spread,
            {
                k: self.labels[k]
                for k in ("cost_pool_name", "min", "q1", "median", "q3", "max", "mean", "iqr")
            },
            lang=self.lang,
            decimals=dict.fromkeys(("min", "q1", "median", "q3", "max", "mean", "iqr"), 1),
            caption=tbm_plots.caption("fig15", self.lang),
        )

    def figure15(self):
        self.ax = tbm_plots.cost_pool_boxplot(
            self.pool_shares,
            self.pools,
            source=self.figure_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig15_cost_pool_spread")

    def figure16(self):
        self.pooled = tbm_plots.with_names(
            tbm.pooled_cost_pool_shares(self.ledger_pooled), self.pools, self.lang
        )
        outputs.write_table(self.pooled, "fig16_cost_pools_pooled")
        self.ax = tbm_plots.pooled_cost_pool_bars(
            self.pooled,
            self.pools,
            source=self.figure_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig16_cost_pools_pooled")

    def figure17(self):
        outputs.write_table(
            tbm_plots.with_names(self.pool_shares, self.pools, self.lang),
            "fig17_cost_pool_shares",
        )
        self.ax = tbm_plots.cost_pool_stacked(
            self.pool_shares,
            self.pools,
            source=self.figure_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig17_cost_pool_shares")
        self.varying = self.spread.set_index("cost_pool").loc[
            tbm.most_varying_pools(self.pool_shares, 2), "cost_pool_name"
        ]
        display(tbm_plots.sentence("varying", self.lang, pools=", ".join(self.varying)))

    def figure18(self):
        self.work_areas = tbm.work_area_shares(self.ledger_pooled)
        self.run_develop = tbm.run_develop(self.work_areas)
        outputs.write_table(
            tbm_plots.with_names(self.work_areas, self.areas, self.lang),
            "fig18_work_areas",
        )
        outputs.write_table(self.run_develop, "fig18_run_develop")
        self.ax = tbm_plots.work_area_bars(
            self.work_areas,
            self.areas,
            source=self.figure_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig18_work_areas")
        return outputs.present(
            self.run_develop,
            self.labels,
            lang=self.lang,
            decimals={"run_pct": 1, "develop_pct": 1, "run_develop_ratio": 2},
            caption=tbm_plots.caption("fig18", self.lang),
        )

    def figure19(self):
        self.shares = tbm.central_it_share(self.ledger, self.total_cost, self.year)
        outputs.write_table(self.shares, "fig19_central_it_share")
        self.other_definition = tbm.definition_differs(self.shares)
        if self.other_definition:
            display(
                tbm_plots.sentence("definition", self.lang, orgs=", ".join(self.other_definition))
            )
        self.reference_levels = tbm_sources.load_reference_levels("published")
        self.ax = tbm_plots.central_it_share_bars(
            self.shares,
            self.reference_levels,
            source=self.figure_source,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig19_central_it_share")
        return outputs.present(
            tbm_plots.municipality_names(self.shares),
            self.labels,
            lang=self.lang,
            decimals={"share_pct": 2},
            caption=tbm_plots.caption("fig19", self.lang),
        )

    def below_average(self):
        self.research = self.reference_levels.set_index("reference").loc[
            "municipalities_research", "share_pct"
        ]
        self.readings = tbm.average_readings(self.shares, research_level_pct=float(self.research))
        self.below = tbm.below_average_table(self.shares, self.readings)
        outputs.write_table(self.below, "fig19_below_average")
        return outputs.present(
            self.below,
            self.labels,
            lang=self.lang,
            decimals={"level_pct": 2},
            caption=tbm_plots.caption("below", self.lang),
        )

    def by_municipality(self):
        self.per_municipality = tbm.central_it_share_by_municipality(
            self.shares, self.total_cost, self.year, key=self.allocation_key
        )
        outputs.write_table(
            self.per_municipality, "fig19_central_it_share_by_municipality"
        )
        return outputs.present(
            self.per_municipality,
            {
                k: self.labels[k]
                for k in (
                    "municipality",
                    "organisation",
                    "allocation_key",
                    "allocated_it_cost_sek",
                    "total_cost_sek",
                    "share_pct",
                )
            },
            lang=self.lang,
            decimals={"share_pct": 2},
            caption=tbm_plots.caption(
                "by_municipality", self.lang, allocation_key=self.allocation_key
            ),
        )

    def size_correlation(self):
        self.size_column = (
            "population" if self.shares["population"].notna().all() else "total_cost_sek"
        )
        self.correlations = tbm.size_correlations(
            self.shares, self.pool_shares, size=self.size_column
        )
        outputs.write_table(self.correlations, "tab04_size_correlation")
        return outputs.present(
            self.correlations,
            self.labels,
            lang=self.lang,
            decimals={"rho": 2, "p_value": 3},
            caption=tbm_plots.caption("correlation", self.lang, size=self.size_column),
        )

    def reference_levels_table(self):
        outputs.write_table(self.reference_levels, "tab04_reference_levels")
        return outputs.present(
            self.reference_levels,
            {
                f"label_{self.lang}": self.labels["reference"],
                "share_pct": self.labels["share_pct"],
                "relation": self.labels["relation"],
                "cited_source": self.labels["cited_source"],
                "raw_text": text("parts_tbm.ocr", self.lang),
            },
            lang=self.lang,
            caption=tbm_plots.caption("levels", self.lang),
        )

    def change_exhibit(self):
        """With ``compare_year``: the change of each municipality's central-IT share."""
        self.exhibit = repeat_exhibits.tbm_change(
            self.ledger,
            self.total_cost,
            year=self.year,
            compare_year=self.compare_year,
            allocation_key=self.allocation_key,
            source=self.figure_source,
            lang=self.lang,
        )
        repeat_exhibits.show(self.exhibit)

    def compare_with_report(self):
        self.produced = tbm_claims.derive()
        self.produced.update(tbm_claims.claim_values(self.shares, self.pool_shares))
        self.card = compare_with_report("tbm", self.produced, COMPARISON_COLUMNS, lang=self.lang)
