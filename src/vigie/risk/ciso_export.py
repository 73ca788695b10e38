"""A vigie study written as CISO Assistant's EBIOS RM study workbook (see ``ciso_format``).

What goes where (and what cannot go: ``docs/risk.md``, "CISO Assistant"):

* ids become ``ref_id`` where CISO Assistant has one (feared events, assets, strategic
  scenarios, controls); an attack path's ``ref_id`` is ``<scenario>.<path>`` because CISO
  Assistant looks attack paths up by name across the whole study;
* an elementary action's ``ref_id`` is its technique id (DISARM / ATT&CK), the one global id
  an action has: CISO Assistant keeps elementary actions in a catalogue shared by studies;
* CISO Assistant ties one operational scenario to one attack path: a vigie scenario covering
  several paths becomes one CISO scenario per path, each with the same operating modes, whose
  ``ref_id`` ``<scenario id>.MO<k>`` lets the import put them back together;
* an operating mode is one path through the scenario's graph of actions (vigie's
  ``operating_modes``), with its own likelihood; an express scenario without actions gets one
  mode holding its likelihood (CISO Assistant's express quotation: the scenario takes its
  most likely mode).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigie.atomic import atomic_path
from vigie.risk import ciso_format as cf
from vigie.risk import scales
from vigie.risk.compute import Results, action_index, operating_modes
from vigie.risk.model import OperationalScenario, Study

Sheet = tuple[list[str], list[list[Any]]]
NAME_MAX = 200
"""Length of CISO Assistant's name fields."""


def _level(code: str, table: dict[str, dict[str, str]], res: Results, lang: str) -> str:
    """CISO Assistant's name of a level; a level its 4 x 4 matrix lacks (V0, G5) keeps
    vigie's label, which CISO Assistant reads as "not rated" and vigie reads back."""
    if code in table:
        return table[code][lang]
    return scales.label(res.labels, code, lang)


def mode_likelihood(study: Study, os_: OperationalScenario, mode: list[str]) -> str:
    """The likelihood of one operating mode, by the scenario's method (min along the path)."""
    acts = {a.id: a for a in os_.actions}
    if os_.method == "express" or not mode:
        return str(os_.likelihood)
    if os_.method == "standard":
        mapping = study.settings.standard.success_to_likelihood
        mapping = mapping or scales.DEFAULT_SUCCESS_TO_LIKELIHOOD
        return mapping[min(int(acts[a].success or 0) for a in mode)]
    table = study.settings.advanced.table
    idx = [
        action_index(int(acts[a].success or 0), int(acts[a].difficulty or 0), table) for a in mode
    ]
    return f"V{min(idx)}"


def _action_names(study: Study) -> tuple[dict[tuple[str, str], str], list[list[Any]]]:
    """(scenario id, action id) -> elementary action name, and the 4.0 rows.

    CISO Assistant merges elementary actions by name, so two different actions (other phase or
    technique) that share a description get the scenario id appended to stay apart."""
    names: dict[tuple[str, str], str] = {}
    seen: dict[str, tuple[str, str | None]] = {}
    rows: list[list[Any]] = []
    for os_ in study.operational_scenarios:
        for a in os_.actions:
            name = a.description
            if name in seen and seen[name] != (a.phase, a.technique):
                name = f"{a.description} ({os_.id})"
            names[(os_.id, a.id)] = name
            if name not in seen:
                seen[name] = (a.phase, a.technique)
                rows.append([a.technique or "", name, "", cf.STAGE[a.phase], ""])
    return names, rows


