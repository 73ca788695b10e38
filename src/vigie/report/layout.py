"""Network layout for the report, computed in Python with igraph (no JavaScript physics).

Why seeded: a report re-rendered from the same Findings must look the same, so that two
analysts discussing "the cluster on the left" see the same picture.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


def layout_positions(
    ids: Sequence[str],
    pairs: Sequence[tuple[str, str, float]],
    *,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions of ``ids``, normalised to [0, 1]² (aspect kept).

    ``pairs`` are (source, target, weight); pairs naming unknown ids are ignored.
    """
    import igraph as ig

    if not ids:
        return {}
    if len(ids) == 1:
        return {ids[0]: (0.5, 0.5)}
    index = {a: i for i, a in enumerate(ids)}
    edges, weights = [], []
    for s, t, w in pairs:
        if s in index and t in index and s != t:
            edges.append((index[s], index[t]))
            weights.append(max(float(w), 1e-9))
    g = ig.Graph(n=len(ids), edges=edges)
    previous = random.getstate()
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        lay = g.layout_fruchterman_reingold(weights=weights or None, niter=500)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    xs = [c[0] for c in lay.coords]
    ys = [c[1] for c in lay.coords]
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0) or 1.0
    ox = (1 - (max(xs) - x0) / span) / 2
    oy = (1 - (max(ys) - y0) / span) / 2
    return {a: (ox + (xs[i] - x0) / span, oy + (ys[i] - y0) / span) for a, i in index.items()}
