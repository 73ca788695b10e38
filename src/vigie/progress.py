"""One look for progress bars across every long step.

Why: the analyst must see that a 10-minute detect is working, and tests must stay quiet.
Bars are drawn on stderr, only when it is a terminal (or ``VIGIE_PROGRESS=1``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

console = Console(stderr=False, highlight=False)
err_console = Console(stderr=True, highlight=False)
T = TypeVar("T")


def progress_enabled() -> bool:
    """Draw bars on an interactive terminal, or when forced with VIGIE_PROGRESS=1."""
    forced = os.environ.get("VIGIE_PROGRESS")
    if forced is not None:
        return forced not in ("0", "", "false", "no")
    return sys.stderr.isatty()


def make_progress(transient: bool = False) -> Progress:
    """A Rich progress display with spinner, bar, counts, elapsed and remaining time."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
        disable=not progress_enabled(),
    )


def with_query_progress(con: Any, description: str, work: Callable[[], T]) -> T:
    """``work()`` (queries on the DuckDB connection ``con``) with a bar following DuckDB's
    own estimate of the running query's progress.

    Why: one query over every text of a 10M-post Dataset runs ~10 s with nothing on screen;
    DuckDB's estimate is read from another thread (``query_progress``) while its own bar,
    which would print over vigie's, stays off. Without a terminal, ``work`` just runs."""
    if not progress_enabled():
        return work()
    import threading

    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    done = threading.Event()
    result: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # re-raised in the caller's thread
            failed.append(exc)
        finally:
            done.set()

    with make_progress(transient=True) as prog:
        task = prog.add_task(description, total=100)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        while not done.wait(0.2):
            pct = con.query_progress()
            if pct >= 0:
                prog.update(task, completed=min(pct, 100))
        thread.join()
    if failed:
        raise failed[0]
    return result[0]
