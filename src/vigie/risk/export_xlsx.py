"""The study and its results as an Excel workbook, one sheet per EBIOS RM table.

Why: many security officers and steering committees work in spreadsheets; the workbook gives
them every input and every computed value (with forced values marked and their computed
counterpart kept) without having to read YAML. It is an export, not a second source of truth:
edits belong in the study file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigie.atomic import atomic_path, check_overwrite
from vigie.risk import scales
from vigie.risk.compute import Results, Value
from vigie.risk.model import Study
from vigie.risk.report_html import technique_label
from vigie.risk.xlsx_labels import header as header_label
from vigie.risk.xlsx_labels import sheet_name
from vigie.spreadsheet import FORMULA_START

FILL = {"low": "7FBF7F", "moderate": "F2B84B", "high": "E0605A"}
FORCED_FILL = "FFE9A8"


GAP_SEP = " — "
"""Between a baseline gap's description and its justification (one gap per line)."""
PATH_SEP = " -> "
"""Between the stakeholders of an attack path, in order."""
NO_PREDECESSOR = "—"
"""``after: []`` (a starting action), as opposed to an empty cell (follows the previous one)."""
RESIDUAL = ("dependency", "penetration", "maturity", "trust")
RESIDUAL_SHEET = [
    "residual justification", "residual severity (set)", "residual likelihood (set)",
    "residual description", "vulnerabilities", "monitoring", "accepted by",
    "acceptance date", "decision", "acceptance comment",
]  # fmt: skip
"""The residual-risk sheet's fields, after the computed columns of the Risks sheet."""


def _after(after: list[str] | None) -> str | None:
    if after is None:
        return None
    return ", ".join(after) if after else NO_PREDECESSOR


def _residual_cells(r: Any) -> list[Any]:
    if r is None:
        return [None] * len(RESIDUAL_SHEET)
    acc = r.acceptance
    return [r.justification, r.severity, r.likelihood, r.description, "\n".join(r.vulnerabilities),
            r.monitoring, acc and acc.by, acc and acc.date, acc and acc.decision,
            acc and acc.comment]  # fmt: skip


def _settings_json(study: Study) -> str | None:
    """The study's own settings (grids, scales, zones) as JSON, or nothing when all default:
    an expert can edit them in the cell, and ``import_xlsx`` reads them back exactly."""
    import json

    own = study.settings.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(own, ensure_ascii=False, sort_keys=True) if own else None


def _author(study: Study, f: Any) -> str | None:
    section, _, rest = f.path.partition("[")
    oid, _, name = rest.partition("].")
    for x in getattr(study, section, []):
        if x.id == oid and name in x.forced:
            return x.forced[name].author
    return None


