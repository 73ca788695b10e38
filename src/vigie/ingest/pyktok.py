"""TikTok videos as pyktok saved them (``pyk.save_tiktok(..., metadata_fn="videos.csv")``).

Why a reader of its own: Deen Freelon's pyktok is how many social scientists collect TikTok
videos without the Research API, and its metadata CSV is what they hold of election-time
TikTok (one row per video, appended run after run and de-duplicated on ``video_id``). Its
columns (``generate_data_row`` in ``pyktok.py``): ``video_id``, ``video_timestamp``,
``video_duration``, ``video_locationcreated``, ``video_diggcount``, ``video_sharecount``,
``video_commentcount``, ``video_playcount``, ``video_description``, ``video_is_ad``,
``video_stickers``, ``author_username``, ``author_name``, ``author_followercount``,
``author_followingcount``, ``author_heartcount``, ``author_videocount``,
``author_diggcount``, ``author_verified``, ``poi_name``, ``poi_address``, ``poi_city``.

Its trap: ``video_timestamp`` is ``datetime.fromtimestamp(createTime).isoformat()``, the
*scraping computer's* local time, with no zone. The time is the one the video id holds
instead: a TikTok id's first 32 bits are its creation time in Unix seconds (the fact OSINT
tools read ids by); for an id that holds none, ``video_timestamp`` read as UTC.

Mapping, as vigie's other TikTok readers: the post id is ``video_id``, the account the
author's user name (``author_username``: TikTok sources give no numeric author id alike, so
every TikTok reader keys accounts by name), the text the description, hashtags and @handles
read from it; the on-screen texts (``video_stickers``, ``;``-joined) follow the
description on a line of their own, so the same words pasted on many videos compare; the
account's name, followers, following and videos. An advertisement (``video_is_ad``) is
skipped and counted.

Its comments CSV (``save_tiktok_comments``; ``cid``, ``text``, ``aweme_id``, ``create_time``,
``user``, ``reply_id``, ``comment_language``...) is read too: each comment a post of its
author's user name, replying to the video or to the comment it answers.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows, tiktok
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Skip, text_post, time_of

FORMAT = "pyktok"
COLUMNS = ("video_id", "video_timestamp", "video_description", "author_username")
FIRST_SECOND = datetime(2016, 9, 1, tzinfo=UTC).timestamp()
"""TikTok (musical.ly before it) ids that decode to an earlier second hold no time."""


COMMENT_COLUMNS = ("cid", "aweme_id", "create_time", "text", "user")
"""pyktok's comments CSV (``save_tiktok_comments``, ``save_video_comments`` before it): the
web app's comment objects as pandas wrote them, ``user`` a Python ``dict``'s text."""


def is_pyktok(header: list[str]) -> bool:
    have = csv_rows.names(header)
    return set(COLUMNS) <= have or set(COMMENT_COLUMNS) <= have


def time_of_video(video_id: str) -> datetime | None:
    """The UTC second a TikTok video id holds in its first 32 bits; None when it holds no
    plausible one (not a 64-bit number, or before TikTok)."""
    if not video_id.isascii() or not video_id.isdigit() or len(video_id) > 20:
        return None
    value = int(video_id)
    if value >= 1 << 64:
        return None
    seconds = value >> 32
    if seconds < FIRST_SECOND or seconds > datetime.now(UTC).timestamp() + 86400:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def _number(value: str | None) -> int | None:
    """A count as pandas wrote it (``1200`` or ``1200.0``; ``nan`` when unknown)."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number == number and abs(number) < 2**53 else None


def _one(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    video = csv_rows.need_cell(row, "video_id")
    if not video.isdigit():
        raise BadField("video_id", f"not a TikTok video id: {video[:40]!r}")
    if (csv_rows.cell(row, "video_is_ad") or "").lower() == "true":
        raise Skip("pyktok: an advertisement (not a post)")
    user = csv_rows.need_cell(row, "author_username")
    when = time_of_video(video) or time_of(
        csv_rows.need_cell(row, "video_timestamp"), "video_timestamp"
    )
    text = row.get("video_description") or ""
    stickers = [s.strip() for s in (row.get("video_stickers") or "").split(";") if s.strip()]
    if stickers:
        text = "\n".join([text, *stickers]) if text else "\n".join(stickers)
    post = text_post(tiktok.PLATFORM, video, user, when, text)
    account = tiktok.account_row(
        user,
        csv_rows.cell(row, "author_name"),
        _number(csv_rows.cell(row, "author_followercount")),
        _number(csv_rows.cell(row, "author_followingcount")),
        _number(csv_rows.cell(row, "author_videocount")),
    )
    return [post], [account]


UNIQUE_ID_RE = re.compile(r"""['"]unique_id['"]:\s*'([^'\\]+)'""")
NICKNAME_RE = re.compile(r"""['"]nickname['"]:\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _nickname(user: str) -> str | None:
    found = NICKNAME_RE.search(user)
    if found is None:
        return None
    try:
        name = ast.literal_eval(found.group(1))  # one string literal: nothing else runs
    except (ValueError, SyntaxError):
        return None
    return name if isinstance(name, str) and name else None


def _comment(row: Any) -> Mapped:
    """One comment of pyktok's comments CSV, as Zeeschuimer's TikTok comments are read: the
    account is the user name (``user``'s ``unique_id``, read from the dict's text by pattern,
    never evaluated whole), a comment replies to its video (``aweme_id``) or, when
    ``reply_id`` is not ``0``, to that comment."""
    row = csv_rows.whole(row)
    cid = csv_rows.need_cell(row, "cid")
    user = csv_rows.need_cell(row, "user")
    found = UNIQUE_ID_RE.search(user)
    if found is None:
        raise BadField("user", "no unique_id in it")
    name = found.group(1)
    video = csv_rows.need_cell(row, "aweme_id")
    parent = csv_rows.cell(row, "reply_id")
    lang = csv_rows.cell(row, "comment_language")
    post = text_post(
        tiktok.PLATFORM,
        cid,
        name,
        time_of(csv_rows.need_cell(row, "create_time"), "create_time"),
        row.get("text") or "",
        lang=lang if lang and lang != "un" else None,
        reply_to=parent if parent not in (None, "0") else video,
    )
    return [post], [tiktok.account_row(name, _nickname(user))]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from pyktok's video metadata CSV, or its comments CSV."""
    if set(COMMENT_COLUMNS) <= csv_rows.names(csv_rows.header_of(path)):
        return csv_rows.read_table(
            path, is_pyktok, COMMENT_COLUMNS, "pyktok's comments", _comment, "pyktok comment"
        )
    return csv_rows.read_table(
        path, is_pyktok, COLUMNS, "pyktok's video metadata", _one, "pyktok video", strip=True
    )
