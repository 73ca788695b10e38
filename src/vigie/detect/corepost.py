"""Co-repost and co-reply: the same target post reposted (or replied to) within a window.

Why: bot amplification is many accounts reposting the same posts seconds apart, over and
over; reply brigades swarm the same targets. Quotes count as reposts by default, and the
author of a reposted post takes part in its co-reposts at the time it posted it (so the seed
accounts a bot network amplifies are found with the bots). The target's id is the object.
A single viral post reposted by thousands is discounted by the chance control (see
``coaction.py``): what is kept is a pair that repeatedly acts on the same targets faster
than chance allows.

**Retweet rings** (``ring_window_s``, on by default) are slower: people following
instructions repost each other minutes to hours later, each joining only part of the pushes
(Keller et al. 2020 on the South Korean NIS accounts; Pacheco et al. 2021 use windows far
wider than a minute). At such delays a one-minute window sees nothing, and a plain slow
window mostly finds fans: the followers of a small account all repost it within the hour.
What sets a ring apart is *whose* posts the pair reposts together. Fans share one author;
a ring member reposts the posts of many distinct members. So the ring test counts, per pair,
the **distinct authors** whose same (rare) post both reposted within ``ring_window_s``, and
tests it against an author-aware null: in the bipartite graph of accounts and the authors
they repost (configuration model), account ``a`` reposts author ``X`` with probability
``min(1, k_a A_X / L)`` (``k_a`` distinct authors ``a`` reposts, ``A_X`` distinct accounts
that repost ``X``, ``L`` all such account-author links), so two accounts are expected to
share ``E_ab = sum_X min(1, k_a A_X / L) min(1, k_b A_X / L)`` authors by chance. Two heavy
reposters of popular authors share many authors by chance and are not kept; two accounts
sharing a dozen small audiences are. Only authors with at most ``ring_max_audience``
reposting accounts take part (a celebrity's audience says nothing about who knows whom),
and only posts reposted at most ``slow_max_object_actions`` times. The observed count asks
more than the null (same post, within the window), so the test errs on the cautious side.
Its family of tests is bounded by ``sum_X A_X (A_X - 1) / 2`` (every pair sharing an author).
With ``ring_weak_core`` (off by default) the ring test's weak ties that knit a 3-core are kept
too (``chance.weak_core``): rings whose members each follow a quarter of the pushes are then
found, but so are open follow-back trains of real people (``docs/detection.md``).
Weights sum fixed-point integers, as in ``coaction.py``: parallel sums stay byte-identical.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import run_ranks, sort_runs, stable_order
from vigie.detect.chance import poisson_sf, significant, weak_core, weak_threshold
from vigie.detect.coaction import EDGE_COLUMNS, Signal, run_coaction
from vigie.detect.copairs import pairs_within as _pairs_within
from vigie.detect.engine import Engine, fetch
from vigie.detect.scales import ring_figures

_COLUMN = {"co_repost": "repost_of", "co_reply": "reply_to"}


def detect(engine: Engine, kind: str, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept pairs for ``kind`` (``co_repost`` or ``co_reply``)."""
    col = _COLUMN[kind]
    target = col
    if kind == "co_repost" and cfg["include_quotes"]:
        target = "coalesce(repost_of, quote_of)"
    authors = ""
    if kind == "co_repost" and cfg["include_authors"]:
        # the author "acts" on its own post when publishing it: a seed account whose posts
        # bots repost within seconds, again and again, is tied to them like a co-reposter
        authors = f"""UNION ALL
            SELECT p.aid, p.post_id AS obj, p.t, p.post_id FROM p
            SEMI JOIN (SELECT DISTINCT {target} AS obj FROM p WHERE {target} IS NOT NULL) r
            ON p.post_id = r.obj"""
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{kind} AS
        SELECT aid, {target} AS obj, t, post_id FROM p
        WHERE {target} IS NOT NULL AND {target} <> ''
        {authors}"""
    )
    ring_w = float(cfg.get("ring_window_s", 0) or 0)
    with_ring = kind == "co_repost" and ring_w > 0
    # with the ring test the merged Signal carries no co_table (``_merge``): the fast
    # scale's co-action rows need not be kept (10M posts: ~GBs of post ids held to the end)
    signal = run_coaction(engine, kind, f"raw_{kind}", cfg, general, keep_coactions=not with_ring)
    if not with_ring:
        return signal
    ring, st = ring_pairs(engine, target, cfg, general)
    return _merge(signal, ring, st)


def expected_shared(k_a: np.ndarray, k_b: np.ndarray, audiences: np.ndarray, links: int):
    """``sum_X min(1, k_a A_X / L) min(1, k_b A_X / L)`` for every pair, in O(log n) each.

    With ``lo = min(k_a, k_b)``, ``hi = max``: authors with ``A < L / hi`` give
    ``lo hi A^2 / L^2``, those with ``L / hi <= A < L / lo`` give ``lo A / L``, the rest 1;
    prefix sums over the sorted audiences make each range one subtraction.
    """
    a = np.sort(np.asarray(audiences, dtype=np.float64))
    c1 = np.r_[0.0, np.cumsum(a)]
    c2 = np.r_[0.0, np.cumsum(a * a)]
    lo = np.minimum(k_a, k_b).astype(np.float64)
    hi = np.maximum(k_a, k_b).astype(np.float64)
    ln = float(max(links, 1))
    i_hi = np.searchsorted(a, ln / np.maximum(hi, 1e-12), "left")
    i_lo = np.searchsorted(a, ln / np.maximum(lo, 1e-12), "left")
    return lo * hi * c2[i_hi] / ln**2 + lo * (c1[i_lo] - c1[i_hi]) / ln + (a.size - i_lo)


def ring_pairs(
    engine: Engine, target: str, cfg: dict[str, Any], general: dict[str, Any]
) -> tuple[pa.Table, dict[str, Any]]:
    """Kept ring pairs (``EDGE_COLUMNS``) and the figures of the ring test (module doc)."""
    con = engine.con
    window = float(cfg["ring_window_s"])
    post_cap = int(cfg.get("slow_max_object_actions", 100))
    aud_cap = int(cfg["ring_max_audience"])
    # one row per (account, reposted post, its author); self-reposts say nothing
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ring_r AS
        WITH x AS (SELECT aid, {target} AS tgt, min(t) AS t FROM p
                   WHERE {target} IS NOT NULL AND {target} <> '' GROUP BY aid, tgt),
        rare AS (SELECT tgt FROM x GROUP BY tgt HAVING count(*) BETWEEN 2 AND {post_cap})
        SELECT x.aid, hash(x.tgt) AS oid, x.t, o.aid AS au, x.tgt
        FROM x SEMI JOIN rare USING (tgt) JOIN p o ON o.post_id = x.tgt
        WHERE o.aid <> x.aid"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ring_inc AS
        WITH i AS (SELECT DISTINCT aid, au FROM ring_r),
        a AS (SELECT au, count(*) AS na FROM i GROUP BY au HAVING count(*) <= {aud_cap})
        SELECT i.aid, i.au, a.na FROM i JOIN a USING (au)"""
    )
    aud = fetch(con, "SELECT au, count(*)::BIGINT AS na FROM ring_inc GROUP BY au ORDER BY au")
    na = np.asarray(aud.column("na"), dtype=np.float64)
    links = int(na.sum())
    family = int(np.sum(na * (na - 1) / 2))
    n_acc = int(engine.scalar("SELECT count(DISTINCT aid) FROM ring_inc") or 0)
    log_n = math.log(n_acc) if n_acc > 1 else 1.0
    min_obs = int(cfg["min_observed"])
    # each author's rarity weight, in SQL as the co-action engine computes it (one libm)
    rows = fetch(
        con,
        f"""SELECT r.aid, r.oid, r.t, r.au,
               round(1e9 * greatest(0.0, least(1.0, ln({max(n_acc, 1)} / i.na) / {log_n})))
                   ::BIGINT AS w_fx
        FROM ring_r r JOIN ring_inc i USING (aid, au) ORDER BY r.oid, r.t""",
    )
    k = fetch(con, "SELECT aid, count(*)::BIGINT AS k FROM ring_inc GROUP BY aid")
    con.execute("DROP TABLE IF EXISTS ring_r")
    con.execute("DROP TABLE IF EXISTS ring_inc")
    tested = _ring_tested(rows, k, window, min_obs)
    obs = np.asarray(tested.column("observed"), dtype=np.float64)
    exp = expected_shared(
        np.asarray(tested.column("ku"), dtype=np.float64),
        np.asarray(tested.column("kv"), dtype=np.float64),
        na,
        links,
    )
    pv = poisson_sf(obs, exp) if obs.size else np.zeros(0)
    keep = significant(pv, general["alpha"], max(family, obs.size), general["correction"])
    if cfg.get("ring_weak_core") and obs.size:
        # opt-in (module doc): the ring's weak ties that knit a core (``chance.weak_core``)
        keep |= weak_core(
            np.asarray(tested.column("u")),
            np.asarray(tested.column("v")),
            pv,
            weak_threshold(general, max(family, obs.size)),
            int(general["weak_min_degree"]),
        )
    idx = pa.array(np.flatnonzero(keep))
    t = tested.take(idx)
    edges = pa.table(
        {
            "u": t.column("u").cast(pa.int32()),
            "v": t.column("v").cast(pa.int32()),
            "weight": t.column("weight").cast(pa.float64()),
            "observed": t.column("observed").cast(pa.int64()),
            "expected": pa.array(exp[keep], pa.float64()),
            "p_value": pa.array(pv[keep], pa.float64()),
            "n_objects": t.column("n_objects").cast(pa.int64()),
            "window_s": pa.array([window] * t.num_rows, pa.float64()),
            "first_t": t.column("first_t").cast(pa.float64()),
            "last_t": t.column("last_t").cast(pa.float64()),
        }
    )
    stats = ring_figures(
        cfg,
        authors=int(na.size),
        links=links,
        pairs=family,
        tested=int(obs.size),
        kept=int(edges.num_rows),
    )
    assert stats is not None  # ring_pairs runs only when the ring test is on
    return edges, stats


