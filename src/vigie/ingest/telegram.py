"""Telegram Desktop export (``result.json``), one channel/chat or a full account export.

Why hand-written: no maintained Python library reads Desktop exports; the format is a single
JSON document (``{"name", "type", "id", "messages": [...]}``, or ``{"chats": {"list": [...]}}``
for a full export). Each message has ``id``, ``type`` (``message`` or ``service``),
``date`` (local time) and ``date_unixtime`` (POSIX seconds, newer exports; without it the
local time is read as UTC and counted), ``from``/``from_id`` (``channel123``/``user123``;
older exports: a bare number, given its prefix), ``text`` (a string, or a list of strings and
entity objects) and ``text_entities`` (``{"type": "hashtag"|"mention"|"link"|"text_link"|...,
"text", "href"}``), ``reply_to_message_id``, ``forwarded_from``, ``photo``/``file``.

Limits, said plainly: message ids are per chat, so ``post_id`` is ``"<chat id>:<message id>"``;
a forwarded message carries only the original sender's *name*, not the original message id,
so ``repost_of`` stays null (the forward is kept as the forwarder's post and counted in the
manifest's ``skipped`` as ``FORWARD``, a note on kept posts: ``VALUE_NOTES``); photos are
identified by the SHA-256 of the file when the export includes it. The document is streamed
(ijson): memory is bounded by the largest message, not by the export's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from vigie.errors import InputError
from vigie.ingest.model import (
    BATCH_ROWS,
    VALUE_NOTES,
    Batch,
    Rejected,
    RowBuffer,
    excerpt,
    ts_from_value,
)
from vigie.ingest.records import text_post
from vigie.ingest.urls import (
    canonical_urls,
    clean_hashtags,
    clean_mentions,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)
from vigie.json_guard import guarded

PLATFORM = "telegram"
FORWARD = VALUE_NOTES[3] + "telegram forward (an export names no original message)"
"""A forward, kept as the forwarder's post: neither export (JSON, HTML) names the original."""
LOCAL_CLOCK = (
    VALUE_NOTES[2] + "Telegram JSON times without date_unixtime (the exporting computer's "
    "clock, read as UTC)"
)
"""Exports older than ``date_unixtime`` (Desktop before 3.0, 2021) give only ``date``, the
exporting computer's local clock with no offset: read as UTC, and counted."""


def _peer(value: Any, chat: dict[str, Any]) -> Any:
    """A sender id as current exports write it (``channel123``, ``user123``).

    Why: exports before 2021 wrote ``from_id`` as a bare number; read as such, a channel's
    posts and its chat-level account (``channel<id>``) were two accounts, and an old and a
    new export of one channel did not merge. A bare number equal to the chat's own id is
    the chat posting as itself (a channel, or a group's anonymous admins), which Desktop now
    writes ``channel<id>``; any other is a user."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return value
    bare = str(value)
    if not bare.isdigit():
        return value
    if bare == str(chat.get("id")):
        return f"channel{bare}"
    return f"user{bare}"


def _text_and_entities(msg: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
    """Plain text, and the entity list when the export has one."""
    text = msg.get("text", "")
    entities = msg.get("text_entities")
    if isinstance(text, list):
        parts = []
        derived = []
        for p in text:
            if isinstance(p, str):
                parts.append(p)
            elif isinstance(p, dict):
                parts.append(str(p.get("text", "")))
                derived.append(p)
        text = "".join(parts)
        if entities is None:
            entities = derived
    elif not isinstance(text, str):
        raise ValueError("text is neither a string nor a list")
    if entities is not None and not isinstance(entities, list):
        raise ValueError("text_entities is not a list")
    return text, entities


def _hash_inside(root: Path, rel: str) -> str | None:
    """``sha256:`` of the file an export names by ``rel``, a path relative to its own folder
    ``root`` (already resolved); ``None`` when there is no such file inside that folder.

    Why the bound: the path comes from the file being read. A crafted export naming
    ``../../home/analyst/.ssh/id_ed25519`` or an absolute path made vigie read any file the
    analyst can read and write its hash into a Dataset that may be shared with allies (or
    spend minutes hashing a disk image). A link inside the export that points outside it is
    refused the same way (the path is resolved before the test)."""
    try:
        p = (root / rel).resolve()
        if not p.is_relative_to(root) or not p.is_file():
            return None
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except (OSError, ValueError):  # a name the OS refuses (NUL, too long), a vanished file
        return None
    return "sha256:" + h.hexdigest()


class ExportFiles:
    """The files one export names, hashed by ``_hash_inside`` (inside its folder only), with
    the folder resolved once and the latest files' hashes remembered.

    Why: a channel's export names a file in most messages; resolving the folder again for
    each message took a third of the reading (300,000 messages naming photos), and a chat's
    sticker or GIF named again and again was read and hashed each time. At most ``remember``
    names are kept (then forgotten at once), so memory does not grow with the export."""

    def __init__(self, base: Path, remember: int = 4096) -> None:
        self.remember = remember
        self._known: dict[str, str | None] = {}
        try:
            self._root: Path | None = base.resolve()
        except (OSError, ValueError):
            self._root = None

    def hash(self, rel: Any) -> str | None:
        """``sha256:`` of the file a message names by ``rel``, or None: none named, the
        export's placeholder for a file not downloaded, or no such file inside the folder."""
        if not isinstance(rel, str) or rel.startswith("(") or not rel or self._root is None:
            return None  # "(File not included. Change data exporting settings to download.)"
        if rel in self._known:
            return self._known[rel]
        if len(self._known) >= self.remember:
            self._known.clear()
        h = self._known[rel] = _hash_inside(self._root, rel)
        return h


