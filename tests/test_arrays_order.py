"""``arrays.stable_order``: the same permutation as NumPy's stable argsort, on every path
(``segmented`` or not: the sort that merges ascending runs must give the same order); and
``arrays.dense_ids``: what sorting and searching give, on dense ids and sparse ones."""

from __future__ import annotations

import numpy as np
import pytest

from vigie.arrays import dense_ids, sort_runs, sorted_unique, stable_order


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("n", "bound", "word_bits"),
    [
        (1, 1, 64),
        (1_000, 50, 64),  # many ties
        (20_000, 2**40, 64),  # packed in one word
        (20_000, 2**40, 48),  # bucketed by the top bits (7 bits in excess)
        (20_000, 2**40, 54),  # one bit in excess: 64 buckets all the same
        (5_000, 2**30, 30),  # bucketed, some buckets empty
        (3_000, 2**62, 64),  # too wide even for buckets: NumPy's argsort
    ],
)
def test_stable_order_is_numpys_stable_argsort(seed, n, bound, word_bits):
    rng = np.random.default_rng(seed)
    for key in (
        rng.integers(0, bound, n, dtype=np.int64),
        rng.integers(0, min(bound, max(bound // 2**20, 2)), n, dtype=np.int64),  # bunched low
        np.full(n, bound - 1, dtype=np.int64),  # all at the top
    ):
        want = np.argsort(key, kind="stable")
        for overwrite, segmented in ((False, False), (True, False), (True, True)):
            mine = key.copy()
            order, ks = stable_order(
                mine, bound, word_bits, overwrite=overwrite, segmented=segmented
            )
            assert np.array_equal(order, want)
            assert ks.dtype == key.dtype
            assert np.array_equal(ks, key[want])
            if not overwrite:
                assert np.array_equal(mine, key)  # the caller's keys left alone


def test_stable_order_adds_row_indices_block_by_block(monkeypatch):
    import vigie.arrays as arrays

    monkeypatch.setattr(arrays, "_ROWS_AT_ONCE", 7)
    key = np.random.default_rng(5).integers(0, 40, 1_000, dtype=np.int64)
    order, ks = stable_order(key, 40)
    assert np.array_equal(order, np.argsort(key, kind="stable"))


def test_stable_order_of_nothing_and_out_of_range():
    order, ks = stable_order(np.zeros(0, dtype=np.int64), 10)
    assert order.size == 0 and ks.size == 0
    with pytest.raises(ValueError, match="0, 10"):
        stable_order(np.array([3, 10]), 10)
    with pytest.raises(ValueError):
        stable_order(np.array([-1, 2]), 10)


@pytest.mark.parametrize("seed", [0, 1])
def test_segmented_keys_sort_as_any_keys(seed):
    """Keys ascending by segment (what the co-action counts sort), and keys that do not
    (the flag is a promise about speed, never about the result)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 30, 2_000)
    seg = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    segmented = seg * 1_000 + rng.integers(0, 1_000, seg.size)
    shuffled = rng.permutation(segmented)
    for key in (segmented, shuffled):
        got = key.copy()
        sort_runs(got)
        assert np.array_equal(got, np.sort(key))
        order, ks = stable_order(key.copy(), int(key.max()) + 1, segmented=True)
        assert np.array_equal(order, np.argsort(key, kind="stable"))
        assert np.array_equal(ks, np.sort(key))


@pytest.mark.parametrize("top", [50, 5_000, 2**40])
def test_dense_ids_is_unique_then_searchsorted(top: int) -> None:
    """Dense ids (a mark per id) and sparse ones (the sort) give what ``sorted_unique`` and
    ``np.searchsorted`` give, for several columns at once and for empty ones."""
    rng = np.random.default_rng(top)
    u = rng.integers(0, top, 3_000)
    v = rng.integers(0, top, 2_000)
    values, (du, dv) = dense_ids(u, v)
    want = sorted_unique(np.concatenate([u, v]))
    assert np.array_equal(values, want)
    assert np.array_equal(du, np.searchsorted(want, u))
    assert np.array_equal(dv, np.searchsorted(want, v))
    empty, (de,) = dense_ids(np.zeros(0, np.int64))
    assert empty.size == 0 and de.size == 0
