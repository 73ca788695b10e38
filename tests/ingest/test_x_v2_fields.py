"""X API v2 tweet fields beyond text and entities, as the API writes them (values ours).

``errors`` entries for tweets the API could not return (deleted, protected), pages with only
``errors`` or only ``meta``, an edited post's versions (``edit_history_tweet_ids``), a video
whose media object has no ``variants``, and the fields vigie does not map (``withheld``,
``possibly_sensitive``, ``reply_settings``, ``conversation_id``, ``in_reply_to_user_id``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest.helpers import posts_by_id
from vigie.ingest import ingest

PROBLEM = "https://api.twitter.com/2/problems/"


def _tweet(tid: str, **more: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "author_id": "7",
        "created_at": "2024-04-02T08:00:00.000Z",
        "text": f"post {tid} #Tag",
        "entities": {"hashtags": [{"start": 8, "end": 12, "tag": "Tag"}]},
        **more,
    }


def _error(tid: str, kind: str) -> dict[str, Any]:
    return {
        "resource_id": tid,
        "resource_type": "tweet",
        "parameter": "ids",
        "value": tid,
        "title": "An error",
        "detail": f"Could not read tweet {tid}.",
        "type": PROBLEM + kind,
    }


@pytest.mark.parametrize("fast", ["1", "0"])
def test_unavailable_tweets_are_counted_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """A page with only ``errors`` (``twarc2 hydrate`` of deleted posts) was refused as "not
    an X v2 page or tweet", and the ``errors`` beside ``data`` (a retweeted tweet missing from
    ``includes``) were not counted. Now each is a skipped tweet, by kind; a ``meta``-only page
    stays an empty page; the retweet keeps its ``repost_of``; a field withheld is said so."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    rt = _tweet("1", referenced_tweets=[{"type": "retweeted", "id": "99"}])
    # a field withheld from an object that came back (a video's private play counts asked
    # with a public token: real twarc2 pages carry them) is no object missing
    field = {
        **_error("7_14", "not-authorized-for-field"),
        "resource_type": "media",
        "field": "non_public_metrics.playback_0_count",
    }
    lines = [
        {"data": [rt], "includes": {}, "errors": [_error("99", "resource-not-found"), field]},
        {"errors": [_error("98", "not-authorized-for-resource")], "__twarc": {"version": "2"}},
        {"errors": [{"title": "odd", "type": "about:blank"}]},
        {"meta": {"result_count": 0}, "__twarc": {"version": "2"}},
        _tweet("2"),
    ]
    src = tmp_path / "x.jsonl"
    src.write_text("".join(json.dumps(v) + "\n" for v in lines))
    report = ingest([src], tmp_path / "ds", fmt="x")
    assert report.rejected == 0
    assert report.sources[0].skipped == {
        "x: tweet not returned by the API (resource-not-found)": 1,
        "x: tweet not returned by the API (not-authorized-for-resource)": 1,
        "x: object not returned by the API (other)": 1,
        "x: a field of a media withheld by the API (not-authorized-for-field)": 1,
        "x: empty response page": 1,
    }
    posts = posts_by_id(tmp_path / "ds")
    assert sorted(posts) == ["1", "2"] and posts["1"]["repost_of"] == "99"


