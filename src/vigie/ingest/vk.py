"""VKontakte wall posts and comments, as the VK API returns them (``wall.get``,
``wall.getById``, ``newsfeed.search``, ``wall.getComments``) and as 4CAT's VK data source keeps
them (one object a line, with ``4cat_item_type`` and ``author_profile``).

Why: VK is where Russian-language influence operations run their own communities, and the
mirror of what they push elsewhere. A response page is ``{"response": {"count", "items":
[...]}}`` (``newsfeed.search`` adds ``next_from``; an error page is ``{"error": {"error_code",
"error_msg"}}``, refused whole). A post (dev.vk.com, object ``post``) is ``{"id", "owner_id"
(the wall: negative for a community), "from_id" (the author), "date" (POSIX seconds), "text",
"attachments": [{"type", <type>: {...}}], "copy_history": [post]}``; a comment ``{"id",
"from_id", "post_id", "owner_id", "date", "text", "reply_to_comment"}``.

Mapping:
- a post's id is VK's own ``<owner_id>_<id>`` (the ``wall-1_2`` of its address: ids count per
  wall); the account is ``from_id`` as VK writes it (negative for a community posting as
  itself);
- a repost (``copy_history``) has ``repost_of`` = the reposted post, which becomes a post of
  its own (the first of the history: what was reposted);
- links: the ``link`` attachments' URLs and the text's; hashtags from the text; mentions from
  VK's markup ``[id123|Name]`` / ``[club45|Name]`` (as ``id123``, ``club45``) and ``@name``;
- media: a photo's or a video's own id (``photo<owner>_<id>``, ``video<owner>_<id>``): the same
  picture reposted by many communities keeps it, where its CDN address changes;
- a comment's id is ``<owner_id>_<post_id>_c<id>``; it replies to its post, or to the comment
  ``reply_to_comment`` names.
Required: ``id``, ``owner_id`` (a comment: also ``post_id``), ``from_id``, ``date``.

A community's Callback API events, as a bot logs them (``{"type": "wall_post_new" |
"wall_repost" | "wall_reply_new" | "wall_reply_edit", "object": post or comment,
"group_id"}``), are read as their ``object``; other events are skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.model import Batch
from vigie.ingest.records import BadPage, Mapped, Row, Skip, need, read_items, text_post, time_of
from vigie.ingest.records import as_dict as _d
from vigie.ingest.urls import (
    canonical_urls,
    clean_mentions,
    hashtags_in_text,
    mentions_in_text,
    raw_urls_in_text,
)

PLATFORM = "vk"
MARKUP_RE = re.compile(r"\[((?:id|club|public|event)\d+)\|[^\]]*\]")


def _num(obj: dict[str, Any], key: str, where: str) -> str:
    """A VK id (an integer, negative for communities) as text; ``Missing``/``ValueError``."""
    value = need(obj, key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{where}{key} is not an id: {value!r}"[:120])
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"{where}{key} is not an id: {text[:40]!r}")
    return text


def _attachments(obj: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(link URLs, media ids) of a post's or a comment's attachments."""
    links, media = [], []
    for att in obj.get("attachments") or []:
        kind = _d(att).get("type")
        inner = _d(_d(att).get(kind)) if isinstance(kind, str) else {}
        if kind == "link" and isinstance(inner.get("url"), str):
            links.append(inner["url"])
        elif kind in ("photo", "video") and "id" in inner and "owner_id" in inner:
            media.append(f"{kind}{inner['owner_id']}_{inner['id']}")
    return links, media


def _mentions(text: str) -> list[str]:
    return clean_mentions(MARKUP_RE.findall(text) + mentions_in_text(MARKUP_RE.sub(" ", text)))


def _row(obj: dict[str, Any], post_id: str, reply_to: str | None = None) -> Row:
    text = obj.get("text") or ""
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    links, media = _attachments(obj)
    row = text_post(
        PLATFORM,
        post_id,
        _num(obj, "from_id", ""),
        time_of(need(obj, "date"), "date"),
        text,
        reply_to=reply_to,
        urls=canonical_urls([*links, *raw_urls_in_text(text)]),
        hashtags=hashtags_in_text(text),
        mentions=_mentions(text),
    )
    row["media"] = list(dict.fromkeys(media))
    return row


