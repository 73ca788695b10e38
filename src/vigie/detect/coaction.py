"""The co-action engine shared by co-link, co-repost, co-reply, co-hashtag, copypasta and
synchronised activity: two accounts acting on the same object within a time window.

Why one engine: those detectors differ only in what the "object" is (a canonical URL, a
reposted post, a hashtag, a cluster of near-duplicate texts, a time bin). Each detector
writes a table ``raw_<kind>(aid, obj, t, post_id)``; this module does the rest in SQL:

1. **Episodes, not rows.** An account's actions on one object are cut into episodes by
   time gap: an action less than one window after the account's previous action on the
   same object continues the episode (a burst of re-shares, the same post listed once per
   URL) and is dropped; only the first action of each episode counts, and an episode
   longer than one window counts once per window from its own start (a flood sustained
   for an hour is sixty one-minute acts, not one, and not one per row). Unlike fixed
   clock buckets, the cut never splits a two-second burst at a bucket edge (the real
   German election data inflates pairs ~1.7x without any de-duplication).
2. **Sorted window join**: time is cut into buckets one window wide, so two actions within
   the window lie in the same or adjacent buckets; the join is an equi-join on (object,
   bucket) and (object, bucket + 1), then a filter on the exact gap. The work grows with the
   pairs actually close in time, never with n² per object. Objects acted on more than
   ``max_object_actions`` times (viral) draw no pairs; they are counted in the manifest and
   still feed the null model.
3. **Co-actions counted once per post.** A pair's observed count at the fast scale is the
   smaller of the numbers of distinct posts of each account that took part in a
   co-action: one post of ``a`` meeting one post of ``b`` on three hashtags is one
   co-action, not three; ``a`` posting twice within one of ``b``'s bursts is one; 207
   distinct posts of ``a`` each met by one of ``b``'s are 207. The merged graph counts
   them the same way across signals (``evidence.pair_coactions``): one post's URL, image
   and hashtag are one act.
4. **Several time scales.** Besides the detector's own (fast) window, ``scales_s`` lists
   slower windows (an hour, a week by default) run on *rare* objects only (at most
   ``slow_max_object_actions`` actions): sleepers touching the same rare links days apart,
   retweet rings that follow with minutes-to-hours delays. At a slow scale the null model
   is computed on the same rare objects, so it is calibrated on what it looks at. Over
   days one account touches one object many times, so at scales of a day or more a pair's
   observed count is its number of distinct objects; scales under a day (``MID_SCALE_S``)
   count post pairs like the fast one, may look at commoner objects
   (``mid_max_object_actions``: a trending tag hijacked push after push), and take each
   action's chance neighbours from the hour around it (``r`` per object *and* time bucket,
   below), so that a tag's debate-night flood does not mask injections on quiet afternoons.
5. **Chance control** (null model). For each object ``o`` with ``n_o`` actions of which
   ``W_o`` pairs fall within the window, a random action on ``o`` has ``r_o = 2 W_o / n_o``
   neighbours in time. Under a configuration null where, within each time stratum ``s``
   (``general.null_stratum_s``, or the window when longer; 0 = the whole collection, the
   default), every action's account is drawn in proportion to the accounts' activity in
   that stratum (``d_bs / M_s``), the number of co-actions expected between ``a`` and ``b``
   is ``E_ab = sum_s (R_as d_bs + R_bs d_as) / 2 M_s`` with ``R_as`` the sum of ``r_o``
   over ``a``'s actions in ``s``. Stratifying by day (86400) keeps two accounts that are
   merely awake on the same days from looking coordinated, at a cost in power on short
   campaigns (benchmarks/calibration.py measures both); viral objects (large
   ``r_o``) raise the expectation of every account that shares them, so heavy sharers of
   viral news do not look coordinated, while a pair co-acting on many *rare* objects does.
   ``E_ab`` counts action pairs; the observed count counts clumps of them (a post pair; at the
   day-long scales an object, and never more than the pair's distinct posts, so an album of
   images shared by two posts is one clump). Following the Poisson clumping heuristic, clumps
   are tested against ``E_ab / c``, ``c`` the pair's mean clump size (its action pairs per
   clump): ``p = P(Poisson(E_ab / c) >= observed)``. The family of tests is **every pair that
   co-acted at least once** at that scale (Bonferroni by default, or Benjamini-Hochberg): a pair
   below ``min_observed`` is never kept but still counts in the correction. Each (signal, scale)
   is one family at ``alpha``, so a run's chance of any false pair is at most
   ``alpha`` times its number of families (the manifest's ``families``; measured by
   ``benchmarks/calibration.py``). A pair is kept at the scale where it is most
   significant; its ``window_s`` says which.
6. **Weight** of a kept pair: the sum of the rarity of the objects of its co-actions,
   rarity being ``log(N / n_accounts(o)) / log N`` (an IDF in
   [0, 1]): sharing a rare hashtag says more than sharing a trending one.

Sums run over fixed-point integers (``r`` in 1e-6, rarity in 1e-9 units) so that parallel
aggregation gives byte-identical outputs from run to run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.detect.chance import poisson_sf, significant
from vigie.detect.engine import Engine, fetch
from vigie.detect.scales import MID_SCALE_S, time_scales

AUTO_QUANTILE = 0.1
AUTO_MIN_S, AUTO_MAX_S = 1.0, 3600.0

EDGE_COLUMNS = (
    "u",
    "v",
    "weight",
    "observed",
    "expected",
    "p_value",
    "n_objects",
    "window_s",
    "first_t",
    "last_t",
)


@dataclass
class Signal:
    """The kept account pairs of one detector and the figures of how they were found.

    ``edges`` holds at least u, v (aid), weight, observed, expected, p_value, n_objects;
    the co-action engine adds ``window_s`` (the scale the pair was kept at), ``first_t`` and
    ``last_t`` (seconds), and a detector may leave them out (they are then unknown).
    """

    kind: str
    edges: pa.Table
    stats: dict[str, Any] = field(default_factory=dict)
    act_table: str | None = None  # act_<kind>(aid, oid, t, post_id) kept for evidence
    obj_table: str | None = None  # obj_<kind>(oid, obj) object names for evidence
    # co_<kind>(u, v, oid, rarity_fx, pu, pv, post_u, post_v, tu, tv): the co-actions of
    # each kept pair at the scale it was kept at (cross-kind merge, pair evidence); it may
    # also hold rows of candidate pairs that were not kept: readers join it on ``edges``
    co_table: str | None = None
    reads: tuple[str, ...] = ()  # the Dataset columns this detector read (diagnosis)


def estimate_window(engine: Engine, raw: str) -> float:
    """A window from the data, in the spirit of CooRnet: among objects shared by at least
    two accounts, the time from the first to the second account; the window is the
    ``AUTO_QUANTILE`` quantile of that delay (the speed of the fastest tenth of objects),
    clamped to [1 s, 1 h]. Unusually fast follow-ups are what coordination looks like."""
    q = engine.scalar(
        f"""WITH f AS (SELECT obj, aid, min(t) AS t FROM {raw} GROUP BY obj, aid),
        r AS (SELECT obj, t, row_number() OVER (PARTITION BY obj ORDER BY t) AS rn FROM f),
        d AS (SELECT max(t) FILTER (rn = 2) - min(t) FILTER (rn = 1) AS d
              FROM r WHERE rn <= 2 GROUP BY obj HAVING count(*) = 2)
        SELECT quantile_cont(d, {AUTO_QUANTILE}) FROM d"""
    )
    if q is None or not math.isfinite(q):
        return 60.0
    return float(min(max(q, AUTO_MIN_S), AUTO_MAX_S))


def _ostat(kind: str, i: int) -> str:
    """Per-object figures of scale ``i``. The fast scale's table is the one the evidence
    reads (``ostat_<kind>``): named so from the start, it is never copied."""
    return f"ostat_{kind}" if i == 0 else f"ostat_{kind}_{i}"


def _local(i: int, window: float) -> bool:
    """Whether scale ``i`` takes its chance neighbours from the hour around each action
    (the slower scales under a day) rather than the object's average over the collection."""
    return i > 0 and window < MID_SCALE_S


