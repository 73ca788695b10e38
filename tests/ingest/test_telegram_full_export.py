"""Telegram Desktop exports in the shapes Desktop's JSON writer really produces: a full
account export with its ``left_chats`` list, and replies into another chat
(``reply_to_peer_id``). Values are ours; the structure is Desktop's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.helpers import manifest, posts_by_id
from vigie.ingest import ingest


def _msg(mid: int, sender: str, text: str, **more: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "type": "message",
        "date": "2024-05-02T09:00:00",
        "date_unixtime": "1714640400",
        "from": "Someone",
        "from_id": sender,
        "text": text,
        "text_entities": [{"type": "plain", "text": text}],
        **more,
    }


def _chat(cid: int, kind: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": f"chat {cid}", "type": kind, "id": cid, "messages": messages}


def test_left_chats_of_a_full_export_are_read(tmp_path: Path) -> None:
    """Desktop writes the channels the account has left under ``left_chats`` (beside
    ``chats``, same shape); their messages were silently not read at all."""
    export = {
        "about": "export",
        "personal_information": {"user_id": 9100000001, "first_name": "Me"},
        "contacts": {"about": "c", "list": []},
        "chats": {
            "about": "chats",
            "list": [_chat(8100000001, "public_channel", [_msg(1, "channel8100000001", "kept")])],
        },
        "left_chats": {
            "about": "left",
            "list": [
                _chat(8100000002, "public_channel", [_msg(7, "channel8100000002", "was lost")])
            ],
        },
    }
    src = tmp_path / "result.json"
    src.write_text(json.dumps(export, indent=1), encoding="utf-8")
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].records == 2
    posts = posts_by_id(ds)
    assert set(posts) == {"8100000001:1", "8100000002:7"}
    assert posts["8100000002:7"]["account_id"] == "channel8100000002"
    assert manifest(ds)["counts"]["posts"] == 2


def test_a_reply_into_another_chat_names_that_chat(tmp_path: Path) -> None:
    """A discussion group's comment answering its channel's post carries
    ``reply_to_peer_id: "channel<id>"``: the reply is to that channel's message, not to the
    group's message of the same number."""
    group = _chat(
        8200000001,
        "public_supergroup",
        [
            _msg(
                3,
                "user9200000001",
                "answer",
                reply_to_message_id=41,
                reply_to_peer_id="channel8200000002",
            ),
            _msg(4, "user9200000002", "same chat", reply_to_message_id=3),
        ],
    )
    src = tmp_path / "result.json"
    src.write_text(json.dumps(group, indent=1), encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert posts["8200000001:3"]["reply_to"] == "8200000002:41"
    assert posts["8200000001:4"]["reply_to"] == "8200000001:3"
