"""Instagram as Instaloader saved it: a post's metadata file and its comments file.

Why a reader of its own: Instaloader is how most researchers and journalists download the
Instagram posts of accounts and hashtags, and its folders (a file per post) are what they
hold. Shapes (``instaloader/structures.py``, ``instaloader.py``):

- ``<date>_UTC.json.xz`` (LZMA, the default; ``.json`` with ``--no-compress-json``):
  ``{"node": {...}, "instaloader": {"version", "node_type"}}``. A ``Post`` node is the web
  API's: ``shortcode`` (``code`` in the mobile API's), ``taken_at_timestamp`` (or ``date``;
  Unix seconds, UTC), ``owner`` (``{"id", "username", ...}``), the caption in
  ``edge_media_to_caption.edges[0].node.text`` (or ``caption``), ``__typename``. A
  ``Profile`` node (``<username>_<id>.json.xz``) is an account: ``id``, ``username``,
  ``full_name``, ``biography``, ``edge_followed_by.count``, ``edge_follow.count``,
  ``edge_owner_to_timeline_media.count``. ``StoryItem``, ``Hashtag`` and resume files
  (``FrozenNodeIterator``) are skipped and counted.
- ``<date>_UTC_comments.json`` (``--comments``): a JSON array of comments ``{"id",
  "created_at" (Unix seconds, UTC), "text", "owner": {...}, "likes_count", "answers":
  [...]}``. It does not name its post: the post is the shortcode of the metadata file beside
  it (the same name without ``_comments``), read when it is there.

Mapping, as vigie's other Instagram readers (Apify, Zeeschuimer): a post's id is its
shortcode and its account the owner's numeric id; links, hashtags and @handles are read from
the caption. A comment is a post of its owner, replying to the post (its shortcode, when the
metadata file is beside it) and an answer to its comment; its id is Instagram's comment id.
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.model import Batch
from vigie.ingest.records import (
    BadField,
    Mapped,
    Missing,
    Skip,
    as_int,
    need,
    read_items,
    text_post,
    time_of,
)
from vigie.ingest.records import as_dict as _d
from vigie.ingest.records import as_items as _l

FORMAT = "instaloader"
PLATFORM = "instagram"
COMMENT_KEYS = frozenset({"id", "created_at", "text", "owner"})
MAX_SIBLING = 64 << 20
"""Bytes of a comments file's sibling metadata file read for its shortcode."""


def is_item(obj: Any) -> bool:
    """An Instaloader metadata document, or one of its comments."""
    if not isinstance(obj, dict):
        return False
    meta = obj.get("instaloader")
    if "node" in obj and isinstance(meta, dict) and "node_type" in meta:
        return True
    return obj.keys() >= COMMENT_KEYS and "likes_count" in obj and isinstance(obj["owner"], dict)


def _caption(node: dict[str, Any]) -> str:
    edges = _l(_d(node.get("edge_media_to_caption")).get("edges"))
    if edges:
        text = _d(_d(edges[0]).get("node")).get("text")
    else:
        text = node.get("caption")
        if isinstance(text, dict):  # the mobile API's caption object
            text = text.get("text")
    if text is None:
        return ""
    if not isinstance(text, str):
        raise BadField("caption", f"not a string: {type(text).__name__}")
    return text


def _account(owner: dict[str, Any]) -> dict[str, Any]:
    uid = owner.get("id") or owner.get("pk")
    if uid in (None, "") or isinstance(uid, bool | dict | list):
        raise Missing("owner.id")
    name = owner.get("full_name")
    handle = owner.get("username")
    return {
        "account_id": str(uid),
        "platform": PLATFORM,
        "handle": handle if isinstance(handle, str) and handle else None,
        "display_name": name if isinstance(name, str) and name else None,
    }


def _post(node: dict[str, Any]) -> Mapped:
    code = node.get("shortcode") or node.get("code")
    if not isinstance(code, str) or not code:
        raise Missing("node.shortcode")
    when = node.get("taken_at_timestamp", node.get("date"))
    if when in (None, ""):
        raise Missing("node.taken_at_timestamp")
    acc = _account(_d(node.get("owner")))
    post = text_post(
        PLATFORM, code, acc["account_id"], time_of(when, "taken_at_timestamp"), _caption(node)
    )
    return [post], [acc]


def _profile(node: dict[str, Any]) -> Mapped:
    acc = _account(node)
    bio = node.get("biography")
    acc.update(
        followers=as_int(_d(node.get("edge_followed_by")).get("count")),
        following=as_int(_d(node.get("edge_follow")).get("count")),
        posts_count=as_int(_d(node.get("edge_owner_to_timeline_media")).get("count")),
        description=bio if isinstance(bio, str) and bio else None,
    )
    return [], [acc]


def _comment(item: dict[str, Any], target: str | None) -> tuple[list[Any], list[Any]]:
    """A comment and its answers: posts of their owners."""
    text = item.get("text") or ""
    if not isinstance(text, str):
        raise BadField("text", f"not a string: {type(text).__name__}")
    cid = need(item, "id")
    if isinstance(cid, bool | dict | list):
        raise BadField("id", f"not an id: {type(cid).__name__}")
    acc = _account(_d(item.get("owner")))
    post = text_post(
        PLATFORM,
        str(cid),
        acc["account_id"],
        time_of(need(item, "created_at"), "created_at"),
        text,
        reply_to=target,
    )
    posts, accounts = [post], [acc]
    for answer in _l(item.get("answers")):
        if isinstance(answer, dict):
            more, more_acc = _comment(answer, str(cid))
            posts += more
            accounts += more_acc
    return posts, accounts


def _reader(target: str | None) -> Callable[[Any], Mapped]:
    def one(item: Any) -> Mapped:
        if not isinstance(item, dict):
            raise ValueError("an Instaloader item is not an object")
        meta = item.get("instaloader")
        if isinstance(meta, dict) and "node" in item:
            kind = str(meta.get("node_type"))
            node = _d(item.get("node"))
            if kind == "Post":
                return _post(node)
            if kind == "Profile":
                return _profile(node)
            raise Skip(f"instaloader: a {kind} (not a post)")
        return _comment(item, target)

    return one


def shortcode_beside(path: Path) -> str | None:
    """The shortcode of the post whose comments ``path`` holds: its metadata file, the same
    name without ``_comments``, ``.json.xz`` or ``.json``; None when it is not there or
    holds no post."""
    if not path.name.endswith("_comments.json"):
        return None
    base = path.name.removesuffix("_comments.json")
    for name, opener in ((base + ".json.xz", lzma.open), (base + ".json", open)):
        sibling = path.with_name(name)
        if not sibling.is_file():
            continue
        try:
            with opener(sibling, "rt", encoding="utf-8") as fh:
                doc = json.loads(fh.read(MAX_SIBLING))
        except (OSError, ValueError, RecursionError, lzma.LZMAError, EOFError):
            return None
        node = _d(_d(doc).get("node"))
        code = node.get("shortcode") or node.get("code")
        return code if isinstance(code, str) and code else None
    return None


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from an Instaloader metadata or comments file."""
    target = shortcode_beside(path)
    return read_items(path, lambda v: v if isinstance(v, list) else [v], _reader(target), "item")
