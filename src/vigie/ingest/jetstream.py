"""Bluesky Jetstream events, one JSON event per line, as a Jetstream client writes them.

Event shape (github.com/bluesky-social/jetstream): ``{"did", "time_us", "kind": "commit" |
"identity" | "account", "commit": {"rev", "operation": "create" | "update" | "delete",
"collection", "rkey", "record", "cid"}}``; identity events carry ``{"identity": {"did",
"handle", "seq", "time"}}``.

What becomes what:
- ``app.bsky.feed.post`` creates: a post (twitwi's firehose normaliser resolves facets, embeds,
  replies and quotes, as for the API readers), ``post_id`` = its ``at://`` URI;
- ``app.bsky.feed.repost`` creates: a repost row (``post_id`` = the repost record's URI,
  ``repost_of`` = ``subject.uri``): on Bluesky a repost is a record of its own;
- identity events: the account's handle (accounts.parquet);
- everything else (likes, follows, deletes, updates, account status) is skipped and counted by
  kind in the manifest.

Resuming: Jetstream cursors are times (``time_us``, microseconds since the epoch). The largest
``time_us`` read is kept in the Dataset manifest (``cursors.jetstream``); restart the client
with ``?cursor=<that value>`` (a few seconds earlier for gapless playback: events read twice
are merged by the de-duplication on ``post_id``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from twitwi.bluesky.normalizers import normalize_partial_post

from vigie.ingest.bluesky import PLATFORM
from vigie.ingest.bluesky import _post as bluesky_post
from vigie.ingest.jsonlines import json_values
from vigie.ingest.model import (
    BATCH_ROWS,
    MAX_TS_US,
    MIN_TS_US,
    Batch,
    Rejected,
    RowBuffer,
    excerpt,
    ts_from_iso,
)

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _time_us(event: dict[str, Any]) -> int:
    t = event.get("time_us")
    if not isinstance(t, int) or isinstance(t, bool) or not MIN_TS_US <= t < MAX_TS_US:
        raise ValueError(f"time_us is not microseconds since 1970: {t!r}")
    return t


def _repost(did: str, commit: dict[str, Any], time_us: int) -> dict[str, Any]:
    record = commit.get("record") or {}
    subject = record.get("subject") or {}
    if not isinstance(subject, dict) or not subject.get("uri"):
        raise KeyError("record.subject.uri")
    created = record.get("createdAt")
    return {
        "post_id": f"at://{did}/{REPOST}/{commit['rkey']}",
        "platform": PLATFORM,
        "account_id": did,
        "created_at": ts_from_iso(created) if created else EPOCH + timedelta(microseconds=time_us),
        "text": None,
        "urls": [],
        "hashtags": [],
        "mentions": [],
        "media": [],
        "repost_of": str(subject["uri"]),
    }


def _event(buf: RowBuffer, path: Path, lineno: int, event: Any) -> int | None:
    """Read one event into ``buf``; its ``time_us`` when it has a valid one."""
    buf.records += 1
    if not isinstance(event, dict) or not event.get("did") or "kind" not in event:
        buf.rejected.append(
            Rejected(str(path), lineno, "not a Jetstream event", None, None, excerpt(event))
        )
        return None
    try:
        time_us = _time_us(event)
    except ValueError as exc:
        buf.rejected.append(
            Rejected(str(path), lineno, "invalid time_us", "time_us", str(exc), excerpt(event))
        )
        return None
    did, kind = str(event["did"]), event["kind"]
    if kind == "identity":
        ident = event.get("identity") or {}
        if isinstance(ident, dict) and ident.get("handle"):
            buf.accounts.append(
                {"account_id": did, "platform": PLATFORM, "handle": str(ident["handle"])}
            )
        buf.skip("jetstream: identity event (handle kept in accounts)")
        return time_us
    commit = event.get("commit")
    if kind != "commit" or not isinstance(commit, dict):
        buf.skip(f"jetstream: {kind} event (not a post)")
        return time_us
    op, coll = commit.get("operation"), commit.get("collection")
    if op != "create" or coll not in (POST, REPOST):
        buf.skip(f"jetstream: {op} {coll} (not a new post or repost)")
        return time_us
    try:
        if coll == POST:
            post = bluesky_post(normalize_partial_post(event, collection_source="firehose"))
        else:
            post = _repost(did, commit, time_us)
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        buf.rejected.append(
            Rejected(
                str(path),
                lineno,
                "missing post field",
                str(key),
                f"{key!r} missing",
                excerpt(event),
            )
        )
        return time_us
    except Exception as exc:  # twitwi's BlueskyPayloadError, bad dates
        detail = str(exc).split("\n", 1)[-1][:300]
        buf.rejected.append(
            Rejected(
                str(path),
                lineno,
                "invalid post",
                None,
                f"{type(exc).__name__}: {detail}",
                excerpt(event),
            )
        )
        return time_us
    buf.posts.append(post)
    buf.accounts.append({"account_id": did, "platform": PLATFORM})
    return time_us


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from a Jetstream log; each batch carries the cursor so far."""
    buf = RowBuffer()
    cursor: int | None = None
    for lineno, value in json_values(path):
        if isinstance(value, Rejected):
            buf.records += 1
            buf.rejected.append(value)
            continue
        t = _event(buf, path, lineno, value)
        if t is not None and (cursor is None or t > cursor):
            cursor = t
        if len(buf) >= BATCH_ROWS:
            yield _with_cursor(buf.flush(), cursor)
    if len(buf) or buf.records or buf.skipped:
        yield _with_cursor(buf.flush(), cursor)


def _with_cursor(batch: Batch, cursor: int | None) -> Batch:
    if cursor is not None:
        batch.cursors = {"jetstream": cursor}
    return batch
