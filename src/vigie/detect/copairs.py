"""Co-action rows and their per-pair counts, in NumPy (the co-action engine's inner loop).

Why not SQL: at 10M posts a bot network of a thousand accounts reposting the same posts
seconds apart gives ~20M co-action rows whose pairs are nearly all candidates. DuckDB drew
them twice (once for the pair counts, once for the candidates' rows), stored them, and
grouped them with three distinct counts whose hash tables hold one group per row: 38 s of
CPU for co-repost on a 1.2M-post sample of the 10M Dataset, most of it spent building
and spilling those tables. Here the rows are drawn once, by sorted offsets over the actions
sorted by (object, time), and counted with four plain sorts of packed
integers: the same pairs and counts (``coaction._scale_pairs`` says which), a few times
cheaper. Every sum is over integers, so the results do not depend on any order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.arrays import sort_runs, stable_order


def pairs_within(oid: np.ndarray, t: np.ndarray, window: float) -> tuple[np.ndarray, np.ndarray]:
    """Row index pairs ``i < j`` of rows sorted by (object, time) on one object and within
    ``window`` (and adjacent ``window`` buckets, as the SQL join this replaces asked).

    Offset by offset: once row ``i + d`` is too late or on another object, so is every row
    after it, so the rows still open shrink at each step (at most ``post_cap`` steps).
    Indices are 32-bit when the rows allow it (half the memory of ~20M row pairs)."""
    b = np.floor(t / max(window, 1e-3)).astype(np.int64)
    itype = np.int32 if oid.size < 2**31 - 1 else np.int64
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    # offset 1 reads every row: compared as shifted slices (no gather), half the cost
    ok = (oid[1:] == oid[:-1]) & (np.abs(t[1:] - t[:-1]) <= window) & (b[1:] - b[:-1] <= 1)
    open_ = np.flatnonzero(ok).astype(itype)
    del ok
    if open_.size:
        left.append(open_)
        right.append(open_ + 1)
    d = 2
    open_ = open_[open_ + d < oid.size]
    while open_.size:
        j = open_ + d
        ok = (oid[j] == oid[open_]) & (np.abs(t[j] - t[open_]) <= window) & (b[j] - b[open_] <= 1)
        open_ = open_[ok]
        left.append(open_)
        right.append(open_ + d)
        d += 1
        open_ = open_[open_ + d < oid.size]
    if not left:
        return np.zeros(0, itype), np.zeros(0, itype)
    return np.concatenate(left), np.concatenate(right)


@dataclass
class Candidates:
    """The co-action rows of one time scale's candidate pairs, grouped by pair.

    ``iu``/``iv``: action rows of the smaller/larger account of each co-action, pair after
    pair in ``keys`` order (``(u << 32) | v``, ascending), ``counts[k]`` rows for pair ``k``.
    """

    keys: np.ndarray
    counts: np.ndarray
    iu: np.ndarray
    iv: np.ndarray


def _drawn(
    aid: np.ndarray, oid: np.ndarray, t: np.ndarray, window: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Every co-action row of two accounts: its two action rows ``i < j`` and its pair as one
    dense integer (``u * na + v``, in the order of (u, v)) with ``na``. The one drawing that
    ``candidate_rows`` (one machine) and ``pair_keys``/``involved_rows`` (a partition of
    objects on a distributed engine) share, so that both count the same rows."""
    i, j = pairs_within(oid, t, window)
    ai, aj = aid[i], aid[j]
    keep = ai != aj
    if not keep.all():
        i, j, ai, aj = i[keep], j[keep], ai[keep], aj[keep]
    del keep
    na = int(aid.max()) + 1 if aid.size else 1
    key = np.minimum(ai, aj).astype(np.int64)
    key *= na
    key += np.maximum(ai, aj)
    return i, j, key, na


