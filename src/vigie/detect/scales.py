"""The time scales a co-action detector tests, and the object cap of each.

Kept apart from the engine (no DuckDB, no NumPy) because two places need the same answer:
the co-action engine, which runs each scale, and the empty-Dataset fast path, which writes
the same per-scale figures without starting the engine.
"""

from __future__ import annotations

from typing import Any

# scales shorter than a day count co-actions like the fast one (post pairs); longer ones
# count distinct objects (over days one account touches one object many times)
MID_SCALE_S = 86400.0


def time_scales(cfg: dict[str, Any], window: float) -> list[tuple[float, int]]:
    """(window, object cap) per time scale, fastest first; slower ones on rarer objects.

    A slow scale is kept only when clearly slower than the fast window (1.5x), so an auto
    window that grew to an hour does not test the same scale twice.
    """
    out = [(window, int(cfg["max_object_actions"]))]
    slow_cap = int(cfg.get("slow_max_object_actions", 100))
    mid_cap = int(cfg.get("mid_max_object_actions", slow_cap))
    for w in sorted(float(x) for x in cfg.get("scales_s", ()) or ()):
        if w > window * 1.5:
            out.append((w, mid_cap if w < MID_SCALE_S else slow_cap))
    return out


def ring_figures(
    cfg: dict[str, Any],
    authors: int = 0,
    links: int = 0,
    pairs: int = 0,
    tested: int = 0,
    kept: int = 0,
) -> dict[str, Any] | None:
    """The manifest figures of co-repost's ring test (distinct authors co-reposted within
    ``ring_window_s``), or None when the ring test is off. The defaults are those of a
    Dataset with no reposts, so the empty fast path and the engine write the same keys."""
    window = float(cfg.get("ring_window_s", 0) or 0)
    if window <= 0:
        return None
    return {
        "window_s": round(window, 3),
        "max_object_actions": int(cfg.get("slow_max_object_actions", 100)),
        "null": "author audiences (distinct authors co-reposted)",
        "max_audience": int(cfg["ring_max_audience"]),
        "authors": authors,
        "links": links,
        "pairs": pairs,
        "tested": tested,
        "kept": kept,
    }
