"""X API v2 tweets with a photo: the ``pic.twitter.com`` link among ``entities.urls``.

Values are ours; the structure is the one twarc2 writes (an entity URL with ``media_key``
and ``display_url: pic.twitter.com/...``, or only the ``display_url`` in older answers),
and the v1.1 tweet of the same post (the link under ``entities.media``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest.helpers import posts_by_id
from vigie.ingest import ingest

SHARED = "https://news.example.com/story/1"


def _v2(i: int, with_key: bool) -> dict[str, Any]:
    tco_link, tco_pic = f"https://t.co/lnk{i}", f"https://t.co/pic{i}"
    pic: dict[str, Any] = {
        "start": 27,
        "end": 50,
        "url": tco_pic,
        "expanded_url": f"https://twitter.com/user{i}/status/{900 + i}/photo/1",
        "display_url": f"pic.twitter.com/pic{i}",
    }
    if with_key:
        pic["media_key"] = f"3_{800 + i}"
    return {
        "id": str(900 + i),
        "author_id": str(70 + i),
        "created_at": "2022-09-26T10:00:00.000Z",
        "text": f"same words {tco_link} {tco_pic}",
        "lang": "en",
        "entities": {
            "urls": [
                {
                    "start": 11,
                    "end": 34,
                    "url": tco_link,
                    "expanded_url": SHARED,
                    "display_url": "news.example.com/story/1",
                },
                pic,
            ]
        },
        "author": {"id": str(70 + i), "username": f"user{i}", "name": f"User {i}"},
    }


def _v1(i: int) -> dict[str, Any]:
    tco_link, tco_pic = f"https://t.co/lnk{i}", f"https://t.co/pic{i}"
    return {
        "id_str": str(900 + i),
        "created_at": "Mon Sep 26 10:00:00 +0000 2022",
        "full_text": f"same words {tco_link} {tco_pic}",
        "lang": "en",
        "user": {"id_str": str(70 + i), "screen_name": f"user{i}", "name": f"User {i}"},
        "entities": {
            "urls": [{"url": tco_link, "expanded_url": SHARED}],
            "hashtags": [],
            "user_mentions": [],
            "media": [{"url": tco_pic, "media_url_https": f"https://pbs.twimg.com/media/M{i}.jpg"}],
        },
    }


@pytest.mark.parametrize("fast", ["1", "0"])
def test_photo_links_are_not_shared_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """Each tweet's own ``/status/<id>/photo/1`` link was kept as a URL (and as its text's
    last words), on the SQL path and the Python one: a URL no other tweet shares, absent
    from the same tweets read from v1.1. Only the shared link stays."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    flat = tmp_path / "flat.jsonl"
    flat.write_text("".join(json.dumps(_v2(i, i % 2 == 0)) + "\n" for i in range(6)))
    ds = tmp_path / "ds"
    ingest([flat], ds)
    posts = posts_by_id(ds)
    assert len(posts) == 6
    for i in range(6):
        p = posts[str(900 + i)]
        assert p["urls"] == ["news.example.com/story/1"]
        assert p["text"] == f"same words {SHARED}"


def test_v1_and_v2_of_the_same_photo_tweets_agree(tmp_path: Path) -> None:
    """A page (Python path) and the v1.1 tweets of the same posts: same text and URLs."""
    page = {"data": [_v2(i, i % 2 == 0) for i in range(4)], "includes": {}, "meta": {}}
    v2 = tmp_path / "page.jsonl"
    v2.write_text(json.dumps(page) + "\n")
    v1 = tmp_path / "v1.jsonl"
    v1.write_text("".join(json.dumps(_v1(i)) + "\n" for i in range(4)))
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([v2], a)
    ingest([v1], b, fmt="x-v1")
    cols = ["post_id", "account_id", "text", "urls"]
    ta = pq.read_table(a / "posts.parquet", columns=cols).sort_by("post_id")
    tb = pq.read_table(b / "posts.parquet", columns=cols).sort_by("post_id")
    assert ta.to_pylist() == tb.to_pylist()


def test_a_truncated_v1_tweet_does_not_link_to_itself(tmp_path: Path) -> None:
    """v1.1 gives a long tweet as 140 characters ending with a link to the whole tweet,
    ``twitter.com/i/web/status/<its id>`` (tweepy's recorded search answers hold seven):
    that is no link its author shared, and was kept among its URLs; a link to another
    tweet stays, keyed by that tweet's id."""
    tweet = {
        "id_str": "1144275842127859712",
        "created_at": "Thu Jun 27 16:00:00 +0000 2019",
        "text": "a long thought about https://t.co/a and https://t.co/o … https://t.co/self",
        "truncated": True,
        "entities": {
            "urls": [
                {"url": "https://t.co/a", "expanded_url": SHARED},
                {"url": "https://t.co/o", "expanded_url": "https://twitter.com/bob/status/42"},
                {
                    "url": "https://t.co/self",
                    "expanded_url": "https://twitter.com/i/web/status/1144275842127859712",
                },
            ]
        },
        "user": {"id_str": "70", "screen_name": "user0"},
    }
    src = tmp_path / "v1.jsonl"
    src.write_text(json.dumps(tweet) + "\n")
    ingest([src], tmp_path / "ds", fmt="x-v1")
    post = posts_by_id(tmp_path / "ds")["1144275842127859712"]
    assert sorted(post["urls"]) == ["news.example.com/story/1", "x.com/i/status/42"]
