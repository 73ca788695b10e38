"""The SQL paths (``jsonl_sql``, ``x_sql``) give the Python paths' Dataset.

Each source is ingested twice, with ``VIGIE_INGEST_FAST=0`` (every line through Python, the
readers as they were) and with the SQL paths on, and the two Datasets must hold the same posts,
accounts, refusals (reason, record, field, detail, excerpt) and manifest counts. Sources: every
fixture of those formats, files shaped like the benchmark's, and files mixing every line the
SQL paths must hand back to Python (broken, deep, trailing commas, NaN spellings, repeated keys,
lone surrogates, bytes that are not UTF-8, blank and BOM lines, wrong types, missing fields,
Unicode hashtags, entities absent, media, expanded references, pages among tweets).
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.helpers import FIX
from vigie.errors import VigieError
from vigie.ingest import ingest


def _dataset(src: Path, out: Path, fast: bool, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> Any:
    monkeypatch.setenv("VIGIE_INGEST_FAST", "1" if fast else "0")
    try:
        report = ingest([src], out, **kw)
    except VigieError as exc:
        return ("error", str(exc))
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for s in m["sources"]:
        s.pop("ingested_at")
    m.pop("created_at", None)
    rej = out / "rejected.jsonl"
    return (
        pq.read_table(out / "posts.parquet").to_pylist(),
        pq.read_table(out / "accounts.parquet").to_pylist(),
        rej.read_text(encoding="utf-8") if rej.exists() else "",
        m,
        report.posts,
    )


def _same(src: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> Any:
    slow = _dataset(src, tmp / "slow", False, monkeypatch, **kw)
    fast = _dataset(src, tmp / "fast", True, monkeypatch, **kw)
    assert fast == slow
    return fast


@pytest.mark.parametrize(
    "name",
    ["x_v2_flat.jsonl", "x_v2_pages.jsonl", "generic_posts.jsonl", "sources/jetstream.jsonl"],
)
def test_fixtures_same_both_paths(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kw: dict[str, Any] = {}
    if name == "generic_posts.jsonl":
        kw = {
            "platform": "x",
            "mapping": ["post_id=uid", "account_id=account", "created_at=ts", "text=content"],
        }
    out = _same(FIX / name, tmp_path, monkeypatch, **kw)
    assert out[0] != "error" and out[4] > 0


def _tweet(i: int, rng: random.Random) -> dict[str, Any]:
    url = f"https://www.example.org/a/{rng.randrange(50)}?utm_source=x&id={i % 3}"
    t: dict[str, Any] = {
        "id": str(10**18 + i),
        "text": f"Tweet {i} #Wahl @u{i % 5} https://t.co/{i} &amp; more",
        "author_id": str(i % 7),
        "created_at": f"2021-09-{1 + i % 28:02d}T{i % 24:02d}:00:00.{i % 1000:03d}Z",
        "lang": "de",
        "entities": {
            "hashtags": [{"start": 10, "end": 15, "tag": "Wahl"}, {"tag": "wahl"}],
            "mentions": [{"username": f"u{i % 5}"}],
            "urls": [{"url": f"https://t.co/{i}", "expanded_url": url}],
        },
        "author": {
            "id": str(i % 7),
            "username": f"u{i % 7}",
            "name": f"User {i % 7}",
            "created_at": "2015-01-01T00:00:00.000Z",
            "public_metrics": {"followers_count": i, "following_count": 3, "tweet_count": 9},
        },
    }
    if i % 4 == 0:
        t["referenced_tweets"] = [{"type": "retweeted", "id": str(10**18 + i // 2)}]
    return t


def _odd_tweets(rng: random.Random) -> list[bytes]:
    """Lines the SQL path must hand to Python, each next to plain ones."""
    base = _tweet(1, rng)
    out: list[bytes] = []

    def add(t: Any) -> None:
        out.append(json.dumps(t, ensure_ascii=False).encode())

    for change in [
        lambda t: t.pop("entities"),
        lambda t: t.update(entities={}),
        lambda t: t["entities"].update(hashtags=[{"tag": "Ünïcode"}]),
        lambda t: t["entities"].update(hashtags=["tag"]),
        lambda t: t["entities"].update(hashtags=[{"tag": None}, {"tag": "x"}]),
        lambda t: t["entities"].update(urls=5),
        lambda t: t["entities"].update(urls=[{"url": 1, "expanded_url": "x"}]),
        lambda t: t["entities"].update(urls=[{"url": "https://t.co/1", "unwound_url": ""}]),
        lambda t: t.update(attachments={"media_keys": ["3_1"], "media": []}),
        lambda t: t.update(text=None),
        lambda t: t.update(text=5),
        lambda t: t.update(lang=""),
        lambda t: t.update(lang=7),
        lambda t: t.pop("author_id"),
        lambda t: t.update(id=""),
        lambda t: t.update(id=12345),
        lambda t: t.update(created_at="2021-09-01 10:00:00"),
        lambda t: t.update(created_at="2021-09-01T10:00:00+02:00"),
        lambda t: t.update(created_at="yesterday"),
        lambda t: t.update(created_at="2021-09-01T24:00:00.000Z"),
        lambda t: t.update(created_at="2021-02-30T10:00:00.000Z"),
        lambda t: t.update(created_at="2021-09-01T10:00:60.000Z"),
        lambda t: t.update(created_at="0000-09-01T10:00:00.000Z"),
        lambda t: t["author"].update(created_at="2015-02-29T00:00:00.000Z"),
        lambda t: t["author"].update(created_at="2015-01-01T24:00:00.000Z"),
        lambda t: t.update(referenced_tweets="x"),
        lambda t: t.update(referenced_tweets=[{"type": "quoted", "id": "5", "text": "hi"}]),
        lambda t: t.update(
            referenced_tweets=[{"type": "quoted", "id": "5"}, {"type": "quoted", "id": "6"}]
        ),
        lambda t: t.update(author="nobody"),
        lambda t: t["author"].update(id=int(t["author"]["id"])),
        lambda t: t["author"].update(created_at="01/01/2015"),
        lambda t: t["author"]["public_metrics"].update(followers_count=2**64 - 1),
        lambda t: t["author"]["public_metrics"].update(followers_count=1.5),
        lambda t: t["author"].update(username=5, description=""),
        lambda t: t.update(in_reply_to_user={"id": "1", "username": "x"}),
        lambda t: t.update(data=None),
    ]:
        t = copy.deepcopy(base)
        change(t)
        add(t)
    for key, value in (("text", "the last text"), ("id", "777"), ("lang", "fr")):
        # a whole tweet that SQL could map but for a repeated top-level key (Python: last wins)
        out.append(json.dumps(base)[:-1].encode() + f', "{key}": "{value}"}}'.encode())
    add({"meta": {"result_count": 0}})
    add({"data": [_tweet(2, rng)], "includes": {"users": [_tweet(2, rng)["author"]]}})
    out += [
        b'{"id": "1", "author_id": "2", "created_at": "2021-09-01T00:00:00Z", "x": 1,}',
        b'{"id": "1", "author_id": "2", "created_at": "2021-09-01T00:00:00Z", "x": nan}',
        b'{"id": "1", "author_id": "2", "id": "3", "created_at": "2021-09-01T00:00:00Z"}',
        b'{"id": "1", "author_id": "2", "created_at": "2021-09-01T00:00:00Z", "t": "\\ud800"}',
        b'{"id": "\xff\xfe", "author_id": "2", "created_at": "2021-09-01T00:00:00Z"}',
        b'{"id": "1", "deep": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        b"   ",
        b"[1, 2]",
        b'"just a string"',
        b"{broken",
    ]
    return out


def _write(path: Path, lines: list[bytes], bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + b"\n")
    return path


def test_x_flat_same_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    lines = [json.dumps(_tweet(i, rng)).encode() for i in range(60)]
    odd = _odd_tweets(rng)
    mixed = []
    for i, line in enumerate(lines):
        mixed.append(line)
        if i < len(odd):
            mixed.append(odd[i])
    mixed += odd[len(lines) :]
    src = _write(tmp_path / "tweets.jsonl", mixed, bom=True)
    out = _same(src, tmp_path, monkeypatch, fmt="x")
    assert out[0] != "error" and out[4] > 60


def test_x_flat_small_batches_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch edges (and a line over the record limit) fall the same way on both paths."""
    from vigie.ingest import jsonlines, model, x_sql

    rng = random.Random(4)
    lines = [json.dumps(_tweet(i, rng)).encode() for i in range(40)]
    lines.insert(7, b'{"id": "9", "text": "' + b"x" * 5000 + b'"}')
    lines.insert(20, b"")
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", 4000)
    monkeypatch.setattr(model, "BATCH_ROWS", 6)
    monkeypatch.setattr(x_sql, "BATCH_ROWS", 6)
    src = _write(tmp_path / "tweets.jsonl", lines)
    out = _same(src, tmp_path, monkeypatch, fmt="x")
    assert "record too large" in out[2]


