"""The bar that follows one long DuckDB query (``progress.with_query_progress``).

Known answers: with bars on, the query's result comes back as without them, the bar reaches
the terminal (stderr), DuckDB's own bar never prints on stdout, and an error inside the
query is raised in the caller's thread, as it would be without the bar."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from rich.progress import Progress, TaskID

from vigie import progress
from vigie.progress import with_query_progress

SLOW = "SELECT count(*) FROM range(400000000) t(x) WHERE x % 7 = 3"
"""~1 s: long enough for a few of the bar's reads (every 0.2 s)."""


def test_result_comes_back_and_the_bar_follows_the_query(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIGIE_PROGRESS", "1")
    seen: list[float] = []
    made = progress.make_progress

    def recording(transient: bool = False) -> Progress:
        bar = made(transient)
        update = bar.update

        def spy(task: TaskID, **kw: Any) -> None:
            if "completed" in kw:
                seen.append(kw["completed"])
            update(task, **kw)

        bar.update = spy  # type: ignore[method-assign]
        return bar

    monkeypatch.setattr(progress, "make_progress", recording)
    con = duckdb.connect()
    try:
        got = with_query_progress(con, "counting", lambda: con.execute(SLOW).fetchall()[0][0])
    finally:
        con.close()
    assert got == len(range(3, 400_000_000, 7))
    assert seen and 0 < max(seen) <= 100  # DuckDB's estimate, read while the query ran
    assert capfd.readouterr().out == ""  # DuckDB's own bar would print there


def test_an_error_in_the_query_is_raised_in_the_callers_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIGIE_PROGRESS", "1")
    con = duckdb.connect()
    try:
        with pytest.raises(duckdb.Error, match="no_such_table"):
            with_query_progress(con, "failing", lambda: con.execute("SELECT * FROM no_such_table"))
    finally:
        con.close()


def test_without_a_terminal_the_work_just_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_PROGRESS", "0")
    con = duckdb.connect()
    try:
        assert with_query_progress(con, "x", lambda: con.execute("SELECT 42").fetchall()) == [(42,)]
    finally:
        con.close()
