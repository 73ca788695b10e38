"""X/Twitter collections published as CSV by the tools most datasets went through:
``twarc2 csv`` (the twarc-csv plugin, API v2), R's rtweet (``write_as_csv``/``save_as_csv``,
API v1.1; the input of many CooRTweet analyses) and twarc (1)'s ``json2csv.py``.

twarc-csv (github.com/DocNow/twarc-csv, ``DEFAULT_TWEET_COLUMNS``): one flattened tweet per
row, dotted column names: ``id``, ``author_id``, ``created_at`` (ISO 8601), ``text`` (newlines
written as ``\\n``), ``lang``, ``source``, ``referenced_tweets.replied_to.id``,
``referenced_tweets.retweeted.id``, ``referenced_tweets.quoted.id``, ``entities.hashtags``
(JSON list of ``"#tag"``), ``entities.mentions`` (``"@user"``), ``entities.urls`` (expanded
URLs), ``attachments.media`` (JSON list of media objects), ``author.username``,
``author.name``, ``author.created_at``, ``author.description``,
``author.public_metrics.followers_count`` / ``following_count`` / ``tweet_count``. A retweet's
text and entities are those of the retweeted tweet (twarc-csv merges them).

rtweet (``rtweet::tweets_data`` columns, rtweet < 1.0): ``user_id``, ``status_id``,
``created_at`` (``2020-01-31 12:00:00``, UTC), ``screen_name``, ``text``, ``source``,
``reply_to_status_id``, ``is_retweet``, ``retweet_status_id``, ``quoted_status_id``,
``hashtags``, ``urls_expanded_url``, ``ext_media_url`` (else ``media_url``; not
``media_expanded_url``, the tweet's page), ``mentions_screen_name`` (lists
pasted with spaces, or R's ``c("a", "b")``), ``lang``, ``name``, ``followers_count``,
``friends_count``, ``statuses_count``, ``account_created_at``, ``description``. Ids may carry
rtweet's ``x`` prefix (``prepend_ids``, against spreadsheet rounding): it is removed. ``NA`` is
a missing value.

twarc (1) ``utils/json2csv.py`` (and tools that copied its columns, e.g. TweetSets): ``id``,
``tweet_url``, ``created_at`` (v1.1 form ``Wed Oct 10 20:19:24 +0000 2018``),
``parsed_created_at``, ``user_screen_name``, ``text``, ``tweet_type`` (original, retweet,
quote, reply), ``hashtags``, ``media``, ``urls`` (space-separated), ``in_reply_to_status_id``,
``lang``, ``retweet_or_quote_id`` (``reweet_or_quote_id`` in old versions), ``source``,
``user_id``, ``user_created_at``, ``user_description``, ``user_followers_count``,
``user_friends_count``, ``user_statuses_count``, ``user_name``... ``retweet_or_quote_id`` is
``repost_of`` or ``quote_of`` as ``tweet_type`` says; mentions are read from the text.

All three map to the canonical fields of the JSON readers (URLs normalised like twitwi, hashtags
lower-case, mentions without ``@``); required per row: the tweet id, the author id, the time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows, x_media
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Missing, client_name, profile_time, read_items
from vigie.ingest.urls import clean_hashtags, clean_mentions, mentions_in_text
from vigie.ingest.x_v1 import tweet_lang, v1_time
from vigie.ingest.x_v2 import _link_key

PLATFORM = "x"
TWARC = {
    "post_id": "id",
    "account_id": "author_id",
    "created_at": "created_at",
    "text": "text",
    "lang": "lang",
    "urls": "entities.urls",
    "hashtags": "entities.hashtags",
    "mentions": "entities.mentions",
    "media": "attachments.media",
    "repost_of": "referenced_tweets.retweeted.id",
    "reply_to": "referenced_tweets.replied_to.id",
    "quote_of": "referenced_tweets.quoted.id",
    "handle": "author.username",
    "display_name": "author.name",
    "account_created_at": "author.created_at",
    "followers": "author.public_metrics.followers_count",
    "following": "author.public_metrics.following_count",
    "posts_count": "author.public_metrics.tweet_count",
    "description": "author.description",
}
RTWEET = {
    "post_id": "status_id",
    "account_id": "user_id",
    "created_at": "created_at",
    "text": "text",
    "lang": "lang",
    "urls": "urls_expanded_url",
    "hashtags": "hashtags",
    "mentions": "mentions_screen_name",
    # the photos' and GIFs' own addresses (every photo: ``ext_``), as the v1.1 reader keys
    # ``media_url_https``; ``media_expanded_url`` is the tweet's page (``.../photo/1``)
    "media": "ext_media_url",
    "media_else": "media_url",
    "repost_of": "retweet_status_id",
    "reply_to": "reply_to_status_id",
    "quote_of": "quoted_status_id",
    "handle": "screen_name",
    "display_name": "name",
    "account_created_at": "account_created_at",
    "followers": "followers_count",
    "following": "friends_count",
    "posts_count": "statuses_count",
    "description": "description",
}
TWARC1 = {
    "post_id": "id",
    "account_id": "user_id",
    "created_at": "created_at",
    "text": "text",
    "lang": "lang",
    "urls": "urls",
    "hashtags": "hashtags",
    "mentions": "mentions",  # json2csv writes none: read from the text
    "media": "media",
    "repost_of": "retweet_or_quote_id",  # with tweet_type: retweet or quote
    "reply_to": "in_reply_to_status_id",
    "quote_of": "retweet_or_quote_id",
    "handle": "user_screen_name",
    "display_name": "user_name",
    "account_created_at": "user_created_at",
    "followers": "user_followers_count",
    "following": "user_friends_count",
    "posts_count": "user_statuses_count",
    "description": "user_description",
}
MISSING = {"", "na", "nan", "none", "null", "[]"}
R_LIST_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')
ID_RE = re.compile(r"x?(\d+)(?:\.0)?")


def shape(header: list[str]) -> str | None:
    """``twarc-csv``, ``rtweet`` or ``twarc1-csv`` from a CSV header, else None."""
    cols = set(header)
    if {"id", "author_id", "created_at", "text"} <= cols and (
        "referenced_tweets.retweeted.id" in cols or "author.username" in cols
    ):
        return "twarc-csv"
    if {"status_id", "user_id", "created_at", "screen_name", "text"} <= cols:
        return "rtweet"
    if {"id", "user_id", "created_at", "text", "tweet_type", "user_screen_name"} <= cols:
        return "twarc1-csv"
    return None


def _val(row: dict[str, Any], col: str) -> str | None:
    v = row.get(col)
    if v is None:
        return None
    v = str(v).strip()
    return None if v.lower() in MISSING else v


def _need(row: dict[str, Any], *cols: str) -> str:
    """The first of ``cols`` holding a value (``_val``: ``NA``, ``null``... are none), or
    ``Missing`` naming the first: the column an analyst would look for."""
    for col in cols:
        v = _val(row, col)
        if v is not None:
            return v
    raise Missing(cols[0])


def _id(row: dict[str, Any], col: str, required: bool = False) -> str | None:
    v = _val(row, col)
    if v is None:
        if required:
            raise Missing(col)
        return None
    m = ID_RE.fullmatch(v)
    if m:
        return m.group(1)
    if required:
        raise BadField(col, f"not a tweet or user id: {v[:40]!r}")
    return v


def _items(v: str | None) -> list[Any]:
    """A list cell in any of the written forms: JSON, R ``c(...)``, ``[a, b]``, space/pipe."""
    if v is None:
        return []
    if v.startswith(("[", "{")):
        try:
            out = json.loads(v)
        except (ValueError, RecursionError):  # ValueError: a too long integer too
            return csv_rows.list_cell(v) if v.startswith("[") else []
        return out if isinstance(out, list) else []
    if v.startswith("c("):
        return R_LIST_RE.findall(v)
    return [p for p in re.split(r"[\s|,]+", v) if p and p.upper() != "NA"]


def _media(items: list[Any]) -> list[str]:
    """The ``media`` of a cell: twarc-csv's v2 media objects, or URLs (rtweet, twarc's
    json2csv, twitwi's ``media_urls``). A video or GIF is its ``x_media`` key, found in its
    ``media_key`` or in the shape of its URL (twitwi writes a video's best variant), so that
    it matches the same video read from JSON or collected at another time; other URLs are
    keyed like links."""
    out: dict[str, None] = {}
    for m in items:
        url = key = None
        if isinstance(m, dict):
            variants = [v for v in m.get("variants") or [] if isinstance(v, dict) and v.get("url")]
            key = x_media.key_of_object(
                m, [*(v["url"] for v in variants), m.get("url"), m.get("preview_image_url")]
            )
            if variants:
                url = max(variants, key=lambda v: v.get("bit_rate") or 0)["url"]
            else:
                url = m.get("url") or m.get("preview_image_url")
        elif isinstance(m, str):
            url = m
            key = x_media.key_of_url(m)
        if key is not None:
            out[key] = None
        elif isinstance(url, str) and url:
            out[_link_key(url)] = None
    return list(out)


def _count(v: str | None) -> int | None:
    if v is None:
        return None
    try:
        f = float(v.replace(",", ""))
    except ValueError:
        return None
    return int(f) if f.is_integer() and f >= 0 else None


def _expanded(row: dict[str, Any], text: str) -> str:
    """An rtweet text as the v1.1 reader makes the tweet's: each ``t.co`` link of
    ``urls_t.co`` replaced by its ``urls_expanded_url``, those of ``media_t.co`` (the photos'
    own link) taken out. Why: the same tweet read from its JSON and from rtweet's CSV had two
    texts (a merge conflict, and copypasta compared one with its ``t.co`` links)."""
    if "t.co/" not in text:
        return text
    shorts = _items(_val(row, "urls_t.co"))
    longs = _items(_val(row, "urls_expanded_url"))
    if len(shorts) == len(longs):
        for short, long in zip(shorts, longs, strict=True):
            if isinstance(short, str) and isinstance(long, str) and short and long:
                text = text.replace(short, long)
    for short in _items(_val(row, "media_t.co")):
        if isinstance(short, str) and short:
            text = text.replace(short, "").rstrip()
    return text


def _mapper(cols: dict[str, str], kind: str) -> Callable[[Any], Mapped]:
    def one(row: Any) -> Mapped:
        row = csv_rows.whole(row)
        text = _val(row, cols["text"]) or ""
        if kind == "twarc-csv":
            text = text.replace("\\n", "\n")
        elif kind == "rtweet":
            text = _expanded(row, text)
        ttype = (_val(row, "tweet_type") or "").lower()
        if kind == "twarc1-csv" and "retweet_or_quote_id" not in row:
            row["retweet_or_quote_id"] = row.get("reweet_or_quote_id")  # old twarc's spelling
        when = _val(row, cols["created_at"])
        if when is None:
            raise Missing(cols["created_at"])
        account = _id(row, cols["account_id"], required=True)
        created = _val(row, cols["account_created_at"])
        acc_created = profile_time(created, cols["account_created_at"], v1_time)
        media = _val(row, cols["media"]) or _val(row, cols.get("media_else", ""))
        post = {
            "post_id": _id(row, cols["post_id"], required=True),
            "platform": PLATFORM,
            "account_id": account,
            "created_at": v1_time(when, cols["created_at"]),
            "text": text,
            "lang": tweet_lang(_val(row, cols["lang"])),
            "urls": sorted(
                {
                    _link_key(str(u))
                    for u in _items(_val(row, cols["urls"]))
                    if isinstance(u, str) and u
                }
                - {""}
            ),
            "hashtags": clean_hashtags(
                [h for h in _items(_val(row, cols["hashtags"])) if isinstance(h, str)]
            ),
            "mentions": clean_mentions(
                [m for m in _items(_val(row, cols["mentions"])) if isinstance(m, str)]
            )
            if cols["mentions"] in row
            else mentions_in_text(text),
            "media": _media(_items(media)),
            "repost_of": _id(row, cols["repost_of"])
            if kind != "twarc1-csv" or ttype == "retweet"
            else None,
            "reply_to": _id(row, cols["reply_to"]),
            "quote_of": _id(row, cols["quote_of"])
            if kind != "twarc1-csv" or ttype == "quote"
            else None,
            "client": client_name(row.get("source")),
        }
        acc = {
            "account_id": account,
            "platform": PLATFORM,
            "handle": _val(row, cols["handle"]),
            "display_name": _val(row, cols["display_name"]),
            "created_at": acc_created,
            "followers": _count(_val(row, cols["followers"])),
            "following": _count(_val(row, cols["following"])),
            "posts_count": _count(_val(row, cols["posts_count"])),
            "description": _val(row, cols["description"]),
        }
        return [post], [acc]

    return one


def _read(path: Path, kind: str, cols: dict[str, str]) -> Iterator[Batch]:
    header = csv_rows.header_of(path)
    if shape(header) != kind:
        need = (cols["post_id"], cols["account_id"], cols["created_at"], cols["text"])
        csv_rows.need_columns(path, header, need, f"a {kind} file")
    return read_items(path, lambda v: [v], _mapper(cols, kind), "tweet", values=csv_rows.rows(path))


def read_twarc_csv(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a ``twarc2 csv`` file."""
    return _read(path, "twarc-csv", TWARC)


def read_rtweet(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from an rtweet CSV."""
    return _read(path, "rtweet", RTWEET)


def read_twarc1_csv(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a twarc (1) ``json2csv.py`` file."""
    return _read(path, "twarc1-csv", TWARC1)
