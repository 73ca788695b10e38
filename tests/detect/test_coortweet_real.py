"""CooRTweet mode on the German 2021 sample that ships with CooRTweet itself.

``../shared/data/real/SOURCE.md`` records a figure measured with the published R package on
this file: de-duplicated per object kind as its vignette does, URLs, ``time_window = 60``,
``min_participation = 2``, ``edge_weight = 0.5``: 284 coordinated accounts (the accounts on
edges with ``weight_threshold == 1``). The CooRTweet mode must find exactly those numbers.
"""

from __future__ import annotations

import duckdb

from vigie.detect.coortweet import run_coortweet
from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table


def test_german_sample_matches_the_published_tool(shared_data, tmp_path):
    src = shared_data / "real" / "german_elections.parquet"
    if not src.exists():
        import pytest

        pytest.skip("german_elections.parquet is absent")
    con = duckdb.connect()
    # one canonical post per post id, with its distinct URLs (the file repeats a post once
    # per URL x hashtag x image combination)
    rel = con.sql(
        f"""SELECT post_id::VARCHAR AS post_id,
               CASE WHEN starts_with(account_id, 'fb_') THEN 'facebook' ELSE 'twitter' END
                   AS platform,
               account_id, to_timestamp(min(timestamp)) AS created_at,
               list(DISTINCT url_id::VARCHAR) FILTER (url_id IS NOT NULL) AS urls
        FROM read_parquet('{src.as_posix()}') WHERE post_id IS NOT NULL
        GROUP BY post_id, account_id"""
    )
    table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    ds = tmp_path / "ds"
    ds.mkdir()
    write_table(table, ds / "posts.parquet", POSTS_SCHEMA)
    write_json(ds / "manifest.json", base_manifest("dataset"))
    fnd = run_coortweet(ds, tmp_path / "f", {"time_window": 60}, ["co_link"])
    net = (fnd.path / "coortweet_network.csv").as_posix()
    coordinated = con.sql(
        f"""SELECT count(DISTINCT a) FROM (
              SELECT "from" AS a FROM '{net}' WHERE weight_threshold = 1
              UNION ALL SELECT "to" FROM '{net}' WHERE weight_threshold = 1)"""
    ).fetchall()[0][0]
    assert coordinated == 284
    # the groups are the components of exactly those accounts
    assert fnd.manifest()["counts"]["members"] == 284
    assert fnd.manifest()["coortweet"]["weight_threshold"] == 2.0
