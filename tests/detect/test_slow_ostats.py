"""The slower scales' null-model figures, computed on objects acted on more than once only
(``coaction._ostats``), equal the plain computation over every object at every scale.

Objects acted on once have no neighbour in time at any scale (``r`` 0) and the same
counts and rarity at every scale; the engine leaves them out of the slow scales' tables
(``ostat_<kind>_<i>``, ``rloc_<kind>_<i>``) and its reader takes their ``r`` as 0. Here
the plain computation (every object with ``n <= cap``, as the engine did before) runs
beside it on a small known table, and each action's ``r`` must agree at every scale.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import duckdb
import pytest

from vigie.detect.coaction import _local, _ostat, _ostats
from vigie.detect.engine import Engine
from vigie.schema import Dataset

KIND = "k"
HOUR, DAY, WEEK = 3600.0, 86400.0, 7 * 86400.0
# (window, cap) per scale, fastest first, as ``scales.time_scales`` gives them
SCALES = [(60.0, 50), (HOUR, 6), (WEEK, 4)]

# (aid, oid, t): objects acted on once (1, 2, 3), twice close and far (10, 11), three
# times in adjacent hour buckets (20), over days (21), five times (22: over the slow caps
# but one), seven times (23: over every slow cap), one account acting twice (24)
ACTS = [
    (1, 1, 0.0),
    (2, 2, 5000.0),
    (3, 3, 9 * DAY),
    (1, 10, 100.0),
    (2, 10, 130.0),
    (1, 11, 100.0),
    (3, 11, 3 * DAY),
    (1, 20, HOUR - 10),
    (2, 20, HOUR + 10),
    (3, 20, 2 * HOUR + 5),
    (1, 21, 0.0),
    (2, 21, DAY),
    (3, 21, 8 * DAY),
    *[(a, 22, 1000.0 * a) for a in range(1, 6)],
    *[(a, 23, 50.0 * a) for a in range(1, 8)],
    (4, 24, 10.0),
    (4, 24, 20.0),
]


def _plain(con, i: int, window: float, cap: int, log_n: float, n_acc: int) -> None:
    """The full computation: every object with ``n <= cap``, acted on once or more."""
    where = f"WHERE oid IN (SELECT oid FROM {_ostat(KIND, 0)} WHERE n <= {cap})"
    con.execute(
        f"""CREATE OR REPLACE TABLE plain_{i} AS
        WITH x AS (SELECT aid, oid, floor(t / {window})::BIGINT AS bkt FROM act_{KIND} {where}),
        b AS (SELECT oid, bkt, count(*)::DOUBLE AS c FROM x GROUP BY oid, bkt),
        l AS (SELECT oid, c,
                     CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
              FROM b WINDOW w AS (PARTITION BY oid ORDER BY bkt)),
        s AS (SELECT oid, sum(c) AS n, sum(c * (c - 1) / 2 + 0.5 * c * cn) AS w
              FROM l GROUP BY oid),
        a AS (SELECT oid, count(DISTINCT aid) AS na FROM x GROUP BY oid)
        SELECT oid, n, na, round(2e6 * w / n)::BIGINT AS r_fx,
               round(1e9 * greatest(0.0, least(1.0, ln({n_acc} / na) / {log_n})))::BIGINT
                   AS rarity_fx
        FROM s JOIN a USING (oid)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE plain_loc_{i} AS
        WITH b AS (SELECT oid, floor(t / {window})::BIGINT AS bkt, count(*)::DOUBLE AS c
                   FROM act_{KIND} {where} GROUP BY oid, bkt),
        l AS (SELECT oid, bkt, c,
                     CASE WHEN lag(bkt) OVER w = bkt - 1 THEN lag(c) OVER w ELSE 0 END AS cp,
                     CASE WHEN lead(bkt) OVER w = bkt + 1 THEN lead(c) OVER w ELSE 0 END AS cn
              FROM b WINDOW w AS (PARTITION BY oid ORDER BY bkt))
        SELECT oid, bkt, round(1e6 * ((c - 1) + 0.5 * (cp + cn)))::BIGINT AS r_fx FROM l"""
    )


@pytest.fixture
def engine():
    con = duckdb.connect()
    tmp = tempfile.TemporaryDirectory()
    con.execute(f"CREATE TABLE act_{KIND} (aid INTEGER, oid UBIGINT, t DOUBLE)")
    con.executemany(f"INSERT INTO act_{KIND} VALUES (?, ?, ?)", ACTS)
    eng = Engine(con, Dataset(Path(tmp.name)), set(), 0, 0, tmp)
    yield eng
    eng.close()


def _rows(con, query: str) -> list[tuple]:
    return sorted(con.execute(query).fetchall())


def test_slow_scales_match_the_plain_computation(engine) -> None:
    con = engine.con
    n_acc = 7
    log_n = math.log(n_acc)
    for i, (window, cap) in enumerate(SCALES):
        _ostats(engine, KIND, i, window, cap, log_n, n_acc)
        _plain(con, i, window, cap, log_n, n_acc)
        fast = _ostat(KIND, 0)
        if i == 0:  # every object, as the plain computation has them
            assert _rows(con, f"SELECT * FROM {fast}") == _rows(con, "SELECT * FROM plain_0")
            continue
        # each action's r at this scale, as ``_expected`` reads it, and the plain one
        if _local(i, window):
            new_r = f"""SELECT a.aid, a.oid, a.t, coalesce(r.r_fx, 0) FROM act_{KIND} a
                JOIN {fast} o USING (oid) LEFT JOIN rloc_{KIND}_{i} r ON r.oid = a.oid
                AND r.bkt = floor(a.t / {window})::BIGINT WHERE o.n <= {cap}"""
            old_r = f"""SELECT a.aid, a.oid, a.t, r.r_fx FROM act_{KIND} a
                JOIN plain_{i} o USING (oid) JOIN plain_loc_{i} r ON r.oid = a.oid
                AND r.bkt = floor(a.t / {window})::BIGINT"""
            # only buckets with neighbours are kept, every one of them
            assert _rows(con, f"SELECT * FROM rloc_{KIND}_{i}") == _rows(
                con, f"SELECT * FROM plain_loc_{i} WHERE r_fx > 0"
            )
        else:
            new_r = f"""SELECT a.aid, a.oid, a.t, coalesce(r.r_fx, 0) FROM act_{KIND} a
                JOIN {fast} o USING (oid) LEFT JOIN {_ostat(KIND, i)} r ON r.oid = a.oid
                WHERE o.n <= {cap}"""
            old_r = f"""SELECT a.aid, a.oid, a.t, o.r_fx FROM act_{KIND} a
                JOIN plain_{i} o USING (oid)"""
            # the objects acted on more than once, with the plain figures, and no other
            assert _rows(con, f"SELECT * FROM {_ostat(KIND, i)}") == _rows(
                con, f"SELECT * FROM plain_{i} WHERE n > 1"
            )
            # the ones left out are those the plain computation gives no neighbour
            assert _rows(con, f"SELECT DISTINCT r_fx, n FROM plain_{i} WHERE n = 1") == [(0, 1.0)]
        got, want = _rows(con, new_r), _rows(con, old_r)
        assert got == want
        # the case is not empty: some actions have neighbours, some are over the cap
        assert any(r for *_, r in got)
        assert len(got) < len(ACTS)
