"""Creation cohorts: accounts created in one burst that then act on the same objects far more
than the rest of the collection does.

Why: throwaway and sleeper networks act too seldom for any pair test. The #MacronLeaks
amplifiers (Ferrara, "Disinformation and social bot operations in the run up to the 2017
French presidential election", First Monday 2017; DFRLab 2017) were created in batches,
left dormant, then each retweeted a handful of the leak's posts within hours; Graphika's
"Secondary Infektion" (2020) and the takedown notes of Twitter's Information Operations
archives describe accounts registered in batches and used once or twice. Two such accounts
share one or two co-actions, which no test corrected over thousands of pairs can keep, and
being created in the same hour proves nothing by itself (thousands of people sign up on
debate night: ``creation.py`` only supports pairs already tied).

What neither shows alone, their conjunction does. Of the ``n`` accounts that acted on an
object (reposted a post, shared a link, used a tag, reposted an author: the objects of the
co-action detectors named in ``kinds``), ``k`` were created in one burst of ``s`` accounts,
where chance (the burst's members drawn from the ``N`` accounts acting in that signal)
expects ``s n / N``. An object is kept for a cohort when ``P(Poisson(s n / N) >= k)``
passes the correction over every (cohort, signal, object) a cohort member touched, ``k`` is
at least ``min_accounts`` and at least ``min_enrichment`` times the expectation: an organic
sign-up wave reposts the debate's viral posts a few times more often than others, not ten
(``en-presidential`` at 2M posts: an organic wave of 1,445 accounts, no object kept).
Bursts are ``creation_burst``'s (its window, baseline and size, with ``general.alpha``);
a cohort is a run of burst accounts each created within one window of the previous.

Throwaway accounts need not come in bursts: Doppelganger's (EU DisinfoLab 2022, VIGINUM's
RRN report 2023) and Operation Overload's (CheckFirst and Reset.Tech 2024) were registered
a few at a time all along the operation, each used days after its creation; "recently
created accounts" is the indicator platform takedown reports cite most. So the accounts
whose first post in the Dataset came within ``young_s`` (30 days) of their creation are one
more cohort, tested the same way: the genuine newcomers of a collection join its
conversations as everybody does, a campaign's throwaways pile onto its own objects
(``young_s = 0``: off).

The objects are those of the signals named in ``kinds``: links, reposts, replies, mentions,
images, sites and reposted authors by default, not tags and texts. Newcomers greet in one
voice (Mastodon's ``#introduction``, "hello everyone, this is my first post"), and a sign-up
wave would be one cohort on its greeting: a ritual of the new, not a campaign
(``test_cohort.py``'s newcomers are grouped so when tags and texts are read).

Each pair of one cohort that both acted on a kept object is tied (``observed``: the kept
objects both touched; ``expected``: the chance two accounts drawn at random both touch
them, ``sum (n / N)^2``; ``p_value``: the smallest of their objects' tests), unless another
signal kept that pair already (its evidence is that signal's; ``creation_burst`` supports
it). The evidence lists the objects as ``<signal>: <object>`` with both members' posts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import dense_ids, lookup_sorted
from vigie.detect import creation
from vigie.detect.chance import poisson_sf, significant
from vigie.detect.coaction import Signal
from vigie.detect.copairs import pairs_within
from vigie.detect.engine import Engine, fetch

KIND = "creation_cohort"
_MEMBERS = "cc_members"
_KEPT = "cc_kept"


def cohorts(b: creation.Bursts, window: float) -> tuple[np.ndarray, np.ndarray]:
    """(aid, cohort number) of the burst accounts: consecutive burst accounts (by creation)
    less than ``window`` apart are one cohort."""
    idx = np.flatnonzero(b.burst)
    if idx.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    t = b.t[idx]
    new = np.ones(idx.size, dtype=bool)
    new[1:] = np.diff(t) > window
    return b.aid[idx], np.cumsum(new) - 1


def young_accounts(engine: Engine, young_s: float) -> np.ndarray:
    """The accounts whose first post in the Dataset came at most ``young_s`` seconds after
    their creation (and not more than a day before it: clocks and time zones), ascending."""
    if young_s <= 0 or not engine.has_accounts:
        return np.zeros(0, np.int64)
    t = fetch(
        engine.con,
        f"""SELECT c.aid FROM acc_created c
        JOIN (SELECT aid, min(t) AS first FROM p GROUP BY aid) f ON f.aid = c.aid
        WHERE f.first - c.created <= {float(young_s)} AND f.first - c.created >= -86400.0
        ORDER BY c.aid""",
    )
    return t.column("aid").to_numpy().astype(np.int64)


def _empty(stats: dict[str, Any]) -> Signal:
    stats.setdefault("kept", 0)
    return Signal(KIND, creation.empty_edges(), stats)


def _candidates(engine: Engine, s: Signal) -> pa.Table:
    """(c, oid, k, n, s, big_n) for signal ``s``: per cohort and object its members touched,
    how many members (``k``) and accounts (``n``) touched it, the cohort's members acting in
    that signal (``s``) and the accounts acting in it (``big_n``)."""
    act = s.act_table
    # every source is a co-action signal: its figures count the accounts acting in it, and
    # its per-object table (``ostat_<kind>``, which the evidence reads too) each object's
    big_n = int(s.stats["accounts"])
    n = f"SELECT oid, na AS n FROM ostat_{s.kind} WHERE oid IN (SELECT oid FROM k)"
    return fetch(
        engine.con,
        f"""WITH m AS (SELECT DISTINCT c.c, x.aid, x.oid FROM {act} x
                       JOIN {_MEMBERS} c ON c.aid = x.aid),
        k AS (SELECT c, oid, count(*) AS k FROM m GROUP BY c, oid),
        s AS (SELECT c, count(DISTINCT aid) AS s FROM m GROUP BY c),
        n AS ({n})
        SELECT k.c, k.oid, k.k, n.n, s.s, {big_n} AS big_n
        FROM k JOIN s ON s.c = k.c JOIN n ON n.oid = k.oid""",
    )


def _co_rows(first: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Table]:
    """From each member's first act on each of its cohort's kept objects (``first``: c, aid,
    oid, t, post_id, p, chance, rarity, ordered by c, oid, aid): the co-actions as rows of
    ``first`` (``i``, ``j``) and their ``p`` (one per pair of one cohort on one object, a
    pair in two cohorts on it once, with the smaller p), ordered by pair, and per pair (u,
    v ascending) their figures (weight, observed, expected, p_value, n_objects, first_t,
    last_t).

    Why NumPy: the SQL self-join and its grouping took 7-8 s at 10M posts, for 6.3M rows of
    one cohort of 727 accounts on 37 objects; here every pair of a (cohort, object) comes by
    offsets over the sorted rows and the rows are counted with one sort of packed keys.
    An account's acts on an object are the same in every cohort it is in, so a pair's
    posts and times on it are too; only the object's test (``p``) differs by cohort. Sums
    are of the fixed-point integers, so they do not depend on any order."""
    c = first.column("c").to_numpy().astype(np.int64)
    aid = first.column("aid").to_numpy().astype(np.int64)
    oid = first.column("oid").to_numpy()
    group = np.zeros(c.size, dtype=np.int64)
    if c.size:
        group[1:] = np.cumsum((c[1:] != c[:-1]) | (oid[1:] != oid[:-1]))
    # every time equal: every pair of rows of one (cohort, object), ``i < j``, so aid[i] <
    # aid[j] (rows ordered by aid within it)
    i, j = pairs_within(group, np.zeros(c.size), 0.0)
    members, (dense,) = dense_ids(aid)
    obj = np.unique(oid, return_inverse=True)[1].ravel()
    n_m, n_o = max(members.size, 1), int(obj.max() + 1) if obj.size else 1
    pair = dense[i] * n_m + dense[j]
    if n_m * n_m * n_o < 2**62:
        order = np.argsort(pair * n_o + obj[i], kind="stable")
    else:
        order = np.lexsort((obj[i], pair))
    i, j, pair = i[order], j[order], pair[order]
    p = first.column("p").to_numpy()[i]
    # a pair in two cohorts on one object: one row, the smallest p of its cohorts'
    once = np.ones(i.size, dtype=bool)
    once[1:] = (pair[1:] != pair[:-1]) | (obj[i][1:] != obj[i][:-1])
    if not once.all():
        starts = np.flatnonzero(once)
        p = np.minimum.reduceat(p, starts)
        i, j, pair = i[starts], j[starts], pair[starts]
    t = first.column("t").to_numpy()
    tu, tv = t[i], t[j]
    new = np.ones(pair.size, dtype=bool)
    new[1:] = pair[1:] != pair[:-1]
    at = np.flatnonzero(new)
    count = np.diff(np.append(at, pair.size)).astype(np.int64)

    def per_pair(ufunc: np.ufunc, x: np.ndarray) -> np.ndarray:
        return ufunc.reduceat(x, at) if at.size else x[:0]

    pairs = pa.table(
        {
            "u": pa.array(members[pair[at] // n_m], pa.int32()),
            "v": pa.array(members[pair[at] % n_m], pa.int32()),
            "weight": pa.array(
                per_pair(np.add, first.column("rarity").to_numpy()[i]) / 1e9, pa.float64()
            ),
            "observed": pa.array(count, pa.int64()),
            "expected": pa.array(
                per_pair(np.add, first.column("chance").to_numpy()[i]) / 1e15, pa.float64()
            ),
            "p_value": pa.array(per_pair(np.minimum, p), pa.float64()),
            "n_objects": pa.array(count, pa.int64()),
            "first_t": pa.array(per_pair(np.minimum, np.minimum(tu, tv)), pa.float64()),
            "last_t": pa.array(per_pair(np.maximum, np.maximum(tu, tv)), pa.float64()),
        }
    )
    return i, j, p, pairs


def _co_table(first: pa.Table, i: np.ndarray, j: np.ndarray, p: np.ndarray) -> pa.Table:
    """The co-actions of rows ``i`` and ``j`` of ``first`` (``_co_rows``), as every
    signal's ``co_<kind>`` holds them."""
    col = {name: first.column(name).to_numpy() for name in ("aid", "t", "chance", "rarity")}
    post, ai, aj = first.column("post_id"), pa.array(i), pa.array(j)
    return pa.table(
        {
            "u": pa.array(col["aid"][i], pa.int32()),
            "v": pa.array(col["aid"][j], pa.int32()),
            "oid": first.column("oid").take(ai),  # unsigned in DuckDB, signed from Spark
            "post_u": post.take(ai),
            "post_v": post.take(aj),
            "tu": pa.array(col["t"][i], pa.float64()),
            "tv": pa.array(col["t"][j], pa.float64()),
            "p": pa.array(p, pa.float64()),
            "chance": pa.array(col["chance"][i], pa.int64()),
            "rarity": pa.array(col["rarity"][i], pa.int64()),
        }
    )


