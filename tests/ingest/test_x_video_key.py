"""One X video (or GIF) is one ``media`` value on every X reader (``vigie.ingest.x_media``).

X serves a video as variants it re-encodes and extends over time, so the best-bitrate variant
of one video differed between two collections (and between the v1.1 and v2 readers) and
co-media could not tie two accounts posting it. The same video is written here as each
reader sees it, with different variant sets, resolutions and ``?tag=`` values: v1.1
(``extended_entities`` with ``video_info``, or ``entities.media`` alone: a ``photo`` with the
preview), a v2 page (with ``variants``, or the preview only), a v2 flattened tweet (Python and
SQL paths), a twarc-csv cell, a twitwi URL, a snscrape video; the ids and names are those of
public tweets. Photos and URL shapes X never wrote keep their value."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import assert_same_posts, posts_by_id
from vigie.ingest import ingest, x_media
from vigie.ingest.x_csv import _media as csv_media

VID = "1293565706408038401"
KEY = f"x-media:{VID}"
GIF_NAME, GIF_ID = "GbejICPaYAAhMPY", "1853129130122043392"
AMP = "1335947635014905857"
THUMB = f"https://pbs.twimg.com/ext_tw_video_thumb/{VID}/pu/img/66P2dvbU4a02jYbV.jpg"
T0 = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)


def _variant(size: str, name: str, tag: int, rate: int, api: str) -> dict[str, Any]:
    url = f"https://video.twimg.com/ext_tw_video/{VID}/pu/vid/avc1/{size}/{name}.mp4?tag={tag}"
    return {"content_type": "video/mp4", api: rate, "url": url}


HLS = {
    "content_type": "application/x-mpegURL",
    "url": f"https://video.twimg.com/ext_tw_video/{VID}/pu/pl/Xy12.m3u8?tag=12&v=5e1",
}
OLD = [
    HLS,
    _variant("480x270", "aB1", 12, 256000, "bitrate"),
    _variant("1280x720", "cD2", 12, 2176000, "bitrate"),
]
NEW = [
    _variant("1920x1080", "eF3", 14, 10368000, "bit_rate"),
    _variant("640x360", "gH4", 14, 832000, "bit_rate"),
]
"""The variants served in 2020 (v1.1 ``bitrate``) and after a re-encoding (v2 ``bit_rate``):
no URL in common."""


def _v1(tid: str, uid: str, t: datetime, media: list[dict[str, Any]], where: str) -> dict[str, Any]:
    return {
        "id_str": tid,
        "created_at": t.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "text": "look https://t.co/v",
        "user": {"id_str": uid, "screen_name": f"u{uid}"},
        where: {"media": media},
    }


def _v1_video(variants: list[dict[str, Any]] = OLD) -> dict[str, Any]:
    return {
        "id_str": VID,
        "type": "video",
        "media_url_https": THUMB,
        "url": "https://t.co/v",
        "video_info": {"variants": variants},
    }


def _v2(tid: str, uid: str, t: datetime, keys: list[str]) -> dict[str, Any]:
    return {
        "id": tid,
        "author_id": uid,
        "created_at": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "text": "look https://t.co/v",
        "entities": {"hashtags": [{"tag": "vid"}]},
        "attachments": {"media_keys": keys},
    }


def _v2_video(variants: list[dict[str, Any]] | None = NEW) -> dict[str, Any]:
    m: dict[str, Any] = {"media_key": f"7_{VID}", "type": "video", "preview_image_url": THUMB}
    if variants is not None:
        m["variants"] = variants
    return m


def _lines(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
    return path


def _media_of(tmp_path: Path, name: str, items: list[dict[str, Any]], fmt: str) -> dict[str, Any]:
    ingest([_lines(tmp_path / f"{name}.jsonl", items)], tmp_path / name, fmt=fmt)
    return {pid: p["media"] for pid, p in posts_by_id(tmp_path / name).items()}


def test_one_video_one_value_on_v1_and_v2(tmp_path: Path) -> None:
    """v1.1 with ``video_info`` (2020 variants), v1.1 ``entities.media`` only (the preview as
    a ``photo``), a v2 page with other variants and ``?tag=``, a v2 page without ``variants``:
    the same value, and not any of the variant URLs."""
    v1 = [
        _v1("1", "11", T0, [_v1_video()], "extended_entities"),
        _v1("2", "12", T0, [{"type": "photo", "media_url_https": THUMB}], "entities"),
        # no type, no id (as snscrape's rewrite): the variants' path holds the id
        _v1("3", "13", T0, [{"video_info": {"variants": OLD[1:]}}], "extended_entities"),
    ]
    page = {
        "data": [_v2("4", "14", T0, [f"7_{VID}"])],
        "includes": {"media": [_v2_video()]},
    }
    bare = {
        "data": [_v2("5", "15", T0, [f"7_{VID}"])],
        "includes": {"media": [_v2_video(None)]},
    }
    got = _media_of(tmp_path, "v1", v1, "x-v1")
    got |= _media_of(tmp_path, "v2", [page, bare], "x")
    assert got == {str(i): [KEY] for i in range(1, 6)}


def test_flattened_tweets_same_on_python_and_sql_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """twarc2 ``flatten`` inlines the media objects: keyed like the page's, and the SQL fast
    path (which sends lines with ``attachments`` to Python) gives the same Dataset."""
    flat = _v2("6", "16", T0, [f"7_{VID}"])
    flat["attachments"]["media"] = [_v2_video(NEW[::-1])]
    plain = _v2("7", "17", T0, [])
    del plain["attachments"]
    src = _lines(tmp_path / "flat.jsonl", [flat, plain])
    ingest([src], tmp_path / "sql", fmt="x")
    monkeypatch.setenv("VIGIE_INGEST_FAST", "0")
    ingest([src], tmp_path / "py", fmt="x")
    assert_same_posts(tmp_path / "sql", tmp_path / "py")
    assert posts_by_id(tmp_path / "sql")["6"]["media"] == [KEY]


def test_gif_and_amplify_video(tmp_path: Path) -> None:
    """A GIF's URLs hold a name, not its id: the name is the base64 of the id, so the v1.1
    ``tweet_video/<name>.mp4`` (no type, no id) and the v2 ``16_<id>`` key (preview only)
    meet; an amplify video's ``amplify_video/<id>`` and ``13_<id>`` likewise."""
    gif_v1 = {"video_info": {"variants": [{"bitrate": 0, "content_type": "video/mp4",
              "url": f"https://video.twimg.com/tweet_video/{GIF_NAME}.mp4"}]}}  # fmt: skip
    amp = f"https://video.twimg.com/amplify_video/{AMP}/vid/640x360/pR.mp4?tag=13"
    amp_v1 = {"video_info": {"variants": [{"bitrate": 832000, "content_type": "video/mp4",
              "url": amp}]}}  # fmt: skip
    got = _media_of(
        tmp_path, "v1", [_v1("1", "11", T0, [gif_v1, amp_v1], "extended_entities")], "x-v1"
    )
    page = {
        "data": [_v2("2", "12", T0, [f"16_{GIF_ID}", f"13_{AMP}"])],
        "includes": {
            "media": [
                {
                    "media_key": f"16_{GIF_ID}",
                    "type": "animated_gif",
                    "preview_image_url": f"https://pbs.twimg.com/tweet_video_thumb/{GIF_NAME}.jpg",
                },
                # an amplify video's preview may be a photo of its own: the key decides
                {
                    "media_key": f"13_{AMP}",
                    "type": "video",
                    "preview_image_url": "https://pbs.twimg.com/media/Eoo9YilXcAI6tNm.jpg",
                },
            ]
        },
    }
    got |= _media_of(tmp_path, "v2", [page], "x")
    assert got == {"1": [f"x-media:{GIF_ID}", f"x-media:{AMP}"]} | {
        "2": [f"x-media:{GIF_ID}", f"x-media:{AMP}"]
    }


