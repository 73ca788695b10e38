"""DuckDB's ``memory_limit`` setting, checked before any work.

Why a check of its own: the value from ``--memory-limit`` or ``[general] memory_limit`` is
pasted into ``SET memory_limit = '...'``; a typo ("lots", "1 G", a stray quote) failed only
when DuckDB first ran, with DuckDB's parser message and a hint about truncated files, after
every source had been read. DuckDB itself says which values it takes.
"""

from __future__ import annotations

from vigie.errors import VigieError


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
