"""The SQL path of Mastodon statuses gives the Python reader's Dataset.

Jetstream events have no SQL path (one was built and measured slower than the Python
reader, so it was taken out); their odd events stay here, ingested the same way, to guard
the Python reader's refusals and skip counts, and any SQL path that comes back.

As in ``test_fast_paths``: each file is ingested with ``VIGIE_INGEST_FAST=0`` (every record
through the Python reader) and with the SQL path on; posts, accounts, refusals and manifest
must be equal. Files mix plain records (mapped in SQL) with every kind of record SQL must
hand back: missing optional fields, nulls, wrong types, Unicode, HTML entities and edge
whitespace, long lines, duplicates, repeated keys, malformed lines.
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import FIX
from ingest.test_fast_paths import _same, _write


def _status(i: int, rng: random.Random) -> dict[str, Any]:
    a = i % 7
    url = f"https://www.example.org/a/{rng.randrange(30)}?utm_source=x&amp;id={i % 3}"
    return {
        "id": str(110_000 + i % 90),  # some statuses collected twice
        "uri": f"https://s.example/statuses/{i}",
        "created_at": f"2024-06-{1 + i % 28:02d}T{i % 24:02d}:00:00.{i % 1000:03d}Z",
        "language": "de" if i % 5 else None,
        "content": (
            f'<p>Status {i} <a href="https://s.example/tags/Wahl" class="mention hashtag" '
            f'rel="tag">#<span>Wahl</span></a> <a href="{url}" rel="nofollow">link</a></p>'
            f"<p>zweite<br/>Zeile</p>"
        ),
        "in_reply_to_id": str(110_000 + i // 2) if i % 4 == 0 else None,
        "account": {
            "id": str(a),
            "acct": f"u{a}@other.example" if a % 2 else f"u{a}",
            "username": f"u{a}",
            "display_name": f"U {a}" if a % 3 else "",
            "created_at": "2022-11-03T00:00:00.000Z",
            "note": f"<p>Konto {a} &amp; mehr</p>" if a % 2 else "",
            "followers_count": i,
            "following_count": 3,
            "statuses_count": 10**12,
        },
        "tags": [{"name": "Wahl"}, {"name": "wahl"}, {"name": "btw"}],
        "mentions": [{"acct": f"u{i % 3}"}, {"acct": "@x"}],
        "media_attachments": [
            {"url": f"https://files.example/m/{i % 4}.png", "remote_url": None},
            {"url": "https://files.example/m/r.png", "remote_url": "https://r.example/1.png"},
        ]
        if i % 3 == 0
        else [],
        "card": {"url": f"https://www.example.org/a/{i % 5}"} if i % 6 == 0 else None,
        "application": {"name": "Ivory", "website": None} if i % 2 else None,
        "reblog": None,
    }


def _odd_statuses(rng: random.Random) -> list[bytes]:
    base = _status(1, rng)
    out: list[bytes] = []
    changes = [
        lambda s: s.pop("language"),
        lambda s: s.pop("tags"),
        lambda s: s.pop("card"),
        lambda s: s.pop("application"),
        lambda s: s.update(content=None),
        lambda s: s.update(content=""),
        lambda s: s.update(content=7),
        lambda s: s.update(content="  <p>&#32;espace &lt;b&gt; &eacute;t&eacute;</p>\n"),
        lambda s: s.update(content="<p>\u2003em space\u00a0</p>"),
        lambda s: s.update(content="<p>a &amp; b &#39;c&#39; &lt;/p&gt;</p>"),
        lambda s: s.update(content="<P>Grand</P>\t<P class='x'>BR<BR />fin</p>"),
        lambda s: s.update(content="<p>Ünïcødé 🗳️ <a href='https://x.example/q'>q</a></p>"),
        lambda s: s.update(
            content='<a\u2003href="https://em.example/a">em</a><a\thref="https://tab.example/">t</a>'
        ),
        lambda s: s.update(content='<a class="u-url mention" href="https://m.example/@a">@a</a>'),
        # the first class attribute decides, "mention"/"hashtag" matched case-sensitively
        lambda s: s.update(
            content='<a class="Mention" href="https://c1.example/">1</a>'
            '<a class="x" class="hashtag" href="https://c2.example/">2</a>'
            '<a class="hashtags-x" href="https://c3.example/">3</a>'
            '<a CLASS="" href="https://c4.example/">4</a>'
            '<a href="https://c5.example/" class="u-mention">5</a>'
        ),
        lambda s: s.update(content="<p>" + "long text " * 30_000 + "</p>"),
        lambda s: s.update(id=""),
        lambda s: s.update(id=12345),
        lambda s: s.pop("id"),
        lambda s: s.update(created_at="2024-06-01T10:00:00+02:00"),
        lambda s: s.update(created_at="1970-01-01T00:00:00.000Z"),
        lambda s: s.update(created_at="2024-02-30T10:00:00.000Z"),
        lambda s: s.update(created_at="yesterday"),
        lambda s: s.update(created_at=1717236000),
        lambda s: s.update(in_reply_to_id=""),
        lambda s: s.update(in_reply_to_id=5),
        lambda s: s.update(account=None),
        lambda s: s.pop("account"),
        lambda s: s["account"].update(id=""),
        lambda s: s["account"].update(id=9),
        lambda s: s["account"].update(acct="", username=""),
        lambda s: s["account"].update(acct=None, username=None),
        lambda s: s["account"].update(created_at="1970-01-01T00:00:00.000Z"),
        lambda s: s["account"].update(created_at="2022-11-03"),
        lambda s: s["account"].update(created_at=""),
        lambda s: s["account"].update(followers_count="12"),
        lambda s: s["account"].update(followers_count=2**64 - 1),
        lambda s: s["account"].update(followers_count=-3),
        lambda s: s["account"].update(followers_count=True),
        lambda s: s["account"].update(note="<p>  </p>"),
        lambda s: s["account"].update(note=None),
        lambda s: s.update(tags=[{"name": "Ünïcode"}]),
        lambda s: s.update(tags=[{"name": None}, {"name": "x"}]),
        lambda s: s.update(tags=["plain"]),
        lambda s: s.update(tags=[{"name": "a b"}]),
        lambda s: s.update(mentions=[{"acct": 5}]),
        lambda s: s.update(mentions=[{"acct": "Ännä"}]),
        lambda s: s.update(media_attachments=[{"url": "", "remote_url": ""}, None]),
        lambda s: s.update(media_attachments=[{"url": 3}]),
        lambda s: s.update(card={"url": ""}),
        lambda s: s.update(card="x"),
        lambda s: s.update(application={"name": '<a href="x">App</a>'}),
        lambda s: s.update(application={"name": 5}),
        lambda s: s.update(reblog=_status(2, rng)),
        lambda s: s.update(reblog={}),
        lambda s: s.update(quote={"state": "accepted", "quoted_status": _status(3, rng)}),
    ]
    for k, change in enumerate(changes):
        s = copy.deepcopy(base)
        # each variant its own post and account: merged with the plain status of the same
        # id, a difference would hide behind the earlier-ingested value
        s["id"], s["account"]["id"] = f"9{k}", f"8{k}"
        change(s)
        out.append(json.dumps(s, ensure_ascii=False).encode())
    for key, value in (("content", "<p>last</p>"), ("id", "777")):
        out.append(json.dumps(base)[:-1].encode() + f', "{key}": "{value}"}}'.encode())
    acc = json.dumps(base["account"])
    twice = acc[:-1] + ', "acct": "last"}'
    out.append(json.dumps(base).replace(acc, twice).encode())
    out += [
        json.dumps({"statuses": [_status(4, rng), _status(5, rng)]}).encode(),
        json.dumps([_status(6, rng)]).encode(),
        json.dumps({"id": "1"}).encode(),
        b'{"id": "1", "account": {"id": "2"}, "content": "", "x": 1,}',
        b'{"id": "1", "account": {"id": "2"}, "content": "\\ud800", "created_at": "x"}',
        b'{"id": "\xff\xfe", "account": {"id": "2"}, "content": ""}',
        b'{"id": "1", "deep": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        b"   ",
        b"{broken",
    ]
    return out


def _mix(plain: list[bytes], odd: list[bytes]) -> list[bytes]:
    out = []
    for i, line in enumerate(plain):
        out.append(line)
        if i < len(odd):
            out.append(odd[i])
    return out + odd[len(plain) :]


def test_mastodon_same_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    plain = [json.dumps(_status(i, rng), ensure_ascii=False).encode() for i in range(120)]
    src = _write(tmp_path / "statuses.jsonl", _mix(plain, _odd_statuses(rng)), bom=True)
    out = _same(src, tmp_path, monkeypatch, fmt="mastodon")
    assert out[0] != "error" and out[4] > 90
    assert "missing status field" in out[2] and "invalid created_at" in out[2]


def test_mastodon_fixture_same_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _same(FIX / "sources" / "mastodon_timeline.json", tmp_path, monkeypatch)
    assert out[0] != "error" and out[4] > 0


def _event(i: int, rng: random.Random) -> dict[str, Any]:
    did = f"did:plc:{i % 9:024d}"
    url = f"https://www.example.org/a/{rng.randrange(30)}?utm_source=bsky"
    text = f"Post {i} #Wahl {url}"
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": f"2024-09-{1 + i % 28:02d}T19:46:{i % 60:02d}.{i % 1000:03d}Z",
        "langs": ["de", "en"] if i % 4 else [],
        "facets": [
            {
                "index": {"byteStart": 8, "byteEnd": 13},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Wahl"}],
            },
            {
                "index": {"byteStart": 14, "byteEnd": 14 + len(url)},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            },
        ],
    }
    if i % 5 == 0:
        parent = {"uri": f"at://{did}/app.bsky.feed.post/3k{i // 2}", "cid": "x"}
        record["reply"] = {"root": parent, "parent": parent}
    return {
        "did": did,
        "time_us": 1725911162329308 + i * 1000,
        "kind": "commit",
        "commit": {
            "rev": "3l3",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3k{i % 80}",  # some events read twice (a resumed cursor)
            "record": record,
            "cid": f"bafy{i}",
        },
    }


def _like(i: int, op: str = "create") -> dict[str, Any]:
    return {
        "did": f"did:plc:{i:024d}",
        "time_us": 1725911162329308 + i,
        "kind": "commit",
        "commit": {
            "operation": op,
            "collection": "app.bsky.feed.like",
            "rkey": f"l{i}",
            "record": {"subject": {"uri": "at://x/app.bsky.feed.post/1", "cid": "c"}},
        },
    }


def _repost(i: int, created: Any = "2024-09-09T19:46:02.102Z") -> dict[str, Any]:
    rec: dict[str, Any] = {"$type": "app.bsky.feed.repost", "subject": {"uri": f"at://p/{i}"}}
    if created is not None:
        rec["createdAt"] = created
    return {
        "did": f"did:plc:{i:024d}",
        "time_us": 1725911162329308 + i,
        "kind": "commit",
        "commit": {
            "operation": "create",
            "collection": "app.bsky.feed.repost",
            "rkey": f"r{i}",
            "record": rec,
        },
    }


def _odd_events(rng: random.Random) -> list[bytes]:
    base = _event(1, rng)
    out: list[bytes] = []

    def rec(f: Any) -> Any:
        return lambda e: f(e["commit"]["record"])

    changes = [
        lambda e: e.pop("did"),
        lambda e: e.update(did=""),
        lambda e: e.update(did=5),
        lambda e: e.pop("kind"),
        lambda e: e.update(time_us=True),
        lambda e: e.update(time_us=17),
        lambda e: e.update(time_us="1725911162329308"),
        lambda e: e.update(time_us=2**64 - 1),
        lambda e: e.update(kind="identity", identity={"did": "x", "handle": "a.bsky.social"}),
        lambda e: e.update(kind="account", account={"active": False}),
        lambda e: e.update(kind=None),
        lambda e: e.update(commit=None),
        lambda e: e["commit"].update(operation="delete"),
        lambda e: e["commit"].update(operation=None),
        lambda e: e["commit"].update(operation="update", collection="app.bsky.actor.profile"),
        lambda e: e["commit"].pop("rkey"),
        lambda e: e["commit"].update(rkey=12),
        lambda e: e["commit"].update(record=None),
        lambda e: e["commit"].update(record="x"),
        rec(lambda r: r.pop("text")),
        rec(lambda r: r.update(text=None)),
        rec(lambda r: r.update(text="")),
        rec(lambda r: r.update(text="Ünïcødé 🗳️ " + "long " * 50_000)),
        rec(lambda r: r.pop("createdAt")),
        rec(lambda r: r.update(createdAt="2024-09-09T19:46:02+00:00")),
        rec(lambda r: r.update(createdAt="2024-02-30T19:46:02.000Z")),
        rec(lambda r: r.update(createdAt="0001-01-01T00:00:00Z")),
        rec(lambda r: r.update(createdAt=5)),
        rec(lambda r: r.update(langs=None)),
        rec(lambda r: r.update(langs=[None])),
        rec(lambda r: r.update(langs=[""])),
        rec(lambda r: r.update(langs="de")),
        rec(lambda r: r.pop("facets")),
        rec(lambda r: r.update(facets=[])),
        rec(lambda r: r.update(facets=[None])),
        rec(lambda r: r.update(facets=[{"features": None}])),
        rec(lambda r: r.update(facets=[{"features": [None]}])),
        rec(lambda r: r.update(facets=[{"features": [{"uri": "https://a.example/"}]}])),
        rec(lambda r: r.update(facets=[{"features": [{"$type": "x#tag", "tag": "Ünï"}]}])),
        rec(lambda r: r.update(facets=[{"features": [{"$type": "x#tag", "tag": ""}]}])),
        rec(lambda r: r.update(facets=[{"features": [{"$type": "x#link", "uri": 5}]}])),
        rec(
            lambda r: r.update(
                facets=[
                    {
                        "index": {"byteStart": 0, "byteEnd": 4},
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "d"}],
                    }
                ]
            )
        ),
        rec(lambda r: r.update(reply={"parent": None})),
        rec(lambda r: r.update(reply={"parent": {"uri": ""}})),
        rec(lambda r: r.update(reply="x")),
        rec(
            lambda r: r.update(
                embed={"$type": "app.bsky.embed.external", "external": {"uri": "https://c.ex/"}}
            )
        ),
        rec(lambda r: r.update(embed={"$type": "app.bsky.embed.record", "record": {"uri": "q"}})),
    ]
    for k, change in enumerate(changes):
        e = copy.deepcopy(base)
        e["did"], e["commit"]["rkey"] = f"did:plc:odd{k}", f"odd{k}"  # see _odd_statuses
        change(e)
        out.append(json.dumps(e, ensure_ascii=False).encode())
    out += [json.dumps(_like(i)).encode() for i in range(3)]
    out += [json.dumps(_like(9, "delete")).encode()]
    out += [
        json.dumps(_repost(i, c)).encode()
        for i, c in enumerate([None, "", "2024-09-09T19:46:02.102Z", "2024-09-09 19:46", 4])
    ]
    r = _repost(7)
    r["commit"]["record"]["subject"] = {"uri": ""}
    out.append(json.dumps(r).encode())
    for key, value in (("did", "did:plc:last"), ("kind", "identity")):
        out.append(json.dumps(base)[:-1].encode() + f', "{key}": "{value}"}}'.encode())
    c = json.dumps(base["commit"]["record"])
    out.append(json.dumps(base).replace(c, c[:-1] + ', "text": "last"}').encode())
    out += [
        b'{"did": "d", "time_us": 1725911162329308, "kind": "commit", "x": 1,}',
        b'{"did": "d", "time_us": 1725911162329308, "kind": "commit", "t": "\\udc00"}',
        b'{"did": "\xff\xfe", "time_us": 1725911162329308, "kind": "commit"}',
        b'{"did": "d", "deep": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        b"[]",
        b"{broken",
    ]
    return out


def test_jetstream_odd_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(6)
    plain = [json.dumps(_event(i, rng), ensure_ascii=False).encode() for i in range(120)]
    src = _write(tmp_path / "events.jsonl", _mix(plain, _odd_events(rng)))
    out = _same(src, tmp_path, monkeypatch, fmt="jetstream")
    assert out[0] != "error" and out[4] > 60
    assert out[3]["cursors"]["jetstream"] > 0


def test_sql_paths_map_the_plain_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above are not vacuous: plain records never reach the Python path."""
    from vigie.ingest import mastodon_sql, sqlbatch

    seen: list[int] = []
    real = sqlbatch.python_part

    def counting(path: Path, slow: list[Any], read_one: Any) -> Any:
        seen.append(len(slow))
        return real(path, slow, read_one)

    monkeypatch.setattr(sqlbatch, "python_part", counting)
    rng = random.Random(7)
    m = _write(tmp_path / "m.jsonl", [json.dumps(_status(i, rng)).encode() for i in range(50)])
    assert sum(b.posts.num_rows for b in mastodon_sql.read(m)) == 50
    assert seen == [0]


