"""DuckDB's memory limit, lowered while NumPy holds arrays beside it (``duckmem.room_for``)."""

from __future__ import annotations

import duckdb
import pytest

from vigie.duckmem import limit_bytes, room_for

GIB = 1 << 30


def _limit(con: duckdb.DuckDBPyConnection) -> int:
    got = limit_bytes(con)
    assert got is not None
    return got


def test_room_is_made_then_the_setting_put_back() -> None:
    con = duckdb.connect()
    con.execute("SET memory_limit = '4GiB'")
    with room_for(con, 1 * GIB, restore="4GiB"):
        assert _limit(con) == 3 * GIB
    assert _limit(con) == 4 * GIB


def test_room_stops_at_the_floor_and_is_put_back_after_an_error() -> None:
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GiB'")
    with pytest.raises(RuntimeError), room_for(con, 5 * GIB, restore="2GiB", floor=GIB):
        assert _limit(con) == GIB
        raise RuntimeError("the NumPy stage failed")
    assert _limit(con) == 2 * GIB


def test_cold_tables_leave_memory_for_the_temporary_folder(tmp_path) -> None:
    """What the room is for: a table DuckDB holds in memory below its limit is written out
    when the limit is lowered, and read back whole afterwards."""
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{tmp_path.as_posix()}'")
    con.execute("SET memory_limit = '2GiB'")
    con.execute(
        "CREATE TEMP TABLE t AS SELECT i, repeat('x', 200) || i AS s FROM range(1500000) r(i)"
    )

    def held() -> int:
        return int(con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0])

    before = held()
    with room_for(con, 2 * GIB, restore="2GiB", floor=64 << 20):
        assert held() < before / 2
    assert con.execute("SELECT count(*), sum(length(s)) FROM t").fetchone() == (
        1_500_000,
        sum(200 + len(str(i)) for i in range(1_500_000)),
    )
