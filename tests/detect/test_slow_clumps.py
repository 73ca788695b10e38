"""At the day-long scales, a pair's observed count is its distinct objects, but never more
than its distinct posts: one album shared by two posts is one co-action, not six.

Why: over a week one account touches one object many times, so the slow scales count
objects; but a post carrying several images or links would then count as several
independent co-actions. On real data with accounts shuffled within days (nothing
coordinated left) that kept about 20 false co-media pairs a run on the German sample.
"""

from __future__ import annotations

import pyarrow.parquet as pq

from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder


def _pairs(findings_path) -> set[frozenset[str]]:
    e = pq.read_table(findings_path / "edges.parquet", columns=["source", "target", "kind"])
    rows = e.to_pylist()
    return {frozenset((r["source"], r["target"])) for r in rows if r["kind"] == "co_link"}


def test_an_album_is_one_coaction_and_a_sleeper_pair_is_found(tmp_path):
    b = Builder(seed=11)
    b.organic(n_accounts=300, n_posts=3000, days=7.0)
    # one post pair, two days apart, carrying six links nobody else shares
    album = [f"https://album.example/photo-{k}" for k in range(6)]
    b.post("albumA", 1.0 * DAY, text="our photos", urls=album)
    b.post("albumB", 3.0 * DAY, text="their photos", urls=album)
    # six separate post pairs over the week, each on its own rare link, a day and a half
    # apart: a sleeper pair, found only at the week scale
    for k in range(6):
        url = f"https://quiet.example/story-{k}"
        b.post("sleepA", (0.5 + 0.8 * k) * DAY, text="read", urls=[url])
        b.post("sleepB", (0.5 + 0.8 * k + 1.5) * DAY, text="read this", urls=[url])
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    kept = _pairs(f.path)
    assert frozenset(("sleepA", "sleepB")) in kept
    assert frozenset(("albumA", "albumB")) not in kept
