"""4CAT dataset exports (the "Download csv" of a 4CAT dataset: 4CAT's own item mapping, the
same core columns for every data source it collects or imports).

Core columns (4CAT's ``map_item`` of each data source): ``id``, ``thread_id``, ``timestamp``
(``2021-02-01 10:00:00``, UTC), ``unix_timestamp``, ``body``, ``author``; many sources add
``author_id``, ``author_fullname``, ``link``/``url``, ``hashtags``, ``urls``, ``mentions``
(comma-separated), ``is_retweet``/``retweeted_user``, ``replied_user``, ``language_guess``.

Mapping: ``post_id`` = ``id``, ``account_id`` = ``author_id`` when the export has it (ids do
not change with renames), else ``author``; created_at = ``unix_timestamp``, else
``timestamp``; text = ``body``; URLs, hashtags and mentions = their columns when present (comma
lists), else read from the text; lang = ``language_guess``/``lang``. The platform is not in the
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

CORE = ("id", "thread_id", "timestamp", "body", "author")
SPLIT_RE = re.compile(r"[,\s]+")


def is_4cat(header: list[str]) -> bool:
    return all(c in header for c in CORE)


def _split(v: str | None) -> list[str]:
    return [p for p in SPLIT_RE.split(v) if p] if v else []


def _mapper(forced: str | None, header: list[str]) -> Callable[[Any], Mapped]:
    has = set(header)

    def one(row: Any) -> Mapped:
        row = csv_rows.whole(row)
        post_id = need_cell(row, "id")
        account = need_cell(row, "author_id", "author", field="author")
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
            "urls": canonical_urls(_split(cell(row, "urls")))
            if "urls" in has
            else urls_in_text(text),
            "hashtags": clean_hashtags(_split(cell(row, "hashtags")))
            if "hashtags" in has
            else hashtags_in_text(text),
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
            "handle": cell(row, "author"),
            "display_name": cell(row, "author_fullname"),
        }
        return [post], [acc]

    return one


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a 4CAT CSV export."""
    header = csv_rows.header_of(path)
    if not is_4cat(header):
        csv_rows.need_columns(path, header, CORE, "a 4CAT export")
    one = _mapper(platform, header)
    return read_items(path, lambda v: [v], one, "4CAT item", values=csv_rows.rows(path))
