"""Merge the detectors' kept pairs into one weighted account graph and find its groups.

Why a graph: one signal alone is thin (two accounts sharing three links), but a network that
co-reposts, co-links and pastes the same texts is a campaign. Each kept pair contributes
its rarity-weighted co-actions as edge weight; the per-pair weights of all signals are
summed; Leiden (igraph's own C implementation, seeded, so reproducible) cuts the graph into
communities, and communities of at least ``min_members`` accounts become groups.

A group's score in [0, 1] grows with how tightly its members are tied (mean internal
strength) and how much of their ties stay inside the group (a community bleeding into the
rest of the graph is less distinct). Its DISARM techniques come from the signals carrying at
least ``technique_min_share`` of its internal weight (``SIGNAL_TECHNIQUES``): what the group
was *seen doing*, never a guess at who runs it.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)

from vigie.arrays import dense_ids, lookup_sorted, run_ranks, sorted_unique, stable_order
from vigie.detect.coaction import Signal
from vigie.disarm.behaviours import SIGNAL_TECHNIQUES

STRENGTH_SCALE = 3.0


@dataclass
class Group:
    """One community of accounts and what ties it."""

    gid: str
    members: np.ndarray  # aids
    strength: np.ndarray  # weighted degree inside the group, per member
    score: float
    signals: list[str]  # kinds present inside, strongest first
    techniques: list[str]
    shares: dict[str, float] = field(default_factory=dict)  # kind -> share of weight
    kind_stats: dict[str, dict[str, float]] = field(default_factory=dict)


def all_edges(signals: list[Signal]) -> pa.Table:
    """The kept pairs of every signal in one table with a ``kind`` column."""
    parts = []
    for s in signals:
        if s.edges.num_rows:
            t = s.edges.select(["u", "v", "weight", "observed", "expected", "p_value"])
            # one value repeated by Arrow, not a Python list of a string per edge
            t = t.append_column("kind", pa.repeat(pa.scalar(s.kind, pa.string()), t.num_rows))
            for name in ("window_s", "first_t", "last_t"):  # unknown for some detectors
                col = s.edges.column(name) if name in s.edges.column_names else None
                t = t.append_column(name, col if col is not None else pa.nulls(t.num_rows))
            parts.append(t.cast(_EDGE_SCHEMA))
    if not parts:
        return _EDGE_SCHEMA.empty_table()
    return pa.concat_tables(parts)


_EDGE_SCHEMA = pa.schema(
    [
        ("u", pa.int32()),
        ("v", pa.int32()),
        ("weight", pa.float64()),
        ("observed", pa.int64()),
        ("expected", pa.float64()),
        ("p_value", pa.float64()),
        ("kind", pa.string()),
        ("window_s", pa.float64()),
        ("first_t", pa.float64()),
        ("last_t", pa.float64()),
    ]
)


def find_groups(
    edges: pa.Table,
    graph_cfg: dict[str, Any],
    seed: int,
    stats: dict[str, Any] | None = None,
) -> list[Group]:
    """Leiden communities of the merged graph's k-core, as scored groups (strongest first);
    ``stats`` (when given) receives the graph's size and how many accounts the core kept."""
    import igraph as ig

    if edges.num_rows == 0:
        return []
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    w = edges.column("weight").to_numpy().astype(np.float64)
    # kinds as codes into their (few) names: object-array comparisons per group were slow
    kind_enc = edges.column("kind").combine_chunks().dictionary_encode()
    kind_names = kind_enc.dictionary.to_pylist()
    kinds = np.asarray(kind_enc.indices, dtype=np.int64)
    nodes, (ui, vi) = dense_ids(u, v)
    # merged undirected edges: key = (min, max) node index. Each signal's edges come by
    # (u, v), so the keys ascend in runs, which the stable sort merges (``sort_runs``)
    a, b = np.minimum(ui, vi), np.maximum(ui, vi)
    order, sorted_key = stable_order(a * len(nodes) + b, len(nodes) ** 2, segmented=True)
    inv = np.empty(order.size, dtype=np.int64)
    inv[order] = run_ranks(sorted_key)
    ukey = sorted_key[np.r_[True, sorted_key[1:] != sorted_key[:-1]]]
    mw = np.bincount(inv, weights=w, minlength=ukey.size)
    ea, eb = ukey // len(nodes), ukey % len(nodes)
    g = ig.Graph(n=len(nodes))
    # add_edges from one (m, 2) array: the constructor walks a Python list of pairs
    g.add_edges(np.stack([ea, eb], axis=1), attributes={"weight": mw})
    # Coordination is mutual: every member must be tied to at least ``min_core`` others
    # (the k-core). A popular account whose fans each co-repost a few of its posts makes a
    # star, which chance control alone lets through at scale (the fans did beat chance, by
    # affinity); a campaign makes a dense web (coreness >= 10 on generated scenarios).
    # The accounts outside the core then join the community of their strongest tie to it
    # (``attach_periphery``, ``_attach``): a fan star has no core to hang on.
    core = np.asarray(g.coreness(), dtype=np.int64)
    inner = np.flatnonzero(core >= int(graph_cfg["min_core"]))
    memb = np.arange(len(nodes), dtype=np.int64) + len(nodes)  # singletons by default
    if inner.size:
        sub = g.induced_subgraph(inner.tolist())
        memb[inner] = leiden(sub, float(graph_cfg["resolution"]), int(seed))
    attach = bool(graph_cfg.get("attach_periphery", True))
    attached = _attach(memb, ea, eb, mw, len(nodes)) if attach and inner.size else 0
    if stats is not None:
        stats.update(
            {
                "nodes": int(len(nodes)),
                "edges": int(ukey.size),
                "nodes_in_core": int(inner.size),
                "min_core": int(graph_cfg["min_core"]),
            }
        )
        if attach:
            stats["attached"] = attached
    min_members = int(graph_cfg["min_members"])
    # per original edge: community of both ends
    cu, cv = memb[ui], memb[vi]
    inside = cu == cv
    groups: list[Group] = []
    sizes = np.bincount(memb)
    # weighted degree of every node, inside its community and overall
    strength_in = np.bincount(ui[inside], w[inside], len(nodes)) + np.bincount(
        vi[inside], w[inside], len(nodes)
    )
    strength_all = np.bincount(ui, w, len(nodes)) + np.bincount(vi, w, len(nodes))
    observed = edges.column("observed").to_numpy()
    expected = edges.column("expected").to_numpy()
    # the internal edges of each community, found once by sorting (not one scan per group)
    edge_comm = np.where(inside, cu, -1)
    e_order = np.argsort(edge_comm, kind="stable")
    e_sorted = edge_comm[e_order]
    n_order = np.argsort(memb, kind="stable")
    n_sorted = memb[n_order]
    for c in np.flatnonzero(sizes >= min_members):
        idx = n_order[np.searchsorted(n_sorted, c) : np.searchsorted(n_sorted, c, "right")]
        sel = e_order[np.searchsorted(e_sorted, c) : np.searchsorted(e_sorted, c, "right")]
        w_in = float(w[sel].sum())
        w_all = float(strength_all[idx].sum()) - w_in  # internal counted twice in strengths
        frac_in = w_in / w_all if w_all > 0 else 0.0
        mean_strength = 2.0 * w_in / idx.size
        score = (1.0 - math.exp(-mean_strength / STRENGTH_SCALE)) * frac_in
        if score < graph_cfg["min_score"]:
            continue
        shares: dict[str, float] = {}
        kind_stats: dict[str, dict[str, float]] = {}
        ksel = kinds[sel]
        # by name order, as np.unique over the names gave them (the shares' sums add up in
        # that order)
        for code in sorted(np.unique(ksel).tolist(), key=lambda c: kind_names[c]):
            k = kind_names[code]
            ks = sel[ksel == code]
            shares[str(k)] = float(w[ks].sum()) / w_in if w_in > 0 else 0.0
            touched = sorted_unique(np.concatenate([ui[ks], vi[ks]])).size
            kind_stats[str(k)] = {
                "pairs": int(ks.size),
                "observed": float(observed[ks].sum()),
                "expected": float(expected[ks].sum()),
                "members_touched": touched / idx.size,
            }
        signals = sorted(shares, key=lambda k: (-shares[k], k))
        techniques: list[str] = []
        for k in signals:
            strong = shares[k] >= graph_cfg["technique_min_share"]
            if k == "creation_burst":  # supporting: named when most members were batch-made
                strong = kind_stats[k]["members_touched"] >= 0.5
            if strong:
                techniques.extend(t for t in SIGNAL_TECHNIQUES.get(k, ()) if t not in techniques)
        groups.append(
            Group(
                gid="",
                members=nodes[idx],
                strength=strength_in[idx],
                score=round(score, 6),
                signals=signals,
                techniques=techniques,
                shares=shares,
                kind_stats=kind_stats,
            )
        )
    groups.sort(key=lambda gr: (-gr.score, -gr.members.size, int(gr.members.min())))
    for i, gr in enumerate(groups, 1):
        gr.gid = f"g{i:04d}"
    return groups


