"""JSON readers on real-size and minimal payloads, and on hostile lines.

Known answers: full-size twarc2 pages are generated with a known number of tweets, retweets and
authors; minimal payloads are written from the X API v2 and Bluesky lexicon schemas with only
their required fields; hostile lines (too large, too deep, not UTF-8, lone surrogates) must be
counted refusals with bounded memory, never a traceback.
"""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from ingest.helpers import accounts_by_id, manifest, posts_by_id, rejected
from ingest.twarc2_pages import page, write_pages
from vigie.ingest import ingest, jsonlines
from vigie.ingest.detect_format import detect


def test_full_size_twarc2_pages(tmp_path: Path) -> None:
    src = tmp_path / "search.jsonl"
    exp = write_pages(src, n_pages=4)
    assert exp["longest"] > 150_000  # lines beyond any sniff window
    assert detect(src) == "x"
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    posts = posts_by_id(ds)
    assert len(posts) == exp["posts"] and report.rejected == 0
    assert sum(p["repost_of"] is not None for p in posts.values()) == exp["reposts"]
    assert set(accounts_by_id(ds)) == exp["accounts"]
    first, _ = page(0)
    p = posts[first["data"][0]["id"]]
    assert p["urls"] == ["nachrichten.example/artikel/" + str(int(p["post_id"]) % 37)]
    assert p["hashtags"] == ["wahl2021"] and p["media"] == [
        f"pbs.twimg.com/media/F{p['post_id']}.jpg"
    ]
    acc = accounts_by_id(ds)[p["account_id"]]
    assert acc["followers"] is not None and acc["handle"] == f"user_{p['account_id']}"


def test_one_tweet_per_line_same_rows_as_pages(tmp_path: Path) -> None:
    payload, _ = page(0, per_page=30)
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps(payload) + "\n", encoding="utf-8")
    # twarc2 flatten: one tweet a line with its author and referenced tweets inlined
    users = {u["id"]: u for u in payload["includes"]["users"]}
    refs = {t["id"]: t for t in payload["includes"]["tweets"]}
    media = {m["media_key"]: m for m in payload["includes"]["media"]}
    flat = tmp_path / "flat.jsonl"
    with open(flat, "w", encoding="utf-8") as fh:
        for t in payload["data"]:
            t = dict(t, author=users[t["author_id"]])
            t["attachments"] = {
                "media_keys": t["attachments"]["media_keys"],
                "media": [media[k] for k in t["attachments"]["media_keys"]],
            }
            if "referenced_tweets" in t:
                r = refs[t["referenced_tweets"][0]["id"]]
                r = dict(
                    r,
                    author=users[r["author_id"]],
                    attachments={
                        "media_keys": r["attachments"]["media_keys"],
                        "media": [media[k] for k in r["attachments"]["media_keys"]],
                    },
                )
                t["referenced_tweets"] = [dict(r, type="retweeted")]
            fh.write(json.dumps(t) + "\n")
    ingest([pages], tmp_path / "a")
    ingest([flat], tmp_path / "b")
    assert posts_by_id(tmp_path / "a") == posts_by_id(tmp_path / "b")


def test_minimal_x_v2_payloads(tmp_path: Path) -> None:
    """Only what the query asked: no public_metrics, entities, lang, profile_image_url."""
    page_ = {
        "data": [
            {
                "id": "1",
                "text": "Hallo #Wahl @bob https://t.co/x",
                "author_id": "9",
                "created_at": "2021-09-20T08:00:00.000Z",
                "edit_history_tweet_ids": ["1"],
            },
            {"id": "2", "text": "ohne Autor", "created_at": "2021-09-20T08:00:00.000Z"},
            {
                "id": "3",
                "text": "RT",
                "author_id": "8",
                "created_at": "2021-09-20T08:01:00.000Z",
                "referenced_tweets": [{"type": "retweeted", "id": "1"}],
            },
        ],
        "includes": {"users": [{"id": "9", "name": "N", "username": "nn"}]},
    }
    src = tmp_path / "min.jsonl"
    src.write_text(json.dumps(page_) + "\n" + json.dumps({"id": "4", "text": "x"}) + "\n")
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="x")
    posts = posts_by_id(ds)
    assert set(posts) == {"1", "3"}
    assert posts["1"]["hashtags"] == ["wahl"] and posts["1"]["mentions"] == ["bob"]
    assert posts["1"]["urls"] == ["t.co/x"] and posts["1"]["lang"] is None
    assert posts["3"]["repost_of"] == "1"
    acc = accounts_by_id(ds)
    assert acc["9"]["handle"] == "nn" and acc["9"]["followers"] is None
    assert acc["8"]["handle"] is None  # author not expanded: the id is still an account
    rej = {r["record"]: r for r in rejected(ds)}
    assert rej["1:2"]["field"] == "author_id" and rej[2]["field"] == "author_id"


def _post_view() -> dict:
    """An app.bsky.feed.defs#postView with its required fields only (no counts)."""
    return {
        "uri": "at://did:plc:abc/app.bsky.feed.post/3kaaaaaaaaa22",
        "cid": "bafyreib2rxk3rh6kzwq",
        "author": {"did": "did:plc:abc", "handle": "a.bsky.social"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "hallo",
            "createdAt": "2024-06-01T08:00:00Z",
        },
        "indexedAt": "2024-06-01T08:00:01Z",
    }


