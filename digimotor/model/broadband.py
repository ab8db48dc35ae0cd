"""Broadband (PTS): the premises and the areas PTS reports, and the texts its tables use for them."""

from __future__ import annotations

#: The premises PTS counts.
PREMISES = ("households", "workplaces")
#: ``outside_urban``/``urban`` are PTS's areas up to 2019 (utanför / inom tätort och småort); from
#: 2020 PTS reports ``sparse``/``dense`` (glesbebyggt / tätbebyggt) instead. They are different
#: areas and are kept apart, never mapped onto each other.
AREAS = ("total", "outside_urban", "urban", "sparse", "dense")
#: Area texts (folded) in PTS tables -> area.
AREA_TEXTS = {
    "totalt": "total", "total": "total", "samtliga": "total", "alla": "total", "hela kommunen": "total",
    "utanfor tatort och smaort": "outside_urban", "utanfor tatort": "outside_urban",
    "tatort och smaort": "urban", "inom tatort och smaort": "urban",
    "glesbebyggt": "sparse", "glesbebyggda omraden": "sparse", "glesbygd": "sparse",
    "tatbebyggt": "dense", "tatbebyggda omraden": "dense",
}
PREMISES_TEXTS = {"hushall": "households", "households": "households", "arbetsstallen": "workplaces",
                  "arbetsstalle": "workplaces", "workplaces": "workplaces", "foretag": "workplaces"}
