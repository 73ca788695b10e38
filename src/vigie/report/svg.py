"""Small inline-SVG charts for the HTML report: a stacked timeline and a network drawing.

Why hand-written SVG: the report must open offline, on an air-gapped analyst laptop, and be
mailable as one file. A plotting library would either pull JavaScript from a CDN or embed
megabytes; two small drawings do not need one. Every text that comes from data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from vigie.disarm.behaviours import CAMPAIGN_TYPES, SIGNAL_KINDS

# Colour-blind-friendly palettes (Okabe-Ito + a few Tableau tones), fixed by vocabulary order
# so that a signal kind or a campaign type keeps its colour across reports.
_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#8C564B",
    "#F0E442",
    "#17BECF",
    "#BCBD22",
)
OTHER_COLOUR = "#7F7F7F"
ORGANIC_COLOUR = "#B8B8B8"
UNKNOWN_COLOUR = "#FFFFFF"
BACKGROUND_COLOUR = "#DDE1E7"


def kind_colour(kind: str) -> str:
    """Fixed colour of a detector signal kind (grey for kinds outside the shared vocabulary)."""
    if kind in SIGNAL_KINDS:
        return _PALETTE[SIGNAL_KINDS.index(kind) % len(_PALETTE)]
    return OTHER_COLOUR


# Truth labels fill nodes while signal kinds colour edges: a darker, distinct set of tones.
_TRUTH_PALETTE = ("#C0392B", "#6A3D9A", "#1B7837", "#E67E22", "#2C3E91", "#8E5A2B", "#D81B60")


def label_colour(label: str | None) -> str:
    """Fixed colour of a truth label: a campaign type, ``organic`` (grey) or unknown (white)."""
    if label is None:
        return UNKNOWN_COLOUR
    if label == "organic":
        return ORGANIC_COLOUR
    if label in CAMPAIGN_TYPES:
        return _TRUTH_PALETTE[CAMPAIGN_TYPES.index(label) % len(_TRUTH_PALETTE)]
    return OTHER_COLOUR


def _fmt_time(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, tz=UTC).strftime("%Y-%m-%d %H:%M")


def _nice_step(span_us: int, n_bins: int) -> int:
    """A readable bin width (1 s, 5 s, 1 min, 5 min, 1 h, 6 h, 1 d …) close to span / n_bins."""
    target = max(span_us // max(n_bins, 1), 1)
    steps_s = (1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
    for s in steps_s:
        if s * 1_000_000 >= target:
            return s * 1_000_000
    day = 86400 * 1_000_000
    return ((target + day - 1) // day) * day


def _step_label(step_us: int) -> str:
    s = step_us // 1_000_000
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h"
    return f"{s // 86400} d"


def timeline_svg(
    times_us: Sequence[int],
    kinds: Sequence[str],
    *,
    background: Sequence[tuple[int, int]] = (),
    width: int = 600,
    height: int = 170,
    max_bins: int = 60,
) -> str:
    """Posts over time as stacked bars, one colour per signal kind.

    ``times_us`` are UTC microseconds of the group's evidence posts, ``kinds`` their signal
    kind. ``background`` — (UTC microseconds, count) — is all the activity of the group's
    members, drawn as grey bars behind, so the evidence bursts read against the accounts'
    whole activity.
    """
    all_t = [*times_us, *(t for t, _ in background)]
    if not all_t:
        return (
            f'<svg class="timeline" viewBox="0 0 {width} 40" width="{width}" height="40" '
            'role="img" aria-label="no timed posts"><text x="8" y="24" class="muted">'
            "no timed evidence posts</text></svg>"
        )
    lo, hi = min(all_t), max(all_t)
    step = _nice_step(hi - lo, max_bins)
    lo -= lo % step
    n_bins = (hi - lo) // step + 1
    order = sorted(set(kinds), key=lambda k: (k not in SIGNAL_KINDS, k))
    counts = {k: [0] * n_bins for k in order}
    for t, k in zip(times_us, kinds, strict=True):
        counts[k][(t - lo) // step] += 1
    back = [0] * n_bins
    for t, c in background:
        back[(t - lo) // step] += c
    totals = [sum(counts[k][i] for k in order) for i in range(n_bins)]
    ymax = max(max(totals), max(back)) or 1
    left, right, top, bottom = 36, 8, 8, 34
    pw, ph = width - left - right, height - top - bottom
    bw = pw / n_bins
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="posts over time by signal kind">',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" class="axis"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" class="tick">{ymax}</text>',
        f'<text x="{left - 4}" y="{top + ph}" text-anchor="end" class="tick">0</text>',
    ]
    for i in range(n_bins):
        if back[i]:
            h = ph * back[i] / ymax
            parts.append(
                f'<rect x="{left + i * bw:.1f}" y="{top + ph - h:.1f}" '
                f'width="{max(bw - 1, 1):.1f}" height="{h:.1f}" fill="{BACKGROUND_COLOUR}">'
                f"<title>{back[i]} post(s) by members from {_fmt_time(lo + i * step)}</title>"
                "</rect>"
            )
    for i in range(n_bins):
        if not totals[i]:
            continue
        y = top + ph
        x = left + i * bw
        for k in order:
            c = counts[k][i]
            if not c:
                continue
            h = ph * c / ymax
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bw - 1, 1):.1f}" height="{h:.1f}" '
                f'fill="{kind_colour(k)}"><title>{escape(k)}: {c} post(s) from '
                f"{_fmt_time(lo + i * step)}</title></rect>"
            )
    parts.append(
        f'<text x="{left}" y="{height - 18}" class="tick">{_fmt_time(lo)} UTC</text>'
        f'<text x="{left + pw}" y="{height - 18}" text-anchor="end" class="tick">'
        f"{_fmt_time(lo + n_bins * step)} UTC</text>"
    )
    # legend on the last line
    x = left
    legend = [(kind_colour(k), k) for k in order]
    if background:
        legend.append((BACKGROUND_COLOUR, "all posts by members"))
    for colour, name in legend:
        parts.append(
            f'<rect x="{x}" y="{height - 10}" width="9" height="9" fill="{colour}"/>'
            f'<text x="{x + 12}" y="{height - 2}" class="tick">{escape(name)}</text>'
        )
        x += 20 + 6 * len(name)
    parts.append(
        f'<text x="{left + pw}" y="{height - 2}" text-anchor="end" class="tick">'
        f"bar = {_step_label(step)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Node:
    """A member drawn in the network: id, position in [0, 1]², size weight and fill colour."""

    id: str
    x: float
    y: float
    strength: float
    colour: str
    title: str


@dataclass(frozen=True)
class Link:
    """An account pair drawn in the network, coloured by its strongest signal kind."""

    source: str
    target: str
    kind: str
    weight: float
    title: str


def network_svg(
    nodes: Sequence[Node],
    links: Sequence[Link],
    *,
    size: int = 420,
    label_top: int = 12,
) -> str:
    """Draw members (circles sized by strength) and their edges (width by weight).

    Positions come in normalised to [0, 1]; labels are written for the ``label_top`` strongest
    members only when there are more than twice that, and never on top of another label, to
    keep big groups legible (every node keeps a hover title).
    """
    if not nodes:
        return (
            f'<svg class="network" viewBox="0 0 {size} 40" width="{size}" height="40" '
            'role="img" aria-label="no members"><text x="8" y="24" class="muted">'
            "no members</text></svg>"
        )
    pad, label_room = 22, 64  # room on the right for the labels of the rightmost nodes
    span = size - 2 * pad - label_room
    pos = {n.id: (pad + n.x * span, pad + label_room / 2 + n.y * span) for n in nodes}
    smax = max((n.strength for n in nodes), default=0.0) or 1.0
    wmax = max((lk.weight for lk in links), default=0.0) or 1.0
    parts = [
        f'<svg class="network" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        'role="img" aria-label="members and the edges that tie them">'
    ]
    for lk in links:
        if lk.source not in pos or lk.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[lk.source], pos[lk.target]
        w = 0.6 + 3.0 * lk.weight / wmax
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{kind_colour(lk.kind)}" stroke-width="{w:.2f}" stroke-opacity="0.55">'
            f"<title>{escape(lk.title)}</title></line>"
        )
    top = len(nodes) if len(nodes) <= 2 * label_top else label_top
    ranked = sorted(nodes, key=lambda n: (-n.strength, n.id))
    radius = {n.id: 3.5 + 6.5 * (n.strength / smax) ** 0.5 for n in nodes}
    # greedy: label the strongest first, skip a label that would overlap one already placed
    placed: list[tuple[float, float, float, float]] = []
    labels: dict[str, tuple[float, float]] = {}
    for n in ranked[:top]:
        x, y = pos[n.id]
        lx, ly = x + radius[n.id] + 2, y + 3
        box = (lx, ly - 9, lx + 5.6 * len(_short(n.id)), ly + 2)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        labels[n.id] = (lx, ly)
    for n in nodes:
        x, y = pos[n.id]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[n.id]:.1f}" fill="{n.colour}" '
            f'class="node"><title>{escape(n.title)}</title></circle>'
        )
    for n in nodes:  # labels above every circle
        if n.id in labels:
            lx, ly = labels[n.id]
            parts.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" class="nlabel">{escape(_short(n.id))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, n: int = 18) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
