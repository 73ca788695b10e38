"""Mastodon's streaming API saved to a file: WebSocket messages one a line, or the raw SSE
stream. Each ``update``/``status.update`` payload is a Status (as JSON text) read as the REST
API's; ``delete``, ``notification`` and other events are counted as skipped, not refused.
Until this round every line was "not a status or page" and auto detection could not tell.

Values are ours; the structure is that of docs.joinmastodon.org/methods/streaming."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.helpers import manifest, posts_by_id, rejected
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect


def _status(n: int, text: str) -> dict[str, Any]:
    return {
        "id": f"11300000000000000{n}",
        "uri": f"https://social.example/users/alice/statuses/{n}",
        "created_at": f"2024-10-0{n}T12:00:00.000Z",
        "content": f'<p>{text} <a href="https://news.example.net/a">link</a></p>',
        "account": {"id": "1090001", "acct": "alice", "display_name": "Alice"},
        "tags": [{"name": "Same"}],
        "mentions": [],
        "media_attachments": [],
    }


def _messages() -> list[dict[str, Any]]:
    edited = _status(1, "first words, edited")
    edited["tags"] = [{"name": "Same"}, {"name": "Edited"}]
    return [
        {"stream": ["public"], "event": "update", "payload": json.dumps(_status(1, "hello"))},
        {"stream": ["public"], "event": "delete", "payload": "113000000000000009"},
        {"stream": ["user"], "event": "notification", "payload": json.dumps({"id": "5"})},
        {"stream": ["public"], "event": "status.update", "payload": json.dumps(edited)},
        {"stream": ["user"], "event": "filters_changed"},
        {"stream": ["public"], "event": "update", "payload": json.dumps(_status(2, "again"))},
        {"stream": ["public"], "event": "update", "payload": "{not json"},
    ]


def _check(ds: Path) -> None:
    posts = posts_by_id(ds)
    assert set(posts) == {"113000000000000001", "113000000000000002"}
    first = posts["113000000000000001"]
    assert first["text"] == "hello link" and first["account_id"] == "1090001"
    assert first["urls"] == ["news.example.net/a"]
    assert first["hashtags"] == ["edited", "same"]  # the edit's hashtags are kept too
    skipped = manifest(ds)["skipped"]
    assert skipped["mastodon: streaming 'delete' event (not a status)"] == 1
    assert skipped["mastodon: streaming 'notification' event (not a status)"] == 1
    assert skipped["mastodon: streaming 'filters_changed' event (not a status)"] == 1
    [rej] = rejected(ds)
    assert rej["reason"] == "invalid payload" and "not JSON" in rej["detail"]


def test_websocket_messages_one_a_line(tmp_path: Path) -> None:
    src = tmp_path / "public_stream.jsonl"
    src.write_text("".join(json.dumps(m) + "\n" for m in _messages()), encoding="utf-8")
    assert detect(src) == "mastodon"
    ds = tmp_path / "ds"
    ingest([src], ds)
    _check(ds)
    [rej] = rejected(ds)
    assert rej["record"] == 7


def test_raw_server_sent_events(tmp_path: Path) -> None:
    """The same events as the SSE endpoint sends them (``curl -N .../streaming/public``)."""
    lines = [":)", ""]
    for m in _messages():
        lines.append(f"event: {m['event']}")
        if "payload" in m:
            lines.append(f"data: {m['payload']}")
        else:
            lines.append("data: ")
        lines.extend(["", ":thump"])
    src = tmp_path / "stream.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect(src) == "mastodon"
    ds = tmp_path / "ds"
    ingest([src], ds)
    _check(ds)
    [rej] = rejected(ds)
    assert rej["record"] == lines.index("data: {not json") + 1


def test_sse_line_that_is_no_field_is_refused_by_line(tmp_path: Path) -> None:
    status = json.dumps(_status(1, "hi"))
    src = tmp_path / "stream.txt"
    src.write_text(f":)\nevent: update\ndata: {status}\n\nstray text\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="mastodon")
    assert set(posts_by_id(ds)) == {"113000000000000001"}
    [rej] = rejected(ds)
    assert (rej["record"], rej["reason"]) == (5, "not a Server-Sent Events line")
