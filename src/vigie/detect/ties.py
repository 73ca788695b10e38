"""Tie recall: are the accounts of strong, fast ties in the findings?

Why: a detector that keeps its groups clean by dropping most evidence looks good on its
own generator and fails on real data. This module counts, straight from a table of posts
(one row per post and object, as many real exports are), the account pairs that acted on
at least ``min_objects`` distinct objects within ``window_s`` of each other, and tells what
share of their accounts a Findings folder reports (in a group or in ``pairs.parquet``).
The benchmark ``benchmarks/real_ties.py`` and the real-data test use it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from vigie.schema import Findings


def strong_tie_accounts(
    posts: str | Path,
    column: str,
    window_s: float = 60.0,
    min_objects: int = 3,
    account: str = "account_id",
    post: str = "post_id",
    time: str = "timestamp",
) -> tuple[int, set[str]]:
    """(number of pairs, their accounts) with ``min_objects`` co-actions within the window.

    Rows repeating a (post, object) are folded first (a post listed once per hashtag must
    not count its URL twice); ``time`` is POSIX seconds or a timestamp.
    """
    src = Path(posts).as_posix()
    con = duckdb.connect()
    typ = con.execute(f"SELECT typeof({time}) FROM read_parquet('{src}') LIMIT 1").fetchall()
    secs = (
        time
        if typ and typ[0][0] not in ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")
        else (f"epoch({time})")
    )
    rows = con.execute(
        f"""WITH a AS (
            SELECT {post} AS p, {account} AS acc, {column}::VARCHAR AS obj,
                   min({secs})::DOUBLE AS t
            FROM read_parquet('{src}')
            WHERE {column} IS NOT NULL AND {post} IS NOT NULL AND {account} IS NOT NULL
            GROUP BY 1, 2, 3),
        pr AS (
            SELECT x.acc AS u, y.acc AS v, count(DISTINCT x.obj) AS n
            FROM a x JOIN a y ON x.obj = y.obj AND x.acc < y.acc
                AND abs(x.t - y.t) <= {float(window_s)}
            GROUP BY 1, 2 HAVING count(DISTINCT x.obj) >= {int(min_objects)})
        SELECT u, v FROM pr"""
    ).fetchall()
    con.close()
    return len(rows), {a for pair in rows for a in pair}


def reported_accounts(findings: Findings | str | Path) -> set[str]:
    """Accounts a Findings folder reports: group members and both ends of every pair."""
    f = findings if isinstance(findings, Findings) else Findings(Path(findings))
    out = set(f.members().column("account_id").to_pylist())
    pairs = f.pairs()
    out |= set(pairs.column("account_id_a").to_pylist())
    out |= set(pairs.column("account_id_b").to_pylist())
    return out
