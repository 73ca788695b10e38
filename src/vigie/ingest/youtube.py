"""YouTube Data API v3: comment threads (``commentThreads.list``, ``part=snippet,replies``)
and videos (``videos.list``, ``search.list``, ``playlistItems.list``).

Response page: ``{"kind": "youtube#commentThreadListResponse", "items": [commentThread...],
"nextPageToken"}``, one page per line or one document; a bare ``youtube#commentThread`` per
line is read too. A thread is ``{"id", "snippet": {"videoId", "topLevelComment": comment,
"totalReplyCount"}, "replies": {"comments": [comment...]}}``; a comment is ``{"id",
"snippet": {"authorDisplayName", "authorChannelId": {"value"}, "videoId", "textOriginal",
"textDisplay", "parentId", "publishedAt"}}`` (developers.google.com/youtube/v3/docs).

Mapping: every comment (top-level and replies) is a post whose ``account_id`` is the author's
channel id; a top-level comment replies to its video (``reply_to`` = the video id), a reply to
its ``parentId``. ``textOriginal`` is the text (``textDisplay`` is HTML, used only when the
original was not requested); URLs, hashtags and @handles are read from it. The API returns
only part of the replies of a long thread (``totalReplyCount`` tells how many exist): what is
not in the file is not invented. A comment without ``authorChannelId`` (deleted channel) is
refused with that field named.

Videos: a ``youtube#video`` (``id``), a ``youtube#searchResult`` (``id.videoId``; a channel or
playlist found by the search is counted as skipped, not a post) or a ``youtube#playlistItem``
(``snippet.resourceId.videoId``; how a channel's uploads are listed) is a post of its channel
(``snippet.channelId``; for a playlist item the video owner's, ``videoOwnerChannelId``), at
``publishedAt`` (a playlist item's ``contentDetails.videoPublishedAt`` when present: its own
``publishedAt`` is when it joined the playlist), whose text is the title and the description,
from which URLs, hashtags and @handles are read. Its ``post_id`` is the video id, the same
``reply_to`` as its comments: a channel network pushing the same links in its descriptions
and the comment brigade under its videos are read from one Dataset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.mastodon import html_text
from vigie.ingest.model import Batch
from vigie.ingest.records import (
    Mapped,
    Missing,
    Row,
    Skip,
    as_list,
    need,
    read_items,
    text_post,
    time_of,
)

PLATFORM = "youtube"


def _post(post_id: str, channel: str, created_at: Any, text: str, lang: Any, reply_to: Any) -> Row:
    """A comment's or a video's post: URLs, hashtags and @handles read from its text."""
    reply = str(reply_to) if reply_to else None
    return text_post(PLATFORM, post_id, channel, created_at, text, lang=lang, reply_to=reply)


def _comment(c: Any, video_id: str | None, top: bool) -> tuple[Row, Row]:
    sn = need(c, "snippet")
    if "textOriginal" in sn:
        text = sn.get("textOriginal") or ""
    else:
        text = html_text(sn.get("textDisplay") or "")
    if not isinstance(text, str):
        raise ValueError("snippet.textOriginal is not a string")
    channel = str(need(sn, "authorChannelId", "value"))
    video = sn.get("videoId") or video_id
    reply_to = (video if top else sn.get("parentId")) or None
    post_id = str(need(c, "id"))
    when = time_of(need(sn, "publishedAt"), "snippet.publishedAt")
    post = _post(post_id, channel, when, text, None, reply_to)
    name = sn.get("authorDisplayName") or None
    account = {
        "account_id": channel,
        "platform": PLATFORM,
        "handle": name.lstrip("@") if isinstance(name, str) and name.startswith("@") else None,
        "display_name": name,
    }
    return post, account


VIDEO_KINDS = ("youtube#video", "youtube#searchResult", "youtube#playlistItem")


def _video(item: dict[str, Any]) -> Mapped:
    """A video of ``videos.list``, ``search.list`` or ``playlistItems.list`` as a post."""
    kind = item.get("kind")
    sn = need(item, "snippet")
    when = sn.get("publishedAt")
    channel = sn.get("channelId")
    if kind == "youtube#searchResult":
        found = need(item, "id")
        if found.get("kind") not in (None, "youtube#video"):
            raise Skip(f"youtube: search result that is no video ({found.get('kind')})")
        video = need(item, "id", "videoId")
    elif kind == "youtube#playlistItem":
        video = need(sn, "resourceId", "videoId")
        channel = sn.get("videoOwnerChannelId") or channel
        when = (item.get("contentDetails") or {}).get("videoPublishedAt") or when
    else:
        video = need(item, "id")
    if not channel:
        raise Missing("snippet.channelId")
    title, description = sn.get("title") or "", sn.get("description") or ""
    if not isinstance(title, str) or not isinstance(description, str):
        raise ValueError("snippet.title or snippet.description is not a string")
    text = f"{title}\n\n{description}" if title and description else title or description
    lang = sn.get("defaultAudioLanguage") or sn.get("defaultLanguage") or None
    post = _post(str(video), str(channel), time_of(when, "snippet.publishedAt"), text, lang, None)
    name = sn.get("channelTitle") if kind != "youtube#playlistItem" else None
    name = name or sn.get("videoOwnerChannelTitle") or None
    account = {
        "account_id": str(channel),
        "platform": PLATFORM,
        "handle": None,
        "display_name": name if isinstance(name, str) else None,
    }
    return [post], [account]


def _one(item: Any) -> Mapped:
    if not isinstance(item, dict):
        raise ValueError("a comment thread is not an object")
    if item.get("kind") in VIDEO_KINDS:
        return _video(item)
    posts, accounts = [], []
    if item.get("kind") == "youtube#comment":  # commentThreads with part=id? no: comments.list
        p, a = _comment(item, None, top="parentId" not in (item.get("snippet") or {}))
        return [p], [a]
    sn = need(item, "snippet")
    video = sn.get("videoId")
    p, a = _comment(need(sn, "topLevelComment"), video, top=True)
    posts.append(p)
    accounts.append(a)
    for reply in (item.get("replies") or {}).get("comments") or []:
        p, a = _comment(reply, video, top=False)
        posts.append(p)
        accounts.append(a)
    return posts, accounts


def _unwrap(value: Any) -> list[Any] | None:
    return as_list(
        value,
        ("items",),
        lambda v: (
            str(v.get("kind", "")) in ("youtube#commentThread", "youtube#comment", *VIDEO_KINDS)
        ),
    )


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from YouTube comment threads and videos."""
    return read_items(path, _unwrap, _one, "comment", keys=("items",))
