"""Bluesky Jetstream events, one JSON event per line, as a Jetstream client writes them.

Event shape (github.com/bluesky-social/jetstream, the v1 wire, ``/subscribe``): ``{"did",
"time_us", "kind": "commit" | "identity" | "account", "commit": {"rev", "operation":
"create" | "update" | "delete", "collection", "rkey", "record", "cid"}}``; identity events
carry ``{"identity": {"did", "handle", "seq", "time"}}``. Jetstream v2's frames
(``/xrpc/network.bsky.jetstream.subscribeEvents``: ``{"$type": "message", "payload":
{"$type": "...#commit", "seq", "did", "time", "operation", "collection", ...}}``, or their
payloads alone) are read as the same events (``_from_v2``), and so are the records and
identity events of Bluesky's Tap (``tap_event``).

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


V2_TYPE = "network.bsky.jetstream.subscribeEvents#"
"""The ``$type`` prefix of Jetstream v2's event messages (``#commit``, ``#identity``, ...)."""


def v2_payload(value: Any) -> dict[str, Any] | None:
    """The event of a Jetstream v2 frame, or None when ``value`` is no v2 frame.

    A v2 client (``/xrpc/network.bsky.jetstream.subscribeEvents``) receives each event as
    ``{"$type": "message", "payload": {"$type": "...#commit", "seq", "did", "time", ...}}``;
    a log keeps either the frames or their payloads. Error frames (``{"$type": "error"}``)
    are returned too, to be counted rather than refused."""
    if not isinstance(value, dict):
        return None
    kind = value.get("$type")
    if kind == "message" and isinstance(value.get("payload"), dict):
        value = value["payload"]
        kind = value.get("$type")
    if kind == "error" or (isinstance(kind, str) and kind.startswith(V2_TYPE)):
        return value
    return None


TAP_KINDS = ("record", "identity")


def tap_event(value: Any) -> dict[str, Any] | None:
    """A Tap event (``{"id", "type": "record" | "identity", "record" | "identity": {...}}``)
    in Jetstream v1's shape, or None when ``value`` is none.

    Why: Tap (github.com/bluesky-social/indigo, ``cmd/tap``), Bluesky's sync tool for
    backfilling whole repositories and following the network, writes each record as
    ``{"live", "did", "rev", "collection", "rkey", "action", "record", "cid"}`` (its
    ``RecordEvt``): the very content of a Jetstream commit under other names. Its ``id`` is
    Tap's own sequence, acknowledged to Tap, not a time: the event keeps no ``time_us``, so
    it moves no cursor, and a repost without ``createdAt`` is refused (no event time)."""
    if not isinstance(value, dict) or value.get("type") not in TAP_KINDS:
        return None
    if isinstance(value.get("id"), bool) or not isinstance(value.get("id"), int):
        return None
    kind = value["type"]
    body = value.get(kind)
    if not isinstance(body, dict) or not body.get("did") or "kind" in value:
        return None
    if kind == "identity":
        return {"did": body["did"], "kind": "identity", "identity": body}
    keys = ("rev", "collection", "rkey", "record", "cid")
    commit = {k: body[k] for k in keys if k in body}
    commit["operation"] = body.get("action")
    return {"did": body["did"], "kind": "commit", "commit": commit}


def _from_v2(payload: dict[str, Any]) -> dict[str, Any] | str:
    """A v2 event in v1's shape (``did``, ``time_us``, ``kind``, ``commit``/``identity``/
    ``account``), or the skip reason of a frame that is no event (an error, an advisory).

    Why convert: the two wires carry the same events; v2 flattens the commit into the
    event and gives the time as an RFC 3339 datetime with microseconds instead of
    ``time_us``. Kept as microseconds, the largest time read still resumes either
    endpoint (both take a ``cursor`` of 10^15 or more as a time)."""
    kind = str(payload.get("$type", ""))
    if kind == "error":
        return f"jetstream: error frame ({payload.get('error')})"
    kind = kind.removeprefix(V2_TYPE)
    if kind == "info":
        return f"jetstream: info frame ({payload.get('name')})"
    event: dict[str, Any] = {"did": payload.get("did"), "kind": kind}
    when = payload.get("time")
    try:
        t = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
        if t.tzinfo is None:
            raise ValueError("no time zone")
        event["time_us"] = (t - EPOCH) // timedelta(microseconds=1)
    except ValueError:
        event["time_us"] = when  # refused below as an invalid time
    if kind == "commit":
        keys = ("rev", "operation", "collection", "rkey", "record", "cid")
        event["commit"] = {k: payload[k] for k in keys if k in payload}
    elif isinstance(payload.get(kind), dict):  # identity, account, sync: the upstream event
        event[kind] = payload[kind]
    return event


