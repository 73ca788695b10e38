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
NO_SQL = "SELECT lineno, false AS fast, line FROM lines"


def _path(col: str, suffix: str = "") -> str:
    return sqljson.quote('$."' + col + '"' + suffix)


def projection_sql(fields: list[tuple[str, str, bool]]) -> str | None:
    """The query projecting a ``lines`` table onto the mapped columns (see module doc);
    ``None`` when a column name cannot be written as a JSON path (every line then Python)."""
    cols: dict[str, bool] = {}
    for _, col, is_list in fields:
        if '"' in col or "\\" in col or cols.get(col, is_list) != is_list:
            return None
        cols[col] = is_list
    names = list(cols)
    paths = "[" + ", ".join(_path(c) for c in names) + "]"
    ints = {col for key, col, _ in fields if key in INT_FIELDS}
    checks = ["len(k) = len(list_distinct(k))"]
    elems = []
    for i, c in enumerate(names, start=1):
        t = f"t[{i}]"
        if cols[c]:
            elems.append(
                f"CASE WHEN {t} = 'ARRAY' THEN json_type(line, {_path(c, '[*]')}) "
                f"END AS e{i}"
            )
            checks.append(
                f"({t} IS NULL OR {t} = 'NULL' OR ({t} = 'ARRAY' AND "
                f"coalesce(list_bool_and(list_transform(e{i}, lambda y: y = 'VARCHAR')), true)))"
            )
        elif c in ints:
            checks.append(
                f"({t} IS NULL OR {t} = 'NULL' OR ({t} IN ('BIGINT', 'UBIGINT') AND "
                f"TRY_CAST(json_extract_string(line, {_path(c)}) AS BIGINT) "
                "IS NOT NULL))"
            )
        else:
            checks.append(f"({t} IS NULL OR {t} IN ('NULL', 'VARCHAR'))")
    typed = {c: (["VARCHAR"] if cols[c] else "VARCHAR") for c in names}
    values = []
    for key, col, _ in fields:
        v = f"x[{sqljson.quote(col)}]"
        if col in ints and not cols[col]:
            v = f"TRY_CAST({v} AS BIGINT)"
        values.append(f"{v} AS {sqljson.ident(key)}")
    return f"""
        WITH p AS (SELECT lineno, line, {sqljson.valid()} AS v FROM lines),
        q AS (SELECT lineno, line, v,
                     CASE WHEN v THEN json_type(line, {paths}) END AS t,
                     CASE WHEN v THEN json_keys(line) END AS k
                     {"".join(", " + e for e in elems)}
              FROM p),
        r AS (SELECT lineno, line, coalesce(v AND {" AND ".join(checks)}, false) AS fast FROM q),
        s AS (SELECT lineno, fast, CASE WHEN NOT fast THEN line END AS line,
                     CASE WHEN fast THEN from_json(line, {sqljson.structure(typed)}) END AS x
              FROM r)
        SELECT lineno, fast, line{"".join(", " + v for v in values)} FROM s ORDER BY lineno"""


def read(path: Path, spec: tabular.Spec) -> Iterator[Batch]:
    """Yield canonical batches from a JSON Lines file (same batches as the Python path)."""
    fields = tabular.jsonl_fields(spec)
    local = tabular.jsonl_spec(spec)
    sql = projection_sql(fields)
    file = str(path)
    for lb in fastlines.line_batches(path, None, tabular.BATCH_ROWS):
        if sql is None or not fields:
            lb = fastlines.all_slow(lb)
        out = sqljson.run(sql or NO_SQL, lines=lb.lines)
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
    if len(parts) == 1:
        table, nums = parts[0]
        p, a, more = tabular.convert(table, spec, file, nums)
        return Batch(p, a, rejected + more, {}, records)
    posts, accounts, kept, more = [], [], [], []
    for table, nums in parts:
        p, a, r, keep = tabular.convert_rows(table, spec, file, nums)
        posts.append(p)
        accounts.append(a)
        kept.append(np.asarray(nums, dtype=np.int64)[keep])
        more += r
    if not parts:
        return Batch(POSTS_SCHEMA.empty_table(), ACCOUNTS_SCHEMA.empty_table(), rejected, {}, records)
    order = pa.array(np.argsort(np.concatenate(kept), kind="stable"))
    p = pa.concat_tables(posts).take(order)
    a = pa.concat_tables(accounts).take(order)
    more.sort(key=lambda r: r.record if isinstance(r.record, int) else 0)
    return Batch(p, tabular.dedup_accounts(a), rejected + more, {}, records)
