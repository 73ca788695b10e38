"""JSON that crashed or exhausted the process: integers too long for Python, deep nesting
under ijson, Parquet times no microsecond holds, text after a JSON array.

The hostile files are ingested in a child process: a regression there is a segmentation
fault (ijson's C backend on a 4,301-digit integer) or a kill for memory (ijson's paths of a
100,000-level document), which would take the test run down with it.
"""

from __future__ import annotations

import io
import json
import random
import resource
import subprocess
import sys
from pathlib import Path

import ijson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.json_guard import MAX_DEPTH, Unreadable, decode_past, guarded, limit, too_long
from vigie.share.taxii.media import TaxiiError
from vigie.share.taxii.validate import load_json_body

BIG = "1" + "0" * limit()  # one digit more than Python converts
POST = {"post_id": "1", "account_id": "a", "created_at": "2024-01-01T00:00:00Z", "text": "x"}
SIZES = (1, 2, 3, 7, 64, 4096, 65536, 1 << 24)


def _read(data: bytes, size: int) -> tuple[str, int]:
    r = guarded(io.BytesIO(data))
    got = b""
    try:
        while chunk := r.read(size):
            got += chunk
    except Unreadable as exc:
        assert len(got) <= exc.offset or size < limit()  # nothing past it was handed on
        return "refused", exc.offset
    assert got == data
    return "ok", r.depth


def _outcomes(data: bytes) -> set[tuple[str, int]]:
    return {_read(data, size) for size in SIZES}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ('{"a":' + BIG + "}", {("refused", 5)}),
        ('{"a":' + BIG[:-1] + "}", {("ok", 0)}),
        ('{"a":-' + BIG + "}", {("refused", 6)}),
        ('{"a":1.' + BIG + "}", {("ok", 0)}),  # a fraction converts at any length
        ('{"a":1e-' + BIG + "}", {("ok", 0)}),
        ('{"a":2E+' + BIG + "}", {("ok", 0)}),
        ("[" * MAX_DEPTH + "]" * MAX_DEPTH, {("ok", 0)}),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), {("refused", MAX_DEPTH)}),
        ('["' + "[" * 2000 + '"]', {("ok", 0)}),  # brackets in a string
        ('["\\"' + "[" * 2000 + '"]', {("ok", 0)}),  # ... after an escaped quote
        ('["\\\\"' + "[" * 600 + "]" * 600 + "]", {("refused", 4 + MAX_DEPTH)}),  # escaped \
        ('["\\\\\\"' + "[" * 600 + '"]', {("ok", 0)}),
    ],
)
def test_guard_refuses_at_the_byte_whatever_the_reads(doc: str, expected: set) -> None:
    assert _outcomes(doc.encode()) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_guard_passes_valid_documents_whole(seed: int) -> None:
    rng = random.Random(seed)
    leaves = ['a\\"[{', "\\\\", "]]}}", '"', '\\\\"[', 12, -3.5e-7, None, True, "é[", "\\"]

    def value(depth: int = 0) -> object:
        t = rng.random()
        if depth > 6 or t < 0.3:
            return rng.choice(leaves + ["\\" * rng.randrange(6) + '"['])
        if t < 0.65:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        keys = ["k", "[", "\\", '"{']
        return {rng.choice(keys) + str(i): value(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(100):
        doc = json.dumps(value(), ensure_ascii=rng.random() < 0.5).encode()
        assert _outcomes(doc) == {("ok", 0)}, doc[:200]


def test_guard_keeps_what_ijson_read_before_the_number() -> None:
    doc = '{"data":[{"id":1},{"id":2},{"id":' + BIG + '},{"id":4}]}'
    got = []
    with pytest.raises(ijson.JSONError, match="digits"):
        for item in ijson.items(guarded(io.BytesIO(doc.encode())), "data.item"):
            got.append(item)
    assert got == [{"id": 1}, {"id": 2}]


def test_json_refusal_of_a_long_integer_is_worded_and_can_be_read_past() -> None:
    with pytest.raises(ValueError) as info:
        json.loads(BIG)
    assert too_long(info.value) == (
        f"a number of {len(BIG):,} digits, more than the {limit():,} Python converts"
    )
    assert too_long(ValueError("other")) is None
    buf = '[{"a":' + BIG + '}, {"b": 2}]'
    end = decode_past(buf, 1)
    assert buf[end:].startswith(", {")


def _cli(tmp: Path, src: Path, *more: str, memory: int | None = None) -> tuple[int, str]:
    """``vigie ingest`` in a child process (optionally under an address-space limit)."""

    def cap() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    argv = ["ingest", str(src), "--into", str(tmp / "ds"), "--platform", "x", *more]
    code = f"import sys; from vigie.cli import main; sys.argv = ['vigie'] + {argv!r}; main()"
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=cap,
    )
    return p.returncode, p.stdout + p.stderr


def _lines(*objs: str) -> str:
    return "\n".join(objs) + "\n"


_GOOD = json.dumps(POST)
_BAD = _GOOD.replace('"text": "x"', '"text": "y", "likes": ' + BIG).replace('"1"', '"2"')
_TWEETS = {
    "data": [
        {
            "id": "1",
            "text": "x",
            "author_id": "9",
            "created_at": "2024-01-01T00:00:00.000Z",
            "public_metrics": {"like_count": 0},
        }
    ],
    "includes": {"users": [{"id": "9", "username": "u", "name": "U"}]},
}
_CHANNEL = {
    "name": "c",
    "type": "public_channel",
    "id": 1,
    "messages": [
        {
            "id": 1,
            "type": "message",
            "date": "2024-01-01T00:00:00",
            "date_unixtime": "1704067200",
            "text": "hi",
        },
        {"id": 2, "type": "message", "date": "2024-01-01T00:00:00", "text": "x", "views": 0},
    ],
}
HUGE_NUMBERS = {
    "lines.jsonl": _lines(_GOOD, _BAD, _GOOD.replace('"1"', '"3"')),
    "id.jsonl": _lines(_GOOD.replace('"1"', BIG, 1), _GOOD.replace('"1"', '"2"')),
    "array.json": "[" + _GOOD + "," + _BAD + "]",
    "wrapped.json": '{"data":[' + _GOOD + "," + _BAD + "]}",
    "page.jsonl": json.dumps(_TWEETS).replace('"like_count": 0', '"like_count": ' + BIG) + "\n",
    "result.json": json.dumps(_CHANNEL).replace('"views": 0', '"views": ' + BIG),
}


@pytest.mark.parametrize("name", sorted(HUGE_NUMBERS))
def test_an_integer_too_long_for_python_is_refused_not_a_crash(tmp_path: Path, name: str) -> None:
    src = tmp_path / name
    src.write_text(HUGE_NUMBERS[name], encoding="utf-8")
    rc, out = _cli(tmp_path, src)
    assert rc in (0, 2), out  # -11 was ijson's segmentation fault, 1 a traceback
    assert "Traceback" not in out
    if rc == 0:  # the other records are kept (the number refuses its record, or is in a
        # field no reader maps: the generic reader of JSON Lines then never converts it)
        kept = pq.read_table(tmp_path / "ds" / "posts.parquet").column("post_id").to_pylist()
        assert kept and all(len(k) < 10 for k in kept)
    else:  # the document refused, with the reason
        assert "digits" in out


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.jsonl", json.dumps(POST)[:-1] + ', "n": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
        ("deep.json", '{"data":[' + "[" * 100_000 + "]" * 100_000 + "]}"),
        ("result.json", '{"name":"c","type":"public_channel","id":1,"messages":[' + "[" * 100_000),
    ],
)
def test_deep_nesting_is_refused_in_bounded_memory(tmp_path: Path, name: str, text: str) -> None:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    rc, out = _cli(tmp_path, src, memory=3 << 30)  # ijson's paths took 25 GB here
    assert rc == 2, out
    assert "Traceback" not in out
    assert "deep" in out


