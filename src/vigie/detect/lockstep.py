"""Lockstep: accounts that act on a group's own rare objects, too often for chance.

Why: at high stealth a campaign's members each join a third of the pushes, and half of
their links hide behind one-off short links or screenshots. Two members then share one or
two objects in a month: no pair test can keep them, however the window is chosen, while
the *group* is plain to see once some of its members are found: a few dozen articles that
almost nobody else touched, and accounts that keep touching them. CopyCatch (Beutel et al.,
"CopyCatch: stopping group attacks by spotting lockstep behavior in social networks", WWW
2013) finds such lockstep on Facebook Page likes as sets of users acting on the same set of
objects; Doppelganger's amplifiers (EU DisinfoLab 2022, VIGINUM 2023, Alliance4Europe and
CheckFirst 2024: throwaway accounts posting the same fake articles in bursts, from rotating
cloned domains) are that shape. This step tests accounts *against a group* instead of
against one partner:

- **objects**: every link (keyed by its article slug when the slug is specific enough, so
  the same article on rotating look-alike domains is one object: ``articlekey.py``), every
  hashtag (lower-cased) and every image (near-identical perceptual hashes as one object when
  co-media ran, else exact) of original posts; an object is **rare** when at most
  ``lockstep_max_accounts`` accounts touched it (co-rare's bound, 50);
- a group's **object set** is the rare objects at least two of its members touched;
- for an account in no group, ``observed`` is the number of distinct objects of the set it
  touched; ``expected`` comes from the same configuration null as the pair tests: each of
  the account's ``d`` distinct rare objects is drawn in proportion to how many accounts
  touched each rare object, so each draw hits the set with probability ``q`` = the share of
  all rare touches that fall on the set, and ``expected = d x q``. A heavy sharer of niche
  links expects more hits; a set of popular-ish objects expects more hits for everyone.
  Objects only one account touched are left out of both ``d`` and the touches: nobody can
  share them (conditioning on them keeps the test exact, and one-off short links would
  otherwise dilute every account's count);
- **handles tagged together**: each pair of handles an original post tagging at least
  ``lockstep_min_tags`` (8) handles tags together is an object too, weighing ``2 / n`` for a
  post of ``n`` handles so that the post weighs ``n - 1`` hits and draws, not
  ``n (n - 1) / 2`` (``comention.tagged_together``: mass tagging, Operation Overload's
  mark, where no single newsroom's handle is rare; a reply counts the handles its author
  typed, not the head X wrote); weighted counts enter the binomial rounded, hits down and
  draws up;
- the binomial tail ``P(X >= observed)``, ``X ~ Binomial(d, q)``, must pass Bonferroni over
  every (group, account) pair with at least one hit, at ``general.alpha`` split over the
  rounds (``alpha / 2`` for the first, ``alpha / 4`` for the second...: all rounds together
  spend at most ``alpha``); at least
  ``lockstep_min_objects`` (3) hits are needed, as for a pair. An account passing for two
  groups joins the one where it is most significant.

Accounts kept join the group with no pairwise tie (``strength`` 0 in members.parquet); the
manifest's ``graph.lockstep`` lists each (group, account, observed, expected, p_value, and
``objects``: up to five of the group's objects it touched, the rarest first).
Only accounts outside every group are tested, and groups are never merged or created, so a
group found by the pair tests keeps its members and its score. The Spark engine runs the
same SQL (docs/spark.md).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.detect.articlekey import sql_key, sql_tokens
from vigie.detect.comention import tagged_together
from vigie.detect.engine import Engine, fetch
from vigie.detect.exploded import rows
from vigie.detect.network import Group

LIST_MAX = 500  # accounts listed one by one in the manifest (the count is always given)
MAX_ROUNDS = 10  # CopyCatch-style: found members widen the object set, then test again
EXAMPLES = 5  # objects of the group's set named per listed account, the rarest first


def _source_sql(engine: Engine, min_tags: int) -> str:
    """SELECT (aid, obj, w) of every link, hashtag and image of the original posts (``w`` 1),
    and of the pairs of handles tagged together by posts tagging at least ``min_tags``
    (``comention.tagged_together``: ``w`` below 1; ``min_tags`` 0 leaves them out)."""
    # the rows the detectors share (``exploded.rows``): hashtags already lower-case
    urls, tags = rows(engine, "urls", False), rows(engine, "hashtags", False)
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW lockstep_urls AS
        SELECT aid, obj AS url FROM {urls} WHERE obj <> ''"""
    )
    parts = [  # each distinct URL keyed once (popular links repeat thousands of times)
        f"""SELECT u.aid, k.obj, CAST(1 AS DOUBLE) AS w FROM lockstep_urls u JOIN (
                SELECT url, coalesce({sql_key("tk")}, 'url:' || url) AS obj FROM (
                    SELECT url, {sql_tokens("url")} AS tk FROM (
                        SELECT DISTINCT url FROM lockstep_urls))) k USING (url)""",
        f"SELECT aid, 'tag:' || obj AS obj, CAST(1 AS DOUBLE) AS w FROM {tags}",
    ]
    tables = {r[0] for r in engine.con.execute("SHOW TABLES").fetchall()}
    if "co_media_map" in tables and "co_media_rows" in tables:
        # co-media's objects: near-identical perceptual hashes already joined
        parts.append(
            """SELECT x.aid, 'media:' || m.cid AS obj, CAST(1 AS DOUBLE) AS w
               FROM co_media_rows x JOIN co_media_map m USING (obj)"""
        )
    elif "media" in engine.columns:  # trimmed, not empty: lower-cased here
        media = rows(engine, "media", False)
        parts.append(
            f"SELECT aid, 'media:' || lower(obj) AS obj, CAST(1 AS DOUBLE) AS w FROM {media}"
        )
    if min_tags and "mentions" in engine.columns:
        parts.append(tagged_together(engine, min_tags))
    return " UNION ALL ".join(parts)


