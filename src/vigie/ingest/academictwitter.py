"""academictwitteR's "tidy" tweets saved as CSV (R: ``bind_tweets(path, output_format =
"tidy")`` then ``write.csv`` or ``readr::write_csv``).

Why a reader of its own: academictwitteR was how R users collected X's full archive through
the Academic Research track (2021-2023), and many election studies kept its tidy table as
CSV. Its raw files (``data_<id>.json``, ``users_<id>.json``) are X API v2 JSON and are read by
``--format x``, which keeps more (expanded links, entities): prefer them when you have them.
The tidy table (``R/bind_tweets.R``, ``convert_json``): the tweet's own fields, ``id``
renamed ``tweet_id`` (``user_username`` and ``text`` next), ``author_id``, ``created_at``
(ISO 8601, UTC), ``conversation_id``, ``lang``, ``in_reply_to_user_id``, ``source``; the
author's as ``user_*`` (``user_name``, ``user_created_at``, ``user_description``,
``user_followers_count``, ``user_following_count``, ``user_tweet_count``...); the counts;
and the referenced post as ``sourcetweet_type`` (``retweeted`` or ``quoted``: replied-to
references are dropped by the package), ``sourcetweet_id``, ``sourcetweet_text``,
``sourcetweet_lang``, ``sourcetweet_author_id``. R writes a missing value as ``NA``.

Mapping: post ``tweet_id`` of account ``author_id``; a retweet's ``repost_of`` and a
quote's ``quote_of`` are ``sourcetweet_id``, and the referenced post becomes a post of its
own (its author, text and language from the ``sourcetweet_*`` columns, its time the one its
id holds: ``snowflake.py``), as the API readers make posts of ``includes.tweets``. A reply
(``in_reply_to_user_id`` set) replies to its ``conversation_id`` (its thread's first post:
the replied-to id is not in the table). The table keeps no entities: links, hashtags and
mentions are read from the text, where links are X's ``t.co`` addresses (a different one per
post for the same page): co-link sees through them only for the JSON files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    as_int,
    client_name,
    profile_time,
    text_post,
    time_of,
)
from vigie.ingest.snowflake import time_of_id
from vigie.ingest.x_v1 import tweet_lang

FORMAT = "academictwitter"
COLUMNS = ("tweet_id", "user_username", "text", "author_id", "conversation_id", "created_at")
MARKS = ("sourcetweet_type", "user_followers_count", "user_tweet_count")
DIGITS = re.compile(r"\d+")


def is_academictwitter(header: list[str]) -> bool:
    return csv_rows.has_columns(header, COLUMNS, MARKS)


def _cell(row: dict[str, Any], name: str) -> str | None:
    """A cell, R's ``NA`` read as missing."""
    value = csv_rows.cell(row, name)
    return None if value in (None, "NA") else value


def _id(row: dict[str, Any], name: str) -> str | None:
    value = _cell(row, name)
    return value if value is not None and DIGITS.fullmatch(value) else None


def _one(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    post_id = _id(row, "tweet_id")
    if post_id is None:
        raise BadField("tweet_id", f"not a tweet id: {str(_cell(row, 'tweet_id'))[:40]!r}")
    account = _id(row, "author_id")
    if account is None:
        raise BadField("author_id", f"not an account id: {str(_cell(row, 'author_id'))[:40]!r}")
    when = time_of(csv_rows.need_cell(row, "created_at"), "created_at")
    thread = _id(row, "conversation_id")
    replying = _cell(row, "in_reply_to_user_id") is not None
    post = text_post(
        "x",
        post_id,
        account,
        when,
        _cell(row, "text") or "",
        lang=tweet_lang(_cell(row, "lang")),
        reply_to=thread if replying and thread != post_id else None,
    )
    post["client"] = client_name(_cell(row, "source"))
    posts = [post]
    user = {
        "account_id": account,
        "platform": "x",
        "handle": _cell(row, "user_username"),
        "display_name": _cell(row, "user_name"),
        "created_at": profile_time(_cell(row, "user_created_at"), "user_created_at"),
        "followers": as_int(_cell(row, "user_followers_count")),
        "following": as_int(_cell(row, "user_following_count")),
        "posts_count": as_int(_cell(row, "user_tweet_count")),
        "description": _cell(row, "user_description"),
    }
    accounts = [user]
    kind, source = _cell(row, "sourcetweet_type"), _id(row, "sourcetweet_id")
    if source is not None and kind in ("retweeted", "quoted"):
        post["repost_of" if kind == "retweeted" else "quote_of"] = source
        author, at = _id(row, "sourcetweet_author_id"), time_of_id(source)
        if author is not None and at is not None:
            posts.append(
                text_post(
                    "x",
                    source,
                    author,
                    at,
                    _cell(row, "sourcetweet_text") or "",
                    lang=tweet_lang(_cell(row, "sourcetweet_lang")),
                )
            )
            accounts.append({"account_id": author, "platform": "x"})
    return posts, accounts


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from academictwitteR's tidy table saved as CSV."""
    return csv_rows.read_table(
        path, is_academictwitter, COLUMNS, "academictwitteR's tidy table", _one,
        "academictwitteR tweet", strip=True,
    )  # fmt: skip
