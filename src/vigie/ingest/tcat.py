"""DMI-TCAT's tweet exports (the Digital Methods Initiative's Twitter Capture and Analysis
Toolset, "Export all tweets from selection"), CSV or TSV.

Why a reader of its own: TCAT captured X's streaming API on university servers from 2014 to
2023, and many European election collections (Dutch, German, French, Italian, Nordic) are
its exports. Its header (``analysis/mod.export_tweets.php``): ``id``, ``time`` (Unix
seconds), ``created_at`` (``2017-04-23 18:00:00``, UTC: TCAT refuses any other time zone),
``from_user_name``, ``text``, ``filter_level``, ``possibly_sensitive``,
``withheld_copyright``, ``withheld_scope``, ``truncated``, ``retweet_count``,
``favorite_count``, ``lang``, ``to_user_name``, ``in_reply_to_status_id``,
``quoted_status_id``, ``source``, ``location``, ``lat``, ``lng``, ``from_user_id``,
``from_user_realname``, ``from_user_verified``, ``from_user_description``, ``from_user_url``,
``from_user_profile_image_url``, ``from_user_utcoffset``, ``from_user_timezone``,
``from_user_lang``, ``from_user_tweetcount``, ``from_user_followercount``,
``from_user_friendcount``, ``from_user_favourites_count``, ``from_user_listed``,
``from_user_withheld_scope``, ``from_user_created_at``; with the export's options, then
``urls``, ``urls_expanded``, ``urls_followed``, ``domains``, ``HTTP status code``, media
columns (``media_urls``...), ``mentions`` and ``hashtags``, each a list joined by ``"; "``.
The file starts with a byte-order mark; line breaks and tabs in texts were made spaces and
HTML entities decoded.

Mapping (X's conventions, as the other X readers): the post id is ``id`` and the account
``from_user_id``; the time is the one the id holds (``snowflake.py``), else ``time``, else
``created_at``; links are ``urls_expanded`` (the tweet's links as X expanded them; TCAT's
own ``urls_followed`` redirects are not read), else read from the text, and each ``t.co``
link of the text is replaced by its expansion, as the v1.1 reader writes a tweet's text; media
``media_urls``; mentions and hashtags their columns, else read from the text; the client is
``source``; ``in_reply_to_status_id`` and ``quoted_status_id`` the reply's and the quote's
targets. The export keeps no retweet id: TCAT stored a retweet's text as ``RT @author:
<the whole text>``, which the detection reads as a repost of the post it names
(``general.text_reposts``). Accounts: handle, name, description, followers, following,
tweets, creation time (``from_user_created_at``).

Exports made before October 2014 have no ``from_user_id`` (nor ``quoted_status_id``): told by
``from_user_lang`` beside ``filter_level`` or ``from_user_follower_count``, their account is
``handle:<from_user_name>``, as FiveThirtyEight's IRA tweets without an id (it cannot meet a
numeric id: the same account collected otherwise is not merged with it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
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
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.snowflake import time_of_id
from vigie.ingest.urls import clean_hashtags, clean_mentions
from vigie.ingest.x_csv import _media
from vigie.ingest.x_v1 import tweet_lang
from vigie.ingest.x_v2 import _link_key

FORMAT = "tcat"
COLUMNS = ("id", "time", "created_at", "from_user_name", "text", "from_user_id")
MARKS = ("filter_level", "from_user_realname", "from_user_tweetcount")
OLD_COLUMNS = ("id", "time", "created_at", "from_user_name", "from_user_lang", "text")
"""An export made before 6 October 2014 (dmi-tcat commit 3ee9631): no ``from_user_id``, no
``quoted_status_id``, counts named ``from_user_follower_count``/``from_user_friend_count``."""
OLD_MARKS = ("filter_level", "from_user_follower_count")
DIGITS = re.compile(r"\d+")


def is_tcat(header: list[str]) -> bool:
    return csv_rows.has_columns(header, COLUMNS, MARKS) or csv_rows.has_columns(
        header, OLD_COLUMNS, OLD_MARKS
    )


def delimiter(path: Path) -> str | None:
    """The delimiter (comma, or tab for TCAT's TSV) under which the header is TCAT's."""
    return csv_rows.header_delimiter(path, is_tcat)


def _id(row: dict[str, Any], name: str) -> str | None:
    value = csv_rows.cell(row, name)
    return value if value is not None and DIGITS.fullmatch(value) and value != "0" else None


def _list(row: dict[str, Any], name: str) -> list[str] | None:
    """A ``"; "``-joined list column; None when the export has no such column."""
    if name not in row:
        return None
    return [v.strip() for v in (row.get(name) or "").split(";") if v.strip()]


def _expanded(text: str, short: list[str] | None, full: list[str] | None) -> str:
    """The text with each ``t.co`` link replaced by the address X expanded it to, as the
    v1.1 reader writes a tweet's text (``urls`` and ``urls_expanded`` are TCAT's rows of one
    table, in one order): the same tweet then reads the same from TCAT and from X's JSON."""
    if not short or not full or len(short) != len(full):
        return text
    for s, f in zip(short, full, strict=True):
        if s.startswith("https://t.co/") and f:
            text = text.replace(s, f)
    return text


