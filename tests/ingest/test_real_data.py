"""The real German-election table through the generic Parquet reader (skips without it)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.helpers import manifest
from vigie.ingest import ingest

MAPPING = [
    "platform=prefix:account_id",
    "created_at=timestamp",
    "urls=url_id",
    "hashtags=hashtag_id",
    "media=phash_id",
]


def test_german_elections(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "real" / "german_elections.parquet"
    ds = tmp_path / "ds"
    report = ingest([src], ds, mapping=MAPPING)

    con = duckdb.connect()
    raw = f"read_parquet('{src}')"
    # expected figures computed independently from the source, de-duplicating per object kind
    n_rows, no_id = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE post_id IS NULL) FROM {raw}"
    ).fetchone()
    keys = con.execute(
        f"""SELECT count(*) FROM (SELECT DISTINCT CASE WHEN account_id LIKE 'fb_%' THEN 'f'
            ELSE 'x' END, post_id FROM {raw} WHERE post_id IS NOT NULL)"""
    ).fetchone()[0]
    pairs = con.execute(
        f"""SELECT count(DISTINCT (post_id, url_id)) FILTER (WHERE url_id IS NOT NULL),
                   count(DISTINCT (post_id, hashtag_id)) FILTER (WHERE hashtag_id IS NOT NULL),
                   count(DISTINCT (post_id, phash_id)) FILTER (WHERE phash_id IS NOT NULL)
            FROM {raw} WHERE post_id IS NOT NULL"""
    ).fetchone()
    accounts = con.execute(
        f"SELECT count(DISTINCT account_id) FROM {raw} WHERE post_id IS NOT NULL"
    ).fetchone()[0]

    assert report.sources[0].records == n_rows
    assert report.sources[0].rejected == no_id  # rows without a post_id are refused, not lost
    assert report.posts == keys
    got = con.execute(
        f"""SELECT sum(len(urls)), sum(len(hashtags)), sum(len(media)),
                   count(*) FILTER (WHERE platform NOT IN ('facebook', 'x')),
                   min(created_at), count(DISTINCT account_id)
            FROM read_parquet('{ds / "posts.parquet"}')"""
    ).fetchone()
    assert tuple(got[:3]) == tuple(pairs)  # every (post, object) pair kept exactly once
    assert got[3] == 0
    assert got[4].year == 2021
    assert report.accounts == accounts
    m = manifest(ds)
    assert m["counts"]["posts"] == keys and m["counts"]["rejected"] == no_id
    assert m["sources"][0]["duplicates"] == n_rows - no_id - keys
