"""Inline SVG figures for the risk report: risk matrix, ecosystem radar, scenario graphs.

Why hand-written SVG: the report must be a single self-contained file that opens offline
in any browser (no JavaScript, no external fonts or images), and these three figures are
simple enough not to need a plotting library.
"""

from __future__ import annotations

import math
from html import escape

from vigie.risk import scales
from vigie.risk.compute import Results
from vigie.risk.model import Study

LEVEL_COLOUR = {"low": "#7fbf7f", "moderate": "#f2b84b", "high": "#e0605a"}
ZONE_COLOUR = {"danger": "#f4c7c3", "control": "#fde3b4", "watch": "#e6f0d8"}
CATEGORY_COLOUR = {"client": "#3b6ea8", "partner": "#3f8f5a", "supplier": "#8a4fa3"}


def _el(tag: str, body: str | None = None, **attrs: object) -> str:
    """An SVG element; ``stroke_width`` → ``stroke-width``; floats rounded to 0.1."""
    parts = []
    for k, v in attrs.items():
        val = f"{v:.1f}" if isinstance(v, float) else str(v)
        parts.append(f'{k.replace("_", "-")}="{escape(val)}"')
    a = " ".join(parts)
    return f"<{tag} {a}/>" if body is None else f"<{tag} {a}>{body}</{tag}>"


def _t(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", **kw: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in kw.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>'
        f"{escape(text)}</text>"
    )


