"""The EBIOS RM scales and the study's default settings, in French and English.

Why one module: the levels (G1..G4, V1..V4, zones, risk levels) appear in the model, the
computations, the checks and both reports; keeping their codes, order and labels here means a
label is never spelled two ways. Codes (``G3``, ``V2``, ``high``) are stored in studies; labels
are only shown. Numbers follow ANSSI's EBIOS Risk Manager guide (v1.5, 2024) conventions.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]

SEVERITY: dict[str, dict[str, str]] = {
    "G1": {"fr": "Mineure", "en": "Minor"},
    "G2": {"fr": "Significative", "en": "Significant"},
    "G3": {"fr": "Grave", "en": "Serious"},
    "G4": {"fr": "Critique", "en": "Critical"},
}
LIKELIHOOD: dict[str, dict[str, str]] = {
    # V0: the cells marked 0 in the guide's elementary-likelihood grid (advanced method, see
    # DEFAULT_ADVANCED_TABLE): an action, hence a scenario, judged implausible.
    "V0": {"fr": "Invraisemblable", "en": "Implausible"},
    "V1": {"fr": "Peu vraisemblable", "en": "Unlikely"},
    "V2": {"fr": "Vraisemblable", "en": "Likely"},
    "V3": {"fr": "Très vraisemblable", "en": "Very likely"},
    "V4": {"fr": "Quasi certain", "en": "Almost certain"},
}
RISK_LEVEL: dict[str, dict[str, str]] = {
    "low": {"fr": "Faible", "en": "Low"},
    "moderate": {"fr": "Moyen", "en": "Moderate"},
    "high": {"fr": "Élevé", "en": "High"},
}
# Probability of success of an elementary action (standard and advanced methods), 0..4.
SUCCESS: dict[int, dict[str, str]] = {
    0: {"fr": "Très faible (< 3 %)", "en": "Very low (< 3 %)"},
    1: {"fr": "Faible (< 20 %)", "en": "Low (< 20 %)"},
    2: {"fr": "Significative (> 20 %)", "en": "Significant (> 20 %)"},
    3: {"fr": "Très élevée (> 60 %)", "en": "Very high (> 60 %)"},
    4: {"fr": "Quasi certaine (> 90 %)", "en": "Almost certain (> 90 %)"},
}
# Technical difficulty of an elementary action (advanced method), 0..4.
DIFFICULTY: dict[int, dict[str, str]] = {
    0: {"fr": "Négligeable", "en": "Negligible"},
    1: {"fr": "Faible", "en": "Low"},
    2: {"fr": "Modérée", "en": "Moderate"},
    3: {"fr": "Élevée", "en": "High"},
    4: {"fr": "Très élevée", "en": "Very high"},
}
# Relevance of a (risk source, target objective) pair: four levels, as the guide's
# motivation x resources grid (DEFAULT_RELEVANCE_GRID) gives 1..4. The ``sum`` and ``product``
# rules (vigie's own, kept for older studies) only reach P1..P3.
RELEVANCE: dict[str, dict[str, str]] = {
    "P1": {"fr": "Peu pertinent", "en": "Barely relevant"},
    "P2": {"fr": "Moyennement pertinent", "en": "Moderately relevant"},
    "P3": {"fr": "Pertinent", "en": "Relevant"},
    "P4": {"fr": "Très pertinent", "en": "Highly relevant"},
}
ZONE: dict[str, dict[str, str]] = {
    "danger": {"fr": "Danger", "en": "Danger"},
    "control": {"fr": "Contrôle", "en": "Control"},
    "watch": {"fr": "Veille", "en": "Watch"},
    "outside": {"fr": "Hors zone", "en": "Outside"},
    "unrated": {"fr": "Non évaluée", "en": "Not rated"},
}
PHASE: dict[str, dict[str, str]] = {
    "know": {"fr": "Connaître", "en": "Know"},
    "enter": {"fr": "Rentrer", "en": "Enter"},
    "find": {"fr": "Trouver", "en": "Find"},
    "exploit": {"fr": "Exploiter", "en": "Exploit"},
}
PHASES: tuple[str, ...] = tuple(PHASE)
MEASURE_CATEGORY: dict[str, dict[str, str]] = {
    "governance": {"fr": "Gouvernance", "en": "Governance"},
    "protection": {"fr": "Protection", "en": "Protection"},
    "defence": {"fr": "Défense", "en": "Defence"},
    "resilience": {"fr": "Résilience", "en": "Resilience"},
}
# The guide's three categories (client, partner, supplier) come first; a study may use any
# other category (regulator, authority, media …): known ones get a label, others show as is.
STAKEHOLDER_CATEGORY: dict[str, dict[str, str]] = {
    "client": {"fr": "Client", "en": "Client"},
    "partner": {"fr": "Partenaire", "en": "Partner"},
    "supplier": {"fr": "Prestataire", "en": "Supplier"},
    "regulator": {"fr": "Régulateur", "en": "Regulator"},
    "authority": {"fr": "Autorité", "en": "Authority"},
    "media": {"fr": "Média", "en": "Media"},
    "platform": {"fr": "Plateforme", "en": "Platform"},
    "other": {"fr": "Autre", "en": "Other"},
}
ACCEPTANCE: dict[str, dict[str, str]] = {
    "accepted": {"fr": "Accepté", "en": "Accepted"},
    "refused": {"fr": "Refusé", "en": "Refused"},
    "pending": {"fr": "En attente de décision", "en": "Decision pending"},
}
MEASURE_STATUS: dict[str, dict[str, str]] = {
    "planned": {"fr": "Prévue", "en": "Planned"},
    "in_progress": {"fr": "En cours", "en": "In progress"},
    "done": {"fr": "Réalisée", "en": "Done"},
    "abandoned": {"fr": "Abandonnée", "en": "Abandoned"},
}
BASELINE_STATUS: dict[str, dict[str, str]] = {
    "applied": {"fr": "Appliqué", "en": "Applied"},
    "applied_with_restrictions": {
        "fr": "Appliqué avec restrictions",
        "en": "Applied with restrictions",
    },
    "not_applied": {"fr": "Non appliqué", "en": "Not applied"},
}
STRATEGY: dict[str, dict[str, str]] = {
    "reduce": {"fr": "Réduire", "en": "Reduce"},
    "avoid": {"fr": "Refuser / éviter", "en": "Avoid"},
    "transfer": {"fr": "Transférer / partager", "en": "Transfer / share"},
    "accept": {"fr": "Accepter", "en": "Accept"},
}
TLP_LEVELS: tuple[str, ...] = (
    "TLP:CLEAR",
    "TLP:GREEN",
    "TLP:AMBER",
    "TLP:AMBER+STRICT",
    "TLP:RED",
)

SEVERITIES: tuple[str, ...] = tuple(SEVERITY)
LIKELIHOODS: tuple[str, ...] = ("V1", "V2", "V3", "V4")
"""The guide's four likelihood levels (the rows of its risk grid); V0 is shown only when used."""

