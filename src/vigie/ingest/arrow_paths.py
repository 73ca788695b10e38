"""Dotted paths into a Parquet file's nested columns (``--map account_id=user.id``).

Why: Parquet written from nested JSON (a dataset hub's tweets, a DuckDB or Spark export of an
API's responses) keeps records as struct columns: ``user: struct<id, name, ...>``. Such a
column cannot be mapped as a whole (no field reads a record), so the same dotted names that
read nested JSON Lines (``tabular.json_path_value``) read here the struct's fields, with
Arrow's kernels, batch by batch. Through a list of records the path takes every item's value
(``entities.hashtags.tag`` -> a list of tags); one list level at most, so that the result is
a value or a list of values, what fields hold.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def _is_list(t: pa.DataType) -> bool:
    return pa.types.is_list(t) or pa.types.is_large_list(t)


def path_type(schema: pa.Schema, path: str) -> pa.DataType | None:
    """The type the dotted ``path`` reads in ``schema``; None when it leads nowhere, or
    through more than one list."""
    head, *rest = path.split(".")
    if not rest or head not in schema.names:
        return None
    t, listed = schema.field(head).type, None
    for key in rest:
        if _is_list(t):
            if listed is not None:
                return None
            listed, t = t, t.value_type
        if not pa.types.is_struct(t) or t.get_field_index(key) < 0:
            return None
        t = t.field(t.get_field_index(key)).type
    if listed is None:
        return t
    if _is_list(t):
        return None  # a list of lists: no field holds that
    return pa.large_list(t) if pa.types.is_large_list(listed) else pa.list_(t)


def paths_found(schema: pa.Schema, wanted: list[str]) -> list[str]:
    """The dotted names of ``wanted`` that are no column of ``schema`` but a path into one."""
    return [
        w
        for w in dict.fromkeys(wanted)
        if "." in w and w not in schema.names and path_type(schema, w) is not None
    ]


def with_paths(schema: pa.Schema, paths: frozenset[str] | set[str]) -> pa.Schema:
    """``schema`` with a field per path, of the type it reads (for the type checks)."""
    for p in sorted(paths):
        t = path_type(schema, p)
        if t is not None and p not in schema.names:
            schema = schema.append(pa.field(p, t))
    return schema


def extract(arr: pa.Array, keys: list[str]) -> pa.Array:
    """The values at ``keys`` (a path without its column) of the struct array ``arr``.

    A null record on the way gives a null; through a list, a list of the items' values
    (a null list stays null)."""
    for i, key in enumerate(keys):
        if _is_list(arr.type):
            inner = extract(pc.list_flatten(arr), keys[i:])
            offsets = pc.subtract(arr.offsets, arr.offsets[0])
            kind = pa.LargeListArray if pa.types.is_large_list(arr.type) else pa.ListArray
            return kind.from_arrays(offsets, inner, mask=arr.is_null())
        arr = pc.struct_field(arr, key)
    return arr


def add_paths(table: pa.Table, paths: frozenset[str] | set[str]) -> pa.Table:
    """``table`` with a column per dotted path, read from its struct column."""
    for p in sorted(paths):
        head, *rest = p.split(".")
        col = table.column(head).combine_chunks()
        table = table.append_column(p, extract(col, rest))
    return table
