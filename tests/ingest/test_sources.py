"""The sources added beside X/Telegram/Bluesky, on fixtures written from their documented
schemas (tests/fixtures/ingest/make_sources.py): detection, mapping, refusals, append."""

from __future__ import annotations

import csv as csv_mod
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected
from vigie.errors import VigieError
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect

SRC = FIX / "sources"
DID_A = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
DID_B = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
POST_A = f"at://{DID_A}/app.bsky.feed.post/3l3qo2vuowo2b"
T0 = 1725911162329308


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("jetstream.jsonl", "jetstream"),
        ("mastodon_timeline.json", "mastodon"),
        ("youtube_comment_threads.json", "youtube"),
        ("tiktok_videos.jsonl", "tiktok"),
        ("mcl_facebook_posts.csv", "mcl"),
        ("mcl_instagram_posts.jsonl", "mcl"),
        ("zeeschuimer.ndjson", "zeeschuimer"),
        ("minet_youtube_comments.csv", "minet"),
        ("minet_youtube_videos.csv", "minet"),
        ("minet_tiktok_videos.csv", "minet"),
        ("minet_ct_posts.csv", "crowdtangle"),
        ("minet_ct_summary_posts.csv", "crowdtangle"),
        ("snscrape_tweets.jsonl", "snscrape"),
        ("snscrape_telegram.jsonl", "snscrape"),
        ("vk_wall.jsonl", "vk"),
        ("vk_4cat.ndjson", "vk"),
    ],
)
def test_detection(name: str, fmt: str) -> None:
    assert detect(SRC / name) == fmt