def _generic(i: int) -> dict[str, Any]:
    return {
        "post_id": f"p{i % 90}",
        "platform": "x" if i % 3 else "facebook",
        "account_id": f"a{i % 11}",
        "created_at": f"2024-05-01T00:{i % 60:02d}:00+00:00",
        "text": f"Post {i} #Wahl https://www.example.org/a/{i % 13}?utm_source=x",
        "lang": "de",
        "urls": [f"https://www.example.org/a/{i % 13}?utm_source=x"],
        "hashtags": ["Wahl"],
        "followers": i,
    }


def test_generic_jsonl_same_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps(_generic(i)).encode() for i in range(100)]
    odd = [
        {**_generic(1), "post_id": 17},
        {**_generic(2), "created_at": 1714521600},
        {**_generic(3), "created_at": "01/05/2024"},
        {**_generic(4), "urls": "https://a.example/x https://b.example/y"},
        {**_generic(5), "urls": ["https://a.example/x", None, 3]},
        {**_generic(6), "hashtags": [{"tag": "x"}]},
        {**_generic(7), "followers": "12"},
        {**_generic(8), "followers": 2**70},
        {**_generic(9), "followers": -3},
        {**_generic(10), "text": {"nested": True}},
        {**_generic(11), "lang": True},
        {**_generic(12), "account_id": None},
        {**_generic(13), "created_at": "2150-01-01T00:00:00Z"},
        {**_generic(14), "hashtags": ['a"], 3', "b\\", "]", ""]},
        {**_generic(15), "hashtags": ["a", True]},
        {**_generic(16), "mentions": [["nested"]]},
        {**_generic(17), "media": [1.5, 2]},
        {**_generic(18), "urls": []},
    ]
    extra = [json.dumps(o).encode() for o in odd] + [
        b'{"post_id": "z1", "account_id": "a", "created_at": "2024-05-01", "x": 1,}',
        b'{"post_id": "z2", "account_id": "a", "created_at": "2024-05-01", "x": -inf}',
        b'{"post_id": "z3", "post_id": "z4", "account_id": "a", "created_at": "2024-05-01"}',
        b'{"post_id": "z8", "account_id": "a", "created_at": "2024-05-01", "te\\u0078t": "a",'
        b' "text": "b"}',
        b'{"post_id": "z9", "account_id": "a", "created_at": "2024-05-01", "x": 1, "x": [2]}',
        b'{"post_id": "z5", "account_id": "a", "created_at": "2024-05-01", "t": "\\udc00"}',
        b'{"post_id": "z7", "deep": ' + b"[" * 2000 + b"]" * 2000 + b"}",
        b"\t  ",
        b"[]",
        b"not json",
    ]
    mixed = []
    for i, line in enumerate(lines):
        mixed.append(line)
        if i < len(extra):
            mixed.append(extra[i])
    src = _write(tmp_path / "posts.jsonl", mixed)
    out = _same(src, tmp_path, monkeypatch, fmt="jsonl")
    assert out[0] != "error" and out[4] > 50


