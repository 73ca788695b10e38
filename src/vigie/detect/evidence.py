"""Evidence: for each group, the objects its members acted on together and example posts.

Why: an analyst (or a platform's trust-and-safety team receiving a report) must be able to
check a finding by reading the posts, not trust a score. For every signal that ties a group,
the objects acted on by at least two members are ranked by how many members acted on them;
the top ones are listed with example posts (earliest first).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import lookup_sorted, sort_runs, sorted_unique
from vigie.detect.coaction import Signal
from vigie.detect.engine import Engine, fetch

_EMPTY = {
    "evidence": pa.schema(
        [
            ("group_id", pa.string()),
            ("kind", pa.string()),
            ("object", pa.string()),
            ("post_id", pa.string()),
            ("aid", pa.int32()),
            ("t", pa.float64()),
            ("text", pa.string()),
        ]
    ),
}


def collect(
    engine: Engine,
    signals: list[Signal],
    members: pa.Table,
    group_kinds: dict[str, list[str]],
    graph_cfg: dict[str, Any],
) -> dict[str, pa.Table]:
    """Evidence rows and per-group / per-member activity figures.

    Returns ``evidence`` (group_id, kind, object, post_id, aid, t, text), ``group_stats``
    (group_id, n_posts, first_t, last_t), ``member_posts`` (group_id, aid, n_posts) and
    ``top_objects`` (group_id, kind, object, n_accounts, rank).
    """
    con = engine.con
    con.register("ev_members", members.select(["group_id", "aid"]))
    gk = pa.table(
        {
            "group_id": [g for g, ks in group_kinds.items() for _ in ks],
            "kind": [k for ks in group_kinds.values() for k in ks],
        },
        schema=pa.schema([("group_id", pa.string()), ("kind", pa.string())]),
    )
    con.register("ev_kinds", gk)
    # only the signals that tie some group: the others' rows would all be joined away
    tying = {k for ks in group_kinds.values() for k in ks}
    signals = [s for s in signals if s.act_table is not None and s.kind in tying]
    parts, names = [], []
    for s in signals:
        # no object names here: every member's action would carry its object's name (a
        # copypasta text, a URL) through the grouping; the names are joined to the few
        # objects at least two members shared (``ev_objs``), one row per object
        parts.append(
            f"""SELECT m.group_id, '{s.kind}' AS kind, x.oid, x.aid, x.t, x.post_id
            FROM {s.act_table} x JOIN ev_members m USING (aid)
            JOIN ev_kinds k ON k.group_id = m.group_id AND k.kind = '{s.kind}'"""
        )
        names.append(f"SELECT '{s.kind}' AS kind, oid, obj FROM {s.obj_table}")
    if not parts or members.num_rows == 0:
        con.unregister("ev_members")
        con.unregister("ev_kinds")
        empty = _EMPTY["evidence"].empty_table()
        return {
            "evidence": empty,
            "group_stats": pa.table(
                {
                    "group_id": pa.array([], pa.string()),
                    "n_posts": pa.array([], pa.int64()),
                    "first_t": pa.array([], pa.float64()),
                    "last_t": pa.array([], pa.float64()),
                }
            ),
            "member_posts": pa.table(
                {
                    "group_id": pa.array([], pa.string()),
                    "aid": pa.array([], pa.int32()),
                    "n_posts": pa.array([], pa.int64()),
                }
            ),
            "top_objects": pa.table(
                {
                    "group_id": pa.array([], pa.string()),
                    "kind": pa.array([], pa.string()),
                    "object": pa.array([], pa.string()),
                    "n_accounts": pa.array([], pa.int64()),
                    "rank": pa.array([], pa.int64()),
                }
            ),
        }
    con.execute("CREATE OR REPLACE TEMP TABLE ev_acts AS " + " UNION ALL ".join(parts))
    # objects acted on by at least two members of the group
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ev_objs AS
        SELECT g.group_id, g.kind, g.oid, o.obj AS object, g.n_accounts, g.first_t
        FROM (SELECT group_id, kind, oid, count(DISTINCT aid) AS n_accounts, min(t) AS first_t
              FROM ev_acts GROUP BY group_id, kind, oid HAVING count(DISTINCT aid) >= 2) g
        JOIN ({" UNION ALL ".join(names)}) o ON o.kind = g.kind AND o.oid = g.oid"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ev_shared AS
        SELECT a.*, o.object FROM ev_acts a JOIN ev_objs o
        ON a.group_id = o.group_id AND a.kind = o.kind AND a.oid = o.oid"""
    )
    top = int(graph_cfg["top_objects"])
    ex = int(graph_cfg["example_posts"])
    top_objects = fetch(
        con,
        f"""SELECT group_id, kind, object, n_accounts, rank FROM (
            SELECT *, row_number() OVER (PARTITION BY group_id, kind
                                         ORDER BY n_accounts DESC, first_t, object) AS rank
            FROM ev_objs) WHERE rank <= {top} ORDER BY group_id, kind, rank""",
    )
    evidence = fetch(
        con,
        f"""WITH t AS (
            SELECT group_id, kind, oid FROM (
                SELECT *, row_number() OVER (PARTITION BY group_id, kind
                                             ORDER BY n_accounts DESC, first_t, object) AS rank
                FROM ev_objs) WHERE rank <= {top}),
        e AS (
            SELECT s.*, row_number() OVER (PARTITION BY s.group_id, s.kind, s.oid
                                           ORDER BY s.t, s.post_id) AS rk
            FROM ev_shared s SEMI JOIN t
            ON s.group_id = t.group_id AND s.kind = t.kind AND s.oid = t.oid),
        ex AS (SELECT * FROM e WHERE rk <= {ex}),
        tx AS (SELECT post_id, min(text) AS text FROM {_texts(engine)} SEMI JOIN ex USING (post_id)
               GROUP BY post_id)
        SELECT e.group_id, e.kind, e.object, e.post_id, e.aid, e.t, tx.text
        FROM ex e LEFT JOIN tx USING (post_id)
        ORDER BY e.group_id, e.kind, e.object, e.t, e.post_id""",
    )
    # the group's and its members' posts on the objects they shared: every post of them,
    # not their episodes (``post_rows``)
    posts = [f"SELECT '{s.kind}' AS kind, x.* FROM ({post_rows(engine, s)}) x" for s in signals]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ev_posts AS
        SELECT m.group_id, x.aid, x.t, x.post_id
        FROM ({" UNION ALL ".join(posts)}) x JOIN ev_members m USING (aid)
        SEMI JOIN ev_objs o ON o.group_id = m.group_id AND o.kind = x.kind AND o.oid = x.oid"""
    )
    group_stats = fetch(
        con,
        """SELECT group_id, count(DISTINCT post_id) AS n_posts, min(t) AS first_t,
                  max(t) AS last_t FROM ev_posts GROUP BY group_id ORDER BY group_id""",
    )
    member_posts = fetch(
        con,
        """SELECT group_id, aid, count(DISTINCT post_id) AS n_posts FROM ev_posts
        GROUP BY group_id, aid ORDER BY group_id, aid""",
    )
    for name in ("ev_acts", "ev_objs", "ev_shared", "ev_posts"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.unregister("ev_members")
    con.unregister("ev_kinds")
    return {
        "evidence": evidence,
        "group_stats": group_stats,
        "member_posts": member_posts,
        "top_objects": top_objects,
    }


def _texts(engine: Engine) -> str:
    """Where the evidence reads its posts' texts: the view ``pr`` without its join.

    On DuckDB, ``pr`` joins every post to ``acc`` for an ``aid`` the texts do not need;
    the same rows (an account id, a time and a post id: ``acc`` holds each non-null account
    id once) read straight from the Parquet file cost a third less (0.75 -> 0.5 s of CPU at
    1M posts, most of it decoding the texts). Other engines keep their ``pr``.
    """
    import duckdb

    if not isinstance(engine.con, duckdb.DuckDBPyConnection):
        return "pr"
    path = engine.dataset.posts_path.as_posix().replace("'", "''")
    text = "text" if "text" in engine.columns else "CAST(NULL AS VARCHAR)"
    return f"""(SELECT {engine.post_key("")} AS post_id, {text} AS text FROM read_parquet('{path}')
        WHERE created_at IS NOT NULL AND post_id IS NOT NULL AND account_id IS NOT NULL)"""


PAIR_POSTS = 10  # evidence posts kept per reported pair
PAIR_OBJECTS = 5  # objects named per reported pair


def _scale_caps(signal: Signal) -> dict[float, int]:
    """The object cap used at each time scale of a co-action signal."""
    return {
        float(s["window_s"]): int(s["max_object_actions"])
        for s in signal.stats.get("scales", [])
        if "window_s" in s and "max_object_actions" in s
    }


def _kept_table(s: Signal) -> pa.Table:
    """The kept pairs of a co-action signal with the window and object cap of the scale
    each was kept at: (u, v, w, cap, obs)."""
    caps = _scale_caps(s)
    w = s.edges.column("window_s").to_numpy()
    # each edge's cap, looked up by its window: one pass per scale (a few), not a dict
    # lookup per edge (~1 s at 1M posts, 580k edges)
    cap = np.full(w.size, max(caps.values()) if caps else 1 << 62, dtype=np.int64)
    for window, c in caps.items():
        cap[w == window] = c
    return pa.table(
        {
            "u": s.edges.column("u"),
            "v": s.edges.column("v"),
            "w": s.edges.column("window_s"),
            "cap": pa.array(cap, pa.int64()),
            "obs": s.edges.column("observed"),
        }
    )


def _rejoined(engine: Engine, s: Signal, kept: str, details: bool) -> str:
    """The co-actions of ``kept``'s pairs (u, v, w, cap) drawn again from ``act_<kind>``,
    for a signal whose engine kept no co-action rows (co-repost with its ring test): the
    same self-join on the object within the pair's window, below its scale's cap."""
    ostat = f"ostat_{s.kind}"
    has_ostat = bool(
        engine.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [ostat])
    )
    cap_join = f"JOIN {ostat} o ON o.oid = x.oid AND o.n <= e.cap" if has_ostat else ""
    # without details the post ids are never read: no strings carried through the join
    post_ids = (
        "x.post_id AS post_u, y.post_id AS post_v"
        if details
        else ("NULL AS post_u, NULL AS post_v")
    )
    return f"""SELECT e.u, e.v, '{s.kind}' AS kind, x.oid, x.pid AS pu, y.pid AS pv,
               {post_ids}, x.t AS tu, y.t AS tv
        FROM {kept} e JOIN {s.act_table} x ON x.aid = e.u
        JOIN {s.act_table} y ON y.aid = e.v AND y.oid = x.oid {cap_join}
        WHERE abs(x.t - y.t) <= e.w"""


def pair_coactions(
    engine: Engine, signals: list[Signal], only: pa.Table | None = None, details: bool = True
) -> pa.Table:
    """Per kept pair, its co-actions merged across kinds, counted once per post.

    Why: one post carries a URL, an image and a hashtag; when two accounts' posts meet on
    all three, that is one coordinated act seen three ways, not three independent ones.
    For every pair kept by a co-action signal, its co-actions (at the scale it was kept
    at) are gathered from every signal that kept it, and counted like the engine counts
    them: the smaller of the two accounts' numbers of distinct posts involved.

    Returns (u, v, n_coactions, sum_observed, first_t, last_t, post_ids, objects),
    ``post_ids`` the earliest posts of both accounts, ``objects`` the most co-acted objects.
    ``only`` (u, v): restrict to these pairs (the work grows with the pairs gathered).
    ``details=False`` leaves ``first_t``, ``last_t``, ``post_ids`` and ``objects`` null: the
    cross-kind discount needs only the counts, and ranking every pair's posts and objects is
    most of the work. The pipeline takes those counts from ``merged_counts`` (the same table,
    from the engine's rows, in NumPy); this SQL stays their definition, which the tests
    hold it to.
    """
    if only is not None:
        con_only = engine.con
        con_only.register("pc_only", only.select(["u", "v"]))
    con = engine.con
    parts, names = [], []
    for s in signals:
        if s.act_table is None or "window_s" not in s.edges.column_names or not s.edges.num_rows:
            continue
        kept = _kept_table(s)
        name = f"pc_kept_{s.kind}"
        if only is not None:
            con.register("pc_kept_all", kept)
            kept = fetch(con, "SELECT k.* FROM pc_kept_all k SEMI JOIN pc_only USING (u, v)")
            con.unregister("pc_kept_all")
        con.register(name, kept)
        names.append(name)
        if s.co_table is not None:  # the engine kept these co-actions: no join again
            posts = "c.post_u, c.post_v" if details else "NULL AS post_u, NULL AS post_v"
            parts.append(
                f"""SELECT c.u, c.v, '{s.kind}' AS kind, c.oid, hash(c.post_u) AS pu,
                       hash(c.post_v) AS pv, {posts}, c.tu, c.tv
                FROM {s.co_table} c SEMI JOIN {name} e USING (u, v)"""
            )
            continue
        parts.append(_rejoined(engine, s, name, details))
    empty = pa.table(
        {
            "u": pa.array([], pa.int32()),
            "v": pa.array([], pa.int32()),
            "n_coactions": pa.array([], pa.int64()),
            "sum_observed": pa.array([], pa.int64()),
            "first_t": pa.array([], pa.float64()),
            "last_t": pa.array([], pa.float64()),
            "post_ids": pa.array([], pa.list_(pa.string())),
            "objects": pa.array([], pa.list_(pa.string())),
        }
    )
    if only is not None:
        con.unregister("pc_only")
    if not parts:
        for n in names:
            con.unregister(n)
        return empty
    sums = " UNION ALL ".join(f"SELECT u, v, obs FROM {n}" for n in names)
    co = " UNION ALL ".join(parts)
    # the distinct posts of each side counted as DISTINCT rows, then grouped: the same
    # numbers as count(DISTINCT pu), count(DISTINCT pv), in 1.5 s instead of 2.2 s of CPU on
    # the 3M merged co-actions of a 1M-post run; without details the co-actions are not
    # stored at all, but streamed into these counts (1.4 s less). The pair is one BIGINT
    # key (u and v are 32-bit account numbers) in the DISTINCT and the grouping: hashing
    # two columns instead of three (2.5 s -> 2.1 s of CPU at 1M posts)
    pk = "((u::BIGINT << 32) | v::BIGINT)"
    if not details:
        # the discount reads the counts only: no first and last times (a grouping of every
        # co-action by (u, v) less), and the pairs joined on the packed key alone, ``u`` and
        # ``v`` taken from the (small) kept-pairs sums (2.3-2.6 -> 1.7 s of CPU at 1M posts)
        out = fetch(
            con,
            f"""WITH pc_co AS ({co}),
        du AS (SELECT k, count(pu) AS n FROM (SELECT DISTINCT {pk} AS k, pu FROM pc_co)
               GROUP BY k),
        dv AS (SELECT k, count(pv) AS n FROM (SELECT DISTINCT {pk} AS k, pv FROM pc_co)
               GROUP BY k),
        s AS (SELECT u, v, {pk} AS k, sum(obs) AS sum_observed FROM ({sums}) GROUP BY u, v)
        SELECT s.u::INTEGER AS u, s.v::INTEGER AS v, least(du.n, dv.n)::BIGINT AS n_coactions,
               s.sum_observed::BIGINT AS sum_observed, NULL::DOUBLE AS first_t,
               NULL::DOUBLE AS last_t, NULL::VARCHAR[] AS post_ids, NULL::VARCHAR[] AS objects
        FROM du JOIN dv USING (k) JOIN s USING (k) ORDER BY u, v""",
        )
        for n in names:
            con.unregister(n)
        return out
    con.execute("CREATE OR REPLACE TEMP TABLE pc_co AS " + co)  # read three times: stored once
    counts = f"""WITH
        m1 AS (SELECT u, v, min(least(tu, tv)) AS first_t, max(greatest(tu, tv)) AS last_t
               FROM pc_co GROUP BY u, v),
        du AS (SELECT k, count(pu) AS n FROM (SELECT DISTINCT {pk} AS k, pu FROM pc_co)
               GROUP BY k),
        dv AS (SELECT k, count(pv) AS n FROM (SELECT DISTINCT {pk} AS k, pv FROM pc_co)
               GROUP BY k),
        m AS (SELECT u, v, least(du.n, dv.n) AS n_coactions, first_t, last_t
              FROM m1 JOIN du ON du.k = {pk} JOIN dv ON dv.k = {pk}),
        s AS (SELECT u, v, sum(obs) AS sum_observed FROM ({sums}) GROUP BY u, v)"""
    out = fetch(con, _detailed(counts, signals))
    con.execute("DROP TABLE IF EXISTS pc_co")
    for n in names:
        con.unregister(n)
    return out


def merged_counts(engine: Engine, signals: list[Signal], only: pa.Table) -> pa.Table:
    """``pair_coactions(engine, signals, only, details=False)``, the same table: for each
    pair of ``only`` (distinct, (u, v) ascending) its co-actions merged across the signals
    that kept it, counted once per post (the smaller of its two accounts' numbers of
    distinct posts, by ``pid``), and its per-kind counts summed.

    Why not SQL: grouping every co-action row of these pairs twice by (pair, post) was the
    cost (10M posts: 40 s of CPU; on a 1.2M-post sample of it, 8.2M rows of 302k pairs,
    4.3-4.9 s). The co-action engine hands on, per kept pair, its co-actions' dense post
    ids (``Signal.shared``), grouped by pair already; here they are numbered across kinds
    (every kind's posts by their ``pid``: its own dense ids follow that order) and each
    side's (pair, post) keys sorted once, in NumPy. Pairs a signal's engine rows do not
    hold (a co-repost ring pair, kept at the ring's window) have their co-actions drawn
    again in SQL, as ``pair_coactions`` does, and join the same sort.
    """
    mu = np.asarray(only.column("u"), dtype=np.int64)
    mv = np.asarray(only.column("v"), dtype=np.int64)
    mk = (mu << 32) | mv
    if mk.size > 1 and not (mk[1:] > mk[:-1]).all():
        raise ValueError("merged_counts: pairs must be distinct, (u, v) ascending")
    n_pairs = mk.size
    sum_obs = np.zeros(n_pairs, np.int64)
    # sources of posts: a pid table (ascending) and, per side, (pair index, post in table)
    sources: list[tuple[np.ndarray, list[np.ndarray], list[np.ndarray], list[np.ndarray]]] = []
    con = engine.con
    for s in signals:
        if s.act_table is None or "window_s" not in s.edges.column_names or not s.edges.num_rows:
            continue
        eu = np.asarray(s.edges.column("u"), dtype=np.int64)
        ev = np.asarray(s.edges.column("v"), dtype=np.int64)
        ek = (eu << 32) | ev
        hit, pos = lookup_sorted(ek, mk)
        if not hit.any():
            continue
        np.add.at(sum_obs, pos[hit], np.asarray(s.edges.column("observed"), np.int64)[hit])
        rest = hit.copy()  # this signal's pairs among ``only`` its engine rows do not hold
        if s.shared is not None:
            ew = np.asarray(s.edges.column("window_s"), dtype=np.float64)
            idx_l: list[np.ndarray] = []
            pu_l: list[np.ndarray] = []
            pv_l: list[np.ndarray] = []
            for b in s.shared.blocks:
                at = np.flatnonzero(hit & (ew == b.window))
                mine = np.sort(ek[at])
                ok, _ = lookup_sorted(b.keys, mine)
                if not ok.any():
                    continue
                held, _ = lookup_sorted(ek[at], b.keys[ok])
                rest[at[held]] = False
                rows = np.repeat(ok, b.counts)
                idx_l.append(np.repeat(np.searchsorted(mk, b.keys[ok]), b.counts[ok]))
                pu_l.append(b.pu[rows])
                pv_l.append(b.pv[rows])
            if idx_l:
                sources.append((s.shared.pids, idx_l, pu_l, pv_l))
        if not rest.any():
            continue
        kept = _kept_table(s).filter(pa.array(rest))
        name = f"mc_kept_{s.kind}"
        con.register(name, kept)
        if s.co_table is not None:
            rows_t = fetch(
                con,
                f"""SELECT c.u, c.v, hash(c.post_u) AS pu, hash(c.post_v) AS pv
                FROM {s.co_table} c SEMI JOIN {name} USING (u, v)""",
            )
        else:
            rows_t = fetch(con, f"SELECT u, v, pu, pv FROM ({_rejoined(engine, s, name, False)})")
        con.unregister(name)
        ru = np.asarray(rows_t.column("u"), dtype=np.int64)
        rv = np.asarray(rows_t.column("v"), dtype=np.int64)
        pu, pv = rows_t.column("pu").to_numpy(), rows_t.column("pv").to_numpy()
        pids, dense = np.unique(np.concatenate([pu, pv]), return_inverse=True)
        dense = dense.ravel()
        idx = np.searchsorted(mk, (ru << 32) | rv)
        sources.append((pids, [idx], [dense[: pu.size]], [dense[pu.size :]]))
    # every source's posts numbered densely by pid, across sources
    tables = [np.asarray(x[0]).astype(np.uint64, copy=False) for x in sources]
    universe = sorted_unique(np.concatenate([np.zeros(0, np.uint64), *tables]))
    n_posts = max(universe.size, 1)
    gmaps = [np.searchsorted(universe, t).astype(np.int64) for t in tables]
    counts = []
    for side in (2, 3):
        key = np.concatenate(
            [np.zeros(0, np.int64)]
            + [
                i * n_posts + g[p]
                for g, x in zip(gmaps, sources, strict=True)
                for i, p in zip(x[1], x[side], strict=True)
            ]
        )
        # the kept blocks' rows come pair after pair (ascending runs, which the merge
        # exploits); rows read back from DuckDB come in its order, and sort all the same
        sort_runs(key)
        # distinct keys up to each pair's end (keys are pair-major): one cumulative sum
        new = np.empty(key.size, np.int64)
        if key.size:
            new[0] = 1
            np.not_equal(key[1:], key[:-1], out=new[1:])
        np.cumsum(new, out=new)
        ends = np.searchsorted(key, np.arange(1, n_pairs + 1, dtype=np.int64) * n_posts)
        upto = new[np.maximum(ends - 1, 0)] * (ends > 0) if key.size else ends
        counts.append(np.diff(np.r_[0, upto]))
        del key, new
    du, dv = counts
    have = du > 0
    n = int(have.sum())
    return pa.table(
        {
            "u": pa.array(mu[have], pa.int32()),
            "v": pa.array(mv[have], pa.int32()),
            "n_coactions": pa.array(np.minimum(du, dv)[have], pa.int64()),
            "sum_observed": pa.array(sum_obs[have], pa.int64()),
            "first_t": pa.nulls(n, pa.float64()),
            "last_t": pa.nulls(n, pa.float64()),
            "post_ids": pa.nulls(n, pa.list_(pa.string())),
            "objects": pa.nulls(n, pa.list_(pa.string())),
        }
    )


def _detailed(counts: str, signals: list[Signal]) -> str:
    """The merged counts (``counts``: CTEs m and s) with each pair's earliest posts and most
    co-acted objects, over ``pc_co``."""
    objs = " UNION ALL ".join(
        f"SELECT '{s.kind}' AS kind, oid, obj FROM {s.obj_table}"
        for s in signals
        if s.act_table is not None and s.obj_table is not None
    )
    return f"""{counts},
        posts AS (
            SELECT u, v, post_id, t FROM (
                SELECT u, v, post_id, min(t) AS t FROM (
                    SELECT u, v, post_u AS post_id, tu AS t FROM pc_co
                    UNION ALL SELECT u, v, post_v, tv FROM pc_co)
                GROUP BY u, v, post_id)
            QUALIFY row_number() OVER (PARTITION BY u, v ORDER BY t, post_id) <= {PAIR_POSTS}),
        pl AS (SELECT u, v, list(post_id ORDER BY t, post_id) AS post_ids
               FROM posts GROUP BY u, v),
        oc AS (
            SELECT c.u, c.v, o.obj, count(*) AS n, min(least(c.tu, c.tv)) AS t
            FROM pc_co c JOIN ({objs}) o ON o.kind = c.kind AND o.oid = c.oid
            GROUP BY c.u, c.v, o.obj
            QUALIFY row_number() OVER (PARTITION BY c.u, c.v ORDER BY n DESC, t, o.obj)
                <= {PAIR_OBJECTS}),
        ol AS (SELECT u, v, list(obj ORDER BY n DESC, t, obj) AS objects FROM oc GROUP BY u, v)
        SELECT m.u::INTEGER AS u, m.v::INTEGER AS v, m.n_coactions::BIGINT AS n_coactions,
               s.sum_observed::BIGINT AS sum_observed, m.first_t, m.last_t,
               pl.post_ids, ol.objects
        FROM m JOIN s USING (u, v) LEFT JOIN pl USING (u, v) LEFT JOIN ol USING (u, v)
        ORDER BY u, v"""


def post_rows(engine: Engine, s: Signal) -> str:
    """SQL: every post of signal ``s`` on an object, as ``(oid, aid, t, post_id)``.

    Why not the episodes (``act_<kind>``): the detectors test episodes, where an account's
    posts of one object within a window count once (a flood is not many co-actions), but
    the figures a person reads (a group's posts, a member's, an object's reach) count posts:
    an account that posted one text five times posted it five times. The rows the
    detector's episodes were cut from (``Signal.raw_table``, which ``run_coaction`` sets:
    ``raw_<kind>`` for most, co-rare's ``co_rare_rows``) hold them; the episodes are the
    fallback for a signal without them or where they cannot be read here (a view over
    another cursor's TEMP tables)."""
    episodes = f"SELECT oid, aid, t, post_id FROM {s.act_table}"
    if s.raw_table is None:
        return episodes
    try:
        engine.con.execute(f"SELECT 1 FROM {s.raw_table} LIMIT 0")
    except Exception:  # noqa: BLE001 - a raw view over another cursor's TEMP tables
        return episodes
    return f"SELECT hash(obj) AS oid, aid, t, post_id FROM {s.raw_table}"


def group_objects(engine: Engine, signals: list[Signal], members: pa.Table) -> pa.Table:
    """Every object two or more members of a group acted on, with its true reach.

    Why: the evidence table shows the top few objects; an analyst checking or handing a
    group on needs all of them, and needs to know whether an object is the group's own
    (its reach is the group) or a popular one the group merely joined (``reach_accounts``
    far above the group's ``n_members``). Reach counts every post and account in the
    Dataset that acted on the object, not only the group's.
    """
    cols = {
        "group_id": pa.string(),
        "kind": pa.string(),
        "object": pa.string(),
        "n_members": pa.int64(),
        "group_posts": pa.int64(),
        "reach_posts": pa.int64(),
        "reach_accounts": pa.int64(),
        "first_t": pa.float64(),
        "last_t": pa.float64(),
    }
    empty = pa.schema(list(cols.items())).empty_table()
    sigs = [s for s in signals if s.act_table is not None and s.obj_table is not None]
    if not sigs or members.num_rows == 0:
        return empty
    con = engine.con
    con.register("go_members", members.select(["group_id", "aid"]))
    parts = []
    for s in sigs:
        src = post_rows(engine, s)
        # which objects: those two members acted on, read from the episodes (the smaller table);
        # their figures, the group's as the reach, from every post (``post_rows``)
        parts.append(
            f"""(WITH g AS (
                SELECT m.group_id, x.oid
                FROM {s.act_table} x JOIN go_members m USING (aid)
                GROUP BY m.group_id, x.oid HAVING count(DISTINCT x.aid) >= 2),
            x AS (
                SELECT oid, aid, t, post_id FROM ({src})
                SEMI JOIN (SELECT DISTINCT oid FROM g) USING (oid)),
            r AS (
                SELECT oid, count(DISTINCT post_id) AS reach_posts,
                       count(DISTINCT aid) AS reach_accounts
                FROM x GROUP BY oid),
            gx AS (
                SELECT m.group_id, x.oid, count(DISTINCT x.aid) AS n_members,
                       count(DISTINCT x.post_id) AS group_posts, min(x.t) AS first_t,
                       max(x.t) AS last_t
                FROM x JOIN go_members m USING (aid) SEMI JOIN g USING (group_id, oid)
                GROUP BY m.group_id, x.oid)
            SELECT gx.group_id, '{s.kind}' AS kind, o.obj AS object, gx.n_members,
                   gx.group_posts, r.reach_posts, r.reach_accounts, gx.first_t, gx.last_t
            FROM gx JOIN {s.obj_table} o USING (oid) LEFT JOIN r USING (oid))"""
        )
    out = fetch(
        con,
        " UNION ALL ".join(parts) + " ORDER BY group_id, kind, n_members DESC, first_t, object",
    )
    con.unregister("go_members")
    return pa.Table.from_arrays([out.column(c).cast(t) for c, t in cols.items()], names=list(cols))
