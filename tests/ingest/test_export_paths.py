"""A Telegram export names its media by paths; vigie hashes only files inside the export.

Why it matters: the paths come from the file being read. A crafted ``result.json`` or
``messages.html`` naming ``../secret.txt``, an absolute path, or a link that leads out of the
folder made vigie read any file the analyst can read and write its hash into a Dataset that
may be shared with allies.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ingest.helpers import posts_by_id
from vigie.ingest import ingest, telegram
from vigie.ingest.telegram import ExportFiles

SECRET = b"the analyst's private key"


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """``tmp/outside/secret.txt`` beside ``tmp/export/`` holding ``photos/ok.jpg`` and a link
    ``photos/escape.jpg`` to the secret."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_bytes(SECRET)
    folder = tmp_path / "export"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "ok.jpg").write_bytes(b"a photo")
    (folder / "photos" / "escape.jpg").symlink_to(tmp_path / "outside" / "secret.txt")
    return folder


HOSTILE = [
    "../outside/secret.txt",
    "photos/../../outside/secret.txt",
    "photos/escape.jpg",
    "/etc/hostname",
    "photos/nul\x00.jpg",
    "photos/" + "x" * 5000,
]


@pytest.mark.parametrize("rel", HOSTILE)
def test_no_file_outside_the_export_is_read(export: Path, rel: str) -> None:
    files = ExportFiles(export)
    assert files.hash(rel) is None
    assert files.hash(rel) is None  # remembered as refused, not read the second time


def test_a_file_inside_is_hashed(export: Path) -> None:
    files = ExportFiles(export)
    assert files.hash("photos/ok.jpg") == _sha(b"a photo")
    assert files.hash("photos/../photos/ok.jpg") == _sha(b"a photo")


def test_a_file_named_again_is_read_once(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sticker named by a thousand messages is hashed once; the memory is bounded."""
    reads: list[str] = []
    real = telegram._hash_inside

    def counted(root: Path, rel: str) -> str | None:
        reads.append(rel)
        return real(root, rel)

    monkeypatch.setattr(telegram, "_hash_inside", counted)
    files = ExportFiles(export, remember=3)
    assert {files.hash("photos/ok.jpg") for _ in range(1000)} == {_sha(b"a photo")}
    assert reads == ["photos/ok.jpg"]
    for i in range(10):  # ten other names: the memory is emptied when it holds three
        assert files.hash(f"photos/missing{i}.jpg") is None
        assert len(files._known) <= 3
    assert files.hash("photos/ok.jpg") == _sha(b"a photo")
    assert reads.count("photos/ok.jpg") == 2  # forgotten, then read again: same hash
    assert files.hash("(File not included. Change data exporting settings to download.)") is None


def test_json_export(export: Path, tmp_path: Path) -> None:
    messages = [
        {
            "id": i,
            "type": "message",
            "date": "2024-05-01T10:00:00",
            "date_unixtime": str(1714557600 + i),
            "from": "Kanal",
            "from_id": "channel1500000099",
            "photo": rel,
            "text": f"message {i}",
            "text_entities": [],
        }
        for i, rel in enumerate(["photos/ok.jpg", *HOSTILE[:4]], start=1)
    ]
    doc = {"name": "Kanal", "type": "public_channel", "id": 1500000099, "messages": messages}
    (export / "result.json").write_text(json.dumps(doc), encoding="utf-8")
    ingest([export / "result.json"], tmp_path / "ds")
    media = {pid: p["media"] for pid, p in posts_by_id(tmp_path / "ds").items()}
    assert len(media) == 5
    assert sorted(m for ms in media.values() for m in ms) == [_sha(b"a photo")]
    assert _sha(SECRET) not in json.dumps(media)


def test_html_export(export: Path, tmp_path: Path) -> None:
    rows = "".join(
        f"""<div class="message default clearfix" id="message{i}">
 <div class="body">
  <div class="pull_right date details" title="01.05.2024 10:00:0{i} UTC+00:00">10:00</div>
  <div class="from_name">Kanal</div>
  <div class="media_wrap clearfix"><a class="photo_wrap clearfix pull_left" href="{rel}">
   <img class="photo" src="{rel}" style="width: 260px; height: 195px"/></a></div>
  <div class="text">message {i}</div>
 </div>
</div>
"""
        for i, rel in enumerate(["photos/ok.jpg", *HOSTILE[:4]], start=1)
    )
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"/><title>Exported Data</title></head><body>
<div class="page_wrap"><div class="page_header"><div class="content">
<div class="text bold">Kanal</div></div></div>
<div class="page_body chat_page"><div class="history">
{rows}</div></div></div></body></html>
"""
    (export / "messages.html").write_text(page, encoding="utf-8")
    ingest([export / "messages.html"], tmp_path / "ds", fmt="telegram-html")
    posts = posts_by_id(tmp_path / "ds")
    assert len(posts) == 5
    media = [m for p in posts.values() for m in p["media"]]
    assert media == [_sha(b"a photo")]
