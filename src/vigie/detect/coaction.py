"""The co-action engine shared by co-link, co-repost, co-reply, co-hashtag, copypasta and
synchronised activity: two accounts acting on the same object within a time window.

Why one engine: those detectors differ only in what the "object" is (a canonical URL, a
reposted post, a hashtag, a cluster of near-duplicate texts, a time bin). Each detector
writes a table ``raw_<kind>(aid, obj, t, post_id)``; this module does the rest in SQL,
except the drawing and counting of the pairs (``copairs.py``, NumPy):

1. **Episodes, not rows.** An account's actions on one object are cut into episodes by
   time gap: an action less than one window after the account's previous action on the
   same object continues the episode (a burst of re-shares, the same post listed once per
   URL) and is dropped; only the first action of each episode counts, and an episode
   longer than one window counts once per window from its own start (a flood sustained
   for an hour is sixty one-minute acts, not one, and not one per row). Unlike fixed
   clock buckets, the cut never splits a two-second burst at a bucket edge (the real
   German election data inflates pairs ~1.7x without any de-duplication).
2. **Sorted window join**: time is cut into buckets one window wide, so two actions within
   the window lie in the same or adjacent buckets; over the actions sorted by (object,
   time), each action meets the next ones on its object until one is too late
   (``copairs.py``, NumPy), then a filter on the exact gap. The work grows with the
   pairs actually close in time, never with n² per object. Objects acted on more than
   ``max_object_actions`` times (viral) draw no pairs; they are counted in the manifest and
   still feed the null model. On Spark the same functions draw and count the pairs on the
   executors, per partition of whole objects (``spark_engine.SparkPairs``).
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from vigie.arrays import lookup_sorted, run_ranks, sorted_unique
from vigie.detect.chance import poisson_sf, significant, weak_core, weak_threshold
from vigie.detect.copairs import (
    Candidates,
    PairPosts,
    SharedPosts,
    candidate_rows,
    pair_counts,
)
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
    # obj_<kind>(oid, obj): object names for evidence, which reads those of objects two
    # accounts or more acted on (copypasta names only those: millions of lone texts)
    obj_table: str | None = None
    # co_<kind>(u, v, oid, post_u, post_v, tu, tv): the co-actions of
    # each kept pair at the scale it was kept at (cross-kind merge, pair evidence); it may
    # also hold rows of candidate pairs that were not kept: readers join it on ``edges``
    co_table: str | None = None
    # the posts of each kept pair's co-actions at the scale it was kept at (the rows of
    # ``co_table``, kept even without it): what the cross-kind discount counts
    shared: SharedPosts | None = None
    reads: tuple[str, ...] = ()  # the Dataset columns this detector read (diagnosis)
    # the rows the episodes were cut from (aid, obj, t, post_id): every post, what the
    # evidence's figures count (``evidence.post_rows``); set by ``run_coaction``
    raw_table: str | None = None


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


@dataclass
class _Acts:
    """Every action on an object with 2 to ``max(caps)`` actions, sorted by (object, time),
    fetched once for all the time scales: a scale keeps those with ``n <= cap``. The
    slower scales' objects are the fast scale's with fewer actions, so their counts and
    rarity are the fast scale's too (``ostat`` is computed on whole objects)."""

    aid: np.ndarray
    oid: np.ndarray
    t: np.ndarray
    rarity_fx: np.ndarray
    n: np.ndarray
    post: np.ndarray  # dense id of pid (distinct posts are counted by pid, as in SQL)
    n_post: int
    pids: np.ndarray  # the pid of each dense post id (ascending)
    obj: np.ndarray  # dense id of oid (rows are sorted by oid)
    n_obj: int
    post_id: pa.Array | None


def _acts_query(kind: str, cap: int, posts: bool) -> str:
    """The actions every time scale draws its pairs from: those on objects acted on 2 to
    ``cap`` times (the largest scale's cap), with their object's figures."""
    return f"""SELECT x.aid, x.oid, x.t, x.pid, o.rarity_fx, o.n{", x.post_id" if posts else ""}
        FROM act_{kind} x JOIN {_ostat(kind, 0)} o USING (oid)
        WHERE o.n > 1 AND o.n <= {cap}"""