def _scale_pairs(
    engine: Engine,
    kind: str,
    i: int,
    window: float,
    cap: int,
    log_n: float,
    n_acc: int,
    min_obs: int,
    posts: bool = True,
) -> tuple[str, int, dict[str, Any]]:
    """Candidate pairs of one time scale: table name, co-occurring pair count, figures.
    Without ``posts`` the co-action rows leave out the post ids (nobody will read them)."""
    con = engine.con
    act, ostat = f"act_{kind}", _ostat(kind, i)
    ax, pairs = f"acts_{kind}_{i}", f"pairs_{kind}_{i}"
    where = "" if i == 0 else f"WHERE oid IN (SELECT oid FROM {_ostat(kind, 0)} WHERE n <= {cap})"
    # per object: actions, accounts, within-window pairs (bucket approximation: pairs in the
    # same bucket are within the window, pairs in adjacent buckets half the time), rarity.
    # Objects acted on once (96 % of copypasta's text clusters) have one bucket, one account
    # and no pair: they skip the window function and the distinct count (copypasta's three
    # scales 2.5 -> 0.9 s CPU at 1M posts, the same rows).
    con.execute(
        f"""CREATE OR REPLACE TABLE {ostat} AS
        WITH x AS (SELECT aid, oid, floor(t / {window})::BIGINT AS bkt FROM {act} {where}),
        k AS (SELECT oid, count(*) AS n FROM x GROUP BY oid),
        xm AS (SELECT * FROM x SEMI JOIN (SELECT oid FROM k WHERE n > 1) USING (oid)),
        b AS (SELECT oid, bkt, count(*)::DOUBLE AS c FROM xm GROUP BY oid, bkt),
        l AS (
            SELECT oid, c,
                   CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
            FROM b WINDOW w AS (PARTITION BY oid ORDER BY bkt)),
        s AS (SELECT oid, sum(c) AS n, sum(c * (c - 1) / 2 + 0.5 * c * cn) AS w
              FROM l GROUP BY oid),
        a AS (SELECT oid, count(DISTINCT aid) AS na FROM xm GROUP BY oid),
        u AS (SELECT s.oid, s.n, a.na, s.w FROM s JOIN a USING (oid)
              UNION ALL
              SELECT oid, 1.0::DOUBLE AS n, 1::BIGINT AS na, 0.0::DOUBLE AS w FROM k WHERE n = 1)
        SELECT oid, n, na, round(2e6 * w / n)::BIGINT AS r_fx,
               round(1e9 * greatest(0.0, least(1.0, ln({n_acc or 1} / na) / {log_n})))::BIGINT
                   AS rarity_fx
        FROM u"""
    )
    # at the hour scales, time-local neighbours: an action in a bucket holding c actions has
    # c - 1 neighbours there and, on average, half of each adjacent bucket's (a debate
    # night's burst on a tag must not raise the expectation of its use on quiet afternoons)
    if _local(i, window):
        con.execute(
            f"""CREATE OR REPLACE TABLE rloc_{kind}_{i} AS
            WITH b AS (
                SELECT oid, floor(t / {window})::BIGINT AS bkt, count(*)::DOUBLE AS c
                FROM {act} {where} GROUP BY oid, bkt),
            l AS (
                SELECT oid, bkt, c,
                       CASE WHEN lag(bkt) OVER w = bkt - 1 THEN lag(c) OVER w ELSE 0 END AS cp,
                       CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
                FROM b WINDOW w AS (PARTITION BY oid ORDER BY bkt))
            SELECT oid, bkt, round(1e6 * ((c - 1) + 0.5 * (cp + cn)))::BIGINT AS r_fx FROM l"""
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {ax} AS
        SELECT x.aid, x.oid, floor(x.t / {window})::BIGINT AS bkt, x.t, x.pid,
               {"x.post_id, " if posts else ""}o.rarity_fx
        FROM {act} x JOIN {ostat} o USING (oid) WHERE o.n <= {cap} AND o.n > 1"""
    )
    # Pass 1: the pair (u, v) of every co-action, counted in NumPy (one sort). Almost every
    # pair co-acts once or twice (2.1M pairs from 2.4M co-actions for copypasta at 1M
    # posts); grouping them all with the distinct counts below took 8 s, while only pairs
    # with at least ``min_obs`` co-actions can be tested (observed <= co-action rows).
    keys = np.asarray(
        fetch(con, f"{_coaction_rows(ax, window, posts)} SELECT (u::BIGINT << 32) | v AS k FROM c")
        .column("k")
        .to_numpy(),
        dtype=np.int64,
    )
    keys = np.sort(keys)
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else keys
    counts = np.diff(np.r_[first, keys.size])
    cand = keys[first][counts >= max(min_obs, 1)]
    n_pairs = int(first.size)
    del keys, first, counts
    name = f"cand_{kind}_{i}"
    con.register(
        name,
        pa.table(
            {"u": pa.array(cand >> 32, pa.int32()), "v": pa.array(cand & 0xFFFFFFFF, pa.int32())}
        ),
    )
    # Pass 2: the co-actions of those candidate pairs only, kept (``co_<kind>_<i>``) for the
    # cross-kind merge of kept pairs (``evidence.pair_coactions``), then aggregated.
    # A clump: under a day one post pair (matched on several objects), at the day-long
    # scales one object (touched many times over the days).
    # Only the actions of accounts in a candidate pair can meet in one: the self-join runs
    # on those (a pair's two accounts are both candidates, so no co-action row is lost).
    co, axc = f"co_{kind}_{i}", f"acts_cand_{kind}_{i}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {axc} AS
        SELECT x.* FROM {ax} x SEMI JOIN (SELECT u AS aid FROM {name}
                                          UNION SELECT v AS aid FROM {name}) a USING (aid)"""
    )
    con.execute(f"DROP TABLE IF EXISTS {ax}")
    con.execute(
        f"""CREATE OR REPLACE TABLE {co} AS {_coaction_rows(axc, window, posts)}
        SELECT c.* FROM c SEMI JOIN {name} USING (u, v)"""
    )
    con.unregister(name)
    con.execute(f"DROP TABLE IF EXISTS {axc}")
    # each distinct count as DISTINCT rows grouped again, in its own pass: DuckDB's grouped
    # aggregate with three count(DISTINCT ...) together cost ~1.0 s CPU on co-repost's 1.2M
    # co-actions at 1M posts, the DISTINCT rows 0.7 s (the same counts), and only one
    # distinct hash table is alive at a time (10M posts: the three spilled to disk together)
    clumps = (
        "least(du.n, dv.n)"
        if window < MID_SCALE_S
        # over days, one object touched again and again counts once, and so does one post
        # pair however many objects it carries (a four-image album is one co-action)
        else "least(dob.n, du.n, dv.n)"
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE {pairs} AS
        WITH m AS (
            SELECT u, v, count(*) AS rows_, sum(rarity_fx) AS rarity_fx,
                   min(least(tu, tv)) AS first_t, max(greatest(tu, tv)) AS last_t
            FROM {co} GROUP BY u, v),
        du AS (SELECT u, v, count(*) AS n FROM (SELECT DISTINCT u, v, pu FROM {co}) GROUP BY u, v),
        dv AS (SELECT u, v, count(*) AS n FROM (SELECT DISTINCT u, v, pv FROM {co}) GROUP BY u, v),
        dob AS (
            SELECT u, v, count(*) AS n FROM (SELECT DISTINCT u, v, oid FROM {co}) GROUP BY u, v)
        SELECT u, v, {clumps} AS observed, dob.n AS n_objects, m.rows_, m.rarity_fx,
               m.first_t, m.last_t
        FROM m JOIN du USING (u, v) JOIN dv USING (u, v) JOIN dob USING (u, v)"""
    )
    return pairs, n_pairs, {"window_s": round(window, 3), "max_object_actions": cap}


def _coaction_rows(ax: str, window: float, posts: bool = True) -> str:
    """``WITH c AS (...)``: every pair of actions of two accounts on one object within the
    window, once, as (u < v, oid, rarity_fx, pu, pv, post_u, post_v, tu, tv); without
    ``posts``, no post_u, post_v (``ax`` then has no post_id)."""
    ids = "x.post_id AS post_u, y.post_id AS post_v," if posts else ""
    swapped = (
        """CASE WHEN x.aid < y.aid THEN x.post_id ELSE y.post_id END,
                   CASE WHEN x.aid < y.aid THEN y.post_id ELSE x.post_id END,"""
        if posts
        else ""
    )
    return f"""WITH c AS (
            SELECT x.aid AS u, y.aid AS v, x.oid, x.rarity_fx, x.pid AS pu, y.pid AS pv,
                   {ids} x.t AS tu, y.t AS tv
            FROM {ax} x JOIN {ax} y ON x.oid = y.oid AND x.bkt = y.bkt
            WHERE x.aid < y.aid AND abs(x.t - y.t) <= {window}
            UNION ALL
            SELECT least(x.aid, y.aid), greatest(x.aid, y.aid), x.oid, x.rarity_fx,
                   CASE WHEN x.aid < y.aid THEN x.pid ELSE y.pid END,
                   CASE WHEN x.aid < y.aid THEN y.pid ELSE x.pid END,
                   {swapped}
                   CASE WHEN x.aid < y.aid THEN x.t ELSE y.t END,
                   CASE WHEN x.aid < y.aid THEN y.t ELSE x.t END
            FROM {ax} x JOIN {ax} y ON x.oid = y.oid AND y.bkt = x.bkt + 1
            WHERE x.aid <> y.aid AND y.t - x.t <= {window})"""


def _expected(
    engine: Engine, kind: str, i: int, window: float, pairs: str, min_obs: int, stratum_s: float
) -> pa.Table:
    """Tested pairs (at least ``min_obs`` co-actions) with their (stratified) expectation."""
    act, ostat = f"act_{kind}", _ostat(kind, i)
    # one key per (account, stratum): joining on it alone keeps the planner from pairing
    # every account with every other one of the same stratum
    stratum = max(stratum_s, window) if stratum_s > 0 else 1e15
    r_col, r_join = "o.r_fx", ""
    if _local(i, window):
        r_col = "r.r_fx"
        r_join = (
            f"JOIN rloc_{kind}_{i} r ON r.oid = a.oid AND r.bkt = floor(a.t / {window})::BIGINT"
        )
    return fetch(
        engine.con,
        f"""WITH x AS (
            SELECT a.aid, floor(a.t / {stratum})::BIGINT AS st, {r_col}
            FROM {act} a JOIN {ostat} o USING (oid) {r_join}),
        d AS (SELECT aid, st, aid::BIGINT * 4294967296 + st AS dk, count(*)::DOUBLE AS d,
                     sum(r_fx) / 1e6 AS r
              FROM x GROUP BY aid, st),
        m AS (SELECT st, count(*)::DOUBLE AS m FROM x GROUP BY st),
        t AS (SELECT u, v, observed, n_objects, rarity_fx, rows_, first_t, last_t
              FROM {pairs} WHERE observed >= {min_obs}),
        e AS (
            SELECT t.u, t.v, sum((du.r * dv.d + dv.r * du.d) / (2.0 * m.m)) AS expected
            FROM t JOIN d du ON du.aid = t.u
            JOIN d dv ON dv.dk = t.v::BIGINT * 4294967296 + du.st
            JOIN m ON m.st = du.st GROUP BY t.u, t.v)
        SELECT t.u, t.v, t.observed, t.n_objects,
               t.observed * (t.rarity_fx / 1e9) / t.rows_ AS weight,
               coalesce(e.expected, 0.0) * t.observed / t.rows_ AS expected,
               t.first_t, t.last_t
        FROM t LEFT JOIN e USING (u, v)
        ORDER BY t.u, t.v""",
    )


def run_coaction(
    engine: Engine,
    kind: str,
    raw: str,
    cfg: dict[str, Any],
    general: dict[str, Any],
    keep_coactions: bool = True,
) -> Signal:
    """Run steps 1-6 (module docstring) on ``raw`` and return the kept pairs.

    ``keep_coactions=False`` when the caller will not hand on ``co_table`` (co-repost with
    its ring test): the co-action rows are then built without their post ids and dropped
    once counted, instead of being kept (with two strings a row) for the whole run."""
    window = cfg["window_s"]
    window = estimate_window(engine, raw) if window == "auto" else float(window)
    window = max(window, 1e-3)
    cap = int(cfg["max_object_actions"])
    act, obj = f"act_{kind}", f"obj_{kind}"
    con = engine.con
    # episodes: a gap over one window starts a new one, and a long burst is cut every
    # window from its own start (a sustained flood counts once per window, not once).
    # Most (account, object) pairs act once: they skip the window functions (3x less work
    # on co-repost at 1M posts); an episode is named by its start time (starts strictly
    # increase, so it is the episode number's equal) so one running max replaces a running
    # sum and a second partitioned min.
    ep = f"ep_{kind}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {ep} AS
        SELECT aid, obj, hash(obj) AS oid, t, post_id, dup
        FROM (SELECT aid, obj, t, post_id, count(*) AS dup FROM {raw}
              GROUP BY aid, obj, t, post_id)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE {act} AS
        WITH k AS (SELECT aid, oid, count(*) AS n FROM {ep} GROUP BY aid, oid),
        many AS (
            SELECT d.aid, d.oid, d.t, d.post_id FROM {ep} d
            SEMI JOIN (SELECT aid, oid FROM k WHERE n > 1) USING (aid, oid)),
        g AS (
            SELECT *, coalesce(t - lag(t) OVER (PARTITION BY aid, oid ORDER BY t, post_id)
                               > {window}, true) AS new
            FROM many),
        e AS (
            SELECT *, max(CASE WHEN new THEN t END) OVER (
                       PARTITION BY aid, oid ORDER BY t, post_id ROWS UNBOUNDED PRECEDING) AS st
            FROM g),
        s AS (SELECT *, floor((t - st) / {window})::BIGINT AS sl FROM e)
        SELECT aid, oid, min(t) AS t, arg_min(post_id, (t, post_id)) AS post_id,
               hash(arg_min(post_id, (t, post_id))) AS pid
        FROM s GROUP BY aid, oid, st, sl
        UNION ALL
        SELECT d.aid, d.oid, d.t, d.post_id, hash(d.post_id) AS pid FROM {ep} d
        SEMI JOIN (SELECT aid, oid FROM k WHERE n = 1) USING (aid, oid)"""
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {obj} AS SELECT oid, min(obj) AS obj FROM {ep} GROUP BY oid"
    )
    # the raw rows, counted from their distinct ones (``raw`` may be a view: not read again)
    n_raw = engine.scalar(f"SELECT coalesce(sum(dup), 0) FROM {ep}")
    con.execute(f"DROP TABLE {ep}")
    m_actions, n_acc = con.execute(f"SELECT count(*), count(DISTINCT aid) FROM {act}").fetchall()[0]
    log_n = math.log(n_acc) if n_acc and n_acc > 1 else 1.0
    min_obs = int(cfg["min_observed"])
    scales = time_scales(cfg, window)
    parts: list[pa.Table] = []
    scale_stats: list[dict[str, Any]] = []
    family = 0
    for i, (w, c) in enumerate(scales):
        pairs, n_pairs, st = _scale_pairs(
            engine, kind, i, w, c, log_n, n_acc or 1, min_obs, keep_coactions
        )
        stratum = float(general.get("null_stratum_s", 0) or 0)
        tested = _expected(engine, kind, i, w, pairs, min_obs, stratum)
        family += n_pairs
        st.update({"pairs": n_pairs, "tested": int(tested.num_rows)})
        scale_stats.append(st)
        parts.append(
            tested.append_column("window_s", pa.array([w] * tested.num_rows, pa.float64()))
        )
        con.execute(f"DROP TABLE IF EXISTS {pairs}")
        con.execute(f"DROP TABLE IF EXISTS rloc_{kind}_{i}")
    over = con.execute(
        f"SELECT count(*), coalesce(sum(n), 0) FROM {_ostat(kind, 0)} WHERE n > {cap}"
    ).fetchall()[0]
    n_objects = int(engine.scalar(f"SELECT count(*) FROM {_ostat(kind, 0)}"))
    for i in range(1, len(scales)):
        con.execute(f"DROP TABLE IF EXISTS {_ostat(kind, i)}")
    tested = pa.concat_tables(parts)
    observed = tested.column("observed").to_numpy().astype(np.float64)
    expected = tested.column("expected").to_numpy().astype(np.float64)
    p = poisson_sf(observed, expected) if tested.num_rows else np.zeros(0)
    # corrected, at each scale, over every pair that co-acted at least once at that scale
    keep = np.zeros(p.size, dtype=bool)
    start = 0
    for part, st in zip(parts, scale_stats, strict=True):
        end = start + part.num_rows
        keep[start:end] = significant(
            p[start:end], general["alpha"], st["pairs"], general["correction"]
        )
        start = end
    edges = _best_scale(tested, p, keep)
    co: str | None = None
    if keep_coactions:
        co = _kept_coactions(engine, kind, edges, [w for w, _ in scales])
    else:
        for i in range(len(scales)):
            con.execute(f"DROP TABLE IF EXISTS co_{kind}_{i}")
    for st, (w, _) in zip(scale_stats, scales, strict=True):
        st["kept"] = int(np.sum(np.asarray(edges.column("window_s")) == w))
    stats = {
        "window_s": round(window, 3),
        "window_auto": cfg["window_s"] == "auto",
        "scales": scale_stats,
        "rows": int(n_raw),
        "actions": int(m_actions),
        "accounts": int(n_acc),
        "objects": n_objects,
        "objects_over_cap": int(over[0]),
        "actions_over_cap": int(over[1]),
        "pairs": int(scale_stats[0]["pairs"]),
        "family": int(family),
        "families": len(scales),
        "tested": int(tested.num_rows),
        "kept": int(edges.num_rows),
        "observed_kept": int(np.asarray(edges.column("observed")).sum()),
        "expected_kept": round(float(np.asarray(edges.column("expected")).sum()), 6),
    }
    return Signal(kind, edges, stats, act_table=act, obj_table=obj, co_table=co)


