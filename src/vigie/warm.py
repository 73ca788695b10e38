"""Import, on a thread of their own, modules a long command will import anyway.

Why: pyarrow imports pandas (when it is installed) the first time it converts anything, and
some steps import ural (its Public Suffix List) on first use: ~0.2 s and ~0.15 s on a quiet
machine, up to three times that on a busy one, paid by the main thread in the middle of its
work, and the main thread is the critical path of a detection up to 2M posts. Started
before DuckDB's first large query (which releases the GIL), the imports fit beside it. A
module imported by two threads at once is imported once (the second waits for it), so
nothing changes but when the import happens; one that is not installed is simply not
warmed. Used by detection; not by ingest, whose main thread holds the GIL in its own Python
work (measured: no gain on 100k records of three formats).
"""

from __future__ import annotations

import contextlib
import importlib
import threading


def warm_imports(*names: str) -> threading.Thread:
    """Start importing ``names`` on a daemon thread and return it (nothing waits for it)."""

    def run() -> None:
        for name in names:
            with contextlib.suppress(Exception):  # not installed: its users go without it
                importlib.import_module(name)

    thread = threading.Thread(target=run, name="vigie-warm-imports", daemon=True)
    thread.start()
    return thread
