"""twarc2's files of X *users* (``twarc2 users``, ``followers``, ``following``,
``liking-users``, ``retweeted-by``, ``members``), as pages or flattened: accounts, no posts.

Why read them: a collection's tweets carry their authors' profiles only where the query asked
for ``includes.users``; analysts fetch the profiles of the accounts they study apart. Their
creation dates, follower counts and descriptions feed the authenticity indicators and the
report's account lines, keyed by the same user id as the tweets' ``author_id``.

Shape (X API v2 user object, as twarc2 writes it): a page ``{"data": [user, ...],
"includes": {"tweets": [pinned tweets]}, "meta": {...}, "__twarc": {...}}`` per line, or one
user per line after ``twarc2 flatten``, or ``twarc2 csv --input-data-type users`` output (one
user a row, dotted column names: ``public_metrics.followers_count``...). Only ``id`` is
required; ``username``, ``name``, ``created_at``, ``description`` and ``public_metrics`` are
read when the query asked for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest import csv_rows
from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, BadPage, Mapped, as_int, need, read_items
from vigie.ingest.x_v2 import account_row

CSV_METRICS = ("followers_count", "following_count", "tweet_count", "listed_count")


def is_users_csv(header: list[str]) -> bool:
    """A ``twarc2 csv`` header of users: ``id`` and ``username``, no tweet column."""
    cols = {c.strip().lower() for c in header}
    return {"id", "username"} <= cols and not cols & {"author_id", "text"}


def _csv_user(row: Any) -> dict[str, Any]:
    """A CSV row as the API's user object (``public_metrics`` nested again, counts as ints)."""
    row = csv_rows.whole(row)
    user: dict[str, Any] = {
        k: csv_rows.cell(row, k) for k in ("id", "username", "name", "created_at", "description")
    }
    metrics = {m: as_int(csv_rows.cell(row, f"public_metrics.{m}")) for m in CSV_METRICS}
    user["public_metrics"] = {m: v for m, v in metrics.items() if v is not None}
    return {k: v for k, v in user.items() if v is not None}


def is_user(obj: Any) -> bool:
    """An X v2 user object: an id and a username, and nothing only a tweet has."""
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "username" in obj
        and "text" not in obj
        and "author_id" not in obj
    )


def _unwrap(value: Any) -> list[Any] | None:
    if isinstance(value, dict) and "data" in value:
        data = value["data"]
        if isinstance(data, dict):
            return [data]
        if isinstance(data, list):
            return data
        raise BadPage("invalid page", "data is neither a user nor a list")
    if isinstance(value, dict) and "errors" in value and "data" not in value:
        raise BadPage("API error page", "the page holds errors and no users")
    if (
        isinstance(value, dict)
        and ("id" in value or "username" in value)
        and "text" not in value
        and "author_id" not in value
    ):
        return [value]  # a flattened user (one lacking its id is refused by field, in _one)
    return None


def _one(user: Any) -> Mapped:
    if not isinstance(user, dict):
        raise BadField("data", f"a user object expected, got {type(user).__name__}")
    account_id = str(need(user, "id")).strip()
    if not account_id:
        raise BadField("id", "empty")
    return [], [account_row(account_id, user)]


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield the accounts of a twarc2 users file (pages, flattened, or its CSV)."""
    if path.suffix.lower() == ".csv":
        values = csv_rows.rows(path, lower=True)
        return read_items(path, lambda v: [v], lambda r: _one(_csv_user(r)), "twarc2 user", values)
    return read_items(path, _unwrap, _one, "twarc2 user")