@pytest.mark.parametrize("limit", [None, 3000])
@pytest.mark.parametrize("max_bytes", [None, 5000])
@pytest.mark.parametrize("batch_rows", [7, 20000])
def test_line_batches_cut_every_line_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    limit: int | None,
    max_bytes: int | None,
    batch_rows: int,
) -> None:
    """Blank, BOM, non-UTF-8, long and over-limit lines, small reads: each non-blank line
    comes back once, whole (or as its head with its full size when over the limit)."""
    from vigie.ingest import fastlines

    rng = random.Random(1)
    lines = []
    for i in range(1500):
        r = rng.random()
        lines.append(
            b"   "
            if r < 0.05
            else b""
            if r < 0.08
            else b"\xff\xfe bad"
            if r < 0.09
            else b"x" * rng.randrange(2000, 5000)
            if r < 0.1
            else f'{{"a": "{i} é"}}'.encode()
        )
    data = b"\xef\xbb\xbf" + b"\n".join(lines)
    src = tmp_path / "lines.jsonl"
    src.write_bytes(data)
    monkeypatch.setattr(fastlines, "READ_BYTES", 4096)
    got: dict[int, Any] = {}
    records = 0
    for b in fastlines.line_batches(src, limit, batch_rows, 2500, max_bytes):
        records += b.records
        assert b.records <= batch_rows
        nums, texts = b.lines.column("lineno").to_pylist(), b.lines.column("line").to_pylist()
        for n, t in zip(nums, texts, strict=True):
            got[n] = t.encode()
        for n, raw, size in b.slow:
            got[n] = (raw, size)
    want = {
        i: line[3:] if i == 1 else line
        for i, line in enumerate(data.split(b"\n"), start=1)
        if line.strip()
    }
    assert records == len(want) and set(got) == set(want)
    for n, line in want.items():
        g = got[n]
        if isinstance(g, tuple):
            raw, size = g
            assert size - raw.endswith(b"\n") == len(line) or size == len(line) + 1
            assert raw == line[:1024] if limit and len(line) > limit else raw.rstrip(b"\n") == line
        else:
            assert g.rstrip(b"\n") == line


