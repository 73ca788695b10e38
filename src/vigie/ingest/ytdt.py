"""YouTube Data Tools' comment files (Bernhard Rieder's YTDT, Digital Methods Initiative).

Why a reader of its own: YTDT is how most media scholars, journalists and NGOs without code
collect YouTube comments, and its "Video Info and Comments" module writes one file per video,
``videoinfo_<videoId>_<YYYY_MM_DD-hh_mm_ss>_comments.csv`` (or ``.tab``, tab-separated;
``videoinfo_<channelId>_<videoId>_...`` when run on a video list). Its columns (the module's
source, ``mod_video_comments.php``): ``id``, ``replyCount``, ``likeCount``, ``publishedAt``,
``authorName``, ``text``, ``authorChannelId``, ``authorChannelUrl``, ``isReply``,
``isReplyTo`` (the top-level comment a reply answers), ``isReplyToName``; later versions add
``videoId``. With its "pseudonymize" box, ``id``, ``authorName`` and ``isReplyTo`` are sha1
hashes and ``authorChannelId``/``authorChannelUrl`` are left out: the account is then
``pseudonym:<hashed name>`` (stable: co-reply and timing still read), with no name.

Mapping, as vigie's other YouTube readers (``youtube.py``): every comment is a post of its
author's channel (``authorChannelId``); a top-level comment replies to its video (the
``videoId`` column, else the video id in the file's name; a file renamed so that it holds
neither leaves top-level comments without a target: co-reply then compares the replies only),
a reply to ``isReplyTo``. ``publishedAt`` was written by the YTDT server with PHP's
``date()``, in UTC (``common.php`` sets it since 2019). Texts had their runs of white space
made one space by YTDT; an older file's top-level comment is YouTube's HTML ``textDisplay``
(links as ``<a>``, ``<br>``; YTDT asks for plain text now): its text is read out of the HTML.
URLs, hashtags and @handles are read from the text.

YTDT's "Video List" modules (a channel's videos, a search, a playlist) write one row per video:
``position``, ``channelId``, ``channelTitle``, ``videoId``, ``publishedAt``, ``videoTitle``,
``videoDescription``, ``tags``, the category, duration and counts. Each video is a post of its
channel: the text is the title, a blank line, then the description (where campaigns put their
links and hashtags); the channel's title is its display name. YouTube's ``tags`` are keywords
hidden from viewers, not hashtags: not read (a description's ``#tag`` is).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows, youtube
from vigie.ingest.mastodon import html_text
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, Missing, read_items, text_post, time_of

FORMAT = "ytdt"
COLUMNS = ("id", "publishedAt", "authorName", "text", "authorChannelId", "isReply")
VIDEO_IN_NAME = re.compile(
    r"videoinfo_(?:UC[\w-]{22}_)?([\w-]{11})_\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d_comments",
)
_HTML = re.compile(r"<[a-zA-Z/][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


VIDEO_COLUMNS = ("videoId", "channelId", "publishedAt", "videoTitle")


def is_video_list(header: list[str]) -> bool:
    return csv_rows.has_columns(header, VIDEO_COLUMNS, ("videoDescription", "channelTitle"))


PSEUDONYMISED = ("id", "publishedAt", "authorName", "text", "isReply", "isReplyTo")
"""A comments file made with YTDT's "pseudonymize" box (``mod_video_comments.php``): ids and
author names are sha1 hashes, ``authorChannelId`` and ``authorChannelUrl`` are taken out."""
PSEUDONYM = "pseudonym:"
"""The account id of a pseudonymised author: its hashed name, prefixed so that it can never
meet a channel id (the hash is stable: one author is one account within such files)."""


def is_ytdt(header: list[str]) -> bool:
    return (
        csv_rows.has_columns(header, COLUMNS, ("isReplyTo", "isReplyToId"))
        or csv_rows.has_columns(header, PSEUDONYMISED, ("isReplyToName",))
        or is_video_list(header)
    )


def delimiter(path: Path) -> str | None:
    """The delimiter (comma or tab) under which ``path``'s first row is a YTDT header."""
    return csv_rows.header_delimiter(path, is_ytdt)


def _video(row: Any) -> Mapped:
    """One row of a video list: the video, a post of its channel."""
    row = csv_rows.whole(row)
    video = csv_rows.need_cell(row, "videoId")
    channel = csv_rows.need_cell(row, "channelId")
    when = time_of(csv_rows.need_cell(row, "publishedAt"), "publishedAt")
    parts = (csv_rows.cell(row, "videoTitle"), csv_rows.cell(row, "videoDescription"))
    post = text_post(youtube.PLATFORM, video, channel, when, "\n\n".join(p for p in parts if p))
    account_row = {
        "account_id": channel,
        "platform": youtube.PLATFORM,
        "display_name": csv_rows.cell(row, "channelTitle"),
    }
    return [post], [account_row]


def video_of(path: Path) -> str | None:
    """The video id YTDT put in the file's name, if it is there."""
    found = VIDEO_IN_NAME.search(path.name)
    return found.group(1) if found else None


def _reader(video: str | None) -> Any:
    def one(row: Any) -> Mapped:
        row = csv_rows.whole(row)
        post_id = csv_rows.need_cell(row, "id")
        pseudonymised = "authorChannelId" not in row
        if pseudonymised:
            account = PSEUDONYM + csv_rows.need_cell(row, "authorName")
        else:
            account = csv_rows.need_cell(row, "authorChannelId")
        when = time_of(csv_rows.need_cell(row, "publishedAt"), "publishedAt")
        text = row.get("text") or ""
        if _HTML.search(text):
            text = html_text(text)
        reply = (csv_rows.cell(row, "isReply") or "0") not in ("0", "false", "False")
        target = csv_rows.cell(row, "isReplyTo", "isReplyToId") if reply else None
        if reply and target is None:
            raise Missing("isReplyTo")
        post = text_post(
            youtube.PLATFORM,
            post_id,
            account,
            when,
            text,
            reply_to=target or csv_rows.cell(row, "videoId") or video,
        )
        name = None if pseudonymised else csv_rows.cell(row, "authorName")
        handle = name if name and name.startswith("@") else None
        account_row = {
            "account_id": account,
            "platform": youtube.PLATFORM,
            "handle": handle.lstrip("@") if handle else None,
            "display_name": name,
        }
        return [post], [account_row]

    return one


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a YTDT comments file (CSV or tab-separated)."""
    delim = delimiter(path)
    if delim is None:
        header = csv_rows.header_of(path)
        csv_rows.need_columns(
            path, header, (*COLUMNS, "isReplyTo"), "a YouTube Data Tools comments file"
        )
        delim = ","
    values = csv_rows.rows(path, delimiter=delim, strip=True)
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        header = next(csv.reader(fh, delimiter=delim), [])
    if is_video_list(header):
        return read_items(path, lambda v: [v], _video, "YTDT video", values=values)
    return read_items(path, lambda v: [v], _reader(video_of(path)), "YTDT comment", values=values)