def ciso_sheets(study: Study, res: Results) -> tuple[dict[str, Sheet], list[str]]:
    """Sheet key -> (header, rows), and notes on what could not be written."""
    lang = study.study.lang
    notes: list[str] = []
    info = study.study
    out: dict[str, Sheet] = {}

    def sheet(key: str, rows: list[list[Any]]) -> None:
        out[key] = (cf.COLUMNS[key], rows)

    def grav(code: str) -> str:
        return _level(code, cf.GRAVITY, res, lang)

    def lik(code: str) -> str:
        return _level(code, cf.LIKELIHOOD, res, lang)

    sheet("study", [[info.id, info.title, info.scope or "", info.version, "", "",
                     info.review.next or "", ""]])  # fmt: skip
    bv_name = {b.id: b.name for b in study.business_values}
    sheet(
        "assets",
        [[b.id, b.name, b.description or "", "PR", ""] for b in study.business_values]
        + [
            [a.id, a.name, a.description or "", "SP",
             bv_name.get(a.business_values[0], "") if a.business_values else ""]
            for a in study.supporting_assets
        ],
    )  # fmt: skip
    fe_name = {f.id: f.name for f in study.feared_events}
    sheet(
        "feared_events",
        [
            [f.id, f.name, "\n".join(f.impacts), grav(f.severity), True, "",
             "\n".join(bv_name[b] for b in f.business_values if b in bv_name)]
            for f in study.feared_events
        ],
    )  # fmt: skip
    if study.baseline:
        sheet(
            "baseline",
            [
                ["", b.id, b.name, b.kind or "", cf.RESULT[b.status],
                 "\n".join(f"{g.description} — {g.justification}" for g in b.gaps), ""]
                for b in study.baseline
            ],
        )  # fmt: skip
    src_name = {s.id: s.name for s in study.risk_sources}
    pair_fes: dict[str, list[str]] = {p.id: [] for p in study.risk_pairs}
    for ss in study.strategic_scenarios:
        for f in ss.feared_events:
            if f not in pair_fes[ss.pair]:
                pair_fes[ss.pair].append(f)
    sheet(
        "ro_to",
        [
            [src_name[p.source], p.objective, cf.MOTIVATION[p.motivation],
             cf.RESOURCES[p.resources], cf.ACTIVITY[p.activity],
             cf.PERTINENCE[scales.level_index(str(res.pairs[p.id].relevance.value))],
             p.retained, p.justification, "\n".join(fe_name[f] for f in pair_fes[p.id])]
            for p in study.risk_pairs
        ],
    )  # fmt: skip
    sh_label = {s.id: cf.stakeholder_label(s.name, s.category, lang) for s in study.stakeholders}
    rows = []
    for s in study.stakeholders:
        r = res.stakeholders[s.id]
        cur = [s.dependency, s.penetration, s.maturity, s.trust]
        resid = s.residual
        fin = [
            (resid and resid.dependency) or s.dependency,
            (resid and resid.penetration) or s.penetration,
            (resid and resid.maturity) or s.maturity,
            (resid and resid.trust) or s.trust,
        ]
        crit = f"{r.threat.computed:.2f}".rstrip("0").rstrip(".") if s.rated else ""
        rcrit = f"{r.residual_threat.computed:.2f}".rstrip("0").rstrip(".") if s.rated else ""
        rows.append(
            [
                s.name,
                cf.category_label(s.category, lang),
                *[c or "" for c in cur],
                crit,
                *[c or "" for c in fin],
                rcrit,
                s.critical,
                s.description or "",
            ]
        )
    sheet("stakeholders", rows)
    pair = {p.id: p for p in study.risk_pairs}
    sheet(
        "strategic_scenarios",
        [
            [ss.id, ss.name, ss.description or "", src_name[pair[ss.pair].source],
             pair[ss.pair].objective, grav(str(res.strategic[ss.id].severity.value))]
            for ss in study.strategic_scenarios
        ],
    )  # fmt: skip
    ap_name: dict[tuple[str, str], str] = {}
    rows = []
    for ss in study.strategic_scenarios:
        for p in ss.paths:
            ref = f"{ss.id}.{p.id}"
            # CISO Assistant's names hold 200 characters; the ref keeps each one unique
            ap_name[(ss.id, p.id)] = (f"{ref} {p.description}" if p.description else ref)[:NAME_MAX]
            rows.append(
                [
                    ref,
                    ap_name[(ss.id, p.id)],
                    p.description or "",
                    ss.name,
                    "\n".join(sh_label[x] for x in p.stakeholders),
                    True,
                    "",
                ]
            )
    sheet("attack_paths", rows)
    sheet(
        "stakeholder_controls",
        [
            [m.id, m.name, m.description or "", cf.CONTROL_STATUS[m.status],
             "\n".join(sh_label[x] for x in m.stakeholders if x in sh_label)]
            for m in study.measures
            if m.stakeholders
        ],
    )  # fmt: skip
    other = [m.id for m in study.measures if not m.stakeholders]
    if other:
        notes.append(
            f"{len(other)} measure(s) not on a stakeholder ({', '.join(other)}): CISO Assistant "
            "keeps them in the risk assessment made from the study, not in this file"
        )
    names, ea_rows = _action_names(study)
    sheet("elementary_actions", ea_rows)
    ss_by = {ss.id: ss for ss in study.strategic_scenarios}
    with_risk = {r.operational_scenario for r in study.risks}
    os_rows: list[list[Any]] = []
    om_rows: list[list[Any]] = []
    taken: dict[tuple[str, str], str] = {}
    for os_ in study.operational_scenarios:
        ss = ss_by[os_.strategic_scenario]
        paths = os_.paths or [p.id for p in ss.paths]
        v = res.operational[os_.id].likelihood
        sev = str(res.strategic[ss.id].severity.value)
        level = res.grid.get(str(v.value))
        risk = ""
        if level is not None and scales.level_index(sev) <= len(level):
            risk = cf.RISK[level[scales.level_index(sev) - 1]][lang]
        modes = operating_modes(os_.actions) if os_.actions else [[]]
        for pid in paths:
            if (ss.id, pid) in taken:
                notes.append(
                    f"operational scenario {os_.id} not written for attack path {ss.id}.{pid}: "
                    f"CISO Assistant allows one scenario per path and {taken[(ss.id, pid)]} "
                    "has it"
                )
                continue
            taken[(ss.id, pid)] = os_.id
            # as CISO Assistant names an operational scenario (95 characters of each name)
            name = f"{ss.name[:95]} - {ap_name[(ss.id, pid)][:95]}"
            os_rows.append([f"{ss.id}.{pid}", name, ap_name[(ss.id, pid)], lik(str(v.value)),
                            grav(sev), risk, os_.description or "", os_.id in with_risk,
                            v.forced.justification if v.forced else ""])  # fmt: skip
            word = "Mode opératoire" if lang == "fr" else "Operating mode"
            for k, mode in enumerate(modes, 1):
                om_rows.append([f"{os_.id}.MO{k}", f"{word} {k}", "", name,
                                lik(mode_likelihood(study, os_, mode)),
                                "\n".join(names[(os_.id, a)] for a in mode)])  # fmt: skip
    sheet("operational_scenarios", os_rows)
    sheet("operating_modes", om_rows)
    if study.risks:
        notes.append(
            f"{len(study.risks)} risk(s) (workshop 5: strategies, measures, residual risks) are "
            "not in this file: CISO Assistant keeps them in a risk assessment; scenarios with a "
            "risk are marked is_selected"
        )
    return out, notes


def write_ciso(study: Study, res: Results, out: str | Path) -> tuple[Path, list[str]]:
    """Write the workbook atomically; returns its path and the notes on what was left out."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from vigie.risk.export_xlsx import _as_text

    out = Path(out)
    data, notes = ciso_sheets(study, res)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, (header, rows) in data.items():
        ws = wb.create_sheet(cf.SHEETS[key])
        ws.append(header)
        for c in ws[1]:
            c.font = bold
        for row in rows:
            ws.append(row)
            for c in ws[ws.max_row]:
                _as_text(c)
                c.alignment = wrap
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 24
    wb.properties.title = study.study.title
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out, notes