def test_x_sql_maps_the_plain_tweets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The X flat path judges shapes by types and keys: plain tweets stay in SQL, and a tweet
    with a key repeated in ``author`` (SQL: first wins; Python: last) goes to Python."""
    from ingest.test_fast_paths import _tweet
    from vigie.ingest import x_sql

    seen: list[list[int]] = []
    real = x_sql._batch

    def counting(path: Path, fast: Any, slow: list[Any], lines: int) -> Any:
        seen.append([n for n, _, _ in slow])
        return real(path, fast, slow, lines)

    monkeypatch.setattr(x_sql, "_batch", counting)
    rng = random.Random(8)
    lines = [json.dumps(_tweet(i, rng)).encode() for i in range(30)]
    au = json.dumps(_tweet(0, rng)["author"])
    lines.append(lines[0].replace(au.encode(), au[:-1].encode() + b', "name": "last"}'))
    src = _write(tmp_path / "t.jsonl", lines)
    assert sum(b.posts.num_rows for b in x_sql.read(src)) == 31
    assert seen == [[31]]
    out = _same(src, tmp_path, monkeypatch, fmt="x")
    assert out[0] != "error"


def test_python_whitespace_class() -> None:
    """``sqlbatch.PY_SPACE`` spells Python's ``\\s`` (what the readers' patterns use)."""
    from vigie.ingest import sqlbatch

    py = {c for c in range(0x3100) if re.match(r"\s", chr(c))}
    ranges = re.findall(r"\\x\{?([0-9a-f]+)\}?(?:-\\x\{?([0-9a-f]+)\}?)?", sqlbatch.PY_SPACE)
    mine = {9, 10, 13, 32}  # \t \n \r and the space, written as such
    for lo, hi in ranges:
        mine |= set(range(int(lo, 16), int(hi or lo, 16) + 1))
    assert mine == py


def test_small_batches_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch edges (rows and bytes) and a line over the record limit fall the same way."""
    from vigie.ingest import jsonlines, mastodon_sql, model, sqlbatch

    rng = random.Random(9)
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", 4000)
    monkeypatch.setattr(model, "BATCH_ROWS", 6)
    monkeypatch.setattr(mastodon_sql, "BATCH_ROWS", 6)
    monkeypatch.setattr(sqlbatch, "BATCH_BYTES", 3000)
    for name, make, fmt in (("m", _status, "mastodon"), ("j", _event, "jetstream")):
        lines = [json.dumps(make(i, rng)).encode() for i in range(40)]
        big = make(99, rng)
        big["x"] = "y" * 5000
        lines.insert(7, json.dumps(big).encode())
        lines.insert(20, b"")
        src = _write(tmp_path / f"{name}.jsonl", lines)
        out = _same(src, tmp_path / name, monkeypatch, fmt=fmt)
        assert "record too large" in out[2]
