"""Bluesky ``app.bsky.feed.post`` records as returned by ``getAuthorFeed`` / ``searchPosts``.

Accepted shapes, one JSON value per line or one document: a response page
(``{"feed": [feedViewPost...]}`` from getAuthorFeed/getTimeline, ``{"posts": [postView...]}``
from searchPosts), a single ``feedViewPost`` (``{"post": postView, "reply"?, "reason"?}``) or
a single ``postView`` (``{"uri", "cid", "author", "record", "indexedAt", ...}``).

Why twitwi: its Bluesky normaliser resolves facets (links, mentions, hashtags), embeds
(quotes, images, external cards) and thread references the way médialab's tools do. We add:
- a **repost row** when a feed item carries ``reason: reasonRepost`` (on Bluesky a repost is a
  separate record by another account): post id = the repost record's URI when the API gives
  it, else ``<post uri>#repost:<reposter did>``; ``repost_of`` = the post's URI;
- lenience where twitwi is stricter than the lexicon: ``replyCount``/``repostCount``/
  ``likeCount``/``quoteCount`` and the author's ``createdAt`` are optional in
  ``app.bsky.feed.defs#postView`` / ``profileViewBasic`` but required by twitwi; we fill them on
  a copy (counts are not stored; a filled ``createdAt`` is not kept in accounts.parquet);
- ``media`` = the blob CIDs of attached images/videos (content hashes, so the same image
  posted by two accounts matches).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from twitwi.bluesky import normalize_post

from vigie.ingest.json_array import values as json_array_values
from vigie.ingest.model import BATCH_ROWS, Batch, Rejected, RowBuffer, excerpt, ts_from_iso
from vigie.ingest.records import BadField
from vigie.ingest.urls import canonical_urls, clean_hashtags, clean_mentions

PLATFORM = "bluesky"
CID_RE = re.compile(r"/(baf[a-z2-7]{20,})")


def split_media(urls: list[str] | None) -> tuple[list[str], list[str]]:
    """(blob CIDs, other addresses) of twitwi's ``media_urls``.

    Why the others: twitwi moves a native GIF's Tenor link (an external card) and the
    addresses of images it cannot see out of ``links`` into the media (``bluesky/
    normalizers.py``); they hold no CID, and were lost, where the Jetstream and CAR readers
    keep the same card's address as a link. They are links here too."""
    cids: dict[str, None] = {}
    other: list[str] = []
    for u in urls or []:
        m = CID_RE.search(u or "")
        if m:
            cids[m.group(1)] = None
        elif u:
            other.append(u)
    return list(cids), other