# Risk grid, row = likelihood, columns G1..G4: the guide's example grid (EBIOS RM guide,
# workshop 5, "cartographie du risque": low / moderate / high zones), the same cells as CISO
# Assistant's "4x4 risk matrix from EBIOS-RM" library (v5, 2025-05-02, fixed in their PR #1935
# to follow the guide). A study may replace it (``settings.risk_grid``), e.g. for a G5 scale;
# a single risk level may still be forced.
# V0 is not a row of the guide's grid; vigie treats an implausible scenario as a low risk.
RISK_GRID: dict[str, tuple[str, ...]] = {
    "V0": ("low", "low", "low", "low"),
    "V1": ("low", "low", "low", "moderate"),
    "V2": ("low", "low", "moderate", "moderate"),
    "V3": ("moderate", "moderate", "high", "high"),
    "V4": ("moderate", "high", "high", "high"),
}

# Defaults a study may override under ``settings``.
DEFAULT_ZONES: dict[str, float] = {"danger": 2.5, "control": 0.9, "watch": 0.2}
DEFAULT_RELEVANCE_RULE = "grid"
# The guide's relevance grid (EBIOS RM, workshop 2 "évaluer les couples SR/OV", and the
# "fiches méthodes" supplement): rows = motivation 1..4, columns = resources 1..4, value =
# relevance 1..4 (P1..P4). Same cells in CISO Assistant's EBIOS RM module (RoTo pertinence).
# (Workshop 2 begins on p. 31 of the guide's English edition v1.0, per its table of contents;
# the grid's own page was not verifiable here: see docs/risk.md.)
# Activity is recorded and shown but, as in the guide's grid, does not move the level.
# Check by hand: motivation 3, resources 3 -> 3 (P3, "pertinent"), not "moyennement".
DEFAULT_RELEVANCE_GRID: tuple[tuple[int, int, int, int], ...] = (
    (1, 1, 2, 2),  # motivation 1
    (1, 2, 3, 3),  # motivation 2
    (2, 3, 3, 4),  # motivation 3
    (2, 3, 4, 4),  # motivation 4
)
# sum of three 1..4 ratings spans 3..12: <= 6 -> P1, <= 9 -> P2, else P3.
# product spans 1..64: <= 8 -> P1, <= 27 -> P2, else P3.
DEFAULT_RELEVANCE_THRESHOLDS: dict[str, tuple[float, float]] = {
    "sum": (6, 9),
    "product": (8, 27),
}
# Standard method: probability of success 0..4 -> likelihood level.
DEFAULT_SUCCESS_TO_LIKELIHOOD: dict[int, str] = {0: "V1", 1: "V1", 2: "V2", 3: "V3", 4: "V4"}
# Advanced method: the guide's grid of an elementary action's likelihood (EBIOS RM guide,
# workshop 4, step "évaluer la vraisemblance des scénarios opérationnels", méthode avancée:
# probability of success x technical difficulty). Rows = probability of success 0..4, columns
# = difficulty 0..4 (negligible .. very high), value = V index; 0 is the guide's V0
# ("invraisemblable"). vigie's earlier table (no 0, optimistic at low difficulty) differed in
# 9 of these 25 cells, which turned the guide example's R1 from V3 into V2.
DEFAULT_ADVANCED_TABLE: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 1, 1, 0, 0),  # success 0 (very low)
    (2, 2, 2, 1, 0),  # success 1 (low)
    (3, 3, 2, 2, 1),  # success 2 (significant)
    (4, 3, 3, 2, 1),  # success 3 (very high)
    (4, 4, 3, 2, 1),  # success 4 (almost certain)
)


def label(table: dict, code: object, lang: str = "en") -> str:
    """The label of ``code`` in ``table`` for ``lang``, or the code itself when unknown."""
    entry = table.get(code)
    if entry is None:
        return str(code)
    return entry.get(lang) or entry["en"]


def level_index(code: str) -> int:
    """``G3`` -> 3, ``V2`` -> 2, ``V0`` -> 0."""
    return int(code[1:])
