"""X API v2 (twarc2 pages and flattened tweets) on documented-shape fixtures."""

from __future__ import annotations

from pathlib import Path

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected
from vigie.ingest import ingest

ORIG, RT, REPLY, QUOTE, LATER = (f"14400000000000000{i:02d}" for i in range(1, 6))


def test_twarc2_pages(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([FIX / "x_v2_pages.jsonl"], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {ORIG, RT, REPLY, QUOTE, LATER}
    o = posts[ORIG]
    assert o["platform"] == "x" and o["account_id"] == "1001"
    assert o["created_at"].isoformat() == "2021-09-20T08:15:30.250000+00:00"
    assert o["urls"] == ["bundeswahlleiter.de/briefwahl.html"]  # expanded, utm_ and www. gone
    assert o["hashtags"] == ["bundestagswahl"]
    assert o["mentions"] == ["bob_b"]
    assert o["media"] == ["pbs.twimg.com/media/FAbcDEF.jpg"]
    assert posts[RT]["repost_of"] == ORIG and posts[RT]["reply_to"] is None
    assert posts[REPLY]["reply_to"] == ORIG
    assert posts[QUOTE]["quote_of"] == ORIG
    # the quoter's own words only: twitwi inlines the quoted text, we do not
    assert posts[QUOTE]["text"] == (
        "Wichtig! https://twitter.com/alice_wahl/status/1440000000000000001"
    )
    acc = accounts_by_id(ds)
    assert acc["1001"]["handle"] == "alice_wahl"
    assert acc["1001"]["followers"] == 1500 and acc["1003"]["followers"] == 7
    # the original is also expanded from includes by the retweet and by the quote: those two
    # copies are folded into the collected post, and counted as duplicates
    assert report.sources[0].duplicates == 2
    rej = rejected(ds)
    assert sorted(r["reason"] for r in rej) == ["malformed JSON", "missing tweet field"]
    missing = next(r for r in rej if r["reason"] == "missing tweet field")
    assert missing["field"] == "author_id" and missing["record"] == "2:2"
    assert manifest(ds)["counts"] == {"posts": 5, "accounts": 3, "rejected": 2}


def test_twarc2_flattened_and_text_entities(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    ingest([FIX / "x_v2_flat.jsonl"], ds, fmt="x")
    posts = posts_by_id(ds)
    assert posts["1440000000000000002"]["repost_of"] == ORIG
    assert posts[ORIG]["media"] == ["pbs.twimg.com/media/FAbcDEF.jpg"]
    # no entities in the payload: read from the text
    p = posts["1440000000000000008"]
    assert p["urls"] == ["example.org/aufruf"]
    assert p["hashtags"] == ["wahl2021"]
    assert p["mentions"] == ["alice_wahl"]
    assert accounts_by_id(ds)["1003"]["handle"] == "carol_c"


def _as_4cat(tweet: dict) -> dict:
    """A twarc-flattened tweet as 4CAT's X v2 data source keeps it: the author under
    ``author_user``, each media key replaced by its media object, references alike."""
    out = {k: v for k, v in tweet.items() if k not in ("author", "__twarc")}
    if "author" in tweet:
        out["author_user"] = tweet["author"]
    att = tweet.get("attachments")
    if isinstance(att, dict) and "media" in att:
        out["attachments"] = {"media_keys": att["media"]}
    refs = tweet.get("referenced_tweets")
    if isinstance(refs, list):
        out["referenced_tweets"] = [_as_4cat(r) if isinstance(r, dict) else r for r in refs]
    return out


def test_4cat_enriched_tweets_read_as_flattened_ones(tmp_path: Path) -> None:
    """Authors' profiles and media survive 4CAT's names for them (they were dropped)."""
    import json

    from vigie.ingest.detect_format import detect

    src = FIX / "x_v2_flat.jsonl"
    tweets = [json.loads(x) for x in src.read_text().splitlines() if x.strip()]
    enriched = tmp_path / "4cat-twitterv2.ndjson"
    enriched.write_text("".join(json.dumps(_as_4cat(t)) + "\n" for t in tweets))
    assert detect(enriched) == "x"
    a, b = tmp_path / "a", tmp_path / "b"
    ingest([src], a)
    ingest([enriched], b)
    assert posts_by_id(b) == posts_by_id(a)
    assert any(p["media"] for p in posts_by_id(b).values())
    assert accounts_by_id(b) == accounts_by_id(a)
    assert all(acc["handle"] for acc in accounts_by_id(b).values())
