"""Bluesky Jetstream events mapped in DuckDB SQL; other lines go to ``jetstream``'s Python.

Why: decoding and walking each event in Python cost ~30 µs, 10x DuckDB's parse of it. Here a
batch of lines is mapped by one query: post creations without an embed or a mention facet,
repost creations, and the commits the reader skips (likes, follows, deletes...), which are
counted by the same reason. A line goes to the Python path instead when it holds anything that
path treats specially or could read differently: identity and account events, embeds
(quotes, images, cards), mention facets (the handle is a byte slice of the text), a type
other than the documented one in a field read, a time that is not
``YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z``, a hashtag that is not plain printable ASCII, a ``time_us``
out of range, a repeated key at the top level, in ``commit`` or in its ``record``, or
anything the Python reader refuses. Each distinct link is canonicalised once.
``tests/ingest/test_fast_paths.py`` compares both paths. Known difference (as in ``x_sql``):
a key repeated inside a facet or feature object is read first-wins here, last-wins by Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.ingest import fastlines, jetstream, jsonlines, sqlbatch, sqljson, x_sql
from vigie.ingest.bluesky import PLATFORM
from vigie.ingest.model import BATCH_ROWS, MAX_TS_US, MIN_TS_US, Batch, Rejected, RowBuffer
from vigie.ingest.urls import canonical_url

NONE = (None, "NULL")
STR = (*NONE, "VARCHAR")
INT = ("BIGINT", "UBIGINT")

R = "$.commit.record"
PATHS = [
    "$.did",
    "$.time_us",
    "$.kind",
    "$.commit",
    "$.commit.operation",
    "$.commit.collection",
    "$.commit.rkey",
    R,
    f"{R}.text",
    f"{R}.createdAt",
    f"{R}.embed",
    f"{R}.langs",
    f"{R}.langs[0]",
    f"{R}.reply",
    f"{R}.reply.parent",
    f"{R}.reply.parent.uri",
    f"{R}.facets",
    f"{R}.subject",
    f"{R}.subject.uri",
]
"""The fields read, whose JSON types (``json_type``, one parse for all) decide with the keys
of the three objects read (``json_keys``: a repeated key is read first-wins by SQL, last-wins
by Python, so such lines go to Python) and the facets' merged structure what SQL may map.
Why not ``json_structure`` of the whole line: it cost more than the rest of the mapping."""

TYPED = {
    "did": "VARCHAR",
    "time_us": "HUGEINT",
    "kind": "VARCHAR",
    "commit": {
        "operation": "VARCHAR",
        "collection": "VARCHAR",
        "rkey": "VARCHAR",
        "record": {
            "text": "VARCHAR",
            "createdAt": "VARCHAR",
            "langs": ["VARCHAR"],
            "reply": {"parent": {"uri": "VARCHAR"}},
            "subject": {"uri": "VARCHAR"},
            "facets": "JSON",
        },
    },
}
FACETS = [{"features": [{"$type": "VARCHAR", "uri": "VARCHAR", "tag": "VARCHAR"}]}]
NEED = {"skip": 1, "repost": 2, "post": 3}


def _facets_ok(text: str | None) -> bool:
    """Facets of this ``json_structure`` (of the facets alone) are mapped in SQL."""
    if text is None:
        return True
    facets = json.loads(text)
    if facets in NONE or facets == ["NULL"]:
        return True
    if not (isinstance(facets, list) and len(facets) == 1 and isinstance(facets[0], dict)):
        return False
    return x_sql._items(facets[0].get("features"), {"$type": ("VARCHAR",), "uri": STR, "tag": STR})


def _unique(keys: Any) -> bool:
    return isinstance(keys, list) and len(set(keys)) == len(keys)


def verdict(shape: str, facets: str | None) -> int:
    """What SQL may map of lines of this shape (see ``PATHS``) and facets structure: 0
    nothing, 1 skipped commits, 2 reposts too, 3 posts too."""
    doc = json.loads(shape)
    t = dict(zip(PATHS, doc["t"], strict=True))
    keys = doc["k"] or [None, None, None]
    if not (_unique(keys[0]) and t["$.did"] == "VARCHAR" and t["$.kind"] == "VARCHAR"):
        return 0
    if t["$.time_us"] not in INT or t["$.commit"] != "OBJECT" or not _unique(keys[1]):
        return 0
    if t["$.commit.operation"] != "VARCHAR" or t["$.commit.collection"] != "VARCHAR":
        return 0
    if t["$.commit.rkey"] != "VARCHAR" or t[R] != "OBJECT" or not _unique(keys[2]):
        return 1
    level = 1
    if t[f"{R}.createdAt"] in STR and t[f"{R}.subject"] == "OBJECT":
        level = 2 if t[f"{R}.subject.uri"] == "VARCHAR" else 1
    if t[f"{R}.text"] != "VARCHAR" or t[f"{R}.createdAt"] != "VARCHAR":
        return level
    if t[f"{R}.embed"] not in NONE or t[f"{R}.langs"] not in (*NONE, "ARRAY"):
        return level
    if t[f"{R}.langs"] == "ARRAY" and t[f"{R}.langs[0]"] not in (None, "VARCHAR"):
        return level
    reply, parent = t[f"{R}.reply"], t[f"{R}.reply.parent"]
    if reply not in (*NONE, "OBJECT"):
        return level
    if reply == "OBJECT" and parent not in (*NONE, "OBJECT"):
        return level
    if parent == "OBJECT" and t[f"{R}.reply.parent.uri"] not in STR:
        return level
    if t[f"{R}.facets"] not in (*NONE, "ARRAY") or not _facets_ok(facets):
        return level
    return 3


def build_sql() -> str:
    typed = sqljson.structure(TYPED)
    paths = "[" + ", ".join(sqljson.quote(p) for p in PATHS) + "]"
    c, r = "x.commit", "x.commit.record"
    feats = "flatten(list_transform(coalesce(facets, []), lambda f: coalesce(f.features, [])))"

    def of(kind: str, key: str) -> str:
        return (
            f"list_transform(list_filter(feats, lambda f: suffix(f.\"$type\", '#{kind}') "
            f"AND coalesce(f.{key}, '') <> ''), lambda f: f.{key})"
        )

    tags, links = of("tag", "tag"), of("link", "uri")
    time_ok = x_sql._time_ok(f"{r}.createdAt")
    cleaned = x_sql._dedup("tags_c")
    post_ok = " AND ".join(
        [
            f"{r}.text IS NOT NULL",
            time_ok,
            f"(coalesce(len({r}.langs), 0) = 0 OR {r}.langs[1] IS NOT NULL)",
            "coalesce(list_bool_and(list_transform(coalesce(facets, []), "
            "lambda f: f IS NOT NULL)), true)",
            "coalesce(list_bool_and(list_transform(feats, lambda f: f IS NOT NULL "
            "AND NOT suffix(f.\"$type\", '#mention'))), true)",
            x_sql._plain_list("tags"),
        ]
    )
    repost_ok = (
        f"coalesce({r}.subject.uri, '') <> '' AND (coalesce({r}.createdAt, '') = '' OR {time_ok})"
    )
    create = f"{c}.operation = 'create'"
    kind = f"""CASE
        WHEN x.kind = 'identity' OR {c} IS NULL THEN NULL
        WHEN x.kind <> 'commit' THEN 'skip'
        WHEN {create} AND {c}.collection = '{jetstream.POST}' THEN
             CASE WHEN {post_ok} THEN 'post' END
        WHEN {create} AND {c}.collection = '{jetstream.REPOST}' THEN
             CASE WHEN {repost_ok} THEN 'repost' END
        ELSE 'skip' END"""
    return f"""
    WITH p AS (SELECT lineno, line, {sqljson.valid()} AS v FROM lines),
    p00 AS (SELECT lineno, line,
        CASE WHEN v THEN to_json({{'t': json_type(line, {paths}),
                                   'k': json_keys(line, ['$', '$.commit', '{R}'])}}) END AS shape,
        CASE WHEN v THEN from_json(line, {typed}) END AS x FROM p),
    p0 AS (SELECT *, json_structure({r}.facets) AS fshape,
                  from_json({r}.facets, {sqljson.structure(FACETS)}) AS facets FROM p00),
    p1 AS (SELECT *, {feats} AS feats FROM p0),
    p2 AS (SELECT *, {tags} AS tags, {links} AS links FROM p1),
    q AS (SELECT lineno, x, tags, links, shape, fshape,
                 list_transform(tags, lambda s: lower(ltrim(s, '#'))) AS tags_c,
                 CASE WHEN x.did <> '' AND x.time_us >= {MIN_TS_US} AND x.time_us < {MAX_TS_US}
                      THEN {kind} END AS what FROM p2)
    SELECT lineno, what, x.did AS account_id, TRY_CAST(x.time_us AS BIGINT) AS time_us,
        CASE WHEN what = 'skip' THEN
             CASE WHEN x.kind <> 'commit' THEN 'jetstream: ' || x.kind || ' event (not a post)'
                  ELSE 'jetstream: ' || {c}.operation || ' ' || {c}.collection
                       || ' (not a new post or repost)' END END AS skip,
        'at://' || x.did || '/' || {c}.collection || '/' || {c}.rkey AS post_id,
        CASE WHEN coalesce({r}.createdAt, '') <> '' THEN TRY_CAST({r}.createdAt AS TIMESTAMPTZ)
             ELSE to_timestamp(0) + to_microseconds(TRY_CAST(x.time_us AS BIGINT))
             END AS created_at,
        CASE WHEN what = 'post' THEN {r}.text END AS text,
        CASE WHEN what = 'post' AND len({r}.langs) > 0 THEN {r}.langs[1] END AS lang,
        CASE WHEN what = 'post' THEN links ELSE [] END AS links,
        CASE WHEN what = 'post' THEN coalesce({cleaned}, []) ELSE [] END AS hashtags,
        CASE WHEN what = 'repost' THEN {r}.subject.uri END AS repost_of,
        CASE WHEN what = 'post' THEN nullif({r}.reply.parent.uri, '') END AS reply_to,
        shape, fshape
    FROM q ORDER BY lineno"""


SQL = build_sql()


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from a Jetstream log (same Dataset as ``jetstream.read``)."""
    if fastlines.env_disabled() or not jsonlines.is_line_file(path):
        yield from jetstream.read_python(path)
        return
    verdicts: dict[tuple[str, str | None], int] = {}
    cursor: int | None = None
    batches = fastlines.line_batches(
        path, fastlines.record_limit(), BATCH_ROWS, max_bytes=sqlbatch.BATCH_BYTES
    )
    for lb in batches:
        out = sqljson.run(SQL, lines=lb.lines)
        need = pc.fill_null(
            pc.index_in(out.column("what"), pa.array(list(NEED))), len(NEED)
        ).to_numpy(zero_copy_only=False)
        cand = np.flatnonzero(need < len(NEED))
        levels = sqlbatch.shape_verdicts(out, cand, verdicts, verdict)
        required = np.array([NEED[k] for k in NEED] + [99])[need]
        keep = levels >= required
        slow = list(lb.slow)
        sqlbatch.keep_rows(lb.lines, keep, slow)
        out = out.filter(pa.array(keep)) if not keep.all() else out
        batch, cur = _batch(path, out, slow, lb.records - len(slow))
        if cur is not None and (cursor is None or cur > cursor):
            cursor = cur
        yield jetstream._with_cursor(batch, cursor)


