"""Flattened X v2 tweets (one a line, ``twarc2 flatten`` or a collector's own) mapped in SQL.

Why: decoding and walking each tweet in Python cost ~40 µs, 10x DuckDB's parse of it. Here a
batch of lines is mapped by one DuckDB query to the rows ``x_v2`` makes of it; a line goes to
``x_v2``'s Python path instead when it holds anything that path treats specially or could read
differently: a page (``data``/``meta``), media (``attachments``), an inlined reply-to user or
expanded referenced tweets (more posts and users from one line), no ``entities`` (entities then
come from the text), a type other than the documented one in any field read, a time that is not
``YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z``, a hashtag or mention that is not plain printable ASCII
(Unicode case rules), repeated keys at the top level. So the SQL path is exact on the lines it
maps (``tests/ingest/test_fast_paths.py`` compares both paths on every fixture), and the rest
are read as before. Known difference: a key repeated *inside* a nested object (``author``,
``entities``) is read first-wins here, last-wins by Python (no writer emits that).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.ingest import fastlines, jsonlines, sqljson, x_v2
from vigie.ingest.model import BATCH_ROWS, Batch, RowBuffer
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA, STR_LIST

TOP = [
    "id",
    "author_id",
    "created_at",
    "text",
    "lang",
    "entities",
    "referenced_tweets",
    "author",
]
ROUTED_KEYS = ["data", "meta", "attachments", "in_reply_to_user"]
TIME_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z$"
ASCII_RE = "[^!-~]"

ENT = {
    "urls": [{"url": "VARCHAR", "expanded_url": "VARCHAR", "unwound_url": "VARCHAR"}],
    "hashtags": [{"tag": "VARCHAR"}],
    "mentions": [{"username": "VARCHAR"}],
}
AUTHOR = {
    "id": "JSON",
    "username": "JSON",
    "name": "JSON",
    "created_at": "JSON",
    "description": "JSON",
    "public_metrics": {
        "followers_count": "JSON",
        "following_count": "JSON",
        "tweet_count": "JSON",
    },
}


def _types_in(expr: str, path: str, allowed: tuple[str, ...]) -> str:
    """SQL: every value at the wildcard ``path`` of JSON ``expr`` has an allowed type."""
    ok = " OR ".join(f"y = '{a}'" for a in allowed)
    return (
        f"coalesce(list_bool_and(list_transform(json_type({expr}, {sqljson.quote(path)}), "
        f"lambda y: {ok})), true)"
    )


def _scalar_ok(x: str, *types: str) -> str:
    allowed = ", ".join(f"'{t}'" for t in ("NULL", *types))
    return f"({x} IS NULL OR json_type({x}) IN ({allowed}))"


def _str(x: str) -> str:
    return f"CASE WHEN json_type({x}) = 'VARCHAR' THEN {x} ->> '$' END"


def _int(x: str) -> str:
    return (
        f"CASE WHEN json_type({x}) IN ('BIGINT', 'UBIGINT') "
        f"THEN TRY_CAST({x} ->> '$' AS BIGINT) END"
    )


def _int_ok(x: str) -> str:
    """SQL: not an integer over 64 bits (Python keeps it, then drops it as wrong-typed)."""
    return (
        f"(json_type({x}) IS DISTINCT FROM 'UBIGINT' "
        f"OR TRY_CAST({x} ->> '$' AS BIGINT) IS NOT NULL)"
    )


def _plain_list(lst: str) -> str:
    """SQL: a list of strings holds only printable ASCII (no Unicode case or space rules)."""
    return (
        f"NOT coalesce(list_bool_or(list_transform({lst}, "
        f"lambda s: regexp_matches(s, '{ASCII_RE}'))), false)"
    )


def _clean(lst: str, lower: bool, strip: str) -> str:
    """SQL of ``clean_hashtags``/``clean_mentions`` over sorted distinct raw values."""
    body = f"ltrim(s, '{strip}')"
    if lower:
        body = f"lower({body})"
    cleaned = f"list_transform(list_sort(list_distinct({lst})), lambda s: {body})"
    return f"list_filter({cleaned}, lambda c, i: c <> '' AND list_position({cleaned}, c) = i)"


def build_sql() -> str:
    top = sqljson.structure({k: "JSON" for k in TOP})
    ent = sqljson.structure(ENT)
    author = sqljson.structure(AUTHOR)
    e = "j.entities"
    r = "j.referenced_tweets"
    a = "au"
    fast = " AND ".join(
        [
            "v",
            "len(k) = len(list_distinct(k))",
            "list_contains(k, 'id')",
            f"NOT list_has_any(k, {ROUTED_KEYS!r})",
            "json_type(j.id) = 'VARCHAR'",
            "json_type(j.author_id) = 'VARCHAR'",
            "json_type(j.created_at) = 'VARCHAR'",
            "j.id ->> '$' <> ''",
            "j.author_id ->> '$' <> ''",
            f"regexp_matches(j.created_at ->> '$', '{TIME_RE}')",
            _scalar_ok("j.text", "VARCHAR"),
            _scalar_ok("j.lang", "VARCHAR"),
            f"json_type({e}) = 'OBJECT'",
            f"len(json_keys({e})) > 0",
            _scalar_ok(f"({e} -> '$.urls')", "ARRAY"),
            _scalar_ok(f"({e} -> '$.hashtags')", "ARRAY"),
            _scalar_ok(f"({e} -> '$.mentions')", "ARRAY"),
            _types_in(e, "$.urls[*]", ("OBJECT",)),
            _types_in(e, "$.hashtags[*]", ("OBJECT",)),
            _types_in(e, "$.mentions[*]", ("OBJECT",)),
            _types_in(e, "$.urls[*].url", ("VARCHAR", "NULL")),
            _types_in(e, "$.urls[*].expanded_url", ("VARCHAR", "NULL")),
            _types_in(e, "$.urls[*].unwound_url", ("VARCHAR", "NULL")),
            _types_in(e, "$.hashtags[*].tag", ("VARCHAR",)),
            _types_in(e, "$.mentions[*].username", ("VARCHAR",)),
            _scalar_ok(r, "ARRAY"),
            _types_in(r, "$[*]", ("OBJECT",)),
            _types_in(r, "$[*].type", ("VARCHAR",)),
            _types_in(r, "$[*].id", ("VARCHAR",)),
            f"coalesce(list_bool_and(list_transform(from_json({r}, '[\"JSON\"]'), "
            "lambda x: list_has_all(['type', 'id'], json_keys(x)))), true)",
            _scalar_ok("j.author", "OBJECT"),
            f"({a} IS NULL OR {a}.id IS NULL OR json_type({a}.id) IN ('VARCHAR', 'NULL'))",
            f"({a} IS NULL OR coalesce({a}.created_at ->> '$', '') = '' OR "
            f"(json_type({a}.created_at) = 'VARCHAR' AND "
            f"regexp_matches({a}.created_at ->> '$', '{TIME_RE}')))",
            f"({a} IS NULL OR {_int_ok(a + '.public_metrics.followers_count')})",
            f"({a} IS NULL OR {_int_ok(a + '.public_metrics.following_count')})",
            f"({a} IS NULL OR {_int_ok(a + '.public_metrics.tweet_count')})",
        ]
    )
    tags = "list_transform(en.hashtags, lambda h: h.tag)"
    names = "list_transform(en.mentions, lambda m: m.username)"
    links = "list_filter(en.urls, lambda u: coalesce(u.url, '') <> '')"
    best = "CASE WHEN coalesce(u.unwound_url, '') <> '' THEN u.unwound_url ELSE u.expanded_url END"
    pairs = (
        f"list_filter(list_transform({links}, lambda u: {{'url': u.url, 'best': {best}}}), "
        "lambda p: coalesce(p.best, '') <> '')"
    )
    refs = 'from_json(j.referenced_tweets, \'[{"type": "VARCHAR", "id": "VARCHAR"}]\')'

    def ref(kind: str) -> str:
        return f"list_filter(coalesce({refs}, []), lambda x: x.type = '{kind}')[-1].id"

    mine = f"({a} IS NOT NULL AND {a}.id ->> '$' = j.author_id ->> '$')"
    return f"""
    WITH p AS (SELECT lineno, line, {sqljson.valid()} AS v FROM lines),
    q AS (SELECT lineno, line, v, CASE WHEN v THEN json_keys(line) END AS k,
                 CASE WHEN v THEN from_json(line, {top}) END AS j FROM p),
    w AS (SELECT *, CASE WHEN json_type(j.author) = 'OBJECT'
                         THEN from_json(j.author, {author}) END AS au FROM q),
    f AS (SELECT lineno, line, j, au, coalesce({fast}, false) AS fast FROM w),
    g AS (SELECT lineno, fast, line, j, au,
                 CASE WHEN fast THEN from_json(j.entities, {ent}) END AS en FROM f),
    h AS (SELECT lineno, line,
        j.id ->> '$' AS post_id,
        j.author_id ->> '$' AS account_id,
        TRY_CAST(j.created_at ->> '$' AS TIMESTAMPTZ) AS created_at,
        list_reduce(coalesce({pairs}, []), lambda acc, p: replace(acc, p.url, p.best),
                    coalesce(j.text ->> '$', '')) AS text,
        nullif(j.lang ->> '$', '') AS lang,
        list_transform({links}, lambda u: CASE WHEN coalesce({best}, '') <> '' THEN {best}
                       ELSE u.url END) AS links,
        coalesce({_clean(tags, True, "#")}, []) AS hashtags,
        coalesce({_clean(names, False, "@")}, []) AS mentions,
        {ref("retweeted")} AS repost_of,
        {ref("replied_to")} AS reply_to,
        {ref("quoted")} AS quote_of,
        CASE WHEN {mine} THEN {_str(f"{a}.username")} END AS handle,
        CASE WHEN {mine} THEN {_str(f"{a}.name")} END AS display_name,
        CASE WHEN {mine} AND coalesce({a}.created_at ->> '$', '') <> ''
             THEN date_trunc('second', TRY_CAST({a}.created_at ->> '$' AS TIMESTAMPTZ))
             END AS acc_created_at,
        CASE WHEN {mine} THEN {_int(f"{a}.public_metrics.followers_count")} END AS followers,
        CASE WHEN {mine} THEN {_int(f"{a}.public_metrics.following_count")} END AS following,
        CASE WHEN {mine} THEN {_int(f"{a}.public_metrics.tweet_count")} END AS posts_count,
        CASE WHEN {mine} THEN nullif({_str(f"{a}.description")}, '') END AS description,
        coalesce(fast AND {_plain_list(tags)} AND {_plain_list(names)}, false) AS plain
    FROM g)
    SELECT * EXCLUDE (line), CASE WHEN NOT plain THEN line END AS line
    FROM h ORDER BY lineno"""


SQL = build_sql()
FAST_MAX = 64 << 10
"""Longer lines (twarc2 pages: 120-150 KB) go straight to the Python path."""


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches of a file of X v2 tweets or pages, one a line."""
    if fastlines.env_disabled() or not jsonlines.is_line_file(path):
        yield from x_v2.read_python(path)
        return
    for lb in fastlines.line_batches(path, fastlines.record_limit(), BATCH_ROWS, FAST_MAX):
        out = sqljson.run(SQL, lines=lb.lines)
        ok = out.column("plain").to_numpy(zero_copy_only=False).astype(bool)
        slow = list(lb.slow)
        if not ok.all():
            back = out.filter(pa.array(~ok))
            for n, t in zip(
                back.column("lineno").to_pylist(), back.column("line").to_pylist(), strict=True
            ):
                raw = t.encode("utf-8")
                slow.append((n, raw, len(raw)))
            slow.sort()
            out = out.filter(pa.array(ok))
        yield _batch(path, out, slow, lb.records - len(slow))


