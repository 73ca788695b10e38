"""Jetstream v2's wire (``/xrpc/network.bsky.jetstream.subscribeEvents``): message frames
``{"$type": "message", "payload": {"$type": "...#commit", "seq", "did", "time", ...}}``.

Values are ours; the structure is the ``network.bsky.jetstream.subscribeEvents`` lexicon.
The same events written on the v1 wire must give the same Dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ingest.helpers import accounts_by_id, manifest, posts_by_id
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect

V2 = "network.bsky.jetstream.subscribeEvents#"
DID = "did:plc:jetstreamvtwo000000000000"
TIME_US = 1760000000123456  # 2025-10-09T08:53:20.123456Z
TIME = "2025-10-09T08:53:20.123456Z"
POST = {
    "$type": "app.bsky.feed.post",
    "createdAt": "2025-10-09T08:53:19.000Z",
    "langs": ["es"],
    "text": "hola #prueba",
    "facets": [
        {
            "index": {"byteStart": 5, "byteEnd": 12},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "prueba"}],
        }
    ],
}
REPOST = {
    "$type": "app.bsky.feed.repost",
    "createdAt": "2025-10-09T08:53:20.000Z",
    "subject": {"uri": f"at://{DID}/app.bsky.feed.post/3m2post0000a", "cid": "bafyreisubject"},
}


def _v1_events() -> list[dict[str, Any]]:
    def commit(rkey: str, coll: str, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "did": DID,
            "time_us": TIME_US,
            "kind": "commit",
            "commit": {
                "rev": "3m2rev00000aa",
                "operation": "create",
                "collection": coll,
                "rkey": rkey,
                "record": record,
                "cid": "bafyreicid",
            },
        }

    return [
        commit("3m2post0000a", "app.bsky.feed.post", POST),
        commit("3m2repo000a", "app.bsky.feed.repost", REPOST),
        {
            "did": DID,
            "time_us": TIME_US,
            "kind": "identity",
            "identity": {"did": DID, "handle": "vtwo.example.social", "seq": 9, "time": TIME},
        },
    ]


def _as_v2(event: dict[str, Any], seq: int) -> dict[str, Any]:
    payload: dict[str, Any] = {"$type": V2 + event["kind"], "seq": seq, "did": DID, "time": TIME}
    if event["kind"] == "commit":
        payload.update(event["commit"])
    else:
        payload[event["kind"]] = event[event["kind"]]
    return {"$type": "message", "payload": payload}


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_v2_frames_read_as_the_v1_events(tmp_path: Path) -> None:
    """Every v2 frame was refused as "not a Jetstream event" (and auto detection did not
    know the file); now a v2 log gives exactly the v1 log's posts, accounts and cursor.
    Advisory and error frames are counted, not refused."""
    v1 = _write(tmp_path / "v1.jsonl", _v1_events())
    frames = [_as_v2(e, seq) for seq, e in enumerate(_v1_events(), start=1)]
    frames.insert(
        0, {"$type": "message", "payload": {"$type": V2 + "info", "name": "OutdatedCursor"}}
    )
    frames.append({"$type": "error", "error": "ConsumerTooSlow", "message": "bye"})
    v2 = _write(tmp_path / "v2.jsonl", frames)
    assert detect(v2) == "jetstream"
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([v1], a)
    report = ingest([v2], b)
    assert report.sources[0].format == "jetstream" and report.sources[0].rejected == 0
    assert pq.read_table(a / "posts.parquet").equals(pq.read_table(b / "posts.parquet"))
    assert accounts_by_id(b)[DID]["handle"] == "vtwo.example.social"
    post = posts_by_id(b)[f"at://{DID}/app.bsky.feed.post/3m2post0000a"]
    assert post["hashtags"] == ["prueba"] and post["lang"] == "es"
    m = manifest(b)
    assert m["cursors"]["jetstream"] == TIME_US == manifest(a)["cursors"]["jetstream"]
    assert m["skipped"]["jetstream: info frame (OutdatedCursor)"] == 1
    assert m["skipped"]["jetstream: error frame (ConsumerTooSlow)"] == 1


def test_v2_payloads_alone_are_read(tmp_path: Path) -> None:
    """A client that logs each frame's payload (not the frame) is read alike."""
    payloads = [_as_v2(e, seq)["payload"] for seq, e in enumerate(_v1_events(), start=1)]
    src = _write(tmp_path / "payloads.jsonl", payloads)
    assert detect(src) == "jetstream"
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].accepted == 2 and report.sources[0].rejected == 0
