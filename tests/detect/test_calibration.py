"""Chance control with a known answer: on null data (no coordination, accounts shuffled
within each day) almost no pair is kept, at the nominal rate, over several seeds; pairs
planted in the same data (sharing rare links within seconds, or days apart) are kept."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from vigie.detect.nullshuffle import shuffle_accounts
from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder

ALPHA = 0.01
ONLY_LINKS = {
    k: {"enabled": False}
    for k in ("co_repost", "co_reply", "copypasta", "co_media", "co_domain", "co_amplify")
}


def _organic(seed: int) -> Builder:
    b = Builder(seed=seed)
    b.organic(n_accounts=300, n_posts=4000)
    return b


@pytest.mark.parametrize("seed", [101, 102, 103, 104])
def test_null_data_keep_no_pair_beyond_the_nominal_rate(seed, tmp_path):
    """Four within-day shuffles of organic activity: with Bonferroni at alpha per family,
    each run has at most alpha x families chance of any kept pair (here < 0.1), so a
    kept pair in a run is a calibration failure, not bad luck."""
    ds = _organic(seed).write(tmp_path / "ds")
    posts = pq.read_table(ds / "posts.parquet")
    pq.write_table(shuffle_accounts(posts, seed), ds / "posts.parquet")
    f = run_detection(
        ds, tmp_path / "f", {**ONLY_LINKS, "creation_burst": {"enabled": False}}, progress=False
    )
    sig = f.manifest()["signals"]
    families = sum(s["families"] for s in sig.values())
    assert ALPHA * families < 0.1 and sig["co_link"]["family"] > 100  # pairs were tested
    assert sum(s["kept"] for s in sig.values()) == 0, {k: s["kept"] for k, s in sig.items()}
    assert f.pairs().num_rows == 0 and f.groups().num_rows == 0


def test_planted_fast_and_slow_pairs_are_kept(tmp_path):
    """A pair sharing eight rare links within seconds, and a sleeper pair touching the same
    six rare links days apart, planted in organic data: both are kept (the sleepers at the
    week scale), and with no partner they are reported in pairs.parquet, not hidden."""
    b = _organic(105)
    rng = np.random.default_rng(5)
    for k in range(8):
        t = 0.3 * DAY + k * 5 * 3600
        url = f"https://rare.example/fast/{k}"
        b.post("fast_a", t, text=b.random_text(), urls=[url])
        b.post("fast_b", t + rng.uniform(1, 20), text=b.random_text(), urls=[url])
    for k in range(6):
        t = 0.1 * DAY + k * 0.4 * DAY
        url = f"https://rare.example/slow/{k}"
        b.post("sleep_a", t, text=b.random_text(), urls=[url])
        b.post("sleep_b", t + rng.uniform(1.2, 2.5) * DAY, text=b.random_text(), urls=[url])
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", ONLY_LINKS, progress=False)
    pairs = {frozenset((r["account_id_a"], r["account_id_b"])): r for r in f.pairs().to_pylist()}
    fast = pairs[frozenset(("fast_a", "fast_b"))]
    slow = pairs[frozenset(("sleep_a", "sleep_b"))]
    assert fast["kind"] == "co_link" and fast["window_s"] == 60.0 and fast["observed"] == 8
    assert slow["window_s"] > 86400 and slow["observed"] == 6
    assert fast["p_value"] < 1e-6 and fast["rank"] < slow["rank"] or slow["p_value"] < 1e-6
    assert len(fast["post_ids"]) == 10 and fast["first_seen"] < fast["last_seen"]
    assert f.manifest()["diagnosis"]["pairs_outside_groups"] == len(pairs)