def _ring_tested(rows: pa.Table, k: pa.Table, window: float, min_obs: int) -> pa.Table:
    """Per pair of accounts co-reposting a rare post of one author within ``window``:
    distinct authors (observed), distinct posts, rarity weight over its distinct authors,
    first and last time, and each account's distinct authors (``ku``, ``kv``); only pairs
    with ``observed >= min_obs``, ordered by (u, v).

    Why NumPy: the SQL self-join drew ~all co-reposting row pairs and grouped them with
    three distinct counts (most of co-repost's 15 s at 1M posts). Here the pairs are drawn
    by sorted offsets and counted in one sort, then only pairs with at least ``min_obs``
    co-reposts (observed <= co-reposts) are grouped, as ``coaction._scale_pairs`` does."""
    aid = np.asarray(rows.column("aid"), dtype=np.int64)
    oid = np.asarray(rows.column("oid").to_numpy(), dtype=np.uint64)
    t = np.asarray(rows.column("t"), dtype=np.float64)
    au = np.asarray(rows.column("au"), dtype=np.int64)
    w_fx = np.asarray(rows.column("w_fx"), dtype=np.int64)
    i, j = _pairs_within(oid, t, window)
    keep = aid[i] != aid[j]
    i, j = i[keep], j[keep]
    # the row with the smaller account id is the SQL's x (its author and weight)
    swap = aid[j] < aid[i]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    # the pair as one dense integer (its order is that of (u, v)); orders are drawn by
    # ``stable_order`` (a SIMD sort of values packed with their row: ~8x an argsort)
    na = int(aid.max()) + 1 if aid.size else 1
    key = aid[i] * na + aid[j]
    # pass 1: co-repost rows per pair; only pairs with min_obs rows can be tested. Pass 2
    # reduces with sums, minima, maxima and distinct counts, which no order of equal keys
    # changes (a row's weight is its author's: the same for every row of one (pair, author))
    order, ks = stable_order(key, na * na, overwrite=True)
    first = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]) if ks.size else ks
    counts = np.diff(np.r_[first, ks.size])
    cand_pair = counts >= max(min_obs, 1)
    cand = np.repeat(cand_pair, counts)
    sel = order[cand]
    i, j, key = i[sel], j[sel], ks[cand]  # key ascending: pair after pair
    del order, ks, sel
    # pass 2: distinct authors, distinct posts and the sums, per candidate pair
    n_cand = int(np.count_nonzero(cand_pair))
    seg = np.repeat(np.arange(n_cand, dtype=np.int64), counts[cand_pair])
    starts = np.r_[0, np.cumsum(counts[cand_pair])[:-1]] if n_cand else np.zeros(0, np.int64)
    t0, t1 = np.minimum(t[i], t[j]), np.maximum(t[i], t[j])
    a_i, w_i = au[i], w_fx[i]
    # rows come sorted by (object, time): an object's rank there orders objects as their ids
    o_rank = run_ranks(oid)
    n_au = int(au.max()) + 1 if au.size else 1
    by_au, a_key = stable_order(
        seg * n_au + a_i, max(n_cand, 1) * n_au, overwrite=True, segmented=True
    )
    new_au = np.r_[True, a_key[1:] != a_key[:-1]] if a_key.size else np.zeros(0, bool)
    observed = np.add.reduceat(new_au.astype(np.int64), starts) if n_cand else starts
    weight_fx = np.add.reduceat(np.where(new_au, w_i[by_au], 0), starts) if n_cand else starts
    del a_key, new_au
    n_o = int(o_rank[-1]) + 1 if o_rank.size else 1
    o_key = seg * n_o + o_rank[i]  # distinct posts per pair: values alone
    sort_runs(o_key)
    new_o = np.r_[True, o_key[1:] != o_key[:-1]] if o_key.size else np.zeros(0, bool)
    n_objects = np.add.reduceat(new_o.astype(np.int64), starts) if n_cand else starts
    del o_key, new_o
    first_t = np.minimum.reduceat(t0, starts) if n_cand else t0[:0]
    last_t = np.maximum.reduceat(t1, starts) if n_cand else t1[:0]
    pair = key[starts] if n_cand else key[:0]
    ok = observed >= min_obs
    pair, observed, weight_fx = pair[ok], observed[ok], weight_fx[ok]
    n_objects, first_t, last_t = n_objects[ok], first_t[ok], last_t[ok]
    u, v = pair // na, pair % na
    k_aid = np.asarray(k.column("aid"), dtype=np.int64)
    k_k = np.asarray(k.column("k"), dtype=np.int64)
    k_of = np.zeros(int(k_aid.max()) + 1 if k_aid.size else 0, np.int64)
    k_of[k_aid] = k_k
    return pa.table(
        {
            "u": pa.array(u, pa.int32()),
            "v": pa.array(v, pa.int32()),
            "observed": pa.array(observed, pa.int64()),
            "n_objects": pa.array(n_objects, pa.int64()),
            "weight": pa.array(weight_fx / 1e9, pa.float64()),
            "ku": pa.array(k_of[u], pa.int64()),
            "kv": pa.array(k_of[v], pa.int64()),
            "first_t": pa.array(first_t, pa.float64()),
            "last_t": pa.array(last_t, pa.float64()),
        }
    )