def test_parquet_times_in_any_unit_refuse_only_their_row(tmp_path: Path) -> None:
    src = tmp_path / "posts.parquet"
    ns = [1_704_067_200_000_000_007, 2**62, 1_704_067_260_000_000_000]  # a sub-µs time kept
    pq.write_table(
        pa.table(
            {
                "post_id": ["1", "2", "3"],
                "account_id": ["a", "b", "c"],
                "created_at": pa.array(ns, pa.timestamp("ns", tz="Europe/Paris")),
                "text": ["x", "y", "z"],
            }
        ),
        src,
    )
    rc, out = _cli(tmp_path, src)
    assert rc == 0, out
    t = pq.read_table(tmp_path / "ds" / "posts.parquet").sort_by("post_id")
    assert t.column("post_id").to_pylist() == ["1", "3"]
    micros = [v.value for v in t.column("created_at")]
    assert micros == [1_704_067_200_000_000, 1_704_067_260_000_000]  # the 7 ns truncated
    lines = (tmp_path / "ds" / "rejected.jsonl").read_text().splitlines()
    rejected = [json.loads(x) for x in lines]
    assert [(r["record"], r["field"]) for r in rejected] == [(2, "created_at")]
    assert "out of range 1990-2100" in rejected[0]["detail"]


@pytest.mark.parametrize("unit", ["s", "ms"])
def test_parquet_times_past_year_9999_are_a_refused_row(tmp_path: Path, unit: str) -> None:
    src = tmp_path / "posts.parquet"
    scale = 1 if unit == "s" else 1000
    times = pa.array([1_704_067_200 * scale, 10**15 * scale], pa.timestamp(unit))
    table = {"post_id": ["1", "2"], "account_id": ["a", "b"], "created_at": times}
    pq.write_table(pa.table({**table, "text": ["x", "y"]}), src)
    for more in (("--dry-run",), ()):  # the sample of --dry-run overflowed Python's datetime
        rc, out = _cli(tmp_path, src, *more)
        assert rc == 0, out
        assert "Traceback" not in out
    assert pq.read_table(tmp_path / "ds" / "posts.parquet").column("post_id").to_pylist() == ["1"]


def test_text_after_a_json_array_is_a_counted_refusal(tmp_path: Path) -> None:
    src = tmp_path / "posts.json"
    src.write_text("[" + json.dumps(POST) + "] <html>saved twice</html>\n", encoding="utf-8")
    rc, out = _cli(tmp_path, src)
    assert rc == 0, out
    rejected = (tmp_path / "ds" / "rejected.jsonl").read_text()
    assert "text after the array's end" in rejected
    src.write_text("[" + json.dumps(POST) + "]\n\n  \n", encoding="utf-8")  # blank: fine
    (tmp_path / "blank").mkdir()
    rc, out = _cli(tmp_path / "blank", src)
    assert rc == 0 and "0 rejected records" in out, out


def test_taxii_body_with_a_long_integer_is_a_400() -> None:
    with pytest.raises(TaxiiError) as info:
        load_json_body(('{"objects": [{"n": ' + BIG + "}]}").encode())
    assert info.value.status == 400
    assert "digits" in (info.value.description or "")