def _acts_from(table: pa.Table, posts: bool) -> _Acts:
    """``_acts_query``'s rows, sorted by (object, time, account, post), as arrays."""
    oid = table.column("oid").to_numpy()
    pid = table.column("pid").to_numpy()
    pids, post = np.unique(pid, return_inverse=True)
    obj = run_ranks(oid)
    return _Acts(
        aid=np.asarray(table.column("aid").to_numpy(), dtype=np.int32),
        oid=oid,
        t=np.asarray(table.column("t").to_numpy(), dtype=np.float64),
        rarity_fx=np.asarray(table.column("rarity_fx").to_numpy(), dtype=np.int64),
        n=np.asarray(table.column("n").to_numpy(), dtype=np.float64),
        # 32-bit where the posts allow it: gathered per co-action row (``_shared_posts``)
        post=post.ravel().astype(np.int32 if pids.size < 2**31 else np.int64),
        n_post=int(post.max()) + 1 if post.size else 0,
        pids=pids,
        obj=obj,
        n_obj=int(obj[-1]) + 1 if obj.size else 0,
        post_id=table.column("post_id").combine_chunks() if posts else None,
    )


def _candidates(acts: _Acts, window: float, cap: int, min_obs: int) -> tuple[Candidates, int]:
    """One time scale's candidates (``candidate_rows``) over the actions on objects acted
    on at most ``cap`` times, their rows indexing ``acts``; and the scale's family."""
    sub = np.flatnonzero(acts.n <= cap)
    if sub.size == acts.n.size:
        return candidate_rows(acts.aid, acts.oid, acts.t, window, min_obs)
    cand, n_pairs = candidate_rows(acts.aid[sub], acts.oid[sub], acts.t[sub], window, min_obs)
    cand.iu, cand.iv = sub[cand.iu], sub[cand.iv]
    return cand, n_pairs


_Counts = tuple[np.ndarray, dict[str, np.ndarray], int]


class _HerePairs:
    """The pairs drawn and counted in this process (``copairs``), over every action
    fetched once for all the time scales."""

    def __init__(self, acts: _Acts, scales: list[tuple[float, int]], min_obs: int) -> None:
        self.acts, self.scales, self.min_obs = acts, scales, min_obs
        self.cands: list[Candidates] = []

    def counts(self, i: int, by_object: bool) -> _Counts:
        window, cap = self.scales[i]
        cand, n_pairs = _candidates(self.acts, window, cap, self.min_obs)
        self.cands.append(cand)
        a = self.acts
        counts = pair_counts(cand, a.t, a.rarity_fx, a.post, a.n_post, a.obj, a.n_obj, by_object)
        return cand.keys, counts, n_pairs

    def kept(self, kept: list[np.ndarray]) -> tuple[_Acts, list[Candidates]]:
        return self.acts, self.cands

    def close(self) -> None:
        self.cands = []


class _SpreadPairs:
    """The pairs drawn and counted where the actions are, by an engine with a
    ``pair_drawing`` (Spark: ``SparkEngine.pair_drawing``); the kept pairs' actions alone
    come here, from which ``candidate_rows`` draws their co-action rows exactly as from
    every action (whether two actions co-act depends on those two alone)."""

    def __init__(
        self, remote: Any, scales: list[tuple[float, int]], min_obs: int, posts: bool
    ) -> None:
        self.remote, self.scales, self.min_obs, self.posts = remote, scales, min_obs, posts

    def counts(self, i: int, by_object: bool) -> _Counts:
        return self.remote.counts(i, by_object)

    def kept(self, kept: list[np.ndarray]) -> tuple[_Acts, list[Candidates]]:
        acts = _acts_from(self.remote.kept_actions(kept), self.posts)
        return acts, [_candidates(acts, w, c, self.min_obs)[0] for w, c in self.scales]

    def close(self) -> None:
        self.remote.close()


