"""Flattened X v2 tweets (one a line, ``twarc2 flatten`` or a collector's own) mapped in SQL.

Why: decoding and walking each tweet in Python cost ~40 µs, 10x DuckDB's parse of it. Here a
batch of lines is mapped by one DuckDB query to the rows ``x_v2`` makes of it; a line goes to
``x_v2``'s Python path instead when it holds anything that path treats specially or could read
differently: a page (``data``/``meta``), media (``attachments``), an inlined reply-to user or
expanded referenced tweets (more posts and users from one line), no ``entities`` (entities then
come from the text), a long post's ``note_tweet`` without a text or ``entities``, a type other
than the documented one in any field read, a time that is not ``YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z``
(and a real one: not 30 February, not hour 24), a hashtag or mention that is not plain printable
ASCII (Unicode case rules), a key repeated at the top level or in ``entities``, ``author``, its
``public_metrics``, ``note_tweet`` or its ``entities``. A long post's note is read here as in
Python (its text and entities stand for the tweet's). The types are read in the same
query as the mapping (``json_type`` of the fields read, ``json_keys`` of the objects read, the
merged structure of the small list fragments), judged once per distinct shape. So the SQL path
is exact on the lines it maps (``tests/ingest/test_fast_paths.py`` compares both paths on every
fixture), and the rest are read as before. Known difference: a key repeated inside an item of
a list (a URL, hashtag, mention or reference object) is read first-wins here, last-wins by
Python (no writer emits that).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.ingest import fastlines, jsonlines, sqlbatch, sqljson, x_v2
from vigie.ingest.model import BATCH_ROWS, Batch, RowBuffer
from vigie.ingest.records import client_name
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA, STR_LIST

ROUTED_KEYS = {"data", "meta", "attachments", "in_reply_to_user", "author_user"}
ASCII_RE = "[^!-~]"
NONE = (None, "NULL")  # a key absent, or null

TYPED = {
    "id": "VARCHAR",
    "author_id": "VARCHAR",
    "created_at": "VARCHAR",
    "text": "VARCHAR",
    "lang": "VARCHAR",
    "source": "VARCHAR",
    "entities": {"urls": "JSON", "hashtags": "JSON", "mentions": "JSON"},
    "note_tweet": {
        "text": "VARCHAR",
        "entities": {"urls": "JSON", "hashtags": "JSON", "mentions": "JSON"},
    },
    "referenced_tweets": "JSON",
    "author": {
        "id": "VARCHAR",
        "username": "VARCHAR",
        "name": "VARCHAR",
        "created_at": "VARCHAR",
        "description": "VARCHAR",
        "public_metrics": {
            "followers_count": "HUGEINT",
            "following_count": "HUGEINT",
            "tweet_count": "HUGEINT",
        },
    },
}
METRICS = ("followers_count", "following_count", "tweet_count")
LISTS = {
    "entities.urls": [
        {
            "url": "VARCHAR",
            "expanded_url": "VARCHAR",
            "unwound_url": "VARCHAR",
            "media_key": "VARCHAR",
            "display_url": "VARCHAR",
        }
    ],
    "entities.hashtags": [{"tag": "VARCHAR"}],
    "entities.mentions": [{"username": "VARCHAR"}],
    "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}],
}
"""List fields, read as JSON fragments: their merged structure (``json_structure`` of the
small fragment) is judged, then they are typed (``from_json`` of the fragment)."""
AUTHOR = ("id", "username", "name", "created_at", "description")
PATHS = [
    "$.id",
    "$.author_id",
    "$.created_at",
    "$.text",
    "$.lang",
    "$.source",
    "$.entities",
    "$.author",
    *(f"$.author.{k}" for k in AUTHOR),
    "$.author.public_metrics",
    *(f"$.author.public_metrics.{m}" for m in METRICS),
    "$.note_tweet",
    "$.note_tweet.text",
    "$.note_tweet.entities",
]
"""The scalar and object fields read: their JSON types (one ``json_type`` for all), the keys of
the objects read (``json_keys``) and the list fragments' structures decide whether a line is
mapped in SQL. Why not ``json_structure`` of the whole line: it cost as much as the mapping."""
KEYED = [
    "$",
    "$.entities",
    "$.author",
    "$.author.public_metrics",
    "$.note_tweet",
    "$.note_tweet.entities",
]
NOTE = "x0.note_tweet IS NOT NULL"
"""A long post (``x_v2._text_entities``): its note's text and entities stand for the tweet's.
The list fragments judged and typed are those of the entities read, the note's or the tweet's."""


def _items(node: Any, keys: dict[str, tuple[Any, ...]]) -> bool:
    """A list node of ``json_structure``: objects whose listed keys have allowed types."""
    if node in NONE:
        return True
    if not isinstance(node, list) or len(node) != 1:
        return False
    item = node[0]
    if item == "NULL":  # an empty list
        return True
    return isinstance(item, dict) and all(item.get(k) in ok for k, ok in keys.items())


def _cleaned(lst: str, lower: bool, strip: str) -> str:
    """SQL: the sorted distinct raw values of ``lst``, each cleaned (``#``/``@`` stripped,
    hashtags lower-cased); ``_dedup`` then keeps each cleaned value's first occurrence."""
    body = f"ltrim(s, '{strip}')"
    if lower:
        body = f"lower({body})"
    return f"list_transform(list_sort(list_distinct({lst})), lambda s: {body})"


