"""Zeeschuimer captures: the NDJSON file the Zeeschuimer browser extension exports (and 4CAT
imports), one captured item a line.

Why: researchers who cannot get API access browse a platform with Zeeschuimer running, and it
keeps the objects the platform's own web app received. Each line is ``{"item_id",
"timestamp_collected", "source_platform", "source_platform_url", "source_url", "user_agent",
"data": {...}}``; ``data`` is the web app's object, so its shape is the platform's internal
one, not its public API's. Read here:

- **X** (``source_platform`` ``twitter.com``/``x.com``): a GraphQL tweet result, ``{"rest_id",
  "core": {"user_results": {"result": user}}, "legacy": {...}, "source", "note_tweet"?,
  "quoted_status_result"?}`` (or wrapped as ``{"__typename": "TweetWithVisibilityResults",
  "tweet": ...}``). Its ``legacy`` part is an API v1.1 tweet without its ``user``, so it is
  completed (``id_str`` from ``rest_id``, the author from ``core`` or ``legacy.user_id_str``,
  the retweeted and quoted results the same way, a long tweet's text from ``note_tweet``) and
  read by the v1.1 reader: the ids, entities and conventions of every other X source.
- **TikTok** (``tiktok.com``): the web app's item, ``{"id", "desc", "createTime", "author":
  {"uniqueId", "nickname", ...} or the user name, "textExtra": [{"hashtagName"} or
  {"userUniqueId"}], "challenges", "authorStats"}``. The account is the user name, as the
  Research API reader's (which gives no numeric id), so both merge.
- **TikTok comments** (``tiktok-comments``): ``{"cid", "aweme_id", "reply_id", "create_time",
  "text", "user": {"unique_id", "nickname"}, "comment_language"}``; a comment replies to its
  video (``aweme_id``) or, when ``reply_id`` is not ``"0"``, to that comment.
- **Instagram** (``instagram.com``) and **Threads** (``threads.net``): a media item of the web
  app's feeds, ``{"code", "taken_at", "user": {"pk"/"id", "username", "full_name"},
  "caption": {"text"}}`` (Threads adds ``text_post_app_info.link_preview_attachment.url``, a
  link through ``l.threads.net/?u=``, read as its target). The post id is the shortcode (the
  ``/p/<code>`` of its link), the account the user's numeric id.

4CAT keeps an imported item as the captured object's own fields beside ``__import_meta`` (the
rest of the Zeeschuimer item), and its NDJSON download gives them so: read alike. Its TikTok-
by-URL data source keeps bare TikTok web items (no wrapper, their comments beside them): read
as TikTok items.

- **Truth Social** (``truthsocial.com``): a Mastodon API status (Truth Social is a Mastodon
  fork), read by the Mastodon reader with the platform ``truthsocial``; its quote is the quoted
  status itself under ``quote`` (or only its id, ``quote_id``), where Mastodon 4.4 wraps it.

- **Gab** (``gab.com``): a Mastodon-like status (Gab is another Mastodon fork), in the API's
  names or in Gab's compact ones (``i``, ``ca``, ``c``, ``ul``, ``m``, ``tg``, the author under
  ``author_info`` with ``i``, ``un``, ``ac``, ``dn``, ``nt``; media under ``image_info`` with
  ``u``), as 4CAT's Gab mapper reads both; read by the Mastodon reader as platform ``gab``.

Items from other platforms Zeeschuimer captures (LinkedIn, 9GAG, Imgur, Pinterest, Douyin,
Xiaohongshu) are skipped and counted by platform in the manifest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from vigie.ingest import mastodon, tiktok, x_v1
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    Mapped,
    Missing,
    Skip,
    as_int,
    need,
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.records import as_dict as _d
from vigie.ingest.urls import canonical_urls, clean_hashtags, clean_mentions, raw_urls_in_text

X_HOSTS = ("twitter.com", "x.com")


def is_capture(obj: Any) -> bool:
    """A Zeeschuimer item: the captured object under ``data`` beside its platform, or as
    4CAT keeps it once imported (and exports it as NDJSON): the object's own fields beside
    ``__import_meta``, which holds the rest of the Zeeschuimer item; or a bare TikTok web
    item, as 4CAT's TikTok-by-URL data source keeps what it fetched."""
    if not isinstance(obj, dict):
        return False
    meta = obj.get("__import_meta")
    if isinstance(meta, dict):
        return isinstance(meta.get("source_platform"), str)
    if _bare_tiktok(obj):
        return True
    return (
        isinstance(obj.get("data"), dict)
        and isinstance(obj.get("source_platform"), str)
        and ("item_id" in obj or "timestamp_collected" in obj)
    )


