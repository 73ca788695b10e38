"""Mastodon statuses one a line, mapped in DuckDB SQL; other lines go to ``mastodon``'s Python.

Why: decoding and walking each status in Python cost ~30 µs, 20x DuckDB's parse of it. Here a
batch of lines is mapped by one query to the rows ``mastodon._one`` makes; a line goes to the
Python path instead when it holds anything that path treats specially or could read
differently: a page or a JSON array, a boost (``reblog``) or a quote (more posts from one
line), a status of a Mastodon fork (Truth Social, Gab: ``FORK_SQL``), a type other than the
documented one in a field read, a time that is not ``YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z`` within
1990-2100, a hashtag or mention that is not plain
printable ASCII, a repeated key at the top level or in ``account``, or anything the Python
reader refuses. HTML is stripped with the Python reader's own patterns (their ``\\s`` spelt as
Python's); the few texts holding ``&`` or edge whitespace are unescaped and stripped in Python.
Each distinct link is unescaped and canonicalised once. ``tests/ingest/test_fast_paths.py``
compares both paths. Known difference (as in ``x_sql``): a key repeated inside a tag, mention,
card or attachment object is read first-wins here, last-wins by Python.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.ingest import fastlines, jsonlines, mastodon, sqlbatch, sqljson, x_sql
from vigie.ingest.model import BATCH_ROWS, Batch, RowBuffer
from vigie.ingest.records import client_name, read_value
from vigie.ingest.urls import canonical_url

S = sqlbatch.PY_SPACE
BREAK_RE = f"(?i)<br{S}*/?>|</p>{S}*<p[^>]*>"
TAG_RE = "<[^>]+>"
A_RE = f"(?i)<a{S}[^>]*>"
HREF_RE = '(?i)href="([^"]+)"'
CLASS_RE = '(?i)class="([^"]*)"'
NONE = (None, "NULL")
STR = (*NONE, "VARCHAR")
YEARS = (sqlbatch.MIN_TS, sqlbatch.MAX_TS)
"""The times SQL maps (``sqlbatch.time_ok``): the Python reader refuses those outside."""

COUNTS = ("followers_count", "following_count", "statuses_count")
PATHS = [
    "$.id",
    "$.created_at",
    "$.content",
    "$.language",
    "$.in_reply_to_id",
    "$.reblog",
    "$.quote",
    "$.account",
    "$.account.id",
    "$.account.acct",
    "$.account.username",
    "$.account.display_name",
    "$.account.created_at",
    "$.account.note",
    *(f"$.account.{c}" for c in COUNTS),
    "$.card",
    "$.card.url",
    "$.application",
    "$.application.name",
    "$.media_attachments",
    "$.tags",
    "$.mentions",
]
"""The fields read, whose JSON types (``json_type``, one parse for all), with the keys of
the status and of its account (``json_keys``: a repeated key is read first-wins by SQL,
last-wins by Python, so such lines go to Python) and the merged structures of the three
lists, decide whether SQL maps a line. Why not ``json_structure`` of the whole line: it cost
more than the rest of the mapping."""
LISTS = {
    "media_attachments": {"url": STR, "remote_url": STR},
    "tags": {"name": (None, "VARCHAR")},
    "mentions": {"acct": (None, "VARCHAR")},
}

TYPED = {
    "id": "VARCHAR",
    "url": "VARCHAR",
    "uri": "VARCHAR",
    "created_at": "VARCHAR",
    "content": "VARCHAR",
    "language": "VARCHAR",
    "in_reply_to_id": "VARCHAR",
    "account": {
        "id": "VARCHAR",
        "acct": "VARCHAR",
        "username": "VARCHAR",
        "display_name": "VARCHAR",
        "created_at": "VARCHAR",
        "note": "VARCHAR",
        **{c: "HUGEINT" for c in COUNTS},
    },
    "card": {"url": "VARCHAR"},
    "media_attachments": "JSON",
    "tags": "JSON",
    "mentions": "JSON",
    "application": {"name": "VARCHAR"},
}
LIST_TYPED = {
    "media_attachments": [{"url": "VARCHAR", "remote_url": "VARCHAR"}],
    "tags": [{"name": "VARCHAR"}],
    "mentions": [{"acct": "VARCHAR"}],
}


def _unique(keys: Any) -> bool:
    return isinstance(keys, list) and len(set(keys)) == len(keys)


def verdict(shape: str, lists: str | None) -> int:
    """1 when lines of this shape (see ``PATHS``) and list structures are mapped in SQL."""
    doc = json.loads(shape)
    t = dict(zip(PATHS, doc["t"], strict=True))
    top, acc = doc["k"] or [None, None]
    if not (_unique(top) and "account" in top and "content" in top and "statuses" not in top):
        return 0
    if t["$.reblog"] not in NONE or t["$.quote"] not in NONE:
        return 0
    if t["$.id"] != "VARCHAR" or t["$.created_at"] != "VARCHAR":
        return 0
    if any(t[f"$.{k}"] not in STR for k in ("content", "language", "in_reply_to_id")):
        return 0
    if t["$.account"] != "OBJECT" or not _unique(acc) or t["$.account.id"] != "VARCHAR":
        return 0
    strings = ("acct", "username", "display_name", "created_at", "note")
    if any(t[f"$.account.{k}"] not in STR for k in strings):
        return 0
    if any(t[f"$.account.{c}"] not in (*NONE, "BIGINT", "UBIGINT") for c in COUNTS):
        return 0
    for obj, key in (("card", "url"), ("application", "name")):
        if t[f"$.{obj}"] not in (*NONE, "OBJECT") or t[f"$.{obj}.{key}"] not in STR:
            return 0
    if any(t[f"$.{k}"] not in (*NONE, "ARRAY") for k in LISTS):
        return 0
    structs = json.loads(lists) if lists else [None] * len(LISTS)
    return int(
        all(x_sql._items(st, keys) for st, keys in zip(structs, LISTS.values(), strict=True))
    )


FORK_SQL = (
    "NOT regexp_matches(coalesce(x.url, '') || ' ' || coalesce(x.uri, ''), "
    "'(?i)(truthsocial|gab)[.]com')"
)
"""A line whose link names a Mastodon fork (``mastodon.FORKS``) goes to Python, which tells
the fork (``mastodon.fork_of``) and rewrites a Truth Social quote (``truth_status``)."""


def _html_text(col: str) -> str:
    """SQL: ``mastodon.html_text`` up to its ``html.unescape`` and ``strip``."""
    brk = f"regexp_replace({col}, {sqljson.quote(BREAK_RE)}, chr(10), 'g')"
    return f"regexp_replace({brk}, '{TAG_RE}', '', 'g')"


def build_sql() -> str:
    typed = sqljson.structure(TYPED)
    a = "x.account"
    tags = "list_transform(x.tags, lambda h: h.name)"
    names = "list_transform(x.mentions, lambda m: m.acct)"
    anchors = f"regexp_extract_all(coalesce(x.content, ''), {sqljson.quote(A_RE)})"
    hrefs = (
        # the class is read once per anchor ("mention" or "hashtag" in it, as the Python
        # reader's two ``in`` tests; case-sensitive)
        f"list_filter(list_transform(list_filter({anchors}, lambda t: NOT regexp_matches("
        f"regexp_extract(t, {sqljson.quote(CLASS_RE)}, 1), 'mention|hashtag')), "
        f"lambda t: regexp_extract(t, {sqljson.quote(HREF_RE)}, 1)), lambda h: h <> '')"
    )
    media = (
        "list_filter(list_transform(coalesce(x.media_attachments, []), lambda m: "
        "CASE WHEN coalesce(m.remote_url, '') <> '' THEN m.remote_url ELSE m.url END), "
        "lambda u: coalesce(u, '') <> '')"
    )

    value_ok = " AND ".join(
        [
            "x.id <> ''",
            f"{a}.id <> ''",
            sqlbatch.time_ok("x.created_at", *YEARS),
            f"(coalesce({a}.created_at, '') = '' OR {sqlbatch.time_ok(f'{a}.created_at', *YEARS)})",
            x_sql._plain_list(tags),
            x_sql._plain_list(names),
            FORK_SQL,
            *(f"coalesce({a}.{c} <= {2**63 - 1}, true)" for c in COUNTS),
        ]
    )
    paths = "[" + ", ".join(sqljson.quote(p) for p in PATHS) + "]"
    frags = ", ".join(f"json_structure(x0.{k})" for k in LISTS)
    lists = ", ".join(
        f"{k} := from_json(x0.{k}, {sqljson.structure(LIST_TYPED[k])})" for k in LISTS
    )
    return f"""
    WITH v AS (SELECT lineno, line, {sqljson.valid()} AS v FROM lines),
    p00 AS (SELECT lineno,
        CASE WHEN v THEN to_json({{'t': json_type(line, {paths}),
                                   'k': json_keys(line, ['$', '$.account'])}}) END AS shape,
        CASE WHEN v THEN from_json(line, {typed}) END AS x0 FROM v),
    p0 AS (SELECT lineno, shape, to_json([{frags}]) AS fshape,
                  struct_update(x0, {lists}) AS x FROM p00),
    p AS (SELECT lineno, shape, fshape, x, {_html_text("coalesce(x.content, '')")} AS text,
                 list_transform({tags}, lambda s: lower(ltrim(s, '#'))) AS tags_c,
                 list_transform({names}, lambda s: ltrim(s, '@')) AS names_c FROM p0),
    h AS (SELECT lineno, shape, fshape,
        x.id AS post_id,
        {a}.id AS account_id,
        TRY_CAST(x.created_at AS TIMESTAMPTZ) AS created_at,
        text,
        contains(text, '&') OR regexp_full_match(left(text, 1), {sqljson.quote(S)})
            OR regexp_full_match(right(text, 1), {sqljson.quote(S)}) AS fix_text,
        nullif(x.language, '') AS lang,
        {hrefs} AS hrefs,
        CASE WHEN coalesce(x.card.url, '') <> '' THEN [x.card.url] ELSE [] END AS card,
        {media} AS media,
        coalesce({x_sql._dedup("tags_c")}, []) AS hashtags,
        coalesce({x_sql._dedup("names_c")}, []) AS mentions,
        nullif(x.in_reply_to_id, '') AS reply_to,
        x.application.name AS app,
        CASE WHEN coalesce({a}.acct, '') <> '' THEN {a}.acct ELSE {a}.username END AS handle,
        nullif({a}.display_name, '') AS display_name,
        CASE WHEN coalesce({a}.created_at, '') <> ''
             THEN TRY_CAST({a}.created_at AS TIMESTAMPTZ) END AS acc_created_at,
        TRY_CAST({a}.followers_count AS BIGINT) AS followers,
        TRY_CAST({a}.following_count AS BIGINT) AS following,
        TRY_CAST({a}.statuses_count AS BIGINT) AS posts_count,
        nullif({a}.note, '') AS note,
        x IS NOT NULL AND coalesce({value_ok}, false) AS plain
    FROM p)
    SELECT * FROM h ORDER BY lineno"""


SQL = build_sql()


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from Mastodon statuses (same Dataset as ``mastodon.read``)."""
    if fastlines.env_disabled() or not jsonlines.is_line_file(path):
        yield from mastodon.read_python(path, platform)
        return
    verdicts: dict[tuple[str, str | None], int] = {}
    batches = fastlines.line_batches(
        path, fastlines.record_limit(), BATCH_ROWS, max_bytes=sqlbatch.BATCH_BYTES
    )
    for lb, out in sqljson.run_ahead(SQL, batches):
        plain = out.column("plain").to_numpy(zero_copy_only=False).astype(bool)
        keep = sqlbatch.shape_verdicts(out, np.flatnonzero(plain), verdicts, verdict) > 0
        slow = list(lb.slow)
        sqlbatch.keep_rows(lb.lines, keep, slow)
        out = out.filter(pa.array(keep)) if not keep.all() else out
        yield _batch(path, out, slow, lb.records - len(slow))


