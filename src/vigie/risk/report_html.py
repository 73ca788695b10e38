"""The steering-committee report: one self-contained HTML file (inline CSS and SVG).

Why self-contained: the report travels by e-mail or USB key to people who open it offline,
often under a TLP marking that forbids fetching anything from the network; it therefore has
no script, no external stylesheet, font or image. Computed values the analyst forced are
flagged (⚑) wherever they appear and listed with their justification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from vigie import disarm
from vigie.atomic import atomic_file
from vigie.risk import scales, svg
from vigie.risk.compute import Results
from vigie.risk.model import Study

TLP_COLOUR = {
    "TLP:CLEAR": ("#ffffff", "#000000"),
    "TLP:GREEN": ("#33ff00", "#000000"),
    "TLP:AMBER": ("#ffc000", "#000000"),
    "TLP:AMBER+STRICT": ("#ffc000", "#000000"),
    "TLP:RED": ("#ff2b2b", "#000000"),
}

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "version": "Version",
        "marking": "Marquage",
        "date": "Date",
        "authors": "Auteurs",
        "review": "Revue",
        "last": "dernière",
        "next": "prochaine",
        "summary": "Synthèse",
        "w1": "Atelier 1 — Cadrage et socle de sécurité",
        "w2": "Atelier 2 — Sources de risque",
        "w3": "Atelier 3 — Écosystème et scénarios stratégiques",
        "w4": "Atelier 4 — Scénarios opérationnels",
        "w5": "Atelier 5 — Traitement du risque",
        "missions": "Missions",
        "bv": "Valeurs métier",
        "owner": "Responsable",
        "sa": "Biens supports",
        "fe": "Événements redoutés",
        "severity": "Gravité",
        "baseline": "Socle de sécurité",
        "status": "Statut",
        "gaps": "Écarts et justifications",
        "pairs": "Couples source de risque / objectif visé",
        "source": "Source de risque",
        "objective": "Objectif visé",
        "motivation": "Motivation",
        "resources": "Ressources",
        "activity": "Activité",
        "score": "Score",
        "relevance": "Pertinence",
        "retained": "Retenu",
        "justification": "Justification",
        "yes": "oui",
        "no": "non",
        "radar_i": "Cartographie de la menace — initiale",
        "radar_r": "Cartographie de la menace — résiduelle",
        "stakeholders": "Parties prenantes",
        "category": "Catégorie",
        "dep": "Dépendance",
        "pen": "Pénétration",
        "mat": "Maturité cyber",
        "trust": "Confiance",
        "threat": "Menace",
        "zone": "Zone",
        "residual": "Résiduel",
        "ss": "Scénarios stratégiques",
        "paths": "Chemins d'attaque",
        "os": "Scénarios opérationnels",
        "phase": "Phase",
        "action": "Action",
        "technique": "Technique",
        "success": "Succès",
        "difficulty": "Difficulté",
        "method": "Méthode",
        "likelihood": "Vraisemblance",
        "easiest": "Mode opératoire le plus facile",
        "matrix_i": "Cartographie des risques — initiale",
        "matrix_r": "Cartographie des risques — résiduelle",
        "risks": "Risques",
        "risk": "Risque",
        "level": "Niveau",
        "strategy": "Stratégie",
        "measures": "Plan de mesures",
        "category_m": "Catégorie",
        "cost": "Coût",
        "deadline": "Échéance",
        "months": "mois",
        "critical": "Partie prenante critique",
        "sheet": "Fiche de risque résiduel",
        "vulnerability": "Vulnérabilité résiduelle",
        "monitoring": "Suivi",
        "acceptance": "Acceptation",
        "progress": "Avancement",
        "coverage": "Couverture des événements redoutés",
        "forced": "Valeurs forcées",
        "computed": "Calculée",
        "kept": "Retenue",
        "path": "Élément",
        "none_forced": "Aucune valeur forcée.",
        "notes": "Journal",
        "uncovered": "non couvert",
        "flag": "⚑ valeur forcée par l'analyste (voir « Valeurs forcées »)",
        "attribution": "Techniques",
        "modes": "modes",
    },
    "en": {
        "version": "Version",
        "marking": "Marking",
        "date": "Date",
        "authors": "Authors",
        "review": "Review",
        "last": "last",
        "next": "next",
        "summary": "Summary",
        "w1": "Workshop 1 — Framing and security baseline",
        "w2": "Workshop 2 — Risk sources",
        "w3": "Workshop 3 — Ecosystem and strategic scenarios",
        "w4": "Workshop 4 — Operational scenarios",
        "w5": "Workshop 5 — Risk treatment",
        "missions": "Missions",
        "bv": "Business values",
        "owner": "Owner",
        "sa": "Supporting assets",
        "fe": "Feared events",
        "severity": "Severity",
        "baseline": "Security baseline",
        "status": "Status",
        "gaps": "Gaps and justifications",
        "pairs": "Risk source / target objective pairs",
        "source": "Risk source",
        "objective": "Target objective",
        "motivation": "Motivation",
        "resources": "Resources",
        "activity": "Activity",
        "score": "Score",
        "relevance": "Relevance",
        "retained": "Retained",
        "justification": "Justification",
        "yes": "yes",
        "no": "no",
        "radar_i": "Ecosystem threat map — initial",
        "radar_r": "Ecosystem threat map — residual",
        "stakeholders": "Stakeholders",
        "category": "Category",
        "dep": "Dependency",
        "pen": "Penetration",
        "mat": "Cyber maturity",
        "trust": "Trust",
        "threat": "Threat",
        "zone": "Zone",
        "residual": "Residual",
        "ss": "Strategic scenarios",
        "paths": "Attack paths",
        "os": "Operational scenarios",
        "phase": "Phase",
        "action": "Action",
        "technique": "Technique",
        "success": "Success",
        "difficulty": "Difficulty",
        "method": "Method",
        "likelihood": "Likelihood",
        "easiest": "Easiest operating mode",
        "matrix_i": "Risk map — initial",
        "matrix_r": "Risk map — residual",
        "risks": "Risks",
        "risk": "Risk",
        "level": "Level",
        "strategy": "Strategy",
        "measures": "Measures plan",
        "category_m": "Category",
        "cost": "Cost",
        "deadline": "Deadline",
        "months": "months",
        "critical": "Critical stakeholder",
        "sheet": "Residual-risk sheet",
        "vulnerability": "Residual vulnerability",
        "monitoring": "Monitoring",
        "acceptance": "Acceptance",
        "progress": "Progress",
        "coverage": "Feared event coverage",
        "forced": "Forced values",
        "computed": "Computed",
        "kept": "Retained",
        "path": "Item",
        "none_forced": "No forced value.",
        "notes": "Log",
        "uncovered": "not covered",
        "flag": "⚑ value forced by the analyst (see “Forced values”)",
        "attribution": "Techniques",
        "modes": "modes",
    },
}


def technique_label(tid: str, lang: str) -> str:
    """``T0049.003 — <name in lang>`` for DISARM ids, ``T1566 (ATT&CK)`` otherwise."""
    if not tid:
        return "—"
    if disarm.is_technique(tid):
        return f"{tid} — {disarm.technique(tid).label(lang)}"
    return f"{tid} (ATT&CK{' for ICS' if tid.startswith('T08') else ''})"


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vigie.risk", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(study: Study, results: Results) -> str:
    """The report's HTML text."""
    lang = study.study.lang
    measure_risks: dict[str, list[str]] = {}
    for rk in study.risks:
        for m in rk.measures:
            measure_risks.setdefault(m, []).append(rk.id)
    context: dict[str, Any] = {
        "s": study,
        "r": results,
        "w": WORDS[lang],
        "lang": lang,
        "sc": scales,
        "L": lambda table, code: scales.label(table, code, lang),
        "tech": lambda tid: technique_label(tid, lang),
        "tlp": TLP_COLOUR[study.study.marking],
        "matrix_i": svg.risk_matrix(results, lang),
        "matrix_r": svg.risk_matrix(results, lang, residual=True),
        "radar_i": svg.radar(study, results, lang),
        "radar_r": svg.radar(study, results, lang, residual=True),
        "graphs": {
            ss.id: svg.scenario_graph(study, results, ss.id, lang)
            for ss in study.strategic_scenarios
        },
        "level_colour": svg.LEVEL_COLOUR,
        "fe_names": {f.id: f.name for f in study.feared_events},
        "attribution": disarm.ATTRIBUTION,
        "measure_risks": measure_risks,
    }
    return _env().get_template("report.html.j2").render(**context)


def write_report(study: Study, results: Results, out: str | Path) -> Path:
    """Render and write the report atomically."""
    out = Path(out)
    html = render(study, results)
    with atomic_file(out) as fh:
        fh.write(html)
    return out
