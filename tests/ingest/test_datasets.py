"""The shapes published coordinated-behaviour datasets come in (tests/fixtures/ingest/
make_datasets.py, written from each source's documentation): X API v1.1 tweets, Twitter's
Information Operations archive, Pushshift Reddit dumps, CrowdTangle exports. Detection,
mapping with known answers, refusals with reasons, skips counted, through the real CLI."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected
from vigie.cli import main
from vigie.ingest.detect_format import detect

DS = FIX / "datasets"
ORIG = "1050118621198921728"


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return int(exc.value.code or 0), out.out + out.err


def _ingest(src: Path, ds: Path, capsys: pytest.CaptureFixture[str], *more: str) -> str:
    code, out = _cli(["ingest", str(src), "--into", str(ds), *more], capsys)
    assert code == 0, out
    return out


def _reasons(ds: Path) -> list[tuple[str, str | None, object]]:
    return [(r["reason"], r["field"], r["record"]) for r in rejected(ds)]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("x_v1_tweets.jsonl", "x-v1"),
        ("x_v1_search.json", "x-v1"),
        ("io_archive_tweets_csv_hashed.csv", "x-io"),
        ("io_archive_users_csv_hashed.csv", "x-io-users"),
        ("RS_2018-10_sample.ndjson", "pushshift"),
        ("RC_2018-10_sample.ndjson", "pushshift"),
        ("crowdtangle_facebook.csv", "crowdtangle"),
        ("crowdtangle_instagram.csv", "crowdtangle"),
        ("twarc2_tweets.csv", "twarc-csv"),
        ("rtweet_tweets.csv", "rtweet"),
        ("4cat_telegram.csv", "4cat"),
        ("twarc1_json2csv.csv", "twarc1-csv"),
        ("twitwi_tweets.csv", "twitwi"),
        ("twitwi_bluesky_posts.csv", "twitwi-bluesky"),
        ("twitwi_tweets_es.jsonl", "twitwi"),
        ("ira538_tweets.csv", "ira-538"),
        ("russian_coord_tweets.csv", "coortweet"),
        ("cnt_input.csv", "cnt"),
        ("tags_archive.csv", "tags"),
        ("nodexl_edges.csv", "nodexl"),
        ("nodexl_vertices.csv", "nodexl-vertices"),
        ("twint_tweets.jsonl", "twint"),
        ("twint_tweets.csv", "twint"),
        ("videoinfo_aXnaHh40xnM_2024_06_09-10_00_00_comments.tab", "ytdt"),
        ("ytdt_comments_renamed.csv", "ytdt"),
        ("tcat_export.csv", "tcat"),
        ("tcat_export.tsv", "tcat"),
        ("academictwitter_tidy.csv", "academictwitter"),
        ("pyktok_videos.csv", "pyktok"),
    ],
)
def test_detection(name: str, fmt: str) -> None:
    assert detect(DS / name) == fmt


def test_detection_of_a_saved_json_array_of_v1_tweets(tmp_path: Path) -> None:
    """tweepy users often json.dump a list of ``tweet._json``, indented."""
    tweets = [json.loads(x) for x in (DS / "x_v1_tweets.jsonl").read_text().splitlines()[:2]]
    p = tmp_path / "dump.json"
    p.write_text(json.dumps(tweets, indent=2))
    assert detect(p) == "x-v1"
    one_line = tmp_path / "dump_one_line.json"
    one_line.write_text(json.dumps(tweets))
    assert detect(one_line) == "x-v1"


def test_generic_tables_are_not_mistaken_for_archives(tmp_path: Path) -> None:
    """A table with an ``id``/``text``/``created_at`` or a lone ``URL`` column stays generic."""
    p = tmp_path / "posts.csv"
    p.write_text("id,URL,created_at,text,user\n1,https://a.org,2024-01-01,hi,u\n")
    assert detect(p) == "csv"
    j = tmp_path / "posts.jsonl"
    j.write_text(json.dumps({"id": "1", "text": "hi", "created_at": "2024-01-01", "user": "u"}))
    assert detect(j) == "jsonl"


def test_x_v1_tweets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    out = _ingest(DS / "x_v1_tweets.jsonl", ds, capsys)
    assert "x-v1" in out
    posts = posts_by_id(ds)
    assert set(posts) == {
        ORIG,
        "1050118646000000001",
        "1050128850000000002",
        "1050143950000000003",
        "1050150000000000004",
    }
    o = posts[ORIG]
    assert o["platform"] == "x" and o["account_id"] == "783214"
    assert o["created_at"] == datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    # t.co replaced by the expanded URL, the photo's t.co removed, HTML entities decoded
    assert (
        o["text"]
        == "Go vote! #Vote & read https://www.example.org/article?utm_source=twitter @carl"
    )
    assert o["urls"] == ["example.org/article"]
    assert o["hashtags"] == ["vote"] and o["mentions"] == ["carl"]
    assert o["media"] == ["pbs.twimg.com/media/DpPhoto1.jpg"] and o["lang"] == "en"
    rt = posts["1050118646000000001"]
    assert rt["repost_of"] == ORIG and rt["account_id"] == "1049990000000000001"
    reply = posts["1050128850000000002"]
    assert reply["reply_to"] == ORIG and reply["text"].endswith(
        "#Wahl2018 http://news.example.com/x"
    )
    assert reply["hashtags"] == ["wahl2018"] and reply["urls"] == ["news.example.com/x"]
    q = posts["1050143950000000003"]
    assert q["quote_of"] == ORIG and q["lang"] is None  # "und" is no language
    assert q["media"] == ["video.twimg.com/v_832.mp4"]  # the best mp4 variant
    assert posts["1050150000000000004"]["account_id"] == "42"  # numeric ids only
    acc = accounts_by_id(ds)
    assert set(acc) == {"783214", "1049990000000000001", "99", "42"}
    anna = acc["783214"]
    assert anna["handle"] == "Anna_B" and anna["followers"] == 1520
    assert anna["following"] == 310 and anna["posts_count"] == 4200
    assert anna["created_at"] == datetime(2007, 2, 20, 14, 35, 54, tzinfo=UTC)
    assert acc["1049990000000000001"]["created_at"].year == 2018
    reasons = _reasons(ds)
    assert reasons[:3] == [
        ("missing tweet field", "created_at", 7),
        ("invalid created_at", "created_at", 8),
        ("missing tweet field", "user.id_str", 9),
    ]
    assert len(reasons) == 4 and reasons[3][2] == 10  # the cut line
    src = manifest(ds)["sources"][0]
    assert src["format"] == "x-v1" and src["records"] == 10
    assert src["skipped"] == {"x v1.1: stream 'delete' notice (not a tweet)": 1}
    # the retweeted and quoted original came three times: kept once, the rest counted
    assert src["accepted"] == 7 and src["duplicates"] == 2 and src["rejected"] == 4


def test_x_v1_search_page_and_v2_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A v1.1 search page; a v2 collection of the same tweets de-duplicates on (x, id)."""
    ds = tmp_path / "ds"
    _ingest(DS / "x_v1_search.json", ds, capsys)
    assert set(posts_by_id(ds)) == {ORIG, "1050118646000000001"}
    assert manifest(ds)["sources"][0]["duplicates"] == 1  # the original inside the retweet


