"""CooRTweet's input table: one row per share of an object, saved as CSV.

Why a reader of its own: CooRTweet (Righetti & Balluff, the R package that succeeded CooRnet)
runs on any platform's data once it is reshaped to four columns, and analysts who used it hold
their collections in that shape: ``object_id`` (what was shared: a retweeted tweet's id, a
URL, a hashtag, an image hash), ``account_id`` (who shared it; ``id_user`` in the package's
first releases), ``content_id`` (the post that shared it) and ``timestamp_share`` (POSIX
seconds). ``prep_data()`` writes it, and the package's own anonymised sample,
``russian_coord_tweets`` (35,125 pro-government Russian retweets, every id a SHA-256), has it.
Saved from R with ``write.csv`` the table gains a first column of row names and ``NA`` for
missing values; both are read.

Mapping: ``content_id`` is the post id, ``account_id`` (else ``id_user``) the account,
``timestamp_share`` the time (POSIX seconds, or ISO 8601 text where R wrote a date-time). The
object is told by its value, as CooRTweet's own reshaping and the VERA.AI project's CSDS
pre-processor make it: a URL (``http://``, ``https://``, ``www.``) is a link (canonicalised as
every link vigie reads, so two spellings of one page are one object), ``#tag`` a hashtag, a
value with a blank in it the post's text (the pre-processor's "text" objects: Meta Content
Library posts, Telegram messages, video titles; copypasta then compares them, near-duplicates
included), anything else the id of the post shared (a repost: the package's sample and its
main use). A post shared with several objects is a row
per object; the Dataset merges them into one post (``writer``), but for a second post id on
the rows that follow (``SecondRepost``): a post holds one ``repost_of``, and CooRTweet counts
every row, so that share becomes a repost of its own, ``<content_id>#<object_id>`` (the
package's sample has 39, which were dropped behind a merge conflict). There are no texts, so the
text detectors have nothing to read: ``vigie detect --method coortweet`` compares these
objects as CooRTweet does (``docs/coortweet.md``). The platform is ``--platform``, else ``x``
(CooRTweet's own sample, and its name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.model import VALUE_NOTES, Batch
from vigie.ingest.records import Mapped, text_post, time_of
from vigie.ingest.urls import canonical_urls, clean_hashtags
from vigie.ingest.x_csv import _need

FORMAT = "coortweet"
COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
ACCOUNT_COLUMNS = ("account_id", "id_user")
"""Where the account is: ``id_user`` in CooRTweet's first releases and their sample."""
URL_RE = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)


def is_coortweet(header: list[str]) -> bool:
    have = set(header)
    return {"object_id", "content_id", "timestamp_share"} <= have and bool(
        have & set(ACCOUNT_COLUMNS)
    )


SPLIT = VALUE_NOTES[4] + (
    "coortweet: a post sharing a second post id, kept as a repost of its own "
    "(<content_id>#<object_id>)"
)
"""The note counting such shares: they are kept, under their own post id."""


class SecondRepost:
    """Which post ids the rows of the current ``content_id`` shared (rows of one post follow
    each other, as ``prep_data`` and R's tables write them; a post's rows far apart are merged
    by the Dataset, one ``repost_of`` kept and the conflict counted)."""

    def __init__(self) -> None:
        self.content: str | None = None
        self.first: str | None = None
        self.split = 0

    def post_id(self, content: str, shared: str) -> str:
        """``content``, or ``content#shared`` for a post id shared after another by it."""
        if content != self.content:
            self.content, self.first = content, shared
        if shared == self.first:
            return content
        self.split += 1
        return f"{content}#{shared}"


def _one(row: Any, platform: str, seen: SecondRepost) -> Mapped:
    row = csv_rows.whole(row)
    post_id = _need(row, "content_id")
    account = _need(row, *ACCOUNT_COLUMNS)
    shared = _need(row, "object_id")
    created = time_of(_need(row, "timestamp_share"), "timestamp_share")
    is_url = URL_RE.match(shared) is not None
    is_tag = not is_url and shared.startswith("#")
    is_text = not (is_url or is_tag) and any(c.isspace() for c in shared)
    post = text_post(
        platform,
        post_id,
        account,
        created,
        shared if is_text else "",
        urls=canonical_urls([shared]) if is_url else [],
        hashtags=clean_hashtags([shared]) if is_tag else [],
        mentions=[],
    )
    if not (is_url or is_tag or is_text):
        post["repost_of"] = shared
        post["post_id"] = seen.post_id(post_id, shared)
    return [post], [{"account_id": account, "platform": platform}]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a CooRTweet input table saved as CSV."""
    where = platform or "x"
    seen = SecondRepost()
    for batch in csv_rows.read_table(
        path,
        is_coortweet,
        COLUMNS,
        "a CooRTweet input table",
        lambda row: _one(row, where, seen),
        "share",
    ):
        if seen.split:
            batch.skipped[SPLIT] = batch.skipped.get(SPLIT, 0) + seen.split
            seen.split = 0
        yield batch