def _post(obj: dict[str, Any]) -> Mapped:
    post = _row(obj, f"{_num(obj, 'owner_id', '')}_{_num(obj, 'id', '')}")
    posts = [post]
    history = obj.get("copy_history")
    if isinstance(history, list) and history and isinstance(history[0], dict):
        src = history[0]
        original = _row(src, f"{_num(src, 'owner_id', 'copy_history.')}_{_num(src, 'id', '')}")
        post["repost_of"] = original["post_id"]
        posts.append(original)
    accounts = [_account(obj, post["account_id"])]
    accounts += [{"account_id": p["account_id"], "platform": PLATFORM} for p in posts[1:]]
    return posts, accounts


def _account(obj: dict[str, Any], account: str) -> Row:
    """The author's row, with the profile 4CAT adds (``author_profile``: its ``users.get`` or
    ``groups.getById`` answer) when there is one."""
    row: Row = {"account_id": account, "platform": PLATFORM}
    profile = _d(obj.get("author_profile"))
    if profile:
        name = profile.get("name") or " ".join(
            str(profile.get(k) or "") for k in ("first_name", "last_name")
        )
        handle = profile.get("screen_name")
        row["handle"] = handle if isinstance(handle, str) and handle else None
        row["display_name"] = str(name).strip() or None
    return row


def _comment(obj: dict[str, Any]) -> Mapped:
    wall = f"{_num(obj, 'owner_id', '')}_{_num(obj, 'post_id', '')}"
    parent = obj.get("reply_to_comment")
    reply_to = f"{wall}_c{parent}" if parent not in (None, "", 0) else wall
    post = _row(obj, f"{wall}_c{_num(obj, 'id', '')}", reply_to)
    return [post], [_account(obj, post["account_id"])]


def _one(obj: Any) -> Mapped:
    if not isinstance(obj, dict):
        raise ValueError("a VK item is not an object")
    if _is_event(obj):
        raise Skip(f"vk: a Callback API {str(obj['type'])[:40]} event (not a post)")
    if obj.get("4cat_item_type") == "comment" or ("post_id" in obj and "copy_history" not in obj):
        return _comment(obj)
    return _post(obj)


CALLBACK_POSTS = frozenset({"wall_post_new", "wall_repost", "wall_reply_new", "wall_reply_edit"})
"""The Callback API events whose ``object`` is a post or a comment (dev.vk.com, Callback API
events: ``{"type", "object", "group_id", "event_id"}``): a community's bot logs them."""


def _is_event(value: dict[str, Any]) -> bool:
    return isinstance(value.get("type"), str) and "group_id" in value and "object" in value


def _unwrap(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    if _is_event(value):  # another event is skipped by ``_one``
        post = value["type"] in CALLBACK_POSTS and isinstance(value["object"], dict)
        return [value["object"] if post else value]
    if isinstance(value.get("error"), dict):
        err = value["error"]
        raise BadPage("VK API error page", f"{err.get('error_code')}: {err.get('error_msg')}")
    response = value.get("response")
    if isinstance(response, list):  # wall.getById answers a list
        return response
    if isinstance(response, dict):
        items = response.get("items")
        return items if isinstance(items, list) else []
    return [value]


def is_vk(obj: Any) -> bool:
    """A VK API answer, or one of its posts or comments (VK's own keys beside each other)."""
    if not isinstance(obj, dict):
        return False
    response = obj.get("response")
    if isinstance(response, dict) and isinstance(response.get("items"), list):
        items = response["items"]
        return not items or is_vk(items[0])
    if "4cat_item_type" in obj and "from_id" in obj:
        return True
    if _is_event(obj) and obj["type"] in CALLBACK_POSTS:
        return is_vk(obj["object"])
    return {"from_id", "owner_id", "date"} <= set(obj) and (
        "copy_history" in obj or "attachments" in obj or "post_type" in obj or "post_id" in obj
    )


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from VK API wall posts and comments."""
    return read_items(path, _unwrap, _one, "VK item", keys=("response.items",))