def _dedup(col: str) -> str:
    """SQL of ``clean_hashtags``/``clean_mentions`` over a ``_cleaned`` column: non-empty
    values, first occurrences only. Why a column: written inline, the cleaned list was built
    again inside the lambda for every item (0.4 s of 1.4 s per 100,000 tweets)."""
    return f"list_filter({col}, lambda c, i: c <> '' AND list_position({col}, c) = i)"


def _plain_list(lst: str) -> str:
    """SQL: a list of strings holds no null and only printable ASCII (Python's ``strip`` and
    ``lower`` differ from SQL's beyond it)."""
    return (
        f"coalesce(list_bool_and(list_transform({lst}, "
        f"lambda s: s IS NOT NULL AND NOT regexp_matches(s, '{ASCII_RE}'))), true)"
    )


def _unique(keys: Any, empty_ok: bool = True) -> bool:
    return isinstance(keys, list) and len(set(keys)) == len(keys) and (empty_ok or bool(keys))


def shape_verdict(shape: str, lists: str | None) -> int:
    """1 when lines of this shape (see ``PATHS``) and list structures are mapped in SQL, as
    ``structure_ok`` decides from a whole line's structure; 0 otherwise. Stricter than it on
    repeated keys: one in ``entities``, ``author`` or its metrics also goes to Python."""
    doc = json.loads(shape)
    t = dict(zip(PATHS, doc["t"], strict=True))
    top, ent, au, pm, note, note_ent = doc["k"] or [None] * len(KEYED)
    if not _unique(top) or ROUTED_KEYS & set(top):
        return 0
    if t["$.note_tweet"] not in NONE and not (
        t["$.note_tweet"] == "OBJECT"
        and _unique(note)
        and t["$.note_tweet.text"] == "VARCHAR"
        and t["$.note_tweet.entities"] == "OBJECT"
        and _unique(note_ent, empty_ok=False)
    ):
        return 0  # no text (a refusal) or no entities (read from the text): Python's
    if any(t[f"$.{k}"] != "VARCHAR" for k in ("id", "author_id", "created_at")):
        return 0
    if any(t[f"$.{k}"] not in (*NONE, "VARCHAR") for k in ("text", "lang", "source")):
        return 0
    if t["$.entities"] != "OBJECT" or not _unique(ent, empty_ok=False):
        return 0  # absent, null or {}: entities come from the text
    urls, tags, names, refs = json.loads(lists) if lists else [None] * len(LISTS)
    opt = (*NONE, "VARCHAR")
    if not (
        _items(
            urls,
            {
                "url": opt,
                "expanded_url": opt,
                "unwound_url": opt,
                "media_key": opt,
                "display_url": opt,
            },
        )
        and _items(tags, {"tag": (None, "VARCHAR")})
        and _items(names, {"username": (None, "VARCHAR")})
        and _items(refs, {"type": ("VARCHAR",), "id": ("VARCHAR",)})
    ):
        return 0
    if isinstance(refs, list) and isinstance(refs[0], dict) and set(refs[0]) - {"type", "id"}:
        return 0  # expanded referenced tweets: more posts and users, Python's job
    if t["$.author"] in NONE:
        return 1
    if t["$.author"] != "OBJECT" or not _unique(au, empty_ok=False):
        return 0
    for k in AUTHOR:
        if t[f"$.author.{k}"] not in (None, "VARCHAR") and not (
            k != "id" and t[f"$.author.{k}"] == "NULL"
        ):
            return 0
    if t["$.author.public_metrics"] in NONE:
        return 1
    if t["$.author.public_metrics"] != "OBJECT" or not _unique(pm, empty_ok=False):
        return 0
    return int(all(t[f"$.author.public_metrics.{m}"] in (*NONE, *INTS) for m in METRICS))


INTS = ("BIGINT", "UBIGINT")


