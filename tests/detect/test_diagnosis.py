"""The diagnosis's count of non-empty values per column: read from the Parquet footer where
it can tell, and the same figures as a full scan in every case."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.detect.diagnosis import _from_statistics, columns_with_data


def _engine(path):
    return SimpleNamespace(con=duckdb.connect(), dataset=SimpleNamespace(posts_path=path))


def _scan(path) -> dict[str, int]:
    con = duckdb.connect()
    q = f"read_parquet('{path.as_posix()}')"
    out = {}
    for c in ("text", "repost_of", "reply_to", "urls"):
        cond = f"len({c}) > 0" if c == "urls" else f"{c} IS NOT NULL AND {c} <> ''"
        out[c] = con.execute(f"SELECT count(*) FILTER ({cond}) FROM {q}").fetchall()[0][0]
    return out


@pytest.mark.parametrize("stats", [True, False])
def test_counts_match_a_full_scan(tmp_path, stats):
    n = 30
    table = pa.table(
        {
            "post_id": [str(i) for i in range(n)],
            "account_id": ["a"] * n,
            # row groups of 10: one with an empty text, one all null, one plain
            "text": ["x", ""] + ["y"] * 8 + [None] * 10 + ["z", None] * 5,
            "repost_of": [None] * 25 + ["p"] * 5,
            "reply_to": pa.array([None] * n, pa.string()),
            "urls": [["u"]] * 3 + [[]] * 7 + [None] * 20,
        }
    )
    path = tmp_path / "posts.parquet"
    pq.write_table(table, path, row_group_size=10, write_statistics=stats)
    got = columns_with_data(_engine(path))
    assert got == _scan(path) == {"text": 14, "repost_of": 5, "reply_to": 0, "urls": 3}
    footer = _from_statistics(path, ["text", "repost_of", "reply_to"])
    if stats:  # the empty text in the first row group leaves text to the scan
        assert footer == {"repost_of": 5, "reply_to": 0}
    else:
        assert footer == {}