def test_photos_and_unknown_shapes_kept(tmp_path: Path) -> None:
    """A photo keeps its URL key; a video URL of a shape X never wrote (no id in it, no
    ``media_key`` or ``id_str``) keeps its best variant, as before: never dropped."""
    odd = {"type": "video", "video_info": {"variants": [
        {"bitrate": 1, "content_type": "video/mp4", "url": "https://video.twimg.com/v_1.mp4"},
        {"bitrate": 9, "content_type": "video/mp4", "url": "https://video.twimg.com/v_9.mp4"},
    ]}}  # fmt: skip
    photo = {"type": "photo", "id_str": "1", "media_url_https": "https://pbs.twimg.com/media/A.jpg"}
    got = _media_of(tmp_path, "v1", [_v1("1", "11", T0, [photo, odd], "extended_entities")], "x-v1")
    assert got == {"1": ["pbs.twimg.com/media/A.jpg", "video.twimg.com/v_9.mp4"]}
    assert x_media.key_of_url("https://pbs.twimg.com/media/A.jpg") is None
    assert x_media.key_of_url("https://video.twimg.com/tweet_video/short.mp4") is None


def test_csv_cells_and_snscrape(tmp_path: Path) -> None:
    """twarc-csv's ``attachments.media`` objects, twitwi's and rtweet's URL lists and a
    snscrape ``Video``: the same value."""
    assert csv_media([_v2_video(OLD[1:])]) == [KEY]
    assert csv_media([NEW[0]["url"], "https://pbs.twimg.com/media/A.jpg"]) == [
        KEY,
        "pbs.twimg.com/media/A.jpg",
    ]
    sn = {
        "_type": "snscrape.modules.twitter.Tweet",
        "id": 8,
        "date": "2022-01-10T08:00:00+00:00",
        "rawContent": "look",
        "user": {"_type": "snscrape.modules.twitter.User", "id": 18, "username": "u18"},
        "media": [
            {
                "_type": "snscrape.modules.twitter.Video",
                "thumbnailUrl": THUMB,
                "variants": [{"contentType": "video/mp4", "url": u["url"], "bitrate": 1}
                             for u in NEW],
            }
        ],
    }  # fmt: skip
    assert _media_of(tmp_path, "sn", [sn], "snscrape") == {"8": [KEY]}


