"""Twitter's Information Operations archive (transparency.twitter.com "elections integrity"
datasets of state-backed operations, 2018-2021; the most studied real CIB data).

One CSV per operation (``<name>_tweets_csv_hashed.csv`` or ``_unhashed``), one row per tweet,
with the columns ``tweetid, userid, user_display_name, user_screen_name,
user_reported_location, user_profile_description, user_profile_url, follower_count,
following_count, account_creation_date, account_language, tweet_language, tweet_text,
tweet_time, tweet_client_name, in_reply_to_userid, in_reply_to_tweetid, quoted_tweet_tweetid,
is_retweet, retweet_userid, retweet_tweetid, latitude, longitude, quote_count, reply_count,
like_count, retweet_count, hashtags, urls, user_mentions, poll_choices``. Times are UTC
(``2018-10-10 20:19`` for tweets, ``2014-01-29`` for accounts); ``hashtags``, ``urls`` and
``user_mentions`` are lists written in a cell (``[tag1, tag2]`` or ``['https://...']``); the
ids (``userid``, ``user_screen_name``) of accounts with few followers are hashed strings.

Mapping: ``post_id`` = ``tweetid``, ``account_id`` = ``userid`` (hashed or not), created_at =
``tweet_time``, text = ``tweet_text``, lang = ``tweet_language``, URLs = ``urls`` normalised
like the X readers (links of the text when the column is empty), hashtags = ``hashtags``,
mentions = ``user_mentions`` (these are *user ids* in the archive, not handles),
``repost_of`` = ``retweet_tweetid`` (when ``is_retweet`` is true or the id is given),
``reply_to`` = ``in_reply_to_tweetid``,
``quote_of`` = ``quoted_tweet_tweetid``. Every row also gives its account's profile as of the
release: handle, display name, creation date, followers, following, description (the
authenticity indicators read creation dates and followers from the accounts table). Not mapped:
the client name, locations, counts, polls. Required per row: ``tweetid``, ``userid``,
``tweet_time``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    as_int,
    client_name,
    need,
    profile_time,
    read_items,
    time_of,
)
from vigie.ingest.urls import clean_hashtags, urls_in_text
from vigie.ingest.x_v2 import _link_key

PLATFORM = "x"
COLUMNS = ("tweetid", "userid", "tweet_time")
"""The columns that tell an archive file (and that each row needs)."""
USER_COLUMNS = ("userid", "account_creation_date")
"""The columns that tell an archive's users file (``<name>_users_csv_hashed.csv``)."""
TRUE = {"true", "1", "t", "yes"}


def is_io_archive(header: list[str]) -> bool:
    cols = {c.strip().lower() for c in header}
    return all(c in cols for c in COLUMNS) and ("tweet_text" in cols or "is_retweet" in cols)


def is_io_users(header: list[str]) -> bool:
    """An archive's users file: one row per account, the profile columns, no tweets."""
    cols = {c.strip().lower() for c in header}
    return (
        all(c in cols for c in USER_COLUMNS)
        and "tweetid" not in cols
        and ("user_screen_name" in cols or "follower_count" in cols)
    )


@lru_cache(maxsize=1 << 16)
def _time(value: str, name: str) -> datetime:
    """A time of the archive (minute resolution: the same text recurs, parsed once)."""
    return time_of(value, name)


def _opt(row: dict[str, Any], name: str) -> str | None:
    v = row.get(name)
    if v is None:
        return None
    v = str(v).strip()
    return v if v and v.lower() not in ("nan", "none", "null") else None


def _count(row: dict[str, Any], name: str) -> int | None:
    v = _opt(row, name)
    if v is None:
        return None
    n = as_int(v.replace(",", ""))
    if n is None:
        try:
            f = float(v)
        except ValueError:
            return None
        n = int(f) if f.is_integer() and f >= 0 else None
    return n


def one(row: Any) -> Mapped:
    """Map one archive row to its post and its account's profile."""
    row = csv_rows.whole(row)
    text = row.get("tweet_text") or ""
    rt_id = _opt(row, "retweet_tweetid")
    is_rt = str(row.get("is_retweet") or "").strip().lower() in TRUE
    if is_rt and rt_id is None:
        raise BadField("retweet_tweetid", "is_retweet is true but retweet_tweetid is empty")
    urls = csv_rows.list_cell(row.get("urls"))
    account_id = str(need(row, "userid")).strip()
    post = {
        "post_id": str(need(row, "tweetid")).strip(),
        "platform": PLATFORM,
        "account_id": account_id,
        "created_at": _time(str(need(row, "tweet_time")), "tweet_time"),
        "text": text,
        "lang": _opt(row, "tweet_language"),
        "urls": sorted({_link_key(u) for u in urls} - {""}) if urls else urls_in_text(text),
        "hashtags": clean_hashtags(csv_rows.list_cell(row.get("hashtags"))),
        "mentions": sorted(set(csv_rows.list_cell(row.get("user_mentions")))),
        "media": [],
        "repost_of": rt_id,
        "reply_to": _opt(row, "in_reply_to_tweetid"),
        "quote_of": _opt(row, "quoted_tweet_tweetid"),
        "client": client_name(row.get("tweet_client_name")),
    }
    return [post], [_profile(row, account_id)]


def _profile(row: dict[str, Any], account_id: str) -> dict[str, Any]:
    """An account's profile as of the release, from the columns tweets and users files share."""
    created = _opt(row, "account_creation_date")
    return {
        "account_id": account_id,
        "platform": PLATFORM,
        "handle": _opt(row, "user_screen_name"),
        "display_name": _opt(row, "user_display_name"),
        "created_at": profile_time(created, "account_creation_date", _time),
        "followers": _count(row, "follower_count"),
        "following": _count(row, "following_count"),
        "description": _opt(row, "user_profile_description"),
    }


def one_user(row: Any) -> Mapped:
    """Map one row of an archive's users file to its account (no post)."""
    row = csv_rows.whole(row)
    account_id = str(need(row, "userid")).strip()
    if not account_id:
        raise BadField("userid", "empty")
    return [], [_profile(row, account_id)]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from an Information Operations archive CSV."""
    csv_rows.need_columns(path, csv_rows.header_of(path), COLUMNS, "an IO archive file")
    values = csv_rows.rows(path, lower=True)
    return read_items(path, lambda v: [v], one, "archive tweet", values=values)


def read_users(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield the accounts of an archive's users file (``<name>_users_csv_hashed.csv``).

    Why a reader of its own: the archives ship their accounts apart from the tweets, with
    accounts whose tweets were not released; their creation dates and follower counts feed
    the authenticity indicators, keyed by the same (hashed) ``userid`` as the tweets.
    """
    csv_rows.need_columns(path, csv_rows.header_of(path), USER_COLUMNS, "an IO archive users file")
    values = csv_rows.rows(path, lower=True)
    return read_items(path, lambda v: [v], one_user, "archive account", values=values)
