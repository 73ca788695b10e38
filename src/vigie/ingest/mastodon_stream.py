"""Mastodon's streaming API saved to a file: its WebSocket messages, one a line
(``{"stream": [...], "event": "update", "payload": "<the status as JSON text>"}``), or the
raw Server-Sent Events stream (``event: update`` / ``data: {...}`` / a blank line, with
``:)`` and ``:thump`` heartbeats), as a script that logs ``/api/v1/streaming`` writes it.

Why a module of its own: a streaming log is the cheapest way to collect an instance's public
timeline as it happens, and each ``update`` payload is a Status entity exactly as the REST
API returns it, so ``mastodon._one`` maps it; only the envelope differs. An edit
(``status.update``) is the same status again, merged on its id (the first version read keeps
its text; hashtags, links and mentions of both are kept). Every other event (``delete``,
``notification``, ``filters_changed``, ``conversation``, ``announcement``...) holds no new
post and is counted in the manifest's ``skipped`` by name, never refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.jsonlines import MAX_RECORD_BYTES, read_lines, too_large
from vigie.ingest.model import Rejected, excerpt
from vigie.ingest.records import BadField, Skip

EVENTS = frozenset(
    {
        "update",
        "status.update",
        "delete",
        "notification",
        "filters_changed",
        "conversation",
        "announcement",
        "announcement.reaction",
        "announcement.delete",
        "encrypted_message",
        "notifications_merged",
    }
)
"""The streaming API's event names (docs.joinmastodon.org/methods/streaming)."""
STATUS_EVENTS = ("update", "status.update")
"""Events whose payload is a Status."""
FRAME_KEYS = frozenset({"stream", "event", "payload"})
SSE_FIELDS = ("event", "data", "id", "retry")


def is_frame(obj: Any) -> bool:
    """A streaming message: an ``event`` name beside a ``payload`` (and ``stream``) only."""
    return isinstance(obj, dict) and isinstance(obj.get("event"), str) and set(obj) <= FRAME_KEYS


def is_known_frame(obj: Any) -> bool:
    """A streaming message of a Mastodon event (what auto detection trusts)."""
    return is_frame(obj) and obj["event"] in EVENTS


def status_of(frame: dict[str, Any]) -> dict[str, Any]:
    """The Status an ``update``/``status.update`` message carries; ``Skip`` for any other."""
    name = frame["event"]
    if name not in STATUS_EVENTS:
        raise Skip(f"mastodon: streaming '{name}' event (not a status)")
    payload = frame.get("payload")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError):
            raise BadField("payload", f"the {name} event's payload is not JSON") from None
    if not isinstance(payload, dict):
        raise BadField("payload", f"the {name} event's payload is not a status object")
    return payload


def is_sse(head: bytes) -> bool:
    """Whether a file's first bytes are a Server-Sent Events stream of Mastodon events: the
    first line a comment or an SSE field, and an ``event:`` line naming a Mastodon event."""
    lines = head.removeprefix(b"\xef\xbb\xbf").lstrip().splitlines()[:200]
    if not lines or not lines[0].startswith((b":", b"event:", b"data:")):
        return False
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").strip()
        if line.startswith("event:") and line[6:].strip() in EVENTS:
            return True
    return False


def sse_values(path: Path) -> Iterator[tuple[int, Any]]:
    """``(record, message)`` of each event of a saved SSE stream, as the WebSocket writes
    it; the record is the line of the event's first ``data:`` line. Data lines of one event
    are joined with newlines (the SSE rule); an event larger than the record limit, a line
    that is not UTF-8, or one that is no SSE field is refused by its line."""
    event: str | None = None
    data: list[str] = []
    start = 0
    size = 0
    with open(path, "rb") as fh:
        for lineno, raw, full in read_lines(fh, MAX_RECORD_BYTES):
            big = too_large(path, lineno, raw, full)
            if big is None and data and size + full > MAX_RECORD_BYTES:  # many data lines
                big = Rejected(
                    str(path),
                    start,
                    "record too large",
                    None,
                    f"an event over {MAX_RECORD_BYTES:,} bytes (VIGIE_MAX_RECORD_BYTES)",
                    None,
                )
            if big is not None:
                yield big.record, big
                event, data, size = None, [], 0
                continue
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield lineno, Rejected(str(path), lineno, "not UTF-8 text", None, None, None)
                continue
            if lineno == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():  # a blank line ends the event
                if data:
                    yield start, {"event": event or "message", "payload": "\n".join(data)}
                event, data, size = None, [], 0
                continue
            if line.startswith(":"):  # a comment: the ':)' greeting, ':thump' heartbeats
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value.strip()
            elif name == "data":
                if not data:
                    start = lineno
                data.append(value)
                size += len(raw)
            elif name not in SSE_FIELDS:
                yield (
                    lineno,
                    Rejected(
                        str(path),
                        lineno,
                        "not a Server-Sent Events line",
                        None,
                        "expected event:, data:, id:, retry: or a ':' comment",
                        excerpt(line[:300]),
                    ),
                )
    if data:
        yield start, {"event": event or "message", "payload": "\n".join(data)}
