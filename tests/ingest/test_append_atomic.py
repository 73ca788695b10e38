"""Appending to a Dataset, de-duplication, and atomicity under interruption."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected
from vigie.errors import VigieError
from vigie.ingest import api, ingest, tabular

MAP = {
    "post_id": "id",
    "account_id": "acc",
    "created_at": "ts",
    "text": "text",
    "followers": "followers",
}


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("id,acc,ts,text,followers\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_append_deduplicates_on_platform_and_post_id(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    a = _csv(tmp_path / "a.csv", ["1,u1,1632125000,first,10", "2,u2,1632125060,second,"])
    b = _csv(
        tmp_path / "b.csv",
        ["2,u2,1632125060,second again,20", "3,u1,1632125120,third,11", "x,u1,bad-time,broken,1"],
    )
    ingest([a], ds, mapping=MAP, platform="x")
    report = ingest([b], ds, mapping=MAP, platform="x")
    posts = posts_by_id(ds)
    assert sorted(posts) == ["1", "2", "3"]
    assert posts["2"]["text"] == "second"  # the post already in the Dataset is kept
    assert report.sources[0].duplicates == 1 and report.sources[0].accepted == 2
    acc = accounts_by_id(ds)
    assert acc["u1"]["followers"] == 11  # most recent information wins
    assert acc["u2"]["followers"] == 20  # ... null never erases a known value, and vice versa
    m = manifest(ds)
    assert m["counts"] == {"posts": 3, "accounts": 2, "rejected": 1}
    assert [s["path"] for s in m["sources"]] == [str(a), str(b)]
    assert [s["duplicates"] for s in m["sources"]] == [0, 1]
    assert m["duplicates"] == 1
    # the same post on another platform is another post
    ingest([a], ds, mapping=MAP, platform="facebook")
    assert manifest(ds)["counts"]["posts"] == 5
    # re-ingesting the same file changes nothing but the duplicate count
    ingest([a], ds, mapping=MAP, platform="facebook")
    m = manifest(ds)
    assert m["counts"]["posts"] == 5 and m["sources"][-1]["duplicates"] == 2
    assert len(rejected(ds)) == 1  # rejected.jsonl is carried over across appends


def test_interrupted_ingest_leaves_previous_dataset_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = tmp_path / "ds"
    ingest([FIX / "x_v2_pages.jsonl"], ds)
    before = _digest(ds)

    big = tmp_path / "big.jsonl"
    big.write_text(
        "".join(
            json.dumps(
                {"id": i, "acc": f"u{i % 7}", "ts": 1632125000 + i, "text": f"t{i}", "followers": i}
            )
            + "\n"
            for i in range(50)
        ),
        encoding="utf-8",
    )
    real_convert = tabular.convert
    calls = {"n": 0}

    def dying_convert(*args, **kwargs):  # the second batch never arrives: Ctrl-C mid-ingest
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_convert(*args, **kwargs)

    monkeypatch.setattr(tabular, "BATCH_ROWS", 10)
    monkeypatch.setattr(tabular, "convert", dying_convert)
    with pytest.raises(KeyboardInterrupt):
        ingest([big], ds, mapping=MAP, platform="x")
    assert calls["n"] == 2
    assert _digest(ds) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "ds"]  # no temp left


def test_failure_during_merge_leaves_previous_dataset_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = tmp_path / "ds"
    ingest([FIX / "bluesky_search.jsonl"], ds)
    before = _digest(ds)

    def broken_merge(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(api, "merge", broken_merge)
    with pytest.raises(OSError, match="disk full"):
        ingest([FIX / "bluesky_author_feed.json"], ds)
    assert _digest(ds) == before
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]


def test_refuses_to_overwrite_a_folder_that_is_not_a_dataset(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("precious")
    with pytest.raises(VigieError, match="not a vigie Dataset"):
        ingest([FIX / "bluesky_search.jsonl"], target)
    assert (target / "notes.txt").read_text() == "precious"


def test_several_sources_in_one_run(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest(
        [FIX / "x_v2_pages.jsonl", FIX / "x_v2_flat.jsonl", FIX / "telegram" / "result.json"],
        ds,
    )
    assert [s.format for s in report.sources] == ["x", "x", "telegram"]
    # the flattened file repeats the original tweet and its retweet from the pages file
    assert report.sources[1].duplicates == 3  # ORIG (twice: itself + as RT's target) and RT
    assert report.posts == 5 + 1 + 3
    t = pq.read_table(ds / "posts.parquet")
    times = t.column("created_at").to_pylist()
    assert times == sorted(times)  # posts are written in time order


def test_other_files_in_the_dataset_folder_survive_an_append(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([FIX / "bluesky_search.jsonl"], ds)
    (ds / "truth.parquet").write_bytes(b"ground truth written by the exercise generator")
    (ds / "extra").mkdir()
    (ds / "extra" / "notes.md").write_text("kept")
    ingest([FIX / "bluesky_author_feed.json"], ds)
    assert (ds / "truth.parquet").read_bytes().startswith(b"ground truth")
    assert (ds / "extra" / "notes.md").read_text() == "kept"


def test_a_file_ingested_again_is_refused_once(tmp_path: Path) -> None:
    """The same file ingested twice (a command run again, a collection re-exported whole)
    wrote its refused records twice to rejected.jsonl and doubled the Dataset's count of
    them. They are kept once, said in the report; another file's refusals still add up."""
    src = FIX / "datasets" / "cnt_input.csv"  # one record with an unreadable time
    ds = tmp_path / "ds"
    first = ingest([src], ds)
    again = ingest([src], ds)
    assert (first.rejected_total, first.refused_before) == (1, 0)
    assert (again.rejected_total, again.refused_before) == (1, 1)
    assert len((ds / "rejected.jsonl").read_text(encoding="utf-8").splitlines()) == 1
    assert manifest(ds)["counts"]["rejected"] == 1
    other = tmp_path / "other.csv"
    other.write_text(src.read_text(encoding="utf-8").replace("soon", "later"), encoding="utf-8")
    third = ingest([other], ds)
    assert (third.rejected_total, third.refused_before) == (2, 0)
    assert len((ds / "rejected.jsonl").read_text(encoding="utf-8").splitlines()) == 2
