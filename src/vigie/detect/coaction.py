"""The co-action engine shared by co-link, co-repost, co-reply, co-hashtag, copypasta and
synchronised activity: two accounts acting on the same object within a time window.

Why one engine: those detectors differ only in what the "object" is (a canonical URL, a
reposted post, a hashtag, a cluster of near-duplicate texts, a time bin). Each detector
writes a table ``raw_<kind>(aid, obj, t, post_id)``; this module does the rest in SQL:

1. **De-duplicate** to one action per (account, object, time bucket of one window): the
   same post listed once per URL, or an account re-sharing a link in a burst, must not
   count twice (the real German-election data inflates pairs ~1.7x without it).
2. **Sorted window join**: time is cut into buckets one window wide, so two actions within
   the window lie in the same or adjacent buckets. The join is an equi-join on
   (object, bucket) plus (object, bucket + 1), then a filter on the exact gap: the work
   grows with the pairs that are actually close in time, never with n² per object.
   Objects acted on more than ``max_object_actions`` times (viral) draw no pairs; they
   are counted in the manifest and still feed the null model.
3. **Chance control** (null model). For each object ``o`` with ``n_o`` actions of which
   ``W_o`` pairs fall within the window, a random action on ``o`` has ``r_o = 2 W_o / n_o``
   neighbours in time. Under a configuration null where every action's account is drawn
   in proportion to account activity (``d_b / M``), the number of within-window co-actions
   expected between ``a`` and ``b`` is ``E_ab = (R_a d_b + R_b d_a) / 2M`` with
   ``R_a = sum of r_o over a's actions``. Viral objects (large ``r_o``) raise the
   expectation of every account that shares them, so heavy sharers of viral news do not
   look coordinated, while a pair co-acting on many *rare* objects within seconds does.
   ``p = P(Poisson(E_ab) >= observed)`` is computed for the pairs with at least
   ``min_observed`` co-actions and corrected (Bonferroni by default, or Benjamini-Hochberg)
   for the number of pairs tested. ``observed``, ``expected`` and ``p_value`` are kept on
   every edge, so a reader sees how far beyond chance each tie is.
4. **Weight** of a kept pair: the sum, over its co-actions, of each object's rarity
   ``log(N / n_accounts(o)) / log N`` (an IDF in [0, 1]): sharing a rare hashtag says
   more than sharing a trending one.

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

AUTO_QUANTILE = 0.1
AUTO_MIN_S, AUTO_MAX_S = 1.0, 3600.0


@dataclass
class Signal:
    """The kept account pairs of one detector and the figures of how they were found."""

    kind: str
    edges: pa.Table  # u, v (aid), weight, observed, expected, p_value, n_objects
    stats: dict[str, Any] = field(default_factory=dict)
    act_table: str | None = None  # act_<kind>(aid, oid, t, post_id) kept for evidence
    obj_table: str | None = None  # obj_<kind>(oid, obj) object names for evidence


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


def run_coaction(
    engine: Engine,
    kind: str,
    raw: str,
    cfg: dict[str, Any],
    general: dict[str, Any],
) -> Signal:
    """Run steps 1-4 (module docstring) on ``raw`` and return the kept pairs."""
    window = cfg["window_s"]
    window = estimate_window(engine, raw) if window == "auto" else float(window)
    window = max(window, 1e-3)
    cap = int(cfg["max_object_actions"])
    act, obj, ostat, pairs = f"act_{kind}", f"obj_{kind}", f"ostat_{kind}", f"pairs_{kind}"
    con = engine.con
    con.execute(
        f"""CREATE OR REPLACE TABLE {act} AS
        SELECT aid, hash(obj) AS oid, floor(t / {window})::BIGINT AS bkt,
               min(t) AS t, arg_min(post_id, (t, post_id)) AS post_id
        FROM {raw} GROUP BY aid, obj, bkt"""
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {obj} AS SELECT hash(obj) AS oid, min(obj) AS obj "
        f"FROM {raw} GROUP BY oid"
    )
    n_raw = engine.scalar(f"SELECT count(*) FROM {raw}")
    m_actions = engine.scalar(f"SELECT count(*) FROM {act}")
    n_acc = engine.scalar(f"SELECT count(DISTINCT aid) FROM {act}")
    log_n = math.log(n_acc) if n_acc and n_acc > 1 else 1.0
    # Per object: actions, accounts, within-window pairs (bucket approximation: pairs in the
    # same bucket are within the window, pairs in adjacent buckets half the time), rarity.
    con.execute(
        f"""CREATE OR REPLACE TABLE {ostat} AS
        WITH b AS (
            SELECT oid, bkt, count(*)::DOUBLE AS c FROM {act} GROUP BY oid, bkt),
        l AS (
            SELECT oid, c,
                   CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
            FROM b WINDOW w AS (PARTITION BY oid ORDER BY bkt)),
        s AS (SELECT oid, sum(c) AS n, sum(c * (c - 1) / 2 + 0.5 * c * cn) AS w
              FROM l GROUP BY oid),
        a AS (SELECT oid, count(DISTINCT aid) AS na FROM {act} GROUP BY oid)
        SELECT s.oid, s.n, a.na, round(2e6 * s.w / s.n)::BIGINT AS r_fx,
               round(1e9 * greatest(0.0, least(1.0, ln({n_acc or 1} / a.na) / {log_n})))::BIGINT
                   AS rarity_fx
        FROM s JOIN a USING (oid)"""
    )
    over = con.execute(
        f"SELECT count(*), coalesce(sum(n), 0) FROM {ostat} WHERE n > {cap}"
    ).fetchall()[0]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE acts_{kind} AS
        SELECT x.aid, x.oid, x.bkt, x.t, o.rarity_fx FROM {act} x JOIN {ostat} o USING (oid)
        WHERE o.n <= {cap} AND o.n > 1"""
    )
    ax = f"acts_{kind}"
    con.execute(
        f"""CREATE OR REPLACE TABLE {pairs} AS
        WITH c AS (
            SELECT x.aid AS u, y.aid AS v, x.oid, x.rarity_fx
            FROM {ax} x JOIN {ax} y ON x.oid = y.oid AND x.bkt = y.bkt
            WHERE x.aid < y.aid AND abs(x.t - y.t) <= {window}
            UNION ALL
            SELECT least(x.aid, y.aid), greatest(x.aid, y.aid), x.oid, x.rarity_fx
            FROM {ax} x JOIN {ax} y ON x.oid = y.oid AND y.bkt = x.bkt + 1
            WHERE x.aid <> y.aid AND y.t - x.t <= {window})
        SELECT u, v, count(*) AS observed, count(DISTINCT oid) AS n_objects,
               sum(rarity_fx) / 1e9 AS weight
        FROM c GROUP BY u, v"""
    )
    n_pairs = engine.scalar(f"SELECT count(*) FROM {pairs}")
    min_obs = int(cfg["min_observed"])
    tested = fetch(
        con,
        f"""WITH d AS (
            SELECT aid, count(*)::DOUBLE AS d, sum(o.r_fx) / 1e6 AS r
            FROM {act} JOIN {ostat} o USING (oid) GROUP BY aid)
        SELECT pr.u, pr.v, pr.observed, pr.n_objects, pr.weight,
               (du.r * dv.d + dv.r * du.d) / (2.0 * {max(m_actions, 1)}) AS expected
        FROM {pairs} pr JOIN d du ON du.aid = pr.u JOIN d dv ON dv.aid = pr.v
        WHERE pr.observed >= {min_obs}
        ORDER BY pr.u, pr.v""",
    )
    observed = tested.column("observed").to_numpy().astype(np.float64)
    expected = tested.column("expected").to_numpy()
    p = poisson_sf(observed, expected) if len(tested) else np.zeros(0)
    # corrected over the pairs actually tested (those reaching min_observed co-actions)
    keep = significant(p, general["alpha"], len(tested), general["correction"])
    edges = pa.table(
        {
            "u": tested.column("u"),
            "v": tested.column("v"),
            "weight": tested.column("weight").cast(pa.float64()),
            "observed": tested.column("observed").cast(pa.int64()),
            "expected": pa.array(expected, pa.float64()),
            "p_value": pa.array(p, pa.float64()),
            "n_objects": tested.column("n_objects").cast(pa.int64()),
        }
    ).filter(pa.array(keep))
    stats = {
        "window_s": round(window, 3),
        "window_auto": cfg["window_s"] == "auto",
        "rows": int(n_raw),
        "actions": int(m_actions),
        "accounts": int(n_acc),
        "objects": int(engine.scalar(f"SELECT count(*) FROM {ostat}")),
        "objects_over_cap": int(over[0]),
        "actions_over_cap": int(over[1]),
        "pairs": int(n_pairs),
        "tested": int(len(tested)),
        "kept": int(edges.num_rows),
        "observed_kept": int(np.asarray(edges.column("observed")).sum()),
        "expected_kept": round(float(np.asarray(edges.column("expected")).sum()), 6),
    }
    con.execute(f"DROP TABLE IF EXISTS {ax}")
    return Signal(kind, edges, stats, act_table=act, obj_table=obj)
