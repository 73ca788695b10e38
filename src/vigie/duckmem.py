"""DuckDB's ``memory_limit`` setting: checked before any work, lowered while NumPy works.

Why a check of its own: the value from ``--memory-limit`` or ``[general] memory_limit`` is
pasted into ``SET memory_limit = '...'``; a typo ("lots", "1 G", a stray quote) failed only
when DuckDB first ran, with DuckDB's parser message and a hint about truncated files, after
every source had been read. DuckDB itself says which values it takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from vigie.errors import VigieError

if TYPE_CHECKING:
    import duckdb


def check_memory_limit(value: str, where: str) -> str:
    """``value`` if DuckDB takes it as a memory limit, else a one-line ``VigieError``.

    ``where`` names the option or the config key (``--memory-limit``).
    """
    import duckdb

    if not isinstance(value, str) or "'" in value:
        raise VigieError(f"{where} {value!r}: not a memory size (e.g. 1GB, 512MiB or 80%)")
    con = duckdb.connect()
    try:
        con.execute("SET memory_limit = ?", [value])
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise VigieError(
            f"{where} {value!r}: not a memory size (e.g. 1GB, 512MiB or 80%): {first}"
        ) from None
    finally:
        con.close()
    return value


_UNITS = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}


def limit_bytes(con: duckdb.DuckDBPyConnection) -> int | None:
    """DuckDB's current memory limit in bytes (it prints it as ``"2.7 GiB"``), or None."""
    text = str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
    number, _, unit = text.partition(" ")
    try:
        return int(float(number) * _UNITS[unit])
    except (ValueError, KeyError):
        return None


@contextmanager
def room_for(
    con: duckdb.DuckDBPyConnection, need: int, restore: str, floor: int = 1 << 30
) -> Iterator[None]:
    """DuckDB's memory limit lowered by ``need`` bytes (not below ``floor``) while the
    caller holds that much outside DuckDB, then set back to ``restore``.

    Why: the limit caps DuckDB's own memory, and DuckDB keeps tables in memory below it,
    read again or not; it writes them to its temporary folder only when short of room. A
    NumPy stage that holds ``need`` bytes beside it then adds to DuckDB's whole cap. With
    the limit lowered, DuckDB writes its coldest blocks out first, so the process holds
    DuckDB's working set and NumPy's arrays (copypasta at 10M posts: 5.3 GB peak, 4.7 GB
    with the room made). A limit DuckDB cannot meet (pinned blocks) is left as it was."""
    import duckdb

    current = limit_bytes(con)
    target = None if current is None else max(floor, current - need)
    if target is None or target >= current:  # type: ignore[operator]
        yield
        return
    try:
        con.execute(f"SET memory_limit = '{target}B'")
    except duckdb.Error:
        yield
        return
    try:
        yield
    finally:
        con.execute("SET memory_limit = ?", [restore])
