"""One look for progress bars across every long step.

Why: the analyst must see that a 10-minute detect is working, and tests must stay quiet.
Bars are drawn on stderr, only when it is a terminal (or ``VIGIE_PROGRESS=1``).
"""

from __future__ import annotations

import os
import sys

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