def _as_text(cell: Any) -> None:
    """Keep a study's text a text: a cell starting like a formula (``=HYPERLINK(…)``, ``+1``,
    ``@SUM``) is stored as a string with Excel's quote prefix, so no spreadsheet evaluates it
    (formula injection). The value itself is kept verbatim."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _v(v: Value) -> Any:
    return f"{v.value} (forced; computed {v.computed})" if v.is_forced else v.value


def sheets(study: Study, res: Results) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Sheet name -> (header, rows); kept separate from openpyxl so it is easy to test."""
    lang = study.study.lang

    def lab(table: dict, code: Any) -> str:
        return scales.label(table, code, lang)

    info = study.study
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    out["Study"] = (
        ["field", "value"],
        [
            ["id", info.id],
            ["title", info.title],
            ["version", info.version],
            ["marking", info.marking],
            ["organisation", info.organisation],
            ["date", info.date],
            ["authors", "\n".join(info.authors)],
            ["review.last", info.review.last],
            ["review.next", info.review.next],
            ["schema_version", study.schema_version],
            ["lang", info.lang],
            ["sponsor", info.sponsor],
            ["scope", info.scope],
            ["review.cadence_days", info.review.cadence_days],
            ["review.committee", info.review.committee],
            ["settings", _settings_json(study)],
        ],
    )
    out["Missions"] = (
        ["id", "name", "description"],
        [[m.id, m.name, m.description] for m in study.missions],
    )
    out["Business values"] = (
        ["id", "name", "nature", "owner", "missions", "description"],
        [
            [b.id, b.name, b.nature, b.owner, ", ".join(b.missions), b.description]
            for b in study.business_values
        ],
    )
    out["Supporting assets"] = (
        ["id", "name", "owner", "business values", "description"],
        [
            [a.id, a.name, a.owner, ", ".join(a.business_values), a.description]
            for a in study.supporting_assets
        ],
    )
    out["Feared events"] = (
        ["id", "name", "business values", "severity", "severity label", "covered by", "impacts"],
        [
            [
                f.id,
                f.name,
                ", ".join(f.business_values),
                f.severity,
                lab(res.labels, f.severity),
                ", ".join(res.coverage.get(f.id, [])),
                "\n".join(f.impacts),
            ]
            for f in study.feared_events
        ],
    )
    out["Baseline"] = (
        ["id", "name", "status", "gaps (description — justification)", "kind"],
        [
            [
                b.id,
                b.name,
                lab(scales.BASELINE_STATUS, b.status),
                "\n".join(f"{g.description}{GAP_SEP}{g.justification}" for g in b.gaps),
                b.kind,
            ]
            for b in study.baseline
        ],
    )
    out["Risk sources"] = (
        ["pair", "source", "objective", "motivation", "resources", "activity", "score",
         "relevance", "retained", "justification"],
        [
            [p.id, p.source, p.objective, p.motivation, p.resources, p.activity,
             res.pairs[p.id].score, _v(res.pairs[p.id].relevance), p.retained, p.justification]
            for p in study.risk_pairs
        ],
    )  # fmt: skip
    out["Source list"] = (
        ["id", "name", "description"],
        [[x.id, x.name, x.description] for x in study.risk_sources],
    )
    out["Ecosystem"] = (
        ["id", "name", "category", "dependency", "penetration", "maturity", "trust", "threat",
         "zone", "residual threat", "residual zone", "critical", "description",
         "residual dependency", "residual penetration", "residual maturity", "residual trust"],
        [
            [s.id, s.name, s.category, s.dependency, s.penetration, s.maturity, s.trust,
             _v(res.stakeholders[s.id].threat), res.stakeholders[s.id].zone,
             _v(res.stakeholders[s.id].residual_threat), res.stakeholders[s.id].residual_zone,
             s.critical, s.description,
             *[getattr(s.residual, k) if s.residual else None for k in RESIDUAL]]
            for s in study.stakeholders
        ],
    )  # fmt: skip
    out["Strategic scenarios"] = (
        ["id", "name", "pair", "path", "stakeholders", "feared events", "severity",
         "description", "path description"],
        [
            [ss.id, ss.name, ss.pair, p.id, PATH_SEP.join(p.stakeholders),
             ", ".join(ss.feared_events), _v(res.strategic[ss.id].severity), ss.description,
             p.description]
            for ss in study.strategic_scenarios
            for p in ss.paths
        ],
    )  # fmt: skip
    out["Operational scenarios"] = (
        ["id", "name", "strategic scenario", "paths", "method", "likelihood (express)",
         "description", "likelihood"],
        [
            [o.id, o.name, o.strategic_scenario, ", ".join(o.paths), o.method, o.likelihood,
             o.description, _v(res.operational[o.id].likelihood)]
            for o in study.operational_scenarios
        ],
    )  # fmt: skip
    out["Operational actions"] = (
        ["scenario", "method", "likelihood", "action", "phase", "description", "technique",
         "success", "difficulty", "in easiest mode", "after", "join"],
        [
            [o.id, o.method, _v(res.operational[o.id].likelihood), a.id,
             lab(scales.PHASE, a.phase), a.description, technique_label(a.technique, lang),
             a.success, a.difficulty, a.id in res.operational[o.id].easiest_mode,
             _after(a.after), a.join]
            for o in study.operational_scenarios
            for a in o.actions
        ],
    )  # fmt: skip
    out["Risks"] = (
        ["risk", "scenario", "severity", "likelihood", "level", "strategy", "measures",
         "residual severity", "residual likelihood", "residual level", *RESIDUAL_SHEET],
        [
            [r.id, r.operational_scenario, res.risks[r.id].severity, res.risks[r.id].likelihood,
             _v(res.risks[r.id].level), r.strategy, ", ".join(r.measures),
             res.risks[r.id].residual_severity, res.risks[r.id].residual_likelihood,
             _v(res.risks[r.id].residual_level), *_residual_cells(r.residual)]
            for r in study.risks
        ],
    )  # fmt: skip
    out["Measures"] = (
        ["id", "name", "category", "owner", "cost", "deadline", "progress %", "stakeholders",
         "description", "owners", "status", "deadline (months)", "attack paths"],
        [
            [m.id, m.name, lab(scales.MEASURE_CATEGORY, m.category), m.owner, m.cost,
             m.deadline, m.progress, ", ".join(m.stakeholders), m.description,
             "\n".join(m.owners), lab(scales.MEASURE_STATUS, m.status) if m.status else None,
             m.deadline_months, ", ".join(f"{x.scenario}/{x.path}" for x in m.attack_paths)]
            for m in study.measures
        ],
    )  # fmt: skip
    ss_ids = [ss.id for ss in study.strategic_scenarios]
    os_of = {o.id: o.strategic_scenario for o in study.operational_scenarios}
    out["Coverage"] = (
        ["feared event", "severity", *ss_ids, *os_of],
        [
            [f.id, f.severity]
            + ["x" if ss in res.coverage[f.id] else "" for ss in ss_ids]
            + ["x" if os_of[o] in res.coverage[f.id] else "" for o in os_of]
            for f in study.feared_events
        ],
    )
    out["Forced values"] = (
        ["item", "computed", "retained", "justification", "source", "date", "author"],
        [
            [f.path, f.computed, f.value, f.justification, f.source, f.date, _author(study, f)]
            for f in res.forced
        ],
    )
    out["Notes"] = (
        ["date", "author", "text"],
        [[n.date, n.author, n.text] for n in study.notes],
    )
    return out


def write_xlsx(study: Study, res: Results, out: str | Path) -> Path:
    """Write the workbook atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    lang = study.study.lang
    for name, (header, rows) in sheets(study, res).items():
        ws = wb.create_sheet(sheet_name(name, lang))
        ws.append([header_label(h, lang) for h in header])
        for c in ws[1]:
            c.font = bold
            _as_text(c)
        for row in rows:
            ws.append([str(v) if isinstance(v, list | tuple) else v for v in row])
            for c in ws[ws.max_row]:
                _as_text(c)
        ws.freeze_panes = "A2"
        for col in ws.columns:
            width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str):
                    if "(forced;" in c.value:
                        c.fill = PatternFill("solid", fgColor=FORCED_FILL)
                    elif c.value in FILL:
                        c.fill = PatternFill("solid", fgColor=FILL[c.value])
    wb.properties.title = study.study.title
    wb.properties.keywords = study.study.marking
    check_overwrite(Path(out), "an Excel workbook", (".xlsx",))
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