def test_io_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    _ingest(DS / "io_archive_tweets_csv_hashed.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {ORIG, "1050118646000000001", "1050128850000000002", "1050143950000000003"}
    o = posts[ORIG]
    assert o["account_id"] == "2882331822" and o["lang"] == "en"
    assert o["created_at"] == datetime(2018, 10, 10, 20, 19, tzinfo=UTC)
    assert o["urls"] == ["example.org/article"]  # from the urls column, canonicalised
    assert o["hashtags"] == ["vote", "election2018"]
    hashed = "4b1d27f4d6bd2d5c2a6a8b1c0c2a3cd5e0e6b3c7f2c7e7d0a3c3e1f5b6a7c8d9"
    rt = posts["1050118646000000001"]
    assert rt["repost_of"] == ORIG and rt["account_id"] == hashed
    assert rt["mentions"] == ["2882331822"]  # the archive's mentions are user ids
    assert posts["1050128850000000002"]["reply_to"] == ORIG
    q = posts["1050143950000000003"]
    assert q["quote_of"] == ORIG and q["text"] == 'Look at this,\nthen "decide" https://t.co/q'
    assert q["urls"] == ["t.co/q"]  # empty urls cell: links of the text
    acc = accounts_by_id(ds)
    assert set(acc) == {"2882331822", hashed}
    b = acc["2882331822"]
    assert b["handle"] == "PatriotNw" and b["followers"] == 23950 and b["following"] == 1022
    assert b["created_at"] == datetime(2014, 11, 7, tzinfo=UTC)
    assert b["description"] == "Breaking news, 24/7"
    assert acc[hashed]["followers"] == 12
    assert _reasons(ds) == [
        ("missing archive tweet field", "tweet_time", 7),
        ("invalid retweet_tweetid", "retweet_tweetid", 8),
        ("invalid tweet_time", "tweet_time", 9),
        ("missing archive tweet field", "tweet_time", 10),
    ]
    src = manifest(ds)["sources"][0]
    assert (src["format"], src["records"], src["accepted"], src["rejected"]) == ("x-io", 8, 4, 4)


def test_io_archive_users_file_fills_the_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The archive's users file, after its tweets file: profiles of released and unreleased
    accounts, the later follower count kept, unreadable cells null, a row without id refused."""
    ds = tmp_path / "ds"
    _ingest(DS / "io_archive_tweets_csv_hashed.csv", ds, capsys)
    out = " ".join(_ingest(DS / "io_archive_users_csv_hashed.csv", ds, capsys).split())
    assert "2 account rows repeated a (platform, account_id)" in out
    assert "rows repeated a (platform, post_id)" not in out
    acc = accounts_by_id(ds)
    hashed = "4b1d27f4d6bd2d5c2a6a8b1c0c2a3cd5e0e6b3c7f2c7e7d0a3c3e1f5b6a7c8d9"
    assert set(acc) == {"2882331822", hashed, "2991000001", "2991000002"}
    assert acc["2882331822"]["followers"] == 24100  # the users file came later
    assert acc["2882331822"]["handle"] == "PatriotNw"
    ten = acc["2991000001"]
    assert (ten["handle"], ten["followers"], ten["following"]) == ("TEN_GOP", 1450, None)
    assert ten["created_at"] == datetime(2015, 11, 19, tzinfo=UTC)
    assert acc["2991000002"]["created_at"] is None and acc["2991000002"]["followers"] == 3
    assert len(posts_by_id(ds)) == 4  # no post comes from a users file
    src = manifest(ds)["sources"][1]
    assert (src["format"], src["records"], src["accepted"], src["rejected"]) == (
        "x-io-users",
        5,
        4,
        1,
    )
    assert _reasons(ds)[-1] == ("missing archive account field", "userid", 6)


def test_io_archive_users_file_forced_on_tweets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ds = tmp_path / "ds"
    code, out = _cli(
        [
            "ingest",
            str(DS / "crowdtangle_facebook.csv"),
            "--format",
            "x-io-users",
            "--into",
            str(ds),
        ],
        capsys,
    )
    assert code == 2 and "not an IO archive users file" in out and "Traceback" not in out


def test_pushshift_submissions_and_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ds = tmp_path / "ds"
    _cli(
        [
            "ingest",
            str(DS / "RS_2018-10_sample.ndjson"),
            str(DS / "RC_2018-10_sample.ndjson"),
            "--into",
            str(ds),
        ],
        capsys,
    )
    posts = posts_by_id(ds)
    assert set(posts) == {
        "t3_9n2x1a",
        "t3_9n2x1b",
        "t3_9n2x1d",
        "t1_e7sd001",
        "t1_e7sd002",
        "t1_e7sd004",
    }
    link = posts["t3_9n2x1a"]
    assert link["platform"] == "reddit" and link["account_id"] == "news_fan"
    assert link["urls"] == ["example.org/article"] and link["text"] == "Voting machines rigged?"
    assert link["created_at"] == datetime.fromtimestamp(1539202764, UTC)
    self_post = posts["t3_9n2x1b"]
    assert self_post["urls"] == ["vote.example.gov"]  # not the self post's own address
    assert self_post["mentions"] == ["news_fan"]
    assert posts["t3_9n2x1d"]["text"] == "Second try"  # "[removed]" is not the author's text
    assert posts["t1_e7sd001"]["reply_to"] == "t3_9n2x1a"
    assert posts["t1_e7sd002"]["reply_to"] == "t1_e7sd001"
    assert posts["t1_e7sd002"]["urls"] == ["example.org/proof"]
    assert posts["t1_e7sd004"]["text"] is None
    acc = accounts_by_id(ds)
    assert set(acc) == {"news_fan", "asker", "troll"}  # no "[deleted]" account
    assert acc["news_fan"]["created_at"] == datetime.fromtimestamp(1400000000, UTC)
    assert _reasons(ds) == [
        ("missing Reddit item field", "created_utc", 5),
        ("invalid created_utc", "created_utc", 5),
    ]
    deleted = "reddit: item whose author was deleted (no account to attribute it to)"
    for s in manifest(ds)["sources"]:
        assert s["format"] == "pushshift" and s["skipped"] == {deleted: 1}
        assert s["records"] == s["accepted"] + s["rejected"] + 1


def test_crowdtangle_facebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    _ingest(DS / "crowdtangle_facebook.csv", ds, capsys)
    posts = posts_by_id(ds)
    a, b = (
        "https://www.facebook.com/100123456789/posts/111",
        "https://www.facebook.com/100987654321/posts/222",
    )
    assert set(posts) == {a, b, "https://www.facebook.com/100987654321/posts/223"}
    pa_ = posts[a]
    assert pa_["platform"] == "facebook" and pa_["account_id"] == "100123456789"
    assert pa_["created_at"] == datetime(2021, 2, 1, 9, 0, tzinfo=UTC)  # 10:00 CET
    # the Final Link (tracking removed) is the shared object both pages posted
    assert pa_["urls"][0] == "example.de/artikel" and posts[b]["urls"] == ["example.de/artikel"]
    assert pa_["hashtags"] == ["btw21"] and pa_["mentions"] == ["tagesschau"]
    day_time = posts["https://www.facebook.com/100987654321/posts/223"]
    assert day_time["created_at"] == datetime(2021, 2, 2, 7, 30, tzinfo=UTC)
    acc = accounts_by_id(ds)
    assert acc["100123456789"]["handle"] == "nachrichtenjetzt"
    assert acc["100123456789"]["display_name"] == "Nachrichten Jetzt"
    assert acc["100123456789"]["followers"] == 6100
    assert acc["100123456789"]["created_at"] == datetime(2019, 5, 2, 9, 22, 33, tzinfo=UTC)
    assert acc["100987654321"]["followers"] is None  # empty, and page likes are not followers
    rej = rejected(ds)
    assert [(r["reason"], r["field"]) for r in rej] == [
        ("invalid Post Created", "Post Created"),
        ("missing CrowdTangle post field", "URL"),
    ]
    assert "XYZ" in rej[0]["detail"]


def test_crowdtangle_instagram(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    _ingest(DS / "crowdtangle_instagram.csv", ds, capsys)
    (post,) = posts_by_id(ds).values()
    assert post["platform"] == "instagram" and post["account_id"] == "wahl.info"
    assert post["created_at"] == datetime(2021, 2, 3, 23, 0, tzinfo=UTC)  # 18:00 EST
    assert post["text"] == "Geht wählen! #btw21 @bundestag" and post["urls"] == []
    assert accounts_by_id(ds)["wahl.info"]["followers"] == 15000
    ds2 = tmp_path / "ds2"
    _ingest(
        DS / "crowdtangle_instagram.csv",
        ds2,
        capsys,
        "--format",
        "crowdtangle",
        "--platform",
        "facebook",
    )
    assert next(iter(posts_by_id(ds2).values()))["platform"] == "facebook"


X_ORIG = "1498999000000000001"


def test_twarc2_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    _ingest(DS / "twarc2_tweets.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {X_ORIG, "1498999000000000002", "1498999000000000003"}
    o = posts[X_ORIG]
    assert o["account_id"] == "111" and o["text"] == "Read this\nnow #Wahl @anna https://t.co/a"
    assert o["created_at"] == datetime(2022, 3, 1, 10, 0, tzinfo=UTC)
    assert o["urls"] == ["example.org/a"] and o["hashtags"] == ["wahl"]
    assert o["mentions"] == ["anna"] and o["media"] == ["pbs.twimg.com/media/A.jpg"]
    rt = posts["1498999000000000002"]
    assert rt["repost_of"] == X_ORIG and rt["account_id"] == "222"
    assert posts["1498999000000000003"]["reply_to"] == X_ORIG
    acc = accounts_by_id(ds)
    assert acc["111"]["handle"] == "outlet" and acc["111"]["followers"] == 1200  # "1200.0"
    assert acc["111"]["posts_count"] == 5000
    assert acc["111"]["created_at"] == datetime(2010, 1, 1, tzinfo=UTC)
    assert acc["222"]["created_at"] == datetime(2022, 2, 27, 8, tzinfo=UTC)
    assert _reasons(ds) == [
        ("missing tweet field", "created_at", 5),
        ("invalid author_id", "author_id", 6),
    ]


def test_rtweet_media_are_the_photos_not_the_tweet_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """rtweet's ``media_expanded_url`` is the tweet's page (``.../status/<id>/photo/1``):
    read as the media, every photo of a real rtweet file was keyed as a link to a tweet.
    The photos' own addresses (``ext_media_url``, every photo; else ``media_url``) are
    keyed as the v1.1 reader keys ``media_url_https``, a GIF by its media id."""
    with open(DS / "rtweet_tweets.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    gif = "http://pbs.twimg.com/tweet_video_thumb/CFQuCXyVAAIfYzQ.png"
    rows[0] |= {
        "text": rows[0]["text"] + " https://t.co/q1 https://t.co/p1",
        "urls_t.co": "https://t.co/q1",
        "urls_expanded_url": "https://x.org/1",
        "media_t.co": "https://t.co/p1",
        "lang": "und",
        "media_url": "http://pbs.twimg.com/media/DX-C8yOVAAA4eIA.jpg",
        "media_expanded_url": "https://twitter.com/a/status/972640037614604288/photo/1",
        "media_type": "photo",
    }
    rows[1] |= {
        "media_url": gif,
        "media_expanded_url": "http://twitter.com/b/status/600155269859921921/photo/1",
        "ext_media_url": f"{gif} http://pbs.twimg.com/media/DA1CxEkXoAAgsdl.jpg",
    }
    src = tmp_path / "rtweet.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [*rows[0], "ext_media_url"], restval="NA")
        writer.writeheader()
        writer.writerows(rows)
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    posts = posts_by_id(ds)
    assert posts[X_ORIG]["media"] == ["pbs.twimg.com/media/DX-C8yOVAAA4eIA.jpg"]
    # the photo's t.co link out of the text, the link's t.co replaced, as the v1.1 reader
    want = rows[0]["text"].replace("https://t.co/q1", "https://x.org/1")
    assert posts[X_ORIG]["text"] == want.removesuffix(" https://t.co/p1")
    assert posts[X_ORIG]["lang"] is None  # "und"
    assert posts["1498999000000000002"]["media"] == [
        "x-media:600155268626841602",
        "pbs.twimg.com/media/DA1CxEkXoAAgsdl.jpg",
    ]


def test_rtweet_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rtweet's x-prefixed ids are the tweet ids: a twarc2 CSV of the same tweets merges."""
    ds = tmp_path / "ds"
    _ingest(DS / "rtweet_tweets.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {X_ORIG, "1498999000000000002"}
    o = posts[X_ORIG]
    assert o["account_id"] == "111" and o["hashtags"] == ["wahl", "europa"]
    assert o["mentions"] == ["anna", "bob"] and o["urls"] == ["example.org/a"]
    assert o["reply_to"] is None and o["repost_of"] is None and o["media"] == []
    assert posts["1498999000000000002"]["repost_of"] == X_ORIG
    acc = accounts_by_id(ds)
    assert acc["111"]["followers"] == 1200 and acc["111"]["description"] == "News, daily"
    assert acc["222"]["created_at"] == datetime(2022, 2, 27, 8, tzinfo=UTC)
    assert _reasons(ds) == [("missing tweet field", "created_at", 4)]
    report_out = _ingest(DS / "twarc2_tweets.csv", ds, capsys)
    assert "twarc-csv" in report_out
    assert manifest(ds)["sources"][1]["duplicates"] == 2 and len(posts_by_id(ds)) == 3


def test_4cat_exports_naming_their_author_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """4CAT's Truth Social and Gab data sources write ``account_id``/``account_username``
    and no ``author`` (their ``map_item``), 9GAG's and Imgur's no ``thread_id``: such
    exports were refused whole ("no column author"). Read, with Gab's ``tags`` as hashtags,
    its link card's ``link_url``, and a link holding a comma kept whole."""
    header = (
        "collected_at,id,created_at,body,url,mentions,tags,account_id,account_username,"
        "account_display_name,link_url,urls,thread_id,timestamp"
    )
    row = (
        '2023-11-14 22:21:40,111200000000000001,2023-11-02 10:00:00,"Hello #Gab @bob",'
        'https://gab.com/alice/posts/111200000000000001,bob,"Gab,Wahl",9001,alice,Alice,'
        'https://example.org/card,"https://example.net/p?a=1,2,https://example.net/q",'
        "111200000000000001,2023-11-02 10:00:00"
    )
    src = tmp_path / "gab.csv"
    src.write_text(header + "\n" + row + "\n", encoding="utf-8")
    assert detect(src) == "4cat"
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys, "--platform", "gab")
    [post] = posts_by_id(ds).values()
    assert (post["account_id"], post["platform"]) == ("9001", "gab")
    assert post["hashtags"] == ["gab", "wahl"] and post["mentions"] == ["bob"]
    assert post["urls"] == ["example.net/p?a=1,2", "example.net/q", "example.org/card"]
    acc = accounts_by_id(ds)["9001"]
    assert (acc["handle"], acc["display_name"]) == ("alice", "Alice")


def test_4cat_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    _ingest(DS / "4cat_telegram.csv", ds, capsys, "--platform", "telegram")
    posts = posts_by_id(ds)
    assert set(posts) == {"wahlkanal-101", "wahlkanal-102"}
    a = posts["wahlkanal-101"]
    assert a["platform"] == "telegram" and a["account_id"] == "wahlkanal"
    assert a["created_at"] == datetime(2021, 2, 1, 10, 0, tzinfo=UTC)
    assert a["urls"] == ["example.de/a"] and a["hashtags"] == ["btw"]
    b = posts["wahlkanal-102"]
    assert b["created_at"] == datetime(2021, 2, 1, 11, 0, tzinfo=UTC)  # from timestamp
    assert b["mentions"] == ["ben", "carla"]
    assert accounts_by_id(ds)["wahlkanal"]["display_name"] == "Wahl Kanal"
    assert _reasons(ds) == [("missing 4CAT item field", "timestamp", 4)]
    ds2 = tmp_path / "ds2"
    _ingest(DS / "4cat_telegram.csv", ds2, capsys)  # no --platform, no datasource column
    assert {p["platform"] for p in posts_by_id(ds2).values()} == {"4cat"}


def test_twarc1_json2csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    _ingest(DS / "twarc1_json2csv.csv", ds, capsys)
    posts = posts_by_id(ds)
    orig = "976161920133816322"
    assert set(posts) == {orig, "976161920133816323", "976161920133816324", "976161920133816325"}
    o = posts[orig]
    assert o["account_id"] == "28101965"
    assert o["created_at"] == datetime(2018, 3, 20, 18, 21, 52, tzinfo=UTC)
    assert o["urls"] == ["example.org/b", "vote.example.gov"] and o["hashtags"] == ["dcvotes"]
    assert o["mentions"] == ["dc_board"] and o["media"] == ["pbs.twimg.com/media/B.jpg"]
    rt, q = posts["976161920133816323"], posts["976161920133816324"]
    assert (rt["repost_of"], rt["quote_of"]) == (orig, None)  # tweet_type says which
    assert (q["repost_of"], q["quote_of"]) == (None, orig)
    assert posts["976161920133816325"]["reply_to"] == orig
    acc = accounts_by_id(ds)
    assert acc["28101965"]["followers"] == 46113 and acc["28101965"]["handle"] == "GWtweets"
    assert acc["28101965"]["created_at"] == datetime(2009, 4, 1, 13, 10, 9, tzinfo=UTC)
    assert _reasons(ds) == [("missing tweet field", "created_at", 6)]
    old = tmp_path / "old.csv"  # twarc's early json2csv spelled the column "reweet_or_quote_id"
    old.write_text(
        (DS / "twarc1_json2csv.csv")
        .read_text()
        .replace("retweet_or_quote_id", "reweet_or_quote_id", 1)
    )
    ds2 = tmp_path / "ds2"
    _ingest(old, ds2, capsys)
    assert posts_by_id(ds2)["976161920133816323"]["repost_of"] == orig


def test_twitwi_tweets_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """minet / gazouilloire CSVs: POSIX times, ``|`` lists, retweets by ``retweeted_id``."""
    ds = tmp_path / "ds"
    _ingest(DS / "twitwi_tweets.csv", ds, capsys)
    posts = posts_by_id(ds)
    orig, rt, reply = "1348592722928656384", "1348592751940673536", "1347085867584794624"
    assert set(posts) == {orig, rt, reply}
    o = posts[orig]
    assert o["account_id"] == "1222191125584318464" and o["lang"] == "fr"
    assert o["created_at"] == datetime(2021, 1, 11, 11, 28, 55, tzinfo=UTC)  # not local_time
    assert o["urls"] == ["lemonde.fr/a.html", "x.com/i/status/1"]  # a tweet link: its id
    assert o["hashtags"] == ["bigtech", "biden"] and o["media"] == ["pbs.twimg.com/media/EraBc.jpg"]
    assert o["client"] == "Twitter for Android" and o["repost_of"] is None
    assert posts[rt]["repost_of"] == orig and posts[rt]["account_id"] == "762290549168701440"
    r = posts[reply]
    assert (r["reply_to"], r["quote_of"]) == ("1347084392481615872", orig)
    assert r["mentions"] == ["fr_conservateur", "krnl_panik"]
    acc = accounts_by_id(ds)["1222191125584318464"]
    assert (acc["handle"], acc["followers"], acc["following"], acc["posts_count"]) == (
        "Fr_Conservateur",
        7791,
        2426,
        5495,
    )
    assert acc["created_at"] == datetime(2020, 1, 28, 16, 14, 24, tzinfo=UTC)
    assert acc["description"] == "Valeurs, traditions\nHistoire"
    assert _reasons(ds) == [
        ("missing tweet field", "timestamp_utc", 6),
        ("missing tweet field", "user_id", 7),
    ]


def test_twitwi_elasticsearch_dump(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """gazouilloire's Elasticsearch dump of the same tweets gives the same Dataset (the id is
    the hit's ``_id``), with the same refusals."""
    csv_ds, es_ds = tmp_path / "csv", tmp_path / "es"
    _ingest(DS / "twitwi_tweets.csv", csv_ds, capsys)
    _ingest(DS / "twitwi_tweets_es.jsonl", es_ds, capsys)
    assert posts_by_id(es_ds) == posts_by_id(csv_ds) and len(posts_by_id(es_ds)) == 3
    assert accounts_by_id(es_ds) == accounts_by_id(csv_ds)
    assert [(r, f) for r, f, _ in _reasons(es_ds)] == [
        ("missing tweet field", "timestamp_utc"),
        ("missing tweet field", "user_id"),
    ]


def test_twitwi_bluesky_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """minet's Bluesky CSV: at:// URIs as post ids (as the JSON reader's), the author's own
    words, and a post seen through a repost giving the repost row the JSON reader gives."""
    ds = tmp_path / "ds"
    out = _ingest(DS / "twitwi_bluesky_posts.csv", ds, capsys)
    a, b = "did:plc:crmrddqmbqzyqd24yjlpibz2", "did:plc:7g4ic3vzf6ts42dmpy5usg4l"
    post = f"at://{b}/app.bsky.feed.post/3lkgnjzh6ec2g"
    quote = "at://did:plc:jitewfrw6ppganrowtvqtkwy/app.bsky.feed.post/3lkgoqgzhg22k"
    reply = f"at://{a}/app.bsky.feed.post/3lkhaibfxv22b"
    posts = posts_by_id(ds)
    assert set(posts) == {post, quote, reply, f"{post}#repost:{a}"}
    p = posts[post]
    assert p["account_id"] == b and p["created_at"] == datetime(2025, 3, 15, 17, 27, 52, tzinfo=UTC)
    assert p["urls"] == ["example.fr/c"] and p["hashtags"] == ["esr", "hceres"]
    assert p["media"] == ["bafkreicq5yhlz7tkr3yrjerk2vcwdw63q52aetg3gchn5lkgcrfs5tnc4q"]
    q = posts[quote]
    assert q["text"] == "Riposter aux rapports du #HCERES"  # original_text, not the quote's words
    assert q["quote_of"] == post and q["lang"] == "fr" and q["mentions"] == ["p4bl0.net"]
    rp = posts[f"{post}#repost:{a}"]
    assert (rp["account_id"], rp["repost_of"]) == (a, post)
    assert rp["created_at"] == datetime(2025, 3, 15, 18, 0, tzinfo=UTC)
    assert posts[reply]["reply_to"] == post
    acc = accounts_by_id(ds)
    assert (
        acc[b]["display_name"] == "MC Pablo" and acc[a]["handle"] == "pecqueuxanthony.bsky.social"
    )
    assert _reasons(ds) == [("missing post field", "timestamp_utc", 14)]
    assert "merged" in out  # the reposted post's row repeats the post: one post


def test_twitwi_bluesky_gif_and_unseen_image_are_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """twitwi moves a native GIF's Tenor link (an external card) and the addresses of images
    it cannot see out of ``links`` into ``media_urls``: they hold no blob CID, and four real
    posts' GIFs left no trace. They are links, as the Jetstream and CAR readers keep the
    same card's address; a blob's address stays a CID."""
    with open(DS / "twitwi_bluesky_posts.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    tenor = "https://media.tenor.com/FP0ZusULhfcAAAAC/okami-amaterasu.gif?hh=347&ww=498"
    blob = "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:x/bafkreiaq6cvox2zu64dsgmb4wg2ahyd3a5alfwmc5bhonn4tmz7q3qgyxe@jpeg"  # noqa: E501
    row = rows[0] | {
        "links": "",
        "media_urls": f"{tenor}|{blob}",
        "media_types": "video/gif|image/jpeg",
    }
    src = tmp_path / "b.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    post = posts_by_id(ds)[row["uri"]]
    assert post["urls"] == ["media.tenor.com/FP0ZusULhfcAAAAC/okami-amaterasu.gif?hh=347&ww=498"]
    assert post["media"] == ["bafkreiaq6cvox2zu64dsgmb4wg2ahyd3a5alfwmc5bhonn4tmz7q3qgyxe"]


def test_twitwi_early_bluesky_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Early twitwi Bluesky CSVs had ``user_name`` and no ``original_text``: still read."""
    src = tmp_path / "early.csv"
    src.write_text(
        "cid,uri,timestamp_utc,user_did,user_handle,user_name,text,links,hashtags\n"
        "bafyreia,at://did:plc:x/app.bsky.feed.post/1,1742059672,did:plc:x,x.bsky.social,Ex,"
        "Votez https://example.fr,https://example.fr,\n"
    )
    assert detect(src) == "twitwi-bluesky"
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    (p,) = posts_by_id(ds).values()
    assert p["text"] == "Votez https://example.fr" and p["urls"] == ["example.fr"]
    assert accounts_by_id(ds)["did:plc:x"]["display_name"] == "Ex"


def test_twitwi_forced_on_another_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A table forced to the format without its columns: one line naming what is missing."""
    code, out = _cli(
        ["ingest", str(DS / "rtweet_tweets.csv"), "--format", "twitwi", "--into", str(tmp_path)],
        capsys,
    )
    assert code != 0 and "no column id, timestamp_utc" in out and "--map" in out


def test_twitwi_json_values_of_the_wrong_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An object or a list where twitwi writes a text or an id is refused by field, never
    stored as its Python spelling; a list where twitwi writes one is read."""
    hits = [json.loads(x) for x in (DS / "twitwi_tweets_es.jsonl").read_text().splitlines()[:3]]
    hits[0]["_source"]["text"] = {"a": 1}
    hits[1]["_source"]["retweeted_id"] = ["1348592722928656384"]
    hits[2]["_source"]["hashtags"] = ["Wahl", None, ""]
    src = tmp_path / "mixed.jsonl"
    src.write_text("".join(json.dumps(h) + "\n" for h in hits))
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    assert [(r, f) for r, f, _ in _reasons(ds)] == [
        ("invalid text", "text"),
        ("invalid retweeted_id", "retweeted_id"),
    ]
    (post,) = posts_by_id(ds).values()
    assert post["hashtags"] == ["wahl"]


def test_ira_tweets_of_fivethirtyeight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The rebuilt author id (not the rounded one, which two handles share), month-first
    times, language names as codes, the t.co redirects as links; the post id from the
    tweet's URL when ``tweet_id`` is empty; the handle when no id was rebuilt."""
    ds = tmp_path / "ds"
    _ingest(DS / "ira538_tweets.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {
        "914580356430536707",
        "914581356430536708",
        "794000000000000001",
        "699000000000000001",
    }
    p = posts["914580356430536707"]
    assert p["account_id"] == "905874659358453760" and p["lang"] == "en"
    assert p["created_at"] == datetime(2017, 10, 1, 19, 58, tzinfo=UTC)
    assert p["urls"] == ["example.com/senator-trial"] and p["hashtags"] == ["maga"]
    assert p["mentions"] == ["nedryun"]
    assert posts["794000000000000001"]["account_id"] == "905874659358453999"
    assert posts["794000000000000001"]["lang"] == "fr"
    lone = posts["699000000000000001"]
    assert lone["account_id"] == "handle:Pamela_Moore13" and lone["lang"] is None
    acc = accounts_by_id(ds)
    assert acc["905874659358453760"]["handle"] == "10_GOP"
    assert acc["905874659358453760"]["followers"] == 9636
    assert acc["905874659358453999"]["handle"] == "TEN_GOP_2"
    assert _reasons(ds) == [("invalid publish_date", "publish_date", 6)]


def test_ira_tweets_saved_by_a_spreadsheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A researcher's cut of the 538 files opened and saved in a spreadsheet (a real one
    of 100 rows): two-digit years (``10/1/17 19:58``: every row was refused) and ids rounded
    to ``9.1458E+17`` (eight different tweets of the 100 shared one and were merged away).
    The exact ids are in ``article_url``; a rounded id without one is refused, named."""
    rows = (DS / "ira538_tweets.csv").read_text(encoding="utf-8").splitlines()
    head, first, second = rows[0], rows[1], rows[2]
    saved = [
        head,
        first.replace("10/1/2017 19:58", "10/1/17 19:58").replace(
            "905874659358453760,914580356430536707,", "9.05875E+17,9.1458E+17,"
        ),
        second.replace(",914581356430536708,", ",9.1458E+17,").removesuffix(",,,")
        + ",https://twitter.com/10_gop/status/914581356430536708/video/1,,",
        second.replace(",914581356430536708,", ",9.1458E+17,").replace(
            "http://twitter.com/905874659358453760/statuses/914581356430536708", ""
        ),
    ]
    assert saved[1] != first and saved[2] != second and saved[3] != saved[2]
    src = tmp_path / "cut.csv"
    src.write_text("\n".join(saved) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {"914580356430536707", "914581356430536708"}
    p = posts["914580356430536707"]
    assert p["account_id"] == "905874659358453760"
    assert p["created_at"] == datetime(2017, 10, 1, 19, 58, tzinfo=UTC)
    assert posts["914581356430536708"]["urls"] == []  # its own video is no link it shared
    [rej] = rejected(ds)
    assert rej["record"] == 4 and rej["field"] == "tweet_id"


def test_platform_csv_saved_by_excel_in_windows_1252(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel saves "CSV (Comma delimited)" in Windows-1252 (``…`` is byte 0x85): a real
    NodeXL network and a cut of the IRA tweets so saved were refused whole as "not UTF-8
    text". A line that is not UTF-8 is read as Windows-1252 and counted in a note; the UTF-8
    lines of a file mixing both stay exact; ``--encoding`` for such a reader says what to
    do instead of speaking of dates."""
    rows = (DS / "ira538_tweets.csv").read_text(encoding="utf-8").splitlines()
    cut = rows[1].replace("on trial", "on trial… déjà")
    src = tmp_path / "excel.csv"
    src.write_bytes(
        "\n".join([rows[0], cut]).encode("cp1252")
        + b"\n"
        + "\n".join([rows[2].replace("vote often", "vote souvent ça")]).encode("utf-8")
        + b"\n"
    )
    ds = tmp_path / "ds"
    out = _ingest(src, ds, capsys)
    assert "Windows-1252" in " ".join(out.split())
    posts = posts_by_id(ds)
    assert "on trial… déjà" in posts["914580356430536707"]["text"]
    assert "vote souvent ça" in posts["914581356430536708"]["text"]
    [(note, n)] = [(k, v) for k, v in manifest(ds)["sources"][0]["skipped"].items()]
    assert n == 1 and note.startswith("text read as Windows-1252")  # the one cp1252 line
    code, said = _cli(["ingest", str(src), "--into", str(ds), "--encoding", "latin-1"], capsys)
    said = " ".join(said.split())
    assert code != 0 and "iconv -f latin-1 -t UTF-8" in said and "date format" not in said


def test_platform_csv_with_lone_cr_line_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel's "CSV (Macintosh)" ends its lines with a lone CR: read line by line (the
    Windows-1252 fallback reads bytes), such a file must still give its rows."""
    rows = (DS / "ira538_tweets.csv").read_text(encoding="utf-8").splitlines()[:3]
    src = tmp_path / "mac.csv"
    src.write_bytes(("\r".join(rows) + "\r").encode("utf-8"))
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    assert set(posts_by_id(ds)) == {"914580356430536707", "914581356430536708"}


def test_coortweet_input_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CooRTweet's input as R writes its ``russian_coord_tweets`` sample (row names, ``NA``,
    ``id_user``): each row a share of an object, told by its value (a tweet id a repost, a URL
    a link, ``#tag`` a hashtag, words a text); a tweet sharing two objects is one post. It was
    refused for want of a ``post_id`` column. ``--method coortweet`` then finds what CooRTweet
    finds: A, B and C retweet the same tweets within 4 s, D a minute later."""
    import hashlib

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    ds = tmp_path / "ds"
    out = _ingest(DS / "russian_coord_tweets.csv", ds, capsys)
    assert "coortweet" in out
    posts = posts_by_id(ds)
    assert len(posts) == 15 and {p["platform"] for p in posts.values()} == {"x"}
    a0 = posts[sha("A0")]
    assert a0["account_id"] == sha("A") and a0["repost_of"] == sha("tweet0")
    assert a0["created_at"] == datetime(2022, 1, 1, tzinfo=UTC)
    assert a0["urls"] == [] and a0["hashtags"] == [] and a0["text"] == ""
    both = posts[sha("E0")]  # two rows, one post
    assert both["urls"] == ["example.org/story"] and both["hashtags"] == ["vote"]
    assert both["repost_of"] is None
    said = posts[sha("G0")]  # a value with blanks: the post's text
    assert said["text"] == "Vote for change, not for them" and said["repost_of"] is None
    assert len(accounts_by_id(ds)) == 7
    # records are line numbers (the header is line 1)
    assert [(r[1], r[2]) for r in _reasons(ds)] == [("object_id", 18), ("timestamp_share", 19)]
    code, out = _cli(
        ["detect", str(ds), "--method", "coortweet", "--out", str(tmp_path / "f")], capsys
    )
    assert code == 0, out
    assert "co_repost: 12 shares -> 9 pairs within 10 s" in " ".join(out.split())
    other = tmp_path / "fb"
    _ingest(DS / "russian_coord_tweets.csv", other, capsys, "--platform", "facebook")
    assert {p["platform"] for p in posts_by_id(other).values()} == {"facebook"}


def test_coortweet_post_sharing_two_post_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CooRTweet's own ``russian_coord_tweets`` holds 39 posts whose two rows share two
    different tweet ids: read as one post with one ``repost_of``, the second share was
    dropped behind a merge conflict, where CooRTweet counts every row. Now the second is a
    repost of its own (``<content_id>#<object_id>``), counted as a note; a post id repeated
    with the same object is still one post, and rows of one post far apart still merge."""
    t0 = 1_640_995_200
    rows = [
        ("tweet1", "A", "A0", t0), ("tweet2", "A", "A0", t0),  # two tweets shared by A0
        ("tweet1", "B", "B0", t0 + 2), ("tweet1", "B", "B0", t0 + 2),  # a row repeated
        ("tweet2", "B", "B1", t0 + 3),
        ("tweet1", "C", "C0", t0 + 4), ("tweet3", "D", "D0", t0 + 60),
        ("tweet2", "C", "C0", t0 + 4),  # C0's second tweet, after another post's row
    ]  # fmt: skip
    src = tmp_path / "coortweet.csv"
    src.write_text(
        '"","object_id","id_user","content_id","timestamp_share"\n'
        + "".join(f'"{i}","{o}","{a}","{c}",{t}\n' for i, (o, a, c, t) in enumerate(rows, 1)),
        encoding="utf-8",
    )
    ds = tmp_path / "ds"
    out = _ingest(src, ds, capsys)
    posts = posts_by_id(ds)
    assert posts["A0"]["repost_of"] == "tweet1" and posts["A0#tweet2"]["repost_of"] == "tweet2"
    assert posts["A0#tweet2"]["account_id"] == "A"
    assert posts["A0#tweet2"]["created_at"] == posts["A0"]["created_at"]
    assert sorted(posts) == ["A0", "A0#tweet2", "B0", "B1", "C0", "D0"]
    m = manifest(ds)
    from vigie.ingest.coortweet_input import SPLIT

    assert m["sources"][0]["skipped"] == {SPLIT: 1}
    assert m["merge_conflicts"] == {"repost_of": 1}  # C0's rows were not adjacent
    assert "merged posts disagreed" in out


def test_cnt_input_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Coordination Network Toolkit's CSV input, as its tests and examples write it: it
    was refused for want of ``post_id``. Reposts and replies by id, URLs space-separated or a
    Python list, the handle; times counted from 0 (CNT allows any origin) kept and counted as a
    note, an unreadable one refused by its field."""
    from datetime import timedelta

    from vigie.ingest.cnt_input import RELATIVE

    ds = tmp_path / "ds"
    out = _ingest(DS / "cnt_input.csv", ds, capsys)
    assert "cnt" in out
    posts = posts_by_id(ds)
    assert sorted(posts) == ["0", "1", "2", "3"]
    assert posts["0"]["repost_of"] == "rtid0" and posts["0"]["account_id"] == "uid0"
    assert posts["1"]["created_at"] - posts["0"]["created_at"] == timedelta(seconds=59)
    assert posts["2"]["urls"] == ["example.org/a", "example.com/b"]
    assert posts["2"]["hashtags"] == ["vote"] and posts["2"]["repost_of"] is None
    assert posts["3"]["reply_to"] == "2" and posts["3"]["mentions"] == ["username2"]
    assert posts["3"]["urls"] == ["example.com/4", "example.com/6"]
    assert accounts_by_id(ds)["uid3"]["handle"] == "username3"
    src = manifest(ds)["sources"][0]
    assert src["skipped"] == {RELATIVE: 4}
    assert (src["records"], src["accepted"], src["rejected"]) == (5, 4, 1)
    assert _reasons(ds) == [("invalid timestamp", "timestamp", 6)]


def test_tags_archive_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A TAGS sheet: the v1.1 tweet each row was made from (links from ``entities_str``,
    expanded into the text, as a v1.1 collection of the same tweets gives them); the ids a
    spreadsheet rounded taken from ``status_url`` and the handle; the text's entities where
    the cell was cut; retweets kept as X wrote them, with no target id."""
    ds = tmp_path / "ds"
    _ingest(DS / "tags_archive.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {f"179000000000000000{i}" for i in range(1, 6)}
    orig = posts["1790000000000000001"]
    assert orig["account_id"] == "111" and orig["client"] == "Twitter Web App"
    assert orig["created_at"] == datetime(2024, 6, 9, 8, 0, tzinfo=UTC)
    assert orig["urls"] == ["example.org/bureaux"] and orig["hashtags"] == ["legislatives"]
    assert orig["text"].endswith("#Legislatives https://www.example.org/bureaux?utm_source=twitter")
    assert orig["lang"] is None  # user_lang is the user's interface, not the tweet's
    rt = posts["1790000000000000002"]
    assert rt["text"].startswith("RT @JaneDoe: Bureau 12") and rt["repost_of"] is None
    assert rt["mentions"] == ["JaneDoe"]
    rounded = posts["1790000000000000003"]
    assert rounded["account_id"] == "handle:official2"
    assert posts["1790000000000000004"]["reply_to"] == "1790000000000000001"
    cut = posts["1790000000000000005"]
    assert cut["hashtags"] == ["vote2024"] and cut["urls"] == ["example.net/info"]
    assert cut["mentions"] == ["janedoe"]  # read from the text, as text-only sources do
    acc = accounts_by_id(ds)
    assert acc["111"]["handle"] == "JaneDoe" and acc["111"]["followers"] == 25000
    assert acc["handle:official2"]["handle"] == "official2"
    assert sorted(_reasons(ds), key=str) == sorted(
        [("invalid created_at", "created_at", 7), ("invalid id_str", "id_str", 8)], key=str
    )


def test_tags_retweets_are_read_as_reposts_of_their_post(tmp_path: Path, capsys) -> None:
    """Detection on a TAGS sheet: its two retweets are read from their text and matched to
    the post they name (``detect/textreposts.py``), as retweet ids would have given them."""
    from vigie.detect.pipeline import run_detection

    ds = tmp_path / "ds"
    _ingest(DS / "tags_archive.csv", ds, capsys)
    findings = run_detection(ds, tmp_path / "findings", progress=False)
    diagnosis = findings.manifest()["diagnosis"]
    assert diagnosis["reposts_by_text"] == diagnosis["reposts_by_text_matched"] == 2


def _nodexl_ids() -> dict[str, str]:
    from fixtures.ingest.make_datasets import nodexl_id

    return {
        "orig": nodexl_id("2024-06-09 08:00:00", 1),
        "rt1": nodexl_id("2024-06-09 08:00:30", 2),
        "rt2": nodexl_id("2024-06-09 08:00:41", 3),
        "rep": nodexl_id("2024-06-09 08:05:00", 4),
        "pic": nodexl_id("2024-06-09 08:06:17", 5),
    }


def test_nodexl_edges_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A NodeXL Edges sheet: each tweet once, whatever its number of edges; the header found
    below the row of column groups; the time X's id holds (to the second where Excel kept
    the minute); the id in the tweet's page where a spreadsheet rounded it; the links NodeXL
    expanded, its hashtags, the photo; the reply's target; the Follows edge and the other
    edges of tweets already read counted as skipped; the rows with no id or no time refused."""
    ids = _nodexl_ids()
    ds = tmp_path / "ds"
    _ingest(DS / "nodexl_edges.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == set(ids.values())
    orig = posts[ids["orig"]]
    assert orig["account_id"] == "handle:janedoe" and orig["lang"] == "fr"
    assert orig["created_at"] == datetime(2024, 6, 9, 8, 0, tzinfo=UTC)
    assert orig["urls"] == ["example.org/bureaux"] and orig["hashtags"] == ["legislatives"]
    assert orig["mentions"] == ["paulmartin"] and orig["repost_of"] is None
    rt2 = posts[ids["rt2"]]  # Excel's "6/9/2024 8:00": the id keeps 08:00:41
    assert rt2["created_at"] == datetime(2024, 6, 9, 8, 0, 41, tzinfo=UTC)
    assert rt2["account_id"] == "handle:official2" and rt2["text"].startswith("RT @janedoe: ")
    assert posts[ids["rep"]]["reply_to"] == ids["orig"]
    pic = posts[ids["pic"]]
    assert pic["media"] == ["pbs.twimg.com/media/EraBc.jpg"] and pic["hashtags"] == ["legislatives"]
    assert pic["text"] == "La file au bureau 7 & 8 #Legislatives"  # X's escape undone
    acc = accounts_by_id(ds)
    assert acc["handle:janedoe"]["handle"] == "janedoe"
    skipped = json.loads((ds / "manifest.json").read_text())["sources"][0]["skipped"]
    assert skipped == {
        "nodexl: another edge of a tweet already read": 2,
        "nodexl: a 'Follows' edge with no tweet": 1,
    }
    assert sorted(_reasons(ds), key=str) == [
        ("invalid Tweet Date (UTC)", "Tweet Date (UTC)", 12),
        ("missing NodeXL edge field", "Imported ID", 11),
    ]


def test_nodexl_vertices_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Vertices sheet, ingested after the edges: the profiles join the accounts of the
    posts (same ``handle:`` keys); an unreadable join date leaves the account's date empty
    (context, not the post's time); a row with no vertex is refused by field."""
    ds = tmp_path / "ds"
    _ingest(DS / "nodexl_edges.csv", ds, capsys)
    _ingest(DS / "nodexl_vertices.csv", ds, capsys)
    acc = accounts_by_id(ds)
    jane = acc["handle:janedoe"]
    assert jane["followers"] == 25000 and jane["following"] == 300
    assert jane["posts_count"] == 1200 and jane["display_name"] == "Jane Doe"
    assert jane["created_at"] == datetime(2012, 3, 4, 10, 0, tzinfo=UTC)
    assert jane["description"] == "Candidate"
    assert acc["handle:official1"]["created_at"] == datetime(2024, 6, 1, 9, 15, tzinfo=UTC)
    assert acc["handle:official2"]["created_at"] is None
    assert acc["handle:official2"]["followers"] is None
    assert ("missing NodeXL vertex field", "Vertex", 6) in _reasons(ds)
    assert len(posts_by_id(ds)) == 5  # the posts are kept


def test_nodexl_workbook_and_its_retweets(tmp_path: Path, capsys) -> None:
    """The workbook itself (Edges first, then Vertices) gives the Dataset of its sheet as
    CSV, its Vertices sheet the profiles, and the detection reads its two retweets as
    reposts of the post they name."""
    import csv as csv_mod

    from openpyxl import Workbook

    from vigie.detect.pipeline import run_detection

    wb = Workbook()
    edges = wb.active
    edges.title = "Edges"
    with open(DS / "nodexl_edges.csv", encoding="utf-8", newline="") as fh:
        for r in csv_mod.reader(fh):
            edges.append(r)
    vertices = wb.create_sheet("Vertices")
    with open(DS / "nodexl_vertices.csv", encoding="utf-8", newline="") as fh:
        for r in csv_mod.reader(fh):
            vertices.append(r)
    book = tmp_path / "nodexl.xlsx"
    wb.save(book)
    _ingest(DS / "nodexl_edges.csv", tmp_path / "from_csv", capsys)
    said = _ingest(book, tmp_path / "ds", capsys)
    assert "read sheet 'Edges'" in said and "'Vertices'" in said
    assert posts_by_id(tmp_path / "ds") == posts_by_id(tmp_path / "from_csv")
    _ingest(book, tmp_path / "ds", capsys, "--sheet", "Vertices")
    assert accounts_by_id(tmp_path / "ds")["handle:janedoe"]["followers"] == 25000
    findings = run_detection(tmp_path / "ds", tmp_path / "findings", progress=False)
    diagnosis = findings.manifest()["diagnosis"]
    assert diagnosis["reposts_by_text"] == diagnosis["reposts_by_text_matched"] == 2


def _twint_ids() -> dict[str, str]:
    from fixtures.ingest.make_datasets import nodexl_id

    whens = [
        ("orig", "2020-11-01 20:00:00"),
        ("rt", "2020-11-01 20:00:30"),
        ("reply", "2020-11-01 20:03:00"),
        ("quote", "2020-11-01 20:05:00"),
        ("old", "2019-05-20 08:00:00"),
        ("old_rt", "2019-05-20 08:00:20"),
    ]
    return {k: nodexl_id(when, i) for i, (k, when) in enumerate(whens, start=1)}


def test_twint_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """twint's JSON lines: UTC times from the ids (the file holds the scraping computer's
    local time, 21:00 CET for 20:00 UTC); the spaces twint put before links taken away; a
    retweet of October 2020 and after read as the retweeter's repost; one of before, whose
    row is the retweeted post, read as both posts; a reply's thread as its target; the
    quote's target and photo; a 2009 tweet's local time and offset; a zone name refused."""
    ids = _twint_ids()
    ds = tmp_path / "ds"
    _ingest(DS / "twint_tweets.jsonl", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {*ids.values(), "2000000000"}
    orig = posts[ids["orig"]]
    assert orig["created_at"] == datetime(2020, 11, 1, 20, 0, tzinfo=UTC)
    assert orig["account_id"] == "111" and orig["lang"] == "fr"
    assert orig["text"] == "Votez dimanche #Municipales https://t.co/Ab12"
    assert orig["urls"] == ["example.org/bureaux"] and orig["hashtags"] == ["municipales"]
    rt = posts[ids["rt"]]
    assert rt["repost_of"] == ids["orig"] and rt["account_id"] == "222"
    assert rt["created_at"] == datetime(2020, 11, 1, 20, 0, 30, tzinfo=UTC)
    assert rt["mentions"] == ["janedoe"]
    reply = posts[ids["reply"]]
    assert reply["reply_to"] == ids["orig"] and reply["mentions"] == ["janedoe"]
    quote = posts[ids["quote"]]
    assert quote["quote_of"] == ids["orig"] and quote["reply_to"] is None
    assert quote["media"] == ["pbs.twimg.com/media/EraBc.jpg"]
    assert quote["text"] == "La file au bureau 7 & 8 pic.twitter.com/Xy"  # X's escape undone
    old = posts[ids["old"]]  # the retweeted post, by its author
    assert old["account_id"] == "444" and old["repost_of"] is None
    assert old["hashtags"] == ["europeennes2019"] and old["mentions"] == ["paulmartin"]
    old_rt = posts[ids["old_rt"]]  # the retweet, by the retweeter
    assert old_rt["account_id"] == "555" and old_rt["repost_of"] == ids["old"]
    assert old_rt["created_at"] == datetime(2019, 5, 20, 8, 0, 20, tzinfo=UTC)
    assert old_rt["text"].startswith("RT @lemaire: Réunion publique")
    assert posts["2000000000"]["created_at"] == datetime(2009, 6, 14, 10, 0, tzinfo=UTC)
    acc = accounts_by_id(ds)
    assert acc["555"]["handle"] == "militant" and acc["111"]["display_name"] == "Jane Doe"
    assert _reasons(ds) == [("invalid timezone", "timezone", 7)]


def test_twint_videos_and_mentions_of_two_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """twint gives a video only as ``video: 1`` and its ``thumbnail``: every video of a
    real twint file was lost (now keyed by its media id, as the other X readers key it);
    its ``mentions`` are lower-case and its ``reply_to`` names are not: a handle was listed
    twice, once in each case."""
    lines = (DS / "twint_tweets.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first |= {
        "video": 1,
        "thumbnail": "https://pbs.twimg.com/ext_tw_video_thumb/1348942946360557568/pu/img/a.jpg",
        "mentions": [{"screen_name": "dgpmaharashtra", "name": "D", "id": "1"}],
        "reply_to": [{"screen_name": "DGPMaharashtra", "name": "D", "id": "1"}],
    }
    src = tmp_path / "t.jsonl"
    src.write_text(json.dumps(first) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    [post] = posts_by_id(ds).values()
    assert post["media"] == ["x-media:1348942946360557568"]
    assert post["mentions"] == ["dgpmaharashtra"]


def test_twint_csv_gives_what_its_json_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same four tweets written by ``twint --csv`` (lists as Python wrote them) give the
    posts the JSON lines give."""
    _ingest(DS / "twint_tweets.csv", tmp_path / "csv", capsys)
    _ingest(DS / "twint_tweets.jsonl", tmp_path / "json", capsys)
    from_csv, from_json = posts_by_id(tmp_path / "csv"), posts_by_id(tmp_path / "json")
    assert len(from_csv) == 4
    assert from_csv == {k: from_json[k] for k in from_csv}


def test_ytdt_video_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """YTDT's "Video List" output (a channel's or a search's videos), comma- or tab-separated:
    it was refused for want of ``post_id``. Each video a post of its channel, the text its title
    then its description (links and hashtags read from both), YouTube's hidden ``tags`` not
    read as hashtags, the channel's title its display name; a row without a time refused."""
    head = [
        "position", "channelId", "channelTitle", "videoId", "publishedAt", "publishedAtSQL",
        "videoTitle", "videoDescription", "tags", "videoCategoryId", "videoCategoryLabel",
        "duration", "durationSec", "viewCount", "likeCount", "commentCount",
    ]  # fmt: skip
    rows = [
        ["1", "UCaaaaaaaaaaaaaaaaaaaaaa", "Chan A", "abcDEF12345", "2024-05-29T10:00:00Z",
         "2024-05-29 10:00:00", "Vote now", "Watch https://example.org/x #Vote", "vote,news",
         "25", "News & Politics", "PT1M", "60", "100", "5", "3"],
        ["2", "UCaaaaaaaaaaaaaaaaaaaaaa", "Chan A", "abcDEF12346", "", "", "No date", "", "",
         "25", "News & Politics", "PT1M", "60", "1", "0", "0"],
    ]  # fmt: skip
    for sep, name in ((",", "videolist.csv"), ("\t", "videolist.tab")):
        src = tmp_path / name
        with open(src, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=sep, lineterminator="\n").writerows([head, *rows])
        assert detect(src) == "ytdt"
        ds = tmp_path / f"ds-{name}"
        _ingest(src, ds, capsys)
        (post,) = posts_by_id(ds).values()
        assert post["post_id"] == "abcDEF12345" and post["platform"] == "youtube"
        assert post["account_id"] == "UCaaaaaaaaaaaaaaaaaaaaaa"
        assert post["text"] == "Vote now\n\nWatch https://example.org/x #Vote"
        assert post["urls"] == ["example.org/x"] and post["hashtags"] == ["vote"]
        assert accounts_by_id(ds)["UCaaaaaaaaaaaaaaaaaaaaaa"]["display_name"] == "Chan A"
        assert _reasons(ds) == [("missing YTDT video field", "publishedAt", 3)]


def test_ytdt_pseudonymised_comments_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """YTDT's "pseudonymize" box hashes ids and names and leaves ``authorChannelId`` out (its
    ``mod_video_comments.php``): such a file was neither told nor read with ``--format
    ytdt``. The hashed name is the account (``pseudonym:``), the replies keep their thread."""
    name = "videoinfo_tlCKZF8b768_2024_10_08-10_11_12_comments.csv"
    rows = [
        "id,replyCount,likeCount,publishedAt,authorName,text,isReply,isReplyTo,isReplyToName",
        'b2b67fe9,1,0,"2023-04-14 02:38:12",118c413f,"kat gostosa",0,,',
        'ae942938,0,0,"2023-04-15 10:00:00",2c658c23,"@x não",1,b2b67fe9,118c413f',
    ]
    src = tmp_path / name
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert detect(src) == "ytdt"
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    posts = posts_by_id(ds)
    top, reply = posts["b2b67fe9"], posts["ae942938"]
    assert (top["account_id"], top["reply_to"]) == ("pseudonym:118c413f", "tlCKZF8b768")
    assert (reply["account_id"], reply["reply_to"]) == ("pseudonym:2c658c23", "b2b67fe9")
    assert top["created_at"] == datetime(2023, 4, 14, 2, 38, 12, tzinfo=UTC)
    assert accounts_by_id(ds)["pseudonym:118c413f"]["display_name"] is None


def test_ytdt_comments_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A YouTube Data Tools comments file, tab-separated, named as YTDT names it: top-level
    comments reply to the video its name holds, replies to their top-level comment; the
    HTML of a top-level text read out; a reply without its target and a bad date refused;
    renamed, the file's top-level comments have no target and the replies keep theirs."""
    ds = tmp_path / "ds"
    _ingest(DS / "videoinfo_aXnaHh40xnM_2024_06_09-10_00_00_comments.tab", ds, capsys)
    posts = posts_by_id(ds)
    assert set(posts) == {"UgwTop1", "UgwTop2", "UgwTop1.AAA"}
    top = posts["UgwTop1"]
    assert top["platform"] == "youtube" and top["account_id"] == "UCaaaaaaaaaaaaaaaaaaaaaa"
    assert top["reply_to"] == "aXnaHh40xnM"
    assert top["created_at"] == datetime(2024, 6, 8, 20, 0, tzinfo=UTC)
    assert top["text"].endswith("c'est demain #Legislatives") and "<a" not in top["text"]
    assert top["urls"] == ["example.org/bureaux"] and top["hashtags"] == ["legislatives"]
    reply = posts["UgwTop1.AAA"]
    assert reply["reply_to"] == "UgwTop1" and reply["mentions"] == ["janedoe"]
    acc = accounts_by_id(ds)
    assert acc["UCaaaaaaaaaaaaaaaaaaaaaa"]["handle"] == "janedoe"
    assert acc["UCbbbbbbbbbbbbbbbbbbbbbb"]["display_name"] == "Paul Martin"
    assert acc["UCbbbbbbbbbbbbbbbbbbbbbb"]["handle"] is None
    assert sorted(_reasons(ds), key=str) == [
        ("invalid publishedAt", "publishedAt", 6),
        ("missing YTDT comment field", "isReplyTo", 5),
    ]
    renamed = tmp_path / "renamed"
    _ingest(DS / "ytdt_comments_renamed.csv", renamed, capsys)
    again = posts_by_id(renamed)
    assert again["UgwTop1"]["reply_to"] is None and again["UgwTop1.AAA"]["reply_to"] == "UgwTop1"


@pytest.mark.parametrize("name", ["tcat_export.csv", "tcat_export.tsv"])
def test_tcat_export(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """A DMI-TCAT export (CSV or TSV, with TCAT's byte-order mark): the links X expanded
    (not TCAT's own redirects), hashtags and mentions from their columns, the client, the
    reply's and the quote's targets (``0`` is none), a 2009 tweet dated by ``time``, the
    profile; the retweet kept as TCAT stored it, read by the detection as a repost of its
    post; an id a spreadsheet rounded refused by field."""
    from fixtures.ingest.make_datasets import nodexl_id
    from vigie.detect.pipeline import run_detection

    orig_id = nodexl_id("2017-04-23 18:00:00", 1)
    quote_id = nodexl_id("2017-04-23 18:03:00", 4)
    ds = tmp_path / "ds"
    _ingest(DS / name, ds, capsys)
    posts = posts_by_id(ds)
    assert len(posts) == 5
    orig = posts[orig_id]
    assert orig["account_id"] == "111" and orig["client"] == "Twitter Web Client"
    assert orig["created_at"] == datetime(2017, 4, 23, 18, 0, tzinfo=UTC)
    assert orig["urls"] == ["example.org/bureaux"] and orig["hashtags"] == ["presidentielle2017"]
    assert orig["lang"] == "fr" and orig["reply_to"] is None
    assert orig["text"].endswith("#Presidentielle2017 https://www.example.org/bureaux")  # as x_v1
    reply = posts[nodexl_id("2017-04-23 18:02:00", 3)]
    assert reply["reply_to"] == orig_id and reply["mentions"] == ["JaneDoe"]  # as X's entities
    quote = posts[quote_id]
    assert quote["quote_of"] == orig_id and quote["reply_to"] is None
    old = posts["2000000000"]
    assert old["created_at"] == datetime(2009, 6, 14, 17, 20, tzinfo=UTC) and old["lang"] is None
    acc = accounts_by_id(ds)
    assert acc["111"]["handle"] == "JaneDoe" and acc["111"]["followers"] == 25000
    assert acc["111"]["created_at"] == datetime(2009, 5, 5, 10, 0, tzinfo=UTC)
    assert _reasons(ds) == [("invalid id", "id", 7)]
    findings = run_detection(ds, tmp_path / "findings", progress=False)
    diagnosis = findings.manifest()["diagnosis"]
    assert diagnosis["reposts_by_text"] == diagnosis["reposts_by_text_matched"] == 1


def test_academictwitter_tidy_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """academictwitteR's tidy table as R's write.csv saves it (row names, ``NA``): the
    retweet and the quote point at their post, which is also a post of its own (dated by its
    id); the reply at its thread; the author's profile; a row with no id refused by field."""
    from fixtures.ingest.make_datasets import nodexl_id

    orig = nodexl_id("2021-09-20 10:00:00", 1)
    ds = tmp_path / "ds"
    _ingest(DS / "academictwitter_tidy.csv", ds, capsys)
    posts = posts_by_id(ds)
    assert len(posts) == 4
    rt = posts[nodexl_id("2021-09-20 10:00:25", 2)]
    assert rt["repost_of"] == orig and rt["account_id"] == "222"
    assert posts[nodexl_id("2021-09-20 10:04:00", 3)]["quote_of"] == orig
    assert posts[nodexl_id("2021-09-20 10:05:00", 4)]["reply_to"] == orig
    source = posts[orig]
    assert source["account_id"] == "111" and source["hashtags"] == ["btw21"]
    assert source["created_at"] == datetime(2021, 9, 20, 10, 0, tzinfo=UTC)
    assert source["reply_to"] is None and source["lang"] == "de"
    acc = accounts_by_id(ds)
    assert acc["111"]["handle"] == "JaneDoe" and acc["111"]["followers"] == 25000
    assert acc["111"]["created_at"] == datetime(2012, 3, 4, 10, 0, tzinfo=UTC)
    assert _reasons(ds) == [("invalid tweet_id", "tweet_id", 6)]


def test_pyktok_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pyktok's comments CSV (a real one of 52 comments, pyktok's own, was refused whole):
    the comment objects as pandas wrote them, ``user`` a Python dict's text. The author is
    its ``unique_id``, read by pattern (never evaluated), a reply's target the comment it
    answers, else the video."""
    user = (
        "{'uid': '6967180025670452229', 'nickname': \"l'ami \\u2764\", 'unique_id': "
        "'chelo____ff', 'avatar_thumb': {'uri': 'x', 'url_list': ['https://p16.example/a']}}"
    )
    rows = [
        ["cid", "text", "aweme_id", "create_time", "user", "reply_id", "comment_language"],
        ["7017184107226989318", "pls unban @bacyleey", "7011536772089924869", "1633815496",
         user, "0", "en"],
        ["7017184107226989319", "non", "7011536772089924869", "1633815596",
         user.replace("chelo____ff", "autre.user"), "7017184107226989318", "un"],
        ["7017184107226989320", "x", "7011536772089924869", "1633815596",
         "{'uid': '1'}", "0", "en"],
    ]  # fmt: skip
    src = tmp_path / "comments.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert detect(src) == "pyktok"
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    posts = posts_by_id(ds)
    top, reply = posts["7017184107226989318"], posts["7017184107226989319"]
    assert (top["account_id"], top["reply_to"], top["lang"]) == (
        "chelo____ff",
        "7011536772089924869",
        "en",
    )
    assert top["created_at"] == datetime(2021, 10, 9, 21, 38, 16, tzinfo=UTC)
    assert top["mentions"] == ["bacyleey"] and top["platform"] == "tiktok"
    assert (reply["account_id"], reply["reply_to"], reply["lang"]) == (
        "autre.user",
        "7017184107226989318",
        None,
    )
    assert accounts_by_id(ds)["chelo____ff"]["display_name"] == "l'ami \u2764"
    assert _reasons(ds) == [("invalid user", "user", 4)]


def test_pyktok_videos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pyktok's metadata: UTC times from the video ids (the file holds the scraping
    computer's local time, two hours ahead); the on-screen texts after the description, so
    that two videos carrying the same words share them; the author's counts (pandas'
    floats); an advertisement skipped and counted; an id that is none refused; an id that
    holds no time dated by its ``video_timestamp``."""
    from fixtures.ingest.make_datasets import tiktok_id

    ds = tmp_path / "ds"
    _ingest(DS / "pyktok_videos.csv", ds, capsys)
    posts = posts_by_id(ds)
    first, second = tiktok_id("2024-11-20 08:00:00", 101), tiktok_id("2024-11-20 08:00:40", 102)
    assert set(posts) == {first, second, "12345"}
    one = posts[first]
    assert one["platform"] == "tiktok" and one["account_id"] == "susținător1"
    assert one["created_at"] == datetime(2024, 11, 20, 8, 0, tzinfo=UTC)
    assert sorted(one["hashtags"]) == ["alegeri", "romania"]
    assert one["text"].endswith("\nVotați pe 24 noiembrie!")
    assert posts[second]["text"] == "Votați pe 24 noiembrie!\nDistribuie!"
    assert posts["12345"]["created_at"] == datetime(2016, 10, 1, 12, 0, tzinfo=UTC)
    acc = accounts_by_id(ds)
    assert acc["susținător1"]["followers"] == 1200 and acc["susținător1"]["posts_count"] == 35
    assert acc["susținător2"]["followers"] is None
    skipped = json.loads((ds / "manifest.json").read_text())["sources"][0]["skipped"]
    assert skipped == {"pyktok: an advertisement (not a post)": 1}
    assert _reasons(ds) == [("invalid video_id", "video_id", 5)]


def test_tcat_export_of_before_october_2014(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TCAT's export header before 6 October 2014 (dmi-tcat ``mod.export_tweets.php`` before
    commit 3ee9631) has no ``from_user_id``: such an export was not told as TCAT, nor read
    with ``--format tcat``. Its account is the handle, prefixed; its counts are read."""
    header = (
        "id,time,created_at,from_user_name,from_user_lang,text,source,location,lat,lng,"
        "from_user_follower_count,from_user_friend_count,from_user_realname,to_user_name,"
        "in_reply_to_status_id,from_user_listed,from_user_utcoffset,from_user_timezone,"
        "from_user_description,from_user_url,from_user_verified,filter_level"
    )
    row = (
        '421303940474839040,1389285000,"2014-01-09 16:30:00","wahlfan","de",'
        '"Morgen wählen #ltw https://t.co/abc","web","Berlin",,,1200,300,"Wahl Fan",,'
        '421300000000000000,5,3600,Berlin,"Bio",,0,low'
    )
    src = tmp_path / "tcat.csv"
    src.write_text(header + "\n" + row + "\n", encoding="utf-8")
    assert detect(src) == "tcat"
    ds = tmp_path / "ds"
    _ingest(src, ds, capsys)
    [post] = posts_by_id(ds).values()
    assert post["post_id"] == "421303940474839040" and post["account_id"] == "handle:wahlfan"
    assert post["reply_to"] == "421300000000000000" and post["hashtags"] == ["ltw"]
    acc = accounts_by_id(ds)["handle:wahlfan"]
    assert (acc["followers"], acc["following"], acc["handle"]) == (1200, 300, "wahlfan")


def test_a_tcat_tweet_and_its_api_json_are_one_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same tweet from a TCAT export and from X's v1.1 JSON merges into one post with no
    field in disagreement (text with its link expanded, links, hashtags, client, language)."""
    from fixtures.ingest.make_datasets import nodexl_id

    orig = nodexl_id("2017-04-23 18:00:00", 1)
    tweet = {
        "id_str": orig,
        "created_at": "Sun Apr 23 18:00:00 +0000 2017",
        "full_text": "Bureau 12 ouvert jusqu'à 19h #Presidentielle2017 https://t.co/Ab12",
        "lang": "fr",
        "source": '<a href="http://twitter.com" rel="nofollow">Twitter Web Client</a>',
        "user": {"id_str": "111", "screen_name": "JaneDoe", "name": "Jane Doe"},
        "entities": {
            "hashtags": [{"text": "Presidentielle2017", "indices": [29, 48]}],
            "user_mentions": [],
            "urls": [
                {"url": "https://t.co/Ab12", "expanded_url": "https://www.example.org/bureaux"}
            ],
        },
    }
    api = tmp_path / "api.jsonl"
    api.write_text(json.dumps(tweet) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    _ingest(DS / "tcat_export.csv", ds, capsys)
    _ingest(api, ds, capsys, "--format", "x-v1")
    post = posts_by_id(ds)[orig]
    assert post["text"].endswith("https://www.example.org/bureaux")
    assert "merge_conflicts" not in manifest(ds) or not manifest(ds)["merge_conflicts"]