def build_sql() -> str:
    """The mapping of the ``lines`` whose structure passed ``structure_ok``."""
    typed = sqljson.structure(TYPED)
    tags = "list_transform(x.entities.hashtags, lambda h: h.tag)"
    names = "list_transform(x.entities.mentions, lambda m: m.username)"
    # ``x_v2.is_media_link``: the photo's own link is no shared URL and leaves the text
    media = " OR ".join(
        ["coalesce(u.media_key, '') <> ''"]
        + [f"starts_with(coalesce(u.display_url, ''), '{h}')" for h in x_v2.MEDIA_HOSTS]
    )
    links = f"list_filter(x.entities.urls, lambda u: coalesce(u.url, '') <> '' AND NOT ({media}))"
    pics = f"list_filter(x.entities.urls, lambda u: coalesce(u.url, '') <> '' AND ({media}))"
    trailing = " || ".join(f"chr({ord(c)})" for c in x_v2.TRAILING)
    best = "CASE WHEN coalesce(u.unwound_url, '') <> '' THEN u.unwound_url ELSE u.expanded_url END"
    pairs = (
        f"list_filter(list_transform({links}, lambda u: {{'url': u.url, 'best': {best}}}), "
        "lambda p: coalesce(p.best, '') <> '')"
    )
    refs = "coalesce(x.referenced_tweets, [])"
    text = (
        f"list_reduce(coalesce({pairs}, []), lambda acc, p: replace(acc, p.url, p.best), "
        "coalesce(x.text, ''))"
    )

    def ref(kind: str) -> str:
        return f"list_filter({refs}, lambda r: r.type = '{kind}')[-1].id"

    a = "x.author"
    mine = f"({a}.id IS NOT NULL AND {a}.id = x.author_id)"
    big = 2**63 - 1

    def metric(m: str) -> str:
        return f"CASE WHEN {mine} THEN TRY_CAST({a}.public_metrics.{m} AS BIGINT) END"

    value_ok = " AND ".join(
        [
            "x.id <> ''",
            "x.author_id <> ''",
            sqlbatch.time_ok("x.created_at"),
            f"(coalesce({a}.created_at, '') = '' OR {sqlbatch.time_ok(f'{a}.created_at')})",
            _plain_list(tags),
            _plain_list(names),
            f"coalesce(list_bool_and(list_transform({refs}, "
            "lambda r: r.type IS NOT NULL AND r.id IS NOT NULL)), true)",
            *(f"coalesce({a}.public_metrics.{m} <= {big}, true)" for m in METRICS),
        ]
    )
    paths = "[" + ", ".join(sqljson.quote(p) for p in PATHS) + "]"
    keyed = "[" + ", ".join(sqljson.quote(p) for p in KEYED) + "]"
    read = f"(CASE WHEN {NOTE} THEN x0.note_tweet.entities ELSE x0.entities END)"

    def frag(k: str) -> str:
        return f"{read}.{k.split('.')[1]}" if k.startswith("entities.") else f"x0.{k}"

    frags = ", ".join(f"json_structure({frag(k)})" for k in LISTS)
    ent = ", ".join(
        f"{k.split('.')[1]} := from_json({frag(k)}, {sqljson.structure(v)})"
        for k, v in LISTS.items()
        if k.startswith("entities.")
    )
    refs_t = sqljson.structure(LISTS["referenced_tweets"])
    return f"""
    WITH v AS (SELECT lineno, line, {sqljson.valid()} AS v FROM lines),
    p00 AS (SELECT lineno, line,
        CASE WHEN v THEN to_json({{'t': json_type(line, {paths}),
                                   'k': json_keys(line, {keyed})}}) END AS shape,
        CASE WHEN v THEN from_json(line, {typed}) END AS x0 FROM v),
    p0 AS (SELECT lineno, line, shape, to_json([{frags}]) AS fshape, x0 IS NOT NULL AS parsed,
        struct_update(x0, entities := struct_pack({ent}),
                      text := CASE WHEN {NOTE} THEN x0.note_tweet.text ELSE x0.text END,
                      referenced_tweets := from_json(x0.referenced_tweets, {refs_t})) AS x
        FROM p00),
    p AS (SELECT lineno, line, shape, fshape, parsed, x, {_cleaned(tags, True, "#")} AS tags_c,
                 {_cleaned(names, False, "@")} AS names_c FROM p0),
    h AS (SELECT lineno, shape, fshape,
        x.id AS post_id,
        x.author_id AS account_id,
        TRY_CAST(x.created_at AS TIMESTAMPTZ) AS created_at,
        CASE WHEN len(coalesce({pics}, [])) > 0
             THEN rtrim(list_reduce({pics}, lambda acc, u: replace(acc, u.url, ''), {text}),
                        {trailing})
             ELSE {text} END AS text,
        CASE WHEN x.lang IN ('', 'und') THEN NULL ELSE x.lang END AS lang,
        x.source AS source,
        list_transform({links}, lambda u: CASE WHEN coalesce({best}, '') <> '' THEN {best}
                       ELSE u.url END) AS links,
        coalesce({_dedup("tags_c")}, []) AS hashtags,
        coalesce({_dedup("names_c")}, []) AS mentions,
        {ref("retweeted")} AS repost_of,
        {ref("replied_to")} AS reply_to,
        {ref("quoted")} AS quote_of,
        CASE WHEN {mine} THEN {a}.username END AS handle,
        CASE WHEN {mine} THEN {a}.name END AS display_name,
        CASE WHEN {mine} AND coalesce({a}.created_at, '') <> ''
             THEN date_trunc('second', TRY_CAST({a}.created_at AS TIMESTAMPTZ))
             END AS acc_created_at,
        {metric("followers_count")} AS followers,
        {metric("following_count")} AS following,
        {metric("tweet_count")} AS posts_count,
        CASE WHEN {mine} THEN nullif({a}.description, '') END AS description,
        parsed AND coalesce({value_ok}, false) AS plain
    FROM p)
    SELECT * FROM h ORDER BY lineno"""


