"""Co-link and co-hashtag on a real distribution: the German 2021 election data (CooRTweet).

The file repeats a post once per (URL, hashtag, image) combination; the detectors must
de-duplicate per object kind, so the counts they report equal a direct count over the
de-duplicated (account, object) actions.
"""

from __future__ import annotations

import duckdb
import pytest

from vigie.detect.pipeline import run_detection
from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table

_CACHE: dict[str, tuple] = {}


@pytest.fixture
def german(shared_data, tmp_path_factory):
    """The data as canonical posts (one row per post) and its Findings, built once."""
    src = shared_data / "real" / "german_elections.parquet"
    if not src.exists():
        pytest.skip("german_elections.parquet is absent")
    if str(src) in _CACHE:
        return _CACHE[str(src)]
    con = duckdb.connect()
    posts = con.sql(
        f"""SELECT post_id::VARCHAR AS post_id,
               CASE WHEN starts_with(account_id, 'fb_') THEN 'facebook' ELSE 'twitter' END
                   AS platform,
               account_id, to_timestamp(min(timestamp)) AS created_at,
               list(DISTINCT 'https://u.example/' || url_id) FILTER (url_id IS NOT NULL) AS urls,
               list(DISTINCT 'h' || hashtag_id) FILTER (hashtag_id IS NOT NULL) AS hashtags
        FROM read_parquet('{src.as_posix()}') WHERE post_id IS NOT NULL
        GROUP BY post_id, account_id"""
    )
    table = posts.to_arrow_table() if hasattr(posts, "to_arrow_table") else posts.arrow()
    root = tmp_path_factory.mktemp("german")
    ds = root / "dataset"
    ds.mkdir()
    write_table(table, ds / "posts.parquet", POSTS_SCHEMA)
    write_json(ds / "manifest.json", base_manifest("dataset"))
    cfg = {k: {"enabled": False} for k in ("co_repost", "co_reply", "copypasta")}
    findings = run_detection(ds, root / "findings", config=cfg, progress=False)
    _CACHE[str(src)] = (src, findings)
    return src, findings


def test_counts_match_deduplicated_direct_count(german):
    src, f = german
    m = f.manifest()
    s = m["signals"]["co_link"]
    con = duckdb.connect()
    # actions: one per episode of (account, URL), counted here in plain Python: a gap over
    # 60 s starts an episode, and an episode is cut every 60 s from its own start
    rows = con.sql(
        f"""SELECT account_id, url_id, min(timestamp) AS ts
            FROM read_parquet('{src.as_posix()}')
            WHERE url_id IS NOT NULL AND post_id IS NOT NULL
            GROUP BY post_id, account_id, url_id ORDER BY account_id, url_id, ts"""
    ).fetchall()
    direct, key, prev, start, cut = 0, None, 0.0, 0.0, -1
    for acc, url, ts in rows:
        if (acc, url) != key or ts - prev > 60:
            key, start, cut = (acc, url), ts, 0
            direct += 1
        elif (ts - start) // 60 != cut:
            cut = (ts - start) // 60
            direct += 1
        prev = ts
    assert s["actions"] == direct
    raw_rows = con.sql(
        f"SELECT count(*) FROM read_parquet('{src.as_posix()}') WHERE url_id IS NOT NULL"
    ).fetchall()[0][0]
    assert s["actions"] < raw_rows  # repeated rows were folded


def test_chance_control_discounts_popular_objects(german):
    _, f = german
    m = f.manifest()
    for kind in ("co_link", "co_hashtag"):
        s = m["signals"][kind]
        assert s["pairs"] > 0
        assert s["kept"] <= s["tested"] <= s["family"]
        assert s["pairs"] <= s["family"]
        # the kept pairs co-act far more than chance; most candidate pairs do not
        if s["kept"]:
            assert s["observed_kept"] > 5 * s["expected_kept"]
    edges = f.edges().to_pylist()
    assert all(
        e["p_value"] < 0.01 and e["observed"] >= 3 for e in edges if e["kind"] != "creation_burst"
    )
    # groups are small networks among 58k accounts, not the whole population
    flagged = m["counts"]["members"]
    assert 0 < flagged < 0.05 * m["accounts"]
