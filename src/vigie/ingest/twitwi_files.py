"""Files written by médialab's tools: ``minet`` and ``gazouilloire`` X/Twitter exports and
``minet``'s Bluesky exports, all in the fields of the twitwi library that formats them: as CSV,
or as JSON lines (the same fields, lists as arrays; gazouilloire's Elasticsearch dump wraps
each tweet in a search hit, ``{"_index", "_id", "_source": {...}}``, unwrapped here).

Why a reader of its own: these are the CSVs French and European election research went
through (gazouilloire's corpora, ``minet tw``/``minet bsky`` collections). Their columns are
twitwi's, not the platform's, so a generic ``--map`` would lose the reposts, the lists and the
times written as POSIX seconds.

Tweets (twitwi ``TWEET_FIELDS``): ``id``, ``timestamp_utc`` (POSIX seconds, written
``1610005273.0``), ``local_time`` (local, not read), ``user_screen_name``, ``text`` (a retweet's
is ``RT @user: ...``), ``lang``, ``to_tweetid`` (replied-to tweet), ``source_name``,
``user_id``, ``user_name``, ``user_description``, ``user_tweets``, ``user_followers``,
``user_friends``, ``user_timestamp_utc``, ``retweeted_id``, ``quoted_id``, and lists separated
by ``|``: ``links`` (redirections resolved), ``media_urls``, ``mentioned_names``, ``hashtags``
(lower-cased). A row collected only because another tweet retweeted or quoted it
(``collected_via`` = ``retweet``/``quote``) is a tweet like any other.

Bluesky posts (twitwi ``BlueskyPost``): ``uri`` (the post id, as the JSON reader's),
``user_did``, ``user_handle``, ``user_display_name`` (``user_name`` in early versions),
``timestamp_utc``, ``original_text`` (the author's words; ``text`` adds the quoted post's,
read when ``original_text`` is absent), ``user_langs``, ``to_post_uri``, ``quoted_uri``,
``links``, ``media_urls`` (their blob CIDs are the media), ``mentioned_user_handles``,
``hashtags``. A row with ``repost_by_user_did`` is a post seen through a repost: it gives the
post and a repost row, ``<uri>#repost:<did>`` by that account at ``repost_timestamp_utc``,
as the JSON reader does for a feed's ``reasonRepost``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.bluesky import split_media
from vigie.ingest.json_array import starts_with_json
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    client_name,
    profile_time,
    read_items,
    time_of,
)
from vigie.ingest.urls import clean_hashtags, clean_mentions
from vigie.ingest.x_csv import _count, _id, _media, _val
from vigie.ingest.x_v2 import _link_key

TWEETS = "twitwi"
BLUESKY = "twitwi-bluesky"
TWEET_COLUMNS = ("id", "timestamp_utc", "user_id", "user_screen_name", "text")
BLUESKY_COLUMNS = ("uri", "cid", "user_did", "timestamp_utc", "text")


def shape(header: Iterable[str]) -> str | None:
    """``twitwi`` or ``twitwi-bluesky`` from a CSV header or a JSON record's keys, else None."""
    cols = set(header)
    if set(BLUESKY_COLUMNS) <= cols:
        return BLUESKY
    if set(TWEET_COLUMNS) <= cols:
        return TWEETS
    return None


def json_shape(obj: dict[str, Any]) -> str | None:
    """``shape`` of one decoded JSON record, inside an Elasticsearch hit's ``_source`` too."""
    return shape(_unwrap(obj))


def _unwrap(obj: Any) -> Any:
    """An Elasticsearch hit's ``_source``, with the hit's ``_id`` as ``id`` when the source
    has none (gazouilloire keys each tweet by its id and leaves it out of the source)."""
    source = obj.get("_source") if isinstance(obj, dict) else None
    if not isinstance(source, dict):
        return obj
    if "id" not in source and "uri" not in source and obj.get("_id") is not None:
        return {**source, "id": obj["_id"]}
    return source


def pipe_list(row: dict[str, Any], col: str) -> list[str]:
    """A twitwi list: an array in JSON, a cell with items separated by ``|`` in CSV."""
    items = row.get(col)
    if isinstance(items, list):
        return [str(x).strip() for x in items if x is not None and str(x).strip()]
    v = _val(row, col)
    return [x.strip() for x in v.split("|") if x.strip()] if v else []


def _when(row: dict[str, Any], col: str) -> Any:
    v = _val(row, col)
    if v is None:
        raise Missing(col)
    return time_of(v, col)


LISTS = {"links", "hashtags", "mentioned_names", "media_urls", "user_langs"}
LISTS |= {"mentioned_user_handles"}


def _record(row: Any) -> dict[str, Any]:
    """A CSV row (refused when it has more cells than the header) or a JSON record, whose
    values other than twitwi's lists must be single values: an object where a text or an id
    belongs is refused by name, never stored as its Python spelling."""
    if not isinstance(row, dict) or "_extra" in row:
        return csv_rows.whole(row)
    for key, value in row.items():
        if isinstance(value, dict | list) and key not in LISTS and key in READ:
            raise BadField(key, f"{type(value).__name__}, not a single value")
    return row


