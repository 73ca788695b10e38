"""The steering-committee report: one self-contained HTML file (inline CSS and SVG).

Why self-contained: the report travels by e-mail or USB key to people who open it offline,
often under a TLP marking that forbids fetching anything from the network; it therefore has
no script, no external stylesheet, font or image. Computed values the analyst forced are
flagged (⚑) wherever they appear and listed with their justification.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from vigie import disarm
from vigie.atomic import atomic_file, check_overwrite
from vigie.risk import scales, svg
from vigie.risk.compute import Results
from vigie.risk.diff import diff
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
        "exec": "Synthèse pour le comité de pilotage",
        "top": "Risques principaux",
        "decisions": "Décisions demandées au comité",
        "decide_accept": (
            "Accepter (ou refuser) le risque résiduel {r} — niveau {lvl} (décision en attente)"
        ),
        "decide_open": (
            "Statuer sur les risques résiduels de niveau {lvl}, sans décision consignée : {r}"
        ),
        "total": "Total des coûts chiffrés en euros ({n} mesures)",
        "unpriced": "{n} coût(s) non chiffré(s) en euros",
        "decide_plan": "Valider le plan de mesures : {n} mesure(s) à engager ou en cours",
        "decide_forced": "Prendre acte de {n} valeur(s) forcée(s) par l'analyste",
        "no_decision": "Aucune décision demandée.",
        "signoff": "Acceptation des risques résiduels",
        "decision": "Décision",
        "by": "Par",
        "signature": "Signature",
        "roadmap": "Feuille de route des mesures",
        "changes": "Évolutions depuis la version précédente",
        "changes_n": "{n} évolution(s) depuis la version {v}",
        "more": "… et {n} autre(s)",
        "no_change": "Aucune évolution.",
        "added": "ajouté",
        "removed": "retiré",
        "direct": "direct",
        "junction_and": "ET",
        "junction_or": "OU",
        "op_graph": "Graphe d'attaque",
        "legend_easiest": "chemin le plus facile",
        "method_express": "express",
        "method_standard": "standard",
        "method_advanced": "avancée",
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
        "exec": "Executive summary for the steering committee",
        "top": "Top risks",
        "decisions": "Decisions asked of the committee",
        "decide_accept": "Accept (or refuse) residual risk {r} — level {lvl} (decision pending)",
        "decide_open": "Rule on the residual risks of level {lvl}, no decision recorded: {r}",
        "total": "Total of the costs given in euros ({n} measures)",
        "unpriced": "{n} cost(s) not given in euros",
        "decide_plan": "Approve the measures plan: {n} measure(s) to start or under way",
        "decide_forced": "Take note of {n} value(s) forced by the analyst",
        "no_decision": "No decision asked.",
        "signoff": "Residual-risk acceptance",
        "decision": "Decision",
        "by": "By",
        "signature": "Signature",
        "roadmap": "Measures roadmap",
        "changes": "Changes since the previous version",
        "changes_n": "{n} change(s) since version {v}",
        "more": "… and {n} more",
        "no_change": "No change.",
        "added": "added",
        "removed": "removed",
        "direct": "direct",
        "junction_and": "AND",
        "junction_or": "OR",
        "op_graph": "Attack graph",
        "legend_easiest": "easiest path",
        "method_express": "express",
        "method_standard": "standard",
        "method_advanced": "advanced",
    },
}


def technique_label(tid: str, lang: str) -> str:
    """``T0049.003 — <name in lang>`` for DISARM ids, ``T1566 (ATT&CK)`` otherwise."""
    if not tid:
        return "—"
    if disarm.is_technique(tid):
        return f"{tid} — {disarm.technique(tid).label(lang)}"
    return f"{tid} (ATT&CK{' for ICS' if tid.startswith('T08') else ''})"


LEVEL_RANK = {"low": 0, "moderate": 1, "high": 2}
TOP_RISKS = 5
"""Risks on the one-page summary (the full list follows in the report)."""
ROADMAP_ROWS = 6
CHANGE_ROWS = 6
"""Rows of the roadmap and of the changes on the summary page (it must fit on one page)."""
_EURO = re.compile(r"^\s*(\d[\d\s\u202f.]*(?:,\d+)?)\s*(k?)€\s*$")


def top_risks(study: Study, results: Results, n: int = TOP_RISKS) -> list[str]:
    """Risk ids, highest level first, then severity, then likelihood (the committee's order)."""
    sev = {c: i for i, c in enumerate(results.severities)}
    lik = {c: i for i, c in enumerate(("V0", *results.likelihoods))}

    def key(rid: str) -> tuple[int, int, int]:
        r = results.risks[rid]
        return (
            -LEVEL_RANK.get(str(r.level.value), 0),
            -sev.get(r.severity, 0),
            -lik.get(r.likelihood, 0),
        )

    return sorted((rk.id for rk in study.risks), key=key)[:n]


def decisions(study: Study, results: Results, lang: str) -> list[str]:
    """What the committee must rule on: open residual risks, the measures plan, forced values."""
    w = WORDS[lang]
    out: list[str] = []
    undecided: dict[str, list[str]] = {}  # residual level -> risks with no decision recorded
    for rk in study.risks:
        level = str(results.risks[rk.id].residual_level.value)
        ac = rk.residual.acceptance if rk.residual else None
        if ac is None:
            undecided.setdefault(level, []).append(rk.id)
        elif ac.decision == "pending":
            lvl = scales.label(scales.RISK_LEVEL, level, lang)
            out.append(w["decide_accept"].format(r=rk.id, lvl=lvl))
    for level in sorted(undecided, key=lambda lv: -LEVEL_RANK.get(lv, 0)):
        lvl = scales.label(scales.RISK_LEVEL, level, lang)
        out.append(w["decide_open"].format(r=", ".join(undecided[level]), lvl=lvl))
    open_measures = [
        m for m in study.measures if m.status not in ("done", "abandoned") and m.progress < 100
    ]
    if open_measures:
        out.append(w["decide_plan"].format(n=len(open_measures)))
    if results.forced:
        out.append(w["decide_forced"].format(n=len(results.forced)))
    return out


def _euros(cost: str | None) -> float | None:
    """A cost written as an amount in euros (``3 000 €``, ``12 k€``), else None."""
    m = _EURO.match(cost or "")
    if not m:
        return None
    num = re.sub(r"[\s\u202f.]", "", m.group(1)).replace(",", ".")
    return float(num) * (1000 if m.group(2) else 1)


def roadmap(study: Study) -> tuple[list[Any], float, int]:
    """Measures with a cost or a deadline, soonest first (dated ones, then those in months);
    with the total of the costs given in euros and the number of costs that are not."""
    rows = [m for m in study.measures if m.cost or m.deadline or m.deadline_months]
    rows.sort(
        key=lambda m: (
            0 if m.deadline else 1 if m.deadline_months else 2,
            m.deadline.isoformat() if m.deadline else f"{m.deadline_months or 0:06d}",
        )
    )
    amounts = [_euros(m.cost) for m in rows if m.cost]
    total = sum(a for a in amounts if a is not None)
    return rows, total, sum(1 for a in amounts if a is None)


def changes_since(previous: Study | None, study: Study) -> list[str] | None:
    """``vigie risk diff`` lines from the previous version to this one (None: no previous)."""
    if previous is None:
        return None
    return [c.line() for c in diff(previous, study)]


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vigie.risk", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(study: Study, results: Results, previous: Study | None = None) -> str:
    """The report's HTML text; ``previous`` (an earlier version of the study) adds the changes
    since that version to the committee summary."""
    lang = study.study.lang
    road, road_total, road_other = roadmap(study)
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
        "opgraphs": {
            o.id: svg.operational_graph(study, results, o.id, lang)
            for o in study.operational_scenarios
        },
        "level_colour": svg.LEVEL_COLOUR,
        "fe_names": {f.id: f.name for f in study.feared_events},
        "attribution": disarm.ATTRIBUTION,
        "measure_risks": measure_risks,
        "top": top_risks(study, results),
        "decisions": decisions(study, results, lang),
        "road": road[:ROADMAP_ROWS],
        "road_more": max(0, len(road) - ROADMAP_ROWS),
        "road_total": road_total,
        "road_other": road_other,
        "road_n": len(road),
        "changes": changes_since(previous, study),
        "change_rows": CHANGE_ROWS,
        "previous": previous,
        "os_names": {o.id: o.name for o in study.operational_scenarios},
    }
    return _env().get_template("report.html.j2").render(**context)


def write_report(
    study: Study, results: Results, out: str | Path, previous: Study | None = None
) -> Path:
    """Render and write the report atomically."""
    out = Path(out)
    check_overwrite(out, "an HTML report", (".html", ".htm"))
    html = render(study, results, previous)
    with atomic_file(out) as fh:
        fh.write(html)
    return out
