"""CSV files written by médialab's ``minet`` for YouTube and TikTok (its X and Bluesky files
are twitwi's: ``twitwi_files``).

Why: ``minet yt comments``, ``minet yt videos``/``search`` and ``minet tiktok`` are how many
researchers without platform tooling collect the comment brigades under videos and the
videos themselves; their columns are minet's (``casanova`` records: one column per field,
lists joined by ``|``), not the platform's, so without this reader the analyst had to write a
``--map`` and lost the reply structure. Which of the three a file is, its header says:

- **YouTube comments** (minet ``YouTubeComment``): ``video_id``, ``comment_id``,
  ``author_name``, ``author_channel_id``, ``text`` (YouTube's ``textOriginal``),
  ``published_at``, ``parent_comment_id`` (empty for a top-level comment). Mapped as the
  YouTube Data API reader maps the same comments: the account is the author's channel, a
  top-level comment replies to its video, a reply to its parent comment.
- **YouTube videos** (``YouTubeVideo``/``YouTubeVideoSnippet``): ``video_id``, ``title``,
  ``published_at``, ``description``, ``channel_id``, ``channel_title``,
  ``default_language``: a post of its channel whose text is the title and the description,
  as the API reader's.
- **TikTok videos** (``TiktokVideo``): ``id``, ``description``, ``timestamp`` (POSIX
  seconds), ``author_unique_id`` (the user name: the account, as the Research API reader's
  and the Zeeschuimer reader's), ``author_nickname``, ``author_follower_count``,
  ``author_following_count``, ``author_video_count``, ``challenges_titles`` (the hashtags).

URLs, hashtags (but TikTok's, which minet lists) and @handles are read from the texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest import csv_rows, tiktok, youtube
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, read_items, text_post, time_of
from vigie.ingest.twitwi_files import pipe_list
from vigie.ingest.urls import clean_hashtags
from vigie.ingest.x_csv import _count, _val

FORMAT = "minet"
COMMENTS = ("video_id", "comment_id", "author_channel_id", "text", "published_at")
VIDEOS = ("video_id", "title", "published_at", "description", "channel_id")
TIKTOK = ("id", "description", "timestamp", "author_unique_id")
KINDS = {"youtube comments": COMMENTS, "youtube videos": VIDEOS, "tiktok videos": TIKTOK}


def kind_of(header: list[str]) -> str | None:
    """Which minet file a CSV header is (a ``KINDS`` key), else None."""
    cols = set(header)
    return next((kind for kind, need in KINDS.items() if set(need) <= cols), None)


def is_minet(header: list[str]) -> bool:
    return kind_of(header) is not None


def _need(row: dict[str, Any], col: str) -> str:
    return csv_rows.need_cell(row, col)


def _comment(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    parent = _val(row, "parent_comment_id")
    channel = _need(row, "author_channel_id")
    text = row.get("text") or ""
    post = youtube._post(
        _need(row, "comment_id"),
        channel,
        time_of(_need(row, "published_at"), "published_at"),
        text,
        None,
        parent or _val(row, "video_id"),
    )
    name = _val(row, "author_name")
    account = {
        "account_id": channel,
        "platform": youtube.PLATFORM,
        "handle": name.lstrip("@") if name and name.startswith("@") else None,
        "display_name": name,
    }
    return [post], [account]


def _video(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    channel = _need(row, "channel_id")
    title, description = row.get("title") or "", row.get("description") or ""
    text = f"{title}\n\n{description}" if title and description else title or description
    post = youtube._post(
        _need(row, "video_id"),
        channel,
        time_of(_need(row, "published_at"), "published_at"),
        text,
        _val(row, "default_language"),
        None,
    )
    account = {
        "account_id": channel,
        "platform": youtube.PLATFORM,
        "handle": None,
        "display_name": _val(row, "channel_title"),
    }
    return [post], [account]


def _tiktok(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    user = _need(row, "author_unique_id")
    text = row.get("description") or ""
    tags = pipe_list(row, "challenges_titles")
    post = text_post(
        "tiktok",
        _need(row, "id"),
        user,
        time_of(_need(row, "timestamp"), "timestamp"),
        text,
        hashtags=clean_hashtags(tags) if tags else None,
    )
    account = tiktok.account_row(
        user,
        _val(row, "author_nickname"),
        _count(_val(row, "author_follower_count")),
        _count(_val(row, "author_following_count")),
        _count(_val(row, "author_video_count")),
    )
    return [post], [account]


MAPPERS: dict[str, tuple[Callable[[Any], Mapped], str]] = {
    "youtube comments": (_comment, "comment"),
    "youtube videos": (_video, "video"),
    "tiktok videos": (_tiktok, "video"),
}


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a minet YouTube comments, YouTube videos or TikTok CSV."""
    header = csv_rows.header_of(path)
    kind = kind_of(header)
    if kind is None:
        raise InputError(
            "not a minet YouTube or TikTok CSV: its header has none of "
            + "; ".join(f"{k} ({', '.join(c)})" for k, c in KINDS.items())
            + f" (columns are: {', '.join(header[:12])}{', ...' if len(header) > 12 else ''});"
            " read it as a generic table with --format csv and --map",
            file=str(path),
        )
    one, what = MAPPERS[kind]
    return read_items(path, lambda v: [v], one, what, values=csv_rows.rows(path))
