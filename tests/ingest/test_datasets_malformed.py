"""Malformed inputs in the shapes of published datasets (X v1.1, IO archive, Pushshift,
CrowdTangle), through the real CLI: never a traceback, a message naming the file, and nothing
dropped silently (every record is accepted, refused with a reason, or skipped and counted)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.helpers import FIX, accounts_by_id, manifest, posts_by_id, rejected, run_cli
from vigie.ingest.model import VALUE_NOTES

DS = FIX / "datasets"
TWEET = json.loads((DS / "x_v1_tweets.jsonl").read_text(encoding="utf-8").splitlines()[4])
IO_HEADER = (DS / "io_archive_tweets_csv_hashed.csv").read_text().splitlines()[0]
IO_ROW = (DS / "io_archive_tweets_csv_hashed.csv").read_text().splitlines()[1]
CT = (DS / "crowdtangle_facebook.csv").read_text().splitlines()
TW = (DS / "twarc2_tweets.csv").read_text().splitlines()
RT = (DS / "rtweet_tweets.csv").read_text().splitlines()
FC = (DS / "4cat_telegram.csv").read_text().splitlines()
SUB = {"id": "abc", "author": "u1", "created_utc": 1539202764, "subreddit": "s", "title": "t"}


def _tweet(**kw: object) -> str:
    return json.dumps({**TWEET, **kw})


def _sub(**kw: object) -> str:
    return json.dumps({**SUB, **kw})


# (id, file name, content, extra CLI args, exit code, substrings of the output,
#  the rejected reasons (in order) or None, a further check of the Dataset or None)
Check = Callable[[Path], None] | None
CASES: list[tuple[str, str, str | bytes, list[str], int, list[str], list[str] | None, Check]] = [
    ("v1-user-is-text", "t.jsonl", _tweet(user="carl"), ["--format", "x-v1"], 2,
     ["t.jsonl", "every record was refused", "user.id_str"], None, None),
    ("v1-text-is-number", "t.jsonl", _tweet(text=5) + "\n" + _tweet(id=7), [], 0, [],
     ["invalid text"], None),
    ("v1-id-is-object", "t.jsonl", _tweet(id={"a": 1}) + "\n" + _tweet(), [], 0, [],
     ["missing tweet field"], None),
    ("v1-entities-garbage", "t.jsonl",
     _tweet(entities={"hashtags": [1, {"text": None}], "urls": ["x", {"expanded_url": 5}],
                      "user_mentions": "carl", "media": {"a": 1}},
            extended_entities=[1], retweeted_status="nope", quoted_status=[]), [], 0, [], [],
     lambda d: posts_by_id(d)["1050150000000000004"]["hashtags"] == []),
    ("v1-created-at-iso-and-epoch", "t.jsonl",
     _tweet(created_at="2018-10-10T20:19:24Z") + "\n" + _tweet(id=8, created_at=1539202764),
     [], 0, [], [], None),
    ("v1-created-at-milliseconds", "t.jsonl",
     _tweet(created_at=1539202764000) + "\n" + _tweet(id=9), [], 0, [],
     ["invalid created_at"], None),
    ("v1-array-with-a-number", "t.json", json.dumps([TWEET, 5, "x"]), [], 0, [],
     ["not a tweet or page", "not a tweet or page"], None),
    ("v1-deep-nesting", "t.jsonl", _tweet() + "\n" + "[" * 100_000 + "]" * 100_000,
     ["--format", "x-v1"], 0, [], ["JSON nested too deeply"], None),
    ("v1-only-notices", "t.jsonl",
     json.dumps({"limit": {"track": 5}}) + "\n" + json.dumps({"delete": {"status": {}}}),
     ["--format", "x-v1"], 0, ["skipped"], [], None),
    # a line not UTF-8 is read as Windows-1252 (Excel's save), said, and refused as a row
    ("io-not-utf8", "a.csv", (IO_HEADER + "\n" + IO_ROW + "\n").encode() + b"caf\xe9\n",
     [], 0, ["Windows-1252"], None, None),
    ("io-extra-fields", "a.csv", IO_HEADER + "\n" + IO_ROW + "\n" + IO_ROW + ",x,y\n", [], 0,
     [], ["invalid row"], None),
    ("io-bad-numbers-and-lists", "a.csv",
     IO_HEADER + "\n" + IO_ROW.replace("23950", "n/a").replace("[Vote, Election2018]", "[Vote")
     + "\n", [], 0, [], [],
     lambda d: accounts_by_id(d)["2882331822"]["followers"] is None
     and posts_by_id(d)["1050118621198921728"]["hashtags"] == ["vote"]),
    ("io-wrong-format-forced", "a.csv", CT[0] + "\n" + CT[1] + "\n", ["--format", "x-io"], 2,
     ["a.csv", "not an IO archive file: no column tweetid, userid, tweet_time"], None, None),
    ("ct-wrong-format-forced", "a.csv", IO_HEADER + "\n" + IO_ROW + "\n",
     ["--format", "crowdtangle"], 2, ["a.csv", "not a CrowdTangle export", "--format csv"],
     None, None),
    ("io-bad-account-date", "a.csv", IO_HEADER + "\n" + IO_ROW.replace("2014-11-07", "soon")
     + "\n", [], 0, [], [], lambda d: accounts_by_id(d)["2882331822"]["created_at"] is None),
    ("ps-milliseconds", "r.ndjson", _sub(created_utc=1539202764000) + "\n" + _sub(id="b"), [],
     0, [], ["invalid created_utc"], None),
    ("ps-author-number", "r.ndjson", _sub(author=5) + "\n" + _sub(id="b"), [], 0, [],
     ["invalid Reddit item"], None),
    ("ps-lone-surrogate-refused", "r.ndjson",
     _sub(author=5, title="\ud800") + "\n" + _sub(id="b"),
     [], 0, [], ["invalid Reddit item"], None),
    ("ps-body-list", "r.ndjson", _sub(id="c", body=["x"], parent_id="t3_abc") + "\n" + _sub(),
     [], 0, [], ["invalid Reddit item"], None),
    ("ps-all-deleted", "r.ndjson", _sub(author="[deleted]") + "\n" + _sub(author="[deleted]"),
     [], 0, ["author was deleted"], [], lambda d: manifest(d)["counts"]["posts"] == 0),
    ("ps-listing", "r.json", json.dumps({"kind": "Listing", "data": {"children": [
        {"kind": "t1", "data": {"id": "c1", "author": "u2", "created_utc": 1539202764,
                                "body": "hi", "parent_id": "t3_abc", "subreddit": "s"}}]}}),
     [], 0, [], [], lambda d: posts_by_id(d)["t1_c1"]["reply_to"] == "t3_abc"),
    ("ps-not-json", "r.ndjson", _sub() + "\n{oops\n", [], 0, [], ["malformed JSON"], None),
    ("ct-garbage-time", "c.csv", CT[0] + "\n" + CT[1] + "\n"
     + CT[1].replace("2021-02-01 10:00:00 CET", "yesterday CET").replace("/111", "/113") + "\n",
     [], 0, [], ["invalid Post Created"], None),
    ("ct-numeric-offset", "c.csv", CT[0] + "\n" + CT[1].replace("10:00:00 CET", "10:00:00 +0100")
     + "\n", [], 0, [], [], lambda d: next(iter(posts_by_id(d).values()))["created_at"].hour == 9),
    ("ct-bom-and-thousands", "c.csv", "\ufeff" + CT[0] + "\n" + CT[1].replace(
        ",6100,", ',"6,100",') + "\n", [], 0, [], [],
     lambda d: accounts_by_id(d)["100123456789"]["followers"] == 6100),
    ("ct-no-account", "c.csv", CT[0] + "\n" + CT[1].replace("100123456789,", ",", 1)
     .replace("nachrichtenjetzt", "").replace("com/100123456789/", "com/story.php/")
     + "\n" + CT[2] + "\n", [], 0, [],
     ["missing CrowdTangle post field"], None),
    ("twarc-csv-garbage-lists", "t.csv", TW[0] + "\n" + TW[1].replace(
        '"[""#Wahl""]"', '"{""a"": 1}"').replace('"[""@anna""]"', "[not json") + "\n", [], 0, [],
     [], lambda d: posts_by_id(d)["1498999000000000001"]["hashtags"] == []
     and posts_by_id(d)["1498999000000000001"]["mentions"] == ["not json"]),
    ("twarc-csv-float-mangled-id", "t.csv", TW[0] + "\n" + TW[1] + "\n"
     + TW[2].replace("1498999000000000002,1498999000000000002", "1.498999E+18,1.498999E+18", 1)
     + "\n", [], 0, [], ["invalid id"], None),
    ("twarc-csv-forced-on-rtweet", "t.csv", RT[0] + "\n" + RT[1] + "\n",
     ["--format", "twarc-csv"], 2, ["t.csv", "not a twarc-csv file", "author_id"], None, None),
    ("rtweet-bad-time", "r.csv", RT[0] + "\n" + RT[1].replace("2022-03-01 10:00:00", "01/03/2022")
     + "\n" + RT[2] + "\n", [], 0, [], ["invalid created_at"], None),
    ("4cat-bad-unix-time", "f.csv", FC[0] + "\n" + FC[1].replace("1612173600", "soon") + "\n"
     + FC[2] + "\n", [], 0, [], ["invalid unix_timestamp"], None),
    ("4cat-only-header", "f.csv", FC[0], [], 0, [], [],
     lambda d: manifest(d)["counts"]["posts"] == 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "args", "code", "says", "reasons", "check"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_malformed_dataset_shapes(
    tmp_path: Path,
    name: str,
    content: str | bytes,
    args: list[str],
    code: int,
    says: list[str],
    reasons: list[str] | None,
    check: Check,
) -> None:
    src = tmp_path / name
    if isinstance(content, bytes):
        src.write_bytes(content)
    else:
        src.write_text(content + "\n", encoding="utf-8")
    ds = tmp_path / "ds"
    got, out = run_cli(["ingest", str(src), "--into", str(ds), *args])
    assert "Traceback" not in out, out
    assert got == code, out
    for s in says:
        assert s in out, (s, out)
    if code != 0:
        assert not ds.exists() or not (ds / "posts.parquet").exists()
        return
    if reasons is not None:
        assert [r["reason"] for r in rejected(ds)] == reasons
    for s in manifest(ds)["sources"]:  # nothing silent: every record has a fate
        skipped = sum(n for k, n in s["skipped"].items() if not k.startswith(VALUE_NOTES))
        assert s["records"] == s["accepted"] + s["rejected"] + skipped, s
    if check is not None:
        assert check(ds)