SQL = build_sql()
FAST_MAX = 64 << 10
"""Longer lines (twarc2 pages: 120-150 KB) go straight to the Python path."""
BATCH_BYTES = 32 << 20
"""A batch ends at 20,000 lines or 32 MB of them (~250 twarc2 pages), whichever comes first."""


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches of a file of X v2 tweets or pages, one a line."""
    if fastlines.env_disabled() or not jsonlines.is_line_file(path):
        yield from x_v2.read_python(path)
        return
    verdicts: dict[tuple[str, str | None], int] = {}
    lines_of = fastlines.line_batches(
        path, fastlines.record_limit(), BATCH_ROWS, FAST_MAX, BATCH_BYTES
    )
    for lb, out in sqljson.run_ahead(SQL, lines_of):
        plain = out.column("plain").to_numpy(zero_copy_only=False).astype(bool)
        keep = sqlbatch.shape_verdicts(out, np.flatnonzero(plain), verdicts, shape_verdict) > 0
        slow = list(lb.slow)
        sqlbatch.keep_rows(lb.lines, keep, slow)
        out = out.filter(pa.array(keep)) if not keep.all() else out
        slow.sort()
        yield _batch(path, out, slow, lb.records - len(slow))


def _batch(path: Path, fast: pa.Table, slow: list[tuple[int, bytes, int]], lines: int) -> Batch:
    """The batch of SQL-mapped rows and of the Python path's rows, in line order."""
    buf = RowBuffer()
    line_of_post: list[int] = []
    line_of_account: list[int] = []  # one a post, but a saved includes object has more
    for lineno, raw, size in slow:
        before, before_acc = len(buf.posts), len(buf.accounts)
        x_v2.read_value(buf, path, lineno, jsonlines.decode(path, lineno, raw, size))
        line_of_post += [lineno] * (len(buf.posts) - before)
        line_of_account += [lineno] * (len(buf.accounts) - before_acc)
    records = lines + buf.records  # a page line holds many records
    py = buf.flush()
    posts, accounts = _tables(fast)
    fast_lines = fast.column("lineno").to_numpy()
    if py.posts.num_rows:
        posts = pa.concat_tables([posts, py.posts]).take(_line_order(fast_lines, line_of_post))
    if py.accounts.num_rows:
        order = _line_order(fast_lines, line_of_account)
        accounts = pa.concat_tables([accounts, py.accounts]).take(order)
    return Batch(posts, accounts, py.rejected, py.skipped, records)


def _line_order(fast_lines: np.ndarray, slow_lines: list[int]) -> pa.Array:
    """The rows of the SQL path (one a line of ``fast_lines``) and of the Python path (from
    the lines ``slow_lines``) in line order, each part's own order kept."""
    both = np.concatenate([fast_lines, np.asarray(slow_lines, np.int64)])
    return pa.array(np.argsort(both, kind="stable"))


def _clients(source: pa.ChunkedArray) -> pa.Array:
    """``client_name`` of each tweet's ``source``, run once per distinct app (a handful)."""
    enc = source.combine_chunks().dictionary_encode()
    names = pa.array([client_name(v) for v in enc.dictionary.to_pylist()], pa.string())
    return names.take(enc.indices)


def _tables(t: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Canonical posts and accounts from the mapped rows (URLs keyed, text unescaped)."""
    n = t.num_rows
    links = t.column("links").combine_chunks().cast(STR_LIST)
    keyed = sqlbatch.map_list_urls(links, x_v2._link_key)
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
            "client": _clients(t.column("source")),
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
