"""Apify dataset exports (``--format apify``) on fixtures written from the actors' published
output (tests/fixtures/ingest/make_apify.py): detection, each actor's mapping, skips and
refusals by field, the CSV export, and the same post read from Apify and from another reader
of its platform keeping one id (so the two collections de-duplicate)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected, run_cli
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect

APIFY = FIX / "apify"
T1 = "1727000000000000101"


@pytest.mark.parametrize(
    "name",
    [
        "apify_tweets.json",
        "apify_tiktok.jsonl",
        "apify_tiktok.csv",
        "apify_instagram.jsonl",
        "apify_mixed.jsonl",
        "apify_malformed.jsonl",
    ],
)
def test_detection(name: str) -> None:
    assert detect(APIFY / name) == "apify"


def test_tweets_relations_entities_and_placeholder(tmp_path: Path) -> None:
    """A retweet's ``repost_of`` is the original's id (the original a post of its own), a
    quote's ``quote_of`` its ``quote`` or bare ``quoteId``, a reply's ``reply_to`` its
    ``inReplyToId``; t.co expanded and canonicalised, the photo keyed as v1.1 keys it; the
    ``mock_tweet`` placeholder skipped and counted."""
    ds = tmp_path / "ds"
    report = ingest([APIFY / "apify_tweets.json"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == [f"17270000000000001{n:02d}" for n in range(1, 7)]
    full = posts[T1]
    assert (full["platform"], full["account_id"], full["lang"]) == ("x", "44001", "fr")
    assert full["created_at"].isoformat() == "2023-11-24T17:49:36+00:00"
    assert full["text"] == (
        "Read this before Sunday #Vote2023 @bob_r "
        "https://www.example.org/article?utm_source=twitter"
    )
    assert full["urls"] == ["example.org/article"]
    assert (full["hashtags"], full["mentions"]) == (["vote2023"], ["bob_r"])
    assert full["media"] == ["pbs.twimg.com/media/F_ab1.jpg"]
    assert full["client"] == "Twitter for Android"
    assert posts["1727000000000000102"]["text"] == "short one"  # the minimal item
    assert posts["1727000000000000103"]["repost_of"] == T1
    assert posts["1727000000000000104"]["quote_of"] == T1
    assert posts["1727000000000000105"]["reply_to"] == T1
    assert posts["1727000000000000106"]["quote_of"] == "1727000000000000999"
    accounts = accounts_by_id(ds)
    assert sorted(accounts) == ["44001", "44002", "44003", "44004"]
    anna = accounts["44001"]
    assert (anna["handle"], anna["display_name"], anna["followers"]) == (
        "civic_anna",
        "Anna C.",
        1520,
    )
    assert anna["created_at"].isoformat() == "2015-03-03T09:00:00+00:00"
    assert report.sources[0].skipped == {"apify: a placeholder item (the query found no tweets)": 1}
    assert rejected(ds) == []
    assert not manifest(ds).get("merge_conflicts")  # the embedded original is the same tweet


def test_tiktok_json_and_csv_export(tmp_path: Path) -> None:
    """The account is the user name; hashtags and mentions from the actor's lists; the CSV
    export (``authorMeta/name``, ``hashtags/0/name`` columns) gives the same post as the JSON
    one, and refuses a row without its author and a row with a cell too many."""
    ds = tmp_path / "json"
    ingest([APIFY / "apify_tiktok.jsonl"], ds)
    posts = posts_by_id(ds)
    video = posts["7301000000000000001"]
    assert (video["platform"], video["account_id"], video["lang"]) == (
        "tiktok",
        "news_clips_1",
        "en",
    )
    assert video["created_at"].isoformat() == "2023-11-14T22:13:20+00:00"
    assert video["hashtags"] == ["election2024", "fyp"]
    assert video["mentions"] == ["civic.anna"] and video["urls"] == ["example.org/vote"]
    minimal = posts["7301000000000000002"]  # createTimeISO only, no lists
    assert minimal["created_at"].isoformat() == "2023-11-14T22:20:00+00:00"
    assert minimal["account_id"] == "news_clips_2" and minimal["hashtags"] == []
    acc = accounts_by_id(ds)["news_clips_1"]
    assert (acc["handle"], acc["display_name"], acc["followers"], acc["posts_count"]) == (
        "news_clips_1",
        "News Clips",
        1200,
        88,
    )
    assert acc["description"] == "daily clips"
    csv_ds = tmp_path / "csv"
    ingest([APIFY / "apify_tiktok.csv"], csv_ds)
    assert posts_by_id(csv_ds) == {"7301000000000000001": video}
    assert accounts_by_id(csv_ds)["news_clips_1"] == acc
    assert sorted((r["record"], r["reason"], r["field"]) for r in rejected(csv_ds)) == [
        (3, "missing Apify item field", "authorMeta.name"),
        (4, "invalid row", "row"),
    ]


def test_instagram_posts(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([APIFY / "apify_instagram.jsonl"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == ["C0abcDEFghi", "C0xyzUVWrst"]
    post = posts["C0abcDEFghi"]
    assert (post["platform"], post["account_id"]) == ("instagram", "5500001")
    assert post["created_at"].isoformat() == "2023-11-20T08:00:00+00:00"
    assert post["hashtags"] == ["vote", "election"] and post["mentions"] == ["city_hall"]
    assert post["urls"] == ["example.org/polls"] and post["media"] == []
    assert posts["C0xyzUVWrst"]["account_id"] == "5500002"
    acc = accounts_by_id(ds)["5500001"]
    assert (acc["handle"], acc["display_name"]) == ("civic.anna", "Anna C.")


def test_mixed_file_reads_each_actor_and_counts_the_rest(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([APIFY / "apify_mixed.jsonl"], ds)
    posts = posts_by_id(ds)
    assert {(p["platform"], pid) for pid, p in posts.items()} == {
        ("x", "1727000000000000301"),
        ("tiktok", "7301000000000000002"),
        ("instagram", "C0xyzUVWrst"),
    }
    assert report.sources[0].skipped == {
        "apify: a Facebook item (facebook-posts-scraper's shape is not read)": 1,
        "apify: an error item (the actor got nothing for one of its inputs)": 1,
        "apify: an item of an actor not read (not a tweet, TikTok video or Instagram post)": 1,
        "apify: a placeholder item (the query found no tweets)": 1,
    }
    assert rejected(ds) == []


def test_malformed_items_are_refused_by_field(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([APIFY / "apify_malformed.jsonl"], ds)
    assert list(posts_by_id(ds)) == ["1727000000000000201"]
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    assert sorted(got, key=lambda r: r[0]) == [
        (2, "missing Apify item field", "author.id"),
        (3, "invalid createdAt", "createdAt"),
        (4, "missing Apify item field", "id"),
        (5, "missing Apify item field", "authorMeta.name"),
        (6, "missing Apify item field", "createTime"),
        (7, "missing Apify item field", "ownerId"),
        (8, "invalid timestamp", "timestamp"),
        (9, "invalid Apify item", None),
        (10, "malformed JSON", None),
    ]
    assert report.sources[0].rejected == 9 and report.sources[0].accepted == 1


def test_same_tweet_from_apify_and_the_v1_api(tmp_path: Path) -> None:
    """The same tweet from Tweet Scraper V2 and from API v1.1: one post, field for field,
    one account id; appended, the second copy is a duplicate."""
    item = json.loads((APIFY / "apify_tweets.json").read_text(encoding="utf-8"))[0]
    v1 = {
        "id_str": T1,
        "created_at": "Fri Nov 24 17:49:36 +0000 2023",
        "full_text": item["text"],
        "lang": "fr",
        "source": '<a href="http://twitter.com/download/android">Twitter for Android</a>',
        "entities": item["entities"],
        "extended_entities": {
            "media": [
                {
                    "type": "photo",
                    "id_str": "1727000000000000900",
                    "media_url_https": "https://pbs.twimg.com/media/F_ab1.jpg",
                    "url": "https://t.co/pic1",
                }
            ]
        },
        "user": {"id_str": "44001", "screen_name": "civic_anna", "name": "Anna C."},
    }
    a, b = tmp_path / "apify.jsonl", tmp_path / "v1.jsonl"
    a.write_text(json.dumps(item) + "\n", encoding="utf-8")
    b.write_text(json.dumps(v1) + "\n", encoding="utf-8")
    assert (detect(a), detect(b)) == ("apify", "x-v1")
    da, db = tmp_path / "da", tmp_path / "db"
    ingest([a], da)
    ingest([b], db)
    assert posts_by_id(da) == posts_by_id(db)
    assert list(accounts_by_id(da)) == list(accounts_by_id(db)) == ["44001"]
    ingest([b], da)
    assert len(posts_by_id(da)) == 1 and manifest(da)["sources"][1]["duplicates"] == 1


def _capture(host: str, data: dict) -> str:
    """One Zeeschuimer NDJSON line holding ``data`` captured on ``host``."""
    return json.dumps(
        {
            "item_id": "1",
            "timestamp_collected": 1700000500000,
            "source_platform": host,
            "source_platform_url": f"https://www.{host}/",
            "data": data,
        }
    )


def test_same_tiktok_and_instagram_posts_as_zeeschuimer(tmp_path: Path) -> None:
    """A TikTok video and an Instagram post from Apify and from Zeeschuimer keep one post id
    and one account id (user name; shortcode and the owner's numeric id)."""
    zee = tmp_path / "zee.ndjson"
    tiktok = {
        "id": "7301000000000000001",
        "desc": "Vote early!",
        "createTime": 1700000000,
        "author": {"uniqueId": "news_clips_1", "nickname": "News Clips"},
    }
    insta = {
        "code": "C0abcDEFghi",
        "taken_at": 1700467200,
        "caption": {"text": "Polls"},
        "user": {"pk": "5500001", "username": "civic.anna"},
    }
    zee.write_text(
        _capture("tiktok.com", tiktok) + "\n" + _capture("instagram.com", insta) + "\n",
        encoding="utf-8",
    )
    ds = tmp_path / "ds"
    ingest([zee], ds)
    before = {(p["platform"], pid, p["account_id"]) for pid, p in posts_by_id(ds).items()}
    report = ingest([APIFY / "apify_tiktok.jsonl", APIFY / "apify_instagram.jsonl"], ds)
    after = {(p["platform"], pid, p["account_id"]) for pid, p in posts_by_id(ds).items()}
    assert before <= after and report.duplicates == 2
    assert before == {
        ("tiktok", "7301000000000000001", "news_clips_1"),
        ("instagram", "C0abcDEFghi", "5500001"),
    }


def test_cli_format_apify_and_a_foreign_csv(tmp_path: Path) -> None:
    """``--format apify`` as the docs show it; a CSV of another tool forced to it is one
    clear error naming the columns it lacks, not a file of skipped rows."""
    code, out = run_cli(
        [
            "ingest",
            str(APIFY / "apify_tweets.json"),
            "--into",
            str(tmp_path / "ds"),
            "--format",
            "apify",
        ]
    )
    assert code == 0, out
    assert len(posts_by_id(tmp_path / "ds")) == 6
    other = tmp_path / "other.csv"
    other.write_text("id,user,text\n1,a,hello\n", encoding="utf-8")
    code, out = run_cli(["ingest", str(other), "--into", str(tmp_path / "o"), "--format", "apify"])
    assert code != 0 and "not an Apify dataset CSV" in out and "Traceback" not in out
