"""The page of ``notebooks/01-demography.ipynb``: Population forecast, Figures 6–8 (see :mod:`digimotor.parts`)."""

from __future__ import annotations

from digimotor import outputs
from digimotor.claims import demography as demography_claims
from digimotor.labels import label, text
from digimotor.metrics import demography
from digimotor.metrics import population as population_structure
from digimotor.metrics import projection as projection_bridge
from digimotor.parts import Page, compare_with_report, prose, show_figure
from digimotor.plots import demography as demography_plots
from digimotor.regions import resolve_region
from digimotor.snapshots import NO_DATA
from digimotor.sources.published import load_population_forecast
from digimotor.sources.scb import (
    load_population,
    load_population_by_age,
    load_population_projection,
    region_name,
)

#: The scorecard's columns shown in the closing comparison.
COMPARISON_COLUMNS = tuple(
    "claim_id exhibit seed_line published_value computed_value outcome raw_text".split()
)


class NotebookPage(Page):
    """``01-demography``: ``NotebookPage(**parameters)``, then one method per code cell."""

    NOTEBOOK = "01-demography"
    PARAMETERS = tuple(
        "region base_year target_year source lang pyramid_source pyramid_region pyramid_year "
        "projection_source projection_year observed_source forecast_method trend_years".split()
    )

    def setup(self):
        self.selected = resolve_region(self.region)
        self.population = load_population_forecast(self.source)
        self.provenance = self.population.attrs["provenance"]
        self.kind = self.provenance["kind"]
        prose(
            text("parts_demography.region_region_n_kommuner_data", self.lang),
            region=self.selected.name,
            n=len(self.selected),
            path=self.provenance["path"],
            kind=self.kind,
        )

    def forecast_from_fetched(self):
        self.forecast_note = ""
        if self.observed_source:
            self.observed = load_population(self.observed_source)
            self.projected_population = load_population_projection(self.projection_source)
            self.population = projection_bridge.population_forecast_from_projection(
                self.observed,
                self.projected_population,
                self.base_year,
                self.target_year,
                self.selected.codes,
                method=self.forecast_method,
                trend_years=self.trend_years,
                lang=self.lang,
            )
            self.forecast_note = self.population.attrs["forecast"]["label"]
            self.kind = self.observed.attrs["provenance"]["kind"]
            self.provenance = {
                "kind": self.kind,
                "path": f"{self.forecast_note} · {self.observed.attrs['provenance']['path']} + {self.projected_population.attrs['provenance']['path']}",
            }
            print(self.forecast_note)

    def figure7_table(self):
        self.change = demography.population_change(
            self.population, self.base_year, self.target_year, codes=self.selected.codes
        )
        self.table = demography.with_total(self.change, self.selected.name)
        outputs.write_table(
            projection_bridge.with_forecast_note(self.table, self.forecast_note),
            "fig07_population_forecast",
        )
        return outputs.present(
            self.table,
            demography_plots.table_labels(self.lang, self.base_year, self.target_year),
            lang=self.lang,
            decimals={"change_pct": 1},
            caption=label(
                "parts_demography.figure7_caption",
                self.lang,
                region=self.selected.name,
                base_year=self.base_year,
                target_year=self.target_year,
            )
            + (f" · {self.forecast_note}" if self.forecast_note else ""),
        )

    def figure6_bars(self):
        self.ax = demography_plots.population_forecast_bars(
            self.change,
            self.base_year,
            self.target_year,
            source="Digital motor Fyrbodal (2021), figur 7"
            if self.kind == "published"
            else self.provenance["path"],
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig06_population_forecast")

    def largest_changes(self):
        self.ranked = demography.rank_by_change(self.change)
        return outputs.present(
            demography.largest_changes(self.ranked, 3),
            {
                "rank": "#",
                **demography_plots.table_labels(self.lang, self.base_year, self.target_year),
            },
            lang=self.lang,
            decimals={"change_pct": 1},
        )

    def figure8_pyramid(self):
        if self.pyramid_source == NO_DATA:  # a study without population by age: no pyramid, never another region's
            prose(text("parts_demography.no_population_by_age", self.lang))
            return
        self.by_age = load_population_by_age(self.pyramid_source)
        self.age_provenance = self.by_age.attrs["provenance"]
        self.pyramid = population_structure.pyramid_table(
            self.by_age, self.pyramid_region, self.pyramid_year
        )
        self.projected, self.vintage = (None, None)
        if self.projection_source:
            self.projection = load_population_projection(self.projection_source)
            self.vintage = str(self.projection["vintage"].iloc[0])
            self.projected = population_structure.pyramid_table(
                self.projection, self.pyramid_region, self.projection_year
            )
        outputs.write_table(
            self.pyramid, "fig08_population_pyramid"
        )
        self.note = demography_plots.pyramid_note(self.pyramid_year, self.vintage, self.lang)
        self.ax = demography_plots.population_pyramid(
            self.pyramid,
            self.pyramid_year,
            line=self.projected,
            line_year=self.projection_year,
            line_vintage=self.vintage,
            region=region_name(self.pyramid_region),
            source=self.age_provenance["path"],
            note=self.note,
            lang=self.lang,
        )
        show_figure(self.ax.figure, "fig08_population_pyramid")
        prose(
            text("parts_demography.region_year_total_inhabitants_women", self.lang)
            + (
                text("parts_demography.projection_edition_vintage", self.lang)
                if self.vintage
                else ""
            )
            + text("parts_demography.note", self.lang),
            region=region_name(self.pyramid_region),
            year=self.pyramid_year,
            total=int(self.pyramid["total"].sum()),
            women=int(self.pyramid["women"].sum()),
            men=int(self.pyramid["men"].sum()),
            kind=self.age_provenance["kind"],
            vintage=self.vintage,
            note=self.note,
        )

    def compare_with_report(self):
        self.study_setting = (
            self.source == "published"
            and (not self.observed_source)
            and (self.selected.name == "Fyrbodal")
            and ((self.base_year, self.target_year) == (2019, 2030))
        )
        if self.study_setting:
            self.produced = demography_claims.claim_values(self.change, self.selected.name)
            self.card = compare_with_report(
                "demography", self.produced, COMPARISON_COLUMNS, lang=self.lang
            )
        else:
            prose(text("parts_demography.not_the_studys_setting_no", self.lang))