def risk_matrix(results: Results, lang: str, residual: bool = False) -> str:
    """The study's risk grid (the guide's 4 × 4 unless the study has its own: rows V4..V1
    top-down, columns G1..G4), risks placed in their cell; a V0 row only when a risk sits there."""
    sevs = list(results.severities)
    liks = list(results.likelihoods)
    used = {(r.residual_likelihood if residual else r.likelihood) for r in results.risks.values()}
    if "V0" in used and "V0" not in liks:
        liks.insert(0, "V0")
    n_s, n_l = len(sevs), len(liks)
    cell_w, cell_h, left, top = 100, 64, 120, 20
    w, h = left + n_s * cell_w + 10, top + n_l * cell_h + 50
    cells: dict[tuple[str, str], list[str]] = {}
    for r in results.risks.values():
        sev = r.residual_severity if residual else r.severity
        lik = r.residual_likelihood if residual else r.likelihood
        flagged = r.residual_flagged if residual else r.flagged
        mark = r.id + ("⚑" if flagged else "")
        cells.setdefault((lik, sev), []).append(mark)
    out = [f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" class="matrix">']
    for i, lik in enumerate(reversed(liks)):
        y = top + i * cell_h
        out.append(_t(left - 8, y + cell_h / 2 - 4, lik, 12, "end", font_weight="bold"))
        out.append(
            _t(left - 8, y + cell_h / 2 + 10, scales.label(results.labels, lik, lang), 9, "end")
        )
        row = results.grid.get(lik) or ["low"] * n_s
        for j, sev in enumerate(sevs):
            x = left + j * cell_w
            level = row[j] if j < len(row) else "low"
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                f'fill="{LEVEL_COLOUR[level]}" stroke="#fff" stroke-width="2"/>'
            )
            ids = cells.get((lik, sev), [])
            for k in range(0, len(ids), 3):
                out.append(
                    _t(
                        x + cell_w / 2,
                        y + 22 + (k // 3) * 16,
                        " ".join(ids[k : k + 3]),
                        12,
                        font_weight="bold",
                    )
                )
    for j, sev in enumerate(sevs):
        x = left + j * cell_w + cell_w / 2
        out.append(_t(x, top + n_l * cell_h + 16, sev, 12, font_weight="bold"))
        out.append(_t(x, top + n_l * cell_h + 30, scales.label(results.labels, sev, lang), 9))
    out.append("</svg>")
    return "".join(out)


def _radius(threat: float, r_max: float) -> float:
    """Most dangerous at the centre: log scale from 16 (centre) to 1/16 (rim)."""
    t = min(max(threat, 1 / 16), 16.0)
    return r_max * (math.log(16) - math.log(t)) / (2 * math.log(16))


def radar(study: Study, results: Results, lang: str, residual: bool = False) -> str:
    """Ecosystem threat map: three zone rings, one sector per stakeholder category."""
    size, r_max = 460, 200
    cx = cy = size / 2
    zones = study.settings.threat_zones.model_dump()
    out = [
        f'<svg viewBox="0 0 {size} {size + 30}" width="{size}" height="{size + 30}" '
        'role="img" class="radar">'
    ]
    out.append(f'<circle cx="{cx}" cy="{cy}" r="{r_max}" fill="#fafafa" stroke="#bbb"/>')
    for name in ("watch", "control", "danger"):
        r = _radius(zones[name], r_max)
        out.append(
            _el(
                "circle",
                cx=cx,
                cy=cy,
                r=r,
                fill=ZONE_COLOUR[name],
                stroke="#999",
                stroke_dasharray="4 3",
            )
        )
        out.append(
            _t(
                cx + 3,
                cy - r + 12,
                f"{scales.label(scales.ZONE, name, lang)} ≥ {zones[name]}",
                9,
                "start",
                fill="#555",
            )
        )
    # the guide's three sectors always; any other category the study uses gets its own
    cats = ["client", "partner", "supplier"]
    cats += [c for c in dict.fromkeys(s.category for s in study.stakeholders) if c not in cats]
    for k, cat in enumerate(cats):
        a = -math.pi / 2 + k * 2 * math.pi / len(cats)
        out.append(
            _el(
                "line",
                x1=cx,
                y1=cy,
                x2=cx + r_max * math.cos(a),
                y2=cy + r_max * math.sin(a),
                stroke="#ccc",
            )
        )
        mid = a + math.pi / len(cats)
        out.append(
            _t(
                cx + (r_max + 14) * math.cos(mid),
                cy + (r_max + 14) * math.sin(mid) + 4,
                scales.label(scales.STAKEHOLDER_CATEGORY, cat, lang),
                11,
                fill=CATEGORY_COLOUR.get(cat, "#555"),
                font_weight="bold",
            )
        )
        members = [
            s
            for s in study.stakeholders
            if s.category == cat and results.stakeholders[s.id].threat.value is not None
        ]  # unrated stakeholders have no place on the map
        for i, s in enumerate(members):
            res = results.stakeholders[s.id]
            v = res.residual_threat if residual else res.threat
            ang = a + (i + 1) * (2 * math.pi / len(cats)) / (len(members) + 1)
            r = _radius(float(v.value), r_max)
            x, y = cx + r * math.cos(ang), cy + r * math.sin(ang)
            out.append(
                _el(
                    "circle",
                    f"<title>{escape(s.name)}: {float(v.value):.2f}</title>",
                    cx=x,
                    cy=y,
                    r=6,
                    fill=CATEGORY_COLOUR.get(cat, "#555"),
                    stroke="#fff",
                )
            )
            out.append(_t(x, y - 9, s.id + ("⚑" if v.is_forced else ""), 10, font_weight="bold"))
    out.append("</svg>")
    return "".join(out)


def scenario_graph(study: Study, results: Results, scenario_id: str, lang: str) -> str:
    """Risk source → attack paths through stakeholders → feared events."""
    ss = next(s for s in study.strategic_scenarios if s.id == scenario_id)
    pair = next(p for p in study.risk_pairs if p.id == ss.pair)
    src = next((s for s in study.risk_sources if s.id == pair.source), None)
    sh_names = {s.id: s.name for s in study.stakeholders}
    fe = {f.id: f for f in study.feared_events}
    row_h, box_w, box_h = 56, 150, 40
    n_rows = max(len(ss.paths), len(ss.feared_events))
    longest = max((len(p.stakeholders) for p in ss.paths), default=0)
    x_fe = 40 + box_w + (longest + 1) * (box_w + 40)
    w, h = x_fe + box_w + 20, 20 + n_rows * row_h + 10
    out = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" class="graph">',
        '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]

    def box(x: float, y: float, title: str, sub: str, fill: str) -> None:
        out.append(_el("rect", x=x, y=y, width=box_w, height=box_h, rx=6, fill=fill, stroke="#555"))
        out.append(_t(x + box_w / 2, y + 16, title, 11, font_weight="bold"))
        out.append(_t(x + box_w / 2, y + 30, sub[:26] + ("…" if len(sub) > 26 else ""), 9))

    def arrow(x1: float, y1: float, x2: float, y2: float) -> None:
        out.append(_el("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke="#555", marker_end="url(#arr)"))

    sy = 20 + (n_rows * row_h) / 2 - box_h / 2
    box(20, sy, pair.source, src.name if src else "", "#f7d9d7")
    fe_y = {}
    for i, fid in enumerate(ss.feared_events):
        y = 20 + i * row_h + (n_rows - len(ss.feared_events)) * row_h / 2
        fe_y[fid] = y
        sev = fe[fid].severity if fid in fe else "?"
        box(x_fe, y, f"{fid} · {sev}", fe[fid].name if fid in fe else fid, "#fbe7c6")
    for i, p in enumerate(ss.paths):
        y = 20 + i * row_h + (n_rows - len(ss.paths)) * row_h / 2
        px, py = 20 + box_w, sy + box_h / 2
        for k, sid in enumerate(p.stakeholders):
            x = 20 + (k + 1) * (box_w + 40)
            arrow(px, py, x, y + box_h / 2)
            box(x, y, f"{p.id} · {sid}", sh_names.get(sid, sid), "#dde8f5")
            px, py = x + box_w, y + box_h / 2
        for fy in fe_y.values():
            arrow(px, py, x_fe, fy + box_h / 2)
    out.append("</svg>")
    return "".join(out)
