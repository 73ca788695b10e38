"""SQL building blocks shared by the readers that map JSON lines in DuckDB.

Why a guard in SQL: DuckDB's JSON parser (yyjson) accepts what Python's ``json`` refuses
(trailing commas, ``nan``/``inf``), keeps the first of duplicate keys where ``json`` keeps the
last, and knows no depth limit. A line any of this could touch goes back to the Python path,
so SQL only ever maps lines on which both parsers agree; the guard is deliberately coarse (a
post whose text holds ", }" takes the slow path, and is still read right).
"""

from __future__ import annotations

import json
import threading

import duckdb
import pyarrow as pa

MAX_BRACKETS = 400
"""More ``{``/``[`` than this in a line: Python's path (its depth limit is ~1,000 levels)."""

SUSPECT_RE = r",\s*[\]}]|[:,\[]\s*[-+]?(?i:nan|inf)|\\u0000"
"""Trailing commas, unquoted NaN/Infinity spellings, NUL escapes."""

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per thread (opening one costs ~5 ms; readers query per batch)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order=true")
        _local.con = con
    return con


def plain_line(col: str = "line") -> str:
    """SQL: the line is one JSON object that ``json`` reads exactly as DuckDB does."""
    return (
        f"json_valid({col}) AND NOT regexp_matches({col}, '{SUSPECT_RE}') "
        f"AND NOT contains({col}, chr(0)) "
        f"AND length({col}) - length(replace(replace({col}, '{{', ''), '[', '')) "
        f"<= {MAX_BRACKETS}"
    )


def structure(fields: dict[str, object]) -> str:
    """A ``from_json`` structure as SQL text (keys are source names: quoted as JSON)."""
    return quote(json.dumps(fields))


def quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def run(sql: str, **tables: pa.Table) -> pa.Table:
    """Run ``sql`` over the given Arrow tables (by name); the result as an Arrow table."""
    con = connection()
    for name, t in tables.items():
        con.register(name, t)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)