def extend(
    engine: Engine,
    groups: list[Group],
    graph_cfg: dict[str, Any],
    general: dict[str, Any],
    stats: dict[str, Any],
) -> list[Group]:
    """``groups`` with the accounts that pass the lockstep test added (see the module)."""
    if not graph_cfg.get("lockstep", True) or not groups:
        return groups
    con = engine.con
    cap = int(graph_cfg["lockstep_max_accounts"])
    min_obs = int(graph_cfg["lockstep_min_objects"])
    min_tags = int(graph_cfg["lockstep_min_tags"])
    alpha = float(general["alpha"])
    gi = np.concatenate([np.full(g.members.size, i, np.int64) for i, g in enumerate(groups)])
    aids = np.concatenate([g.members.astype(np.int64) for g in groups])
    con.register("lockstep_mem_arrow", pa.table({"aid": aids.astype(np.int32), "gi": gi}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE lockstep_mem AS SELECT * FROM lockstep_mem_arrow")
    finally:
        con.unregister("lockstep_mem_arrow")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE lockstep_rows AS
        WITH src AS (SELECT aid, obj, max(w) AS w FROM ({_source_sql(engine, min_tags)})
                     GROUP BY aid, obj),
             rare AS (SELECT obj, sum(w) AS n FROM src GROUP BY obj
                      HAVING count(*) BETWEEN 2 AND {cap})
        SELECT s.aid, s.obj, r.n, s.w FROM src s JOIN rare r USING (obj)"""
    )
    info: dict[str, Any] = {
        "rare_max_accounts": cap,
        "min_objects": min_obs,
        "rounds": 0,
        "tests": 0,
        "added": 0,
        "members": [],
    }
    stats["lockstep"] = info
    # rare touches (each weighing w: 1, or a tagged pair's share of its post)
    total = float(engine.scalar("SELECT coalesce(sum(w), 0) FROM lockstep_rows") or 0)
    kept: list[tuple[int, int, float, float, float]] = []  # (aid, group, k, expected, p)
    for rnd in range(1, MAX_ROUNDS + 1):
        # round r spends alpha / 2^r: the rounds together never spend more than alpha
        new = _round(engine, len(groups), total, min_obs, alpha / 2.0**rnd, info)
        if not new:
            break
        info["rounds"] += 1
        kept.extend(new)
        add = pa.table(
            {
                "aid": pa.array([x[0] for x in new], pa.int32()),
                "gi": pa.array([x[1] for x in new], pa.int64()),
            }
        )
        con.register("lockstep_add_arrow", add)
        con.execute("INSERT INTO lockstep_mem SELECT aid, gi FROM lockstep_add_arrow")
        con.unregister("lockstep_add_arrow")
    listed = sorted(kept, key=lambda r: (r[4], r[1], r[0]))[:LIST_MAX]
    examples = _examples(engine, [(r[0], r[1]) for r in listed]) if listed else {}
    for t in ("lockstep_rows", "lockstep_gobj", "lockstep_mem"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    con.execute("DROP VIEW IF EXISTS lockstep_urls")
    if not kept:
        return groups
    aid = np.asarray([r[0] for r in kept], np.int64)
    g = np.asarray([r[1] for r in kept], np.int64)
    for i, gr in enumerate(groups):
        new_members = np.sort(aid[g == i])
        if new_members.size:
            gr.members = np.concatenate([gr.members, new_members.astype(gr.members.dtype)])
            gr.strength = np.concatenate([gr.strength, np.zeros(new_members.size)])
    ids = fetch(con, "SELECT aid, account_id FROM acc ORDER BY aid").column("account_id")
    rows = []
    for a, gg, kk, ll, pp in listed:
        rows.append(
            {
                "group_id": groups[gg].gid,
                "account_id": str(ids[a]),
                "observed": int(kk),
                "expected": round(float(ll), 6),
                "p_value": float(f"{pp:.6g}"),
                "objects": examples.get((a, gg), []),
            }
        )
    info["added"] = len(kept)
    info["members"] = rows
    return groups


def _examples(engine: Engine, placed: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """Per placed (account, group): up to ``EXAMPLES`` of the group's objects it touched, the
    rarest first (fewest touches, weighted: rounded, as DuckDB and Spark add the weights in
    their own orders), then by name: what an analyst checks first."""
    con = engine.con
    con.register(
        "lockstep_placed_arrow",
        pa.table(
            {
                "aid": pa.array([a for a, _ in placed], pa.int32()),
                "gi": pa.array([g for _, g in placed], pa.int64()),
            }
        ),
    )
    try:
        got = fetch(
            con,
            f"""SELECT aid, gi, obj FROM (
                SELECT r.aid, g.gi, r.obj,
                       row_number() OVER (
                           PARTITION BY r.aid, g.gi ORDER BY round(g.n, 6), r.obj) AS k
                FROM lockstep_rows r JOIN lockstep_gobj g USING (obj)
                JOIN lockstep_placed_arrow x ON x.aid = r.aid AND x.gi = g.gi)
            WHERE k <= {EXAMPLES} ORDER BY aid, gi, k""",
        )
    finally:
        con.unregister("lockstep_placed_arrow")
    out: dict[tuple[int, int], list[str]] = {}
    for a, g, o in zip(*(got.column(c).to_pylist() for c in ("aid", "gi", "obj")), strict=True):
        out.setdefault((int(a), int(g)), []).append(str(o))
    return out


def binom_sf(k: np.ndarray, n: np.ndarray, q: np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Binomial(n, q), vectorised, in log space for tiny tails.

    Why binomial and not Poisson: an account's ``n`` rare objects are the draws, and when
    almost all of them hit the group's set (``k`` close to ``n``), Poisson's tail is far too
    wide (8 of 8 at q = 0.2: Poisson 2e-4, binomial 3e-6). Rows where ``k`` is not above the
    mean ``n q`` get 1.0: they are never significant, and need no precision.
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    q = np.clip(np.asarray(q, dtype=np.float64), 1e-300, 1.0 - 1e-12)
    out = np.ones(k.shape, dtype=np.float64)
    tail = (k > n * q) & (k <= n) & (k > 0)
    if not tail.any():
        return out
    kk, nn, qq = k[tail], n[tail], q[tail]
    top = int(nn.max()) + 1
    lf = np.array([math.lgamma(i + 1.0) for i in range(top + 1)])
    ki, ni = kk.astype(np.int64), nn.astype(np.int64)
    log_first = lf[ni] - lf[ki] - lf[ni - ki] + kk * np.log(qq) + (nn - kk) * np.log1p(-qq)
    ratio = qq / (1.0 - qq)
    term = np.ones_like(kk)
    total = np.ones_like(kk)
    j = kk.copy()
    for _ in range(int((nn - kk).max())):
        live = j < nn
        if not live.any():
            break
        term = np.where(live, term * (nn - j) / (j + 1.0) * ratio, 0.0)
        total += term
        j = j + 1.0
        if np.all(term < 1e-17 * total):
            break
    out[tail] = np.minimum(1.0, np.exp(log_first + np.log(total)))
    return out


def _round(
    engine: Engine, n_groups: int, total: float, min_obs: int, alpha: float, info: dict[str, Any]
) -> list[tuple[int, int, float, float, float]]:
    """One round: the groups' object sets from the current members, and the accounts outside
    every group that pass (aid, group index, observed, expected, p), one group each."""
    con = engine.con
    con.execute(
        """CREATE OR REPLACE TEMP TABLE lockstep_gobj AS
        SELECT m.gi, r.obj, any_value(r.n) AS n
        FROM lockstep_rows r JOIN lockstep_mem m USING (aid)
        GROUP BY m.gi, r.obj HAVING count(*) >= 2"""
    )
    mass = fetch(con, "SELECT gi, sum(n) AS mass FROM lockstep_gobj GROUP BY gi ORDER BY gi")
    hits = fetch(
        con,
        """WITH cand AS (
            SELECT r.aid, g.gi, sum(r.w) AS k FROM lockstep_rows r
            JOIN lockstep_gobj g USING (obj)
            WHERE r.aid NOT IN (SELECT aid FROM lockstep_mem)
            GROUP BY r.aid, g.gi)
        SELECT c.aid, c.gi, c.k, d.d FROM cand c JOIN (
            SELECT aid, sum(w) AS d FROM lockstep_rows
            WHERE aid IN (SELECT aid FROM cand) GROUP BY aid) d USING (aid)
        ORDER BY c.aid, c.gi""",
    )
    n_tests = hits.num_rows
    info["tests"] += int(n_tests)
    if not n_tests or total <= 0:
        return []
    q = np.zeros(n_groups)
    q[np.asarray(mass.column("gi"), dtype=np.int64)] = (
        np.asarray(mass.column("mass"), dtype=np.float64) / total
    )
    aid = np.asarray(hits.column("aid"), dtype=np.int64)
    g = np.asarray(hits.column("gi"), dtype=np.int64)
    # weighted counts as the binomial's whole draws: hits rounded down, draws up (a
    # tagged pair weighs a share of its post; links, tags and images weigh 1 each)
    k = np.floor(np.asarray(hits.column("k"), dtype=np.float64) + 1e-9)
    d = np.ceil(np.asarray(hits.column("d"), dtype=np.float64) - 1e-9)
    lam = d * q[g]
    p = binom_sf(k, d, q[g])
    ok = (k >= min_obs) & (p <= alpha / n_tests)
    if not ok.any():
        return []
    aid, g, k, lam, p = aid[ok], g[ok], k[ok], lam[ok], p[ok]
    order = np.lexsort((g, p, aid))  # per account: most significant group first
    aid, g, k, lam, p = aid[order], g[order], k[order], lam[order], p[order]
    first = np.r_[True, aid[1:] != aid[:-1]]
    return list(
        zip(
            aid[first].tolist(),
            g[first].tolist(),
            k[first].tolist(),
            lam[first].tolist(),
            p[first].tolist(),
            strict=True,
        )
    )