def _batch(path: Path, fast: pa.Table, slow: list[tuple[int, bytes, int]], lines: int) -> Batch:
    """The batch of SQL-mapped rows and of the Python path's rows, in line order."""
    buf = RowBuffer()
    line_of_post: list[int] = []
    for lineno, raw, size in slow:
        before = len(buf.posts)
        x_v2.read_value(buf, path, lineno, jsonlines.decode(path, lineno, raw, size))
        line_of_post += [lineno] * (len(buf.posts) - before)
    records = lines + buf.records  # a page line holds many records
    py = buf.flush()
    posts, accounts = _tables(fast)
    if py.posts.num_rows:
        order = pa.array(
            np.argsort(
                np.concatenate(
                    [fast.column("lineno").to_numpy(), np.asarray(line_of_post, np.int64)]
                ),
                kind="stable",
            )
        )
        posts = pa.concat_tables([posts, py.posts]).take(order)
        accounts = pa.concat_tables([accounts, py.accounts]).take(order)
    return Batch(posts, accounts, py.rejected, py.skipped, records)


def _tables(t: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Canonical posts and accounts from the mapped rows (URLs keyed, text unescaped)."""
    n = t.num_rows
    from vigie.ingest.tabular import _map_list_values

    links = t.column("links").combine_chunks().cast(STR_LIST)
    keyed = _map_list_values(links, x_v2._link_key)
    urls = sqljson.run(
        "SELECT list_filter(list_sort(list_distinct(coalesce(u, []))), lambda x: x <> '') AS u "
        "FROM k",
        k=pa.table({"u": keyed}),
    ).column("u")
    text = t.column("text").combine_chunks()
    amp = pc.fill_null(pc.match_substring(text, "&"), False)
    if pc.any(amp).as_py():
        vals = text.to_pylist()
        for i in np.flatnonzero(amp.to_numpy(zero_copy_only=False)):
            vals[i] = html.unescape(vals[i])
        text = pa.array(vals, pa.string())
    x = pa.array(["x"] * n, pa.string())
    posts = pa.table(
        {
            "post_id": t.column("post_id"),
            "platform": x,
            "account_id": t.column("account_id"),
            "created_at": t.column("created_at"),
            "text": text,
            "lang": t.column("lang"),
            "urls": urls,
            "hashtags": t.column("hashtags"),
            "mentions": t.column("mentions"),
            "media": pa.array([[]] * n, STR_LIST),
            "repost_of": t.column("repost_of"),
            "reply_to": t.column("reply_to"),
            "quote_of": t.column("quote_of"),
        }
    )
    accounts = pa.table(
        {
            "account_id": t.column("account_id"),
            "platform": x,
            "handle": t.column("handle"),
            "display_name": t.column("display_name"),
            "created_at": t.column("acc_created_at"),
            "followers": t.column("followers"),
            "following": t.column("following"),
            "posts_count": t.column("posts_count"),
            "description": t.column("description"),
        }
    )
    return _conform(posts, POSTS_SCHEMA), _conform(accounts, ACCOUNTS_SCHEMA)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in schema], schema=schema)