def _packed(dense: np.ndarray, na: int) -> np.ndarray:
    """Dense pair integers (``u * na + v``) as the engine's pair keys, ``(u << 32) | v``."""
    keys = (dense // na) << 32
    keys |= dense % na
    return keys


def candidate_rows(
    aid: np.ndarray, oid: np.ndarray, t: np.ndarray, window: float, min_obs: int
) -> tuple[Candidates, int]:
    """The co-actions of every pair with at least ``min_obs`` of them, and the number of
    distinct pairs that co-acted at all (the family of tests).

    Rows are actions sorted by (object, time). A co-action is two actions of two accounts
    on one object within ``window`` (and adjacent buckets), once per unordered pair of
    actions, oriented from the smaller account id: the rows the engine's SQL self-join drew
    (same bucket with ``x.aid < y.aid``, or the next bucket with ``x.aid <> y.aid``).

    The same candidates come out of any subset of the rows that keeps every action of
    every candidate's co-actions (whether two actions co-act depends on those two alone):
    what lets a distributed engine send only those actions (``involved_rows``)."""
    i, j, key, na = _drawn(aid, oid, t, window)
    # sorted with its row index packed beside it (``stable_order``: a SIMD sort instead
    # of an argsort)
    order, ks = stable_order(key, na * na, overwrite=True)
    del key
    new = np.r_[True, ks[1:] != ks[:-1]] if ks.size else np.zeros(0, bool)
    first = np.flatnonzero(new)
    del new
    counts = np.diff(np.r_[first, ks.size])
    n_pairs = int(first.size)
    cand = counts >= max(min_obs, 1)
    keys = _packed(ks[first][cand], na)
    del ks
    sel = order[np.repeat(cand, counts)]
    del order
    i, j = i[sel], j[sel]
    del sel
    # oriented from the smaller account (only the candidates' rows)
    swap = aid[j] < aid[i]
    return Candidates(keys, counts[cand], np.where(swap, j, i), np.where(swap, i, j)), n_pairs


def pair_keys(
    aid: np.ndarray, oid: np.ndarray, t: np.ndarray, window: float
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair that co-acted among these rows (``(u << 32) | v``, ascending) and its
    number of co-action rows. Rows hold whole objects sorted by (object, time): a
    partition of objects, whose counts a distributed engine sums per pair to find the
    family of tests and the candidates."""
    _, _, key, na = _drawn(aid, oid, t, window)
    key.sort()
    if not key.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return _packed(key[first], na), np.diff(np.r_[first, key.size])


def coactions_of(
    aid: np.ndarray, oid: np.ndarray, t: np.ndarray, window: float, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The co-action rows of the pairs ``keys`` (``(u << 32) | v``, ascending) among these
    rows: each row's pair key and its two action rows, of the smaller account (``iu``) and
    of the larger (``iv``), in drawing order. A partition's share of the candidates' rows,
    which a distributed engine groups by pair as ``pair_counts`` does."""
    i, j, key, na = _drawn(aid, oid, t, window)
    if not keys.size or not key.size:
        z = np.zeros(0, np.int64)
        return z, z, z
    packed = _packed(key, na)
    del key
    at = np.searchsorted(keys, packed).clip(max=keys.size - 1)
    hit = keys[at] == packed
    i, j, packed = i[hit], j[hit], packed[hit]
    swap = aid[j] < aid[i]
    return packed, np.where(swap, j, i), np.where(swap, i, j)


def involved_rows(
    aid: np.ndarray, oid: np.ndarray, t: np.ndarray, window: float, keys: np.ndarray
) -> np.ndarray:
    """Which rows take part in a co-action of one of the pairs ``keys`` (``(u << 32) | v``,
    ascending): the only actions ``candidate_rows`` needs to draw those pairs' rows."""
    _, iu, iv = coactions_of(aid, oid, t, window, keys)
    mask = np.zeros(aid.size, bool)
    mask[iu] = True
    mask[iv] = True
    return mask


def _distinct(seg: np.ndarray, starts: np.ndarray, val: np.ndarray, n_val: int) -> np.ndarray:
    """Distinct values of ``val`` (dense, < ``n_val``) per segment: ``seg`` is each row's
    segment, ascending, segment ``k`` starting at row ``starts[k]``. Sorting the packed
    (segment, value) keeps every segment where it was, so the first of each run of equal
    keys is counted at its own segment (``sort_runs``: the segments already ascend)."""
    c = seg * int(max(n_val, 1))
    c += val
    sort_runs(c)
    new = np.empty(c.size, bool)
    new[0] = True
    np.not_equal(c[1:], c[:-1], out=new[1:])
    return np.add.reduceat(new, starts, dtype=np.int64)


def pair_counts(
    cand: Candidates,
    t: np.ndarray,
    rarity_fx: np.ndarray,
    post: np.ndarray,
    n_post: int,
    obj: np.ndarray,
    n_obj: int,
    by_object: bool,
) -> dict[str, np.ndarray]:
    """Per candidate pair: observed clumps, distinct objects, co-action rows, summed rarity
    (fixed point), first and last time; ``post``/``obj`` are dense ids of each action's post
    and object. ``by_object``: at the day-long scales a clump is also at most one object."""
    n = cand.keys.size
    if n == 0:
        z = np.zeros(0, np.int64)
        return {
            "observed": z,
            "n_objects": z,
            "rows_": z,
            "rarity_fx": z,
            "first_t": np.zeros(0),
            "last_t": np.zeros(0),
        }
    starts = np.r_[0, np.cumsum(cand.counts)[:-1]]
    seg = np.repeat(np.arange(n, dtype=np.int64), cand.counts)
    tu, tv = t[cand.iu], t[cand.iv]
    first_t = np.minimum.reduceat(np.minimum(tu, tv), starts)
    last_t = np.maximum.reduceat(np.maximum(tu, tv), starts)
    del tu, tv
    rar = np.add.reduceat(np.asarray(rarity_fx, dtype=np.int64)[cand.iu], starts)
    du = _distinct(seg, starts, post[cand.iu], n_post)
    dv = _distinct(seg, starts, post[cand.iv], n_post)
    dob = _distinct(seg, starts, obj[cand.iu], n_obj)
    observed = np.minimum(du, dv)
    if by_object:
        observed = np.minimum(observed, dob)
    return {
        "observed": observed,
        "n_objects": dob,
        "rows_": cand.counts.astype(np.int64),
        "rarity_fx": rar,
        "first_t": first_t,
        "last_t": last_t,
    }


@dataclass
class PairPosts:
    """The co-action rows of the pairs kept at one time scale (``window``), reduced to their
    two posts: what the cross-kind merge counts (``evidence.merged_counts``).

    ``keys``: the pairs (``(u << 32) | v``, ascending); pair ``k`` holds ``counts[k]`` rows,
    pair after pair, of ``pu`` and ``pv``: the dense post id (into ``SharedPosts.pids``) of
    each co-action's ``u`` and ``v`` side."""

    window: float
    keys: np.ndarray
    counts: np.ndarray
    pu: np.ndarray
    pv: np.ndarray


@dataclass
class SharedPosts:
    """The co-actions' posts of every kept pair of one signal, scale by scale (``blocks``);
    ``pids`` maps a dense post id to its post's ``pid`` (ascending: dense ids follow it)."""

    blocks: list[PairPosts]
    pids: np.ndarray
