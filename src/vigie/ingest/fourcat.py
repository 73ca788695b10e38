"""4CAT dataset exports (the "Download csv" of a 4CAT dataset: 4CAT's own item mapping, the
same core columns for every data source it collects or imports).

Core columns (4CAT's ``map_item`` of each data source): ``id``, ``thread_id``, ``timestamp``
(``2021-02-01 10:00:00``, UTC), ``unix_timestamp``, ``body``, ``author``; many sources add
``author_id``, ``author_fullname``, ``link``/``url``, ``hashtags``, ``urls``, ``mentions``
(comma-separated), ``is_retweet``/``retweeted_user``, ``replied_user``, ``language_guess``.

Mapping: ``post_id`` = ``id``, ``account_id`` = ``author_id`` when the export has it (ids do
not change with renames), else Truth Social's and Gab's ``account_id``, Douyin's
``author_user_id``, else ``author`` (``AUTHORS``); created_at = ``unix_timestamp``, else
``timestamp``; text = ``body``; URLs, hashtags (Gab's ``tags``) and mentions = their columns
when present (comma lists), else read from the text, and a link card's ``link_url`` or
``link_attached``; lang = ``language_guess``/``lang``. The platform is not in the
export (4CAT names the data source only in its own database): ``--platform`` gives it, else
the export's ``platform``/``datasource`` column (``twitter-api`` -> ``x``), else it is
``4cat``. Not mapped: reposts and replies (4CAT writes the reposted *user*, not the reposted
post), counts. Required per row: ``id``, an author, a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.csv_rows import cell, need_cell
from vigie.ingest.model import Batch
from vigie.ingest.records import Mapped, Missing, read_items, time_of
from vigie.ingest.tabular import canonical_platform
from vigie.ingest.urls import (
    canonical_urls,
    clean_hashtags,
    clean_mentions,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)

AUTHORS = ("author", "account_username", "author_user_id")
"""Where a data source's ``map_item`` names the author: most write ``author``; Truth Social's
and Gab's ``account_id``/``account_username`` (``search_truth.py``, ``search_gab.py``),
Douyin's ``author_user_id``. Such exports were refused ("no column author")."""
OWN = ("thread_id", "unix_timestamp", "account_username", "author_user_id")
"""A column of 4CAT's beside the common ones (9GAG's and Imgur's write no ``thread_id``)."""
ACCOUNT_IDS = ("author_id", "account_id", "author_user_id", "author", "account_username")
HANDLES = ("author_username", "account_username", "author")
NAMES = (
    "author_fullname",
    "account_display_name",
    "author_full",
    "author_name",
    "author_nickname",
)
LINKS = ("link_url", "link_attached")
"""A post's link card, beside the links of its text (Threads, Gab, LinkedIn; Telegram)."""
SPLIT_RE = re.compile(r"[,\s]+")
URL_SPLIT_RE = re.compile(r"\s+|,\s*(?=https?://)")
"""4CAT joins a list with commas: a link holding one (``?a=1,2``) stays whole."""


def is_4cat(header: list[str]) -> bool:
    have = set(header)
    return (
        {"id", "timestamp", "body"} <= have
        and any(a in have for a in AUTHORS)
        and any(c in have for c in OWN)
    )


def _split(v: str | None, pattern: re.Pattern[str] = SPLIT_RE) -> list[str]:
    return [p for p in pattern.split(v) if p] if v else []


def _mapper(forced: str | None, header: list[str]) -> Callable[[Any], Mapped]:
    has = set(header)
    tags = next((t for t in ("hashtags", "tags") if t in has), None)  # Gab's: ``tags``

    def one(row: Any) -> Mapped:
        row = csv_rows.whole(row)
        post_id = need_cell(row, "id")
        account = need_cell(row, *ACCOUNT_IDS, field="author")
        unix = cell(row, "unix_timestamp")
        if unix is not None:
            created = time_of(unix, "unix_timestamp")
        else:
            ts = cell(row, "timestamp")
            if ts is None:
                raise Missing("timestamp")
            created = time_of(ts, "timestamp")
        text = cell(row, "body") or ""
        named = cell(row, "platform", "datasource")  # e.g. "twitter-api", "telegram"
        platform = forced or (canonical_platform(named.split("-")[0]) if named else "4cat")
        post = {
            "post_id": post_id,
            "platform": platform,
            "account_id": account,
            "created_at": created,
            "text": text or None,
            "lang": cell(row, "language_guess", "lang"),
            "urls": list(
                dict.fromkeys(
                    (
                        canonical_urls(_split(cell(row, "urls"), URL_SPLIT_RE))
                        if "urls" in has
                        else urls_in_text(text)
                    )
                    + canonical_urls([v for v in (cell(row, k) for k in LINKS) if v])
                )
            ),
            "hashtags": clean_hashtags(_split(cell(row, tags))) if tags else hashtags_in_text(text),
            "mentions": clean_mentions(_split(cell(row, "mentions")))
            if "mentions" in has
            else mentions_in_text(text),
            "media": [],
            "repost_of": None,
            "reply_to": None,
            "quote_of": None,
        }
        acc = {
            "account_id": account,
            "platform": platform,
            "handle": cell(row, *HANDLES),
            "display_name": cell(row, *NAMES),
        }
        return [post], [acc]

    return one


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a 4CAT CSV export."""
    header = csv_rows.header_of(path)
    if not is_4cat(header):
        author = () if any(a in header for a in AUTHORS) else ("author",)
        csv_rows.need_columns(path, header, ("id", "timestamp", "body", *author), "a 4CAT export")
    one = _mapper(platform, header)
    return read_items(path, lambda v: [v], one, "4CAT item", values=csv_rows.rows(path))