def _time_us(event: dict[str, Any]) -> int:
    t = event.get("time_us")
    if not isinstance(t, int) or isinstance(t, bool) or not MIN_TS_US <= t < MAX_TS_US:
        raise ValueError(f"time_us is not microseconds since 1970: {t!r}")
    return t


def _repost(did: str, commit: dict[str, Any], time_us: int | None) -> dict[str, Any]:
    """A repost row; without ``createdAt``, the event's time (None: no event, refused)."""
    record = commit.get("record") or {}
    subject = record.get("subject") or {}
    if not isinstance(subject, dict) or not subject.get("uri"):
        raise KeyError("record.subject.uri")
    created = record.get("createdAt")
    if not created and time_us is None:
        raise KeyError("record.createdAt")
    return {
        "post_id": f"at://{did}/{REPOST}/{commit['rkey']}",
        "platform": PLATFORM,
        "account_id": did,
        "created_at": ts_from_iso(created)
        if created
        else EPOCH + timedelta(microseconds=time_us or 0),
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
    """Read one event into ``buf``; its ``time_us`` when it has a valid one (a Tap event
    has none)."""
    buf.records += 1
    v2 = v2_payload(event)
    if v2 is not None:
        event = _from_v2(v2)
        if isinstance(event, str):
            buf.skip(event)
            return None
    raw = event
    tap = tap_event(event)
    if tap is not None:
        event = tap
    if not isinstance(event, dict) or not event.get("did") or "kind" not in event:
        buf.rejected.append(
            Rejected(str(path), lineno, "not a Jetstream event", None, None, excerpt(event))
        )
        return None
    time_us: int | None = None
    if tap is None:
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
    post = create_row(buf, path, lineno, did, commit, time_us, raw)
    if post is not None:
        buf.posts.append(post)
        buf.accounts.append({"account_id": did, "platform": PLATFORM})
    return time_us


def create_row(
    buf: RowBuffer,
    path: Path,
    where: int | str,
    did: str,
    commit: dict[str, Any],
    time_us: int | None,
    raw: Any,
) -> dict[str, Any] | None:
    """The row of a new post or repost record (``commit``: ``collection``, ``rkey``,
    ``record``), or None with its refusal added to ``buf`` (``where``: the record's place in
    ``path``, ``raw``: what the refusal quotes).

    Why public: an account's repository (``bluesky_car``) holds the very records Jetstream
    streams, and must give the very same rows: one mapping, one set of refusals. ``time_us``
    is the event's time, which a repost without ``createdAt`` falls back on (None: no event,
    so such a repost is refused). URLs are left raw: ``flush_keyed`` keys them per batch."""
    coll = commit.get("collection")
    try:
        return _post(did, commit) if coll == POST else _repost(did, commit, time_us)
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        buf.rejected.append(
            Rejected(
                str(path),
                where,
                "missing post field",
                str(key),
                f"{key!r} missing",
                excerpt(raw),
            )
        )
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:  # bad dates, types
        detail = str(exc).split("\n", 1)[-1][:300]
        buf.rejected.append(
            Rejected(
                str(path),
                where,
                "invalid post",
                None,
                f"{type(exc).__name__}: {detail}",
                excerpt(raw),
            )
        )
    return None


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
            yield _with_cursor(flush_keyed(buf), cursor)
    if len(buf) or buf.records or buf.skipped:
        yield _with_cursor(flush_keyed(buf), cursor)


def flush_keyed(buf: RowBuffer) -> Batch:
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