def detect(
    engine: Engine,
    cfg: dict[str, Any],
    burst_cfg: dict[str, Any],
    general: dict[str, Any],
    signals: list[Signal],
    linked: pa.Table,
    found: creation.Bursts | None = None,
) -> Signal:
    """Pairs of one creation cohort tied by the objects the cohort touches far more than
    chance (module doc); ``linked``: the pairs other signals kept (left to them);
    ``found``: the bursts when already computed."""
    window = creation.window_of(burst_cfg)
    stats: dict[str, Any] = {
        "window_s": window,
        "creation_window_s": window,
        "min_accounts": int(cfg["min_accounts"]),
        "min_enrichment": float(cfg["min_enrichment"]),
        "burst_accounts": 0,
        "young_accounts": 0,
        "cohorts": 0,
        # one family of tests (every (cohort, signal, object)) when a cohort touched anything
        "families": 0,
        "family": 0,
        "kept_objects": 0,
        "pairs": 0,
    }
    b = found if found is not None else creation.bursts(engine, burst_cfg, general)
    aid, coh = cohorts(b, window)
    n_bursts = int(coh.max() + 1 if coh.size else 0)
    young = young_accounts(engine, float(cfg["young_s"]))
    stats.update(
        {"burst_accounts": int(aid.size), "young_accounts": int(young.size), "cohorts": n_bursts}
    )
    if young.size:  # one cohort more: an account may be in a burst and young too
        aid = np.concatenate([aid, young])
        coh = np.concatenate([coh, np.full(young.size, n_bursts, dtype=np.int64)])
        stats["cohorts"] = n_bursts + 1
    sources = [
        s
        for s in signals
        if s.kind in cfg["kinds"] and s.act_table is not None and s.obj_table is not None
    ]
    if aid.size == 0 or not sources:
        return _empty(stats)
    con = engine.con
    con.register(_MEMBERS, pa.table({"aid": aid.astype(np.int32), "c": coh.astype(np.int32)}))
    try:
        return _tie(engine, cfg, general, sources, linked, stats)
    finally:
        con.unregister(_MEMBERS)


