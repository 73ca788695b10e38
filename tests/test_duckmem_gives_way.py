"""DuckDB gives way to NumPy's large arrays (``duckmem.duckdb_gives_way``): its memory limit
lowered by what NumPy holds, never below the floor, and set back however the work ends."""

from __future__ import annotations

import duckdb
import pytest

from vigie.duckmem import GIVES_WAY_FLOOR, duckdb_gives_way, limit_bytes

GIB = 1024**3


def _con(limit: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{limit}'")
    return con


def test_the_limit_is_lowered_by_what_numpy_holds_then_set_back():
    con = _con("4GiB")
    assert limit_bytes(con) == 4 * GIB
    with duckdb_gives_way(con, int(1.5 * GIB), "4GiB"):
        assert abs(limit_bytes(con) - 2.5 * GIB) < 0.1 * GIB
    assert limit_bytes(con) == 4 * GIB


def test_the_limit_never_falls_below_the_floor():
    con = _con("3GiB")
    with duckdb_gives_way(con, 100 * GIB, "3GiB"):
        assert limit_bytes(con) == GIVES_WAY_FLOOR
    assert limit_bytes(con) == 3 * GIB


def test_a_limit_already_under_the_floor_is_left_alone():
    con = _con("512MiB")
    with duckdb_gives_way(con, GIB, "512MiB"):
        assert limit_bytes(con) == 512 * 1024**2
    assert limit_bytes(con) == 512 * 1024**2


@pytest.mark.parametrize("nbytes", [0, -5 * GIB])
def test_nothing_held_or_a_negative_size_never_raises_the_limit(nbytes):
    con = _con("2GiB")
    with duckdb_gives_way(con, nbytes, "2GiB"):
        assert limit_bytes(con) == 2 * GIB
    assert limit_bytes(con) == 2 * GIB


def test_the_limit_is_set_back_when_the_work_fails():
    con = _con("4GiB")
    with (
        pytest.raises(RuntimeError, match="signing broke"),
        duckdb_gives_way(con, 2 * GIB, "4GiB"),
    ):
        assert limit_bytes(con) == 2 * GIB
        raise RuntimeError("signing broke")
    assert limit_bytes(con) == 4 * GIB


def test_the_limit_is_set_back_to_the_runs_own_setting_not_its_rounded_display():
    """DuckDB shows 3 GB as '2.7 GiB'; setting that display back would shrink the limit by
    100 MB at every use."""
    con = _con("3GB")
    shown = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    with duckdb_gives_way(con, GIB, "3GB"):
        pass
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == shown
    con.execute(f"SET memory_limit = '{shown}'")  # what setting the display back would do
    assert limit_bytes(con) < 3 * 10**9


def test_a_percentage_setting_is_lowered_from_its_figure_and_set_back_as_written():
    con = _con("50%")
    before = limit_bytes(con)
    with duckdb_gives_way(con, GIB // 2, "50%"):
        assert limit_bytes(con) < before or before <= GIVES_WAY_FLOOR
    assert limit_bytes(con) == before


def test_a_duckdb_that_cannot_write_its_tables_out_keeps_its_limit_and_the_work_goes_on(
    monkeypatch,
):
    """Lowering the limit makes DuckDB write blocks to its temporary folder; without one (or
    on a full disk) it refuses ("could not free up enough memory"). That refusal must not
    end a run that would have finished without the lowering."""
    import vigie.duckmem as dm

    monkeypatch.setattr(dm, "GIVES_WAY_FLOOR", 64 * 1024**2)
    con = _con("1GiB")
    con.execute("SET temp_directory = ''")  # nowhere to write blocks out
    con.execute(
        "CREATE TABLE t AS SELECT range AS a, repeat('x', 80) || range::VARCHAR AS b "
        "FROM range(2000000)"
    )
    ran = []
    with dm.duckdb_gives_way(con, GIB - 80 * 1024**2, "1GiB"):
        ran.append(limit_bytes(con))
        assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 2_000_000
    assert ran == [GIB]
    assert limit_bytes(con) == GIB
