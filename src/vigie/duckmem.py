"""DuckDB's ``memory_limit`` setting, checked before any work.

Why a check of its own: the value from ``--memory-limit`` or ``[general] memory_limit`` is
pasted into ``SET memory_limit = '...'``; a typo ("lots", "1 G", a stray quote) failed only
when DuckDB first ran, with DuckDB's parser message and a hint about truncated files, after
every source had been read. DuckDB itself says which values it takes.
"""

from __future__ import annotations

import re

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
    m = _SIZE.match(value)  # a percentage of the machine's memory is left to DuckDB
    if m and float(m.group(1)) * _UNIT[(m.group(2) or "").lower()] < MIN_BYTES:
        raise VigieError(
            f"{where} {value!r}: too little memory to work in; give at least 64MiB (or "
            "leave it out: the default fits most runs)"
        )
    return value
