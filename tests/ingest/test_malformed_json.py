"""Every JSON reader against malformed variants of its own documented-shape fixtures.

Each variant replaces one field (walked over the whole record) by a value of the wrong type;
the held-out rule: no traceback (only a ``VigieError`` for a file-level problem), and no silent
loss: every input record is accounted for as accepted, rejected or skipped.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import FIX
from vigie.errors import VigieError
from vigie.ingest import ingest

WRONG: list[Any] = [None, 7, "x", [], {}, [[["deep"]]], True, -1.5e300]
SAMPLES = 24  # paths mutated per fixture (spread over the record), x len(WRONG) variants


def _paths(obj: Any, prefix: tuple = ()) -> Iterator[tuple]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:2]):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _set(obj: Any, path: tuple, value: Any) -> Any:
    out = copy.deepcopy(obj)
    cur = out
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return out


def _variants(record: Any) -> list[Any]:
    paths = list(_paths(record))
    step = max(1, len(paths) // SAMPLES)
    return [_set(record, p, w) for p in paths[::step] for w in WRONG]


CASES = [
    ("x_v2_pages.jsonl", "x", 0),
    ("x_v2_flat.jsonl", "x", 0),
    ("bluesky_author_feed.json", "bluesky", None),
    ("sources/jetstream.jsonl", "jetstream", 0),
    ("sources/jetstream.jsonl", "jetstream", 6),
    ("sources/mastodon_timeline.json", "mastodon", None),
    ("sources/youtube_comment_threads.json", "youtube", None),
    ("sources/tiktok_videos.jsonl", "tiktok", 0),
    ("sources/mcl_instagram_posts.jsonl", "mcl", 0),
]


@pytest.mark.parametrize(("name", "fmt", "line"), CASES)
def test_wrong_types_never_traceback(tmp_path: Path, name: str, fmt: str, line: int | None) -> None:
    text = (FIX / name).read_text(encoding="utf-8")
    record = json.loads(text) if line is None else json.loads(text.splitlines()[line])
    variants = _variants(record)
    src = tmp_path / "mutated.jsonl"
    src.write_text("".join(json.dumps(v) + "\n" for v in variants), encoding="utf-8")
    try:
        report = ingest([src], tmp_path / "ds", fmt=fmt)
    except VigieError:
        return  # a file-level error, one line on the CLI: allowed, never a traceback
    s = report.sources[0]
    assert s.records >= len(variants) - sum(isinstance(v, dict) and not v for v in variants)
    assert s.accepted + s.rejected + sum(s.skipped.values()) >= s.records - s.duplicates


def test_telegram_wrong_types_never_traceback(tmp_path: Path) -> None:
    doc = json.loads((FIX / "telegram" / "result.json").read_text(encoding="utf-8"))
    msg = next(m for m in doc["messages"] if isinstance(m.get("text"), list))
    variants = _variants(msg)
    src = tmp_path / "result.json"
    src.write_text(json.dumps(dict(doc, messages=variants)), encoding="utf-8")
    report = ingest([src], tmp_path / "ds", fmt="telegram")
    s = report.sources[0]
    assert s.records == len(variants)
    assert s.accepted + s.rejected + sum(s.skipped.values()) >= s.records - s.duplicates