def test_jetstream_posts_reposts_and_cursor(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([SRC / "jetstream.jsonl"], ds)
    posts = posts_by_id(ds)
    assert posts[POST_A]["urls"] == ["bundeswahlleiter.de/a"]
    assert posts[POST_A]["hashtags"] == ["btw"] and posts[POST_A]["lang"] == "de"
    repost = posts[f"at://{DID_B}/app.bsky.feed.repost/3l3qo3bbbbb2b"]
    assert repost["repost_of"] == POST_A and repost["account_id"] == DID_B
    assert posts[f"at://{DID_B}/app.bsky.feed.post/3l3qo4ccccc2b"]["reply_to"] == POST_A
    q = posts[f"at://{DID_B}/app.bsky.feed.post/3l3qo7eeeee2b"]
    assert q["quote_of"] == POST_A and q["mentions"] == ["anna.bsky.social"]
    assert q["media"] == ["bafkreigh2akiscaildcqabsyg3dfr6chu3fgpr"]  # the image blob's CID
    assert len(posts) == 4
    assert accounts_by_id(ds)[DID_B]["handle"] == "bob.bsky.social"
    src = report.sources[0]
    assert src.skipped == {
        "jetstream: create app.bsky.feed.like (not a new post or repost)": 1,
        "jetstream: delete app.bsky.feed.post (not a new post or repost)": 1,
        "jetstream: identity event (handle kept in accounts)": 1,
    }
    assert [r["reason"] for r in rejected(ds)] == ["invalid time_us"]
    m = manifest(ds)
    assert m["cursors"] == {"jetstream": T0 + 13_000_000}  # the last valid time_us
    assert m["sources"][0]["cursors"] == {"jetstream": T0 + 13_000_000}


def test_jetstream_resume_keeps_the_furthest_cursor(tmp_path: Path) -> None:
    """A later capture resumed from the cursor appends; the manifest's cursor moves on."""
    ds = tmp_path / "ds"
    ingest([SRC / "jetstream.jsonl"], ds)
    later = tmp_path / "later.jsonl"
    cursor = manifest(ds)["cursors"]["jetstream"]
    event = json.loads((SRC / "jetstream.jsonl").read_text().splitlines()[0])
    event["time_us"] = cursor + 1_000_000
    event["commit"]["rkey"] = "3l3qozzzzzz2b"
    replayed = json.loads((SRC / "jetstream.jsonl").read_text().splitlines()[2])
    later.write_text(json.dumps(replayed) + "\n" + json.dumps(event) + "\n")
    report = ingest([later], ds)
    assert manifest(ds)["cursors"]["jetstream"] == cursor + 1_000_000
    assert report.duplicates == 1 and report.posts == 5  # the replayed event is merged
    older = tmp_path / "older.jsonl"
    older.write_text(json.dumps(replayed) + "\n")
    ingest([older], ds)
    assert manifest(ds)["cursors"]["jetstream"] == cursor + 1_000_000  # never goes back


def test_mastodon_statuses(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([SRC / "mastodon_timeline.json"], ds)
    posts = posts_by_id(ds)
    orig = posts["112000000000000001"]
    assert orig["text"] == "Wählen gehen! #Europawahl example.org/aufruf\nZweite Zeile & mehr"
    assert orig["urls"] == ["example.org/aufruf"]  # the hashtag link is not a URL
    assert orig["hashtags"] == ["europawahl"]
    assert orig["media"] == ["files.social.example/media/abc.png"]
    boost = posts["112000000000000002"]
    assert boost["repost_of"] == "112000000000000001" and boost["text"] is None
    reply = posts["112000000000000003"]
    assert reply["reply_to"] == "112000000000000001" and reply["mentions"] == ["anna"]
    assert posts["112000000000000004"]["text"] == "kurz"  # a minimal status
    acc = accounts_by_id(ds)
    assert acc["109000000000000002"]["handle"] == "ben@other.example"
    assert acc["109000000000000001"]["followers"] == 300
    assert acc["109000000000000001"]["description"] == "Konto von Anna"
    rej = rejected(ds)
    assert [(r["reason"], r["field"], r["record"]) for r in rej] == [
        ("missing status field", "created_at", 5)  # an array's records: element numbers
    ]


def test_telethon_messages(tmp_path: Path) -> None:
    """Telethon's messages (``to_json()``, one per line): ids per chat as the Desktop export
    writes them, a forward naming its original, replies across chats, hidden links, service
    messages counted and not refused, bad peers and missing dates refused by record."""
    ds = tmp_path / "ds"
    report = ingest([SRC / "telethon_messages.jsonl"], ds)
    assert report.sources[0].format == "telethon"
    posts = posts_by_id(ds)
    call = posts["1500000001:501"]
    assert call["account_id"] == "channel1500000001" and call["platform"] == "telegram"
    assert call["urls"] == ["example.org/aufruf"] and call["hashtags"] == ["europawahl"]
    assert call["created_at"].isoformat() == "2024-06-01T10:00:00+00:00"
    assert posts["1500000001:502"]["urls"] == ["nachrichten.example.de/artikel/7"]  # hidden
    fwd = posts["1500000002:77"]
    assert fwd["repost_of"] == "1500000001:501"  # the original channel post, named
    assert fwd["created_at"].isoformat() == "2024-06-01T10:05:00+00:00"  # str(datetime)
    reply = posts["1500000003:9001"]
    assert reply["account_id"] == "user424242" and reply["reply_to"] == "1500000001:502"
    assert reply["mentions"] == ["anna"]
    group = posts["880001:12"]
    assert group["reply_to"] == "880001:11" and group["repost_of"] is None  # a user's forward
    assert posts["1500000001:506"]["created_at"].isoformat() == "2024-06-01T10:11:00+00:00"
    assert len(posts) == 6
    # the channels that posted and the user who wrote in a chat (channel 1500000003 only
    # holds that user's comment)
    assert set(accounts_by_id(ds)) == {"channel1500000001", "channel1500000002", "user424242"}
    reasons = sorted((r["record"], r["reason"], r["field"]) for r in rejected(ds))
    assert reasons == [
        (7, "missing Telegram message field", "date"),
        (8, "invalid peer_id", "peer_id"),
        (10, "invalid id", "id"),
    ]
    assert "service message" in json.dumps(manifest(ds)["sources"][0])


def test_telethon_and_desktop_export_of_one_channel_deduplicate(tmp_path: Path) -> None:
    """One channel collected with Telethon and exported from Telegram Desktop: the same
    post ids and account ids, so the second source adds no post twice."""
    desktop = {
        "name": "Kanal",
        "type": "public_channel",
        "id": 1500000001,
        "messages": [
            {
                "id": 501,
                "type": "message",
                "date": "2024-06-01T12:00:00",
                "date_unixtime": "1717236000",
                "from": "Kanal",
                "from_id": "channel1500000001",
                "text": "Wahlaufruf #Europawahl: https://example.org/aufruf?utm_source=tg",
            }
        ],
    }
    src = tmp_path / "result.json"
    src.write_text(json.dumps(desktop), encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([SRC / "telethon_messages.jsonl"], ds)
    again = ingest([src], ds)
    assert again.duplicates == 1
    post = posts_by_id(ds)["1500000001:501"]
    assert post["account_id"] == "channel1500000001"


def test_telethon_links_typed_without_scheme_as_the_desktop_export(tmp_path: Path) -> None:
    """Telegram marks a link typed without ``https://`` (``MessageEntityUrl``, offsets in
    UTF-16 units: an emoji before it counts two); a real Telethon dump's
    ``t.me/UAhelpinfoAdmin`` was lost, which its Desktop export (a ``link`` entity) keeps:
    both now give it."""
    text = "Hilfe 🇺🇦 hier: t.me/UAhelpinfoAdmin und https://example.org/a"
    start = len(text[: text.index("t.me")].encode("utf-16-le")) // 2
    msg = {
        "_": "Message",
        "id": 106,
        "peer_id": {"_": "PeerChannel", "channel_id": 1746611944},
        "date": "2022-03-01T10:00:00+00:00",
        "message": text,
        "entities": [
            {"_": "MessageEntityUrl", "offset": start, "length": 20},
            {"_": "MessageEntityUrl", "offset": 10**6, "length": 5},
        ],
    }
    desktop = {
        "name": "Kanal",
        "type": "public_channel",
        "id": 1746611944,
        "messages": [
            {
                "id": 106,
                "type": "message",
                "date_unixtime": "1646128800",
                "date": "2022-03-01T10:00:00",
                "from": "Kanal",
                "from_id": "channel1746611944",
                "text": [
                    "Hilfe 🇺🇦 hier: ",
                    {"type": "link", "text": "t.me/UAhelpinfoAdmin"},
                    " und ",
                    {"type": "link", "text": "https://example.org/a"},
                ],
            }
        ],
    }
    a_src, b_src = tmp_path / "telethon.jsonl", tmp_path / "result.json"
    a_src.write_text(json.dumps(msg, ensure_ascii=False) + "\n", encoding="utf-8")
    b_src.write_text(json.dumps(desktop, ensure_ascii=False), encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([a_src], a)
    ingest([b_src], b)
    got = posts_by_id(a)["1746611944:106"]["urls"]
    assert sorted(got) == ["example.org/a", "t.me/UAhelpinfoAdmin"]
    assert sorted(posts_by_id(b)["1746611944:106"]["urls"]) == sorted(got)


def test_telethon_objects_as_4cat_keeps_them(tmp_path: Path) -> None:
    """4CAT's Telegram data source keeps Telethon's objects with their TL type under
    ``_type`` and times as POSIX seconds: the same posts."""
    from datetime import datetime

    def fourcat(v: object) -> object:
        if isinstance(v, dict):
            out = {("_type" if k == "_" else k): fourcat(x) for k, x in v.items()}
            if isinstance(out.get("date"), str):
                out["date"] = int(datetime.fromisoformat(out["date"]).timestamp())
            return out
        return [fourcat(x) for x in v] if isinstance(v, list) else v

    lines = (SRC / "telethon_messages.jsonl").read_text(encoding="utf-8").splitlines()
    src = tmp_path / "telegram-4cat.ndjson"
    src.write_text("".join(json.dumps(fourcat(json.loads(x))) + "\n" for x in lines))
    report = ingest([src], tmp_path / "a")
    assert report.sources[0].format == "telethon"
    ingest([SRC / "telethon_messages.jsonl"], tmp_path / "b")
    assert posts_by_id(tmp_path / "a") == posts_by_id(tmp_path / "b")


def test_telethon_array_pretty_printed_is_detected(tmp_path: Path) -> None:
    """The same messages saved as one indented JSON array are recognised and read alike."""
    lines = (SRC / "telethon_messages.jsonl").read_text(encoding="utf-8").splitlines()
    src = tmp_path / "dump.json"
    src.write_text(json.dumps([json.loads(x) for x in lines], indent=2), encoding="utf-8")
    ingest([src], tmp_path / "a")
    ingest([SRC / "telethon_messages.jsonl"], tmp_path / "b")
    assert posts_by_id(tmp_path / "a") == posts_by_id(tmp_path / "b")


def test_youtube_comment_threads(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([SRC / "youtube_comment_threads.json"], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {"UgzTOP1", "UgzTOP1.REP1"}
    top = posts["UgzTOP1"]
    assert top["account_id"] == "UCaaaa" and top["reply_to"] == "dQw4w9WgXcQ"
    assert top["urls"] == ["example.org/x"] and top["hashtags"] == ["btw"]
    assert posts["UgzTOP1.REP1"]["reply_to"] == "UgzTOP1"
    assert accounts_by_id(ds)["UCbbbb"]["handle"] == "bob"
    rej = rejected(ds)
    assert [(r["field"], r["record"]) for r in rej] == [("authorChannelId.value", "1:2")]


def test_tiktok_videos(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([SRC / "tiktok_videos.jsonl"], ds)
    posts = posts_by_id(ds)
    v = posts["7350000000000000001"]  # int64 ids kept exact
    assert v["account_id"] == "wahl_info" and v["hashtags"] == ["europawahl"]
    assert v["mentions"] == ["freundin"] and v["urls"] == ["example.org/w"]
    assert v["created_at"].isoformat() == "2024-06-01T10:00:00+00:00"
    assert posts["7350000000000000002"]["hashtags"] == ["europawahl"]
    reasons = sorted((r["reason"], r["field"]) for r in rejected(ds))
    assert reasons == [
        ("TikTok API error page", None),
        ("missing TikTok video field", "create_time"),
    ]
    assert report.sources[0].records == 4


def test_zeeschuimer_captures(tmp_path: Path) -> None:
    """X GraphQL results read as the v1.1 tweets they wrap (a long tweet whole, the retweeted
    and quoted tweets their own posts), TikTok and Instagram web items; other platforms'
    items skipped and counted, a tweet result without its ``legacy`` refused by field."""
    ds = tmp_path / "ds"
    report = ingest([SRC / "zeeschuimer.ndjson"], ds)
    posts = posts_by_id(ds)
    orig, rt, quote = "1785000000000000001", "1785000000000000002", "1785000000000000003"
    tiktok = {"7363000000000000001", "7363000000000000002"}
    comments = {"7363000000000000101", "7363000000000000102"}
    truths = {"112345678901234567", "112345678901234560"}
    gabs = {"112400000000000001", "112400000000000002"}
    expected = {orig, rt, quote, "C6aBcDeFgHi", "C7tHrEaDs01"} | tiktok | comments | truths | gabs
    assert set(posts) == expected
    o = posts[orig]
    assert o["platform"] == "x" and o["account_id"] == "111" and o["lang"] == "fr"
    assert o["text"].startswith("Lisez ceci") and "x" * 260 in o["text"]  # note_tweet, whole
    assert o["text"].endswith("https://www.lemonde.fr/a?utm_source=twitter")
    assert o["urls"] == ["lemonde.fr/a"] and o["hashtags"] == ["presidentielle"]
    assert o["media"] == ["pbs.twimg.com/media/GMa1.jpg"] and o["client"] == "Twitter Web App"
    assert o["created_at"].isoformat() == "2024-04-30T10:00:00+00:00"
    assert posts[rt]["repost_of"] == orig and posts[rt]["account_id"] == "222"
    q = posts[quote]  # unwrapped from TweetWithVisibilityResults
    assert (q["quote_of"], q["reply_to"], q["mentions"]) == (orig, orig, ["outlet"])
    tiktok_video = "7363000000000000001"
    v = posts[tiktok_video]
    assert v["platform"] == "tiktok" and v["account_id"] == "creator_fr"
    assert v["hashtags"] == ["election"] and v["mentions"] == ["ami_1"]
    assert posts["7363000000000000002"]["account_id"] == "relay_fr"  # author as a bare name
    ig = posts["C6aBcDeFgHi"]
    assert ig["platform"] == "instagram" and ig["account_id"] == "4400"
    assert ig["created_at"].isoformat() == "2024-04-30T11:00:00+00:00"
    assert ig["hashtags"] == ["vote"] and ig["urls"] == ["example.fr/r"]
    th = posts["C7tHrEaDs01"]
    assert (th["platform"], th["account_id"]) == ("threads", "5500")
    assert th["urls"] == ["example.fr/programme"]  # the link preview, through l.threads.net
    top, reply = posts["7363000000000000101"], posts["7363000000000000102"]
    assert (top["account_id"], top["reply_to"], top["lang"]) == ("fan_9", tiktok_video, "fr")
    assert top["mentions"] == ["creator_fr"] and top["hashtags"] == ["election"]
    assert reply["reply_to"] == "7363000000000000101" and reply["account_id"] == "creator_fr"
    truth = posts["112345678901234567"]  # a Mastodon status, its quote embedded whole
    assert (truth["platform"], truth["account_id"]) == ("truthsocial", "107780257626128497")
    assert truth["quote_of"] == "112345678901234560" and truth["hashtags"] == ["election"]
    assert truth["urls"] == ["example.com/vote"] and truth["text"].startswith("Votez !")
    assert posts["112345678901234560"]["platform"] == "truthsocial"
    gab = posts["112400000000000001"]  # Gab's compact names
    assert (gab["platform"], gab["account_id"]) == ("gab", "4000001")
    assert gab["text"] == "Stop the steal #Election2024" and gab["hashtags"] == ["election2024"]
    assert gab["mentions"] == ["patriot_1"] and gab["media"] == ["media.gab.com/system/1.jpg"]
    assert gab["created_at"].isoformat() == "2024-04-30T13:00:00+00:00"
    assert posts["112400000000000002"]["account_id"] == "4000002"  # the API's names
    acc = accounts_by_id(ds)
    assert acc["107780257626128497"]["handle"] == "patriot_1"
    assert acc["111"]["handle"] == "outlet" and acc["111"]["followers"] == 1200  # user's core
    assert acc["222"]["handle"] == "fan"  # user's legacy (older results)
    assert acc["creator_fr"]["display_name"] == "Créa" and acc["creator_fr"]["posts_count"] == 88
    assert acc["4400"]["handle"] == "militant.fr"
    assert [(r["reason"], r["field"]) for r in rejected(ds)] == [
        ("missing item field", "data.legacy")
    ]
    src = manifest(ds)["sources"][0]
    assert src["skipped"] == {"zeeschuimer: items from linkedin.com are not read": 1}
    assert report.sources[0].records == 14


def test_zeeschuimer_items_as_4cat_exports_them(tmp_path: Path) -> None:
    """4CAT's NDJSON download of an imported Zeeschuimer dataset: each captured object's
    fields beside ``__import_meta`` (the rest of the item). The same Dataset."""
    flat = tmp_path / "4cat-export.ndjson"
    with open(flat, "w", encoding="utf-8") as fh:
        for line in (SRC / "zeeschuimer.ndjson").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            meta = {k: v for k, v in item.items() if k != "data"}
            fh.write(json.dumps({**item["data"], "__import_meta": meta}) + "\n")
    assert detect(flat) == "zeeschuimer"
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([SRC / "zeeschuimer.ndjson"], a)
    ingest([flat], b)
    assert posts_by_id(b) == posts_by_id(a) and len(posts_by_id(a)) == 13
    assert accounts_by_id(b) == accounts_by_id(a)
    assert manifest(b)["sources"][0]["skipped"] == manifest(a)["sources"][0]["skipped"]
    assert [(r["reason"], r["field"]) for r in rejected(b)] == [
        (r["reason"], r["field"]) for r in rejected(a)
    ]


def test_bare_tiktok_items_as_4cat_fetches_them(tmp_path: Path) -> None:
    """4CAT's TikTok-by-URL data source keeps the web items bare (their comments beside them):
    told apart and read as the same items captured by Zeeschuimer."""
    items = [json.loads(x) for x in (SRC / "zeeschuimer.ndjson").read_text().splitlines()]
    videos = [i["data"] for i in items if i["source_platform"] == "tiktok.com"]
    bare = tmp_path / "tiktok-urls.ndjson"
    bare.write_text("".join(json.dumps({**v, "comments": []}) + "\n" for v in videos))
    assert detect(bare) == "zeeschuimer"
    ds, zs = tmp_path / "ds", tmp_path / "zs"
    ingest([bare], ds)
    ingest([SRC / "zeeschuimer.ndjson"], zs)
    ids = {str(v["id"]) for v in videos}
    assert posts_by_id(ds) == {k: v for k, v in posts_by_id(zs).items() if k in ids}
    assert len(ids) == 2


def test_zeeschuimer_tiktok_merges_with_the_research_api(tmp_path: Path) -> None:
    """The account of a captured TikTok video is its user name, as the Research API's."""
    capture = tmp_path / "capture.ndjson"
    line = json.loads((SRC / "zeeschuimer.ndjson").read_text().splitlines()[4])
    line["data"]["id"] = "7350000000000000001"
    line["data"]["author"]["uniqueId"] = "wahl_info"
    capture.write_text(json.dumps(line) + "\n")
    ds = tmp_path / "ds"
    ingest([SRC / "tiktok_videos.jsonl"], ds)
    ingest([capture], ds)
    assert posts_by_id(ds)["7350000000000000001"]["account_id"] == "wahl_info"
    assert manifest(ds)["sources"][1]["duplicates"] == 1


def test_minet_youtube_and_tiktok_csvs(tmp_path: Path) -> None:
    """minet's CSVs: comments reply to their video or parent, videos are their channel's
    posts, TikTok accounts are user names; a comment of a deleted channel is refused."""
    ds = tmp_path / "ds"
    report = ingest(
        [
            SRC / "minet_youtube_comments.csv",
            SRC / "minet_youtube_videos.csv",
            SRC / "minet_tiktok_videos.csv",
        ],
        ds,
    )
    posts = posts_by_id(ds)
    top, reply = posts["UgzTopComment1"], posts["UgzTopComment1.AbCdReply1"]
    assert (top["platform"], top["account_id"]) == ("youtube", "UCaaaaaaaaaaaaaaaaaaaaa1")
    assert top["reply_to"] == "dQw4w9WgXcQ" and top["urls"] == ["example.fr/vote"]
    assert top["created_at"].isoformat() == "2024-06-20T08:00:00+00:00"
    assert reply["reply_to"] == "UgzTopComment1" and reply["text"] == "@Citoyen_1 oui,\nallez voter"
    video = posts["dQw4w9WgXcQ"]
    assert video["account_id"] == "UCccccccccccccccccccccc3" and video["lang"] == "fr"
    assert video["text"] == "Le débat en entier\n\nRegardez https://example.fr/debat #legislatives"
    tt = posts["7382000000000000001"]
    assert (tt["platform"], tt["account_id"]) == ("tiktok", "militant_2")
    assert tt["hashtags"] == ["vote", "legislatives"] and tt["mentions"] == ["ami_2"]
    assert posts["7382000000000000002"]["hashtags"] == ["europe"]  # none listed: the text's
    acc = accounts_by_id(ds)
    assert acc["UCaaaaaaaaaaaaaaaaaaaaa1"]["handle"] == "Citoyen_1"
    assert acc["militant_2"]["followers"] == 900 and acc["militant_2"]["posts_count"] == 31
    assert sorted((r["reason"], r["field"]) for r in rejected(ds)) == [
        ("missing comment field", "author_channel_id"),
        ("missing video field", "published_at"),
    ]
    assert [s.format for s in report.sources] == ["minet"] * 3


def test_minet_comments_read_as_the_api_reader_reads_them(tmp_path: Path) -> None:
    """The comments minet wrote and the commentThread they came from: one Dataset."""
    rows = (SRC / "minet_youtube_comments.csv").read_text(encoding="utf-8")
    top, reply, _ = list(csv_mod.DictReader(io.StringIO(rows)))

    def snippet(row: dict[str, str]) -> dict[str, Any]:
        sn = {
            "videoId": row["video_id"],
            "textOriginal": row["text"],
            "authorDisplayName": row["author_name"],
            "authorChannelId": {"value": row["author_channel_id"]},
            "publishedAt": row["published_at"],
        }
        return sn | ({"parentId": row["parent_comment_id"]} if row["parent_comment_id"] else {})

    thread = {
        "kind": "youtube#commentThread",
        "id": top["comment_id"],
        "snippet": {
            "videoId": top["video_id"],
            "topLevelComment": {"id": top["comment_id"], "snippet": snippet(top)},
        },
        "replies": {"comments": [{"id": reply["comment_id"], "snippet": snippet(reply)}]},
    }
    api = tmp_path / "threads.jsonl"
    api.write_text(json.dumps(thread) + "\n")
    minet_csv = tmp_path / "minet.csv"
    with open(minet_csv, "w", encoding="utf-8", newline="") as fh:
        writer = csv_mod.DictWriter(fh, list(top))
        writer.writeheader()
        writer.writerows([top, reply])
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([api], a)
    ingest([minet_csv], b)
    assert posts_by_id(a) == posts_by_id(b) and len(posts_by_id(a)) == 2
    assert accounts_by_id(a) == accounts_by_id(b)


def test_snscrape_tweets(tmp_path: Path) -> None:
    """snscrape's Tweets read as the v1.1 tweets they were scraped from: t.co links
    expanded, photos keyed as v1.1's media_url_https, the best mp4 of a video, the retweeted
    tweet a post of its own, a TweetRef's id as the quote; older and forBuggyIntParser
    output too; a User item skipped, a tweet whose user has no id refused by that field."""
    ds = tmp_path / "ds"
    report = ingest([SRC / "snscrape_tweets.jsonl"], ds)
    posts = posts_by_id(ds)
    orig, rt, reply = "1498999000000000101", "1498999000000000102", "1498999000000000103"
    old, buggy = "1480000000000000001", "1498999000000000104"
    assert set(posts) == {orig, rt, reply, old, buggy}
    o = posts[orig]
    assert o["account_id"] == "783214" and o["client"] == "Twitter for Android"
    assert o["text"].endswith("https://www.lemonde.fr/a?utm_source=twitter")
    assert o["urls"] == ["lemonde.fr/a"] and o["media"] == ["pbs.twimg.com/media/FMx1.jpg"]
    assert o["hashtags"] == ["presidentielle"] and o["mentions"] == ["bob_r"]
    assert o["created_at"].isoformat() == "2022-03-01T10:00:00+00:00"
    assert posts[rt]["repost_of"] == orig and posts[rt]["account_id"] == "995566"
    assert (posts[reply]["reply_to"], posts[reply]["quote_of"]) == (orig, "1498999000000000099")
    assert posts[old]["urls"] == ["example.fr/ancien"]  # outlinks, before links existed
    assert posts[old]["media"] == ["x-media:1"]
    acc = accounts_by_id(ds)["783214"]
    assert (acc["handle"], acc["followers"], acc["posts_count"]) == ("anna_b", 150, 900)
    assert [(r["reason"], r["field"]) for r in rejected(ds)] == [("missing tweet field", "user.id")]
    assert manifest(ds)["sources"][0]["skipped"] == {"snscrape: a User item (not a tweet)": 1}
    assert report.sources[0].records == 7


def test_snscrape_and_the_api_give_one_tweet(tmp_path: Path) -> None:
    """The same tweet from snscrape and from API v1.1: one post, field for field."""
    line = json.loads((SRC / "snscrape_tweets.jsonl").read_text().splitlines()[0])
    api = {
        "id_str": "1498999000000000101",
        "created_at": "Tue Mar 01 10:00:00 +0000 2022",
        "full_text": "Lisez avant de voter #Presidentielle @bob_r https://t.co/aaa",
        "lang": "fr",
        "source": '<a href="http://twitter.com/download/android">Twitter for Android</a>',
        "entities": {
            "hashtags": [{"text": "Presidentielle"}],
            "user_mentions": [{"screen_name": "bob_r", "id_str": "995566"}],
            "urls": [
                {
                    "url": "https://t.co/aaa",
                    "expanded_url": "https://www.lemonde.fr/a?utm_source=twitter",
                }
            ],
        },
        "extended_entities": {
            "media": [{"media_url_https": "https://pbs.twimg.com/media/FMx1.jpg", "type": "photo"}]
        },
        "user": {"id_str": "783214", "screen_name": "anna_b"},
    }
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps(line) + "\n")
    b.write_text(json.dumps(api) + "\n")
    da, db = tmp_path / "da", tmp_path / "db"
    ingest([a], da)
    ingest([b], db)
    assert posts_by_id(da) == posts_by_id(db)
    ingest([b], da)  # appended: the same (platform, post_id), merged
    assert len(posts_by_id(da)) == 1 and manifest(da)["sources"][1]["duplicates"] == 1


def test_vk_wall_and_4cat_items(tmp_path: Path) -> None:
    """VK posts by their wall address, a repost's original a post of its own, VK's mention
    markup, link attachments, photos by their own id; 4CAT's comments reply to the post or
    to a comment, with the author's profile; an error answer and a post without its author
    refused."""
    ds = tmp_path / "ds"
    ingest([SRC / "vk_wall.jsonl"], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {"-1001_501", "777_88"}
    src = posts["-1001_501"]
    assert (src["platform"], src["account_id"]) == ("vk", "-1001")
    assert src["created_at"].isoformat() == "2024-04-30T10:00:00+00:00"
    assert sorted(src["urls"]) == ["example.ru/a", "example.ru/statya"]
    assert src["hashtags"] == ["выборы"] and src["mentions"] == ["id777"]
    assert src["media"] == ["photo-1001_457239017"]
    assert posts["777_88"]["repost_of"] == "-1001_501"
    assert sorted((r["reason"], r["field"]) for r in rejected(ds)) == [
        ("VK API error page", None),
        ("missing VK item field", "from_id"),
    ]
    items = tmp_path / "items"
    ingest([SRC / "vk_4cat.ndjson"], items)
    posts = posts_by_id(items)
    assert posts["-1001_501_c9001"]["reply_to"] == "-1001_501"
    assert posts["-1001_501_c9002"]["reply_to"] == "-1001_501_c9001"
    acc = accounts_by_id(items)
    assert acc["-1001"]["handle"] == "news_region"
    assert acc["-1001"]["display_name"] == "Новости региона"
    assert acc["555"]["display_name"] == "Анна К."


def test_mcl_facebook_csv_and_instagram_json(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([SRC / "mcl_facebook_posts.csv", SRC / "mcl_instagram_posts.jsonl"], ds)
    posts = posts_by_id(ds)
    fb = posts["1000000000000001"]
    assert fb["platform"] == "facebook" and fb["account_id"] == "200001"
    assert fb["urls"] == ["example.org/wahl"]  # fbclid and www. dropped
    assert fb["hashtags"] == ["europawahl"] and fb["media"] == ["photo:900001"]
    assert posts["1000000000000002"]["created_at"].isoformat() == "2024-06-01T10:05:00+00:00"
    ig = posts["3000000000000001"]
    assert ig["platform"] == "instagram" and ig["mentions"] == ["partei_x"]
    assert accounts_by_id(ds)["400001"]["handle"] == "kanal_ig"
    rej = rejected(ds)
    assert [(r["reason"], r["field"], r["record"]) for r in rej] == [
        ("invalid creation_time", "creation_time", 4)
    ]


def test_mcl_as_its_data_dictionary_writes_it(tmp_path: Path) -> None:
    """Meta's data dictionary, read again: an Instagram post's owner type is business,
    creator or personal (such posts were labelled facebook); ``shared_post_id`` is "the
    reshared post included in the Facebook post" (no reshare was read); the owner may be
    ``post_owner.data``; the link ``link_attachment_fields.link``; Instagram lists its
    ``hashtags``; ``multimedia`` URLs are pre-signed and expire, so a medium is its id."""
    signed = "https://cleanroom.example/m/abc.jpg?X-Amz-Signature=1&X-Amz-Date=2"
    lines = [
        {"id": "111", "creation_time": "2024-06-01T10:00:00+0000", "text": "vu",
         "post_owner": {"id": "900", "type": "page", "name": "Page"},
         "shared_post_id": "100",
         "link_attachment_fields": {"link": "https://example.org/a?utm_source=fb"},
         "multimedia": [{"type": "photo", "id": "m1", "url": signed}]},
        {"id": "112", "creation_time": "2024-06-01T11:00:00+0000", "text": "x",
         "post_owner": {"data": {"id": "901", "type": "group", "name": "Groupe"}},
         "multimedia": [{"type": "photo", "url": signed}, {"url": "http://[::1"}]},
        {"id": "222", "creation_time": "2024-06-02T09:00:00+0000", "text": "hallo #Wahl",
         "post_owner": {"id": "400", "type": "business", "name": "Brand", "username": "brand"},
         "hashtags": ["tag", "wahl"]},
    ]  # fmt: skip
    src = tmp_path / "mcl.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert detect(src) == "mcl"
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    fb = posts["111"]
    assert (fb["platform"], fb["account_id"], fb["repost_of"]) == ("facebook", "900", "100")
    assert fb["urls"] == ["example.org/a"] and fb["media"] == ["photo:m1"]
    assert posts["112"]["account_id"] == "901"
    assert posts["112"]["media"] == ["cleanroom.example/m/abc.jpg", "http://[::1"]
    ig = posts["222"]
    assert ig["platform"] == "instagram" and ig["hashtags"] == ["tag", "wahl"]
    assert accounts_by_id(ds)["901"]["display_name"] == "Groupe"


def test_mcl_platform_option_wins(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([SRC / "mcl_facebook_posts.csv"], ds, platform="instagram")
    assert {p["platform"] for p in posts_by_id(ds).values()} == {"instagram"}


def test_sources_append_into_one_dataset(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    names = sorted(p for p in SRC.iterdir() if p.suffix in (".json", ".jsonl", ".csv"))
    for n in names:
        before = ingest([n], ds).posts
    again = ingest([SRC / "mastodon_timeline.json"], ds)
    m = manifest(ds)
    assert len(m["sources"]) == len(names) + 1
    platforms = {p["platform"] for p in posts_by_id(ds).values()}
    assert platforms == {
        "bluesky",
        "mastodon",
        "youtube",
        "tiktok",
        "facebook",
        "instagram",
        "telegram",
        "x",  # snscrape's tweets
        "vk",
    }
    # 4 statuses and the boosted one inlined in the boost: every row is already there
    assert again.duplicates == 5 and again.posts == before == m["counts"]["posts"]


def _full_pages(tmp_path: Path, name: str, items_key: tuple[str, ...], n_pages: int) -> Path:
    """Pages of the APIs' maximum size (100 items), one per line, from a fixture item."""
    text = (SRC / name).read_text(encoding="utf-8")
    page = json.loads(text if name.endswith(".json") else text.splitlines()[0])
    holder = page
    for k in items_key[:-1]:
        holder = holder[k]
    template = holder[items_key[-1]][0]
    out = tmp_path / f"full_{name}.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for p in range(n_pages):
            items = []
            for i in range(100):
                item = json.loads(json.dumps(template).replace("UgzTOP1", f"Ugz{p}x{i}"))
                if "video_description" in item:
                    item["id"] = 7_350_000_000_000_000_000 + p * 100 + i
                items.append(item)
            holder[items_key[-1]] = items
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")
    return out


@pytest.mark.parametrize(
    ("name", "key", "per_item"),
    [
        ("tiktok_videos.jsonl", ("data", "videos"), 1),
        ("youtube_comment_threads.json", ("items",), 2),  # a comment and its reply
    ],
)
def test_full_size_pages(tmp_path: Path, name: str, key: tuple[str, ...], per_item: int) -> None:
    src = _full_pages(tmp_path, name, key, n_pages=3)
    report = ingest([src], tmp_path / "ds")
    assert report.rejected == 0 and report.posts == 300 * per_item
    assert report.sources[0].records == 300


def test_mastodon_quotes_embedded_and_shallow(tmp_path: Path) -> None:
    """Mastodon 4.4's two quote shapes: a Quote embeds the quoted status (kept as a post too),
    a ShallowQuote names it by ``quoted_status_id`` only; both set ``quote_of``."""
    acct = {"id": "7", "acct": "cam", "username": "cam"}
    quoted = {
        "id": "900",
        "created_at": "2025-06-01T09:00:00.000Z",
        "content": "<p>src</p>",
        "account": {"id": "8", "acct": "dan", "username": "dan"},
    }
    statuses = [
        {
            "id": "901",
            "created_at": "2025-06-01T10:00:00.000Z",
            "content": "<p>a</p>",
            "account": acct,
            "quote": {"state": "accepted", "quoted_status": quoted},
        },
        {
            "id": "902",
            "created_at": "2025-06-01T10:05:00.000Z",
            "content": "<p>b</p>",
            "account": acct,
            "quote": {"state": "accepted", "quoted_status_id": "900"},
        },
        {
            "id": "903",
            "created_at": "2025-06-01T10:06:00.000Z",
            "content": "<p>c</p>",
            "account": acct,
            "quote": None,
        },
    ]
    src = tmp_path / "statuses.json"
    src.write_text(json.dumps(statuses), encoding="utf-8")
    ingest([src], tmp_path / "ds", fmt="mastodon")
    posts = posts_by_id(tmp_path / "ds")
    assert posts["901"]["quote_of"] == "900" and posts["902"]["quote_of"] == "900"
    assert posts["903"]["quote_of"] is None and "900" in posts


def test_mastodon_quote_fallback_is_not_the_authors(tmp_path: Path) -> None:
    """A 4.4+ server prepends ``<p class="quote-inline">RE: <a href=...>...</a></p>`` to a
    quote for older clients; its docs (``client/quotes.md``) say to remove it when the status
    has a ``quote``. Two accounts quoting one status shared that link and text prefix (a
    co-link tie for nothing); a status without ``quote`` keeps such a paragraph as written."""
    link = "https://mastodon.example/@dan/900"
    fallback = (
        f'<p class="quote-inline">RE: <a href="{link}" rel="nofollow noopener" target="_blank">'
        f'<span class="invisible">https://</span><span class="">mastodon.example/@dan/900</span>'
        "</a></p>"
    )
    statuses = [
        {
            "id": str(910 + i),
            "created_at": f"2025-06-01T10:0{i}:00.000Z",
            "content": f'{fallback}<p>so true {i} <a href="https://news.example/a">x</a></p>',
            "account": {"id": str(70 + i), "acct": f"u{i}", "username": f"u{i}"},
            "quote": {"state": "accepted", "quoted_status_id": "900"},
        }
        for i in range(2)
    ]
    statuses.append({**statuses[0], "id": "920", "quote": None})
    src = tmp_path / "statuses.json"
    src.write_text(json.dumps(statuses), encoding="utf-8")
    ingest([src], tmp_path / "ds", fmt="mastodon")
    posts = posts_by_id(tmp_path / "ds")
    for pid, i in (("910", 0), ("911", 1)):
        assert posts[pid]["text"] == f"so true {i} x"
        assert list(posts[pid]["urls"]) == ["news.example/a"]
        assert posts[pid]["quote_of"] == "900"
    assert posts["920"]["text"].startswith("RE: https://mastodon.example/@dan/900")
    assert "mastodon.example/@dan/900" in list(posts["920"]["urls"])


def test_a_platform_array_larger_than_the_record_limit_is_read(tmp_path, monkeypatch):
    """was: a saved array of statuses was decoded whole as one record, so an array over
    the record limit (64 MB) was refused entirely ("record too large"); its elements are
    now read one by one, each under the limit."""
    from vigie.ingest import json_array, jsonlines

    statuses = json.loads((SRC / "mastodon_timeline.json").read_text(encoding="utf-8"))
    size = len(json.dumps(statuses))
    biggest = max(len(json.dumps(s)) for s in statuses)
    limit = (size + biggest) // 2  # over every status, under the whole array
    monkeypatch.setattr(json_array, "MAX_RECORD_BYTES", limit)
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", limit)
    ds = tmp_path / "ds"
    ingest([SRC / "mastodon_timeline.json"], ds)
    assert "112000000000000001" in posts_by_id(ds)
    assert [r["reason"] for r in rejected(ds)] == ["missing status field"]


def _yt_video(vid: str, channel: str, when: str, text: str) -> dict:
    return {
        "kind": "youtube#video",
        "etag": f"e{vid}",
        "id": vid,
        "snippet": {
            "publishedAt": when,
            "channelId": channel,
            "title": f"Titre {vid}",
            "description": text,
            "channelTitle": f"Chaîne {channel}",
            "tags": ["ignored keyword"],
            "defaultAudioLanguage": "fr",
        },
        "statistics": {"viewCount": "12"},
    }


def test_youtube_videos_from_videos_search_and_playlist_items(tmp_path):
    """YouTube Data API v3 videos as posts of their channel, written from the documented
    resources (videos.list, search.list, playlistItems.list): the id, where each list puts
    it, the channel (a playlist item's video owner), the time (a playlist item's
    videoPublishedAt, not when it joined the playlist), text = title and description; a
    search result that is a channel is skipped, not refused; a comment under a video
    replies to the video's post."""
    videos = {
        "kind": "youtube#videoListResponse",
        "items": [
            _yt_video("v1", "UC1", "2024-05-01T10:00:00Z", "Lien https://example.org/a #Vote"),
            _yt_video("v2", "UC2", "2024-05-01T10:01:00Z", ""),
        ],
    }
    search = {
        "kind": "youtube#searchListResponse",
        "nextPageToken": "CAIQAA",
        "items": [
            {
                "kind": "youtube#searchResult",
                "id": {"kind": "youtube#video", "videoId": "v3"},
                "snippet": {
                    "publishedAt": "2024-05-01T10:02:00Z",
                    "channelId": "UC3",
                    "title": "Trouvée",
                    "description": "https://example.org/a",
                    "channelTitle": "C3",
                },
            },
            {
                "kind": "youtube#searchResult",
                "id": {"kind": "youtube#channel", "channelId": "UC9"},
                "snippet": {"publishedAt": "2020-01-01T00:00:00Z", "channelId": "UC9"},
            },
        ],
    }
    playlist = {
        "kind": "youtube#playlistItemListResponse",
        "items": [
            {
                "kind": "youtube#playlistItem",
                "id": "PLitem1",
                "snippet": {
                    "publishedAt": "2024-06-01T00:00:00Z",
                    "channelId": "UCplaylistowner",
                    "title": "Dans la liste",
                    "description": "",
                    "resourceId": {"kind": "youtube#video", "videoId": "v4"},
                    "videoOwnerChannelId": "UC4",
                    "videoOwnerChannelTitle": "C4",
                },
                "contentDetails": {"videoId": "v4", "videoPublishedAt": "2024-05-01T10:03:00Z"},
            }
        ],
    }
    thread = {
        "kind": "youtube#commentThread",
        "id": "t1",
        "snippet": {
            "videoId": "v1",
            "topLevelComment": {
                "kind": "youtube#comment",
                "id": "c1",
                "snippet": {
                    "authorDisplayName": "@fan",
                    "authorChannelId": {"value": "UCfan"},
                    "videoId": "v1",
                    "textOriginal": "bravo",
                    "publishedAt": "2024-05-01T11:00:00Z",
                },
            },
        },
    }
    src = tmp_path / "youtube.jsonl"
    src.write_text(
        "".join(json.dumps(x) + "\n" for x in (videos, search, playlist, thread)),
        encoding="utf-8",
    )
    assert detect(src) == "youtube"
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == ["c1", "v1", "v2", "v3", "v4"]
    v1 = posts["v1"]
    assert (v1["account_id"], v1["lang"], v1["reply_to"]) == ("UC1", "fr", None)
    assert v1["text"] == "Titre v1\n\nLien https://example.org/a #Vote"
    assert v1["urls"] == ["example.org/a"] and v1["hashtags"] == ["vote"]
    assert posts["v2"]["text"] == "Titre v2"
    assert posts["v3"]["account_id"] == "UC3" and posts["v3"]["urls"] == ["example.org/a"]
    v4 = posts["v4"]
    assert v4["account_id"] == "UC4"
    assert v4["created_at"].isoformat() == "2024-05-01T10:03:00+00:00"
    assert posts["c1"]["reply_to"] == "v1"
    acc = accounts_by_id(ds)
    assert acc["UC1"]["display_name"] == "Chaîne UC1" and acc["UC4"]["display_name"] == "C4"
    assert "UC9" not in acc and "UCplaylistowner" not in acc
    assert rejected(ds) == []
    skipped = manifest(ds)["sources"][0]
    assert "search result that is no video" in json.dumps(skipped)


def test_bluesky_thread_gives_the_post_its_parents_and_every_reply(tmp_path: Path) -> None:
    """A ``getPostThread`` answer (how a reply brigade under one post is saved): the post,
    its parent chain and the reply tree, each once; nodes that are no post are passed over;
    one line or pretty-printed alike."""
    page = json.loads((FIX / "bluesky_author_feed.json").read_text(encoding="utf-8"))
    view = page["feed"][0]["post"]

    def node(tag: str, **more: object) -> dict[str, object]:
        post = json.loads(json.dumps(view).replace("3ktaaaaaaaa21", f"3ktthread{tag}"))
        return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, **more}

    lost = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x/y/z", "notFound": True}
    deep = node("r2")
    thread = node(
        "root",
        parent=node("p1", parent=node("p0")),
        replies=[node("r1", replies=[deep, lost]), node("r3"), node("r1")],  # r1 twice
    )
    line = tmp_path / "thread.jsonl"
    line.write_text(json.dumps({"thread": thread}) + "\n", encoding="utf-8")
    pretty = tmp_path / "thread.json"
    pretty.write_text(json.dumps({"thread": thread}, indent=2), encoding="utf-8")
    for src in (line, pretty):
        ds = tmp_path / src.stem / src.suffix[1:]
        report = ingest([src], ds)
        assert report.sources[0].format == "bluesky"
        ids = {p.rsplit("/", 1)[1] for p in posts_by_id(ds)}
        assert ids == {f"3ktthread{t}" for t in ("root", "p1", "p0", "r1", "r2", "r3")}
        assert rejected(ds) == []


@pytest.mark.parametrize("fmt", ["tiktok", "youtube", "bluesky-feed", "bluesky-search"])
def test_one_document_over_the_record_limit_is_streamed_item_by_item(tmp_path, monkeypatch, fmt):
    """was: pages merged into one document (``{"data": {"videos": [...]}}``, a YouTube
    response of every item) were decoded whole, so a document over the record limit (64
    MB) was refused entirely; its items are now streamed by ijson, the same posts."""
    from vigie.ingest import json_array, jsonlines

    if fmt == "tiktok":
        items = [
            {
                "id": 7350000000000000000 + i,
                "create_time": 1717236000 + i,
                "username": f"u{i}",
                "video_description": f"video {i} https://example.org/{i % 3}",
            }
            for i in range(40)
        ]
        doc = {"data": {"videos": items, "cursor": 40, "has_more": False}, "error": {"code": "ok"}}
    else:
        items = [
            {
                "kind": "youtube#video",
                "id": f"v{i}",
                "snippet": {
                    "publishedAt": "2024-05-01T10:00:00Z",
                    "channelId": f"UC{i % 4}",
                    "title": f"video {i}",
                    "description": "https://example.org/a",
                },
            }
            for i in range(40)
        ]
        doc = {"kind": "youtube#videoListResponse", "items": items}
    if fmt.startswith("bluesky"):  # the fixture's pages, their items made 40 distinct posts
        if fmt == "bluesky-feed":
            page = json.loads((FIX / "bluesky_author_feed.json").read_text(encoding="utf-8"))
            key, one = "feed", page["feed"][0]
        else:
            line = (FIX / "bluesky_search.jsonl").read_text(encoding="utf-8").splitlines()[0]
            key, one = "posts", json.loads(line)["posts"][0]
        items = []
        for i in range(40):
            text = json.dumps(one).replace("3ktaaaaaaaa21", f"3ktbbbbbb{i:04d}")
            items.append(json.loads(text))
        doc, fmt = {key: items, "cursor": "c"}, "bluesky"
    src = tmp_path / "merged.json"
    src.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    ingest([src], tmp_path / "whole", fmt=fmt)  # under the limit: decoded whole
    limit = src.stat().st_size // 4  # over any item, under the document
    monkeypatch.setattr(json_array, "MAX_RECORD_BYTES", limit)
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", limit)
    ingest([src], tmp_path / "streamed", fmt=fmt)
    whole, streamed = posts_by_id(tmp_path / "whole"), posts_by_id(tmp_path / "streamed")
    assert len(whole) == 40 and whole == streamed
    assert rejected(tmp_path / "streamed") == []


def test_snscrape_telegram_posts(tmp_path: Path) -> None:
    """snscrape's Telegram posts: keyed ``<channel>-<id>``, links from the text's outlinks
    and the preview (a relayed Telegram post is a link too), a post of media only kept with
    an empty text, the Channel entity skipped, a URL that is no post refused by field."""
    ds = tmp_path / "ds"
    ingest([SRC / "snscrape_telegram.jsonl"], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {"wahlkanal-101", "wahlkanal-102", "wahlkanal-103"}
    first = posts["wahlkanal-101"]
    assert first["platform"] == "telegram" and first["account_id"] == "wahlkanal"
    assert first["urls"] == ["example.de/a"] and first["hashtags"] == ["btw"]
    assert first["mentions"] == ["andererkanal"]
    assert posts["wahlkanal-102"]["text"] == ""
    assert str(posts["wahlkanal-102"]["created_at"]) == "2021-09-20 10:30:00+00:00"
    assert posts["wahlkanal-103"]["urls"] == ["t.me/anderer/55"]
    assert manifest(ds)["sources"][0]["skipped"] == {
        "snscrape: a telegram Channel item (not a post)": 1
    }
    assert [(r["reason"], r["field"]) for r in rejected(ds)] == [("invalid url", "url")]


def test_snscrape_telegram_hashtag_search_links_are_no_links(tmp_path: Path) -> None:
    """snscrape keeps every ``<a>`` of a message among ``outlinks``, the web preview's
    search link behind each hashtag too (``t.me/s/NAME?q=%23tag``, as in a real line): every
    post of a channel using ``#tag`` shared it as a link. Not a link; the hashtag stays."""
    line = {
        "_type": "snscrape.modules.telegram.TelegramPost",
        "url": "https://t.me/s/kvartiri/9",
        "date": "2023-05-01T10:00:00+00:00",
        "content": "#Сдаётся 950 https://t.me/tornikegorange",
        "outlinks": [
            "https://t.me/s/kvartiri?q=%23Сдаётся",
            "https://t.me/tornikegorange",
        ],
    }
    src = tmp_path / "tg.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    [post] = posts_by_id(ds).values()
    assert post["urls"] == ["t.me/tornikegorange"] and post["hashtags"] == ["сдаётся"]


def _instaloader_folder(root: Path) -> Path:
    """A folder as Instaloader writes it (``instaloader --comments profile janedoe``): a
    post's metadata (LZMA, as by default), its comments file (an answer inside), the
    profile's metadata, a story item, and a post file whose node lacks its shortcode."""
    import lzma

    def save(name: str, node: dict[str, Any], kind: str) -> None:
        doc = {"node": node, "instaloader": {"version": "4.13", "node_type": kind}}
        with lzma.open(root / name, "wt", check=lzma.CHECK_NONE) as fp:
            json.dump(doc, fp, separators=(",", ":"))

    root.mkdir()
    owner = {"id": "987654", "username": "janedoe", "full_name": "Jane Doe"}
    caption = "Votez dimanche ! https://www.example.org/bureaux #Europeennes2024 @paulmartin"
    post = {
        "__typename": "GraphImage",
        "id": "3381234567890123456",
        "shortcode": "C7abcDEFghi",
        "taken_at_timestamp": 1717236000,
        "owner": owner,
        "edge_media_to_caption": {"edges": [{"node": {"text": caption}}]},
        "is_video": False,
    }
    save("2024-06-01_10-00-00_UTC.json.xz", post, "Post")
    answer = {"id": "18002", "created_at": 1717236700, "text": "merci", "owner": owner}
    comments = [
        {
            "id": "18001",
            "created_at": 1717236600,
            "text": "Bravo @janedoe",
            "owner": {"id": "111", "username": "fan1", "is_verified": False},
            "likes_count": 2,
            "answers": [{**answer, "likes_count": 0}],
        }
    ]
    (root / "2024-06-01_10-00-00_UTC_comments.json").write_text(json.dumps(comments, indent=4))
    profile = {
        **owner,
        "biography": "Candidate",
        "edge_followed_by": {"count": 25000},
        "edge_follow": {"count": 300},
        "edge_owner_to_timeline_media": {"count": 412},
    }
    save("janedoe_987654.json.xz", profile, "Profile")
    save("2024-06-02_08-00-00_UTC.json.xz", {"id": "1", "owner": owner}, "StoryItem")
    save("2024-06-03_08-00-00_UTC.json.xz", {**post, "shortcode": None}, "Post")
    return root


def test_instaloader_folder(tmp_path: Path) -> None:
    """Instaloader's files: the post by its shortcode and owner id, the caption's link,
    hashtag and handle; its comments replying to the post named by the metadata file beside
    them, the answer to its comment; the profile's counts and bio into the account; the
    story item skipped and counted; the post without a shortcode refused by field."""
    root = _instaloader_folder(tmp_path / "janedoe")
    bad = root / "2024-06-03_08-00-00_UTC.json.xz"
    files = sorted(p for p in root.iterdir() if p != bad)
    ds = tmp_path / "ds"
    report = ingest(files, ds)  # told by content, the LZMA files once unpacked
    assert {s.format for s in report.sources} == {"instaloader"}
    posts = posts_by_id(ds)
    assert set(posts) == {"C7abcDEFghi", "18001", "18002"}
    post = posts["C7abcDEFghi"]
    assert post["platform"] == "instagram" and post["account_id"] == "987654"
    assert str(post["created_at"]) == "2024-06-01 10:00:00+00:00"
    assert post["urls"] == ["example.org/bureaux"] and post["hashtags"] == ["europeennes2024"]
    assert post["mentions"] == ["paulmartin"]
    assert posts["18001"]["reply_to"] == "C7abcDEFghi" and posts["18001"]["account_id"] == "111"
    assert posts["18002"]["reply_to"] == "18001"
    acc = accounts_by_id(ds)
    assert acc["987654"]["handle"] == "janedoe" and acc["987654"]["followers"] == 25000
    assert acc["987654"]["description"] == "Candidate" and acc["987654"]["posts_count"] == 412
    skipped = [s["skipped"] for s in manifest(ds)["sources"] if s["skipped"]]
    assert skipped == [{"instaloader: a StoryItem (not a post)": 1}]
    with pytest.raises(VigieError, match=r"2024-06-03_08-00-00_UTC\.json\.xz.*node\.shortcode"):
        ingest([bad], tmp_path / "bad")
    (root / "2024-06-01_10-00-00_UTC.json.xz").unlink()  # comments without their post
    ingest([root / "2024-06-01_10-00-00_UTC_comments.json"], tmp_path / "alone")
    assert posts_by_id(tmp_path / "alone")["18001"]["reply_to"] is None


def _yt_comment(cid: str, channel: str, text: str, when: str, parent: str | None) -> dict:
    sn = {
        "videoId": "vid1",
        "textOriginal": text,
        "authorDisplayName": f"@{channel.lower()}",
        "authorChannelId": {"value": channel},
        "publishedAt": when,
    }
    return {"id": cid, "snippet": sn | ({"parentId": parent} if parent else {})}


def test_youtube_mentions_by_handle_rule_and_none_before_handles(tmp_path: Path) -> None:
    """A YouTube handle holds dots and dashes (``@le-media.officiel``), where X's rule cut
    it at the first; before handles existed (10 October 2022) the reply box wrote the
    replied-to channel's display name (``@Carlos Azaustre``), so no mention is read from a
    comment that old (its first word, ``carlos``, tied strangers sharing a first name)."""
    old = "Que tal @Carlos Azaustre una duda"
    new = "Merci @le-media.officiel et @Anna_B. Écrivez à x@y.org, @ab est trop court"
    thread = {
        "kind": "youtube#commentThread",
        "id": "c1",
        "snippet": {
            "videoId": "vid1",
            "topLevelComment": _yt_comment("c1", "UC1", "Bravo", "2017-03-01T10:00:00Z", None),
        },
        "replies": {
            "comments": [
                _yt_comment("c1.r1", "UC2", old, "2017-03-02T10:00:00Z", "c1"),
                _yt_comment("c1.r2", "UC3", old, "2022-10-09T23:59:59Z", "c1"),
                _yt_comment("c1.r3", "UC4", new, "2024-05-01T08:00:00Z", "c1"),
            ]
        },
    }
    src = tmp_path / "threads.jsonl"
    src.write_text(json.dumps(thread) + "\n")
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert posts["c1.r1"]["mentions"] == [] and posts["c1.r2"]["mentions"] == []
    assert posts["c1.r3"]["mentions"] == ["le-media.officiel", "anna_b"]


def _old_snscrape_tweet(tid: int, thread: int, **extra: Any) -> dict[str, Any]:
    """A tweet as snscrape 0.3 wrote it (2020-2021): no ``_type``, no ``inReplyToTweetId``,
    ``content`` and ``outlinks`` (the shape of a real 2020 file; values ours)."""
    return {
        "url": f"https://twitter.com/wahlfan/status/{tid}",
        "date": "2020-07-30T23:47:32+00:00",
        "content": "Alle hin! #btw",
        "renderedContent": "Alle hin! #btw",
        "id": tid,
        "user": {"username": "wahlfan", "displayname": "W", "id": 1176609775578243072},
        "outlinks": ["https://example.org/x"],
        "tcooutlinks": ["https://t.co/abc"],
        "replyCount": 0,
        "conversationId": thread,
        "lang": "de",
        "media": None,
        "retweetedTweet": None,
        "quotedTweet": None,
        "mentionedUsers": None,
        **extra,
    }


def test_snscrape_written_before_its_items_had_a_type(tmp_path: Path) -> None:
    """snscrape wrote no ``_type`` before 0.4 (December 2021): its 2020-2021 collections
    were refused whole, even with ``--format snscrape``. Told by shape; a reply (no
    ``inReplyToTweetId`` then) is one to its thread's first tweet, as twint's; quoted
    tweets of that shape are posts too; photos read."""
    quoted = _old_snscrape_tweet(1288984605840879000, 1288984605840879000)
    photo = {"previewUrl": "https://pbs.twimg.com/media/EeNM?format=png&name=small",
             "fullUrl": "https://pbs.twimg.com/media/EeNM?format=png&name=large",
             "type": "photo"}  # fmt: skip
    lines = [
        _old_snscrape_tweet(1288984605840879617, 1288984604062429189, quotedTweet=quoted),
        _old_snscrape_tweet(1288984605840879618, 1288984605840879618, media=[photo]),
    ]
    src = tmp_path / "user-tweets.json"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert detect(src) == "snscrape"
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    reply = posts["1288984605840879617"]
    assert reply["reply_to"] == "1288984604062429189" and reply["quote_of"] == quoted["url"][-19:]
    assert reply["urls"] == ["example.org/x"] and reply["hashtags"] == ["btw"]
    alone = posts["1288984605840879618"]
    assert alone["reply_to"] is None and alone["media"] == ["pbs.twimg.com/media/EeNM.png"]
    assert "1288984605840879000" in posts


def test_vk_callback_api_events(tmp_path: Path) -> None:
    """A community bot's log of VK Callback API events (a real ``wall_repost`` event was
    not told as VK, and with ``--format vk`` refused for a missing ``owner_id``): the post
    or comment of a wall event is read as itself; other events are skipped and counted."""
    repost = {
        "type": "wall_repost",
        "object": {
            "id": 67,
            "from_id": 366467480,
            "owner_id": 324993092,
            "date": 1527151487,
            "post_type": "post",
            "text": "",
            "copy_history": [
                {"id": 194, "owner_id": -162833914, "from_id": -162833914,
                 "date": 1527149366, "post_type": "post", "text": "репост"}
            ],
        },
        "group_id": 162833914,
    }  # fmt: skip
    like = {"type": "like_add", "object": {"liker_id": 1, "object_id": 2}, "group_id": 1}
    src = tmp_path / "events.jsonl"
    src.write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in (repost, like)), "utf-8"
    )
    assert detect(src) == "vk"
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    posts = posts_by_id(ds)
    assert posts["324993092_67"]["repost_of"] == "-162833914_194"
    assert posts["-162833914_194"]["text"] == "репост"
    assert report.sources[0].skipped == {"vk: a Callback API like_add event (not a post)": 1}


def test_zeeschuimer_gab_links_from_its_plain_text_and_link_info(tmp_path: Path) -> None:
    """Zeeschuimer's ``gab.js`` writes a post's ``c`` as plain text (no anchors) and its
    preview card under ``link_info``: every Gab post's links were lost, unsaid."""
    item = {
        "nav_index": "1:1:0",
        "item_id": "111200000000000002",
        "timestamp_collected": 1700000500000,
        "source_platform": "gab.com",
        "source_platform_url": "https://gab.com/alice",
        "source_url": "https://gab.com/api",
        "data": {
            "i": "111200000000000002",
            "ca": "2023-11-02T12:00:00.000Z",
            "c": "Look at this https://example.net/a?utm_source=gab and more",
            "link_info": {"id": "77", "url": "https://example.org/card", "type": "link"},
            "author_info": {"i": "9001", "un": "alice", "ac": "alice", "dn": "Alice"},
        },
    }
    src = tmp_path / "zs.ndjson"
    src.write_text(json.dumps(item) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    [post] = posts_by_id(ds).values()
    assert sorted(post["urls"]) == ["example.net/a", "example.org/card"]


def test_zeeschuimer_instagram_graph_items_of_2021_to_2023(tmp_path: Path) -> None:
    """Zeeschuimer captured Instagram in the web app's GraphQL form from 2021 to the end of
    2023 (``shortcode``, ``taken_at_timestamp``, ``edge_media_to_caption``, ``owner``, as
    4CAT's ``parse_graph_item`` reads it): every such item was refused (``data.taken_at``)."""
    item = {
        "nav_index": "1:1:0",
        "item_id": "2900000000000000001",
        "timestamp_collected": 1700000500000,
        "source_platform": "instagram.com",
        "source_platform_url": "https://www.instagram.com/colab.uff/",
        "source_url": "https://www.instagram.com/api",
        "data": {
            "__typename": "GraphImage",
            "id": "2900000000000000001",
            "shortcode": "CgGraph001",
            "taken_at_timestamp": 1660000000,
            "edge_media_to_caption": {"edges": [{"node": {"text": "vieux #graph @ami.x"}}]},
            "owner": {"id": "54045506848", "username": "colab.uff"},
        },
    }
    src = tmp_path / "zs.ndjson"
    src.write_text(json.dumps(item) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds)
    post = posts_by_id(ds)["CgGraph001"]
    assert (post["account_id"], post["text"]) == ("54045506848", "vieux #graph @ami.x")
    assert post["created_at"].isoformat() == "2022-08-08T23:06:40+00:00"
    assert post["hashtags"] == ["graph"] and post["mentions"] == ["ami.x"]
    assert accounts_by_id(ds)["54045506848"]["handle"] == "colab.uff"
