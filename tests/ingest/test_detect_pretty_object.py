"""One API object saved alone with ``indent``: its format is told as a one-line one's is.

Values are ours; the structure is the Mastodon Status entity (docs.joinmastodon.org)."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.helpers import posts_by_id
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect

STATUS = {
    "id": "113000000000000001",
    "created_at": "2024-08-20T07:30:00.000Z",
    "in_reply_to_id": None,
    "in_reply_to_account_id": None,
    "sensitive": False,
    "spoiler_text": "",
    "visibility": "public",
    "language": "nl",
    "uri": "https://social.example/users/piet/statuses/113000000000000001",
    "url": "https://social.example/@piet/113000000000000001",
    "replies_count": 0,
    "reblogs_count": 0,
    "favourites_count": 0,
    "content": '<p>Zie <a href="https://nieuws.example/stuk">nieuws.example/stuk</a></p>',
    "reblog": None,
    "application": {"name": "Web", "website": None},
    "account": {
        "id": "7001",
        "username": "piet",
        "acct": "piet",
        "display_name": "Piet",
        "created_at": "2022-11-01T00:00:00.000Z",
        "note": "",
        "followers_count": 3,
        "following_count": 4,
        "statuses_count": 5,
    },
    "media_attachments": [],
    "mentions": [],
    "tags": [],
    "emojis": [],
    "card": None,
    "poll": None,
}


def test_a_pretty_printed_status_is_told_and_read(tmp_path: Path) -> None:
    """``GET /api/v1/statuses/:id`` saved with ``indent=2`` was "cannot tell the format"
    (the status is told from its first line only when the document is on one line)."""
    src = tmp_path / "status.json"
    src.write_text(json.dumps(STATUS, indent=2), encoding="utf-8")
    assert detect(src) == "mastodon"
    ds = tmp_path / "ds"
    ingest([src], ds)
    post = posts_by_id(ds)["113000000000000001"]
    assert post["account_id"] == "7001" and post["urls"] == ["nieuws.example/stuk"]
