"""Sheet names and column headers of the study workbook, in English and French.

Why a table of its own: the export writes them in the study's language and the re-import
(``import_xlsx``) must recognise either, so a workbook exported in French and edited by a
French committee reads back the same as an English one. English is the key.
"""

from __future__ import annotations

SHEET_FR: dict[str, str] = {
    "Study": "Étude",
    "Missions": "Missions",
    "Business values": "Valeurs métier",
    "Supporting assets": "Biens supports",
    "Feared events": "Événements redoutés",
    "Baseline": "Socle de sécurité",
    "Risk sources": "Couples SR-OV",
    "Source list": "Sources de risque",
    "Ecosystem": "Écosystème",
    "Strategic scenarios": "Scénarios stratégiques",
    "Operational scenarios": "Scénarios opérationnels",
    "Operational actions": "Actions élémentaires",
    "Risks": "Risques",
    "Measures": "Mesures",
    "Coverage": "Couverture",
    "Forced values": "Valeurs forcées",
    "Notes": "Notes",
}

HEADER_FR: dict[str, str] = {
    "field": "champ",
    "value": "valeur",
    "id": "id",
    "name": "nom",
    "description": "description",
    "nature": "nature",
    "owner": "responsable",
    "owners": "responsables",
    "missions": "missions",
    "business values": "valeurs métier",
    "severity": "gravité",
    "severity label": "libellé de gravité",
    "covered by": "couvert par",
    "impacts": "impacts",
    "status": "statut",
    "gaps (description — justification)": "écarts (description — justification)",
    "kind": "type",
    "pair": "couple",
    "source": "source",
    "objective": "objectif visé",
    "motivation": "motivation",
    "resources": "ressources",
    "activity": "activité",
    "score": "score",
    "relevance": "pertinence",
    "retained": "retenu",
    "justification": "justification",
    "category": "catégorie",
    "dependency": "dépendance",
    "penetration": "pénétration",
    "maturity": "maturité",
    "trust": "confiance",
    "threat": "menace",
    "zone": "zone",
    "residual threat": "menace résiduelle",
    "residual zone": "zone résiduelle",
    "critical": "critique",
    "residual dependency": "dépendance résiduelle",
    "residual penetration": "pénétration résiduelle",
    "residual maturity": "maturité résiduelle",
    "residual trust": "confiance résiduelle",
    "path": "chemin",
    "stakeholders": "parties prenantes",
    "feared events": "événements redoutés",
    "path description": "description du chemin",
    "strategic scenario": "scénario stratégique",
    "paths": "chemins",
    "method": "méthode",
    "likelihood (express)": "vraisemblance (express)",
    "likelihood": "vraisemblance",
    "scenario": "scénario",
    "action": "action",
    "phase": "phase",
    "technique": "technique",
    "success": "probabilité de succès",
    "difficulty": "difficulté technique",
    "in easiest mode": "dans le mode le plus facile",
    "after": "après",
    "join": "jonction",
    "risk": "risque",
    "level": "niveau",
    "strategy": "stratégie",
    "measures": "mesures",
    "residual severity": "gravité résiduelle",
    "residual likelihood": "vraisemblance résiduelle",
    "residual level": "niveau résiduel",
    "residual justification": "justification du risque résiduel",
    "residual severity (set)": "gravité résiduelle (saisie)",
    "residual likelihood (set)": "vraisemblance résiduelle (saisie)",
    "residual description": "description du risque résiduel",
    "vulnerabilities": "vulnérabilités",
    "monitoring": "suivi",
    "accepted by": "accepté par",
    "acceptance date": "date d'acceptation",
    "decision": "décision",
    "acceptance comment": "commentaire d'acceptation",
    "cost": "coût",
    "deadline": "échéance",
    "progress %": "avancement %",
    "deadline (months)": "échéance (mois)",
    "attack paths": "chemins d'attaque",
    "feared event": "événement redouté",
    "item": "élément",
    "computed": "calculé",
    "date": "date",
    "author": "auteur",
    "text": "texte",
}


def sheet_name(key: str, lang: str) -> str:
    return SHEET_FR.get(key, key) if lang == "fr" else key


def header(key: str, lang: str) -> str:
    return HEADER_FR.get(key, key) if lang == "fr" else key


SHEET_IN: dict[str, str] = {**{v: k for k, v in SHEET_FR.items()}, **{k: k for k in SHEET_FR}}
"""Either language's sheet name -> the English key."""


def header_key(text: str) -> str:
    """Either language's header -> the English key."""
    t = " ".join(str(text).split()).lower()
    for en, fr in HEADER_FR.items():
        if t in (en, fr):
            return en
    return t
