"""Generic JSON Lines: the SQL path (``jsonl_sql``) gives the Python path's Dataset.

Each file is ingested with ``VIGIE_INGEST_FAST=0`` (every line through ``project_line``) and
with the SQL path on; posts, accounts, refusals (reason, record, field, detail, excerpt) and
manifest must be equal. The files mix, at random (explicit seeds), every kind of line a
generic export holds: nested objects and arrays in mapped and unmapped fields, missing and
null fields, dates the reader refuses (day-first, out of range, numbers, nested), repeated
keys (plain and spelt with escapes), texts that only look like the lenient JSON the SQL path
must hand back (``", in"``, ``[nan``), real lenient JSON, lines over the fast path's size
limit, deep nesting, lone surrogates, non-UTF-8 bytes, blank lines and non-objects.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingest.test_fast_paths import _same

WORDS = ["wahl", "Élection", "vote", "in", "nan", "Inf", "NaN", "x", "über", "🗳"]


def _value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of any type, nested up to three levels."""
    r = rng.random()
    if depth < 3 and r < 0.15:
        return {rng.choice(WORDS): _value(rng, depth + 1) for _ in range(rng.randrange(3))}
    if depth < 3 and r < 0.3:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return rng.choice(
        [None, True, 0, -1, 2**40, 1.5, "", " ", "text, in", "[nan]", rng.choice(WORDS)]
    )


def _text(rng: random.Random, i: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randrange(1, 8))]
    if rng.random() < 0.3:
        words.append(f"https://www.example.org/a/{i % 7}?utm_source=x&b=1")
    if rng.random() < 0.2:
        words.append(", Infinity , nan, [ -inf")  # looks lenient: the SQL path hands it back
    return " ".join(words)


def _record(rng: random.Random, i: int) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": f"p{rng.randrange(i + 1)}",  # repeated ids: merged posts
        "user": f"a{rng.randrange(12)}",
        "ts": f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
        "body": _text(rng, i),
        "links": [f"https://Example.org/{rng.randrange(5)}/?utm_medium=m"],
        "tags": [rng.choice(WORDS), "#" + rng.choice(WORDS)],
        "net": rng.choice(["x", "facebook", "Twitter", "tw"]),
        "fans": rng.randrange(1000),
        "b\"o'dy": rng.choice(WORDS),  # a name no JSON path in SQL text can hold as is
        "meta": {"nested": {"deep": [1, {"k": "v"}]}, "body": "not the text"}
        if rng.random() < 0.2
        else rng.choice(["de", "fr"]),
    }
    r = rng.random()
    if r < 0.05:
        rec.pop(rng.choice(list(rec)))  # a missing field
    elif r < 0.1:
        rec[rng.choice(list(rec))] = None
    elif r < 0.3:
        rec[rng.choice(list(rec))] = _value(rng)  # a value of any type or shape
    elif r < 0.36:
        rec["ts"] = rng.choice(
            ["01/05/2024 10:00", "2150-01-01T00:00:00Z", 1714521600, 1e30, "", "yesterday"]
        )
    elif r < 0.4:
        rec["links"] = rng.choice(["https://a.example/x https://b.example/y", [None, 3], []])
    return rec


def _line(rng: random.Random, i: int) -> bytes:
    rec = _record(rng, i)
    r = rng.random()
    text = json.dumps(rec, ensure_ascii=rng.random() < 0.5)
    if r < 0.03:  # a repeated key: json keeps the last value, DuckDB the first
        key = rng.choice(["id", "body", "ts", "links", "unmapped"])
        return (text[:-1] + f', "{key}": "again"}}').encode()
    if r < 0.04:  # the same, the repeat spelt with an escape
        return (text[:-1] + ', "b\\u006fdy": "escaped"}').encode()
    if r < 0.05:
        return (text[:-1] + ', "z": [1, 2,]}').encode()  # trailing comma: json refuses
    if r < 0.06:
        return (text[:-1] + ', "z": NaN}').encode()  # json reads NaN
    if r < 0.07:
        return (text[:-1] + ', "z": nan}').encode()  # json refuses nan
    if r < 0.08:
        return rng.choice([b"", b"   ", b"[1, 2]", b'"a string"', b"{broken", b"\xff\xfe{}"])
    if r < 0.09:
        return (text[:-1] + ', "pad": "' + "y" * rng.choice([3000, 9000]) + '"}').encode()
    if r < 0.095:
        return b'{"id": "deep", "x": ' + b"[" * 500 + b"]" * 500 + b"}"
    if r < 0.1:
        return (text[:-1] + ', "z": "\\ud800"}').encode()  # a lone surrogate
    return text.encode()


