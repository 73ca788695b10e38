"""X/Twitter API v1.1 tweet objects: twarc (1), tweepy dumps, Hydrator, DocNow and most
pre-2023 academic collections (one tweet per line, a JSON array, or a search page
``{"statuses": [...], "search_metadata": {...}}``).

Tweet object (developer.x.com, "Tweet object" of API v1.1): ``id_str`` (``id`` as a number),
``created_at`` like ``Wed Oct 10 20:19:24 +0000 2018``, ``text`` (140-character form),
``full_text`` (``tweet_mode=extended``), ``extended_tweet.full_text`` with its own ``entities``
(streaming API, long tweets), ``user`` (``id_str``, ``screen_name``, ``name``, ``created_at``,
``followers_count``, ``friends_count``, ``statuses_count``, ``description``, ``verified``),
``retweeted_status`` (the whole retweeted tweet), ``quoted_status`` / ``quoted_status_id_str``,
``in_reply_to_status_id_str``, ``lang``, ``entities`` (``hashtags[].text``,
``urls[].expanded_url``, ``user_mentions[].screen_name``, ``media``), ``extended_entities.media``
(every photo; videos with ``video_info.variants``), ``source`` (the client, as an HTML link).

Mapping: the same canonical fields and conventions as the API v2 reader (``x_v2``), so that a
v1.1 and a v2 collection of one event merge and de-duplicate on (``x``, tweet id): ``t.co``
links replaced by their expanded URL in the text, URLs normalised like twitwi then
canonicalised, hashtags and mentions lower-cased, media = the photo URL or a video's or GIF's
media id (``x_media``: the same across collections and readers). A retweet is a post with
``repost_of`` = the retweeted tweet's id, and the retweeted (and quoted) tweet is kept as a post
of its own with its author in the accounts table. Stream notices (``delete``, ``limit``,
``scrub_geo``, ``status_withheld``...) are not tweets: skipped and counted. A saved JSON array
(``json.dump`` of a tweet list, often hundreds of MB) is streamed element by element
(``json_array``; record = element number). Not mapped: the posting client (``source``): the
canonical posts table has no column for it yet. Required per tweet: ``id_str`` (or ``id``),
``user.id_str`` (or ``user.id``) and ``created_at``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.ingest import fixed_times, json_array, x_media
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    Row,
    Skip,
    as_int,
    client_name,
    profile_time,
    read_items,
    time_of,
)
from vigie.ingest.records import as_dict as _d
from vigie.ingest.records import as_items as _l
from vigie.ingest.urls import clean_hashtags, clean_mentions, tweet_key
from vigie.ingest.x_v2 import _link_key

PLATFORM = "x"
V1_TIME = "%a %b %d %H:%M:%S %z %Y"
NOTICES = (
    "delete",
    "limit",
    "scrub_geo",
    "status_withheld",
    "user_withheld",
    "disconnect",
    "warning",
    "event",
    "friends",
)
"""Keys of the non-tweet messages the v1.1 streaming API interleaves with tweets."""


def v1_time(value: Any, name: str) -> datetime:
    """A v1.1 time (``Wed Oct 10 20:19:24 +0000 2018``), else ISO 8601 or POSIX seconds."""
    if isinstance(value, str):
        fast = fixed_times.x_v1(value)  # X's own shape, without strptime's cost
        if fast is not None:
            return fast
        try:
            return datetime.strptime(value.strip(), V1_TIME).astimezone(UTC)
        except ValueError:
            pass
    return time_of(value, name)


def _id(obj: dict[str, Any], name: str) -> str:
    """``obj[name + "_str"]``, else ``obj[name]`` as text; ``Missing`` naming the field."""
    v = _opt_id(obj, name)
    if v is None:
        raise Missing(f"{name}_str")
    return v


def _opt_id(obj: dict[str, Any], name: str) -> str | None:
    """``_id``'s value, or None where it would refuse: most tweets reply to and quote
    nothing, and an exception raised and caught for each cost more than the rest of it."""
    v = obj.get(f"{name}_str")
    if v in (None, ""):
        v = obj.get(name)
    if v in (None, "") or isinstance(v, bool | dict | list):
        return None
    return str(v)


def _media_value(m: dict[str, Any]) -> str | None:
    """A media object's ``media`` value: a video's or GIF's ``x_media`` key (its media id, the
    same whatever variants X served when it was collected), else the best-bitrate mp4 variant,
    else the photo URL (``media_url_https``), keyed like a link."""
    variants = [
        v
        for v in _l(_d(m.get("video_info")).get("variants"))
        if isinstance(v, dict) and v.get("url")
    ]
    thumbs = [m.get("media_url_https"), m.get("media_url")]
    key = x_media.key_of_object(m, [*(v["url"] for v in variants), *thumbs])
    if key is not None:
        return key
    if variants:
        mp4 = [v for v in variants if v.get("content_type") == "video/mp4"] or variants
        return _link_key(str(max(mp4, key=lambda v: as_int(v.get("bitrate")) or 0)["url"]))
    url = m.get("media_url_https") or m.get("media_url") or m.get("expanded_url")
    return _link_key(str(url)) if url else None


def tweet_lang(value: Any) -> str | None:
    """X's language code of a tweet; None for its ``und`` (undetermined), as for none."""
    return value if isinstance(value, str) and value and value != "und" else None


