"""Generic JSON Lines read in DuckDB SQL, with the Python path for the lines SQL sets aside.

Why: ``json.loads`` and sorting values into columns cost more than DuckDB's whole parse of the
file. Here each batch of lines is projected in SQL (``from_json`` with the mapped columns as raw
JSON, their types checked); a line goes back to Python (``tabular.project_line``) when it is not
plainly valid for ``json`` (see ``sqljson``), has duplicate keys, or a mapped field of another
type than the SQL path reads (a string, or an integer for follower counts; a list of strings).
Both parts then go through the same ``convert`` and are put back in line order, so the rows,
refusals and their reasons are those of the Python path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.ingest import fastlines, sqljson, tabular
from vigie.ingest.model import Batch, Rejected
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA

INT_FIELDS = ("followers", "following", "posts_count")


def _field_sql(key: str, col: str, is_list: bool) -> tuple[str, str]:
    """(value expression, type-is-plain condition) for one projected column."""
    x = f"struct_extract(j, {sqljson.quote(col)})"
    t = f"json_type({x})"
    if is_list:
        value = f"CASE WHEN {t} = 'ARRAY' THEN from_json({x}, '[\"VARCHAR\"]') END"
        ok = (
            f"({x} IS NULL OR {t} = 'NULL' OR ({t} = 'ARRAY' AND coalesce(list_bool_and("
            f"list_transform(from_json({x}, '[\"JSON\"]'), lambda e: json_type(e) = 'VARCHAR')), "
            "true)))"
        )
    elif key in INT_FIELDS:
        value = f"CASE WHEN {t} IN ('BIGINT', 'UBIGINT') THEN TRY_CAST({x} ->> '$' AS BIGINT) END"
        ok = (
            f"({x} IS NULL OR {t} = 'NULL' OR ({t} IN ('BIGINT', 'UBIGINT') "
            f"AND TRY_CAST({x} ->> '$' AS BIGINT) IS NOT NULL))"
        )
    else:
        value = f"CASE WHEN {t} = 'VARCHAR' THEN {x} ->> '$' END"
        ok = f"({x} IS NULL OR {t} IN ('NULL', 'VARCHAR'))"
    return value, ok


def projection_sql(fields: list[tuple[str, str, bool]]) -> str:
    """The query projecting a ``lines`` table onto the mapped columns (see module doc)."""
    cols = {col: "JSON" for _, col, _ in fields}
    parsed = (
        f"CASE WHEN {sqljson.plain_line()} THEN CASE WHEN json_type(line) = 'OBJECT' "
        f"THEN from_json(line, {sqljson.structure(cols)}) END END"
    )
    values, oks = [], []
    for key, col, is_list in fields:
        v, ok = _field_sql(key, col, is_list)
        values.append(f"CASE WHEN fast THEN {v} END AS {sqljson.ident(key)}")
        oks.append(ok)
    keys = "json_keys(line)"
    fast = " AND ".join(
        ["j IS NOT NULL", f"len({keys}) = len(list_distinct({keys}))", *oks]
    )
    return f"""
        WITH p AS (SELECT lineno, line, {parsed} AS j FROM lines),
        q AS (SELECT *, coalesce(CASE WHEN j IS NOT NULL THEN {fast} END, false) AS fast
              FROM p)
        SELECT lineno, fast, CASE WHEN NOT fast THEN line END AS line
               {"".join(", " + v for v in values)}
        FROM q ORDER BY lineno"""


def read(path: Path, spec: tabular.Spec) -> Iterator[Batch]:
    """Yield canonical batches from a JSON Lines file (same batches as the Python path)."""
    fields = tabular.jsonl_fields(spec)
    local = tabular.jsonl_spec(spec)
    sql = projection_sql(fields)
    file = str(path)
    for lb in fastlines.line_batches(path, None):
        out = sqljson.run(sql, lines=lb.lines)
        fast = out.column("fast").to_numpy(zero_copy_only=False).astype(bool)
        slow = list(lb.slow)
        if not fast.all():
            back = out.filter(pa.array(~fast))
            slow += [
                (n, t.encode("utf-8"), 0)
                for n, t in zip(
                    back.column("lineno").to_pylist(), back.column("line").to_pylist(), strict=True
                )
            ]
            slow.sort()
        parts = []
        if fast.any():
            ft = out.filter(pa.array(fast)) if not fast.all() else out
            nums = ft.column("lineno").to_numpy()
            table = ft.select([key for key, _, _ in fields]) if fields else pa.table({})
            parts.append((table, nums.tolist()))
        rejected: list[Rejected] = []
        if slow:
            cols: list[list[Any]] = [[] for _ in fields]
            nums_s: list[int | str] = []
            for lineno, raw, _ in slow:
                vals = tabular.project_line(fields, lineno, raw, file, rejected)
                if vals is not None:
                    for c, v in zip(cols, vals, strict=True):
                        c.append(v)
                    nums_s.append(lineno)
            buf = {key: c for (key, _, _), c in zip(fields, cols, strict=True)}
            table, nums_s, rejected = tabular.jsonl_table(buf, nums_s, rejected, path)
            if nums_s:
                parts.append((table, nums_s))
        yield _combine(parts, local, file, rejected, lb.records)


def _combine(
    parts: list[tuple[pa.Table, list[int | str]]],
    spec: tabular.Spec,
    file: str,
    rejected: list[Rejected],
    records: int,
) -> Batch:
    """Convert each part, then put posts, accounts and refusals back in line order."""
    posts, accounts, kept, more = [], [], [], []
    for table, nums in parts:
        p, a, r, keep = tabular.convert_rows(table, spec, file, nums)
        posts.append(p)
        accounts.append(a)
        kept.append(np.asarray(nums, dtype=np.int64)[keep])
        more += r
    if not parts:
        return Batch(POSTS_SCHEMA.empty_table(), ACCOUNTS_SCHEMA.empty_table(), rejected, {}, records)
    if len(parts) == 1:
        p, a = posts[0], accounts[0]
    else:
        order = pa.array(np.argsort(np.concatenate(kept), kind="stable"))
        p = pa.concat_tables(posts).take(order)
        a = pa.concat_tables(accounts).take(order)
    more.sort(key=lambda r: r.record if isinstance(r.record, int) else 0)
    return Batch(p, tabular.dedup_accounts(a), rejected + more, {}, records)
