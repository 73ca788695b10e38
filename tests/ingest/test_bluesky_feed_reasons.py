"""getAuthorFeed items as the API really returns them: a pinned post, replies whose parent
is deleted or blocked.

Values are ours; the field structure is ``app.bsky.feed.defs`` (``feedViewPost`` with
``reason: #reasonPin``, ``replyRef`` whose ``parent``/``root`` is a ``#notFoundPost`` or a
``#blockedPost``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.helpers import posts_by_id, rejected
from vigie.ingest import ingest

ME = "did:plc:pinnedauthor0000000000000"
GONE = "did:plc:vanishedauthor00000000000"


def _view(rkey: str, text: str, reply_to: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "createdAt": "2025-02-03T10:00:00.000Z",
        "langs": ["fr"],
        "text": text,
    }
    if reply_to:
        ref = {"uri": reply_to, "cid": "bafyreiparentcid0000000000000000000000000000"}
        record["reply"] = {"root": ref, "parent": ref}
    return {
        "uri": f"at://{ME}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyrei{rkey}0000000000000000000000000000000",
        "author": {"did": ME, "handle": "pinned.example.social", "displayName": "Pin"},
        "record": record,
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "quoteCount": 0,
        "indexedAt": "2025-02-03T10:00:01.000Z",
        "labels": [],
    }


def test_pinned_post_and_replies_to_vanished_posts_are_read(tmp_path: Path) -> None:
    """A pinned post (``#reasonPin``, the author's own post shown first) is a post, not a
    repost and not "an unusual reason"; a reply whose parent was deleted or whose author
    blocks the collector (``#notFoundPost`` / ``#blockedPost``: a uri, no record) is read
    with ``reply_to`` from its own record. All three were refused, the replies as
    "missing post field record"."""
    parent = f"at://{GONE}/app.bsky.feed.post/3lgone000000a"
    not_found = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": parent, "notFound": True}
    blocked = {
        "$type": "app.bsky.feed.defs#blockedPost",
        "uri": parent,
        "blocked": True,
        "author": {"did": GONE, "viewer": {"blockedBy": True}},
    }
    feed = [
        {
            "post": _view("3lpin0000000a", "épinglé"),
            "reason": {"$type": "app.bsky.feed.defs#reasonPin"},
        },
        {
            "post": _view("3lrep0000000a", "réponse", parent),
            "reply": {"root": not_found, "parent": not_found},
        },
        {
            "post": _view("3lrep0000000b", "autre", parent),
            "reply": {"root": blocked, "parent": blocked},
        },
    ]
    src = tmp_path / "author_feed.json"
    src.write_text(json.dumps({"feed": feed, "cursor": "c"}), encoding="utf-8")
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].format == "bluesky"
    assert rejected(ds) == []
    posts = posts_by_id(ds)
    pinned = posts[f"at://{ME}/app.bsky.feed.post/3lpin0000000a"]
    assert pinned["text"] == "épinglé" and pinned["repost_of"] is None
    assert len(posts) == 3  # no repost row for a pin, and no post for the vanished parent
    for rkey in ("3lrep0000000a", "3lrep0000000b"):
        assert posts[f"at://{ME}/app.bsky.feed.post/{rkey}"]["reply_to"] == parent
