"""TikTok Research API videos (``POST /v2/research/video/query/``).

Response page: ``{"data": {"videos": [video...], "cursor", "has_more", "search_id"},
"error": {"code", "message", "log_id"}}``, one page per line, one document, or one video per
line. A video has only the fields the query asked for (developers.tiktok.com, Research API
codebook): ``id``, ``create_time`` (POSIX seconds), ``username``, ``video_description``,
``region_code``, ``hashtag_names``, ``video_mention_list``, ``music_id``, ``voice_to_text``,
counts...

Mapping: ``post_id`` = ``id`` (the codebook's other names for it, ``video_id`` and
``item_id``, read alike: TikTok's own examples and R's traktok write ``video_id``),
``account_id`` = ``username`` (traktok's ``author_name``; the API gives no numeric user id
for a video), time = ``create_time`` (POSIX seconds, or the UTC text traktok writes), text =
the description, hashtags from ``hashtag_names`` (else the names in ``hashtag_info_list``, else
from the text), mentions from ``video_mention_list`` (else from the text), URLs from the text.

Every other field of the codebook is left out on purpose, each for a reason:
``music_id`` (a shared popular sound is not evidence of coordination on its own),
``voice_to_text`` (a machine transcript: one song's lyrics would read as copypasta across every
video using it), ``region_code`` (where the creator registered, not something shared), the
counts (``view_count``, ``like_count``, ``comment_count``, ``share_count``,
``favorites_count``), ``effect_ids``/``effect_info_list``/``sticker_info_list`` (the app's
decorations), ``playlist_id``, ``video_duration``, ``is_stem_verified``, ``video_label`` and
``video_tag`` (TikTok's own labels). A page whose ``error.code`` is not ``ok`` is refused whole
(the API's message is in its excerpt). Required per video: an id, a username, ``create_time``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
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
from vigie.ingest.x_csv import _items, _val

PLATFORM = "tiktok"
ID_KEYS = ("id", "video_id", "item_id")
"""The codebook's names for a video's id ("also called item_id or video_id")."""
USER_KEYS = ("username", "author_name")
"""The creator's user name: the API's, and R traktok's name for it."""


def _first(v: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of ``keys`` holding a value, or ``Missing`` naming the API's name."""
    for k in keys:
        if v.get(k) not in (None, ""):
            return v[k]
    return need(v, keys[0])


def is_video(v: dict[str, Any]) -> bool:
    """One video object: an id under any of its names, and its ``create_time``."""
    return "create_time" in v and any(k in v for k in ID_KEYS)


def _one(v: Any) -> Mapped:
    if not isinstance(v, dict):
        raise ValueError("a video is not an object")
    text = v.get("video_description") or ""
    if not isinstance(text, str):
        raise ValueError("video_description is not a string")
    user = str(_first(v, USER_KEYS))
    tags = v.get("hashtag_names")
    if not isinstance(tags, list) and isinstance(v.get("hashtag_info_list"), list):
        tags = [t.get("hashtag_name") for t in v["hashtag_info_list"] if isinstance(t, dict)]
        tags = [t for t in tags if isinstance(t, str) and t]
    mentions = v.get("video_mention_list")
    post = text_post(
        PLATFORM,
        str(_first(v, ID_KEYS)),
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
    return as_list(value, PAGE_KEYS, is_video)


def is_csv(header: list[str]) -> bool:
    """The API's videos saved as a table (R traktok's ``tt_search_api()`` written with
    ``write.csv``, the tables the VERA.AI CSDS pre-processor reads): an id and a user under
    any of their names, ``create_time``, and the description or the hashtags."""
    have = set(header)
    return (
        "create_time" in have
        and bool(have & set(ID_KEYS))
        and bool(have & set(USER_KEYS))
        and bool(have & {"video_description", "hashtag_names"})
    )


LIST_COLUMNS = ("hashtag_names", "video_mention_list")


def _row(row: Any) -> Mapped:
    """One table row as the video object it was written from (list cells as lists: JSON,
    R's ``c(...)``, or separated by commas, blanks or pipes)."""
    video = {k: v for k, v in csv_rows.whole(row).items() if _val(row, k) is not None}
    for key in LIST_COLUMNS:
        if key in video:
            video[key] = [str(x) for x in _items(_val(row, key))]
    return _one(video)


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from TikTok Research API video pages, or from its videos
    saved as a CSV table (a file that does not start as JSON does)."""
    with open(path, "rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] not in (b"{", b"["):
        cols = ("video_id", "author_name", "create_time")
        return csv_rows.read_table(path, is_csv, cols, "a TikTok videos table", _row, "video")
    return read_items(path, _unwrap, _one, "TikTok video", keys=PAGE_KEYS)
