"""A generic table saved as one JSON array (``json.dump(records)``, a scraper's export).

Known answers: each array is written beside its JSON Lines twin (same records, one a line);
both must give the same Dataset, and refusals must name element numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import (
    accounts_by_id,
    assert_no_temp_left,
    assert_same_posts,
    posts_by_id,
    rejected,
    run_cli,
)
from vigie.ingest import ingest, json_array
from vigie.ingest.detect_format import detect

DATE = "2024-05-01T10:00:00.000Z"
MAP = ["post_id=id", "account_id=author.id", "created_at=createTimeISO", "hashtags=tags.name"]


def _video(i: int) -> dict[str, Any]:
    """A record shaped like a scraper's TikTok item (nested author, list of tag objects)."""
    return {
        "id": str(7000 + i),
        "text": f"vidéo {i} https://example.org/{i % 4}",
        "createTimeISO": DATE,
        "author": {"id": f"u{i % 3}", "name": f"user {i % 3}"},
        "tags": [{"name": f"tag{i % 2}"}, {"name": "Vote"}],
        "playCount": 100 * i,
    }


@pytest.mark.parametrize("indent", [None, 2])
def test_array_gives_the_dataset_of_its_json_lines(tmp_path: Path, indent: int | None) -> None:
    items = [_video(i) for i in range(9)]
    text = json.dumps(items, indent=indent, ensure_ascii=False)
    report = _same_as_twin(tmp_path, text, items, MAP, "tiktok")
    assert report.sources[0].path == str(tmp_path / "source.json")
    assert posts_by_id(tmp_path / "a")["7001"]["hashtags"] == ["tag1", "vote"]


def _same_as_twin(
    tmp_path: Path, text: str, records: list[Any], mapping: list[str], platform: str
) -> Any:
    """Ingest ``text`` (a JSON document holding ``records``) and its JSON Lines twin: the
    same posts, every record counted, no temporary copy left; the document's report."""
    src = tmp_path / "source.json"
    src.write_text(text, encoding="utf-8")
    twin = tmp_path / "twin.jsonl"
    twin.write_text("".join(json.dumps(x) + "\n" for x in records), encoding="utf-8")
    assert detect(src) == "jsonl"
    report = ingest([src], tmp_path / "a", mapping=mapping, platform=platform)
    ingest([twin], tmp_path / "b", mapping=mapping, platform=platform)
    assert_same_posts(tmp_path / "a", tmp_path / "b")
    assert report.sources[0].records == len(records)
    assert_no_temp_left(tmp_path)
    return report


def test_array_cut_short_keeps_what_was_read_and_says_where(tmp_path: Path) -> None:
    text = json.dumps([_video(i) for i in range(5)])
    arr = tmp_path / "cut.json"
    arr.write_text(text[: text.index('{"id": "7004"')], encoding="utf-8")
    ingest([arr], tmp_path / "ds", mapping=MAP, platform="tiktok")
    assert sorted(posts_by_id(tmp_path / "ds")) == ["7000", "7001", "7002", "7003"]
    (r,) = rejected(tmp_path / "ds")
    assert (r["record"], r["reason"], r["file"]) == (5, "malformed JSON", str(arr))
    assert "not closed" in r["detail"]


def test_elements_over_the_limit_keep_the_numbers_of_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_array, "MAX_RECORD_BYTES", 600)
    items = [_video(i) for i in range(4)]
    items[1]["text"] = "x" * 2000
    items[3]["createTimeISO"] = "not a date"
    arr = tmp_path / "big.json"
    arr.write_text(json.dumps(items), encoding="utf-8")
    ingest([arr], tmp_path / "ds", mapping=MAP, platform="tiktok")
    refused = sorted((r["record"], r["reason"]) for r in rejected(tmp_path / "ds"))
    assert refused == [(2, "record too large"), (4, "invalid created_at")]
    assert sorted(posts_by_id(tmp_path / "ds")) == ["7000", "7002"]


def test_array_of_accounts_and_an_encoded_array(tmp_path: Path) -> None:
    accounts = [{"account_id": f"u{i}", "handle": f"h{i}", "followers": i} for i in range(3)]
    src = tmp_path / "accounts.json"
    src.write_text(json.dumps(accounts), encoding="utf-8")
    ingest([src], tmp_path / "ds", fmt="accounts", platform="tiktok")
    assert accounts_by_id(tmp_path / "ds")["u2"]["handle"] == "h2"
    latin = tmp_path / "latin.json"
    latin.write_bytes(json.dumps([_video(0)], ensure_ascii=False).encode("latin-1"))
    ingest([latin], tmp_path / "ds2", mapping=MAP, platform="tiktok", encoding="latin-1")
    assert posts_by_id(tmp_path / "ds2")["7000"]["text"].startswith("vidéo 0")


def test_an_array_of_a_platforms_records_is_not_a_generic_table(tmp_path: Path) -> None:
    status = {
        "id": "1",
        "uri": "https://m.example/users/a/statuses/1",
        "created_at": "2024-05-01T10:00:00.000Z",
        "content": "<p>hi</p>",
        "account": {"id": "9", "acct": "a", "username": "a"},
    }
    src = tmp_path / "statuses.json"
    src.write_text(json.dumps([status]), encoding="utf-8")
    assert detect(src) == "mastodon"
    scalars = tmp_path / "numbers.json"
    scalars.write_text("[1, 2, 3]", encoding="utf-8")
    code, said = run_cli(["ingest", str(scalars), "--into", str(tmp_path / "x")])
    assert code != 0 and "cannot tell the format" in said and "numbers.json" in said
    empty = tmp_path / "empty.json"
    empty.write_text("[\n]\n", encoding="utf-8")
    code, said = run_cli(["ingest", str(empty), "--into", str(tmp_path / "x")])
    assert code != 0 and "empty.json: an empty JSON array" in said


