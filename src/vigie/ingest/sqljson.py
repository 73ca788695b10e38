"""SQL building blocks shared by the readers that map JSON lines in DuckDB.

DuckDB's JSON parser (yyjson) accepts what Python's ``json`` refuses (trailing commas,
``nan``/``inf``) and knows no depth limit: ``fastlines`` keeps such lines for the Python path.
It also keeps the first of duplicate keys where ``json`` keeps the last: readers check that
the keys they read are not repeated (``unique_keys``).
"""

from __future__ import annotations

import json
import threading

import duckdb
import pyarrow as pa

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per thread (opening one costs ~5 ms; readers query per batch)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order=true")
        _local.con = con
    return con


def valid(col: str = "line") -> str:
    """SQL: the line is valid JSON (what ``fastlines`` let through reads the same in Python)."""
    return f"json_valid({col})"


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