MAPS = {
    "plain": [
        "post_id=id",
        "account_id=user",
        "created_at=ts",
        "text=body",
        "urls=links",
        "hashtags=tags",
        "platform=net",
        "followers=fans",
    ],
    "nested and repeated list maps": [
        "post_id=id",
        "account_id=user",
        "created_at=ts",
        "text=body",
        "lang=meta",  # at times a nested object: refused the same way on both paths
        "urls=links",
        "urls=tags",  # repeated --map: the lists concatenated
    ],
    "odd column names": [
        "post_id=id",
        "account_id=user",
        "created_at=ts",
        "text=b\"o'dy",  # not a JSON path SQL can write: every line through Python
    ],
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("maps", list(MAPS))
def test_generic_jsonl_random_same_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, maps: str
) -> None:
    from vigie.ingest import fastlines

    # lines over 5,000 bytes (the padded ones) are not given to SQL: Python maps them
    monkeypatch.setattr(fastlines, "FAST_MAX_BYTES", 5000)
    rng = random.Random(seed)
    lines = [_line(rng, i) for i in range(400)]
    src = tmp_path / "posts.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" * (seed == 2) + b"\n".join(lines) + b"\n")
    kw: dict[str, Any] = {"fmt": "jsonl", "mapping": MAPS[maps]}
    if maps != "plain":
        kw["platform"] = "x"
    if seed == 3:
        kw["dayfirst"] = True
    out = _same(src, tmp_path, monkeypatch, **kw)
    assert out[0] != "error", out
    posts, _, rejected, _, n = out
    assert n > 50 and len(posts) == n
    assert "malformed JSON" in rejected  # the lenient lines were refused, not read by SQL


def test_lenient_pattern_flags_what_json_refuses_or_reads_otherwise() -> None:
    """``sqljson.LENIENT_RE`` (run by RE2 in DuckDB) flags each line DuckDB's lenient parser
    reads and ``json`` refuses or reads as a float (trailing commas, ``nan``/``inf`` in any
    spelling, up to three spaces after the separator, four or more always); plain lines pass."""
    from vigie.ingest import sqljson

    flagged = [
        '{"a": [1,]}',
        '{"a": 1 ,  }',
        '{"a": nan}',
        '{"a":NaN}',
        '{"a": -Infinity}',
        '{"a": [inf]}',
        '{"a": +inf}',
        '{"a":\t\tNAN}',
        '{"a":    1}',
        '{"a": 1,\n}',
    ]
    plain = ['{"a": 1}', '{"a": [1, 2], "b": {"c": null}}', '{"a": "x"}', '{"a":   -1.5e3}']
    got = sqljson.run(
        "SELECT s, regexp_matches(s, "
        + sqljson.quote(sqljson.LENIENT_RE)
        + ") AS m FROM (SELECT unnest($l) AS s)".replace("$l", _sql_list(flagged + plain))
    ).to_pylist()
    assert {r["s"]: r["m"] for r in got} == {s: s in flagged for s in flagged + plain}
    for s in flagged:  # each is indeed a line json refuses or reads as a non-finite float
        try:
            v = json.loads(s)
        except json.JSONDecodeError:
            continue
        assert s.count(" ") >= 4 or v["a"] != v["a"] or abs(v["a"]) == float("inf")


def test_lenient_parts_flag_what_the_pattern_flags() -> None:
    """``sqljson.lenient`` (three patterns, one per separator: faster in RE2) flags exactly the
    strings ``LENIENT_RE`` flags: 20,000 random strings over the bytes that matter (separators,
    every whitespace, signs, the letters of nan/inf, brackets), plus the test lines above."""
    from vigie.ingest import sqljson

    rng = random.Random(7)
    alphabet = [",", ":", "[", "]", "{", "}", " ", "\t", "\n", "\r", "\x0b", "\x0c", "+", "-"]
    alphabet += ["N", "I", "i", "n", "a", "A", "f", "1", '"', "x"]
    texts = [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))) for _ in range(20_000)
    ]
    texts += ['{"a": [1,]}', '{"a":\t\tNAN}', '{"a":    1}', '{"a": 1,\n}', '{"a": "x"}']
    got = sqljson.run(
        f"SELECT regexp_matches(s, {sqljson.quote(sqljson.LENIENT_RE)}) AS one, "
        f"{sqljson.lenient('s')} AS parts FROM t",
        t=pa.table({"s": texts}),
    )
    one, parts = got.column("one").to_pylist(), got.column("parts").to_pylist()
    assert one == parts
    assert 1_000 < sum(one) < 19_000  # both kinds of string are well represented