def _drawing(
    engine: Engine, kind: str, scales: list[tuple[float, int]], min_obs: int, posts: bool
) -> _HerePairs | _SpreadPairs:
    """Where the co-action pairs are drawn and counted: in the engine's own partitions
    when it offers ``pair_drawing`` (the driver then receives per-pair counts and the kept
    pairs' actions only), else here over every action on an object with 2 to ``cap``
    actions, fetched once for all the scales."""
    query = _acts_query(kind, max(c for _, c in scales), posts)
    spread = getattr(engine, "pair_drawing", None)
    if spread is not None:
        return _SpreadPairs(spread(query, scales, min_obs), scales, min_obs, posts)
    table = fetch(engine.con, f"{query} ORDER BY x.oid, x.t, x.aid, x.pid")
    return _HerePairs(_acts_from(table, posts), scales, min_obs)


def _buckets(source: str, window: float) -> str:
    """Per object of ``source(oid, t)`` and bucket one window wide, its actions ``c``."""
    return f"""SELECT oid, floor(t / {window})::BIGINT AS bkt, count(*)::DOUBLE AS c
            FROM {source} GROUP BY oid, bkt"""


def _window_pairs(name: str, source: str, window: float) -> str:
    """CTEs ending in ``name(oid, n, w)``: per object of ``source(oid, t)``, its actions and
    its within-window pairs, by the bucket approximation (pairs in the same bucket are
    within the window, pairs in adjacent buckets half the time). One text for every scale,
    so the fast scale's figures and the slow scales' are the same computation."""
    return f"""{name}_b AS ({_buckets(source, window)}),
        {name}_l AS (
            SELECT oid, c,
                   CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
            FROM {name}_b WINDOW w AS (PARTITION BY oid ORDER BY bkt)),
        {name} AS (SELECT oid, sum(c) AS n, sum(c * (c - 1) / 2 + 0.5 * c * cn) AS w
              FROM {name}_l GROUP BY oid)"""


def _multi(kind: str, cap: int) -> str:
    """The actions (oid, t) on objects acted on more than once and at most ``cap`` times:
    the only ones of a slow scale with neighbours in time."""
    return f"""(SELECT x.oid, x.t FROM act_{kind} x
            SEMI JOIN (SELECT oid FROM {_ostat(kind, 0)} WHERE n > 1 AND n <= {cap}) USING (oid))"""


def _ostats(engine: Engine, kind: str, i: int, window: float, cap: int, log_n: float, n_acc: int):
    """Per-object figures of scale ``i`` (``ostat``) and, at the hour scales, per bucket
    (``rloc``): what the null model (``_expected``) reads.

    An object's actions, accounts and rarity are the same at every scale (the slower
    scales keep whole objects, those with ``n <= cap``): only its within-window pairs
    ``w``, and so ``r_fx``, depend on the window. Objects acted on once (96 % of
    copypasta's text clusters) have no pair at any scale (``r_fx`` 0). So the fast scale's
    table (``ostat_<kind>``) holds every object, and a slower scale's only the objects with
    ``1 < n <= cap`` (their n, na and rarity taken from the fast table): ``_expected``
    reads the others' ``r_fx`` as 0. The hour scales take ``r`` from ``rloc`` alone and
    need no ostat of their own; ``rloc`` likewise leaves out the buckets whose ``r_fx``
    is 0 (all of those of single-action objects). The same figures as computing every
    object at every scale (``tests/detect/test_slow_ostats.py``), at a fraction of the work
    (copypasta's slow scales at 1M posts: see docs/detect-speed.md)."""
    con = engine.con
    act, ostat = f"act_{kind}", _ostat(kind, i)
    if i == 0:
        # Objects acted on once skip the window function and the distinct count (copypasta's
        # three scales 2.5 -> 0.9 s CPU at 1M posts, the same rows).
        con.execute(
            f"""CREATE OR REPLACE TABLE {ostat} AS
            WITH k AS (SELECT oid, count(*) AS n FROM {act} GROUP BY oid),
            xm AS (SELECT aid, oid, t FROM {act}
                   SEMI JOIN (SELECT oid FROM k WHERE n > 1) USING (oid)),
            {_window_pairs("s", "xm", window)},
            a AS (SELECT oid, count(DISTINCT aid) AS na FROM xm GROUP BY oid),
            u AS (SELECT s.oid, s.n, a.na, s.w FROM s JOIN a USING (oid)
                  UNION ALL
                  SELECT oid, 1.0::DOUBLE AS n, 1::BIGINT AS na, 0.0::DOUBLE AS w
                  FROM k WHERE n = 1)
            SELECT oid, n, na, round(2e6 * w / n)::BIGINT AS r_fx,
                   round(1e9 * greatest(0.0, least(1.0, ln({n_acc or 1} / na) / {log_n})))::BIGINT
                       AS rarity_fx
            FROM u"""
        )
        return
    if not _local(i, window):
        con.execute(
            f"""CREATE OR REPLACE TABLE {ostat} AS
            WITH {_window_pairs("s", _multi(kind, cap), window)}
            SELECT o.oid, o.n, o.na, round(2e6 * s.w / o.n)::BIGINT AS r_fx, o.rarity_fx
            FROM s JOIN {_ostat(kind, 0)} o USING (oid)"""
        )
        return
    # at the hour scales, time-local neighbours: an action in a bucket holding c actions has
    # c - 1 neighbours there and, on average, half of each adjacent bucket's (a debate
    # night's burst on a tag must not raise the expectation of its use on quiet afternoons)
    con.execute(
        f"""CREATE OR REPLACE TABLE rloc_{kind}_{i} AS
        WITH b AS ({_buckets(_multi(kind, cap), window)}),
        l AS (
            SELECT oid, bkt, c,
                   CASE WHEN lag(bkt) OVER w = bkt - 1 THEN lag(c) OVER w ELSE 0 END AS cp,
                   CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
            FROM b WINDOW w AS (PARTITION BY oid ORDER BY bkt)),
        r AS (SELECT oid, bkt, round(1e6 * ((c - 1) + 0.5 * (cp + cn)))::BIGINT AS r_fx FROM l)
        SELECT * FROM r WHERE r_fx > 0"""
    )