def _read_one(path: Path):  # noqa: ANN202
    def one(buf: RowBuffer, lineno: int, value: Any) -> None:
        for _ in read_value(buf, path, lineno, value, mastodon._unwrap, mastodon._one, "status"):
            pass

    return one


def _batch(path: Path, fast: pa.Table, slow: list[tuple[int, bytes, int]], lines: int) -> Batch:
    py, post_lines, account_lines = sqlbatch.python_part(path, slow, _read_one(path))
    posts, accounts = _tables(fast)
    nums = fast.column("lineno").to_numpy()
    posts = sqlbatch.in_line_order(posts, nums, py.posts, post_lines)
    accounts = sqlbatch.in_line_order(accounts, nums, py.accounts, account_lines)
    return Batch(posts, accounts, py.rejected, py.skipped, lines + py.records)


@lru_cache(maxsize=1 << 16)
def _href_key(u: str) -> str:
    """A link's key as ``mastodon._links`` and ``canonical_urls`` make it (links repeat)."""
    return canonical_url(html.unescape(u))


def _fixed_text(text: pa.Array, fix: pa.Array) -> pa.Array:
    """``html.unescape`` and ``strip`` of the texts SQL flagged (``&`` or edge whitespace)."""
    fix_np = fix.to_numpy(zero_copy_only=False).astype(bool)
    if not fix_np.any():
        return text
    vals = text.to_pylist()
    for i in np.flatnonzero(fix_np):
        vals[i] = html.unescape(vals[i]).strip()
    return pa.array(vals, pa.string())


