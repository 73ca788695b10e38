"""Null data for calibration: the same posts, with accounts shuffled within each day.

Why: chance control promises that, on data with no coordination, the chance of any kept
pair is at most ``alpha`` per family of tests. The honest check keeps everything real
about the data (how many posts each day, which objects are popular when, how many posts
each account makes that day) and breaks only who posted together: the account labels of
the posts of one day (``period_s``) are permuted among themselves. A pair kept on such
data is a false positive. ``benchmarks/calibration.py`` and the calibration test use it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def shuffle_accounts(posts: pa.Table, seed: int, period_s: float = 86400.0) -> pa.Table:
    """``posts`` with (account_id, platform) permuted among the posts of each period."""
    rng = np.random.default_rng(seed)
    t = posts.column("created_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    day = np.floor(t.to_numpy(zero_copy_only=False) / (period_s * 1e6)).astype(np.int64)
    order = np.lexsort((rng.random(day.size), day))  # each period, in random order
    by_day = np.argsort(day, kind="stable")  # each period, in original order
    perm = np.empty(day.size, dtype=np.int64)
    perm[by_day] = order  # a post takes the labels of a random post of its own period
    out = posts
    for name in ("account_id", "platform"):
        if name in posts.column_names:
            i = posts.column_names.index(name)
            out = out.set_column(i, name, posts.column(name).take(pa.array(perm)))
    return out