def _scale_pairs(
    engine: Engine, kind: str, i: int, by_object: bool, drawing: _HerePairs | _SpreadPairs
) -> tuple[str, int]:
    """Candidate pairs of one time scale, registered as ``pairs_<kind>_<i>`` with their
    counts, and the number of co-occurring pairs (the scale's family of tests).

    The co-actions are drawn and counted in NumPy (``copairs``): every pair of actions of
    two accounts on one object within the window, once, counted per pair in one sort; only
    pairs with at least ``min_obs`` co-action rows can be tested (observed <= rows), and
    only theirs are grouped, with the distinct clump counts. A clump: under a day one post
    pair (matched on several objects), at the day-long scales one object (touched many
    times over the days, ``by_object``) and never more than the pair's distinct posts (a
    four-image album is one co-action)."""
    keys, counts, n_pairs = drawing.counts(i, by_object)
    pairs = f"pairs_{kind}_{i}"
    engine.con.register(
        pairs,
        pa.table(
            {
                "u": pa.array(keys >> 32, pa.int32()),
                "v": pa.array(keys & 0xFFFFFFFF, pa.int32()),
                **{k: pa.array(x) for k, x in counts.items()},
            }
        ),
    )
    return pairs, n_pairs


def _expected(
    engine: Engine,
    kind: str,
    i: int,
    window: float,
    cap: int,
    pairs: str,
    min_obs: int,
    stratum_s: float,
) -> pa.Table:
    """Tested pairs (at least ``min_obs`` co-actions) with their (stratified) expectation."""
    act = f"act_{kind}"
    # one key per (account, stratum): joining on it alone keeps the planner from pairing
    # every account with every other one of the same stratum
    stratum = max(stratum_s, window) if stratum_s > 0 else 1e15
    # the fast scale: every object, its own r; a slower one: the objects with n <= cap,
    # their r from the scale's own table, which leaves out those whose r is 0 (``_ostats``)
    r_col, r_join, where = "o.r_fx", "", ""
    if i > 0:
        where = f"WHERE o.n <= {cap}"
        r_col = "coalesce(r.r_fx, 0) AS r_fx"
        r_join = f"LEFT JOIN {_ostat(kind, i)} r ON r.oid = a.oid"
        if _local(i, window):
            r_join = (
                f"LEFT JOIN rloc_{kind}_{i} r ON r.oid = a.oid"
                f" AND r.bkt = floor(a.t / {window})::BIGINT"
            )
    return fetch(
        engine.con,
        f"""WITH x AS (
            SELECT a.aid, floor(a.t / {stratum})::BIGINT AS st, {r_col}
            FROM {act} a JOIN {_ostat(kind, 0)} o USING (oid) {r_join} {where}),
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
    names: bool = True,
) -> Signal:
    """Run steps 1-6 (module docstring) on ``raw`` and return the kept pairs.

    ``names=False`` when the caller writes the object names (``obj_<kind>``, read by the
    evidence) itself after this returns (copypasta, paraphrase: a text per cluster): the
    engine's own, the least ``obj`` string per object, would be replaced unread.

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
    # Rows repeated whole (a post listing one link twice) are grouped first: the episode
    # cut orders by (t, post_id), and two identical rows would be ties that its two window
    # passes may order differently, leaving one of them an episode of its own
    # (``tests/detect/test_signals.py::test_a_post_listing_its_link_twice_is_one_act``).
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
    if names:
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
    drawing: _HerePairs | _SpreadPairs | None = None
    try:
        for i, (w, c) in enumerate(scales):
            _ostats(engine, kind, i, w, c, log_n, n_acc or 1)
            if drawing is None:  # once, for every scale (each keeps objects with n <= cap)
                drawing = _drawing(engine, kind, scales, min_obs, keep_coactions)
            pairs, n_pairs = _scale_pairs(engine, kind, i, w >= MID_SCALE_S, drawing)
            st: dict[str, Any] = {"window_s": round(w, 3), "max_object_actions": c}
            stratum = float(general.get("null_stratum_s", 0) or 0)
            tested = _expected(engine, kind, i, w, c, pairs, min_obs, stratum)
            family += n_pairs
            st.update({"pairs": n_pairs, "tested": int(tested.num_rows)})
            scale_stats.append(st)
            parts.append(
                tested.append_column("window_s", pa.array([w] * tested.num_rows, pa.float64()))
            )
            con.unregister(pairs)
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
        # at the detector's own window (co-rare's: the whole collection, on objects rare by
        # construction), weak ties that knit a k-core are kept too (``chance.weak_core``);
        # not at the slower scales, where fan and hashtag communities knit the same way over
        # hours and days (measured: fans and ordinary users grouped at 1M posts)
        n_weak = 0
        weak_k = int(general["weak_min_degree"])
        weak_p = weak_threshold(general, scale_stats[0]["pairs"] if scale_stats else 0)
        if weak_p > 0 and weak_k > 0 and parts and parts[0].num_rows:
            n0 = parts[0].num_rows
            fast = tested.slice(0, n0)
            u0, v0 = fast.column("u").to_numpy(), fast.column("v").to_numpy()
            core = weak_core(u0, v0, p[:n0], weak_p, weak_k)
            # a weak tie between two accounts the signal already ties (at any scale) adds no
            # account, only an edge: at 10M posts 580,000 of them, 0.2 GiB of peak memory
            tied = sorted_unique(
                np.concatenate(
                    [tested.column("u").to_numpy()[keep], tested.column("v").to_numpy()[keep]]
                )
            )
            both = lookup_sorted(u0, tied)[0] & lookup_sorted(v0, tied)[0]
            core &= ~keep[:n0] & ~both
            n_weak = int(core.sum())
            keep[:n0] |= core
        if scale_stats:
            scale_stats[0]["weak_core"] = n_weak
            scale_stats[0]["weak_p"] = weak_p
        edges = _best_scale(tested, p, keep)
        co: str | None = None
        shared: SharedPosts | None = None
        if drawing is not None:
            windows = [w for w, _ in scales]
            kept = _kept_keys(edges, windows)
            acts, cands = drawing.kept(kept)
            drawn = _kept_rows(kept, windows, cands)
            if keep_coactions:  # the co-action table reads the rows too: held as a list
                rows = list(drawn)
                co = _kept_coactions(engine, kind, rows, acts)
                shared = _shared_posts(rows, acts)
                del rows
            else:  # drawn scale by scale, once
                shared = _shared_posts(drawn, acts)
            del cands, acts
    finally:
        if drawing is not None:
            drawing.close()
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
        "weak_core": int(scale_stats[0].get("weak_core", 0)) if scale_stats else 0,
        "observed_kept": int(np.asarray(edges.column("observed")).sum()),
        "expected_kept": round(float(np.asarray(edges.column("expected")).sum()), 6),
    }
    return Signal(
        kind,
        edges,
        stats,
        act_table=act,
        obj_table=obj,
        co_table=co,
        shared=shared,
        raw_table=raw,
    )


