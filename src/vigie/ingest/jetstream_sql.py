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

import pyarrow as pa
import pyarrow.compute as pc

from vigie.ingest import fastlines, jetstream, jsonlines, sqlbatch, sqljson, x_sql
from vigie.ingest.bluesky import PLATFORM
from vigie.ingest.model import BATCH_ROWS, MAX_TS_US, MIN_TS_US, Batch, Rejected, RowBuffer
from vigie.ingest.urls import canonical_url

NONE = (None, "NULL")
STR = (*NONE, "VARCHAR")
INT = ("BIGINT", "UBIGINT")

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
            "facets": [{"features": [{"$type": "VARCHAR", "uri": "VARCHAR", "tag": "VARCHAR"}]}],
        },
    },
}


def _post_ok(rec: Any) -> bool:
    """A post record's structure the SQL maps (no embed; see module doc)."""
    if not isinstance(rec, dict) or rec.get("text") != "VARCHAR":
        return False
    if rec.get("createdAt") != "VARCHAR" or rec.get("embed") not in NONE:
        return False
    langs = rec.get("langs")
    if langs not in NONE and langs not in (["VARCHAR"], ["NULL"]):
        return False
    reply = rec.get("reply")
    if reply not in NONE:
        if not isinstance(reply, dict):
            return False
        parent = reply.get("parent")
        if parent not in NONE and not (isinstance(parent, dict) and parent.get("uri") in STR):
            return False
    feats = {"$type": ("VARCHAR",), "uri": STR, "tag": STR}
    facets = rec.get("facets")
    if facets in NONE or facets == ["NULL"]:
        return True
    if not (isinstance(facets, list) and len(facets) == 1 and isinstance(facets[0], dict)):
        return False
    return x_sql._items(facets[0].get("features"), feats)


def _repost_ok(rec: Any) -> bool:
    if not isinstance(rec, dict) or rec.get("createdAt") not in STR:
        return False
    subject = rec.get("subject")
    return isinstance(subject, dict) and subject.get("uri") == "VARCHAR"


def verdict(text: str) -> tuple[int, int, int, int]:
    """For lines of structure ``text``: the key counts they must have (top level, commit,
    record; -1 for absent) and what SQL may map (0: nothing, 1: skips, 2: reposts too,
    3: posts too); (-1, -1, -1, 0) when nothing."""
    st = json.loads(text)
    no = (-1, -1, -1, 0)
    if not isinstance(st, dict) or st.get("did") != "VARCHAR" or st.get("kind") != "VARCHAR":
        return no
    if st.get("time_us") not in INT:
        return no
    commit = st.get("commit")
    if not isinstance(commit, dict):
        return no
    if commit.get("operation") != "VARCHAR" or commit.get("collection") != "VARCHAR":
        return no
    rec = commit.get("record")
    level = 1
    if commit.get("rkey") == "VARCHAR" and _repost_ok(rec):
        level = 2
    if commit.get("rkey") == "VARCHAR" and _post_ok(rec):
        level = 3
    return len(st), len(commit), len(rec) if isinstance(rec, dict) else -1, level


STRUCT_SQL = f"""
    SELECT lineno, CASE WHEN v THEN len(json_keys(line)) END AS nk,
           CASE WHEN v THEN len(json_keys(line, '$.commit')) END AS nkc,
           CASE WHEN v THEN coalesce(len(json_keys(line, '$.commit.record')), -1) END AS nkr,
           CASE WHEN v THEN json_structure(line) END AS st
    FROM (SELECT lineno, line, {sqljson.valid()} AS v FROM lines)
    ORDER BY lineno"""


def build_sql() -> str:
    typed = sqljson.structure(TYPED)
    c, r = "x.commit", "x.commit.record"
    feats = f"flatten(list_transform(coalesce({r}.facets, []), lambda f: coalesce(f.features, [])))"

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
            "level >= 3",
            f"{r}.text IS NOT NULL",
            time_ok,
            f"(coalesce(len({r}.langs), 0) = 0 OR {r}.langs[1] IS NOT NULL)",
            f"coalesce(list_bool_and(list_transform(coalesce({r}.facets, []), "
            "lambda f: f IS NOT NULL)), true)",
            "coalesce(list_bool_and(list_transform(feats, lambda f: f IS NOT NULL "
            "AND NOT suffix(f.\"$type\", '#mention'))), true)",
            x_sql._plain_list("tags"),
        ]
    )
    repost_ok = (
        f"level >= 2 AND coalesce({r}.subject.uri, '') <> '' AND "
        f"(coalesce({r}.createdAt, '') = '' OR {time_ok})"
    )
    create = f"{c}.operation = 'create'"
    kind = f"""CASE
        WHEN x.kind = 'identity' OR level < 1 THEN NULL
        WHEN x.kind <> 'commit' THEN 'skip'
        WHEN {create} AND {c}.collection = '{jetstream.POST}' THEN
             CASE WHEN {post_ok} THEN 'post' END
        WHEN {create} AND {c}.collection = '{jetstream.REPOST}' THEN
             CASE WHEN {repost_ok} THEN 'repost' END
        ELSE 'skip' END"""
    return f"""
    WITH p0 AS (SELECT lineno, line, level, from_json(line, {typed}) AS x FROM lines),
    p1 AS (SELECT *, {feats} AS feats FROM p0),
    p AS (SELECT *, {tags} AS tags, {links} AS links FROM p1),
    q AS (SELECT lineno, line, x, tags, links,
                 list_transform(tags, lambda s: lower(ltrim(s, '#'))) AS tags_c,
                 CASE WHEN x.did <> '' AND x.time_us >= {MIN_TS_US} AND x.time_us < {MAX_TS_US}
                      THEN {kind} END AS what FROM p)
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
        CASE WHEN what IS NULL THEN line END AS line
    FROM q ORDER BY lineno"""


SQL = build_sql()


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from a Jetstream log (same Dataset as ``jetstream.read``)."""
    if fastlines.env_disabled() or not jsonlines.is_line_file(path):
        yield from jetstream.read_python(path)
        return
    verdicts: dict[str, tuple[int, int, int, int]] = {}
    cursor: int | None = None
    for lb in fastlines.line_batches(path, fastlines.record_limit(), BATCH_ROWS):
        shapes = sqljson.run(STRUCT_SQL, lines=lb.lines)
        st = shapes.column("st").combine_chunks().dictionary_encode()
        uniq = st.dictionary.to_pylist()
        for u in uniq:
            if u not in verdicts:
                verdicts[u] = verdict(u)
        idx = st.indices
        want = [pa.array([verdicts[u][i] for u in uniq], pa.int64()).take(idx) for i in range(4)]
        ok = pc.and_(
            pc.and_(
                pc.equal(shapes.column("nk").combine_chunks(), want[0]),
                pc.equal(shapes.column("nkc").combine_chunks(), want[1]),
            ),
            pc.and_(
                pc.equal(shapes.column("nkr").combine_chunks(), want[2]),
                pc.greater(want[3], 0),
            ),
        )
        mapped = pc.fill_null(ok, False).to_numpy(zero_copy_only=False)
        slow = list(lb.slow)
        lines = lb.lines.append_column("level", want[3])
        lines = sqlbatch.keep_rows(lines, mapped, slow)
        out = sqljson.run(SQL, lines=lines)
        fast = pc.is_valid(out.column("what")).to_numpy(zero_copy_only=False)
        out = sqlbatch.keep_rows(out, fast, slow)
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
