"""The capability map: the elements of a capability, the report's lists, groups and scales."""

from __future__ import annotations

#: The five capability elements (Figure 3), in the report's order of mention (seed line 785).
ELEMENTS = ("process", "organisation", "policy", "technology", "information")
#: The report's lists of capabilities.
LISTS = ("key", "strongest", "weakest", "action_plan", "technology_trend", "conclusions", "challenges", "text")
#: Capability groups of the catalogue (the project's grouping; the report gives none).
GROUPS = ("operations", "sourcing", "business", "governance", "competence", "security", "collaboration")
#: How critical a capability is to the municipalities.
CRITICALITY_LEVELS = ("low", "normal", "high")
#: The steps of the collaboration stairs (Samtrappan, Figure 2), lowest first.
SAMTRAPPAN_STEP_IDS = ("talk", "shared_view", "coordination", "collaboration", "joint_action")
#: The four paths of SOU 2020:8 (Figure 5).
SOU_PATH_IDS = ("collaboration", "asymmetric", "merger", "transfer")
#: Default scale of a self-assessment score when a row does not declare one.
DEFAULT_SCALE = (1, 5)
