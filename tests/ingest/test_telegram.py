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


def test_an_old_export_merges_with_a_new_one(tmp_path: Path) -> None:
    """Desktop exports before 2021 wrote ``from_id`` as a bare number and no
    ``date_unixtime`` (as a public channel's 2021 export does): the channel's posts were
    account ``10083966286`` beside the chat-level ``channel10083966286`` (two accounts), and
    the local clock was read as UTC without a word. Now the number takes the prefix current
    exports write (the chat's own id: ``channel``; another: ``user``), and the times are
    counted as estimated; a new export of the same channel merges into the same account."""

    def export(messages: list[dict]) -> dict:
        return {"name": "K", "type": "public_channel", "id": 10083966286, "messages": messages}

    old = tmp_path / "old.json"
    old.write_text(json.dumps(export([
        {"id": 1, "type": "message", "date": "2021-01-31T21:02:29", "from": "K",
         "from_id": 10083966286, "text": "a"},
        {"id": 2, "type": "message", "date": "2021-01-31T21:16:33", "from": "Ann",
         "from_id": 555, "text": "b"},
    ])))  # fmt: skip
    new = tmp_path / "new.json"
    new.write_text(json.dumps(export([
        {"id": 3, "type": "message", "date": "2021-02-02T07:32:01", "date_unixtime": "1612247521",
         "from": "K", "from_id": "channel10083966286", "text": "c"},
    ])))  # fmt: skip
    ds = tmp_path / "ds"
    ingest([old, new], ds)
    posts = posts_by_id(ds)
    assert posts["10083966286:1"]["account_id"] == "channel10083966286"
    assert posts["10083966286:2"]["account_id"] == "user555"
    assert posts["10083966286:3"]["account_id"] == "channel10083966286"
    import pyarrow.parquet as pq

    accounts = sorted(pq.read_table(ds / "accounts.parquet").column("account_id").to_pylist())
    assert accounts == ["channel10083966286", "user555"]
    skipped = manifest(ds)["sources"][0]["skipped"]
    assert skipped == {VALUE_NOTES[2] + "Telegram JSON times without date_unixtime "
                       "(the exporting computer's clock, read as UTC)": 2}  # fmt: skip
    assert manifest(ds)["sources"][1]["skipped"] == {}


def test_not_a_telegram_export(tmp_path: Path) -> None:
    src = tmp_path / "result.json"
    src.write_text(json.dumps({"name": "x", "list": []}))
    with pytest.raises(InputError, match="messages") as exc:
        ingest([src], tmp_path / "ds", fmt="telegram")
    assert str(src) in str(exc.value)
    assert not (tmp_path / "ds").exists()
