"""The time an X post id holds (Snowflake ids, since 4 November 2010).

Why: several archives of X keep a post's time badly, or only as the collecting machine's
local time: Excel keeps the minute of NodeXL's dates, twint wrote the local time of the
computer that scraped (a zone name, an offset taken at collection time). The id itself holds
the millisecond X gave the post, in UTC, as X's documentation of its ids says: the id shifted
right by 22 bits is the milliseconds since X's epoch. Readers of such archives take the time
from the id and fall back on the file's date for ids older than Snowflake.
"""

from __future__ import annotations

from datetime import UTC, datetime

X_EPOCH_MS = 1288834974657
"""X's epoch: Snowflake ids count milliseconds from this one (2010-11-04 01:42:54.657 UTC)."""
FIRST_ID = 29_700_000_000_000_000
"""Ids below this predate Snowflake (sequential ids, no time inside)."""


def time_of_id(post_id: str | int | None) -> datetime | None:
    """The UTC time a Snowflake post id holds, to the millisecond; None for an id that is
    no Snowflake (older, not a number, or too long to be one)."""
    text = str(post_id).strip() if post_id is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 20:
        return None
    value = int(text)
    if value < FIRST_ID or value >= 1 << 63:
        return None
    return datetime.fromtimestamp(((value >> 22) + X_EPOCH_MS) / 1000, UTC)