def _batch(
    path: Path, fast: pa.Table, slow: list[tuple[int, bytes, int]], lines: int
) -> tuple[Batch, int | None]:
    cursor: list[int] = []

    def one(buf: RowBuffer, lineno: int, value: Any) -> None:
        if isinstance(value, Rejected):
            buf.records += 1
            buf.rejected.append(value)
            return
        t = jetstream._event(buf, path, lineno, value)
        if t is not None:
            cursor.append(t)

    py, post_lines, account_lines = sqlbatch.python_part(path, slow, one)
    if fast.num_rows:
        cursor.append(pc.max(fast.column("time_us")).as_py())
    skipped = dict(py.skipped)
    skips = fast.column("skip").drop_null().value_counts().to_pylist()
    for item in skips:
        skipped[item["values"]] = skipped.get(item["values"], 0) + item["counts"]
    rows = fast.filter(pc.is_in(fast.column("what"), pa.array(["post", "repost"])))
    posts, accounts = _tables(rows)
    nums = rows.column("lineno").to_numpy()
    posts = sqlbatch.in_line_order(posts, nums, py.posts, post_lines)
    accounts = sqlbatch.in_line_order(accounts, nums, py.accounts, account_lines)
    batch = Batch(posts, accounts, py.rejected, skipped, lines + py.records)
    return batch, max(cursor) if cursor else None