def _kept_coactions(engine: Engine, kind: str, edges: pa.Table, windows: list[float]) -> str:
    """Keep, in ``co_<kind>``, the co-action rows of each kept pair at the scale it was
    kept at (what the cross-kind merge and the pair evidence read); drop the rest.

    When every kept pair was kept at the fast scale (co-repost, co-reply on most data), the
    fast scale's rows are named as they are, through a view, instead of being copied: almost
    every candidate pair is kept (1.18M of 1.19M co-repost rows at 1M posts), so the copy cost
    as much as a reader's scan. The view also shows the rows of the few candidate pairs that
    were not kept; every reader joins it on the signal's kept pairs (``Signal.edges``), so
    those rows never count. With slower scales kept too, the rows are copied as before: the
    fast scale's rows of a pair kept at a slower one must not show, and a copy frees them.
    """
    con = engine.con
    w = np.asarray(edges.column("window_s"), dtype=np.float64)
    scale = np.full(w.size, -1, dtype=np.int32)
    for i, x in enumerate(windows):
        scale[w == x] = i
    co = f"co_{kind}"
    if not np.any(scale > 0):
        for i in range(1, len(windows)):
            con.execute(f"DROP TABLE IF EXISTS co_{kind}_{i}")
        con.execute(f"CREATE OR REPLACE VIEW {co} AS SELECT * FROM co_{kind}_0")
        return co
    name = f"kept_{kind}"
    con.register(
        name, pa.table({"u": edges.column("u"), "v": edges.column("v"), "i": pa.array(scale)})
    )
    parts = " UNION ALL ".join(
        f"SELECT c.* FROM co_{kind}_{i} c SEMI JOIN (SELECT u, v FROM {name} WHERE i = {i}) k "
        "USING (u, v)"
        for i in range(len(windows))
    )
    con.execute(f"CREATE OR REPLACE TABLE {co} AS {parts}")
    con.unregister(name)
    for i in range(len(windows)):
        con.execute(f"DROP TABLE IF EXISTS co_{kind}_{i}")
    return co