_RNG_LOCK = threading.Lock()


def leiden(g: Any, resolution: float, seed: int) -> np.ndarray:
    """Leiden communities of ``g`` maximising modularity with ``resolution`` (the
    RB-configuration model), run to a stable partition, labelled canonically.

    Why igraph's C ``community_leiden`` and not the ``leidenalg`` package: the same quality
    function and algorithm with its moves in C (the whole grouping step of a 10M-post run
    went from 16-24 s to 6.6 s wall, docs/detect-speed.md). igraph draws from a
    process-wide random generator: it is swapped for one seeded with ``seed`` under a lock
    (so two detections in one process, as the web app runs them, cannot interleave draws)
    and put back after, which makes the partition a function of the graph and the seed
    alone."""
    import igraph as ig

    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            part = g.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=-1,
            )
        finally:
            ig.set_random_number_generator(random)
    return canonical_labels(np.asarray(part.membership, dtype=np.int64))


def canonical_labels(memb: np.ndarray) -> np.ndarray:
    """Community labels numbered by decreasing size, ties by smallest vertex: a partition's
    labels then depend on the partition alone, not on the order the algorithm found it in
    (``_attach`` breaks ties by the smaller label)."""
    if memb.size == 0:
        return memb
    _, inv = np.unique(memb, return_inverse=True)
    inv = inv.ravel()
    sizes = np.bincount(inv)
    first = np.full(sizes.size, memb.size, dtype=np.int64)
    np.minimum.at(first, inv, np.arange(memb.size))
    order = np.lexsort((first, -sizes))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inv].astype(np.int64)


