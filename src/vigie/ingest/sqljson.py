"""SQL building blocks shared by the readers that map JSON lines in DuckDB.

DuckDB's JSON parser (yyjson) accepts what Python's ``json`` refuses (trailing commas,
``nan``/``inf``) and knows no depth limit: ``fastlines`` keeps such lines for the Python path.
It also keeps the first of duplicate keys where ``json`` keeps the last: readers check that
the keys they read are not repeated (``unique_keys``).
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from vigie.errors import VigieError

if TYPE_CHECKING:
    from vigie.ingest.fastlines import LineBatch

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per thread (opening one costs ~5 ms; readers query per batch)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order=true")
        con.execute("SET enable_progress_bar=false")  # it would print over the CLI's output
        # one batch (20,000 lines) is one Arrow scan task: more threads only wait for it, and
        # their waiting cost ~15 % more CPU than the query itself
        con.execute("SET threads=1")
        _local.con = con
    return con


PAIR_RE = r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
SURROGATE_RE = r"\\u[dD][89a-fA-F]"
_WS = r"[\t\n\x0b\x0c\r ]"
LENIENT_RE = rf"[,:\[]{_WS}{{0,3}}[+-]?(?:[NIi]|n[aA])|[,:\[]{_WS}{{4}}|,{_WS}{{0,3}}[\]}}]"
"""What yyjson may read where ``json`` refuses: after ``,`` ``:`` or ``[`` (and up to three
spaces) a closing bracket after a comma (a trailing comma) or ``nan``/``inf`` in any spelling;
four spaces or more, too (the test looks no further). Coarse on purpose: a text holding
``", in"`` sends its line to the Python path too, which maps it the same, only slower."""
_NAN = r"[+-]?(?:[NIi]|n[aA])"
LENIENT_RES = (
    rf",(?:{_WS}{{0,3}}(?:{_NAN}|[\]}}])|{_WS}{{4}})",
    rf":(?:{_WS}{{0,3}}{_NAN}|{_WS}{{4}})",
    rf"\[(?:{_WS}{{0,3}}{_NAN}|{_WS}{{4}})",
)
"""``LENIENT_RE`` as three patterns, one per separator, which flag together exactly the lines
it flags (``tests/ingest/test_fast_paths_generic.py``). Why: a pattern starting with one
literal byte lets RE2 skip to that byte; one starting with a class of three scans every byte
(0.13 against 0.06 s per 100,000 generic lines, 0.34 against 0.14 s per 100,000 X tweets)."""


def valid(col: str = "line") -> str:
    """SQL: the line is valid JSON, with nothing that yyjson reads and ``json`` does not
    (``LENIENT_RE``) and no lone surrogate escape (``json`` reads those, and the readers refuse
    or repair them; DuckDB's functions fail on them)."""
    return (
        f"(json_valid({col}) AND NOT {lenient(col)} "
        f"AND (NOT (contains({col}, '\\ud') OR contains({col}, '\\uD')) "
        f"OR NOT regexp_matches(regexp_replace({col}, '{PAIR_RE}', '', 'g'), '{SURROGATE_RE}')))"
    )


def lenient(col: str = "line") -> str:
    """SQL: ``col`` matches ``LENIENT_RE`` (as its three faster parts, ``LENIENT_RES``)."""
    return "(" + " OR ".join(f"regexp_matches({col}, {quote(p)})" for p in LENIENT_RES) + ")"


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


MAX_THREADS = 4
"""More query threads than this gain nothing: the main thread's Python (mapping the rows,
writing them) is then what the reading waits on."""


def query_threads() -> int:
    """How many batches' queries run at once (``VIGIE_INGEST_THREADS``, else the cores, at
    most ``MAX_THREADS``); 1 runs them one after the other in the calling thread."""
    raw = os.environ.get("VIGIE_INGEST_THREADS", "").strip()
    if raw:
        try:
            n = int(raw)
        except ValueError:
            raise VigieError(
                f"VIGIE_INGEST_THREADS must be a whole number of threads, not {raw!r}"
            ) from None
        if n < 1:
            raise VigieError(f"VIGIE_INGEST_THREADS must be at least 1, not {n}")
        return n
    return max(1, min(os.cpu_count() or 1, MAX_THREADS))


def run_ahead(
    sql: str, batches: Iterable[LineBatch], threads: int | None = None
) -> Iterator[tuple[LineBatch, pa.Table]]:
    """Each batch with ``sql`` run over its ``lines`` table, in the batches' order.

    Why: a reader's query per batch is most of its time, and DuckDB runs it with the GIL
    released, on one thread (``connection``); meanwhile the calling thread maps the previous
    batch's rows in Python. So the next batches' queries are run by worker threads (each
    with its own connection, the same settings) while the caller works: the rows, and their
    order, are those of running the queries one after the other; on two cores a 1M-tweet
    file's wall time falls by ~40 % (docs/ingest.md). At most ``threads + 1`` batches are
    held at once (20,000 lines or 32 MB each)."""
    n = query_threads() if threads is None else threads
    if n <= 1:
        for b in batches:
            yield b, run(sql, lines=b.lines)
        return
    pending: deque[tuple[LineBatch, Future[pa.Table]]] = deque()
    pool = ThreadPoolExecutor(n, thread_name_prefix="vigie-ingest-sql")
    try:
        for b in batches:
            pending.append((b, pool.submit(run, sql, lines=b.lines)))
            if len(pending) > n:
                done, fut = pending.popleft()
                yield done, fut.result()
        while pending:
            done, fut = pending.popleft()
            yield done, fut.result()
    finally:  # a consumer that stops early (an error, a refusal) leaves no query running
        pool.shutdown(wait=True, cancel_futures=True)