def test_unmapped_fields_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tweet with every other documented field reads as the bare one, on both paths (it
    stays on the SQL path: the fields are not read there either)."""
    extra = {
        "edit_history_tweet_ids": ["3"],
        "edit_controls": {"edits_remaining": 5, "is_edit_eligible": True, "editable_until": "x"},
        "withheld": {"copyright": False, "country_codes": ["DE", "FR"], "scope": "tweet"},
        "possibly_sensitive": True,
        "reply_settings": "following",
        "conversation_id": "1",
        "in_reply_to_user_id": "8",
        "referenced_tweets": [{"type": "replied_to", "id": "1"}],
        "author": {"id": "7", "username": "seven", "name": "Seven"},
    }
    tables = []
    for fast in ("1", "0"):
        monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
        for name, t in (
            ("bare", _tweet("3", author=extra["author"])),
            ("full", _tweet("3", **extra)),
        ):
            src = tmp_path / f"{name}.jsonl"
            src.write_text(json.dumps(t) + "\n")
            ingest([src], tmp_path / f"ds-{name}-{fast}", fmt="x")
            row = pq.read_table(tmp_path / f"ds-{name}-{fast}" / "posts.parquet").to_pylist()[0]
            tables.append(row if name == "bare" else {**row, "reply_to": None})
    assert tables[0] == tables[1] == tables[2] == tables[3]
    assert tables[0]["hashtags"] == ["tag"]


@pytest.mark.parametrize("fast", ["1", "0"])
def test_an_edited_post_keeps_each_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """Each version of an edited post is a tweet of its own id (``edit_history_tweet_ids``
    lists them, oldest first): each stays a post, by the same account."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    first = _tweet("20", edit_history_tweet_ids=["20"])
    second = {**_tweet("21", edit_history_tweet_ids=["20", "21"]), "text": "post 20 #Tag, fixed"}
    src = tmp_path / "x.jsonl"
    src.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
    ingest([src], tmp_path / "ds", fmt="x")
    posts = posts_by_id(tmp_path / "ds")
    assert sorted(posts) == ["20", "21"]
    assert posts["21"]["text"] == "post 20 #Tag, fixed"


def test_a_video_without_variants_has_its_preview(tmp_path: Path) -> None:
    """Asked without ``variants`` (``media.fields``), a video has only ``preview_image_url``:
    its media was nothing; now its media id (``x_media``: from its ``media_key``, as with
    variants). A video whose key and URLs hold no id (shapes X never wrote) keeps its preview,
    as the v1.1 reader's ``media_url_https`` of a video without ``video_info``, or its
    best-bitrate variant: never dropped."""
    media = [
        {"media_key": "7_1", "type": "video", "preview_image_url": "https://pbs.twimg.com/v/1.jpg"},
        {"media_key": "7_b", "type": "video", "preview_image_url": "https://pbs.twimg.com/v/b.jpg"},
        {
            "media_key": "7_c",
            "type": "video",
            "preview_image_url": "https://pbs.twimg.com/v/2.jpg",
            "variants": [
                {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/2.m3u8"},
                {
                    "bit_rate": 832000,
                    "content_type": "video/mp4",
                    "url": "https://video.twimg.com/2s.mp4",
                },
                {
                    "bit_rate": 2176000,
                    "content_type": "video/mp4",
                    "url": "https://video.twimg.com/2b.mp4",
                },
            ],
        },
        {"media_key": "3_3", "type": "photo", "url": "https://pbs.twimg.com/media/3.jpg"},
    ]
    data = [
        _tweet("30", attachments={"media_keys": ["7_1", "3_3"]}),
        _tweet("31", attachments={"media_keys": ["7_c", "7_b"]}),
    ]
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"data": data, "includes": {"media": media}}) + "\n")
    ingest([src], tmp_path / "ds", fmt="x")
    posts = posts_by_id(tmp_path / "ds")
    assert posts["30"]["media"] == ["x-media:1", "pbs.twimg.com/media/3.jpg"]
    assert posts["31"]["media"] == ["video.twimg.com/2b.mp4", "pbs.twimg.com/v/b.jpg"]