def _attach(memb: np.ndarray, ea: np.ndarray, eb: np.ndarray, w: np.ndarray, n: int) -> int:
    """Attach the accounts outside the core to the community of their strongest tie.

    Why: the k-core keeps a popular account's fan star out (no core, no group), but it also
    drops a campaign's quieter members, each tied by one or two kept pairs to its core (at
    high stealth most members join few pushes). Every kept pair already beat chance, so a
    member hanging on a core community belongs with it. Attachment spreads outwards from
    the core, one step at a time, each account to the community of its strongest tie among
    the already placed ones (ties: the smaller community id); a tree with no core member
    (a star of fans) is never attached. ``memb`` is updated in place; returns how many
    accounts were attached.
    """
    placed = memb < n
    total = 0
    while True:
        # edges with exactly one placed end: (outside node, its placed neighbour, weight)
        pa_, pb = placed[ea], placed[eb]
        one = pa_ != pb
        if not one.any():
            return total
        out = np.where(pa_[one], eb[one], ea[one])
        nb = np.where(pa_[one], ea[one], eb[one])
        ww = w[one]
        comm = memb[nb]
        # per outside node: the strongest tie (then the smaller community id)
        order = np.lexsort((comm, -ww, out))
        out, comm = out[order], comm[order]
        first = np.r_[True, out[1:] != out[:-1]]
        memb[out[first]] = comm[first]
        placed[out[first]] = True
        total += int(first.sum())


def group_of_edges(edges: pa.Table, groups: list[Group]) -> pa.Array:
    """Group id of each edge whose two ends lie in the same retained group, else null."""
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    top = int(max(u.max(initial=-1), v.max(initial=-1))) + 1
    index = np.full(top, -1, dtype=np.int64)
    for i, gr in enumerate(groups):
        index[gr.members[gr.members < top]] = i
    gu, gv = index[u], index[v]
    same = (gu == gv) & (gu >= 0)
    gids = pa.array([gr.gid for gr in groups], pa.string())
    if not groups:
        return pa.nulls(len(u), pa.string())
    return gids.take(pa.array(np.where(same, gu, 0), mask=~same))


def member_table(groups: list[Group]) -> pa.Table:
    """(group_id, aid, strength) for every member."""
    gids, aids, strengths = [], [], []
    for gr in groups:
        gids.extend([gr.gid] * gr.members.size)
        aids.append(gr.members)
        strengths.append(gr.strength)
    return pa.table(
        {
            "group_id": pa.array(gids, pa.string()),
            "aid": pa.array(np.concatenate(aids) if aids else np.zeros(0), pa.int32()),
            "strength": pa.array(np.concatenate(strengths) if strengths else np.zeros(0)),
        }
    )


