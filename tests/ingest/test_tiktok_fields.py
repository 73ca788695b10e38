"""TikTok Research API videos under the codebook's other field names.

The codebook says a video's id "is also called item_id or video_id", and TikTok's own
examples and R's traktok (``tt_search_api``: ``video_id``, ``author_name``, ``create_time``
as UTC text) write them so; every such video was refused as "not a TikTok video or page".
Values are ours; the structure is the Research API's video object."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from ingest.helpers import posts_by_id, rejected
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect


def test_video_id_item_id_and_traktok_names(tmp_path: Path) -> None:
    page = {
        "data": {
            "videos": [
                {
                    "video_id": 7300000000000000001,
                    "username": "creator_one",
                    "create_time": 1700000000,
                    "video_description": "watch #same",
                    "region_code": "FR",
                    "music_id": 7200000000000000009,
                    "voice_to_text": "la la la",
                },
                {
                    "item_id": "7300000000000000002",
                    "username": "creator_two",
                    "create_time": 1700000060,
                    "video_description": "no tags in the text",
                    "hashtag_info_list": [
                        {"hashtag_id": 1, "hashtag_name": "same", "hashtag_description": ""}
                    ],
                },
            ],
            "cursor": 2,
            "has_more": False,
        },
        "error": {"code": "ok", "message": "", "log_id": "x"},
    }
    traktok = {
        "video_id": "7300000000000000003",
        "author_name": "creator_three",
        "create_time": "2023-11-14 22:15:00",
        "video_description": "copy #same",
        "hashtag_names": ["same"],
    }
    src = tmp_path / "videos.jsonl"
    src.write_text(json.dumps(page) + "\n" + json.dumps(traktok) + "\n", encoding="utf-8")
    assert detect(src) == "tiktok"
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].accepted == 3 and rejected(ds) == []
    posts = posts_by_id(ds)
    assert set(posts) == {f"730000000000000000{n}" for n in (1, 2, 3)}
    first = posts["7300000000000000001"]
    assert first["account_id"] == "creator_one" and first["hashtags"] == ["same"]
    assert first["created_at"] == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert first["text"] == "watch #same"  # the transcript is not the author's text
    assert posts["7300000000000000002"]["hashtags"] == ["same"]
    third = posts["7300000000000000003"]
    assert third["account_id"] == "creator_three"
    assert third["created_at"] == datetime(2023, 11, 14, 22, 15, tzinfo=UTC)


def test_video_without_any_id_names_the_field(tmp_path: Path) -> None:
    src = tmp_path / "v.jsonl"
    line = {"username": "u", "create_time": 1700000000, "video_description": "x"}
    ok = {"id": "7300000000000000009", **line}
    src.write_text(json.dumps(ok) + "\n" + json.dumps({"video_id": "", **line}) + "\n")
    ingest([src], tmp_path / "ds", fmt="tiktok")
    [rej] = rejected(tmp_path / "ds")
    assert (rej["record"], rej["field"]) == (2, "id")


def test_videos_saved_as_a_table(tmp_path: Path) -> None:
    """The Research API's videos written as CSV (R traktok's table through ``write.csv``: row
    names, ``c(...)`` lists, ``NA``, UTC text times; or a JSON list and POSIX seconds), as the
    VERA.AI CSDS pre-processor reads them: they were refused for want of an account column."""
    src = tmp_path / "tiktok_videos.csv"
    src.write_text(
        '"","video_id","author_name","create_time","video_description","hashtag_names",'
        '"voice_to_text","region_code"\n'
        '"1","7300000000000000001","user_a","2024-05-29 16:26:40",'
        '"Vote on Sunday #election","c(""election"", ""Vote"")",NA,"FR"\n'
        '"2","7300000000000000002","user_b","1717000010","Vote on Sunday",'
        '"[""election""]","la la la","FR"\n'
        '"3","7300000000000000003",NA,"1717000020","no user","",NA,"FR"\n',
        encoding="utf-8",
    )
    assert detect(src) == "tiktok"
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == ["7300000000000000001", "7300000000000000002"]
    a = posts["7300000000000000001"]
    assert a["platform"] == "tiktok" and a["account_id"] == "user_a"
    assert a["created_at"] == datetime(2024, 5, 29, 16, 26, 40, tzinfo=UTC)
    assert a["hashtags"] == ["election", "vote"] and a["text"] == "Vote on Sunday #election"
    b = posts["7300000000000000002"]
    assert b["hashtags"] == ["election"] and b["text"] == "Vote on Sunday"  # not the transcript
    assert [(r["field"], r["record"]) for r in rejected(ds)] == [("username", 4)]
