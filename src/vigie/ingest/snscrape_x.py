"""Tweets as snscrape wrote them (``snscrape --jsonl twitter-search ...``): one ``Tweet`` a
line, the dataclass serialised with its ``_type``. (Its Telegram posts, read by the same
``--format snscrape``, are ``snscrape_telegram.py``'s.)

Why: from 2020 until X closed its web search to scrapers in 2023, snscrape was how most
researchers without API access collected tweets, and many published election datasets are
its JSON lines. Shape (github.com/JustAnotherArchivist/snscrape, ``modules/twitter.py``):
``{"_type": "snscrape.modules.twitter.Tweet", "url", "date" (ISO 8601 with offset),
"rawContent" (``content`` in versions before June 2022), "id", "user": {"_type":
"...User", "username", "id", "displayname", "rawDescription", "created", "followersCount",
"friendsCount", "statusesCount"}, "lang", "sourceLabel", "links": [{"url", "tcourl"}] (older:
``outlinks``/``tcooutlinks``, lists of strings), "media": [Photo {"fullUrl"} | Video/Gif
{"variants": [{"url", "contentType", "bitrate"}]}] (twscrape, which writes snscrape's
``_type``: ``{"photos", "videos", "animated"}``), "retweetedTweet", "quotedTweet" (a
Tweet, or a ``TweetRef``/``Tombstone`` holding only the id), "inReplyToTweetId",
"mentionedUsers": [User], "hashtags": [str]}``. With ``forBuggyIntParser`` each large integer
also has an ``<key>.str`` twin, read first.

Each tweet is rewritten as the API v1.1 tweet it was scraped from and read by the v1.1 reader:
the same ids, links (t.co replaced by the expanded URL), hashtags, media keys (a photo's
``fullUrl`` ``.../media/ID?format=jpg&name=large`` is its ``media_url_https``
``.../media/ID.jpg``; a video's or GIF's media id, read from its variants' or its
``thumbnailUrl``'s shape, as ``x_media`` keys it) and conventions as every other X source, so a
snscrape collection and an API one of the same event merge; the retweeted and quoted tweets
become posts of their own. Other snscrape items (users, tombstones) are skipped and counted.
Files written before snscrape gave its items a ``_type`` (0.3, 2020-2021) are told by their
shape and read alike; they have no ``inReplyToTweetId``: a reply is read as one to its thread's
first tweet (``conversationId``), as twint's; nor ``hashtags``: read from the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from vigie.ingest import snscrape_telegram, x_v1
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, Missing, Skip, read_items
from vigie.ingest.records import as_dict as _d
from vigie.ingest.records import as_items as _l
from vigie.ingest.urls import hashtags_in_text

PREFIX = "snscrape.modules.twitter."
TWEET = PREFIX + "Tweet"


def is_tweet(obj: Any) -> bool:
    """A snscrape ``Tweet`` (or another item of its Twitter module, skipped when read)."""
    return isinstance(obj, dict) and (
        str(obj.get("_type", "")).startswith(PREFIX) or is_untyped_tweet(obj)
    )


def is_untyped_tweet(obj: Any) -> bool:
    """A ``Tweet`` as snscrape wrote it before its items had a ``_type`` (versions before
    0.4, December 2021; the field came with commit 460be9d of May 2021): ``url`` to a
    status, ``date``, ``content``, ``id`` and ``user.username``.

    Why: its 2020 and 2021 collections, the years of most published snscrape datasets, were
    refused whole, even with ``--format snscrape``."""
    if not isinstance(obj, dict) or "_type" in obj:
        return False
    url, user = obj.get("url"), obj.get("user")
    return (
        isinstance(url, str)
        and "/status/" in url
        and "date" in obj
        and "id" in obj
        and ("content" in obj or "rawContent" in obj)
        and isinstance(user, dict)
        and "username" in user
    )


def is_item(obj: Any) -> bool:
    """An item of snscrape's Twitter or Telegram module (``--format snscrape`` reads both)."""
    return is_tweet(obj) or snscrape_telegram.is_item(obj)


def _big(obj: dict[str, Any], key: str) -> Any:
    """``obj[key]``, or its ``forBuggyIntParser`` twin ``key.str`` when there is one."""
    twin = obj.get(f"{key}.str")
    return twin if twin not in (None, "") else obj.get(key)


def _links(t: dict[str, Any]) -> list[dict[str, Any]]:
    """v1.1 ``entities.urls`` from ``links`` (TextLink objects) or the older ``outlinks``."""
    out = []
    for link in _l(t.get("links")):
        if isinstance(link, dict) and link.get("url"):
            out.append({"expanded_url": link["url"], "url": link.get("tcourl")})
    if out or t.get("links"):
        return out
    tco = _l(t.get("tcooutlinks"))
    for i, url in enumerate(_l(t.get("outlinks"))):
        if isinstance(url, str) and url:
            short = tco[i] if i < len(tco) and isinstance(tco[i], str) else None
            out.append({"expanded_url": url, "url": short})
    return out


def _photo_url(full: str) -> str:
    """A photo's ``media_url_https`` from snscrape's ``fullUrl`` (``?format=jpg&name=...``)."""
    parsed = urlparse(full)
    fmt = parse_qs(parsed.query).get("format")
    if not fmt:
        return full
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path}.{fmt[0]}"