def _message(
    buf: RowBuffer, path: Path, files: ExportFiles, chat: dict[str, Any], msg: Any, where: str
) -> None:
    buf.records += 1
    if not isinstance(msg, dict):
        buf.rejected.append(
            Rejected(str(path), where, "not a message object", None, None, excerpt(msg))
        )
        return
    if msg.get("type", "message") != "message":
        buf.skip(f"telegram: {msg.get('type')} message (not a post)")
        return
    chat_id = chat.get("id")
    mid = msg.get("id")
    if mid is None or chat_id is None:
        fld = "id" if mid is None else "chat id"
        buf.rejected.append(Rejected(str(path), where, f"missing {fld}", fld, None, excerpt(msg)))
        return
    try:
        raw_ts = msg.get("date_unixtime") or msg.get("date")
        created = ts_from_value(raw_ts)
    except ValueError as exc:
        buf.rejected.append(
            Rejected(str(path), where, "invalid date", "date", str(exc), excerpt(msg))
        )
        return
    try:
        text, entities = _text_and_entities(msg)
    except ValueError as exc:
        buf.rejected.append(
            Rejected(str(path), where, "invalid text", "text", str(exc), excerpt(msg))
        )
        return
    if entities:
        urls, tags, mentions = [], [], []
        for e in entities:
            if not isinstance(e, dict):
                continue
            kind, val = e.get("type"), str(e.get("text", ""))
            if kind == "link":
                urls.append(val)
            elif kind == "text_link" and e.get("href"):
                urls.append(str(e["href"]))
            elif kind == "hashtag":
                tags.append(val)
            elif kind == "mention":
                mentions.append(val)
            elif kind == "mention_name" and e.get("user_id") is not None:
                mentions.append(f"user{e['user_id']}")
        urls, tags, mentions = canonical_urls(urls), clean_hashtags(tags), clean_mentions(mentions)
    else:
        urls, tags, mentions = urls_in_text(text), hashtags_in_text(text), mentions_in_text(text)
    account_id = _peer(msg.get("from_id") or msg.get("actor_id"), chat) or f"channel{chat_id}"
    media = [h for h in (files.hash(msg[k]) for k in ("photo", "file") if k in msg) if h]
    reply = msg.get("reply_to_message_id")
    if msg.get("forwarded_from") is not None:
        buf.skip(FORWARD)
    if not msg.get("date_unixtime") and isinstance(raw_ts, str) and _no_offset(raw_ts):
        buf.skip(LOCAL_CLOCK)
    reply_to = f"{_reply_chat(msg, chat_id)}:{reply}" if reply is not None else None
    buf.posts.append(
        text_post(
            PLATFORM, f"{chat_id}:{mid}", str(account_id), created, text, reply_to=reply_to,
            urls=urls, hashtags=tags, mentions=mentions, media=media,
        )
    )  # fmt: skip
    buf.accounts.append(
        {
            "account_id": str(account_id),
            "platform": PLATFORM,
            "handle": None,
            "display_name": msg.get("from") if isinstance(msg.get("from"), str) else None,
        }
    )


def _no_offset(when: str) -> bool:
    """An ISO time without a UTC offset (``2021-01-31T21:02:29``): a local clock."""
    tail = when.strip()[10:]
    return not (tail.endswith("Z") or "+" in tail or "-" in tail)


def _reply_chat(msg: dict[str, Any], chat_id: Any) -> Any:
    """The chat of the message answered: ``reply_to_peer_id`` when Desktop wrote one.

    Why: a reply may answer a message of another chat (a discussion group's comment under
    its channel's post); Desktop then names that chat as ``"channel<id>"`` (or ``chat``/
    ``user``) beside ``reply_to_message_id``, and the message ids of the two chats are
    unrelated, so the reply was tied to a message of the wrong chat. The bare id is the
    one Desktop gives each chat (its ``id``), which post ids are built from."""
    peer = msg.get("reply_to_peer_id")
    if isinstance(peer, str):
        bare = peer.removeprefix("channel").removeprefix("chat").removeprefix("user")
        if bare.isdigit():
            return bare
    return chat_id