def test_negative_count_refused_in_an_all_integer_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A negative follower count is refused whatever else its batch holds (it used to pass
    when every value of the column was an integer, and be refused beside a string)."""
    rows = [_generic(i) for i in range(20)]
    rows[4]["followers"] = -3
    src = _write(tmp_path / "posts.jsonl", [json.dumps(r).encode() for r in rows])
    out = _same(src, tmp_path, monkeypatch, fmt="jsonl")
    refusals = [json.loads(line) for line in out[2].splitlines()]
    assert [(r["record"], r["field"]) for r in refusals] == [(5, "followers")]
    assert "-3" in refusals[0]["detail"] or "-3" in refusals[0]["reason"]


def test_string_list_pattern_reads_item_types_as_json_does() -> None:
    """``jsonl_sql``'s pattern says "only strings" exactly when ``json`` finds only strings."""
    from vigie.ingest import sqljson
    from vigie.ingest.jsonl_sql import STRING_LIST_RE

    rng = random.Random(5)
    atoms = ["a", "\\", '"', "]", '","', "", "é", 1, 2.5, None, True, [], {}, ["x"], {"k": "v"}]
    frags = ["[ ]", '[ "a" , "b" ]', '["\\u00e9"]']
    for _ in range(500):
        items = [rng.choice(atoms) for _ in range(rng.randrange(5))]
        frags.append(json.dumps(items, separators=rng.choice([(",", ":"), (", ", ": ")])))
    got = sqljson.run(
        f"SELECT f, regexp_full_match(f, {sqljson.quote(STRING_LIST_RE)}) AS ok FROM t",
        t=pa.table({"f": frags}),
    ).to_pylist()
    for row in got:
        assert row["ok"] == all(isinstance(x, str) for x in json.loads(row["f"])), row["f"]


def test_post_times_iso_first() -> None:
    """``ts_from_value`` reads "YYYY-..." as ISO 8601 without trying a float first: same times
    (UTC), same range check and messages as the float-first order."""
    from datetime import UTC, datetime

    from vigie.ingest.model import ts_from_value

    assert ts_from_value("2024-06-01T10:00:00.000Z") == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert ts_from_value(" 2024-06-01T12:00:00+02:00 ") == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert ts_from_value("2024-06-01").tzinfo == UTC
    last = ts_from_value("2099-12-31T23:59:59.999999Z")
    assert last == datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert ts_from_value("1714521600") == datetime(2024, 5, 1, tzinfo=UTC)
    for v in ("1989-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "1.2e-4"):
        with pytest.raises(ValueError, match="out of range 1990-2100"):
            ts_from_value(v)
    for v in ("2024-02-30T00:00:00Z", "2024-06-01T25:00:00Z", "1234-"):
        with pytest.raises(ValueError, match="not an ISO 8601 time or POSIX seconds"):
            ts_from_value(v)