def _created(value: Any, field: str) -> Any:
    """The time of ``field``, or a ``BadField`` naming it: a client that dated a post in year 0
    (real posts do) was refused as an "invalid post" with Python's own words."""
    try:
        return ts_from_iso(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadField(field, f"{value!r} is not a time ({exc})") from exc


def _post(p: dict[str, Any]) -> dict[str, Any]:
    langs = p.get("user_langs") or []  # twitwi names the record's ``langs`` this way
    cids, other = split_media(p.get("media_urls"))
    return {
        "post_id": p["uri"],
        "platform": PLATFORM,
        "account_id": p["user_did"],
        "created_at": _created(p["local_time"], "record.createdAt"),
        "text": p.get("original_text"),
        "lang": langs[0] if langs else None,
        "urls": canonical_urls([*(p.get("links") or []), *other]),
        "hashtags": clean_hashtags(p.get("hashtags")),
        "mentions": clean_mentions(p.get("mentioned_user_handles")),
        "media": cids,
        "repost_of": None,
        "reply_to": p.get("to_post_uri") or None,
        "quote_of": p.get("quoted_uri") or None,
    }


COUNTS = ("replyCount", "repostCount", "likeCount", "quoteCount")
FILLED_CREATED_AT = "1970-01-01T00:00:00.000Z"
"""Stands in for an author's missing ``createdAt`` while twitwi reads the post; dropped after."""


def _camel_key(key: str) -> str:
    """A field name of the atproto Python SDK's ``model_dump()`` as the lexicon spells it."""
    if key == "py_type":
        return "$type"
    if "_" not in key or key.startswith("_"):
        return key
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel(value: Any, parent: str | None = None) -> Any:
    """``value`` with the SDK's snake_case field names in the lexicon's camelCase (a blob
    reference's ``link`` as ``$link``); values are kept as they are."""
    if isinstance(value, list):
        return [_camel(v, parent) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        name = "$link" if key == "link" and parent == "ref" else _camel_key(str(key))
        out[name] = _camel(v, name)
    return out


def _sdk_dump(item: dict[str, Any]) -> bool:
    """Whether ``item`` is a postView as the atproto SDK's ``model_dump()`` writes it (4CAT's
    Bluesky data source keeps its posts so): snake_case names, ``py_type`` for ``$type``."""
    post = item.get("post") if isinstance(item.get("post"), dict) else item
    return "py_type" in post or "indexed_at" in post


def _lenient(item: Any) -> Any:
    """A copy of a feed item / postView with the lexicon's optional fields twitwi needs filled
    (and, from the atproto SDK's ``model_dump()``, its field names as the lexicon's)."""
    if not isinstance(item, dict):
        return item
    if _sdk_dump(item):
        item = _camel({k: v for k, v in item.items() if k != "4CAT_metadata"})
    if isinstance(item.get("post"), dict):
        return _feed_context({**item, "post": _lenient_view(item["post"])})
    return _lenient_view(item)


def _feed_context(item: dict[str, Any]) -> dict[str, Any]:
    """A feed item without the context twitwi cannot read, the post itself kept.

    Why: getAuthorFeed puts the author's pinned post first with ``reason: #reasonPin`` (no
    ``by``: it is the author's own post), and twitwi refuses any reason but a repost; a
    reply's ``replyRef`` holds a ``#notFoundPost`` or ``#blockedPost`` (a uri, no record)
    when the post answered was deleted or its author blocks the collector, and twitwi reads
    each parent as a post. Both refused real posts. The reply's target stays known from
    its own ``record.reply``; only the views of vanished posts are dropped."""
    reason = item.get("reason")
    if isinstance(reason, dict) and not str(reason.get("$type", "")).endswith("reasonRepost"):
        item = {k: v for k, v in item.items() if k != "reason"}
    reply = item.get("reply")
    if isinstance(reply, dict):
        views = {k: v for k, v in reply.items() if k not in ("root", "parent") or _is_view(v)}
        if views != reply:
            item = {k: v for k, v in item.items() if k != "reply"}
            if "root" in views or "parent" in views:
                item["reply"] = views
    return item


def _is_view(node: Any) -> bool:
    """Whether a thread node is a post view (a record to read), not a placeholder."""
    return isinstance(node, dict) and isinstance(node.get("record"), dict) and "cid" in node


def _lenient_view(view: dict[str, Any]) -> dict[str, Any]:
    missing = [k for k in COUNTS if k not in view]
    author = view.get("author")
    if not missing and not (isinstance(author, dict) and "createdAt" not in author):
        return view
    view = {**view, **{k: 0 for k in missing}}
    if isinstance(author, dict) and "createdAt" not in author:
        view["author"] = {**author, "createdAt": FILLED_CREATED_AT}
    return view


def _account(p: dict[str, Any]) -> dict[str, Any]:
    ts = p.get("user_created_at")
    if ts and ts.startswith("1970-01-01T00:00:00"):
        ts = None  # filled by _lenient: the payload had no createdAt
    return {
        "account_id": p["user_did"],
        "platform": PLATFORM,
        "handle": p.get("user_handle"),
        "display_name": p.get("user_display_name") or None,
        "created_at": ts_from_iso(ts) if ts else None,
    }


def _items(value: Any) -> list[Any] | None:
    if isinstance(value, dict):
        if isinstance(value.get("feed"), list):
            return value["feed"]
        if isinstance(value.get("posts"), list):
            return value["posts"]
        if isinstance(value.get("thread"), dict):
            return thread_posts(value["thread"])
        if "post" in value or "uri" in value:
            return [value]
    return None


def thread_posts(root: dict[str, Any]) -> list[dict[str, Any]]:
    """The posts of a ``getPostThread`` answer, as feed items: the post, its parents up the
    chain, then every reply down the tree, each once.

    Why: a reply brigade under one post (many accounts answering within minutes) is saved
    as its thread; the tree is walked without recursion (a deep thread is no stack risk),
    and nodes that are no post (``notFoundPost``, ``blockedPost``) are passed over."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def take(node: Any) -> None:
        post = node.get("post") if isinstance(node, dict) else None
        if isinstance(post, dict) and post.get("uri") not in seen:
            seen.add(str(post.get("uri")))
            out.append({"post": post})

    take(root)
    parent = root.get("parent")
    while isinstance(parent, dict):
        take(parent)
        parent = parent.get("parent")
    todo = list(reversed(root.get("replies") or []))
    while todo:
        node = todo.pop()
        take(node)
        if isinstance(node, dict):
            todo.extend(reversed(node.get("replies") or []))
    return out


def _item(buf: RowBuffer, path: Path, record: str | int, item: Any) -> None:
    buf.records += 1
    try:
        normalized = normalize_post(_lenient(item), extract_referenced_posts=True)
        rows = [(_post(p), _account(p)) for p in normalized]
        main = normalized[-1]
        reason = item.get("reason") if isinstance(item, dict) else None
        if main.get("repost_by_user_did") and isinstance(reason, dict):
            by = reason.get("by") or {}
            rows.append(
                (
                    {
                        "post_id": reason.get("uri") or f"{main['uri']}#repost:{by.get('did')}",
                        "platform": PLATFORM,
                        "account_id": main["repost_by_user_did"],
                        "created_at": _created(reason["indexedAt"], "reason.indexedAt"),
                        "text": None,
                        "urls": [],
                        "hashtags": [],
                        "mentions": [],
                        "media": [],
                        "repost_of": main["uri"],
                    },
                    {
                        "account_id": main["repost_by_user_did"],
                        "platform": PLATFORM,
                        "handle": main.get("repost_by_user_handle"),
                        "display_name": by.get("displayName") or None,
                    },
                )
            )
    except BadField as exc:
        why = f"invalid {exc.field}"
        buf.rejected.append(Rejected(str(path), record, why, exc.field, exc.detail, excerpt(item)))
        return
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        buf.rejected.append(
            Rejected(
                str(path),
                record,
                "missing post field",
                str(key),
                f"key {key!r} missing",
                excerpt(item),
            )
        )
        return
    except Exception as exc:  # twitwi's BlueskyPayloadError, bad dates
        detail = str(exc).split("\n", 1)[-1][:300]
        # twitwi names a missing key in words ("key createdAt is missing from payload's
        # record"): the refusal then names the field, as every other reader's does
        missing = _MISSING_KEY.search(str(exc))
        field = f"{missing.group(2)}.{missing.group(1)}" if missing else None
        buf.rejected.append(
            Rejected(
                str(path),
                record,
                "missing post field" if missing else "invalid post",
                field,
                f"{type(exc).__name__}: {detail}",
                excerpt(item),
            )
        )
        return
    for post, account in rows:
        buf.posts.append(post)
        buf.accounts.append(account)


_MISSING_KEY = re.compile(r"key (\w+) is missing from payload's (\w+)")


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from Bluesky API output.

    A page is self-contained (each feed item or post carries its author and the posts it
    quotes), so one document over the record limit, pages merged into one ``feed`` or
    ``posts`` list, is streamed item by item instead of refused whole."""
    buf = RowBuffer()
    for lineno, value in json_array_values(path, keys=("feed", "posts")):
        if isinstance(value, Rejected):
            buf.refuse(value)
            continue
        items = _items(value)
        if items is None:
            buf.refuse(
                Rejected(
                    str(path), lineno, "not a Bluesky post or page", None, None, excerpt(value)
                )
            )
            continue
        for k, item in enumerate(items, start=1):
            _item(buf, path, f"{lineno}:{k}" if len(items) > 1 else lineno, item)
            if len(buf) >= BATCH_ROWS:
                yield buf.flush()
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()
