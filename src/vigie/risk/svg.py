"""Inline SVG figures for the risk report: risk matrix, ecosystem radar, scenario graphs.

Why hand-written SVG: the report must be a single self-contained file that opens offline
in any browser (no JavaScript, no external fonts or images), and these three figures are
simple enough not to need a plotting library.
"""

from __future__ import annotations

import math
import textwrap
from html import escape

from vigie.risk import scales
from vigie.risk.compute import Results, action_index, predecessors
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


def wrap(text: str, width: int) -> list[str]:
    """Whole words on lines of at most ``width`` characters; nothing is cut off."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _lines(x: float, y: float, lines: list[str], size: int = 9, gap: int = 11, **kw: str) -> str:
    """Several centred lines of text, the first baseline at ``y``."""
    return "".join(_t(x, y + i * gap, line, size, **kw) for i, line in enumerate(lines))


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
    rated = [s for s in study.stakeholders if results.stakeholders[s.id].threat.value is not None]
    legend = [(s, wrap(f"{s.id} — {s.name}" + (" ★" if s.critical else ""), 78)) for s in rated]
    total_h = size + 10 + sum(12 * len(lines) for _, lines in legend) + 8
    out = [
        f'<svg viewBox="0 0 {size} {total_h}" width="{size}" height="{total_h}" '
        'role="img" class="radar">'
    ]
    ly = size + 10.0
    for sh, lines in legend:  # names on paper: the dots carry ids only, to stay readable
        colour = CATEGORY_COLOUR.get(sh.category, "#555")
        out.append(_el("circle", cx=14, cy=ly - 4, r=4, fill=colour))
        for line in lines:
            out.append(_t(24, ly, line, 10, "start"))
            ly += 12
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
    """Risk source → attack paths through stakeholders → feared events; a path without
    stakeholders is the guide's direct path (source straight to the feared events)."""
    ss = next(s for s in study.strategic_scenarios if s.id == scenario_id)
    pair = next(p for p in study.risk_pairs if p.id == ss.pair)
    src = next((s for s in study.risk_sources if s.id == pair.source), None)
    sh_names = {s.id: s.name for s in study.stakeholders}
    fe = {f.id: f for f in study.feared_events}
    width_chars, box_w = 28, 170
    subs = [src.name if src else ""]
    subs += [sh_names.get(sid, sid) for p in ss.paths for sid in p.stakeholders]
    subs += [fe[f].name if f in fe else f for f in ss.feared_events]
    n_lines = max(len(wrap(t, width_chars)) for t in subs)
    box_h = 24 + 11 * n_lines
    row_h = box_h + 18
    n_rows = max(len(ss.paths), len(ss.feared_events))
    longest = max((len(p.stakeholders) for p in ss.paths), default=0)
    x_fe = 20 + box_w + (longest + 1) * (box_w + 50) - (0 if longest else 0)
    w, h = x_fe + box_w + 20, 20 + n_rows * row_h + 10
    out = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" class="graph">',
        '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]

    def box(x: float, y: float, title: str, sub: str, fill: str) -> None:
        out.append(_el("rect", x=x, y=y, width=box_w, height=box_h, rx=6, fill=fill, stroke="#555"))
        out.append(_t(x + box_w / 2, y + 15, title, 11, font_weight="bold"))
        out.append(_lines(x + box_w / 2, y + 29, wrap(sub, width_chars)))

    def arrow(x1: float, y1: float, x2: float, y2: float, dash: str = "") -> None:
        extra = {"stroke_dasharray": dash} if dash else {}
        out.append(
            _el("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke="#555", marker_end="url(#arr)", **extra)
        )

    sy = 20 + (n_rows * row_h) / 2 - box_h / 2
    box(20, sy, pair.source, src.name if src else "", "#f7d9d7")
    fe_y = {}
    for i, fid in enumerate(ss.feared_events):
        y = 20 + i * row_h + (n_rows - len(ss.feared_events)) * row_h / 2
        fe_y[fid] = y
        sev = fe[fid].severity if fid in fe else "?"
        box(x_fe, y, f"{fid} · {sev}", fe[fid].name if fid in fe else fid, "#fbe7c6")
    direct = scales.label({"direct": {"fr": "direct", "en": "direct"}}, "direct", lang)
    for i, p in enumerate(ss.paths):
        y = 20 + i * row_h + (n_rows - len(ss.paths)) * row_h / 2
        px, py = 20 + box_w, sy + box_h / 2
        if not p.stakeholders:  # a direct path: no stakeholder between source and target
            for fy in fe_y.values():
                arrow(px, py, x_fe, fy + box_h / 2, "6 3")
            mx = (px + x_fe) / 2
            my = (py + list(fe_y.values())[0] + box_h / 2) / 2 if fe_y else py
            out.append(
                _el(
                    "rect",
                    x=mx - 48,
                    y=my - 12,
                    width=96,
                    height=16,
                    rx=3,
                    fill="#fff",
                    stroke="#999",
                )
            )
            out.append(_t(mx, my, f"{p.id} · {direct}", 10, font_weight="bold"))
            continue
        for k, sid in enumerate(p.stakeholders):
            x = 20 + (k + 1) * (box_w + 50)
            arrow(px, py, x, y + box_h / 2)
            box(x, y, f"{p.id} · {sid}", sh_names.get(sid, sid), "#dde8f5")
            px, py = x + box_w, y + box_h / 2
        x_end = 20 + longest * (box_w + 50) + box_w
        if px < x_end:  # a shorter path runs along its own row, so no arrow crosses a box
            out.append(_el("line", x1=px, y1=py, x2=x_end, y2=py, stroke="#555"))
            px = x_end
        for fy in fe_y.values():
            arrow(px, py, x_fe, fy + box_h / 2)
    out.append("</svg>")
    return "".join(out)


PHASE_FILL = {"know": "#e8eef7", "enter": "#eef5e8", "find": "#f7f1e3", "exploit": "#f7e6e6"}


def operational_graph(study: Study, results: Results, scenario_id: str, lang: str) -> str:
    """One operational scenario as the guide draws it: four phase columns (Know, Enter, Find,
    Exploit), each action a node with its ratings, AND/OR junctions where several actions lead
    to one, and the easiest operating mode (the one that sets the likelihood) in red.

    Empty for an express scenario without actions: there is nothing to draw."""
    os_ = next(o for o in study.operational_scenarios if o.id == scenario_id)
    if not os_.actions:
        return ""
    words = {
        "and": {"fr": "ET", "en": "AND"},
        "or": {"fr": "OU", "en": "OR"},
        "s": {"fr": "Succès", "en": "Success"},
        "d": {"fr": "Difficulté", "en": "Difficulty"},
        "easy": {"fr": "mode opératoire le plus facile", "en": "easiest operating mode"},
    }

    def word(k: str) -> str:
        return scales.label(words, k, lang)

    table = study.settings.advanced.table
    easiest = set(results.operational[os_.id].easiest_mode)
    col_w, node_w, gap, top, chars = 230, 180, 14, 44, 30
    boxes: dict[str, tuple[float, float, float]] = {}  # id -> x, y, height
    col_y = {ph: float(top) for ph in scales.PHASES}
    body: list[str] = []
    for a in os_.actions:
        col = scales.PHASES.index(a.phase)
        lines = wrap(a.description, chars)
        rating = []
        if a.success is not None:
            rating.append(f"{word('s')} {a.success}")
        if a.difficulty is not None:
            rating.append(f"{word('d')} {a.difficulty}")
        if os_.method == "advanced" and a.success is not None and a.difficulty is not None:
            rating.append(f"V{action_index(a.success, a.difficulty, table)}")
        tech = f" · {a.technique}" if a.technique else ""
        hgt = 34 + 11 * len(lines) + (12 if rating else 0)
        x, y = 20 + col * col_w + (col_w - node_w) / 2, col_y[a.phase]
        col_y[a.phase] += hgt + gap
        boxes[a.id] = (x, y, hgt)
        hot = a.id in easiest
        body.append(f'<g class="{"easy" if hot else "node"}">')
        body.append(
            _el(
                "rect", x=x, y=y, width=node_w, height=hgt, rx=6, fill="#fff",
                stroke="#c0392b" if hot else "#666", stroke_width=3 if hot else 1,
            )
        )  # fmt: skip
        body.append(_t(x + node_w / 2, y + 14, f"{a.id}{tech}", 10, font_weight="bold"))
        body.append(_lines(x + node_w / 2, y + 28, lines))
        if rating:
            body.append(
                _t(x + node_w / 2, y + 30 + 11 * len(lines), " · ".join(rating), 9, fill="#a33")
            )
        body.append("</g>")
    preds = predecessors(os_.actions)
    edges: list[str] = []
    for a in os_.actions:
        ps = [p for p in preds[a.id] if p in boxes]
        if not ps:
            continue
        tx, ty, th = boxes[a.id]
        tgt = (tx, ty + th / 2)
        if len(ps) > 1:  # a junction node just left of the target
            jx, jy = tx - 24, ty + th / 2
            label = word("and") if a.join == "and" else word("or")
            for p in ps:
                edges.append(_edge(boxes[p], (jx - 12, jy), p in easiest and a.id in easiest))
            hot = a.id in easiest and any(p in easiest for p in ps)
            edges.append(
                _el("line", x1=jx + 12, y1=jy, x2=tx, y2=jy, stroke="#c0392b" if hot else "#555",
                    stroke_width=2.5 if hot else 1.2,
                    marker_end="url(#oarr-hot)" if hot else "url(#oarr)")
            )  # fmt: skip
            edges.append(
                _el("circle", cx=jx, cy=jy, r=12, fill="#fff", stroke="#333", stroke_width=1.5)
            )
            edges.append(_t(jx, jy + 3.5, label, 8 if len(label) > 2 else 9, font_weight="bold"))
        else:
            edges.append(
                _edge(boxes[ps[0]], tgt, ps[0] in easiest and a.id in easiest, boxes[a.id])
            )
    w = 20 + 4 * col_w + 20
    h = int(max(col_y.values())) + 30
    out = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" class="opgraph">',
        '<defs><marker id="oarr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        '<marker id="oarr-hot" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="11" '
        'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>',
    ]
    for k, ph in enumerate(scales.PHASES):
        x = 20 + k * col_w
        out.append(
            _el("rect", x=x + 3, y=8, width=col_w - 6, height=h - 16, rx=8, fill=PHASE_FILL[ph])
        )
        out.append(
            _t(x + col_w / 2, 28, scales.label(scales.PHASE, ph, lang), 13, font_weight="bold")
        )
    out += edges + body
    out.append(_el("line", x1=24, y1=h - 14, x2=54, y2=h - 14, stroke="#c0392b", stroke_width=3))
    out.append(_t(60, h - 10, word("easy"), 10, "start"))
    out.append("</svg>")
    return "".join(out)


def _edge(
    src: tuple[float, float, float],
    tgt: tuple[float, float],
    hot: bool,
    tgt_box: tuple[float, float, float] | None = None,
) -> str:
    """A curve from the right side of ``src`` to ``tgt`` (the easiest mode's edges in red);
    between two actions of one phase, straight down from one box to the next."""
    x, y, hgt = src
    x1, y1 = x + 180, y + hgt / 2
    x2, y2 = tgt
    if tgt_box is not None and abs(tgt_box[0] - x) < 1:  # same column
        d = f"M{x + 90:.1f},{y + hgt:.1f} L{x + 90:.1f},{tgt_box[1]:.1f}"
    else:
        d = f"M{x1:.1f},{y1:.1f} C{x1 + 40:.1f},{y1:.1f} {x2 - 40:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    colour, width, mark = ("#c0392b", 2.5, "oarr-hot") if hot else ("#555", 1.2, "oarr")
    return (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" '
        f'marker-end="url(#{mark})"/>'
    )