READ = {"id", "timestamp_utc", "text", "lang", "retweeted_id", "to_tweetid", "quoted_id"}
READ |= {"source_name", "user_id", "user_screen_name", "user_name", "user_timestamp_utc"}
READ |= {"user_followers", "user_friends", "user_tweets", "user_description"}
READ |= {"uri", "user_did", "original_text", "to_post_uri", "quoted_uri", "user_handle"}
READ |= {"user_display_name", "repost_by_user_did", "repost_by_user_handle"}
READ |= {"repost_timestamp_utc", "repost_created_at"}
"""The single-valued fields the readers take (``_record`` checks their type)."""


def _tweet(row: Any) -> Mapped:
    row = _record(row)
    account = _id(row, "user_id", required=True)
    post = {
        "post_id": _id(row, "id", required=True),
        "platform": "x",
        "account_id": account,
        "created_at": _when(row, "timestamp_utc"),
        "text": _val(row, "text") or "",
        "lang": _val(row, "lang"),
        "urls": sorted({_link_key(u) for u in pipe_list(row, "links")} - {""}),
        "hashtags": clean_hashtags(pipe_list(row, "hashtags")),
        "mentions": clean_mentions(pipe_list(row, "mentioned_names")),
        "media": _media(pipe_list(row, "media_urls")),
        "repost_of": _id(row, "retweeted_id"),
        "reply_to": _id(row, "to_tweetid"),
        "quote_of": _id(row, "quoted_id"),
        "client": client_name(row.get("source_name")),
    }
    acc = {
        "account_id": account,
        "platform": "x",
        "handle": _val(row, "user_screen_name"),
        "display_name": _val(row, "user_name"),
        "created_at": profile_time(_val(row, "user_timestamp_utc"), "user_timestamp_utc"),
        "followers": _count(_val(row, "user_followers")),
        "following": _count(_val(row, "user_friends")),
        "posts_count": _count(_val(row, "user_tweets")),
        "description": _val(row, "user_description"),
    }
    return [post], [acc]


def _bluesky(row: Any) -> Mapped:
    row = _record(row)
    uri = csv_rows.need_cell(row, "uri")
    account = csv_rows.need_cell(row, "user_did")
    langs = pipe_list(row, "user_langs")
    text = _val(row, "original_text") if "original_text" in row else _val(row, "text")
    cids, other = split_media(pipe_list(row, "media_urls"))
    post = {
        "post_id": uri,
        "platform": "bluesky",
        "account_id": account,
        "created_at": _when(row, "timestamp_utc"),
        "text": text,
        "lang": langs[0] if langs else None,
        "urls": sorted({_link_key(u) for u in [*pipe_list(row, "links"), *other]} - {""}),
        "hashtags": clean_hashtags(pipe_list(row, "hashtags")),
        "mentions": clean_mentions(pipe_list(row, "mentioned_user_handles")),
        "media": cids,
        "repost_of": None,
        "reply_to": _val(row, "to_post_uri"),
        "quote_of": _val(row, "quoted_uri"),
    }
    acc = {
        "account_id": account,
        "platform": "bluesky",
        "handle": _val(row, "user_handle"),
        "display_name": csv_rows.cell(row, "user_display_name", "user_name"),
        "created_at": profile_time(_val(row, "user_timestamp_utc"), "user_timestamp_utc"),
    }
    posts, accounts = [post], [acc]
    by = _val(row, "repost_by_user_did")
    if by is not None:
        when = csv_rows.need_cell(row, "repost_timestamp_utc", "repost_created_at")
        posts.append(
            {
                "post_id": f"{uri}#repost:{by}",
                "platform": "bluesky",
                "account_id": by,
                "created_at": time_of(when, "repost_timestamp_utc"),
                "text": None,
                "urls": [],
                "hashtags": [],
                "mentions": [],
                "media": [],
                "repost_of": uri,
            }
        )
        accounts.append(
            {
                "account_id": by,
                "platform": "bluesky",
                "handle": _val(row, "repost_by_user_handle"),
            }
        )
    return posts, accounts


def _read(path: Path, kind: str) -> Iterator[Batch]:
    one = _bluesky if kind == BLUESKY else _tweet
    what = "post" if kind == BLUESKY else "tweet"
    if starts_with_json(path):  # each record is checked for its fields as it is read
        return read_items(path, lambda v: [_unwrap(v)], one, what)
    header = csv_rows.header_of(path)
    if shape(header) != kind:
        need = BLUESKY_COLUMNS if kind == BLUESKY else TWEET_COLUMNS
        what_file = "a minet/twitwi Bluesky CSV" if kind == BLUESKY else "a minet/gazouilloire CSV"
        csv_rows.need_columns(path, header, need, what_file)
    return read_items(path, lambda v: [v], one, what, values=csv_rows.rows(path))


def read_tweets(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from minet / gazouilloire tweets (twitwi's fields)."""
    return _read(path, TWEETS)


def read_bluesky(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from minet's Bluesky posts (twitwi's fields)."""
    return _read(path, BLUESKY)
