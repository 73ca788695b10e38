"""A top-level JSON array streamed element by element (tweepy's ``json.dump`` of a tweet list):
memory bounded by the largest element, not by the file; a cut or broken array keeps what came
before and says where it stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.helpers import manifest, posts_by_id, rejected
from vigie.ingest import ingest, json_array
from vigie.ingest.model import Rejected


def _tweet(i: int) -> dict[str, object]:
    return {
        "id_str": str(1000 + i),
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "full_text": f'tweet {i} "quoted" [brackets] {{braces}}, commas',
        "user": {"id_str": str(i % 7), "screen_name": f"u{i % 7}"},
    }


def test_array_bigger_than_the_record_limit_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 tweets in one 50 KB array, with a 2 KB record limit and 64-byte reads."""
    monkeypatch.setattr(json_array, "MAX_RECORD_BYTES", 2_000)
    monkeypatch.setattr(json_array, "CHUNK", 64)
    src = tmp_path / "dump.json"
    src.write_text(json.dumps([_tweet(i) for i in range(300)], indent=2), encoding="utf-8")
    assert src.stat().st_size > 20 * 2_000
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert len(posts) == 300
    assert posts["1299"]["text"] == 'tweet 299 "quoted" [brackets] {braces}, commas'
    assert manifest(ds)["sources"][0]["records"] == 300


def test_cut_array_keeps_what_came_before(tmp_path: Path) -> None:
    src = tmp_path / "cut.json"
    text = json.dumps([_tweet(i) for i in range(10)])
    src.write_text(text[: text.index('"1007"') + 3], encoding="utf-8")  # inside element 8
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="x-v1")
    assert len(posts_by_id(ds)) == 7
    (r,) = rejected(ds)
    assert (r["reason"], r["record"]) == ("malformed JSON", 8)


def test_elements_refuse_an_element_over_the_limit(tmp_path: Path) -> None:
    src = tmp_path / "big.json"
    src.write_text(json.dumps([{"a": 1}, {"b": "x" * 5_000}, {"c": 3}]))
    got = list(json_array.elements(src, 1_000))
    assert got[0] == (1, {"a": 1})
    assert isinstance(got[1][1], Rejected) and got[1][1].reason == "record too large"
    assert got[2] == (3, {"c": 3})  # its end was known: the reading goes on


def test_numbers_split_across_reads_are_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_array, "CHUNK", 3)
    src = tmp_path / "n.json"
    src.write_text('[12345, 678901, {"x": [1, 2]}]')
    assert [v for _, v in json_array.elements(src, 100)] == [12345, 678901, {"x": [1, 2]}]


_FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("x_v2_pages.jsonl", "x"),
        ("x_v2_flat.jsonl", "x"),
        ("sources/tiktok_videos.jsonl", "tiktok"),
        ("sources/jetstream.jsonl", "jetstream"),
        ("bluesky_search.jsonl", "bluesky"),
    ],
)
def test_a_json_array_of_a_platforms_lines_reads_as_its_lines(
    tmp_path: Path, fixture: str, fmt: str
) -> None:
    """was: an array of X v2 response pages (``json.dump(pages, indent=2)``) was "cannot
    tell the format", and read as one record with ``--format x``; an array of TikTok pages
    refused every video. An array is now read element by element, as its lines would be:
    found by its first element's shape, the same posts."""
    lines = [x for x in (_FIX / fixture).read_text(encoding="utf-8").splitlines() if x.strip()]
    values = []
    for line in lines:
        try:
            values.append(json.loads(line))
        except ValueError:
            continue  # the fixture's malformed lines: a valid array cannot hold them
    jsonl = tmp_path / "lines.jsonl"
    jsonl.write_text("".join(json.dumps(v) + "\n" for v in values), encoding="utf-8")
    array = tmp_path / "array.json"
    array.write_text(json.dumps(values, indent=2), encoding="utf-8")
    ingest([jsonl], tmp_path / "a")
    ingest([array], tmp_path / "b")  # auto-detected
    assert manifest(tmp_path / "b")["sources"][0]["format"] == fmt
    a, b = posts_by_id(tmp_path / "a"), posts_by_id(tmp_path / "b")
    assert a and a == b
    assert len(rejected(tmp_path / "a")) == len(rejected(tmp_path / "b"))
