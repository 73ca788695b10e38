"""Bluesky getAuthorFeed / searchPosts output."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.helpers import FIX, accounts_by_id, posts_by_id, rejected
from vigie.ingest import ingest

DID_A = "did:plc:alice4wahl2021aaaaaaaaaa"
DID_B = "did:plc:bob2bsky2021bbbbbbbbbbbb"
P1 = f"at://{DID_A}/app.bsky.feed.post/3ktaaaaaaaa21"
P2 = f"at://{DID_B}/app.bsky.feed.post/3ktbbbbbbbb22"
P3 = f"at://{DID_B}/app.bsky.feed.post/3ktcccccccc23"
CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"


def test_author_feed(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([FIX / "bluesky_author_feed.json"], ds)
    assert report.sources[0].format == "bluesky"
    posts = posts_by_id(ds)
    repost_id = f"{P1}#repost:{DID_B}"
    assert set(posts) == {P1, P2, P3, repost_id}
    p1 = posts[P1]
    assert p1["account_id"] == DID_A and p1["lang"] == "de"
    assert p1["created_at"].isoformat() == "2024-06-01T08:00:00.123000+00:00"
    assert p1["urls"] == ["example.org/wahl"]
    assert p1["hashtags"] == ["europawahl"]
    assert p1["mentions"] == ["bob.bsky.social"]
    assert p1["media"] == [CID]  # the image blob's content id
    assert posts[P2]["reply_to"] == P1
    assert posts[P3]["quote_of"] == P1 and posts[P3]["text"] == "Genau so."
    rp = posts[repost_id]
    assert rp["repost_of"] == P1 and rp["account_id"] == DID_B and rp["text"] is None
    assert rp["created_at"].isoformat() == "2024-06-01T11:00:00+00:00"
    acc = accounts_by_id(ds)
    assert acc[DID_B]["handle"] == "bob.bsky.social" and acc[DID_B]["followers"] is None
    rej = rejected(ds)
    assert len(rej) == 1 and rej[0]["reason"] == "invalid post" and rej[0]["record"] == "1:5"
    assert "author" in rej[0]["detail"]


def test_search_posts_jsonl(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([FIX / "bluesky_search.jsonl"], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {P1, P3}
    assert posts[P3]["quote_of"] == P1


def test_a_missing_record_field_is_named(tmp_path: Path) -> None:
    """A postView whose record lacks ``createdAt`` (required by the lexicon): refused as a
    missing field named ``record.createdAt``, not as an unnamed invalid post."""

    def view(uri: str, record: dict) -> dict:
        return {
            "uri": uri,
            "cid": "bafyc",
            "author": {"did": DID_B, "handle": "bob.bsky.social"},
            "record": {"$type": "app.bsky.feed.post", **record},
            "indexedAt": "2024-06-01T09:00:00.000Z",
        }

    posts = [
        view(P2, {"text": "mit Datum", "createdAt": "2024-06-01T08:59:00.000Z"}),
        view(P3, {"text": "ohne Datum"}),
    ]
    src = tmp_path / "search.json"
    src.write_text(json.dumps({"posts": posts, "cursor": "1"}), encoding="utf-8")
    ingest([src], tmp_path / "ds")
    assert set(posts_by_id(tmp_path / "ds")) == {P2}
    (rej,) = rejected(tmp_path / "ds")
    assert (rej["reason"], rej["field"], rej["record"]) == (
        "missing post field",
        "record.createdAt",
        "1:2",
    )


def _snake(key: str) -> str:
    """A lexicon field name as the atproto Python SDK's ``model_dump()`` writes it."""
    if key in ("$type", "$link"):
        return {"$type": "py_type", "$link": "link"}[key]
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _sdk(value: object) -> object:
    if isinstance(value, list):
        return [_sdk(v) for v in value]
    if isinstance(value, dict):
        return {_snake(k): _sdk(v) for k, v in value.items()}
    return value


def test_4cat_bluesky_items_as_the_sdk_dumps_them(tmp_path: Path) -> None:
    """4CAT's Bluesky data source keeps each postView as the atproto SDK's ``model_dump()``
    (snake_case names, ``py_type``, blob ``link``s) with its own ``4CAT_metadata``: the
    same posts and accounts as the API's camelCase pages, refusals included."""
    pages = [
        json.loads(line)
        for line in (FIX / "bluesky_search.jsonl").read_text().splitlines()
        if line.strip()
    ]
    views = [v for page in pages for v in page["posts"]]
    dumped = tmp_path / "4cat-bluesky.ndjson"
    with open(dumped, "w", encoding="utf-8") as fh:
        for view in views:
            item = _sdk(view)
            assert isinstance(item, dict) and "indexed_at" in item
            item["4CAT_metadata"] = {"collected_at": 1714500000.0, "query": "wahl", "rank": 1}
            fh.write(json.dumps(item) + "\n")
    api, sdk = tmp_path / "api", tmp_path / "sdk"
    ingest([FIX / "bluesky_search.jsonl"], api)
    ingest([dumped], sdk)
    assert posts_by_id(sdk) == posts_by_id(api) and len(posts_by_id(api)) >= 2
    assert accounts_by_id(sdk) == accounts_by_id(api)
    assert [(r["reason"], r["field"]) for r in rejected(sdk)] == [
        (r["reason"], r["field"]) for r in rejected(api)
    ]
