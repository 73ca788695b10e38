"""Martin Hawksey's TAGS (Twitter Archiving Google Sheet): its ``Archive`` sheet, as CSV.

Why a reader of its own: TAGS is how many researchers, newsrooms and NGOs archived an
election's hashtags without writing code (2010-2023), and its sheets, downloaded as CSV, are
a shape of X data analysts still hold. Its columns (TAGS v5 and v6): ``id_str``,
``from_user``, ``text``, ``created_at`` (X's v1.1 time, ``Sun Jun 09 08:00:00 +0000 2024``),
``time`` (the sheet's own date), ``geo_coordinates``, ``user_lang``,
``in_reply_to_user_id_str``, ``in_reply_to_screen_name``, ``from_user_id_str``,
``in_reply_to_status_id_str``, ``source``, ``profile_image_url``, ``user_followers_count``,
``user_friends_count``, ``user_location``, ``status_url``, ``entities_str`` (the tweet's
``entities`` as JSON); some copies add ``user_verified`` or ``entities_hash``.

Mapping: each row is turned into the v1.1 tweet it was made from and read by ``x_v1`` (the
same conventions: ``t.co`` links replaced by their expanded URL, link keys, hashtags and
mentions lower-cased), so a TAGS sheet and a v1.1 or v2 collection of one event merge on
(``x``, tweet id). The tweet id is ``id_str``; a sheet opened in a spreadsheet program may
have rounded it (``1.26426E+18``): then the number in ``status_url``. The account is
``from_user_id_str``, else (rounded the same way) ``handle:<from_user>``. Links, hashtags and
mentions come from ``entities_str``, or from the text where it is empty or unreadable (a
Sheets cell holds 50,000 characters). ``user_lang`` is the user's interface language, not the
tweet's: not read. Retweets: TAGS keeps no retweet id, only X's text ``RT @author: ...`` (cut
with ``…`` at 140 characters): the detection reads them as reposts of the post they name
(``general.text_reposts``, ``detect/textreposts.py``). Accounts: the handle, followers and
following.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.ira538 import STATUS_RE
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Missing
from vigie.ingest.urls import hashtags_in_text, mentions_in_text, urls_in_text
from vigie.ingest.x_csv import _val
from vigie.ingest.x_v1 import _account, _tweet

FORMAT = "tags"
COLUMNS = ("id_str", "from_user", "text", "created_at", "from_user_id_str", "status_url")
DIGITS = re.compile(r"\d+")


def is_tags(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def _post_id(row: dict[str, Any]) -> str:
    value = _val(row, "id_str")
    if value is not None and DIGITS.fullmatch(value):
        return value
    found = STATUS_RE.search(_val(row, "status_url") or "")
    if found is not None:
        return found.group(1)
    if value is None:
        raise Missing("id_str")
    raise BadField("id_str", f"not a tweet id (rounded by a spreadsheet?): {value[:40]!r}")


def _entities(row: dict[str, Any]) -> dict[str, Any] | None:
    raw = _val(row, "entities_str")
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _one(row: Any) -> Mapped:
    row = csv_rows.whole(row)
    handle = _val(row, "from_user")
    account = _val(row, "from_user_id_str")
    if account is None or not DIGITS.fullmatch(account):
        if handle is None:
            raise Missing("from_user_id_str")
        account = f"handle:{handle}"
    user: dict[str, Any] = {
        "id_str": account,
        "screen_name": handle,
        "followers_count": _val(row, "user_followers_count"),
        "friends_count": _val(row, "user_friends_count"),
    }
    tweet: dict[str, Any] = {
        "id_str": _post_id(row),
        "created_at": _val(row, "created_at"),  # none: x_v1 refuses it as missing
        "text": row.get("text") or "",
        "user": user,
        "in_reply_to_status_id_str": _reply_to(row),
        "source": _val(row, "source"),
    }
    entities = _entities(row)
    if entities is not None:
        tweet["entities"] = entities
    post = _tweet(tweet)
    if entities is None:  # no entities: read from the text, as for any text-only source
        post["urls"] = urls_in_text(post["text"])
        post["hashtags"] = hashtags_in_text(post["text"])
        post["mentions"] = mentions_in_text(post["text"])
    return [post], [_account(user)]


def _reply_to(row: dict[str, Any]) -> str | None:
    value = _val(row, "in_reply_to_status_id_str")
    return value if value is not None and DIGITS.fullmatch(value) else None


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from a TAGS archive sheet saved as CSV."""
    return csv_rows.read_table(path, is_tags, COLUMNS, "a TAGS archive sheet", _one, "tweet")
