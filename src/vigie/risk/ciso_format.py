"""CISO Assistant's EBIOS RM study workbook: its sheets, columns and value labels.

Why this format: it is the file CISO Assistant (intuitem, community edition) both writes for
one study (``/api/ebios-rm/studies/<id>/export-xlsx/``, "Export EBIOS RM study as XLSX") and
reads back (its data wizard, type "EBIOS RM study — Excel export"). Its domain export is a
database dump tied to one installation's UUIDs, so a study file is the only per-study format
both tools can exchange. Described here from CISO Assistant's models and its export/import code
(``backend/ebios_rm/views.py``, ``backend/data_wizard/ebios_rm_excel_helpers.py``), not copied.

Shape: one sheet per workshop activity, named with the activity number (``1.3 Feared Events``);
row 1 holds the field names (``ref_id``, ``gravity``, ``is_selected`` …); links between
sheets are by *name* (a feared event's ``assets`` lists asset names, one per line); levels
are written by the name of the study's risk-matrix level ("Critical", "Very likely"), in the
user's language. The 4 × 4 EBIOS RM matrix shipped with CISO Assistant has G1..G4 and V1..V4.
"""

from __future__ import annotations

from typing import Any

SHEETS: dict[str, str] = {
    "study": "1.1 Study",
    "assets": "1.2 Assets",
    "feared_events": "1.3 Feared Events",
    "baseline": "1.4.1 Security baseline",
    "ro_to": "2.1 RO-TO Couples",
    "stakeholders": "3.1 Stakeholders",
    "strategic_scenarios": "3.2.1 Strategic Scenarios",
    "attack_paths": "3.2.2 Attack Paths",
    "stakeholder_controls": "3.3 Stakeholder Controls",
    "elementary_actions": "4.0 Elementary Actions",
    "operational_scenarios": "4.1.1 Operational Scenarios",
    "operating_modes": "4.1.2 Operating Modes",
}
"""Our key -> sheet name. CISO Assistant finds a sheet by its number prefix (``1.3``); a study
has one ``1.4.n <audit name>`` sheet per compliance assessment (vigie writes one)."""

PREFIX: dict[str, str] = {k: v.split(" ", 1)[0] for k, v in SHEETS.items()}

COLUMNS: dict[str, list[str]] = {
    "study": ["ref_id", "name", "description", "version", "status", "eta", "due_date",
              "observation"],
    "assets": ["ref_id", "name", "description", "type", "parent_asset"],
    "feared_events": ["ref_id", "name", "description", "gravity", "is_selected",
                      "justification", "assets"],
    "baseline": ["urn", "ref_id", "name", "description", "result", "observation",
                 "applied_controls"],
    "ro_to": ["risk_origin", "target_objective", "motivation", "resources", "activity",
              "pertinence", "is_selected", "justification", "feared_events"],
    "stakeholders": ["entity", "category", "current_dependency", "current_penetration",
                     "current_maturity", "current_trust", "current_criticality",
                     "residual_dependency", "residual_penetration", "residual_maturity",
                     "residual_trust", "residual_criticality", "is_selected", "justification"],
    "strategic_scenarios": ["ref_id", "name", "description", "risk_origin", "target_objective",
                            "gravity"],
    "attack_paths": ["ref_id", "name", "description", "strategic_scenario", "stakeholders",
                     "is_selected", "justification"],
    "stakeholder_controls": ["ref_id", "name", "description", "status", "stakeholders"],
    "elementary_actions": ["ref_id", "name", "description", "attack_stage", "icon"],
    "operational_scenarios": ["ref_id", "name", "attack_path", "likelihood", "gravity",
                              "risk_level", "operating_modes_description", "is_selected",
                              "justification"],
    "operating_modes": ["ref_id", "name", "description", "operational_scenario", "likelihood",
                        "elementary_actions"],
}  # fmt: skip

# Level names of CISO Assistant's "4x4 risk matrix from EBIOS-RM" library (v5), en and fr:
# what its export writes and its import looks up (by name, any translation).
GRAVITY: dict[str, dict[str, str]] = {
    "G1": {"en": "Minor", "fr": "Mineur"},
    "G2": {"en": "Significant", "fr": "Significatif"},
    "G3": {"en": "Important", "fr": "Important"},
    "G4": {"en": "Critical", "fr": "Critique"},
}
LIKELIHOOD: dict[str, dict[str, str]] = {
    "V1": {"en": "Unlikely", "fr": "Peu vraisemblable"},
    "V2": {"en": "Likely", "fr": "Vraisemblable"},
    "V3": {"en": "Very likely", "fr": "Très vraisemblable"},
    "V4": {"en": "Certain", "fr": "Certain"},
}
RISK: dict[str, dict[str, str]] = {
    "low": {"en": "Low", "fr": "Faible"},
    "moderate": {"en": "Medium", "fr": "Moyen"},
    "high": {"en": "High", "fr": "Élevé"},
}
NOT_RATED = "--"
"""CISO Assistant's display of a level not rated yet (stored as -1)."""

