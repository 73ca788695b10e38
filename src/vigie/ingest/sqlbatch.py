"""What the one-record-a-line SQL readers share: ``mastodon_sql`` all of it, ``x_sql`` the
judging of line shapes and the hand-back of the lines SQL does not map.

Why: such a reader maps most lines of a batch in one DuckDB query and hands the rest back
to its Python reader; both parts must then come out as one batch in line order (the merge
keeps the earliest-ingested value of a post, so order is part of the result), with the
Python part's refusals and skip counts as they were. Also here: canonicalising each
*distinct* value of a list column once (URLs repeat a lot), and the time and text checks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.ingest import jsonlines, sqljson, urls
from vigie.ingest.model import Batch, RowBuffer
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA, STR_LIST

PY_SPACE = (
    r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
    r"\x{202f}\x{205f}\x{3000}]"
)
"""Python's ``\\s`` (``str.isspace``) as an RE2 class: RE2's own ``\\s`` is ASCII only, and the
Python readers' patterns and ``strip()`` use Python's (``tests/ingest`` checks the two sets)."""

BATCH_BYTES = 32 << 20
"""A batch ends at 20,000 lines or 32 MB of them: API pages saved one a line (40 statuses,
~150 KB each) would otherwise make a batch of gigabytes."""

MIN_TS = "TIMESTAMPTZ '1990-01-01 00:00:00+00'"
MAX_TS = "TIMESTAMPTZ '2100-01-01 00:00:00+00'"
TIME_RE = r"^[1-9]\d{3}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{3}|\.\d{6})?Z$"
"""Times Python's ``datetime.fromisoformat`` and DuckDB read alike: DuckDB also takes hour 24
(as the next day) and year 0, and reads an impossible date (30 February) as null; the SQL
also checks that the cast succeeds (``time_ok``)."""


def time_ok(col: str, lo: str | None = None, hi: str | None = None) -> str:
    """SQL: ``col`` is a time both readers take (``TIME_RE``, and one DuckDB reads: not 30
    February); with ``lo`` and ``hi`` (SQL timestamps, e.g. ``MIN_TS``/``MAX_TS``), one from
    ``lo`` up to ``hi`` excluded. Used by ``x_sql`` (no range) and ``mastodon_sql`` (a range:
    the Python reader refuses times outside 1990-2100)."""
    t = f"TRY_CAST({col} AS TIMESTAMPTZ)"
    if lo is None and hi is None:
        return f"(regexp_matches({col}, '{TIME_RE}') AND {t} IS NOT NULL)"
    if lo is None or hi is None:
        raise ValueError("time_ok: give both ends of the range, or neither")
    return f"(regexp_matches({col}, '{TIME_RE}') AND {t} >= {lo} AND {t} < {hi})"


def keep_rows(table: pa.Table, keep: np.ndarray, slow: list[tuple[int, bytes, int]]) -> pa.Table:
    """The rows SQL maps; the others go to ``slow`` as (line number, raw line, size), for the
    Python path to map or refuse exactly as before."""
    if keep.all():
        return table
    back = table.filter(pa.array(~keep))
    for n, t in zip(
        back.column("lineno").to_pylist(), back.column("line").to_pylist(), strict=True
    ):
        raw = t.encode("utf-8")
        slow.append((n, raw, len(raw)))
    return table.filter(pa.array(keep))


def python_part(
    path: Path,
    slow: list[tuple[int, bytes, int]],
    read_one: Callable[[RowBuffer, int, Any], None],
) -> tuple[Batch, list[int], list[int]]:
    """The Python reader's batch of the ``slow`` lines (sorted), with the line of each post
    and of each account row."""
    buf = RowBuffer()
    post_lines: list[int] = []
    account_lines: list[int] = []
    for lineno, raw, size in sorted(slow):
        p, a = len(buf.posts), len(buf.accounts)
        read_one(buf, lineno, jsonlines.decode(path, lineno, raw, size))
        post_lines += [lineno] * (len(buf.posts) - p)
        account_lines += [lineno] * (len(buf.accounts) - a)
    return buf.flush(), post_lines, account_lines


def in_line_order(fast: pa.Table, fast_lines: np.ndarray, py: pa.Table, py_lines: list[int]):
    """``fast`` then ``py`` rows, ordered by line (stable: a line's own rows keep their order)."""
    if py.num_rows == 0:
        return fast
    order = np.argsort(np.concatenate([fast_lines, np.asarray(py_lines, np.int64)]), kind="stable")
    return pa.concat_tables([fast, py]).take(pa.array(order))


def map_distinct(arr: pa.Array, fn: Callable[[Any], Any], out_type: pa.DataType) -> pa.Array:
    """``fn`` of each value of a (string) array, run once per distinct value."""
    enc = arr.dictionary_encode()
    vals = pa.array([fn(v) for v in enc.dictionary.to_pylist()], out_type)
    return vals.take(enc.indices)


def _map_list(lists: pa.Array, map_values: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """A list<string> column whose items are replaced through ``map_values``, which maps the
    column's distinct items (a string array) to as many new ones: items repeat a lot, so
    each is mapped once and taken back to every row; null lists stay null. The items are
    read as ``values`` under the column's own ``offsets`` (not ``flatten()``, which drops
    what a null or sliced-out list covers and would no longer match the offsets)."""
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    lists = lists.cast(STR_LIST)
    values = lists.values
    if len(values):
        enc = values.dictionary_encode()
        values = map_values(enc.dictionary).take(enc.indices)
    return pa.ListArray.from_arrays(lists.offsets, values, mask=lists.is_null())


def map_list_values(lists: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """``fn`` of each item of a list<string> column, once per distinct item; nulls stay."""
    return _map_list(lists, lambda d: pa.array([fn(v) for v in d.to_pylist()], pa.string()))


def map_list_urls(lists: pa.Array, fn: Callable[[str], str], escaped: bool = False) -> pa.Array:
    """``map_list_values`` for a ``fn`` that gives a plain URL its ``plain_url_key``: plain
    URLs keyed by Arrow kernels (``urls.map_urls``), each distinct other one by ``fn``."""
    return _map_list(lists, lambda d: urls.map_urls(d, fn, escaped))


def first_seen(*lists: pa.Array) -> pa.Array:
    """The concatenation of the given list<string> columns, empty strings dropped, each value
    kept at its first occurrence (``canonical_urls``' ``dict.fromkeys`` order)."""
    cols = {f"l{i}": lst.cast(STR_LIST) for i, lst in enumerate(lists)}
    cat = "list_concat(" + ", ".join(f"coalesce(l{i}, [])" for i in range(len(lists))) + ")"
    if len(lists) == 1:
        cat = "coalesce(l0, [])"
    sql = (
        f"SELECT list_filter(c, lambda x, i: x <> '' AND list_position(c, x) = i) AS u "
        f"FROM (SELECT {cat} AS c FROM t)"
    )
    return sqljson.run(sql, t=pa.table(cols)).column("u").combine_chunks().cast(STR_LIST)


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table``'s columns in ``schema``'s order and types."""
    return pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in schema], schema=schema)


def posts_table(cols: dict[str, Any]) -> pa.Table:
    return conform(pa.table(cols), POSTS_SCHEMA)


def accounts_table(cols: dict[str, Any]) -> pa.Table:
    return conform(pa.table(cols), ACCOUNTS_SCHEMA)


MAX_SHAPES = 10_000
"""Verdicts kept per file: a file of ever-new shapes must not hoard them."""


def shape_verdicts(
    out: pa.Table,
    rows: np.ndarray,
    cache: dict[tuple[str, str | None], int],
    verdict: Callable[[str, str | None], int],
) -> np.ndarray:
    """``verdict(shape, fragments)`` of each row of ``out`` (its ``shape`` and ``fshape``
    columns), run once per distinct pair; 0 for the rows not in ``rows`` (indices)."""
    levels = np.zeros(out.num_rows, dtype=np.int64)
    if len(rows) == 0:
        return levels
    pairs = out.select(["shape", "fshape"]).take(pa.array(rows))
    sh = pairs.column("shape").combine_chunks().dictionary_encode()
    fs = pairs.column("fshape").combine_chunks().dictionary_encode()
    sd = sh.dictionary.to_pylist()
    fd = fs.dictionary.to_pylist() + [None]
    ids = np.asarray(sh.indices.fill_null(0)) * len(fd) + np.asarray(
        fs.indices.fill_null(len(fd) - 1)
    )
    uniq, inverse = np.unique(ids, return_inverse=True)
    vals = np.empty(len(uniq), dtype=np.int64)
    for j, u in enumerate(uniq.tolist()):
        key = (sd[u // len(fd)], fd[u % len(fd)])
        v = cache.get(key)
        if v is None:
            v = verdict(*key)
            if len(cache) < MAX_SHAPES:
                cache[key] = v
        vals[j] = v
    levels[rows] = vals[inverse]
    return levels
