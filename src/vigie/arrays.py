"""Small NumPy helpers shared by the generator and the detectors.

Why: ``np.unique(a)`` without ``return_*`` takes a hash-based path in NumPy 2.x that is 20 to
40 times slower on large integer arrays than sorting (0.29 s against 0.007 s for 740,000
int64 on this project's 2-core reference machine); the detectors and the generator call it
on millions of values.
"""

from __future__ import annotations

import numpy as np


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, sorted: what ``np.unique(a)`` returns, by one sort."""
    s = np.sort(np.asarray(a).ravel())
    if s.size == 0:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def dense_ids(*columns: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct values of non-negative integer ``columns`` (sorted), and each column
    as positions into them: ``sorted_unique`` then ``np.searchsorted``, the same result.

    Why: account ids are dense (0 to the number of accounts), so where the largest is not
    far above the values' count a mark per id and its running count replace the sort and
    the binary searches (7.2M ends of 3.6M edges at 10M posts: one pass each)."""
    cols = [np.asarray(c) for c in columns]
    size = sum(c.size for c in cols)
    top = max((int(c.max()) for c in cols if c.size), default=-1)
    if top < 0 or top >= max(4 * size, 1 << 16) or min(int(c.min()) for c in cols if c.size) < 0:
        values = sorted_unique(np.concatenate([c.ravel() for c in cols]))
        return values, [np.searchsorted(values, c) for c in cols]
    mark = np.zeros(top + 1, dtype=bool)
    for c in cols:
        mark[c] = True
    values = np.flatnonzero(mark)
    rank = np.cumsum(mark) - 1
    return values.astype(cols[0].dtype, copy=False), [rank[c] for c in cols]


def sort_runs(a: np.ndarray) -> None:
    """Sort ``a`` in place, for arrays that already ascend by segments: keys packed as
    ``segment * n + value`` with the segments in order and the values in any order.

    Why: NumPy's default sort (a SIMD quicksort) ignores existing order, while its stable
    sort (timsort) merges the ascending runs it finds: on 3M int64 keys in 150,000
    ascending segments it took 40 ms against 180 ms on this project's reference machine
    (and 204 against 173 ms on random values: so only where the segments are known to
    ascend). The sorted values are the same whichever sort runs."""
    a.sort(kind="stable")


