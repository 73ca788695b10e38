"""The co-action engine's pair drawing and counting in NumPy against the SQL self-join's
definition written as a double loop, pair by pair."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigie.detect.copairs import candidate_rows, pair_counts


def _brute(aid, oid, t, post, obj, rar, window, min_obs, by_object):
    """The rows the engine's SQL drew: same bucket with x.aid < y.aid, or y in the next
    bucket with x.aid <> y.aid, within the window; then per pair its counts."""
    b = [math.floor(x / window) for x in t]
    rows: dict = {}
    n = len(aid)
    for x in range(n):
        for y in range(n):
            if oid[x] != oid[y] or aid[x] == aid[y]:
                continue
            same = b[x] == b[y] and aid[x] < aid[y] and abs(t[x] - t[y]) <= window
            nxt = b[y] == b[x] + 1 and t[y] - t[x] <= window
            if not (same or nxt):
                continue
            u, v = (x, y) if aid[x] < aid[y] else (y, x)
            rows.setdefault((aid[u], aid[v]), []).append((u, v))
    out = {}
    for (a, c), rs in rows.items():
        if len(rs) < min_obs:
            continue
        du = len({post[u] for u, _ in rs})
        dv = len({post[v] for _, v in rs})
        dob = len({obj[u] for u, _ in rs})
        observed = min(du, dv, dob) if by_object else min(du, dv)
        out[(a, c)] = (
            observed,
            dob,
            len(rs),
            sum(rar[u] for u, _ in rs),
            min(min(t[u], t[v]) for u, v in rs),
            max(max(t[u], t[v]) for u, v in rs),
        )
    return out, len(rows)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("window", [7.0, 60.0])
def test_pairs_and_counts_match_the_definition(seed: int, window: float) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    oid = np.sort(rng.integers(0, 12, n)).astype(np.uint64)
    t = np.round(rng.uniform(0, 600, n), 1)
    t[rng.random(n) < 0.1] = 120.0  # ties, and actions on a bucket edge
    order = np.lexsort((t, oid))
    oid, t = oid[order], t[order]
    aid = rng.integers(0, 15, n).astype(np.int32)
    post = rng.integers(0, 250, n)  # a post may act on several objects (two hashtags)
    obj = np.cumsum(np.r_[0, oid[1:] != oid[:-1]])
    rar = rng.integers(0, 10**9, n).astype(np.int64)
    for by_object in (False, True):
        want, n_want = _brute(aid, oid, t, post, obj, rar, window, 3, by_object)
        cand, n_pairs = candidate_rows(aid, oid, t, window, 3)
        got = pair_counts(cand, t, rar, post, 250, obj, int(obj[-1]) + 1, by_object)
        assert n_pairs == n_want
        keys = [(int(k >> 32), int(k & 0xFFFFFFFF)) for k in cand.keys]
        assert keys == sorted(want)
        assert len(keys) > 5  # the data has pairs to test
        for m, uv in enumerate(keys):
            assert (
                int(got["observed"][m]),
                int(got["n_objects"][m]),
                int(got["rows_"][m]),
                int(got["rarity_fx"][m]),
                float(got["first_t"][m]),
                float(got["last_t"][m]),
            ) == want[uv]
        # every row is oriented from the smaller account and belongs to its pair
        seg = np.repeat(np.arange(cand.keys.size), cand.counts)
        assert np.all(aid[cand.iu] < aid[cand.iv])
        assert np.array_equal((aid[cand.iu].astype(np.int64) << 32) | aid[cand.iv], cand.keys[seg])


def test_no_rows() -> None:
    z = np.zeros(0)
    cand, n_pairs = candidate_rows(np.zeros(0, np.int32), z.astype(np.uint64), z, 60.0, 3)
    got = pair_counts(cand, z, z.astype(np.int64), z.astype(np.int64), 0, z, 0, False)
    assert n_pairs == 0 and cand.keys.size == 0 and got["observed"].size == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("min_obs", [1, 3])
def test_objects_drawn_by_partition_give_the_same_pairs(seed: int, min_obs: int) -> None:
    """What the Spark engine does (``spark_engine.SparkPairs``): objects split over
    partitions, each partition's pairs counted alone and summed, each partition's share of
    the candidates' rows counted per pair, and only the actions of the candidates'
    co-actions kept. The family, the counts and the candidates' rows must be those of one
    machine drawing over every action."""
    from vigie.detect.copairs import coactions_of, involved_rows, pair_keys

    rng = np.random.default_rng(seed)
    n = 600
    oid = np.sort(rng.integers(0, 30, n)).astype(np.int64)
    t = np.round(rng.uniform(0, 900, n), 1)
    order = np.lexsort((t, oid))
    oid, t = oid[order], t[order]
    aid = rng.integers(0, 20, n).astype(np.int32)
    window = 60.0
    whole, n_pairs = candidate_rows(aid, oid, t, window, min_obs)
    # partitions of whole objects, as hashing by object makes them
    part = (oid * 7919) % 4
    total: dict[int, int] = {}
    for q in range(4):
        rows = np.flatnonzero(part == q)
        keys, counts = pair_keys(aid[rows], oid[rows], t[rows], window)
        assert np.all(np.diff(keys) > 0)
        for k, c in zip(keys.tolist(), counts.tolist(), strict=True):
            total[k] = total.get(k, 0) + c
    assert len(total) == n_pairs
    cand = np.array(sorted(k for k, c in total.items() if c >= min_obs), np.int64)
    assert cand.tolist() == whole.keys.tolist()
    # each partition's share of the candidates' rows, counted per pair across partitions
    post = rng.integers(0, 300, n)
    rar = rng.integers(0, 10**9, n).astype(np.int64)
    obj = np.cumsum(np.r_[0, oid[1:] != oid[:-1]])
    rows_of: dict[int, list] = {}
    for q in range(4):
        rows = np.flatnonzero(part == q)
        key, iu, iv = coactions_of(aid[rows], oid[rows], t[rows], window, cand)
        assert np.all(aid[rows][iu] < aid[rows][iv])  # oriented from the smaller account
        for k, a, b in zip(key.tolist(), rows[iu].tolist(), rows[iv].tolist(), strict=True):
            rows_of.setdefault(k, []).append((a, b))
    for by_object in (False, True):
        want = pair_counts(whole, t, rar, post, 300, obj, int(obj[-1]) + 1, by_object)
        for m, k in enumerate(whole.keys.tolist()):
            rs = rows_of[k]
            du, dv = len({post[a] for a, _ in rs}), len({post[b] for _, b in rs})
            dob = len({oid[a] for a, _ in rs})
            got = (
                min(du, dv, dob) if by_object else min(du, dv),
                dob,
                len(rs),
                sum(int(rar[a]) for a, _ in rs),
                min(min(t[a], t[b]) for a, b in rs),
                max(max(t[a], t[b]) for a, b in rs),
            )
            assert got == tuple(want[c][m] for c in want)
    keep = np.zeros(n, bool)
    for q in range(4):
        rows = np.flatnonzero(part == q)
        keep[rows[involved_rows(aid[rows], oid[rows], t[rows], window, cand)]] = True
    assert 0 < keep.sum() < n  # some actions are left out, not all
    sub = np.flatnonzero(keep)
    few, _ = candidate_rows(aid[sub], oid[sub], t[sub], window, min_obs)
    assert few.keys.tolist() == whole.keys.tolist()
    assert few.counts.tolist() == whole.counts.tolist()
    # the same co-actions, row for row, once mapped back to the whole's action rows
    got = sorted(zip(sub[few.iu].tolist(), sub[few.iv].tolist(), strict=True))
    assert got == sorted(zip(whole.iu.tolist(), whole.iv.tolist(), strict=True))
