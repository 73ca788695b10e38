"""DuckDB's ``memory_limit`` setting, checked before any work.

Why a check of its own: the value from ``--memory-limit`` or ``[general] memory_limit`` is
pasted into ``SET memory_limit = '...'``; a typo ("lots", "1 G", a stray quote) failed only
when DuckDB first ran, with DuckDB's parser message and a hint about truncated files, after
every source had been read. DuckDB itself says which values it takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vigie.errors import VigieError

MIN_BYTES = 64 * 1024**2
"""The least memory vigie lets DuckDB work in: below it, DuckDB's first scan fails with an
out-of-memory error that reads as a broken input file ("cannot be read as Parquet")."""

_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?i?b|bytes?)?\s*$", re.IGNORECASE)
_UNIT = {"": 1, "b": 1, "byte": 1, "bytes": 1}
_UNIT.update({f"{p}b": 1000 ** (i + 1) for i, p in enumerate("kmgt")})
_UNIT.update({f"{p}ib": 1024 ** (i + 1) for i, p in enumerate("kmgt")})


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
    size = _size_bytes(value)  # a percentage of the machine's memory is left to DuckDB
    if size is not None and size < MIN_BYTES:
        raise VigieError(
            f"{where} {value!r}: too little memory to work in; give at least 64MiB (or "
            "leave it out: the default fits most runs)"
        )
    return value


def _size_bytes(text: str) -> float | None:
    """The bytes of a size written as DuckDB reads and shows one ("3GB", "2.7 GiB", "512
    bytes"); None for anything else (a percentage of the machine's memory)."""
    m = _SIZE.match(text)
    return None if m is None else float(m.group(1)) * _UNIT[(m.group(2) or "").lower()]


GIVES_WAY_FLOOR = 1024**3
"""The least ``duckdb_gives_way`` leaves DuckDB: below it, the queries that run meanwhile
(copypasta's word hashes) spill more than the memory they leave is worth."""


def limit_bytes(con: Any) -> int:
    """DuckDB's memory limit on ``con``, in bytes (as DuckDB reports it, rounded)."""
    shown = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    size = _size_bytes(str(shown))
    if size is None:  # DuckDB's own wording changed: no figure to lower
        raise ValueError(f"DuckDB's memory limit reads {shown!r}")
    return int(size)


@contextmanager
def duckdb_gives_way(con: Any, nbytes: int, limit: str) -> Iterator[None]:
    """DuckDB's memory limit lowered by ``nbytes`` (not below ``GIVES_WAY_FLOOR``) while
    NumPy holds that much, then set back to ``limit`` (the run's setting: DuckDB reports
    it rounded).

    Why: ``memory_limit`` is DuckDB's share of the run's memory, and the rest is NumPy's;
    copypasta's signature matrix (1.5 GB at 10M posts) is held while DuckDB still keeps
    the other detectors' tables, up to its limit. Lowering the limit makes DuckDB write
    some of them to its temporary folder (read back when they are needed) instead of the
    run peaking over the two shares' sum. Copypasta lowers it by the matrix while it signs
    (DuckDB works meanwhile: by the check's low bytes too, DuckDB spilled the texts it was
    signing, 198 and 220 s against 183 and 182 s at 10M posts), and by both while LSH
    runs, which reads nothing from DuckDB."""
    import duckdb  # on use, as in check_memory_limit: importing this module stays cheap

    try:
        now = limit_bytes(con)
    except ValueError:
        now = 0  # no figure to lower from
    lower = max(now - nbytes, min(now, GIVES_WAY_FLOOR))
    lowered = False
    if lower < now:
        try:
            con.execute(f"SET memory_limit = '{lower} bytes'")
            lowered = True
        except duckdb.Error:
            pass  # nothing to write out to (no temporary folder, a full disk): as it was
    try:
        yield
    finally:
        if lowered:
            con.execute(f"SET memory_limit = '{limit}'")
