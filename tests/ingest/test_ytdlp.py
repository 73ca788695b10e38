"""yt-dlp's info JSON (``--format yt-dlp``) on fixtures written in the shape yt-dlp's code
gives it (tests/fixtures/ingest/make_ytdlp.py): detection of ``-j`` lines, ``-J`` documents
and ``.info.json`` files (compact or indented, small or over the sniffing window), YouTube
videos and their comments, TikTok videos, playlists (nested, flat, over the record limit),
skips and refusals by field, and the same video and comments read from yt-dlp and from the
YouTube Data API (or TikTok's Research API) keeping one post id and one account id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected, run_cli
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect
from vigie.ingest.ytdlp import ESTIMATED

YT = FIX / "ytdlp"
VID = "dQw4w9WgXcQ"
CHANNEL = "UCchannelOfTheVideo000000"
FLAT_YOUTUBE = (
    "yt-dlp: a YouTube flat-playlist entry (no upload time nor whole description: "
    "collect without --flat-playlist)"
)


def _line(path: Path, n: int = 0) -> dict:
    return json.loads(path.read_text(encoding="utf-8").splitlines()[n])


@pytest.mark.parametrize(
    "name",
    [
        "ytdlp_videos.jsonl",
        "ytdlp_channel.json",
        "ytdlp_flat_playlist.json",
        "ytdlp_video.info.json",
        "ytdlp_malformed.jsonl",
    ],
)
def test_detection(name: str) -> None:
    assert detect(YT / name) == "yt-dlp"


def test_detection_of_a_compact_info_json_and_a_big_indented_one(tmp_path: Path) -> None:
    """yt-dlp writes ``.info.json`` on one line; an indented copy longer than the sniffing
    window (1 MiB: a video's ``formats`` come first) is told by its keys."""
    info = json.loads((YT / "ytdlp_video.info.json").read_text(encoding="utf-8"))
    compact = tmp_path / "a.info.json"
    compact.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    assert detect(compact) == "yt-dlp"
    big = tmp_path / "big.info.json"
    many = [{**info["formats"][0], "format_id": str(i)} for i in range(5000)]
    big.write_text(json.dumps({**info, "formats": many}, indent=2), encoding="utf-8")
    assert big.stat().st_size > 1 << 20
    assert detect(big) == "yt-dlp"
    ds = tmp_path / "ds"
    ingest([big], ds)
    assert sorted(posts_by_id(ds)) == ["UgzINFO1", "vidINFO0001"]


def test_youtube_video_comments_and_replies(tmp_path: Path) -> None:
    """The video is a post of its channel id, text = title and description; ``tags`` are
    not hashtags; each comment a post of its author's channel id replying to the video, a
    reply to its parent; the estimated comment times counted as such; other extractors'
    videos and flat entries skipped by name."""
    ds = tmp_path / "ds"
    report = ingest([YT / "ytdlp_videos.jsonl"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == [
        "7350000000000000001",
        "UgzPIN1",
        "UgzTOP1",
        "UgzTOP1.REP1",
        VID,
        "minimalVid1",
    ]
    video = posts[VID]
    assert (video["platform"], video["account_id"], video["reply_to"]) == ("youtube", CHANNEL, None)
    assert video["created_at"].isoformat() == "2024-06-01T07:00:00+00:00"
    assert video["text"] == (
        "Wahlaufruf 2024\n\nGeht wählen am 9. Juni! #Europawahl\n"
        "Mehr: https://www.example.org/wahl?utm_source=youtube\n@wahlamt"
    )
    assert video["urls"] == ["example.org/wahl"]
    assert (video["hashtags"], video["mentions"]) == (["europawahl"], ["wahlamt"])
    top, reply = posts["UgzTOP1"], posts["UgzTOP1.REP1"]
    assert (top["account_id"], top["reply_to"]) == ("UCaaaa", VID)
    assert (top["urls"], top["hashtags"]) == (["example.org/x"], ["btw"])
    assert top["created_at"].isoformat() == "2024-06-01T00:00:00+00:00"  # "2 days ago"
    assert (reply["account_id"], reply["reply_to"], reply["mentions"]) == (
        "UCbbbb",
        "UgzTOP1",
        ["wahlfan"],
    )
    assert posts["UgzPIN1"]["account_id"] == CHANNEL  # the uploader's: one account
    minimal = posts["minimalVid1"]  # upload_date only: midnight UTC of that day
    assert minimal["created_at"].isoformat() == "2024-06-02T00:00:00+00:00"
    assert (minimal["text"], minimal["urls"]) == ("Nur ein Tag", [])
    accounts = accounts_by_id(ds)
    chan = accounts[CHANNEL]
    assert (chan["handle"], chan["display_name"], chan["followers"]) == (
        "wahlkanal",
        "Wahl Kanal",
        1520,
    )
    assert (accounts["UCaaaa"]["handle"], accounts["UCaaaa"]["display_name"]) == (
        "wahlfan",
        None,  # "@wahlfan" is a handle, not a name
    )
    assert report.sources[0].skipped == {
        ESTIMATED: 3,
        "yt-dlp: a video of extractor Vimeo (only YouTube and TikTok)": 1,
        FLAT_YOUTUBE: 1,
    }
    assert ESTIMATED.startswith("time estimated: ")
    assert rejected(ds) == []


def test_tiktok_video_is_keyed_by_user_name(tmp_path: Path) -> None:
    """``uploader`` is the user name (``uploader_id`` the numeric uid): the account of the
    Research API reader's same video, which merges with it."""
    ds = tmp_path / "ds"
    ingest([FIX / "sources" / "tiktok_videos.jsonl"], ds)
    api = posts_by_id(ds)["7350000000000000001"]
    src = tmp_path / "tiktok.jsonl"
    src.write_text(json.dumps(_line(YT / "ytdlp_videos.jsonl", 2)) + "\n", encoding="utf-8")
    report = ingest([src], ds)
    assert report.duplicates == 1 and not manifest(ds).get("merge_conflicts")
    video = posts_by_id(ds)["7350000000000000001"]
    assert video == api
    assert (video["platform"], video["account_id"]) == ("tiktok", "wahl_info")
    acc = accounts_by_id(ds)["wahl_info"]
    assert (acc["handle"], acc["display_name"]) == ("wahl_info", "Wahl Info")


def test_playlist_with_nested_tabs_and_a_failed_entry(tmp_path: Path) -> None:
    """``-J`` of a channel: its tabs' playlists opened, each entry read; ``null`` counted."""
    ds = tmp_path / "ds"
    report = ingest([YT / "ytdlp_channel.json"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == ["vidSHORT001", "vidVIDEO001"]
    assert posts["vidVIDEO001"]["urls"] == ["example.org/quelle"]
    assert posts["vidSHORT001"]["created_at"].isoformat() == "2024-06-02T08:00:00+00:00"
    assert report.sources[0].skipped == {
        "yt-dlp: a playlist entry yt-dlp could not extract (null)": 1
    }


def test_a_playlist_over_the_record_limit_is_read_entry_by_entry(tmp_path, monkeypatch):
    """A whole channel's ``-J`` can exceed the record limit (64 MiB): its entries are then
    streamed one by one instead of the document being refused whole."""
    from vigie.ingest import json_array, jsonlines

    src = YT / "ytdlp_channel.json"
    limit = src.stat().st_size - 100
    monkeypatch.setattr(json_array, "MAX_RECORD_BYTES", limit)
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", limit)
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="yt-dlp")
    assert sorted(posts_by_id(ds)) == ["vidSHORT001", "vidVIDEO001"]
    assert rejected(ds) == []


def test_flat_playlist_entries(tmp_path: Path) -> None:
    """``--flat-playlist``: a TikTok profile's entries carry the exact time and author, and
    are read; one without a time is skipped, as a YouTube flat entry always is."""
    ds = tmp_path / "ds"
    report = ingest([YT / "ytdlp_flat_playlist.json"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == ["7350000000000000002", "7350000000000000003"]
    assert posts["7350000000000000002"]["account_id"] == "wahl_info"
    assert posts["7350000000000000002"]["hashtags"] == ["europawahl"]
    assert report.sources[0].skipped == {
        "yt-dlp: a flat-playlist entry without its time or author": 1
    }
    playlist_info = {k: v for k, v in _line(YT / "ytdlp_channel.json").items() if k != "entries"}
    src = tmp_path / "playlist.info.json"  # a playlist's own --write-info-json: no entries
    src.write_text(json.dumps(playlist_info), encoding="utf-8")
    report = ingest([src], tmp_path / "p")
    assert report.sources[0].skipped == {
        "yt-dlp: a playlist's own info (its videos are in their own info JSON)": 1
    }


def test_info_json_pretty_printed(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([YT / "ytdlp_video.info.json"], ds)
    posts = posts_by_id(ds)
    assert posts["vidINFO0001"]["hashtags"] == ["wahl"]
    assert posts["UgzINFO1"]["reply_to"] == "vidINFO0001"
    assert report.sources[0].skipped == {ESTIMATED: 1}


def test_malformed_items_are_refused_by_field(tmp_path: Path) -> None:
    """A bad comment is refused alone (its video and sibling read); an info dict lacking
    its id, channel, user name or time is refused naming yt-dlp's field."""
    ds = tmp_path / "ds"
    report = ingest([YT / "ytdlp_malformed.jsonl"], ds)
    assert sorted(posts_by_id(ds)) == ["UgzGOOD", "vidOKAY0001"]
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    missing = "missing yt-dlp info dict field"
    assert sorted(got, key=lambda r: str(r[0]).zfill(5)) == [
        (2, f"{missing}", "channel_id"),
        (3, f"{missing}", "id"),
        (4, "invalid timestamp", "timestamp"),
        (5, "invalid upload_date", "upload_date"),
        (6, f"{missing}", "timestamp"),
        (7, f"{missing}", "uploader"),
        (8, f"{missing}", "extractor_key"),
        (9, "not a yt-dlp info dict or page", None),
        (10, "malformed JSON", None),
        ("1:2", f"{missing}", "comments[].author_id"),
        ("1:3", f"{missing}", "comments[].timestamp"),
        ("1:4", "invalid yt-dlp info dict", None),
    ]
    src = report.sources[0]
    assert (src.records, src.accepted, src.rejected) == (14, 2, 12)


def test_same_video_and_comments_as_the_data_api(tmp_path: Path) -> None:
    """The Data API's comment threads (committed fixture) and its ``youtube#video``, then
    yt-dlp's info dict of the same video: one post id and one account id each, the video's
    text, links and hashtags field for field; yt-dlp's estimated comment times do not
    replace the API's exact ones (the first copy's time is kept)."""
    description = _line(YT / "ytdlp_videos.jsonl")["description"]
    api_video = {
        "kind": "youtube#video",
        "id": VID,
        "snippet": {
            "publishedAt": "2024-06-01T07:00:00Z",
            "channelId": CHANNEL,
            "title": "Wahlaufruf 2024",
            "description": description,
            "channelTitle": "Wahl Kanal",
            "tags": ["wahl", "europa", "hidden keyword"],
        },
    }
    page = tmp_path / "videos.json"
    page.write_text(json.dumps({"kind": "youtube#videoListResponse", "items": [api_video]}))
    ds = tmp_path / "ds"
    ingest([FIX / "sources" / "youtube_comment_threads.json", page], ds)
    before = posts_by_id(ds)
    yt_ds = tmp_path / "yt"
    ingest([YT / "ytdlp_videos.jsonl"], yt_ds)
    yt = posts_by_id(yt_ds)
    for pid in (VID, "UgzTOP1", "UgzTOP1.REP1"):
        assert (yt[pid]["account_id"], yt[pid]["reply_to"]) == (
            before[pid]["account_id"],
            before[pid]["reply_to"],
        )
    fields = ("account_id", "created_at", "text", "urls", "hashtags", "mentions")
    assert {f: yt[VID][f] for f in fields} == {f: before[VID][f] for f in fields}
    report = ingest([YT / "ytdlp_videos.jsonl"], ds)
    assert report.duplicates == 3  # the video and the two comments the API gave
    after = posts_by_id(ds)
    assert after["UgzTOP1"]["created_at"].isoformat() == "2024-06-01T10:00:00+00:00"
    assert set(accounts_by_id(ds)) >= {CHANNEL, "UCaaaa", "UCbbbb"}


def test_cli_format_ytdlp_as_the_docs_show_it(tmp_path: Path) -> None:
    code, out = run_cli(
        [
            "ingest",
            str(YT / "ytdlp_videos.jsonl"),
            "--into",
            str(tmp_path / "ds"),
            "--format",
            "yt-dlp",
        ]
    )
    assert code == 0, out
    assert len(posts_by_id(tmp_path / "ds")) == 6


def test_html_comment_and_comments_of_a_tiktok_video(tmp_path: Path) -> None:
    """A comment given as ``html`` only is read as its text; one without ``parent`` answers
    the video; comments under a TikTok video (yt-dlp writes none today) are skipped."""
    video = _line(YT / "ytdlp_videos.jsonl")
    video["comments"] = [
        {"id": "UgzHTML", "html": "a &amp; b<br>c", "author_id": "UCh", "timestamp": 1717200000}
    ]
    tiktok = _line(YT / "ytdlp_videos.jsonl", 2)
    tiktok["comments"] = [{"id": "1", "text": "x", "author_id": "9", "timestamp": 1717200000}]
    src = tmp_path / "v.jsonl"
    src.write_text(json.dumps(video) + "\n" + json.dumps(tiktok) + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    report = ingest([src], ds, fmt="yt-dlp")
    comment = posts_by_id(ds)["UgzHTML"]
    assert (comment["text"], comment["reply_to"]) == ("a & b\nc", VID)
    assert report.sources[0].skipped == {
        ESTIMATED: 1,
        "yt-dlp: a tiktok comment (no account key known for its author)": 1,
    }