_Rows = tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _kept_keys(edges: pa.Table, windows: list[float]) -> list[np.ndarray]:
    """Per time scale, the pairs kept at that scale (``(u << 32) | v``, ascending)."""
    u = np.asarray(edges.column("u"), dtype=np.int64)
    v = np.asarray(edges.column("v"), dtype=np.int64)
    w = np.asarray(edges.column("window_s"), dtype=np.float64)
    return [np.sort((u[w == x] << 32) | v[w == x]) for x in windows]


def _kept_rows(
    kept_keys: list[np.ndarray], windows: list[float], cands: list[Candidates]
) -> Iterator[_Rows]:
    """Per time scale, the co-action rows of the pairs kept at that scale (``kept_keys``:
    ``_kept_keys``): (window, pair keys, rows per pair, action rows of ``u``, of ``v``),
    pair after pair."""
    for x, kept, cand in zip(windows, kept_keys, cands, strict=True):
        if not kept.size or not cand.keys.size:
            continue
        sel = np.isin(cand.keys, kept, assume_unique=True)
        rows = np.repeat(sel, cand.counts)
        yield x, cand.keys[sel], cand.counts[sel], cand.iu[rows], cand.iv[rows]


def _shared_posts(rows: Iterable[_Rows], acts: _Acts) -> SharedPosts:
    """The kept pairs' co-action rows reduced to their two dense post ids, pair after pair:
    what the cross-kind merge counts (``evidence.merged_counts``), 8 bytes a row, without
    the grouping by pair and the numbering of posts it would otherwise redo."""
    blocks = [
        PairPosts(x, keys, counts, acts.post[iu], acts.post[iv]) for x, keys, counts, iu, iv in rows
    ]
    return SharedPosts(blocks, acts.pids)


