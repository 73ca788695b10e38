"""The cross-kind discount's counts (``evidence.merged_counts``, from the engine's per-pair
co-action posts) against their SQL definition (``evidence.pair_coactions`` without
details): one post seen by several kinds counts once, different posts count each."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from vigie.detect import creation
from vigie.detect.coaction import EDGE_COLUMNS, Signal
from vigie.detect.copairs import PairPosts, SharedPosts
from vigie.detect.corare import only_new_pairs
from vigie.detect.engine import Engine, open_engine
from vigie.detect.evidence import merged_counts, pair_coactions
from vigie.detect.network import all_edges, kept_pairs, multi_signal_pairs
from vigie.detect.pipeline import COACTION_KINDS, _run_detectors, resolve_config
from vigie.schema import Dataset

from .scenario import DAY, Builder, bot_amplification

W = 60.0


def _edges(obs: dict[tuple[int, int], int]) -> pa.Table:
    pairs = sorted(obs)
    n = len(pairs)
    cols = {c: pa.array([0.5] * n, pa.float64()) for c in EDGE_COLUMNS}
    cols["u"] = pa.array([u for u, _ in pairs], pa.int32())
    cols["v"] = pa.array([v for _, v in pairs], pa.int32())
    cols["observed"] = pa.array([obs[p] for p in pairs], pa.int64())
    cols["n_objects"] = pa.array([1] * n, pa.int64())
    cols["window_s"] = pa.array([W] * n, pa.float64())
    return pa.table(cols)


def _kept_signal(con, kind: str, rows: list[tuple[int, int, int, int]], obs) -> Signal:
    """A signal whose engine kept its co-action rows (u, v, number of u's post, of v's):
    ``co_<kind>`` for the SQL, the same rows as dense post ids for the merge."""
    rows = sorted(rows)
    u, v, nu, nv = (np.array(c) for c in zip(*rows, strict=True))
    con.register(
        "x",
        pa.table(
            {
                "u": pa.array(u, pa.int32()),
                "v": pa.array(v, pa.int32()),
                "oid": pa.array(np.zeros(u.size), pa.uint64()),
                "post_u": pa.array([f"p{x}" for x in nu]),
                "post_v": pa.array([f"p{x}" for x in nv]),
                "tu": pa.array(np.zeros(u.size)),
                "tv": pa.array(np.zeros(u.size)),
            }
        ),
    )
    con.execute(f"CREATE TABLE co_{kind} AS SELECT * FROM x")
    con.execute(f"CREATE TABLE act_{kind} AS SELECT 0 AS aid")  # unread: the co rows are
    con.unregister("x")
    # a post's pid is the hash of its id, in every kind
    names = sorted({f"p{x}" for x in np.r_[nu, nv]})
    pid = dict(con.execute("SELECT s, hash(s) FROM unnest(?::VARCHAR[]) t(s)", [names]).fetchall())
    hu = np.array([pid[f"p{x}"] for x in nu], np.uint64)
    hv = np.array([pid[f"p{x}"] for x in nv], np.uint64)
    pids, dense = np.unique(np.r_[hu, hv], return_inverse=True)
    keys, counts = np.unique((u.astype(np.int64) << 32) | v, return_counts=True)
    block = PairPosts(W, keys, counts, dense[: u.size].astype(np.int32), dense[u.size :])
    return Signal(
        kind,
        _edges(obs),
        {"scales": [{"window_s": W, "max_object_actions": 100}]},
        act_table=f"act_{kind}",
        co_table=f"co_{kind}",
        shared=SharedPosts([block], pids),
    )


def _known(con) -> list[Signal]:
    link = _kept_signal(
        con,
        "co_link",
        [(0, 1, 1, 101), (0, 1, 2, 102), (0, 2, 9, 109), (1, 2, 21, 201)],
        {(0, 1): 2, (0, 2): 1, (1, 2): 1},
    )
    tag = _kept_signal(
        con,
        "co_hashtag",
        # (0, 1): post 1 met post 101 on two hashtags and under co-link too: once; post 1
        # also met 103 (u's side unchanged); 4 and 104 are new on both sides
        [(0, 1, 1, 101), (0, 1, 1, 101), (0, 1, 1, 103), (0, 1, 4, 104), (1, 2, 22, 202)]
        + [(2, 3, 31, 301)],
        {(0, 1): 3, (1, 2): 1, (2, 3): 1},
    )
    # co-repost without kept rows (its ring test): drawn again from its actions
    con.execute(
        """CREATE TABLE act_co_repost AS SELECT *, hash(post_id) AS pid FROM (VALUES
            (2, 7::UBIGINT, 0.0, 'p31'), (3, 7::UBIGINT, 10.0, 'p302'),
            (3, 8::UBIGINT, 500.0, 'p303')) t(aid, oid, t, post_id)"""
    )
    repost = Signal(
        "co_repost",
        _edges({(2, 3): 1}),
        {"scales": [{"window_s": W, "max_object_actions": 100}]},
        act_table="act_co_repost",
    )
    return [link, tag, repost]


def test_a_post_seen_by_several_kinds_counts_once() -> None:
    con = duckdb.connect()
    tmp = tempfile.TemporaryDirectory()
    engine = Engine(con, Dataset(Path(tmp.name)), set(), 0, 0, tmp)
    signals = _known(con)
    only = multi_signal_pairs(all_edges(signals))
    assert only.to_pylist() == [{"u": 0, "v": 1}, {"u": 1, "v": 2}, {"u": 2, "v": 3}]
    new = merged_counts(engine, signals, only)
    got = {(r["u"], r["v"]): (r["n_coactions"], r["sum_observed"]) for r in new.to_pylist()}
    # (0, 1): u's posts {1, 2, 4}, v's {101, 102, 103, 104}; (1, 2): different posts on
    # each kind, counted separately; (2, 3): post 31 once on co-hashtag and co-repost
    assert got == {(0, 1): (3, 5), (1, 2): (2, 2), (2, 3): (1, 2)}
    old = pair_coactions(engine, signals, only, details=False)
    assert new.equals(old)
    # a signal with its co-action table but no posts handed on: read from the table
    bare = [dataclasses.replace(signals[0], shared=None), *signals[1:]]
    assert merged_counts(engine, bare, only).equals(old)
    engine.close()


def _scenario(root: Path) -> Path:
    """Organic life, and one campaign whose posts carry a fresh link and a rare hashtag
    together (the same posts under co-link, co-domain and co-hashtag), posts hashtags
    alone in other bursts (other posts) and reposts seed posts within seconds."""
    b = Builder(seed=11)
    b.organic(n_accounts=300, n_posts=3000)
    accs = [b.account(f"camp{i:03d}") for i in range(15)]
    for k in range(8):
        t = 0.6 * DAY + k * 3 * 3600 + b.rng.uniform(0, 600)
        url = f"https://fresh.example/{k}"
        for a in accs:
            b.post(
                a, t + b.rng.uniform(0, 40), text=b.random_text(), urls=[url], hashtags=[f"x{k}"]
            )
    for k in range(5):
        t = 1.8 * DAY + k * 3 * 3600 + b.rng.uniform(0, 600)
        for a in accs:
            b.post(a, t + b.rng.uniform(0, 40), text=b.random_text(), hashtags=[f"y{k}"])
    bot_amplification(b, n_bots=15, n_seeds=10, start=2.2 * DAY, prefix="camp")
    org = [f"org{i:04d}" for i in range(300)]
    for t in np.sort(b.rng.uniform(0, 3 * DAY, 3000)):  # everyday hashtags (conftest's why)
        who = org[int(b.rng.integers(len(org)))]
        b.post(who, t, text=b.random_text(), hashtags=[f"t{int(b.rng.zipf(1.3)) % 3000}"])
    return b.write(root / "dataset")


def test_merged_counts_match_the_sql_on_a_scenario(tmp_path: Path) -> None:
    cfg = resolve_config(None)
    general = cfg["general"]
    engine = open_engine(Dataset(_scenario(tmp_path)).check(), general)
    try:
        enabled = [k for k in COACTION_KINDS if cfg[k]["enabled"]]
        signals = only_new_pairs(_run_detectors(engine, enabled, cfg, general, lambda s: None))
        signals.append(creation.detect(engine, cfg["creation_burst"], general, kept_pairs(signals)))
        only = multi_signal_pairs(all_edges(signals))
        new = merged_counts(engine, signals, only)
        kinds = {s.kind for s in signals if s.edges.num_rows}
        assert {"co_link", "co_hashtag", "co_repost"} <= kinds
        assert new.num_rows > 0
        # some pairs' posts were seen by several kinds
        n_co = np.asarray(new.column("n_coactions"))
        assert (n_co < np.asarray(new.column("sum_observed"))).any()
        assert new.equals(pair_coactions(engine, signals, only, details=False))
    finally:
        engine.close()
