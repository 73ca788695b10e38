"""The SQL readers' queries run ahead on worker threads: same Dataset, same order, clean stops.

Why these tests: ``sqljson.run_ahead`` runs the next batches' queries while the caller maps
the previous one. Nothing about the rows may depend on how many threads did it, a query's
error must surface at its own batch (after the batches before it), and a reader stopped
early (a refusal, an error downstream) must leave no query running.
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from ingest.helpers import run_cli
from ingest.test_fast_paths import _dataset, _odd_tweets, _tweet
from ingest.test_fast_paths_generic import MAPS, _line
from ingest.test_fast_paths_social import _mix, _odd_statuses, _status
from vigie.ingest import sqljson
from vigie.ingest.fastlines import LineBatch


def _tables(n: int) -> list[LineBatch]:
    return [
        LineBatch(pa.table({"lineno": [i * 10 + k for k in range(5)], "line": ["1"] * 5}))
        for i in range(n)
    ]


def _sql_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("vigie-ingest-sql")]


@pytest.mark.parametrize("threads", [1, 2, 5])
def test_batches_come_back_in_order_with_their_own_rows(threads: int) -> None:
    batches = _tables(12)
    got = list(
        sqljson.run_ahead("SELECT lineno * 2 AS x FROM lines", iter(batches), threads=threads)
    )
    assert [b for b, _ in got] == batches
    for b, out in got:
        assert out.column("x").to_pylist() == [2 * v for v in b.lines.column("lineno").to_pylist()]
    assert not _sql_threads()


def test_a_failing_query_is_raised_at_its_batch() -> None:
    batches = _tables(8)
    batches[5] = LineBatch(pa.table({"lineno": [50], "line": ["not a number"]}))
    seen = []
    with pytest.raises(duckdb.Error):
        for b, _out in sqljson.run_ahead(
            "SELECT CAST(line AS INTEGER) AS x FROM lines", batches, threads=3
        ):
            seen.append(b.lines.column("lineno")[0].as_py())
    assert seen == [0, 10, 20, 30, 40]  # every batch before the bad one, in order
    assert not _sql_threads()


def test_a_reader_stopped_early_leaves_no_query_running() -> None:
    it = sqljson.run_ahead("SELECT lineno FROM lines", _tables(50), threads=3)
    next(it)
    next(it)
    it.close()  # what a consumer's ``break`` or exception does to a generator
    assert not _sql_threads()


def _same_with_threads(src: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> Any:
    """The Dataset read with one query at a time and with three at once: equal."""
    monkeypatch.setenv("VIGIE_INGEST_THREADS", "1")
    one = _dataset(src, tmp / "one", True, monkeypatch, **kw)
    monkeypatch.setenv("VIGIE_INGEST_THREADS", "3")
    three = _dataset(src, tmp / "three", True, monkeypatch, **kw)
    assert one == three
    assert one[0] != "error", one
    return one


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 lines: a 100-line file is many batches, most of them ahead."""
    from vigie.ingest import mastodon_sql, model, tabular, x_sql

    for mod in (model, tabular, x_sql, mastodon_sql):
        monkeypatch.setattr(mod, "BATCH_ROWS", 7)


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_generic_jsonl_same_whatever_the_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    rng = random.Random(11)
    src = _write(tmp_path / "posts.jsonl", [_line(rng, i) for i in range(150)])
    posts, _, rejected, _, n = _same_with_threads(
        src, tmp_path, monkeypatch, fmt="jsonl", mapping=MAPS["plain"]
    )
    assert n > 30 and len(posts) == n
    assert "malformed JSON" in rejected  # odd lines went to Python, in their place


def test_x_flat_same_whatever_the_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    rng = random.Random(12)
    plain = [json.dumps(_tweet(i, rng)).encode() for i in range(80)]
    src = _write(tmp_path / "tweets.jsonl", _mix(plain, _odd_tweets(rng)))
    out = _same_with_threads(src, tmp_path, monkeypatch, fmt="x")
    assert out[4] > 80


def test_mastodon_same_whatever_the_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    rng = random.Random(13)
    plain = [json.dumps(_status(i, rng), ensure_ascii=False).encode() for i in range(80)]
    src = _write(tmp_path / "statuses.jsonl", _mix(plain, _odd_statuses(rng)))
    out = _same_with_threads(src, tmp_path, monkeypatch, fmt="mastodon")
    assert out[4] > 60 and "missing status field" in out[2]


@pytest.mark.parametrize("value", ["two", "0", "-3"])
def test_a_bad_thread_setting_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("VIGIE_INGEST_THREADS", value)
    src = _write(tmp_path / "posts.jsonl", [_line(random.Random(1), i) for i in range(5)])
    code, out = run_cli(["ingest", str(src), "--into", str(tmp_path / "ds"), *_maps()])
    assert code != 0
    assert "VIGIE_INGEST_THREADS" in out and value in out
    assert "Traceback" not in out
    assert not (tmp_path / "ds").exists()


def _maps() -> list[str]:
    return [a for m in MAPS["plain"] for a in ("--map", m)]
