"""Tweets as twint wrote them (``twint --json`` lines or ``--csv``), 2018-2021.

Why a reader of its own: twint scraped X's web pages without an API key, and many election
collections of 2018-2021 (European, French municipal and US elections among them) are its
files. Its fields (``twint/storage/write_meta.py``): ``id``, ``conversation_id``,
``created_at``, ``date``, ``time``, ``timezone``, ``user_id``, ``username``, ``name``,
``place``, ``tweet``, ``language``, ``mentions``, ``urls``, ``photos``, ``replies_count``,
``retweets_count``, ``likes_count``, ``hashtags``, ``cashtags``, ``link``, ``retweet``,
``quote_url``, ``video``, ``thumbnail``, ``near``, ``geo``, ``source``, ``user_rt_id``,
``user_rt``, ``retweet_id``, ``reply_to``, ``retweet_date``, ``translate``, ``trans_src``,
``trans_dest`` (older versions lack some). The CSV writes lists as Python does
(``['a', 'b']``, ``[{'screen_name': 'x', ...}]``).

Its traps, each handled here:
- **Times are the scraping computer's local time.** ``created_at`` is
  ``2020-11-01 21:00:00 CET`` (a zone *name*; ``Paris, Madrid`` on Windows), ``timezone``
  the offset of that computer at *collection* time (an hour off across a change of summer
  time); versions before October 2020 wrote milliseconds since 1970. The time is the one the
  tweet id holds (``snowflake.py``: UTC, to the millisecond); for ids older than November
  2010, milliseconds, else ``date`` and ``time`` with ``timezone`` when it is an offset.
- **Two meanings of a retweet.** From October 2020 (X's JSON timeline), a retweet's row is
  the retweet: ``id`` and ``user_id`` the retweeter's, ``retweet_id`` the retweeted post,
  ``user_rt_id`` its author (``user_rt`` its text). Before (X's HTML pages, ``created_at`` in
  milliseconds), the row is the retweeted post: ``id`` and ``user_id`` its author's,
  ``retweet_id`` the retweet's own id, ``user_rt_id``/``user_rt`` the retweeter. Each is read
  as it means: a retweet (``repost_of``) by the retweeter, and in the older form the
  retweeted post too, as a post of its own.
- **The text was rewritten**: a space put before every ``http`` and ``pic.twitter``, line
  breaks made spaces. The spaces twint added are taken away (exactly: each ``http`` it
  wrote follows one); the line breaks cannot be told from spaces any more. X's escapes
  (``&amp;``, ``&lt;``, ``&gt;``) are undone, as the other X readers undo them.
- **No replied-to post id.** ``reply_to`` lists the accounts replied to; a reply is known
  by its ``conversation_id`` (its thread's first post) differing from its ``id``. Its
  ``reply_to`` is that first post: co-reply then compares replies to one thread, not to one
  reply in it.

Mentions are ``mentions`` and the handles of ``reply_to`` (X's entities, as the other X
readers take them, hold both); links are ``urls`` (expanded), media ``photos`` (and a video's
``thumbnail``, keyed by its media id), mentions lower-case as twint writes them, hashtags
``hashtags`` (older versions kept the ``#``); ``quote_url`` gives ``quote_of``; ``source`` is
twint's own setting, not the posting client: not read. The account is ``user_id``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows, x_media
from vigie.ingest.ira538 import STATUS_RE
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Missing, read_items, time_of
from vigie.ingest.snowflake import time_of_id
from vigie.ingest.urls import clean_hashtags, clean_mentions
from vigie.ingest.x_csv import _media
from vigie.ingest.x_v1 import tweet_lang
from vigie.ingest.x_v2 import _link_key

FORMAT = "twint"
KEYS = ("id", "conversation_id", "username", "tweet", "link")
DIGITS = re.compile(r"\d+")
OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)")
SCREEN_NAME = re.compile(r"""['"](?:screen_name|username)['"]\s*:\s*['"](\w{1,50})['"]""")


def is_twint(keys: Any) -> bool:
    """A twint tweet (a decoded JSON line's keys, or a CSV header)."""
    names = {str(k).strip() for k in keys}
    return set(KEYS) <= names and ("created_at" in names or "date" in names)


def _text(value: Any) -> str | None:
    """A string or a number as text (ids are numbers in JSON, text in CSV); None otherwise."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _str(value: Any) -> str | None:
    """A string field (a handle, a language, a date): None when it is anything else."""
    return value.strip() or None if isinstance(value, str) else None


def _id(value: Any) -> str | None:
    text = _text(value)
    return text if text is not None and DIGITS.fullmatch(text) else None


def _items(value: Any) -> list[Any]:
    """A list field: a JSON list, or the Python list the CSV wrote."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip():
        return csv_rows.list_cell(value)
    return []


def _video(row: dict[str, Any]) -> list[str]:
    """A video's or GIF's ``thumbnail`` (``ext_tw_video_thumb/<media id>/...``), which
    ``_media`` keys by its media id; twint lists no other trace of it (``video`` is 1, its
    ``photos`` empty), so every video of a real twint file was lost."""
    thumb = _str(row.get("thumbnail"))
    if not thumb or str(row.get("video") or "").strip() not in ("1", "True", "true"):
        return []
    return [thumb] if x_media.key_of_url(thumb) is not None else []


def _handles(value: Any) -> list[str]:
    """Screen names from ``mentions`` or ``reply_to``: strings, or objects naming them
    (``screen_name`` since October 2020, ``username`` before), in JSON or as the CSV's
    Python text."""
    if isinstance(value, str):
        if "screen_name" in value or "username" in value:
            return SCREEN_NAME.findall(value)
        return [h.lstrip("@") for h in csv_rows.list_cell(value)]
    out = []
    for item in _items(value):
        if isinstance(item, dict):
            item = item.get("screen_name") or item.get("username")
        if isinstance(item, str) and item.strip():
            out.append(item.strip().lstrip("@"))
    return out


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _post_id(row: dict[str, Any]) -> str:
    found = _id(row.get("id"))
    if found is not None:
        return found
    page = STATUS_RE.search(_str(row.get("link")) or "")
    if page is not None:
        return page.group(1)
    given = _text(row.get("id"))
    if given is None:
        raise Missing("id")
    raise BadField("id", f"not a tweet id (rounded by a spreadsheet?): {given[:40]!r}")


def _millis(value: Any) -> datetime | None:
    text = _text(value)
    if text is None or not DIGITS.fullmatch(text) or len(text) > 15:
        return None
    return datetime.fromtimestamp(int(text) / 1000, UTC)


def _time(row: dict[str, Any], post_id: str) -> datetime:
    """The id's time, else milliseconds, else ``date`` ``time`` at the ``timezone`` offset."""
    exact = time_of_id(post_id) or _millis(row.get("created_at"))
    if exact is not None:
        return exact
    day, clock = _str(row.get("date")), _str(row.get("time"))
    offset = OFFSET.fullmatch(_str(row.get("timezone")) or "")
    if day is None or clock is None:
        raise Missing("created_at")
    if offset is None or int(offset.group(2)) > 14 or int(offset.group(3)) > 59:
        raise BadField(
            "timezone",
            "a local time without its UTC offset (twint wrote the collecting computer's "
            f"zone name): {str(row.get('timezone'))[:40]!r}",
        )
    local = time_of(f"{day}T{clock}", "date")
    sign = 1 if offset.group(1) == "+" else -1
    shift = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
    return (local.replace(tzinfo=UTC) - sign * shift).astimezone(UTC)


def _untwint(text: str) -> str:
    """The text before twint put a space before each ``pic.twitter`` and ``http``."""
    return text.replace(" pic.twitter", "pic.twitter").replace(" http", "http")


def _account(account_id: str, handle: str | None, name: str | None) -> dict[str, Any]:
    return {"account_id": account_id, "platform": "x", "handle": handle, "display_name": name}


def _post(
    post_id: str, account: str, when: datetime, text: str, row: dict[str, Any]
) -> dict[str, Any]:
    quote = STATUS_RE.search(_str(row.get("quote_url")) or "")
    return {
        "post_id": post_id,
        "platform": "x",
        "account_id": account,
        "created_at": when,
        "text": text,
        "lang": tweet_lang(_str(row.get("language"))),
        "urls": sorted({_link_key(u) for u in _items(row.get("urls")) if isinstance(u, str) and u}),
        "hashtags": clean_hashtags(
            sorted({h.lstrip("#") for h in _items(row.get("hashtags")) if isinstance(h, str)})
        ),
        "mentions": clean_mentions(
            sorted(
                {
                    h.lower()
                    for h in (*_handles(row.get("mentions")), *_handles(row.get("reply_to")))
                }
            )
        ),
        "media": _media(
            [*(u for u in _items(row.get("photos")) if isinstance(u, str)), *_video(row)]
        ),
        "repost_of": None,
        "reply_to": None,
        "quote_of": quote.group(1) if quote else None,
    }


def _one(row: Any) -> Mapped:
    if not isinstance(row, dict):
        raise ValueError("a tweet is not an object")
    if "_extra" in row:
        csv_rows.whole(row)
    post_id = _post_id(row)
    account = _id(row.get("user_id"))
    if account is None:
        raise Missing("user_id")
    handle, name = _str(row.get("username")), _str(row.get("name"))
    tweet = row.get("tweet")
    if tweet is not None and not isinstance(tweet, str):
        raise BadField("tweet", f"not a string: {type(tweet).__name__}")
    text = html.unescape(_untwint(tweet or ""))  # X's API text: &amp; &lt; &gt; escaped
    when = _time(row, post_id)
    post = _post(post_id, account, when, text, row)
    accounts = [_account(account, handle, name)]
    if not _true(row.get("retweet")):
        thread = _id(row.get("conversation_id"))
        post["reply_to"] = thread if thread is not None and thread != post_id else None
        return [post], accounts
    target = _id(row.get("retweet_id"))
    if _millis(row.get("created_at")) is None:  # since October 2020: the row is the retweet
        post["repost_of"] = target
        return [post], accounts
    # before: the row is the retweeted post; the retweet is the retweeter's
    retweeter = _id(row.get("user_rt_id"))
    if target is None or retweeter is None:
        raise Missing("retweet_id" if target is None else "user_rt_id")
    rt_when = time_of_id(target) or when
    rt_text = f"RT @{handle}: {text}" if handle else text
    retweet = {**_post(target, retweeter, rt_when, rt_text, row), "repost_of": post_id}
    accounts.append(_account(retweeter, _str(row.get("user_rt")), None))
    return [retweet, post], accounts


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from twint's JSON lines or CSV."""
    if path.suffix.lower() in (".csv", ".tsv"):
        needed = (*KEYS, "created_at")
        return csv_rows.read_table(path, is_twint, needed, "a twint CSV", _one, "twint tweet")
    return read_items(path, lambda v: v if isinstance(v, list) else [v], _one, "twint tweet")