def test_a_generic_posts_wrapper_is_not_taken_for_a_bluesky_page(tmp_path: Path) -> None:
    """``{"posts": [...]}`` of another tool's records used to be read as a Bluesky search
    page, whose reader then refused every record; only ``at://`` posts make one, the others
    are a generic wrapper of records."""
    generic = tmp_path / "export.json"
    generic.write_text(json.dumps({"posts": [{"id": "1", "text": "x"}]}), encoding="utf-8")
    assert detect(generic) == "jsonl"  # a generic wrapper of records (below)
    page = {"posts": [{"uri": "at://did:plc:x/app.bsky.feed.post/1", "record": {}}]}
    (tmp_path / "search.json").write_text(json.dumps(page), encoding="utf-8")
    assert detect(tmp_path / "search.json") == "bluesky"
    feed = {"feed": [{"post": {"uri": "at://did:plc:x/app.bsky.feed.post/2"}}], "cursor": "c"}
    (tmp_path / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    assert detect(tmp_path / "feed.json") == "bluesky"


GRAPH_MAP = ["post_id=id", "account_id=from.id", "created_at=created_time", "text=message"]


def _graph_post(i: int) -> dict[str, Any]:
    return {
        "id": f"10_{i}",
        "from": {"id": f"page{i % 3}", "name": "Page"},
        "created_time": "2024-05-01T10:00:00+0000",
        "message": f"post {i} https://example.org/{i}",
        "attachments": {"data": [{"url": f"https://example.org/{i}"}]},
    }


@pytest.mark.parametrize("indent", [None, 2])
def test_a_saved_api_response_wrapping_its_records(tmp_path: Path, indent: int | None) -> None:
    """``{"data": [...], "paging": {...}}`` (a Graph API page saved whole): its records."""
    posts = [_graph_post(i) for i in range(7)]
    doc = {"data": posts, "paging": {"cursors": {"after": "x"}, "next": "https://g.example"}}
    _same_as_twin(tmp_path, json.dumps(doc, indent=indent), posts, GRAPH_MAP, "facebook")


def test_json_lines_whose_records_hold_lists_are_not_unwrapped(tmp_path: Path) -> None:
    """Records with a list of objects of their own (``attachments.data``) stay records."""
    src = tmp_path / "posts.jsonl"
    src.write_text("".join(json.dumps(_graph_post(i)) + "\n" for i in range(3)), "utf-8")
    assert json_array.wrapped_key(src) is None
    ingest([src], tmp_path / "ds", mapping=GRAPH_MAP, platform="facebook")
    assert sorted(posts_by_id(tmp_path / "ds")) == ["10_0", "10_1", "10_2"]


def test_a_wrapper_broken_part_way_keeps_the_records_before(tmp_path: Path) -> None:
    text = json.dumps({"data": [_graph_post(i) for i in range(4)]})
    src = tmp_path / "cut.json"
    src.write_text(text[: text.index('{"id": "10_3"') + 20], encoding="utf-8")
    ingest([src], tmp_path / "ds", mapping=GRAPH_MAP, platform="facebook")
    assert sorted(posts_by_id(tmp_path / "ds")) == ["10_0", "10_1", "10_2"]
    (r,) = rejected(tmp_path / "ds")
    assert (r["record"], r["reason"], r["file"]) == (4, "malformed JSON", str(src))
    assert "breaks after record 3 of 'data'" in r["detail"]


def test_a_platforms_wrapped_page_keeps_its_reader(tmp_path: Path) -> None:
    page = {"data": {"videos": [{"id": 1, "create_time": 1714557600}], "has_more": False}}
    src = tmp_path / "videos.json"
    src.write_text(json.dumps(page, indent=2), encoding="utf-8")
    assert detect(src) == "tiktok"
    assert json_array.generic_records_key(src, "auto") is None


def test_a_wrappers_other_lists_are_refused_not_dropped(tmp_path: Path) -> None:
    """A saved response wrapping two lists of objects (``{"data": [...], "included":
    [...]}``): its first list is read; the objects of the other were dropped unsaid, and are
    now refused one by one, by their place, with the advice to save that list apart. A list
    of scalars and a nested object are no records."""
    doc = {
        "data": [_graph_post(i) for i in range(3)],
        "included": [{"id": f"p{i}", "type": "page"} for i in range(2)],
        "ids": [1, 2, 3],
        "paging": {"cursors": {"after": "x"}},
    }
    src = tmp_path / "page.json"
    src.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    report = ingest([src], tmp_path / "ds", mapping=GRAPH_MAP, platform="facebook")
    assert sorted(posts_by_id(tmp_path / "ds")) == ["10_0", "10_1", "10_2"]
    refused = rejected(tmp_path / "ds")
    assert [(r["record"], r["reason"], r["field"]) for r in refused] == [
        ("included[1]", "another list of the document", "included"),
        ("included[2]", "another list of the document", "included"),
    ]
    assert "save 'included' in a file of its own" in refused[0]["detail"]
    src_report = report.sources[0]
    assert (src_report.records, src_report.accepted, src_report.rejected) == (5, 3, 2)
