"""The Coordination Network Toolkit's CSV input (QUT Digital Observatory's ``compute_networks
preprocess --format csv``).

Why a reader of its own: CNT reads any platform's messages once they are written as eight
columns, and analysts who used it hold their collections in that shape: ``message_id``,
``user_id``, ``username``, ``repost_id`` (the message a verbatim repost repeats),
``reply_id``, ``message`` (the text), ``timestamp`` (seconds) and ``urls`` (the message's
URLs, space-separated; CNT's own example data writes them as a Python list, ``['http://a',
'http://b']``, which is read too). CNT reads the columns by position; vigie reads them by the
names of its documented header, so a file with a column added or moved still reads right.

Mapping: ``message_id`` is the post id, ``user_id`` the account (``username`` its handle),
``repost_id`` what it reposts and ``reply_id`` what it answers (empty: none), ``message`` the
text (hashtags and mentions are read from it; a repost's URLs are kept, though CNT ignores
them for co-link: vigie's co-link reads only original posts' links already),
``timestamp`` POSIX seconds. CNT allows any origin ("only consistent across rows": its own
test data counts from 0), so a time under 1990's first second is read as that many seconds
after 1970, counted in the manifest as a note on kept posts (``RELATIVE``): the detectors
only compare differences. A negative or unreadable time is refused by that field. The
platform is ``--platform``, else ``x`` (CNT's examples).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from vigie.ingest import csv_rows
from vigie.ingest.model import EPOCH, MIN_DT, VALUE_NOTES, Batch
from vigie.ingest.records import Mapped, text_post, time_of
from vigie.ingest.urls import canonical_urls
from vigie.ingest.x_csv import _items, _need, _val

FORMAT = "cnt"
COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp")

RELATIVE = VALUE_NOTES[2] + (
    "CNT timestamps before 1990 read as seconds after 1970 (CNT allows any origin: only "
    "their differences count)"
)
_EARLY_S = (MIN_DT - EPOCH).total_seconds()


def is_cnt(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def _urls(value: str | None) -> list[str]:
    """CNT's space-separated URLs, or a Python or JSON list of them (its example data)."""
    return canonical_urls([str(u) for u in _items(value) if u])


def _time(value: str) -> datetime:
    """POSIX seconds; under 1990's, seconds from CNT's arbitrary origin (``RELATIVE``)."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0  # not a number: time_of reads ISO text or says why not
    if 0 <= seconds < _EARLY_S:
        return EPOCH + timedelta(seconds=seconds)
    return time_of(value, "timestamp")


def _one(row: Any, platform: str) -> Mapped:
    row = csv_rows.whole(row)
    account = _need(row, "user_id")
    post = text_post(
        platform,
        _need(row, "message_id"),
        account,
        _time(_need(row, "timestamp")),
        row.get("message") or "",
        reply_to=_val(row, "reply_id"),
        urls=_urls(_val(row, "urls")) if "urls" in row else None,  # no column: the text's
    )
    post["repost_of"] = _val(row, "repost_id")
    return [post], [{"account_id": account, "platform": platform, "handle": _val(row, "username")}]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a CSV written for CNT's ``preprocess --format csv``."""
    where = platform or "x"
    early = pa.scalar(MIN_DT, pa.timestamp("us", tz="UTC"))
    for batch in csv_rows.read_table(
        path, is_cnt, COLUMNS, "a CNT input CSV", lambda row: _one(row, where), "message"
    ):
        n = pc.sum(pc.less(batch.posts.column("created_at"), early)).as_py() or 0
        if n:
            batch.skipped[RELATIVE] = batch.skipped.get(RELATIVE, 0) + n
        yield batch