def _tweet(tw: Any) -> Row:
    if not isinstance(tw, dict):
        raise ValueError("a tweet is not an object")
    ext = _d(tw.get("extended_tweet"))
    text = tw.get("full_text") or ext.get("full_text") or tw.get("text") or ""
    if not isinstance(text, str):
        raise BadField("text", f"not a string: {type(text).__name__}")
    entities = _d(ext.get("entities")) if ext.get("entities") else _d(tw.get("entities"))
    ext_media = _d(ext.get("extended_entities")) or _d(tw.get("extended_entities"))
    links: set[str] = set()
    for u in _l(entities.get("urls")):
        if not isinstance(u, dict):
            continue
        best = _d(u.get("unwound")).get("url") or u.get("expanded_url")
        short = u.get("url")
        if best and short and isinstance(best, str) and isinstance(short, str):
            text = text.replace(short, best)
        target = best or short
        if isinstance(target, str) and target:
            links.add(_link_key(target))
    media: dict[str, None] = {}
    for m in _l(ext_media.get("media")) or _l(entities.get("media")):
        if isinstance(m, dict):
            value = _media_value(m)
            if value is not None:
                media[value] = None
            short = m.get("url")
            if isinstance(short, str) and short:  # the t.co link of a photo points at it
                text = text.replace(short, "").rstrip()
    user = tw.get("user")
    if not isinstance(user, dict):
        raise Missing("user.id_str")
    rt = tw.get("retweeted_status")
    quote_of = _opt_id(tw, "quoted_status_id")
    if quote_of is None and isinstance(tw.get("quoted_status"), dict):
        quote_of = _opt_id(tw["quoted_status"], "id")
    post_id = _id(tw, "id")
    # a truncated tweet (v1.1's 140-character ``text`` of a longer one) ends with a link to
    # itself, ``twitter.com/i/web/status/<its id>``: no link its author shared
    links.discard(tweet_key(post_id))
    return {
        "post_id": post_id,
        "platform": PLATFORM,
        "account_id": _id(user, "id"),
        "created_at": v1_time(tw.get("created_at") or _missing("created_at"), "created_at"),
        "text": html.unescape(text),
        "lang": tweet_lang(tw.get("lang")),
        "urls": sorted(u for u in links if u),
        "hashtags": clean_hashtags(
            sorted(
                {
                    str(h["text"])
                    for h in _l(entities.get("hashtags"))
                    if isinstance(h, dict) and h.get("text")
                }
            )
        ),
        "mentions": clean_mentions(
            sorted(
                {
                    str(m["screen_name"])
                    for m in _l(entities.get("user_mentions"))
                    if isinstance(m, dict) and m.get("screen_name")
                }
            )
        ),
        "media": list(media),
        "repost_of": _id(rt, "id") if isinstance(rt, dict) else None,
        "reply_to": _opt_id(tw, "in_reply_to_status_id"),
        "quote_of": quote_of,
        "client": client_name(tw.get("source")),
    }


def _missing(name: str) -> Any:
    raise Missing(name)


def _account(user: dict[str, Any]) -> Row:
    created = user.get("created_at")
    created_at = profile_time(created, "user.created_at", v1_time)
    desc = user.get("description")
    return {
        "account_id": _id(user, "id"),
        "platform": PLATFORM,
        "handle": user.get("screen_name") if isinstance(user.get("screen_name"), str) else None,
        "display_name": user.get("name") if isinstance(user.get("name"), str) else None,
        "created_at": created_at,
        "followers": as_int(user.get("followers_count")),
        "following": as_int(user.get("friends_count")),
        "posts_count": as_int(user.get("statuses_count")),
        "description": desc if isinstance(desc, str) and desc else None,
    }


def _one(tw: Any) -> Mapped:
    if isinstance(tw, dict) and "user" not in tw:
        notice = next((k for k in NOTICES if k in tw), None)
        if notice:
            raise Skip(f"x v1.1: stream '{notice}' notice (not a tweet)")
    posts, accounts = [_tweet(tw)], [_account(tw["user"])]
    rt = tw.get("retweeted_status")
    inner = [rt, tw.get("quoted_status")]
    if isinstance(rt, dict):
        inner.append(rt.get("quoted_status"))
    seen = {posts[0]["post_id"]}
    for t in inner:
        if not isinstance(t, dict):
            continue
        try:  # an embedded tweet lacking a field costs only itself, not the tweet around it
            post, acc = _tweet(t), _account(t["user"])
        except (Missing, ValueError, KeyError, TypeError):
            continue
        if post["post_id"] not in seen:
            seen.add(post["post_id"])
            posts.append(post)
            accounts.append(acc)
    return posts, accounts


def _unwrap(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("statuses"), list):  # a search/tweets.json page
        return value["statuses"]
    if "user" in value or any(k in value for k in NOTICES) or "id_str" in value:
        return [value]
    return None


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from X/Twitter API v1.1 tweets."""
    return read_items(path, _unwrap, _one, "tweet", values=json_array.values(path))