def test_twscrape_media(tmp_path: Path) -> None:
    """twscrape writes snscrape's ``_type`` with its media grouped by kind
    (``{"photos": [{"url"}], "videos": [...], "animated": [...]}``, its ``models.Media``):
    the photo, the video and the GIF are read, the video and GIF by their ids, as every other
    X reader keys them (read as snscrape's list, all three were lost)."""
    gif = f"https://video.twimg.com/tweet_video/{GIF_NAME}.mp4"
    tw = {
        "_type": "snscrape.modules.twitter.Tweet",
        "id": 9,
        "id_str": "9",
        "date": "2024-03-16 10:51:31+00:00",
        "rawContent": "look https://t.co/x",
        "user": {"_type": "snscrape.modules.twitter.User", "id": 19, "username": "u19"},
        "media": {
            "photos": [{"url": "https://pbs.twimg.com/media/GIyVmBeXMAE1jlo.jpg"}],
            "videos": [
                {
                    "thumbnailUrl": THUMB,
                    "variants": [{"contentType": "video/mp4", "bitrate": 1, "url": NEW[0]["url"]}],
                    "duration": 12000,
                }
            ],
            "animated": [
                {
                    "thumbnailUrl": f"https://pbs.twimg.com/tweet_video_thumb/{GIF_NAME}.jpg",
                    "videoUrl": gif,
                }
            ],
        },
    }
    got = _media_of(tmp_path, "tw", [tw], "snscrape")
    assert got == {"9": ["pbs.twimg.com/media/GIyVmBeXMAE1jlo.jpg", KEY, f"x-media:{GIF_ID}"]}


def test_co_media_ties_two_collections_of_one_video(tmp_path: Path) -> None:
    """Account A collected with v1.1 in 2020, account B with v2 after X re-encoded the videos:
    they post the same eight videos seconds apart. Keyed by variant URL, they shared nothing;
    keyed by media id, co-media finds the pair (and none of the 30 accounts around them, each
    posting videos of its own)."""
    from vigie.detect.pipeline import run_detection

    v1, pages = [], []
    for k in range(8):
        vid = str(int(VID) + k)
        t = T0 + timedelta(days=k, hours=k)
        old = json.loads(json.dumps(OLD).replace(VID, vid))
        new = json.loads(json.dumps(NEW).replace(VID, vid))
        assert not {v["url"] for v in old} & {v["url"] for v in new}
        m1 = {"id_str": vid, "type": "video", "video_info": {"variants": old}}
        v1.append(_v1(f"1{k:03}", "111", t, [m1], "extended_entities"))
        m2 = {"media_key": f"7_{vid}", "type": "video", "variants": new}
        pages.append({"data": [_v2(f"2{k:03}", "222", t + timedelta(seconds=7), [m2["media_key"]])],
                      "includes": {"media": [m2]}})  # fmt: skip
    for a in range(30):
        for k in range(6):
            vid = str(int(VID) + 1000 + a * 10 + k)
            t = T0 + timedelta(days=k, hours=a % 24, minutes=a)
            m = {"media_key": f"7_{vid}", "type": "video", "variants": NEW}
            m["variants"] = json.loads(json.dumps(NEW).replace(VID, vid))
            pages.append({"data": [_v2(f"3{a:02}{k}", f"9{a:02}", t, [m["media_key"]])],
                          "includes": {"media": [m]}})  # fmt: skip
    ds = tmp_path / "ds"
    ingest([_lines(tmp_path / "v1.jsonl", v1)], ds, fmt="x-v1")
    ingest([_lines(tmp_path / "v2.jsonl", pages)], ds, fmt="x")
    kinds = ("co_link", "co_repost", "co_reply", "co_hashtag", "copypasta", "co_domain")
    cfg: dict[str, Any] = {k: {"enabled": False} for k in kinds}
    cfg["graph"] = {"min_members": 2, "min_core": 1}  # the pair is the group
    f = run_detection(ds, tmp_path / "f", config=cfg, progress=False)
    stats = f.manifest()["signals"]["co_media"]
    assert (stats["kept"], stats["observed_kept"]) == (1, 8)  # one pair, its eight videos
    assert ["co_media" in g["signals"] for g in f.groups().to_pylist()] == [True]
    assert sorted(f.members().column("account_id").to_pylist()) == ["111", "222"]
    objects = {e["object"] for e in f.evidence().to_pylist() if e["kind"] == "co_media"}
    assert objects and all(o.startswith("x-media:") for o in objects)


def test_written_csv_is_read_alike(tmp_path: Path) -> None:
    """A twarc-csv file whose ``attachments.media`` holds the re-encoded video gives the value
    the JSON readers give."""
    src = tmp_path / "twarc.csv"
    cols = ["id", "author_id", "created_at", "text", "attachments.media"]
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerow(["9", "19", "2024-04-02T08:00:00.000Z", "look", json.dumps([_v2_video()])])
    ingest([src], tmp_path / "ds", fmt="twarc-csv")
    assert posts_by_id(tmp_path / "ds")["9"]["media"] == [KEY]