# RoTo ratings: CISO Assistant writes the choice label (0 is "undefined").
MOTIVATION = ("undefined", "very_low", "low", "significant", "strong")
RESOURCES = ("undefined", "limited", "significant", "important", "unlimited")
ACTIVITY = ("undefined", "very_low", "low", "moderate", "important")
PERTINENCE = ("undefined", "irrelevant", "partially_relevant", "fairly_relevant",
              "highly_relevant")  # fmt: skip

# Elementary action attack stage (its choice labels) <-> the guide's four phases.
STAGE: dict[str, str] = {
    "know": "ebiosReconnaissance",
    "enter": "ebiosInitialAccess",
    "find": "ebiosDiscovery",
    "exploit": "ebiosExploitation",
}
STAGE_WORDS: dict[str, tuple[str, ...]] = {
    "know": ("reconnaissance", "know", "connaître", "connaitre"),
    "enter": ("initialaccess", "initial", "enter", "rentrer", "entrer"),
    "find": ("discovery", "discover", "find", "trouver"),
    "exploit": ("exploitation", "exploit", "exploiter"),
}

# Stakeholder category: vigie's id <-> CISO Assistant's built-in "entity relationship" terms
# (en name, fr translation). Other categories travel as their own name.
CATEGORY: dict[str, tuple[str, str]] = {
    "client": ("client", "client"),
    "partner": ("partner", "partenaire"),
    "supplier": ("supplier", "fournisseur"),
    "regulator": ("regulatory_authority", "autorité de régulation"),
    "contractor": ("contractor", "prestataire"),
    "accreditation_authority": ("accreditation_authority", "autorité d’homologation"),
    "other": ("other", "autre"),
}

# Applied control status (its choice labels) <-> vigie's measure status.
CONTROL_STATUS: dict[str | None, str] = {
    "planned": "To do",
    "in_progress": "In progress",
    "done": "Active",
    "abandoned": "Deprecated",
    None: "Undefined",
}
CONTROL_STATUS_IN: dict[str, str | None] = {
    "to do": "planned", "to_do": "planned", "à faire": "planned", "a faire": "planned",
    "in progress": "in_progress", "in_progress": "in_progress", "en cours": "in_progress",
    "on hold": "planned", "on_hold": "planned", "en attente": "planned",
    "active": "done", "actif": "done", "degraded": "done", "dégradé": "done",
    "deprecated": "abandoned", "obsolète": "abandoned", "undefined": None, "--": None,
    "": None, "indéfini": None,
}  # fmt: skip

# Compliance result of a baseline requirement <-> vigie's baseline status.
RESULT: dict[str, str] = {
    "applied": "Compliant",
    "applied_with_restrictions": "Partially compliant",
    "not_applied": "Non compliant",
}
RESULT_IN: dict[str, str | None] = {
    "compliant": "applied", "conforme": "applied",
    "partially compliant": "applied_with_restrictions",
    "partially_compliant": "applied_with_restrictions",
    "partiellement conforme": "applied_with_restrictions",
    "non compliant": "not_applied", "non_compliant": "not_applied",
    "non conforme": "not_applied", "not assessed": None, "not_assessed": None,
    "non évalué": None, "not applicable": None, "not_applicable": None,
    "non applicable": None,
}  # fmt: skip

TRUE_WORDS = {"true", "1", "yes", "oui", "vrai", "x"}
FALSE_WORDS = {"false", "0", "no", "non", "faux", ""}


def norm(v: Any) -> str:
    """A cell as lower-case text, spaces squeezed (matching is case- and space-insensitive)."""
    return " ".join(str(v).split()).lower() if v is not None else ""


def lines(v: Any) -> list[str]:
    """A multi-line cell (one linked name per line) as a list; empty lines dropped."""
    if v is None:
        return []
    return [x.strip() for x in str(v).splitlines() if x.strip()]


def category_label(cat: str, lang: str = "en") -> str:
    """How CISO Assistant writes a category: its term in the user's language, capitalised
    like ``str.capitalize`` (its attack paths name stakeholders with it, so a French user's
    import links them only with the French term)."""
    en, fr = CATEGORY.get(cat, (cat, cat))
    return (fr if lang == "fr" else en).capitalize()


def stakeholder_label(name: str, cat: str, lang: str = "en") -> str:
    """How an attack path names a stakeholder: ``Entity (Category)``."""
    return f"{name} ({category_label(cat, lang)})"