def _note_text(v: str | None) -> str | None:
    return None if v is None else mastodon.html_text(v)


def _tables(t: pa.Table) -> tuple[pa.Table, pa.Table]:
    n = t.num_rows
    col = lambda k: t.column(k).combine_chunks()  # noqa: E731
    urls = sqlbatch.first_seen(
        sqlbatch.map_list_urls(col("hrefs"), _href_key, escaped=True),
        sqlbatch.map_list_urls(col("card"), canonical_url),
    )
    media = sqlbatch.first_seen(sqlbatch.map_list_urls(col("media"), canonical_url))
    platform = pa.array([mastodon.PLATFORM] * n, pa.string())
    posts = sqlbatch.posts_table(
        {
            "post_id": col("post_id"),
            "platform": platform,
            "account_id": col("account_id"),
            "created_at": col("created_at"),
            "text": _fixed_text(col("text").cast(pa.string()), col("fix_text")),
            "lang": col("lang"),
            "urls": urls,
            "hashtags": col("hashtags"),
            "mentions": col("mentions"),
            "media": media,
            "repost_of": pa.nulls(n, pa.string()),
            "reply_to": col("reply_to"),
            "quote_of": pa.nulls(n, pa.string()),
            "client": sqlbatch.map_distinct(col("app").cast(pa.string()), client_name, pa.string()),
        }
    )
    accounts = sqlbatch.accounts_table(
        {
            "account_id": col("account_id"),
            "platform": platform,
            "handle": col("handle"),
            "display_name": col("display_name"),
            "created_at": col("acc_created_at"),
            "followers": col("followers"),
            "following": col("following"),
            "posts_count": col("posts_count"),
            "description": sqlbatch.map_distinct(
                col("note").cast(pa.string()), _note_text, pa.string()
            ),
        }
    )
    return posts, accounts
