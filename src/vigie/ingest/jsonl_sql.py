"""Generic JSON Lines read in DuckDB SQL, with the Python path for the lines SQL sets aside.

Why: ``json.loads`` and sorting values into columns cost more than DuckDB's whole parse of the
file. Here each batch of lines is projected in SQL (``from_json`` with the mapped columns as raw
JSON, their types checked); a line goes back to Python (``tabular.project_line``) when it is not
plainly valid for ``json`` (see ``sqljson``), repeats a mapped key, or a mapped field of another
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

from vigie.ingest import fastlines, jsonlines, sqljson, tabular
from vigie.ingest.model import Batch, Rejected
from vigie.schema import STR_LIST

INT_FIELDS = ("followers", "following", "posts_count")
NO_SQL = "SELECT lineno, false AS fast, line FROM lines"
_STRING = r'"(?:[^"\\]|\\.)*"'
STRING_LIST_RE = rf"\[\s*(?:{_STRING}\s*(?:,\s*{_STRING}\s*)*)?\]"
"""A JSON array (valid: it is a fragment of a valid line) holding only strings, as RE2 reads
it. Why a pattern: reading the items' types (``json_type(fragment, '$[*]')`` and
``list_distinct``) parsed each list fragment once more and built a list per row."""


def projection_sql(fields: list[tuple[str, str, bool]]) -> str | None:
    """The query projecting a ``lines`` table onto the mapped columns (see module doc);
    ``None`` when a column name cannot be written as a JSON path (every line then Python).

    A line is parsed four times, whatever the number of fields: its validity, its keys,
    the types of the mapped fields (``json_type`` over all paths at once) and its values
    (``from_json``: scalars as text, lists as JSON fragments whose items are then checked to be
    strings by a pattern on the small fragment, not on the line)."""
    cols: dict[str, bool] = {}
    for _, col, is_list in fields:
        if '"' in col or "\\" in col or cols.get(col, is_list) != is_list:
            return None
        cols[col] = is_list
    names = list(cols)
    paths = "[" + ", ".join(sqljson.quote('$."' + c + '"') for c in names) + "]"
    ints = {col for key, col, _ in fields if key in INT_FIELDS}
    # a repeated key matters only when it is read (``json`` keeps its last value, SQL its
    # first): the mapped keys' occurrences (with repeats) must be as many as the mapped keys
    # present (``t``'s non-null types); cheaper than ``list_distinct`` over every key
    mapped = "[" + ", ".join(sqljson.quote(c) for c in names) + "]"
    checks = [
        f"len(list_filter(k, lambda c: list_contains({mapped}, c))) = "
        "len(list_filter(t, lambda y: y IS NOT NULL))"
    ]
    for i, c in enumerate(names, start=1):
        t, f = f"t[{i}]", f"x[{sqljson.quote(c)}]"
        if cols[c]:
            checks.append(
                f"({t} IS NULL OR {t} = 'NULL' OR ({t} = 'ARRAY' AND "
                f"regexp_full_match({f}, {sqljson.quote(STRING_LIST_RE)})))"
            )
        elif c in ints:
            checks.append(
                f"({t} IS NULL OR {t} = 'NULL' OR ({t} IN ('BIGINT', 'UBIGINT') AND "
                f"TRY_CAST({f} AS BIGINT) IS NOT NULL))"
            )
        else:
            checks.append(f"({t} IS NULL OR {t} IN ('NULL', 'VARCHAR'))")
    values = []
    for key, col, _ in fields:
        f = f"x[{sqljson.quote(col)}]"
        if cols[col]:
            f = f"""from_json({f}, '["VARCHAR"]')"""
        elif col in ints:
            f = f"TRY_CAST({f} AS BIGINT)"
        values.append(f"CASE WHEN fast THEN {f} END AS {sqljson.ident(key)}")
    shape = sqljson.structure({c: ("JSON" if cols[c] else "VARCHAR") for c in names})
    return f"""
        WITH p AS (SELECT lineno, line, {sqljson.valid()} AS v FROM lines),
        q AS (SELECT lineno, line, v, CASE WHEN v THEN json_keys(line) END AS k,
                     CASE WHEN v THEN json_type(line, {paths}) END AS t,
                     CASE WHEN v THEN from_json(line, {shape}) END AS x FROM p),
        r AS (SELECT lineno, line, x,
                     coalesce(CASE WHEN v THEN {" AND ".join(checks)} END, false) AS fast FROM q)
        SELECT lineno, fast, CASE WHEN NOT fast THEN line END AS line,
               {", ".join(values)} FROM r ORDER BY lineno"""


def read(path: Path, spec: tabular.Spec) -> Iterator[Batch]:
    """Yield canonical batches from a JSON Lines file (same batches as the Python path)."""
    fields = tabular.jsonl_fields(spec)
    local = tabular.jsonl_spec(spec)
    # paths into nested objects are walked in Python (``tabular.json_path_value``)
    sql = None if spec.nested else projection_sql(fields)
    file = str(path)
    # a line over the record limit keeps only its head (bounded memory, whatever its size)
    # and is refused as "record too large", as every JSON reader does
    limit = jsonlines.MAX_RECORD_BYTES
    batches = fastlines.line_batches(path, limit, tabular.BATCH_ROWS)
    if sql is None or not fields:
        batches = (fastlines.all_slow(lb) for lb in batches)
    for lb, out in sqljson.run_ahead(sql or NO_SQL, batches):
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
        ft = None
        if fast.any():
            ft = out.filter(pa.array(fast)) if not fast.all() else out
        rejected: list[Rejected] = []
        cols: list[list[Any]] = [[] for _ in fields]
        nums_s: list[int | str] = []
        for lineno, raw, size in slow:
            big = jsonlines.too_large(file, lineno, raw, size)
            if big is not None:
                rejected.append(big)
                continue
            vals = tabular.project_line(fields, lineno, raw, file, rejected, spec.nested)
            if vals is not None:
                for c, v in zip(cols, vals, strict=True):
                    c.append(v)
                nums_s.append(lineno)
        buf = {key: c for (key, _, _), c in zip(fields, cols, strict=True)}
        table, nums, rejected = _combine(ft, [k for k, _, _ in fields], buf, nums_s, rejected, path)
        posts, accounts, more = tabular.convert(table, local, file, nums)
        yield Batch(posts, accounts, rejected + more, {}, lb.records)


def _combine(
    fast: pa.Table | None,
    keys: list[str],
    buf: dict[str, list[Any]],
    nums: list[int | str],
    rejected: list[Rejected],
    path: Path,
) -> tuple[pa.Table, list[int | str], list[Rejected]]:
    """One table of the batch in line order, typed as the Python path types it.

    The Python path infers each column's type over the whole batch (a column mixing strings
    and numbers becomes text, ``str()`` of each value); so where the SQL rows and the Python
    rows disagree on a column's type, that column is rebuilt from both parts' values the same
    way. Where they agree (nearly always), the Arrow columns are simply joined."""
    buf, arrays, nums, rejected = tabular.jsonl_arrays(buf, nums, rejected, path)
    if fast is None or fast.num_rows == 0:
        return (pa.table(arrays) if arrays else pa.table({})), nums, rejected
    fast_nums = fast.column("lineno").to_numpy()
    fcols = {k: _plain(fast.column(k).combine_chunks()) for k in keys}
    if not nums:
        return pa.table(fcols) if fcols else pa.table({}), fast_nums.tolist(), rejected
    all_nums = np.concatenate([fast_nums, np.asarray(nums, dtype=np.int64)])
    order = np.argsort(all_nums, kind="stable")
    cols: dict[str, pa.Array] = {}
    for k in keys:
        a, b = fcols[k], arrays[k]
        if a.type == b.type:
            cols[k] = pa.concat_arrays([a, b]).take(pa.array(order))
        else:  # the batch's own type inference, over both parts' values
            vals = a.to_pylist() + buf[k]
            cols[k] = tabular._jsonl_arrays({k: [vals[i] for i in order]})[k]
    return pa.table(cols), all_nums[order].tolist(), rejected


def _plain(arr: pa.Array) -> pa.Array:
    """DuckDB's Arrow types as ``pa.array`` infers them from Python values."""
    t = arr.type
    if pa.types.is_large_string(t):
        return arr.cast(pa.string())
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return arr.cast(STR_LIST)
    return arr