def _twscrape_media(media: dict[str, Any]) -> list[dict[str, Any]]:
    """v1.1 media from twscrape's ``Media`` (``{"photos": [{"url"}], "videos":
    [{"thumbnailUrl", "variants"}], "animated": [{"thumbnailUrl", "videoUrl"}]}``).

    Why: twscrape (github.com/vladkens/twscrape, snscrape's successor since 2023) writes its
    tweets with snscrape's ``_type`` but groups the media by kind in one object; read as
    snscrape's list, every photo and video was lost. A photo's ``url`` is already its
    ``media_url_https``; a video's or GIF's id is read from its thumbnail, as snscrape's."""
    out: list[dict[str, Any]] = [
        {"media_url_https": p["url"]}
        for p in _l(media.get("photos"))
        if isinstance(p, dict) and isinstance(p.get("url"), str) and p["url"]
    ]
    for v in _l(media.get("videos")):
        if isinstance(v, dict):
            out.extend(_media({"media": [v]}))
    for g in _l(media.get("animated")):
        if isinstance(g, dict) and isinstance(g.get("videoUrl"), str) and g["videoUrl"]:
            variants = [{"url": g["videoUrl"], "contentType": "video/mp4"}]
            out.extend(_media({"media": [{**g, "variants": variants}]}))
    return out


def _media(t: dict[str, Any]) -> list[dict[str, Any]]:
    media = t.get("media")
    if isinstance(media, dict):
        return _twscrape_media(media)
    out: list[dict[str, Any]] = []
    for m in _l(media):
        if not isinstance(m, dict):
            continue
        variants = [
            {"url": v["url"], "content_type": v.get("contentType"), "bitrate": v.get("bitrate")}
            for v in _l(m.get("variants"))
            if isinstance(v, dict) and isinstance(v.get("url"), str)
        ]
        if variants:
            video: dict[str, Any] = {"video_info": {"variants": variants}}
            thumb = m.get("thumbnailUrl")
            if isinstance(thumb, str) and thumb:  # its id, if the variants' shape hides it
                video["media_url_https"] = thumb
            out.append(video)
        elif isinstance(m.get("fullUrl"), str) and m["fullUrl"]:
            out.append({"media_url_https": _photo_url(m["fullUrl"])})
    return out


def _user(u: Any) -> dict[str, Any]:
    u = _d(u)
    return {
        "id_str": _big(u, "id"),
        "screen_name": u.get("username"),
        "name": u.get("displayname"),
        "created_at": u.get("created"),
        "followers_count": u.get("followersCount"),
        "friends_count": u.get("friendsCount"),
        "statuses_count": u.get("statusesCount"),
        "description": u.get("rawDescription") or u.get("description"),
    }


def _hashtags(t: dict[str, Any], text: Any) -> list[Any]:
    """``hashtags``; read from the text in a file written before snscrape listed them."""
    if "hashtags" in t or not isinstance(text, str):
        return _l(t.get("hashtags"))
    return hashtags_in_text(text)


def _kind_of(obj: dict[str, Any]) -> str | None:
    """The item's snscrape type, ``Tweet`` for one written before ``_type``."""
    return TWEET if is_untyped_tweet(obj) else obj.get("_type")


def _replied(t: dict[str, Any]) -> Any:
    """The replied-to tweet: ``inReplyToTweetId``; in a file written before snscrape had
    that field (no such key), the thread's first tweet (``conversationId``) when it is not
    the tweet itself, as the twint reader reads twint's ``conversation_id``."""
    if "inReplyToTweetId" in t or "inReplyToTweetId.str" in t:
        return _big(t, "inReplyToTweetId")
    thread = _big(t, "conversationId")
    return thread if thread not in (None, "") and str(thread) != str(_big(t, "id")) else None


def v1_of(t: dict[str, Any]) -> dict[str, Any]:
    """A snscrape ``Tweet`` as the API v1.1 tweet it was scraped from."""
    text = t.get("rawContent") if "rawContent" in t else t.get("content")
    mentioned = [u.get("username") for u in _l(t.get("mentionedUsers")) if isinstance(u, dict)]
    v1: dict[str, Any] = {
        "id_str": _big(t, "id"),
        "created_at": t.get("date"),
        "full_text": text if text is not None else "",
        "lang": t.get("lang"),
        "source": t.get("sourceLabel") or t.get("source"),
        "in_reply_to_status_id_str": _replied(t),
        "entities": {
            "urls": _links(t),
            "hashtags": [{"text": h} for h in _hashtags(t, text) if isinstance(h, str)],
            "user_mentions": [{"screen_name": m} for m in mentioned if isinstance(m, str)],
        },
        "extended_entities": {"media": _media(t)},
        "user": _user(t.get("user")),
    }
    rt = t.get("retweetedTweet")
    if isinstance(rt, dict) and _kind_of(rt) == TWEET:
        v1["retweeted_status"] = v1_of(rt)
    quoted = t.get("quotedTweet")
    if isinstance(quoted, dict):
        if _kind_of(quoted) == TWEET:
            v1["quoted_status"] = v1_of(quoted)
        elif _big(quoted, "id") not in (None, ""):  # a TweetRef or a Tombstone: the id only
            v1["quoted_status_id_str"] = _big(quoted, "id")
    return v1


def _one(item: Any) -> Mapped:
    if snscrape_telegram.is_item(item):
        return snscrape_telegram.one(item)
    if not is_tweet(item):
        raise ValueError("not a snscrape Twitter item (no _type snscrape.modules.twitter.*)")
    kind = str(_kind_of(item))
    if kind != TWEET:
        raise Skip(f"snscrape: a {kind.removeprefix(PREFIX)} item (not a tweet)")
    for name, obj, key in (("id", item, "id"), ("user.id", _d(item.get("user")), "id")):
        if _big(obj, key) in (None, ""):
            raise Missing(name)  # named as snscrape writes it, not as the v1.1 field
    return x_v1._one(v1_of(item))


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from snscrape's Twitter (or Telegram) JSON lines."""
    return read_items(path, lambda v: v if isinstance(v, list) else [v], _one, "tweet")