def _tables(t: pa.Table) -> tuple[pa.Table, pa.Table]:
    n = t.num_rows
    col = lambda k: t.column(k).combine_chunks()  # noqa: E731
    urls = sqlbatch.first_seen(sqlbatch.map_list_values(col("links"), canonical_url))
    platform = pa.array([PLATFORM] * n, pa.string())
    empty = pa.array([[]] * n, sqlbatch.STR_LIST)
    nulls = pa.nulls(n, pa.string())
    posts = sqlbatch.posts_table(
        {
            "post_id": col("post_id"),
            "platform": platform,
            "account_id": col("account_id"),
            "created_at": col("created_at"),
            "text": col("text"),
            "lang": col("lang"),
            "urls": urls,
            "hashtags": col("hashtags"),
            "mentions": empty,
            "media": empty,
            "repost_of": col("repost_of"),
            "reply_to": col("reply_to"),
            "quote_of": nulls,
            "client": nulls,
        }
    )
    accounts = sqlbatch.accounts_table(
        {
            "account_id": col("account_id"),
            "platform": platform,
            **{
                k: pa.nulls(n, f.type)
                for k, f in ((f.name, f) for f in sqlbatch.ACCOUNTS_SCHEMA)
                if k not in ("account_id", "platform")
            },
        }
    )
    return posts, accounts