def _sql_list(items: list[str]) -> str:
    from vigie.ingest import sqljson

    return "[" + ", ".join(sqljson.quote(s) for s in items) + "]"


@pytest.mark.parametrize("fast", ["0", "1"])
def test_a_line_not_utf8_among_the_first_is_one_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """The mapping check reads the first lines as bytes, as the readers do: a line that is
    not UTF-8 is one refused record (it used to refuse the whole file, but only when it came
    among the first 1,000 lines)."""
    from vigie.ingest import ingest

    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    src = tmp_path / "posts.jsonl"
    src.write_bytes(
        b'{"id": "1", "user": "a", "ts": "01/05/2024 10:00"}\n'
        b'{"id": "2", "user": "a", "ts": "caf\xe9"}\n'
        b'{"id": "3", "user": "b", "ts": "02/05/2024 10:00"}\n'
    )
    report = ingest(
        [src],
        tmp_path / "ds",
        fmt="jsonl",
        mapping=["post_id=id", "account_id=user", "created_at=ts"],
        platform="x",
        dayfirst=True,
    )
    assert (report.posts, report.rejected_total) == (2, 1)
    rejected = json.loads((tmp_path / "ds" / "rejected.jsonl").read_text(encoding="utf-8"))
    assert (rejected["record"], rejected["reason"]) == (2, "malformed JSON")


@pytest.mark.parametrize("fast", ["0", "1"])
def test_a_line_over_the_record_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """Generic JSONL (posts and accounts, the mapping check, the dry run): a line over the
    record limit is one "record too large", even as the first line, and its bytes are never
    held whole (a 300 MB single line once ran DuckDB out of memory and failed the ingest)."""
    from vigie.ingest import ingest, jsonlines
    from vigie.ingest.api import preview

    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", 2_000)
    huge = b'{"id": "0", "user": "z", "ts": "2024-05-01T10:00:00Z", "text": "' + b"y" * 9_000
    src = tmp_path / "posts.jsonl"
    src.write_bytes(
        huge + b'"}\n'
        b'{"id": "1", "user": "a", "ts": "2024-05-01T10:00:00Z", "text": "hi"}\n'
        b'{"id": "2", "user": "b", "ts": "2024-05-01T10:01:00Z", "text": "' + b"w" * 5_000 + b'"}\n'
        b'{"id": "3", "user": "b", "ts": "2024-05-01T10:02:00Z", "text": "ok"}\n'
    )
    maps = ["post_id=id", "account_id=user", "created_at=ts", "text=text"]
    seen = preview([src], fmt="jsonl", mapping=maps, platform="x")
    assert seen[0].accepted == 2 and seen[0].rejected_reasons == {"record too large": 2}
    report = ingest([src], tmp_path / "ds", fmt="jsonl", mapping=maps, platform="x")
    assert (report.posts, report.rejected_total) == (2, 2)
    rows = [
        json.loads(x)
        for x in (tmp_path / "ds" / "rejected.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted((r["record"], r["reason"]) for r in rows) == [
        (1, "record too large"),
        (3, "record too large"),
    ]
    assert all(len(r["excerpt"]) < 1_000 for r in rows)
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", 20_000)  # room for the deep line
    acc = tmp_path / "accounts.jsonl"
    acc.write_bytes(
        b'{"id": "a", "name": "' + b"n" * 30_000 + b'"}\n'
        b'{"id": "b", "name": "bee"}\n'
        b'{"id": "c", "name": ' + b"[" * 5_000 + b"]" * 5_000 + b"}\n"
    )
    report = ingest(
        [acc],
        tmp_path / "ds2",
        fmt="accounts",
        mapping=["account_id=id", "handle=name"],
        platform="x",
    )
    assert (report.accounts, report.rejected_total) == (1, 2)
    reasons = (tmp_path / "ds2" / "rejected.jsonl").read_text(encoding="utf-8")
    got = sorted((r["record"], r["reason"]) for r in map(json.loads, reasons.splitlines()))
    assert got == [(1, "record too large"), (3, "malformed JSON")]  # too deep: refused too