def lookup_sorted(values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per value of ``values``: whether it is in ``keys`` (ascending), and its position there
    (``np.isin``'s argument order).

    The position is clipped into ``keys`` (0 when ``keys`` is empty), so that it can index
    arrays aligned with ``keys`` everywhere, a value that is absent included: callers mask
    by the first result (``np.where(hit, table[pos], ...)``) rather than filter first."""
    pos = np.searchsorted(keys, values)
    if not keys.size:
        return np.zeros(np.shape(values), dtype=bool), pos
    pos = np.minimum(pos, keys.size - 1)
    return keys[pos] == values, pos


def stable_order(
    key: np.ndarray,
    bound: int,
    word_bits: int = 64,
    overwrite: bool = False,
    segmented: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """``np.argsort(key, kind="stable")`` and ``key`` in that order, for integer keys in
    ``[0, bound)``.

    Why: NumPy sorts 64-bit values with SIMD kernels but has no such argsort: on this
    project's reference machine a sort of 30M int64 takes 0.3 s and their argsort 2.6 s.
    So each key is packed with its row index into one unsigned 64-bit word, the words are
    sorted, and the order is read back from the low bits: ties fall in row order, which is
    exactly the stable order. When key and index need more than ``word_bits`` bits, rows
    are first bucketed by the key's top bits (a stable radix sort of small integers) and
    each bucket is packed and sorted alone. ``word_bits`` is a parameter for the tests only.

    ``overwrite``: ``key`` (64-bit) is the caller's to lose, and its buffer holds the packed
    words, then the sorted keys: two arrays of the keys' size at the peak instead of three
    (40M pair keys: 310 MiB over the keys, where an argsort and its gather took 611 MiB).

    ``segmented``: the keys already ascend by segments (``sort_runs``), so the packed words
    are sorted by merging their runs. The order returned is the same either way (packed
    words are distinct).
    """
    key = np.asarray(key)
    n = key.size
    if n == 0:
        return np.zeros(0, dtype=np.int64), key.copy()
    if int(key.min()) < 0 or int(key.max()) >= bound:
        raise ValueError(f"keys must lie in [0, {bound})")
    ib = (n - 1).bit_length()
    kb = (int(bound) - 1).bit_length()
    excess = ib + kb - word_bits
    if excess > 16:  # a bucket per 16-bit prefix would still not fit: NumPy's own
        order = np.argsort(key, kind="stable")
        return order, key[order]
    in_place = overwrite and key.dtype in (np.int64, np.uint64)
    if excess <= 0:
        words_in = key.view(np.uint64) if in_place else key
        order, words = _packed_order(words_in, ib, in_place, segmented)
    else:
        k64 = key.view(np.uint64) if in_place else key.astype(np.uint64)
        order, words = _bucketed_order(k64, ib, kb, excess, segmented)
    if in_place:
        return order, words.view(key.dtype)
    return order, words.view(np.int64).astype(key.dtype, copy=False)


def _bucketed_order(
    k64: np.ndarray, ib: int, kb: int, excess: int, segmented: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``stable_order`` when a key (``kb`` bits) and a row index (``ib`` bits) overflow a
    word by ``excess`` bits: rows bucketed by the key's top bits, each bucket packed and
    sorted alone; the sorted keys are written over ``k64``.

    At least 64 buckets, so that one bucket's words and order are a small part of the rows
    (memory: the rows' top bits, their bucket order, their low bits and the output; no more
    than three full arrays beside the keys)."""
    bits = min(max(excess, 6), kb, 16)
    shift = np.uint64(kb - bits)
    top = (k64 >> shift).astype(np.uint16)
    order = np.argsort(top, kind="stable")  # rows by bucket (a radix sort), then in place
    edges = np.r_[0, np.cumsum(np.bincount(top, minlength=1 << bits))].tolist()
    del top
    low = np.take(k64, order)
    low &= np.uint64((1 << (kb - bits)) - 1)
    for b, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        if hi > lo:
            local, words = _packed_order(low[lo:hi], ib, True, segmented)
            order[lo:hi] = order[lo:hi][local]
            words |= np.uint64(b) << shift
            k64[lo:hi] = words
    return order, k64


def run_ranks(a: np.ndarray) -> np.ndarray:
    """Per element of the sorted ``a``, the rank of its value among the distinct values (a
    dense id that orders as the values do)."""
    if not a.size:
        return np.zeros(0, dtype=np.int64)
    return np.cumsum(np.r_[0, a[1:] != a[:-1]])


_ROWS_AT_ONCE = 1 << 20  # row indices added a block at a time: no array of them all


def _packed_order(
    key: np.ndarray, ib: int, in_place: bool, segmented: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The stable order of ``key`` (each < 2**(64 - ib)) and the sorted keys (uint64):
    two arrays of the keys' length, the one sorted and then shifted in place (``key``'s
    own buffer when ``in_place``, a uint64 array then). ``segmented``: see ``sort_runs``."""
    packed = key if in_place else key.astype(np.uint64)
    packed <<= np.uint64(ib)
    for lo in range(0, packed.size, _ROWS_AT_ONCE):
        hi = min(lo + _ROWS_AT_ONCE, packed.size)
        packed[lo:hi] |= np.arange(lo, hi, dtype=np.uint64)
    if segmented:
        sort_runs(packed)
    else:
        packed.sort()
    order = (packed & np.uint64((1 << ib) - 1)).view(np.int64)
    packed >>= np.uint64(ib)
    return order, packed