def kept_pairs(signals: list[Signal]) -> pa.Table:
    """Distinct (u, v) kept by any signal (what creation bursts may support)."""
    edges = all_edges(signals)
    if edges.num_rows == 0:
        return pa.table({"u": pa.array([], pa.int32()), "v": pa.array([], pa.int32())})
    t = edges.select(["u", "v"]).group_by(["u", "v"]).aggregate([])
    return t.sort_by([("u", "ascending"), ("v", "ascending")])


def discount_shared_posts(edges: pa.Table, merged: pa.Table) -> pa.Table:
    """Edge weights scaled so that one post seen by several signals counts once.

    Rule: for a pair kept by several co-action signals, ``n_coactions`` (its co-actions
    merged across kinds, one per post: see ``evidence.pair_coactions``) is compared with
    ``sum_observed`` (the per-kind counts added up); every one of the pair's co-action
    edges has its weight multiplied by ``n_coactions / sum_observed`` (at most 1). A pair
    whose shared posts each carried the same URL, image and hashtag thus weighs what one
    signal would, while a pair tied by different posts on each signal keeps its full
    weight. Supporting edges (creation bursts) are not co-actions and are left alone.
    """
    if edges.num_rows == 0 or merged.num_rows == 0:
        return edges
    mu = merged.column("u").to_numpy().astype(np.int64)
    mv = merged.column("v").to_numpy().astype(np.int64)
    n = merged.column("n_coactions").to_numpy().astype(np.float64)
    s = merged.column("sum_observed").to_numpy().astype(np.float64)
    factor = np.minimum(1.0, np.where(s > 0, n / np.maximum(s, 1.0), 1.0))
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    top = int(max(u.max(initial=0), v.max(initial=0), mu.max(initial=0), mv.max(initial=0))) + 1
    mkey = mu * top + mv
    order = np.argsort(mkey, kind="stable")
    mkey, factor = mkey[order], factor[order]
    key = u * top + v
    hit, pos_c = lookup_sorted(key, mkey)
    hit &= _not_burst(edges)
    w = edges.column("weight").to_numpy().astype(np.float64)
    w = np.where(hit, w * factor[pos_c], w)
    i = edges.column_names.index("weight")
    return edges.set_column(i, "weight", pa.array(np.round(w, 9), pa.float64()))


def _not_burst(edges: pa.Table) -> np.ndarray:
    """Per edge, whether it is a co-action (not a creation-burst support edge)."""
    ne = pa.compute.not_equal(edges.column("kind"), "creation_burst")
    return np.asarray(ne.to_numpy(zero_copy_only=False), dtype=bool)


def multi_signal_pairs(edges: pa.Table) -> pa.Table:
    """(u, v) of the pairs kept by two or more co-action signals, ascending.

    Counted on integer keys in NumPy (an Arrow ``count_distinct`` over the kind strings
    took 0.5 s on the 290k edges of a 1M-post run)."""
    co = edges.filter(pa.compute.not_equal(edges.column("kind"), "creation_burst"))
    u = co.column("u").to_numpy().astype(np.int64)
    v = co.column("v").to_numpy().astype(np.int64)
    kind = pa.compute.dictionary_encode(co.column("kind").combine_chunks())
    code = kind.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    top = int(max(u.max(initial=-1), v.max(initial=-1))) + 1
    n_kinds = max(len(kind.dictionary), 1)
    pair_kind = sorted_unique((u * top + v) * n_kinds + code)  # each (pair, kind) once
    pair = pair_kind // n_kinds
    start = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if pair.size else pair
    n_per = np.diff(np.r_[start, pair.size])
    multi = pair[start[n_per >= 2]]
    return pa.table(
        {
            "u": pa.array(multi // max(top, 1), pa.int32()),
            "v": pa.array(multi % max(top, 1), pa.int32()),
        }
    )


def outside_pairs(edges: pa.Table, groups: list[Group]) -> pa.Table:
    """(u, v) of the kept pairs whose two accounts are not in one same group."""
    u = edges.column("u").to_numpy().astype(np.int64)
    v = edges.column("v").to_numpy().astype(np.int64)
    top = int(max(u.max(initial=-1), v.max(initial=-1))) + 1
    index = np.full(max(top, 1), -1, dtype=np.int64)
    for i, gr in enumerate(groups):
        index[gr.members[gr.members < top]] = i
    same = (index[u] == index[v]) & (index[u] >= 0) if u.size else np.zeros(0, bool)
    keep = ~same & _not_burst(edges)
    t = pa.table({"u": pa.array(u[keep], pa.int32()), "v": pa.array(v[keep], pa.int32())})
    return t.group_by(["u", "v"]).aggregate([])