def _merge(signal: Signal, ring: pa.Table, st: dict[str, Any]) -> Signal:
    """The fast pairs and the ring pairs in one Signal: a pair found by both keeps the
    more significant test (the smaller p; ties: the fast one)."""
    fast = signal.edges.select(list(EDGE_COLUMNS))
    both = pa.concat_tables([fast, ring.select(list(EDGE_COLUMNS))])
    u = np.asarray(both.column("u"), dtype=np.int64)
    v = np.asarray(both.column("v"), dtype=np.int64)
    p = np.asarray(both.column("p_value"), dtype=np.float64)
    src = np.r_[np.zeros(fast.num_rows), np.ones(ring.num_rows)]
    order = np.lexsort((src, p, v, u))
    u, v = u[order], v[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])] if order.size else order > 0
    chosen = order[first]
    edges = both.take(pa.array(chosen))
    stats = dict(signal.stats)
    ring_kept = int(np.sum(src[chosen] == 1))
    st = dict(st, kept=ring_kept)
    stats["scales"] = [*stats.get("scales", []), st]
    stats["ring"] = st
    stats["family"] = int(stats.get("family", 0)) + int(st["pairs"])
    stats["families"] = int(stats.get("families", 1)) + 1
    stats["tested"] = int(stats.get("tested", 0)) + int(st["tested"])
    stats["kept"] = int(edges.num_rows)
    stats["observed_kept"] = int(np.asarray(edges.column("observed")).sum())
    stats["expected_kept"] = round(float(np.asarray(edges.column("expected")).sum()), 6)
    # the engine's co-action posts stand for the pairs kept at its scales (their window
    # says so); a ring pair's window is the ring's, and its co-actions are drawn again at it
    # (``evidence.merged_counts``): unless the ring's window is one of the engine's
    shared = signal.shared
    ring_w = set(np.unique(np.asarray(ring.column("window_s"), dtype=np.float64)).tolist())
    if shared is not None and any(b.window in ring_w for b in shared.blocks):
        shared = None
    return Signal(
        signal.kind,
        edges,
        stats,
        act_table=signal.act_table,
        obj_table=signal.obj_table,
        shared=shared,
        reads=signal.reads,
        raw_table=signal.raw_table,
    )