def _best_scale(tested: pa.Table, p: np.ndarray, keep: np.ndarray) -> pa.Table:
    """One row per kept pair: the scale where it is most significant (ties: the faster)."""
    idx = np.flatnonzero(keep)
    u = tested.column("u").to_numpy()[idx].astype(np.int64)
    v = tested.column("v").to_numpy()[idx].astype(np.int64)
    w = tested.column("window_s").to_numpy()[idx]
    order = np.lexsort((w, p[idx], v, u))
    idx, u, v = idx[order], u[order], v[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])] if idx.size else np.zeros(0, bool)
    sel = pa.array(idx[first])
    t = tested.take(sel)
    return pa.table(
        {
            "u": t.column("u").cast(pa.int32()),
            "v": t.column("v").cast(pa.int32()),
            "weight": t.column("weight").cast(pa.float64()),
            "observed": t.column("observed").cast(pa.int64()),
            "expected": t.column("expected").cast(pa.float64()),
            "p_value": pa.array(p[idx[first]], pa.float64()),
            "n_objects": t.column("n_objects").cast(pa.int64()),
            "window_s": t.column("window_s").cast(pa.float64()),
            "first_t": t.column("first_t").cast(pa.float64()),
            "last_t": t.column("last_t").cast(pa.float64()),
        }
    )