def _time(row: dict[str, Any], post_id: str) -> datetime:
    exact = time_of_id(post_id)
    if exact is not None:
        return exact
    seconds = csv_rows.cell(row, "time")
    if seconds is not None and DIGITS.fullmatch(seconds) and len(seconds) <= 11:
        return datetime.fromtimestamp(int(seconds), UTC)
    return time_of(csv_rows.need_cell(row, "created_at"), "created_at")


def _one(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    post_id = csv_rows.need_cell(row, "id")
    if not DIGITS.fullmatch(post_id):
        raise BadField("id", f"not a tweet id (rounded by a spreadsheet?): {post_id[:40]!r}")
    if "from_user_id" in row:
        account = csv_rows.need_cell(row, "from_user_id")
        if not DIGITS.fullmatch(account):
            raise BadField("from_user_id", f"not an account id: {account[:40]!r}")
    else:  # an export of before October 2014: the handle, prefixed as no id can be
        account = "handle:" + csv_rows.need_cell(row, "from_user_name")
    urls = _list(row, "urls_expanded")
    mentions = _list(row, "mentions")
    hashtags = _list(row, "hashtags")
    media = _list(row, "media_urls")
    post = text_post(
        "x",
        post_id,
        account,
        _time(row, post_id),
        _expanded(row.get("text") or "", _list(row, "urls"), urls),
        lang=tweet_lang(csv_rows.cell(row, "lang")),
        reply_to=_id(row, "in_reply_to_status_id"),
        urls=sorted({_link_key(u) for u in urls}) if urls else None,
        hashtags=clean_hashtags([h.lstrip("#") for h in hashtags]) if hashtags else None,
        mentions=clean_mentions([m.lstrip("@") for m in mentions]) if mentions else None,
        media=_media(media or []),
    )
    if post["lang"] == "none":  # TCAT's own word for a tweet X gave no language
        post["lang"] = None
    post["quote_of"] = _id(row, "quoted_status_id")
    post["client"] = client_name(row.get("source"))
    user = {
        "account_id": account,
        "platform": "x",
        "handle": csv_rows.cell(row, "from_user_name"),
        "display_name": csv_rows.cell(row, "from_user_realname"),
        "created_at": profile_time(
            csv_rows.cell(row, "from_user_created_at"), "from_user_created_at"
        ),
        "followers": as_int(
            csv_rows.cell(row, "from_user_followercount", "from_user_follower_count")
        ),
        "following": as_int(csv_rows.cell(row, "from_user_friendcount", "from_user_friend_count")),
        "posts_count": as_int(csv_rows.cell(row, "from_user_tweetcount")),
        "description": csv_rows.cell(row, "from_user_description"),
    }
    return [post], [user]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a TCAT tweet export (CSV or TSV)."""
    delim = delimiter(path)
    if delim is None:
        header = csv_rows.header_of(path)
        csv_rows.need_columns(path, header, COLUMNS, "a DMI-TCAT tweet export")
        delim = ","
    values = csv_rows.rows(path, delimiter=delim, strip=True)
    return read_items(path, lambda v: [v], _one, "TCAT tweet", values=values)
