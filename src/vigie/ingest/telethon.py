"""Telegram messages as Telethon writes them (``Message.to_json()`` / ``to_dict()``), the
shape most Telegram collection tools save: one message per line, or a JSON array.

A message (Telethon's TL objects, core.telegram.org/constructor/message): ``{"_": "Message",
"id", "peer_id": {"_": "PeerChannel", "channel_id"}, "date", "message", "from_id" (a peer, or
null for a channel's own post), "fwd_from": {"from_id", "channel_post", "date"...},
"reply_to": {"reply_to_msg_id", "reply_to_peer_id"...}, "entities": [{"_":
"MessageEntityTextUrl", "url"...}...], "media", "views", "forwards"...}``. ``MessageService``
items (joins, pins, title changes) are no posts: counted in the manifest, not refused.

Mapping, chosen to meet the Desktop export's (``telegram.py``) so that the same channel
collected both ways de-duplicates: message ids are per chat, so ``post_id`` is
``"<chat id>:<message id>"``; ``account_id`` is ``user<id>`` or ``channel<id>`` (the sender,
else the channel that posted). Unlike the Desktop export, a forward names the original:
``repost_of`` is ``"<channel id>:<channel_post>"`` when the original is a channel post. URLs
come from the text, from hidden links (``MessageEntityTextUrl``) and from the spans Telegram
marked as links (``MessageEntityUrl``: a link typed without ``https://``); hashtags and mentions
from the text. Not mapped: media (Telethon gives file ids, not image hashes), counts,
reactions. Required: ``id``, ``peer_id``, ``date``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.model import Batch
from vigie.ingest.records import BadField, Mapped, Skip, as_list, need, read_items, time_of
from vigie.ingest.urls import (
    canonical_urls,
    hashtags_in_text,
    mentions_in_text,
    raw_urls_in_text,
)

PLATFORM = "telegram"


def _marked_links(text: str, entities: Any) -> list[str]:
    """The spans of ``text`` Telegram marked as links (``MessageEntityUrl``: ``offset`` and
    ``length`` in UTF-16 code units), as written.

    Why: a link typed without ``https://`` (``t.me/UAhelpinfoAdmin``) is no link to a text
    scanner, but Telegram found it, and the Desktop export keeps it (its ``link`` entity):
    the same channel read from both gave different links."""
    if not isinstance(entities, list) or not text:
        return []
    units = None
    out = []
    for e in entities:
        if not isinstance(e, dict) or tl_type(e) != "MessageEntityUrl":
            continue
        start, length = e.get("offset"), e.get("length")
        if not isinstance(start, int) or not isinstance(length, int) or start < 0 or length <= 0:
            continue
        units = units if units is not None else text.encode("utf-16-le")
        span = units[2 * start : 2 * (start + length)].decode("utf-16-le", errors="replace")
        if span.strip():
            out.append(span.strip())
    return out


MESSAGE_KINDS = ("Message", "MessageService", "MessageEmpty")

_PEER_IDS = {"PeerChannel": "channel_id", "PeerChat": "chat_id", "PeerUser": "user_id"}


def tl_type(obj: Any) -> Any:
    """The TL type an object names: ``_`` as Telethon writes it, ``_type`` as 4CAT's Telegram
    data source keeps Telethon's objects."""
    return (obj.get("_") or obj.get("_type")) if isinstance(obj, dict) else None


def is_message(obj: Any) -> bool:
    """One of Telethon's messages (its TL type says so; ``peer_id`` names the chat)."""
    return tl_type(obj) in MESSAGE_KINDS and "peer_id" in obj


def _peer(value: Any, name: str) -> tuple[str, str] | None:
    """``(kind, id)`` of a Telethon peer (``{"_": "PeerChannel", "channel_id": 1}``), None for
    null; ``BadField`` for anything else."""
    if value is None:
        return None
    kind = tl_type(value)
    key = _PEER_IDS.get(kind)  # type: ignore[arg-type]
    if key is None or value.get(key) in (None, ""):
        raise BadField(name, f"not a Telegram peer: {str(value)[:80]}")
    return ("user" if kind == "PeerUser" else "channel"), str(value[key])


def _one(m: Any) -> Mapped:
    if not isinstance(m, dict):
        raise ValueError("a message is not an object")
    if tl_type(m) != "Message":
        raise Skip(f"telegram: {tl_type(m) or 'item'} (a service message, not a post)")
    chat = _peer(need(m, "peer_id"), "peer_id")
    mid = need(m, "id")
    if isinstance(mid, bool) or not isinstance(mid, int | str):
        raise BadField("id", f"not a message id: {str(mid)[:80]}")
    sender = _peer(m.get("from_id"), "from_id") or chat
    account = f"{sender[0]}{sender[1]}"  # type: ignore[index]
    text = m.get("message") or ""
    if not isinstance(text, str):
        raise BadField("message", "not a string")
    hidden = [
        e["url"]
        for e in m.get("entities") or []
        if isinstance(e, dict)
        and tl_type(e) == "MessageEntityTextUrl"
        and isinstance(e.get("url"), str)
    ] + _marked_links(text, m.get("entities"))
    repost = None
    fwd = m.get("fwd_from")
    if isinstance(fwd, dict) and fwd.get("channel_post") is not None:
        origin = _peer(fwd.get("from_id"), "fwd_from.from_id")
        if origin is not None and origin[0] == "channel":
            repost = f"{origin[1]}:{fwd['channel_post']}"
    reply = None
    rep = m.get("reply_to")
    if isinstance(rep, dict) and rep.get("reply_to_msg_id") is not None:
        where = _peer(rep.get("reply_to_peer_id"), "reply_to.reply_to_peer_id") or chat
        reply = f"{where[1]}:{rep['reply_to_msg_id']}"  # type: ignore[index]
    post = {
        "post_id": f"{chat[1]}:{mid}",  # type: ignore[index]
        "platform": PLATFORM,
        "account_id": account,
        "created_at": time_of(need(m, "date"), "date"),
        "text": text,
        "lang": None,
        "urls": canonical_urls(raw_urls_in_text(text) + hidden),
        "hashtags": hashtags_in_text(text),
        "mentions": mentions_in_text(text),
        "media": [],
        "repost_of": repost,
        "reply_to": reply,
        "quote_of": None,
    }
    return [post], [{"account_id": account, "platform": PLATFORM}]


def _unwrap(value: Any) -> list[Any] | None:
    return as_list(value, ("messages",), is_message)


def read(path: Path, platform: str | None = None) -> Iterator[Batch]:
    """Yield canonical batches from Telethon messages (JSON Lines or a JSON array)."""
    return read_items(path, _unwrap, _one, "Telegram message", keys=("messages",))