def _tie(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    sources: list[Signal],
    linked: pa.Table,
    stats: dict[str, Any],
) -> Signal:
    con = engine.con
    found = [(s, _candidates(engine, s)) for s in sources]
    family = sum(t.num_rows for _, t in found)
    stats["family"] = family
    stats["families"] = 1 if family else 0
    kept_parts = []
    for s, t in found:
        if not t.num_rows:
            continue
        k = t.column("k").to_numpy().astype(np.float64)
        n = t.column("n").to_numpy().astype(np.float64)
        size = t.column("s").to_numpy().astype(np.float64)
        big_n = max(float(t.column("big_n")[0].as_py()), 1.0)
        mu = size * n / big_n
        p = poisson_sf(k, mu)
        keep = (
            (k >= int(cfg["min_accounts"]))
            & (k >= float(cfg["min_enrichment"]) * mu)
            & significant(p, general["alpha"], family, general["correction"])
        )
        if not keep.any():
            continue
        log_n = math.log(big_n) if big_n > 1 else 1.0
        rarity = np.clip(np.log(big_n / np.maximum(n, 1.0)) / log_n, 0.0, 1.0)
        kept_parts.append(
            pa.table(
                {
                    "kind": pa.array([s.kind] * int(keep.sum()), pa.string()),
                    "c": t.column("c").filter(pa.array(keep)),
                    "oid": t.column("oid").filter(pa.array(keep)),
                    "p": pa.array(p[keep], pa.float64()),
                    # fixed point, so that sums are the same whatever their order (as in
                    # coaction.py): rarity in 1e-9 units, chance in 1e-15
                    "chance": pa.array(np.round(1e15 * (n[keep] / big_n) ** 2), pa.int64()),
                    "rarity": pa.array(np.round(1e9 * rarity[keep]), pa.int64()),
                }
            )
        )
    if not kept_parts:
        return _empty(stats)
    kept = pa.concat_tables(kept_parts)
    stats["kept_objects"] = kept.num_rows
    kinds = set(kept.column("kind").to_pylist())
    used = [s for s in sources if s.kind in kinds]
    con.register(_KEPT, kept)
    try:
        # the members' acts on their cohort's kept objects, one object id across signals
        acts = " UNION ALL ".join(
            f"""SELECT q.c, x.aid, hash('{s.kind}', x.oid) AS oid, x.t, x.post_id, q.p,
                   q.chance, q.rarity
            FROM {s.act_table} x JOIN {_MEMBERS} m ON m.aid = x.aid
            JOIN {_KEPT} q ON q.kind = '{s.kind}' AND q.c = m.c AND q.oid = x.oid"""
            for s in used
        )
        con.execute(f"CREATE OR REPLACE TABLE cc_acts AS {acts}")
        con.execute(
            f"""CREATE OR REPLACE TABLE act_{KIND} AS
            SELECT DISTINCT aid, oid, t, post_id FROM cc_acts"""
        )
        names = " UNION ALL ".join(
            f"""SELECT DISTINCT hash('{s.kind}', o.oid) AS oid,
                   '{s.kind.replace("_", "-")}: ' || o.obj AS obj
            FROM {s.obj_table} o
            WHERE o.oid IN (SELECT oid FROM {_KEPT} WHERE kind = '{s.kind}')"""
            for s in used
        )
        con.execute(f"CREATE OR REPLACE TABLE obj_{KIND} AS {names}")
        # each member's first post on each kept object; the pairs of one cohort on one
        con.execute(
            """CREATE OR REPLACE TABLE cc_first AS
            SELECT c, aid, oid, min(t) AS t, arg_min(post_id, t) AS post_id,
                   min(p) AS p, min(chance) AS chance, min(rarity) AS rarity
            FROM cc_acts GROUP BY c, aid, oid"""
        )
        first = fetch(
            con,
            "SELECT c, aid, oid, t, post_id, p, chance, rarity FROM cc_first ORDER BY c, oid, aid",
        )
        span = engine.scalar("SELECT coalesce(max(t) - min(t), 0) FROM p")
        for name in ("cc_acts", "cc_first"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    finally:
        con.unregister(_KEPT)
    i, j, p, pairs = _co_rows(first)
    stats["pairs"] = pairs.num_rows
    # the pairs another signal kept keep that signal's edge (creation_burst supports them)
    u = pairs.column("u").to_numpy().astype(np.int64)
    v = pairs.column("v").to_numpy().astype(np.int64)
    per_pair = pairs.column("observed").to_numpy()  # its rows in ``i``, which come by pair
    new_pair = np.ones(pairs.num_rows, dtype=bool)
    if linked.num_rows:
        lk = np.sort(
            (linked.column("u").to_numpy().astype(np.int64) << 32)
            | linked.column("v").to_numpy().astype(np.int64)
        )
        known, _ = lookup_sorted((u << 32) | v, lk)
        new_pair = ~known
        pairs = pairs.filter(pa.array(new_pair))
    # the co-actions of the pairs kept here only (readers join them on the edges): at 10M
    # posts a cohort of 727 accounts made 6.3M rows, of 2,725 pairs no other signal kept
    rows = np.repeat(new_pair, per_pair)
    con.register("cc_co", _co_table(first, i[rows], j[rows], p[rows]))
    try:
        con.execute(f"CREATE OR REPLACE TABLE co_{KIND} AS SELECT * FROM cc_co")
    finally:
        con.unregister("cc_co")
    window_s = np.full(pairs.num_rows, round(float(span or 0.0), 3), dtype=np.float64)
    edges = pairs.select(["u", "v", "weight", "observed", "expected", "p_value", "n_objects"])
    edges = edges.set_column(0, "u", edges.column("u").cast(pa.int32()))
    edges = edges.set_column(1, "v", edges.column("v").cast(pa.int32()))
    edges = (
        edges.append_column("window_s", pa.array(window_s, pa.float64()))
        .append_column("first_t", pairs.column("first_t"))
        .append_column("last_t", pairs.column("last_t"))
    )
    stats["kept"] = edges.num_rows
    stats["window_s"] = round(float(span or 0.0), 3)
    return Signal(
        KIND,
        edges,
        stats,
        act_table=f"act_{KIND}",
        obj_table=f"obj_{KIND}",
        co_table=f"co_{KIND}",
    )