CHAT_KEYS = ("id", "name", "type")
CHAT_LISTS = ("chats", "left_chats")
"""The lists of a full account export that hold chats: Desktop writes the channels and
groups the account has left under ``left_chats``, beside ``chats``, in the same shape."""


def _single_chat_head(path: Path) -> dict[str, Any] | None:
    """The chat fields of a one-chat export (written before ``messages``), or None."""
    chat: dict[str, Any] = {}
    with open(path, "rb") as fh:
        for prefix, event, value in ijson.parse(guarded(fh), use_float=True):
            if prefix == "messages" and event == "start_array":
                return chat
            if prefix.split(".", 1)[0] in CHAT_LISTS:
                return None
            if prefix in CHAT_KEYS and event in ("string", "number", "integer", "double"):
                chat[prefix] = value
    return None


def _stream(path: Path, state: dict[str, int]) -> Iterator[tuple[dict[str, Any], Any]]:
    """Yield ``(chat fields, message)`` from ``result.json`` without loading it whole.

    Why a streaming parser (ijson, C backend): the export of a large channel is one JSON
    document of several GB; memory must be bounded by the largest message, not by the file.
    Desktop writes a chat's ``id``/``name``/``type`` before its ``messages`` list, which is
    what lets each message be mapped as soon as it is read.
    """
    head = _single_chat_head(path)
    if head is not None:  # the usual case: one channel, messages built natively by ijson
        state["lists"] = 1
        with open(path, "rb") as fh:
            for msg in ijson.items(guarded(fh), "messages.item", use_float=True):
                yield head, msg
        return
    chat: dict[str, Any] = {}
    builder: ijson.ObjectBuilder | None = None
    depth = 0
    with open(path, "rb") as fh:
        for prefix, event, value in ijson.parse(guarded(fh), use_float=True):
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                if depth == 0:
                    yield chat, builder.value
                    builder = None
                continue
            section, _, rest = prefix.partition(".list.item")
            if section not in CHAT_LISTS or not prefix.startswith(section + ".list.item"):
                continue
            if event == "start_array" and rest == ".messages":
                state["lists"] = state.get("lists", 0) + 1
            elif rest == ".messages.item":
                if event in ("start_map", "start_array"):
                    builder, depth = ijson.ObjectBuilder(), 1
                    builder.event(event, value)
                else:  # a scalar where a message should be
                    yield chat, value
            elif rest == "" and event == "start_map":
                chat = {}
            elif event in ("string", "number", "integer", "double") and rest[1:] in CHAT_KEYS:
                chat[rest[1:]] = value


def _refuse_markup(path: Path) -> None:
    """One line for the HTML export (``--format telegram`` on ``messages.html``)."""
    from vigie.ingest.detect_format import markup_refusal

    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    except OSError:
        return  # the reader's own error says what is wrong with the file
    if head.startswith("<"):
        raise InputError(markup_refusal(head), file=str(path))


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from a Telegram Desktop ``result.json`` (streamed)."""
    _refuse_markup(path)
    buf = RowBuffer()
    files = ExportFiles(path.parent)
    seen_channels: set[Any] = set()
    counts: dict[Any, int] = {}
    state: dict[str, int] = {}
    try:
        for chat, msg in _stream(path, state):
            cid = chat.get("id")
            if cid not in seen_channels:
                seen_channels.add(cid)
                name = chat.get("name")
                if str(chat.get("type", "")).endswith("channel") and cid is not None:
                    buf.accounts.append(
                        {
                            "account_id": f"channel{cid}",
                            "platform": PLATFORM,
                            "display_name": name if isinstance(name, str) else None,
                        }
                    )
            counts[cid] = k = counts.get(cid, 0) + 1
            mid = msg.get("id") if isinstance(msg, dict) else None
            where = f"chat {cid} message {mid if mid is not None else f'#{k}'}"
            _message(buf, path, files, chat, msg, where)
            if len(buf) >= BATCH_ROWS:
                yield buf.flush()
    except ijson.JSONError as exc:
        raise InputError(
            f"not valid JSON ({exc}); {buf.records:,} messages were read before it",
            file=str(path),
        ) from exc
    except UnicodeDecodeError as exc:  # Telegram Desktop writes UTF-8: a damaged file
        raise InputError(
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} cannot be read); "
            f"{buf.records:,} messages were read before it",
            file=str(path),
        ) from exc
    except RecursionError as exc:
        raise InputError("JSON nested too deeply", file=str(path)) from exc
    if not state.get("lists"):
        raise InputError(
            "not a Telegram Desktop export: no 'messages' list (nor 'chats.list')",
            file=str(path),
            field="messages",
        )
    if len(buf) or buf.records or buf.skipped:
        yield buf.flush()
