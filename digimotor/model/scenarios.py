"""The collaboration scenarios' codes, the SOU 2020:8 path beneath each, the stairs' levels."""

from __future__ import annotations

from .capabilities import SAMTRAPPAN_STEP_IDS

#: Scenario codes and the SOU 2020:8 path beneath each (see ``collaboration_scenarios``).
SCENARIO_CODES = (-1, 0, 1, 2, 3, 4, 5)
SCENARIO_PATH = {-1: "", 0: "", 1: "collaboration", 2: "asymmetric", 3: "collaboration", 4: "asymmetric",
                 5: "merger"}
#: Step of the collaboration stairs -> its level (talk = 1 … joint action = 5).
SAMTRAPPAN_LEVEL = {step: level for level, step in enumerate(SAMTRAPPAN_STEP_IDS, start=1)}