def _kept_coactions(
    engine: Engine,
    kind: str,
    rows: list[_Rows],
    acts: _Acts,
) -> str:
    """Keep, in ``co_<kind>``, the co-action rows of each kept pair at the scale it was
    kept at (``rows``: ``_kept_rows``; what the pair evidence reads): (u, v, oid,
    post_u, post_v, tu, tv), taken from the candidates' rows of that scale. No post
    ``pid`` (it is ``hash(post_u)``) and no rarity: 24 bytes a row that only the
    cross-kind merge read, which now takes the rows' posts from ``_shared_posts``.

    The rows are gathered by index from the actions (on DuckDB the post ids travel
    dictionary-encoded over the actions' own, not as two strings a row)."""
    con = engine.con
    ru = np.concatenate([r[3] for r in rows]) if rows else np.zeros(0, np.int64)
    rv = np.concatenate([r[4] for r in rows]) if rows else np.zeros(0, np.int64)
    cols: dict[str, Any] = {
        "u": pa.array(acts.aid[ru], pa.int32()),
        "v": pa.array(acts.aid[rv], pa.int32()),
        "oid": pa.array(acts.oid[ru]),
    }
    if acts.post_id is not None:
        if isinstance(con, duckdb.DuckDBPyConnection):
            cols["post_u"] = pa.DictionaryArray.from_arrays(pa.array(ru, pa.int32()), acts.post_id)
            cols["post_v"] = pa.DictionaryArray.from_arrays(pa.array(rv, pa.int32()), acts.post_id)
        else:
            cols["post_u"] = acts.post_id.take(pa.array(ru))
            cols["post_v"] = acts.post_id.take(pa.array(rv))
    cols["tu"] = pa.array(acts.t[ru], pa.float64())
    cols["tv"] = pa.array(acts.t[rv], pa.float64())
    co = f"co_{kind}"
    # a table, not the registered Arrow: copypasta runs on a cursor of its own, and a
    # registration is seen by its own connection only
    con.register(f"{co}_arrow", pa.table(cols))
    con.execute(f"CREATE OR REPLACE TABLE {co} AS SELECT * FROM {co}_arrow")
    con.unregister(f"{co}_arrow")
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
