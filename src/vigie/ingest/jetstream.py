"""Bluesky Jetstream events, one JSON event per line, as a Jetstream client writes them.

Event shape (github.com/bluesky-social/jetstream): ``{"did", "time_us", "kind": "commit" |
"identity" | "account", "commit": {"rev", "operation": "create" | "update" | "delete",
"collection", "rkey", "record", "cid"}}``; identity events carry ``{"identity": {"did",
"handle", "seq", "time"}}``.

What becomes what:
- ``app.bsky.feed.post`` creates: a post, ``post_id`` = its ``at://`` URI; URLs, hashtags and
  mentions from the record's facets (a mention is the handle as written in the text, as
  twitwi reads it), URLs of an external card, media = blob CIDs of images/video (content hashes),
  ``reply_to`` = ``reply.parent.uri``, ``quote_of`` = the embedded record's URI. We read the
  record ourselves rather than through twitwi's firehose normaliser: it canonicalises every
  link anew (uncached), which made a stream of posts 10x slower than its parse;
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

from vigie.ingest import sqlbatch
from vigie.ingest.bluesky import PLATFORM
from vigie.ingest.json_array import values as json_array_values
from vigie.ingest.model import (
    BATCH_ROWS,
    MAX_TS_US,
    MIN_TS_US,
    SURROGATE_RE,
    Batch,
    Rejected,
    RowBuffer,
    excerpt,
    ts_from_iso,
)
from vigie.ingest.urls import canonical_url, canonical_urls, clean_hashtags, clean_mentions

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


def _facets(record: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    urls, tags, mentions = [], [], []
    raw: bytes | None = None
    for facet in record.get("facets") or []:
        for feat in (facet or {}).get("features") or []:
            kind = str(feat.get("$type", ""))
            if kind.endswith("#link") and feat.get("uri"):
                urls.append(str(feat["uri"]))
            elif kind.endswith("#tag") and feat.get("tag"):
                tags.append(str(feat["tag"]))
            elif kind.endswith("#mention"):
                if raw is None:
                    raw = str(record.get("text") or "").encode("utf-8", "surrogatepass")
                idx = facet.get("index") or {}
                start, end = idx.get("byteStart"), idx.get("byteEnd")
                handle = (
                    raw[start:end].decode("utf-8", "replace").strip().lstrip("@")
                    if isinstance(start, int) and isinstance(end, int)
                    else ""
                )
                mentions.append(handle or str(feat.get("did") or ""))
    return urls, tags, mentions


def _blob(obj: Any) -> str | None:
    ref = obj.get("ref") if isinstance(obj, dict) else None
    return str(ref["$link"]) if isinstance(ref, dict) and ref.get("$link") else None


def _embed(embed: Any) -> tuple[str | None, list[str], list[str]]:
    """(quoted post URI, media blob CIDs, external card URLs) of a post's embed."""
    if not isinstance(embed, dict):
        return None, [], []
    kind = str(embed.get("$type", "")).split("#")[0]
    quote, media, urls = None, [], []
    if kind == "app.bsky.embed.recordWithMedia":
        quote = ((embed.get("record") or {}).get("record") or {}).get("uri")
        _, media, urls = _embed(embed.get("media"))
    elif kind == "app.bsky.embed.record":
        quote = (embed.get("record") or {}).get("uri")
    elif kind == "app.bsky.embed.images":
        media = [c for c in (_blob(i.get("image")) for i in embed.get("images") or []) if c]
    elif kind == "app.bsky.embed.video":
        media = [c for c in [_blob(embed.get("video"))] if c]
    elif kind == "app.bsky.embed.external":
        uri = (embed.get("external") or {}).get("uri")
        urls = [str(uri)] if uri else []
    return (str(quote) if quote else None), media, urls


def _post(did: str, commit: dict[str, Any]) -> dict[str, Any]:
    record = commit.get("record")
    if not isinstance(record, dict):
        raise ValueError("commit.record is not an object")
    text = record.get("text")
    if not isinstance(text, str):
        raise KeyError("record.text")
    created = record.get("createdAt")
    if not created:
        raise KeyError("record.createdAt")
    urls, tags, mentions = _facets(record)
    quote, media, card = _embed(record.get("embed"))
    reply = record.get("reply")
    parent = (reply.get("parent") or {}).get("uri") if isinstance(reply, dict) else None
    langs = record.get("langs") or []
    return {
        "post_id": f"at://{did}/{POST}/{commit['rkey']}",
        "platform": PLATFORM,
        "account_id": did,
        "created_at": ts_from_iso(str(created)),
        "text": text,
        "lang": str(langs[0]) if isinstance(langs, list) and langs else None,
        "urls": urls + card,  # raw: keyed per batch (``_keyed_urls``)
        "hashtags": clean_hashtags(tags),
        "mentions": clean_mentions(mentions),
        "media": list(dict.fromkeys(media)),
        "repost_of": None,
        "reply_to": str(parent) if parent else None,
        "quote_of": quote,
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
        post = _post(did, commit) if coll == POST else _repost(did, commit, time_us)
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
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:  # bad dates, types
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
    for lineno, value in json_array_values(path):
        if isinstance(value, Rejected):
            buf.refuse(value)
            continue
        t = _event(buf, path, lineno, value)
        if t is not None and (cursor is None or t > cursor):
            cursor = t
        if len(buf) >= BATCH_ROWS:
            yield _with_cursor(_flush(buf), cursor)
    if len(buf) or buf.records or buf.skipped:
        yield _with_cursor(_flush(buf), cursor)


def _flush(buf: RowBuffer) -> Batch:
    """The buffer's batch, each post's raw URLs made ``canonical_urls`` of them.

    Why per batch: URLs repeat, and keying each distinct one once with Arrow kernels
    (``sqlbatch.map_list_urls``: plain URLs by RE2 patterns, the others by ``canonical_url``)
    cost ~1/10 of ``canonical_urls`` called post by post. A batch with a lone surrogate in a
    URL is keyed post by post as before, ahead of the flush that replaces surrogates (the key
    of a URL is taken before that repair, as it always was)."""
    if SURROGATE_RE.search("\n".join(u for p in buf.posts for u in p["urls"])):
        for p in buf.posts:
            p["urls"] = canonical_urls(p["urls"])
        return buf.flush()
    batch = buf.flush()
    posts = batch.posts
    if posts.num_rows:
        i = posts.schema.get_field_index("urls")
        keyed = sqlbatch.first_seen(sqlbatch.map_list_urls(posts.column(i), canonical_url))
        batch.posts = posts.set_column(i, posts.schema.field(i), keyed)
    return batch


def _with_cursor(batch: Batch, cursor: int | None) -> Batch:
    if cursor is not None:
        batch.cursors = {"jetstream": cursor}
    return batch
