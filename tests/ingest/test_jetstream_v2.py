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


def _as_tap(event: dict[str, Any], seq: int) -> dict[str, Any]:
    """A v1 event as Bluesky's Tap writes it (indigo ``cmd/tap``: ``RecordEvt`` and
    ``IdentityEvt`` under ``{"id", "type"}``)."""
    if event["kind"] == "identity":
        ident = event["identity"]
        body = {"did": DID, "handle": ident["handle"], "is_active": True, "status": "active"}
        return {"id": seq, "type": "identity", "identity": body}
    c = event["commit"]
    record = {
        "live": False,
        "did": DID,
        "rev": c["rev"],
        "collection": c["collection"],
        "rkey": c["rkey"],
        "action": c["operation"],
        "record": c["record"],
        "cid": c["cid"],
    }
    return {"id": seq, "type": "record", "record": record}


def test_tap_events_read_as_the_v1_events(tmp_path: Path) -> None:
    """Tap (Bluesky's sync tool for backfills) writes Jetstream's commits under other names;
    its files were refused with a hint to map ``post_id=id`` (Tap's event sequence). Now a Tap
    log gives the v1 log's posts and accounts; it moves no cursor (Tap's ids are no times),
    and a like or a delete is skipped and counted as on Jetstream."""
    v1 = _write(tmp_path / "v1.jsonl", _v1_events())
    events = [_as_tap(e, seq) for seq, e in enumerate(_v1_events(), start=1)]
    like = {"collection": "app.bsky.feed.like", "rkey": "3m2like", "action": "create"}
    events.append({"id": 9, "type": "record", "record": {"did": DID, "rev": "r", **like}})
    gone = {"collection": "app.bsky.feed.post", "rkey": "3m2gone", "action": "delete"}
    events.append({"id": 10, "type": "record", "record": {"did": DID, "rev": "r", **gone}})
    tap = tmp_path / "tap.json"
    tap.write_text(json.dumps(events, indent=2), encoding="utf-8")  # a saved JSON array
    assert detect(tap) == "jetstream"
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([v1], a)
    report = ingest([tap], b)
    assert report.sources[0].rejected == 0 and report.sources[0].accepted == 2
    assert pq.read_table(a / "posts.parquet").equals(pq.read_table(b / "posts.parquet"))
    assert accounts_by_id(b)[DID]["handle"] == "vtwo.example.social"
    m = manifest(b)
    assert "jetstream" not in (m.get("cursors") or {})
    assert m["skipped"]["jetstream: create app.bsky.feed.like (not a new post or repost)"] == 1
    assert m["skipped"]["jetstream: delete app.bsky.feed.post (not a new post or repost)"] == 1


def test_tap_repost_without_created_at_is_refused(tmp_path: Path) -> None:
    """A Tap event carries no time of its own: a repost record without ``createdAt`` has no
    time to fall back on and is refused by that field, never dated 1970."""
    bare = {k: v for k, v in REPOST.items() if k != "createdAt"}
    rec = {"did": DID, "rev": "r", "collection": "app.bsky.feed.repost", "rkey": "3m2r",
           "action": "create", "record": bare}  # fmt: skip
    post = {**rec, "collection": "app.bsky.feed.post", "rkey": "3m2p", "record": POST}
    events = [{"id": i, "type": "record", "record": r} for i, r in enumerate((rec, post), 1)]
    src = _write(tmp_path / "tap.jsonl", events)
    report = ingest([src], tmp_path / "ds", fmt="jetstream")
    assert report.sources[0].rejected == 1 and report.sources[0].accepted == 1
    assert report.rejected_reasons == {"missing post field": 1}
