"""TikTok Research API videos (``POST /v2/research/video/query/``).

Response page: ``{"data": {"videos": [video...], "cursor", "has_more", "search_id"},
"error": {"code", "message", "log_id"}}``, one page per line, one document, or one video per
line. A video has only the fields the query asked for (developers.tiktok.com, Research API
codebook): ``id``, ``create_time`` (POSIX seconds), ``username``, ``video_description``,
``region_code``, ``hashtag_names``, ``video_mention_list``, ``music_id``, ``voice_to_text``,
counts...

Mapping: ``post_id`` = ``id``, ``account_id`` = ``username`` (the API gives no numeric user id
for a video), text = the description, hashtags from ``hashtag_names`` (else from the text),
mentions from ``video_mention_list`` (else from the text), URLs from the text. Not mapped: the
sound (``music_id``: a shared popular sound is not evidence of coordination on its own), the
counts, and ``voice_to_text``. A page whose ``error.code`` is not ``ok`` is refused whole (the API's
message is in its excerpt). Required per video: ``id``, ``username``, ``create_time``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadPage,
    Mapped,
    Row,
    as_list,
    need,
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.urls import clean_hashtags, clean_mentions

PLATFORM = "tiktok"


def _one(v: Any) -> Mapped:
    if not isinstance(v, dict):
        raise ValueError("a video is not an object")
    text = v.get("video_description") or ""
    if not isinstance(text, str):
        raise ValueError("video_description is not a string")
    user = str(need(v, "username"))
    tags = v.get("hashtag_names")
    mentions = v.get("video_mention_list")
    post = text_post(
        PLATFORM,
        str(need(v, "id")),
        user,
        time_of(need(v, "create_time"), "create_time"),
        text,
        hashtags=clean_hashtags(tags) if isinstance(tags, list) else None,
        mentions=clean_mentions(mentions) if isinstance(mentions, list) else None,
    )
    return [post], [account_row(user)]


def account_row(
    user: str,
    name: Any = None,
    followers: int | None = None,
    following: int | None = None,
    videos: int | None = None,
) -> Row:
    """A TikTok account: its user name is its id (the Research API gives no numeric id for
    a video's author, so every TikTok source keys accounts by name, and they merge)."""
    return {
        "account_id": user,
        "platform": PLATFORM,
        "handle": user,
        "display_name": name if isinstance(name, str) and name else None,
        "followers": followers,
        "following": following,
        "posts_count": videos,
    }


PAGE_KEYS = ("data.videos", "videos")  # where a page (or merged pages) holds its videos


def _unwrap(value: Any) -> list[Any] | None:
    if isinstance(value, dict) and isinstance(value.get("error"), dict):
        code = value["error"].get("code")
        if code not in (None, "ok") and not (value.get("data") or {}).get("videos"):
            raise BadPage("TikTok API error page", f"{code}: {value['error'].get('message')}")
    return as_list(value, PAGE_KEYS, lambda v: "id" in v and "create_time" in v)


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from TikTok Research API video pages."""
    return read_items(path, _unwrap, _one, "TikTok video", keys=PAGE_KEYS)