@pytest.mark.parametrize("fast", ["1", "0"])
def test_academictwitter_data_file_one_array_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """academictwitteR saves each query's ``data`` with ``jsonlite::write_json``: one JSON
    array of API v2 tweets on one line (its own ``data_*.json`` test files), empty lists
    written as ``{}``. It was refused whole ("not an X v2 page or tweet": nothing written);
    each element is now a tweet, refusals named ``line:element``, on both paths."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    full = {  # academictwitteR asks for every field
        "conversation_id": "1",
        "lang": "en",
        "source": "Twitter Web App",
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0},
    }
    rt = _tweet("2", referenced_tweets=[{"type": "retweeted", "id": "1"}], **full)
    odd = _tweet("3", **full)
    odd["entities"] = {
        "annotations": {},
        "urls": {},
        "hashtags": [{"start": 7, "end": 11, "tag": "Tag"}],
    }
    broken = {"id": "4", "author_id": "7", "text": "no time"}
    src = tmp_path / "data_1399765322509557763.json"
    src.write_text(json.dumps([_tweet("1", **full), rt, odd, broken], separators=(",", ":")))
    report = ingest([src], tmp_path / "ds")
    assert report.sources[0].format == "x"
    posts = posts_by_id(tmp_path / "ds")
    assert sorted(posts) == ["1", "2", "3"] and posts["2"]["repost_of"] == "1"
    assert posts["3"]["hashtags"] == ["tag"]
    assert report.rejected == 1
    [rej] = [json.loads(x) for x in (tmp_path / "ds" / "rejected.jsonl").read_text().splitlines()]
    # line 1's element 4 (the Python path streams a file that is one array: element 4)
    assert rej["record"] == ("1:4" if fast == "1" else 4)


def test_academictwitter_data_files_concatenated(tmp_path: Path) -> None:
    """``cat data_*.json > all.json``: one array a line, each read element by element."""
    lines = [[_tweet("1"), _tweet("2")], [_tweet("3")]]
    src = tmp_path / "all.json"
    src.write_text("".join(json.dumps(x, separators=(",", ":")) + "\n" for x in lines))
    report = ingest([src], tmp_path / "ds", fmt="x")
    assert sorted(posts_by_id(tmp_path / "ds")) == ["1", "2", "3"] and report.rejected == 0


@pytest.mark.parametrize("fast", ["1", "0"])
def test_academictwitter_users_file_keeps_its_tweets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """academictwitteR's ``users_*.json`` is the query's ``includes`` saved alone (``users``,
    ``tweets``, ``places``): read as a document wrapping a list, its users were kept and its
    tweets (the originals the collected ones retweet or quote) dropped unsaid. Now every
    user is an account and every tweet a post with its author's profile."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    users = [
        {"id": str(u), "username": f"user{u}", "name": f"User {u}", "created_at":
         "2015-01-01T00:00:00.000Z", "public_metrics": {"followers_count": u}}
        for u in (7, 8, 9)
    ]  # fmt: skip
    doc = {
        "users": users,
        "tweets": [_tweet("11", author_id="8"), _tweet("12", author_id="9")],
        "places": [{"id": "p1", "full_name": "Paris, France"}],
    }
    src = tmp_path / "users_1402939532849319939.json"
    src.write_text(json.dumps(doc, separators=(",", ":")))
    report = ingest([src], tmp_path / "ds")
    assert report.sources[0].format == "x" and report.rejected == 0
    posts = posts_by_id(tmp_path / "ds")
    assert sorted(posts) == ["11", "12"] and posts["12"]["account_id"] == "9"
    accounts = pq.read_table(tmp_path / "ds" / "accounts.parquet").to_pylist()
    assert sorted(a["account_id"] for a in accounts) == ["7", "8", "9"]
    assert {a["account_id"]: a["followers"] for a in accounts} == {"7": 7, "8": 8, "9": 9}


@pytest.mark.parametrize("fast", ["1", "0"])
def test_undetermined_language_is_none_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """X's ``lang: "und"`` says it found no language: none, as the v1.1 reader and the CSV
    readers read it, so one tweet read from its v2 JSON and from twarc-csv or v1.1 JSON has
    one language (it was ``und`` from v2 and none from v1.1: a merge conflict)."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    src = tmp_path / "t.jsonl"
    src.write_text(json.dumps(_tweet("3", lang="und")) + "\n" + json.dumps(_tweet("4", lang="de")))
    ingest([src], tmp_path / "ds", fmt="x")
    posts = posts_by_id(tmp_path / "ds")
    assert posts["3"]["lang"] is None and posts["4"]["lang"] == "de"
