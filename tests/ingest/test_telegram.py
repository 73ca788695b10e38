"""Telegram Desktop export (result.json)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ingest.helpers import FIX, manifest, posts_by_id, rejected
from vigie.errors import InputError
from vigie.ingest import ingest
from vigie.ingest.model import VALUE_NOTES
from vigie.ingest.telegram import FORWARD


def test_channel_export(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([FIX / "telegram" / "result.json"], ds)
    assert report.sources[0].format == "telegram"
    posts = posts_by_id(ds)
    assert set(posts) == {"1234567890:2", "1234567890:3", "1234567890:4"}
    p = posts["1234567890:2"]
    assert p["account_id"] == "channel1234567890" and p["platform"] == "telegram"
    assert p["created_at"].isoformat() == "2021-09-20T10:15:30+00:00"  # from date_unixtime
    assert p["urls"] == ["example.org/umfrage", "quelle.example.com/a"]  # link + text_link
    assert p["hashtags"] == ["bundestagswahl"]
    assert p["mentions"] == ["wahlbeobachter"]
    photo = FIX / "telegram" / "photos" / "photo_1@20-09-2021_10-15-30.jpg"
    assert p["media"] == ["sha256:" + hashlib.sha256(photo.read_bytes()).hexdigest()]
    assert p["text"].startswith("Neue Umfrage #Bundestagswahl hier: https://www.example.org")
    assert posts["1234567890:3"]["reply_to"] == "1234567890:2"
    assert posts["1234567890:4"]["repost_of"] is None  # exports hold no original id
    m = manifest(ds)
    assert m["skipped"]["telegram: service message (not a post)"] == 1
    assert m["skipped"][FORWARD] == 1  # a note on a kept post (VALUE_NOTES), not a skip
    for src in m["sources"]:  # every message read has one fate: kept, refused or skipped
        left = sum(n for k, n in src["skipped"].items() if not k.startswith(VALUE_NOTES))
        assert src["accepted"] + src["rejected"] + left == src["records"], src
    rej = rejected(ds)
    assert len(rej) == 1 and rej[0]["reason"] == "invalid date"
    assert rej[0]["record"] == "chat 1234567890 message 5" and "gestern" in rej[0]["detail"]


def test_text_without_entities_is_parsed(tmp_path: Path) -> None:
    src = tmp_path / "result.json"
    src.write_text(
        json.dumps(
            {
                "name": "C",
                "type": "public_channel",
                "id": 7,
                "messages": [
                    {
                        "id": 1,
                        "type": "message",
                        "date": "2021-09-20T10:15:30",
                        "from": "C",
                        "from_id": "channel7",
                        "text": "Seht #Wahl https://www.example.org/x @someone",
                    }
                ],
            }
        )
    )
    ingest([src], tmp_path / "ds")
    p = posts_by_id(tmp_path / "ds")["7:1"]
    assert (p["urls"], p["hashtags"], p["mentions"]) == (["example.org/x"], ["wahl"], ["someone"])


def test_not_a_telegram_export(tmp_path: Path) -> None:
    src = tmp_path / "result.json"
    src.write_text(json.dumps({"name": "x", "list": []}))
    with pytest.raises(InputError, match="messages") as exc:
        ingest([src], tmp_path / "ds", fmt="telegram")
    assert str(src) in str(exc.value)
    assert not (tmp_path / "ds").exists()