def test_minimal_bluesky_post_view(tmp_path: Path) -> None:
    """app.bsky.feed.defs#postView with its required fields only (no counts, no createdAt)."""
    view = _post_view()
    src = tmp_path / "search.jsonl"
    src.write_text(json.dumps({"posts": [view, dict(view, uri=view["uri"][:-1] + "3")]}) + "\n")
    ds = tmp_path / "ds"
    ingest([src], ds)
    assert len(posts_by_id(ds)) == 2 and rejected(ds) == []
    acc = accounts_by_id(ds)["did:plc:abc"]
    assert acc["handle"] == "a.bsky.social" and acc["created_at"] is None  # not invented


def test_bluesky_post_dated_year_zero_is_refused_by_its_field(tmp_path: Path) -> None:
    """A real post whose client wrote ``createdAt`` "0000-10-14T15:06:10.730Z" (twitwi's
    sample holds one) was refused as an "invalid post" quoting Python ("year 0 is out of
    range"); now the refusal names the field, beside the well-dated post kept."""
    view = _post_view()
    bad = dict(
        view,
        uri=view["uri"][:-1] + "3",
        record=dict(view["record"], createdAt="0000-10-14T15:06:10.730Z"),
    )
    src = tmp_path / "search.jsonl"
    src.write_text(json.dumps({"posts": [view, bad]}) + "\n")
    ds = tmp_path / "ds"
    ingest([src], ds)
    assert list(posts_by_id(ds)) == [view["uri"]]
    (rej,) = rejected(ds)
    assert (rej["reason"], rej["field"]) == ("invalid record.createdAt", "record.createdAt")
    assert "0000-10-14" in rej["detail"]


def test_hostile_lines_are_counted_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonlines, "MAX_RECORD_BYTES", 1 << 20)
    good, _ = page(1, per_page=5)
    lines = [
        json.dumps(good).encode(),
        b"[" * 200_000 + b"]" * 200_000,  # too deep
        b'{"data": [' + b" " * (3 << 20) + b"]}",  # larger than the record limit
        b'{"data": [{"id": "9", "text": "\xff\xfe"}]}',  # not UTF-8
        b'{"data": [{"id": "7", "text": "\\ud800 lone", "author_id": "1",'
        b' "created_at": "2021-09-20T08:00:00.000Z"}]}',  # lone surrogate
        b"{broken",
    ]
    src = tmp_path / "hostile.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ds = tmp_path / "ds"
    report = ingest([src], ds, fmt="x")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    reasons = {r["record"]: r["reason"] for r in rejected(ds)}
    assert reasons == {
        2: "JSON nested too deeply",
        3: "record too large",
        4: "not UTF-8 text",
        6: "malformed JSON",
    }
    posts = posts_by_id(ds)
    assert len(posts) == 5 + 1 and posts["7"]["text"] == "\ufffd lone"
    assert manifest(ds)["skipped"]["text with invalid Unicode (lone surrogates replaced)"] == 1
    assert report.rejected == 4
    assert grown_mb < 200  # the 3 MiB line was never held whole


def test_pretty_printed_document_and_broken_first_line(tmp_path: Path) -> None:
    payload, _ = page(2, per_page=3)
    doc = tmp_path / "page.json"
    doc.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    ingest([doc], tmp_path / "a", fmt="x")
    assert len(posts_by_id(tmp_path / "a")) == 3
    jl = tmp_path / "b.jsonl"
    jl.write_text('{"data": [\n' + json.dumps(payload) + "\n", encoding="utf-8")
    ingest([jl], tmp_path / "b", fmt="x")
    assert len(posts_by_id(tmp_path / "b")) == 3
    assert [r["record"] for r in rejected(tmp_path / "b")] == [1]


def test_telegram_export_is_streamed(tmp_path: Path) -> None:
    """A channel export far larger than one message: read message by message."""
    n = 30_000
    src = tmp_path / "result.json"
    with open(src, "w", encoding="utf-8") as fh:
        fh.write('{\n "name": "Kanal", "type": "public_channel", "id": 777,\n "messages": [\n')
        for i in range(1, n + 1):
            msg = {
                "id": i,
                "type": "message",
                "date": "2024-06-01T10:00:00",
                "date_unixtime": str(1717236000 + i),
                "from": "Kanal",
                "from_id": "channel777",
                "text": f"Nachricht {i} #wahl",
                "text_entities": [
                    {"type": "plain", "text": f"Nachricht {i} "},
                    {"type": "hashtag", "text": "#wahl"},
                ],
            }
            fh.write(("," if i > 1 else "") + json.dumps(msg) + "\n")
        fh.write(" ]\n}\n")
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert len(posts) == n and posts["777:5"]["hashtags"] == ["wahl"]
    assert accounts_by_id(ds)["channel777"]["display_name"] == "Kanal"


def test_multi_megabyte_post_text_is_bounded(tmp_path: Path) -> None:
    """A 6 MB 'post' (no entities) is kept whole; entity extraction stops at a bound."""
    text = "Aufruf https://example.org/a #wahl " + "x https://example.org/later " * 200_000
    tweet = {"id": "1", "text": text, "author_id": "2", "created_at": "2021-09-20T08:00:00Z"}
    src = tmp_path / "big.jsonl"
    src.write_text(json.dumps(tweet) + "\n", encoding="utf-8")
    ingest([src], tmp_path / "ds", fmt="x")
    post = posts_by_id(tmp_path / "ds")["1"]
    assert post["text"] == text and post["hashtags"] == ["wahl"]
    assert post["urls"] == ["example.org/a", "example.org/later"]