def _bare_tiktok(obj: dict[str, Any]) -> bool:
    """A TikTok web item on its own: its id, description, time and author, with the keys of
    its video, sound or counts (a generic table rarely holds ``createTime`` beside them)."""
    return {"id", "desc", "createTime", "author"} <= set(obj) and (
        "video" in obj or "music" in obj or "stats" in obj
    )


BARE = {"source_platform": "tiktok.com"}
"""The metadata a bare TikTok item is read with."""


def _unwrapped(item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(metadata, captured object)`` of a Zeeschuimer item in any of its forms."""
    meta = item.get("__import_meta")
    if isinstance(meta, dict):
        return meta, {k: v for k, v in item.items() if k != "__import_meta"}
    if "data" not in item and _bare_tiktok(item):
        return BARE, item
    return item, item["data"]


def _host(item: dict[str, Any]) -> str:
    host = str(item.get("source_platform") or "").strip().lower()
    return host.removeprefix("www.")


# --- X: GraphQL tweet results, completed into API v1.1 tweets ------------------------------


def _result(obj: Any) -> dict[str, Any]:
    """A tweet result, unwrapped from ``TweetWithVisibilityResults`` (``{"tweet": ...}``)."""
    obj = _d(obj)
    if "rest_id" not in obj and isinstance(obj.get("tweet"), dict):
        return obj["tweet"]
    return obj


def _user(tweet: dict[str, Any], legacy: dict[str, Any]) -> dict[str, Any]:
    """The author as a v1.1 user object: newer results keep the screen name and creation
    date under the user's ``core``, older ones under its ``legacy``."""
    result = _d(_d(_d(tweet.get("core")).get("user_results")).get("result"))
    ul, uc = _d(result.get("legacy")), _d(result.get("core"))
    description = ul.get("description") or _d(result.get("profile_bio")).get("description")
    return {
        "id_str": legacy.get("user_id_str") or result.get("rest_id"),
        "screen_name": uc.get("screen_name") or ul.get("screen_name"),
        "name": uc.get("name") or ul.get("name"),
        "created_at": uc.get("created_at") or ul.get("created_at"),
        "followers_count": ul.get("followers_count"),
        "friends_count": ul.get("friends_count"),
        "statuses_count": ul.get("statuses_count"),
        "description": description,
    }


def v1_of(result: Any) -> dict[str, Any]:
    """A GraphQL tweet result as the API v1.1 tweet its ``legacy`` part almost is."""
    tweet = _result(result)
    if tweet.get("__typename") == "TweetTombstone" or "tombstone" in tweet:
        raise Skip("zeeschuimer: a tweet no longer available (tombstone)")
    legacy = tweet.get("legacy")
    if not isinstance(legacy, dict):
        raise Missing("data.legacy")
    v1 = {k: v for k, v in legacy.items() if k != "retweeted_status_result"}
    v1["id_str"] = tweet.get("rest_id") or legacy.get("id_str")
    v1["user"] = _user(tweet, legacy)
    v1["source"] = tweet.get("source") or legacy.get("source")
    note = _d(_d(_d(tweet.get("note_tweet")).get("note_tweet_results")).get("result"))
    if isinstance(note.get("text"), str) and note["text"]:  # a long tweet, whole
        v1["full_text"] = note["text"]
        if isinstance(note.get("entity_set"), dict):
            v1["entities"] = {**_d(legacy.get("entities")), **note["entity_set"]}
    rt = _result(_d(legacy.get("retweeted_status_result")).get("result"))
    if rt.get("legacy"):
        v1["retweeted_status"] = v1_of(rt)
    quoted = _result(_d(tweet.get("quoted_status_result")).get("result"))
    if quoted.get("legacy"):
        v1["quoted_status"] = v1_of(quoted)
    return v1


# --- TikTok: the web app's items ------------------------------------------------------------


def _tiktok(data: dict[str, Any]) -> Mapped:
    author = data.get("author")
    if isinstance(author, dict):
        user, name = author.get("uniqueId"), author.get("nickname")
    else:
        user, name = author, data.get("nickname")
    if not isinstance(user, str) or not user:
        raise Missing("data.author.uniqueId")
    text = data.get("desc") or ""
    if not isinstance(text, str):
        raise ValueError("desc is not a string")
    extra = [x for x in data.get("textExtra") or [] if isinstance(x, dict)]
    tags = [str(x["hashtagName"]) for x in extra if x.get("hashtagName")]
    tags += [str(c["title"]) for c in data.get("challenges") or [] if _d(c).get("title")]
    mentions = [str(x["userUniqueId"]) for x in extra if x.get("userUniqueId")]
    stats = _d(data.get("authorStats"))
    post = text_post(
        "tiktok",
        str(need(data, "id")),
        user,
        time_of(need(data, "createTime"), "createTime"),
        text,
        hashtags=clean_hashtags(tags) if tags else None,
        mentions=clean_mentions(mentions) if mentions else None,
    )
    account = tiktok.account_row(
        user,
        name,
        as_int(stats.get("followerCount")),
        as_int(stats.get("followingCount")),
        as_int(stats.get("videoCount")),
    )
    return [post], [account]


def _tiktok_comment(data: dict[str, Any]) -> Mapped:
    user = _d(data.get("user"))
    name = user.get("unique_id")
    if not isinstance(name, str) or not name:
        raise Missing("data.user.unique_id")
    text = data.get("text") or ""
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    video = str(need(data, "aweme_id"))
    parent = data.get("reply_id")
    lang = data.get("comment_language")
    post = text_post(
        "tiktok",
        str(need(data, "cid")),
        name,
        time_of(need(data, "create_time"), "create_time"),
        text,
        lang=lang if isinstance(lang, str) and lang and lang != "un" else None,
        reply_to=str(parent) if parent not in (None, "", "0", 0) else video,
    )
    return [post], [tiktok.account_row(name, user.get("nickname"))]


# --- Instagram and Threads: media items ----------------------------------------------------


def _preview_link(data: dict[str, Any]) -> list[str]:
    """A Threads post's link preview, through ``l.threads.net/?u=`` read as its target."""
    info = _d(data.get("text_post_app_info"))
    url = _d(info.get("link_preview_attachment")).get("url")
    if not isinstance(url, str) or not url:
        return []
    target = parse_qs(urlparse(url).query).get("u")
    return [target[0] if target else url]


def _graph_item(data: dict[str, Any]) -> dict[str, Any]:
    """An Instagram item of the web app's older GraphQL form (``GraphImage``, ``GraphVideo``,
    ``GraphSidecar``: ``shortcode``, ``taken_at_timestamp``, ``edge_media_to_caption``,
    ``owner``), which Zeeschuimer captured from 2021 to the end of 2023, in the newer form's
    names: such captures were refused whole (``data.taken_at`` missing). 4CAT's
    ``search_instagram.py`` (``parse_graph_item``) reads the same fields."""
    edges = _d(data.get("edge_media_to_caption")).get("edges")
    first = edges[0] if isinstance(edges, list) and edges else {}
    text = _d(_d(first).get("node")).get("text")
    return {
        **data,
        "code": data.get("shortcode"),
        "taken_at": data.get("taken_at_timestamp"),
        "caption": {"text": text if isinstance(text, str) else ""},
    }


def _instagram(data: dict[str, Any], platform: str = "instagram") -> Mapped:
    if "shortcode" in data and "code" not in data:
        data = _graph_item(data)
    user = _d(data.get("user")) or _d(data.get("owner"))
    uid = user.get("pk") or user.get("id")
    if uid in (None, ""):
        raise Missing("data.user.pk")
    caption = _d(data.get("caption")).get("text") or ""
    if not isinstance(caption, str):
        raise ValueError("caption.text is not a string")
    when = data.get("taken_at")
    if when in (None, ""):
        raise Missing("data.taken_at")
    account = str(uid)
    post = text_post(
        platform,
        str(need(data, "code")),
        account,
        time_of(when, "taken_at"),
        caption,
        urls=canonical_urls([*raw_urls_in_text(caption), *_preview_link(data)]),
    )
    name = user.get("full_name")
    acc = {
        "account_id": account,
        "platform": platform,
        "handle": user.get("username") if isinstance(user.get("username"), str) else None,
        "display_name": name if isinstance(name, str) and name else None,
    }
    return [post], [acc]


# --- Truth Social: Mastodon statuses --------------------------------------------------------


def _truth(data: dict[str, Any]) -> Mapped:
    return mastodon._one(data, "truthsocial")  # its quote rewritten there (truth_status)


GAB_AUTHOR = {"i": "id", "un": "username", "ac": "acct", "dn": "display_name", "nt": "note"}
"""Gab's compact names of an author's fields, as 4CAT's Gab mapper reads them."""


def _pick(data: dict[str, Any], *keys: str) -> Any:
    """The first of ``keys`` that ``data`` has (a compact name before the API's, as 4CAT)."""
    return next((data[k] for k in keys if k in data), None)


def _gab(data: dict[str, Any]) -> Mapped:
    status = {
        **data,
        "id": _pick(data, "i", "id"),
        "created_at": _pick(data, "ca", "created_at"),
        "content": _pick(data, "c", "content"),
        "tags": _pick(data, "tg", "tags"),
        "card": _pick(data, "card", "link"),
    }
    author = _pick(data, "author_info", "account")
    status["account"] = (
        {GAB_AUTHOR.get(k, k): v for k, v in author.items()} if isinstance(author, dict) else author
    )
    status["mentions"] = [
        {**m, "acct": m.get("acct") or m.get("username")}
        for m in _pick(data, "m", "mentions") or []
        if isinstance(m, dict)
    ]
    media = _pick(data, "image_info", "media_attachments")
    status["media_attachments"] = [
        {"url": m.get("url", m.get("u"))} for m in media or [] if isinstance(m, dict)
    ]
    posts, accounts = mastodon._one(status, "gab")
    # Zeeschuimer's gab.js writes ``c`` as plain text (no anchors left to read links from) and
    # the preview card under ``link_info``: every Gab post's links were lost, unsaid
    card = data.get("link_info")
    more = [card["url"]] if isinstance(card, dict) and isinstance(card.get("url"), str) else []
    text = status.get("content")
    if isinstance(text, str) and "<" not in text:
        more += raw_urls_in_text(text)
    for post in posts if more else []:
        if post["post_id"] == str(status["id"]):  # not a reblogged post given beside it
            post["urls"] = list(dict.fromkeys([*post["urls"], *canonical_urls(more)]))
    return posts, accounts


def _one(item: Any) -> Mapped:
    if not is_capture(item):
        raise ValueError("not a Zeeschuimer item (no data object beside source_platform)")
    meta, data = _unwrapped(item)
    host = _host(meta)
    if host in X_HOSTS:
        return x_v1._one(v1_of(data))
    if host == "tiktok.com":
        return _tiktok(data)
    if host == "truthsocial.com":
        return _truth(data)
    if host == "gab.com":
        return _gab(data)
    if host == "tiktok-comments":
        return _tiktok_comment(data)
    if host in ("instagram.com", "threads.net", "threads.com"):
        if data.get("product_type") == "ad":
            raise Skip("zeeschuimer: an Instagram ad (not a post)")
        return _instagram(data, "instagram" if host == "instagram.com" else "threads")
    raise Skip(f"zeeschuimer: items from {host or 'an unnamed platform'} are not read")


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a Zeeschuimer NDJSON export."""
    return read_items(path, lambda v: [v], _one, "item")
