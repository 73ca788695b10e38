"""Jetstream posts' URLs keyed per batch (``jetstream.flush_keyed``) give each post exactly what
``canonical_urls`` of its raw links gave post by post: the same keys, first-seen order, no
empty key, one key per post however many links share it; a lone surrogate in a link keeps the
old order of work (keyed, then repaired)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import manifest, posts_by_id
from vigie.ingest import ingest, jetstream
from vigie.ingest.urls import canonical_urls

DID = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
T0 = 1725911162329308


def _event(i: int, links: list[str], card: str | None = None) -> dict[str, Any]:
    """A post creation whose facets link ``links`` (and an external card to ``card``)."""
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": f"post {i}",
        "createdAt": "2024-09-09T19:46:02.102Z",
        "facets": [
            {
                "index": {"byteStart": 0, "byteEnd": 4},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": u}],
            }
            for u in links
        ],
    }
    if card is not None:
        record["embed"] = {
            "$type": "app.bsky.embed.external",
            "external": {"uri": card, "title": "t", "description": "d"},
        }
    return {
        "did": DID,
        "time_us": T0 + i,
        "kind": "commit",
        "commit": {
            "rev": "r",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"k{i:04d}",
            "record": record,
            "cid": "c",
        },
    }


LINKS = [
    # plain, with a tracking parameter and www.: keyed by the Arrow kernels
    (["https://www.bundeswahlleiter.de/a?utm_source=x", "https://bundeswahlleiter.de/a"], None),
    # not plain (port, fragment, upper-case host, escape): keyed by canonical_url
    (["http://Example.org:80/b/#top", "https://example.org/c%20d"], "https://example.org/c%20d"),
    # blank and whitespace links, an identifier that is not a URL
    ([" ", "https://example.org/e ", "url_12"], None),
    ([], "https://www.example.org/f?b=2&a=1&utm_medium=y"),
    ([], None),
]


def _post_id(i: int) -> str:
    return f"at://{DID}/app.bsky.feed.post/k{i:04d}"


@pytest.mark.parametrize("batch_rows", [jetstream.BATCH_ROWS, 2])
def test_batch_keys_are_the_per_post_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    monkeypatch.setattr(jetstream, "BATCH_ROWS", batch_rows)
    src = tmp_path / "jet.jsonl"
    src.write_text("".join(json.dumps(_event(i, ln, c)) + "\n" for i, (ln, c) in enumerate(LINKS)))
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="jetstream")
    posts = posts_by_id(ds)
    for i, (links, card) in enumerate(LINKS):
        assert posts[_post_id(i)]["urls"] == canonical_urls(links + ([card] if card else []))
    # the known keys, written out
    assert posts[_post_id(0)]["urls"] == ["bundeswahlleiter.de/a"]
    assert posts[_post_id(2)]["urls"] == ["example.org/e", "url_12"]
    assert posts[_post_id(3)]["urls"] == ["example.org/f?a=1&b=2"]
    assert posts[_post_id(4)]["urls"] == []


def test_lone_surrogate_link_keyed_then_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch holding the broken link is keyed post by post, the others per batch."""
    monkeypatch.setattr(jetstream, "BATCH_ROWS", 2)
    broken = "https://example.org/g\ud800h"
    events = [_event(i, ln, c) for i, (ln, c) in enumerate(LINKS)]
    events.append(_event(len(LINKS), [broken, "https://www.example.org/g"]))
    src = tmp_path / "jet.jsonl"
    src.write_text("".join(json.dumps(e) + "\n" for e in events))  # json escapes \ud800
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="jetstream")
    posts = posts_by_id(ds)
    want = [u.replace("\ud800", "\ufffd") for u in canonical_urls([broken])]
    assert posts[_post_id(len(LINKS))]["urls"] == [*want, "example.org/g"]
    assert posts[_post_id(0)]["urls"] == ["bundeswahlleiter.de/a"]
    skipped = manifest(ds)["sources"][0]["skipped"]
    assert any(k.startswith("text with invalid Unicode") for k in skipped)
