"""X API v2 long posts: the whole text and its entities in ``note_tweet``.

Values are ours; the structure is the API's since 2023 (``tweet.fields=note_tweet``): a post
over 280 characters has its ``text`` cut, ending in a link to the post itself, with
``entities`` indexed on that cut text, and ``note_tweet: {"text", "entities": {"urls",
"hashtags", "mentions", "cashtags"}}`` indexed on the whole text. A retweet of a long post is
``RT @user: ...`` cut, the whole post being the retweeted tweet (``includes.tweets`` in a page,
inlined in ``referenced_tweets`` by ``twarc2 flatten``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest.helpers import posts_by_id
from vigie.ingest import ingest

EARLY = "https://news.example.com/early"
LATE = "https://other.example.org/late"
BODY = (
    "Opening words of a long post {a} #Early and then a great deal more prose, "
    + "filler sentence that keeps the post going well past the limit. " * 5
    + "Near the end a second link {b} #LateTag with @late_user, who agrees."
)


def _full_text(i: int) -> str:
    return BODY.format(a=f"https://t.co/e{i}", b=f"https://t.co/l{i}")


def _long(i: int, author: str) -> dict[str, Any]:
    """A long post: cut ``text`` + its entities, and the ``note_tweet`` of the whole."""
    full = _full_text(i)
    cut = full[:250] + "\u2026 https://t.co/self" + str(i)
    b = full.index("https://t.co/l")
    return {
        "id": str(500 + i),
        "author_id": author,
        "created_at": "2024-03-01T09:00:00.000Z",
        "lang": "en",
        "text": cut,
        "entities": {
            "urls": [
                {"start": 29, "end": 52, "url": f"https://t.co/e{i}", "expanded_url": EARLY},
                {
                    "start": 252,
                    "end": 275,
                    "url": f"https://t.co/self{i}",
                    "expanded_url": f"https://twitter.com/i/web/status/{500 + i}",
                },
            ],
            "hashtags": [{"start": 53, "end": 59, "tag": "Early"}],
        },
        "note_tweet": {
            "text": full,
            "entities": {
                "urls": [
                    {"start": 29, "end": 52, "url": f"https://t.co/e{i}", "expanded_url": EARLY},
                    {"start": b, "end": b + 23, "url": f"https://t.co/l{i}", "expanded_url": LATE},
                ],
                "hashtags": [
                    {"start": 53, "end": 59, "tag": "Early"},
                    {"start": b + 24, "end": b + 32, "tag": "LateTag"},
                ],
                "mentions": [{"start": b + 38, "end": b + 48, "username": "late_user"}],
                "cashtags": [{"start": 0, "end": 4, "tag": "ABC"}],
            },
        },
    }


def _short(i: int, author: str) -> dict[str, Any]:
    return {
        "id": str(600 + i),
        "author_id": author,
        "created_at": "2024-03-01T10:00:00.000Z",
        "lang": "en",
        "text": f"short post {i} https://t.co/s{i} #Short",
        "entities": {
            "urls": [{"start": 13, "end": 36, "url": f"https://t.co/s{i}", "expanded_url": EARLY}],
            "hashtags": [{"start": 37, "end": 43, "tag": "Short"}],
        },
    }


def _retweet(i: int, author: str, of: dict[str, Any]) -> dict[str, Any]:
    """A retweet of a long post: ``RT @user0: `` and the cut text, no note of its own."""
    return {
        "id": str(700 + i),
        "author_id": author,
        "created_at": "2024-03-01T11:00:00.000Z",
        "lang": "en",
        "text": "RT @user0: " + of["text"][:120] + "\u2026",
        "entities": {"mentions": [{"start": 3, "end": 9, "username": "user0"}]},
        "referenced_tweets": [{"type": "retweeted", "id": of["id"]}],
    }


def _quote(i: int, author: str, of: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(800 + i),
        "author_id": author,
        "created_at": "2024-03-01T12:00:00.000Z",
        "lang": "en",
        "text": f"look at this {i} https://t.co/q{i}",
        "entities": {
            "urls": [
                {
                    "start": 15,
                    "end": 38,
                    "url": f"https://t.co/q{i}",
                    "expanded_url": f"https://twitter.com/user0/status/{of['id']}",
                }
            ]
        },
        "referenced_tweets": [{"type": "quoted", "id": of["id"]}],
    }


def _user(uid: str) -> dict[str, Any]:
    return {"id": uid, "username": f"user{uid}", "name": f"User {uid}"}


def _collection() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tweets of the search (``data``) and the referenced originals (``includes.tweets``)."""
    original = _long(0, "0")  # collected only as the referenced tweet
    data = [_long(1, "1"), _long(2, "2"), _short(1, "1"), _short(2, "3")]
    data += [_retweet(1, "3", original), _quote(1, "4", original), _long(3, "4")]
    data[-1]["referenced_tweets"] = [{"type": "quoted", "id": "601"}]  # a long quote
    return data, [original]


def _page_file(path: Path) -> Path:
    data, refs = _collection()
    users = [_user(str(u)) for u in range(5)]
    page = {"data": data, "includes": {"users": users, "tweets": refs}, "meta": {}}
    path.write_text(json.dumps(page) + "\n")
    return path


def _flat_file(path: Path) -> Path:
    """``twarc2 flatten``: the author and the referenced tweets inlined in each tweet."""
    data, refs = _collection()
    by_id = {t["id"]: t for t in refs}
    lines = []
    for t in data:
        t = {**t, "author": _user(t["author_id"])}
        expanded = []
        for r in t.get("referenced_tweets", []):
            if r["id"] in by_id:
                r = {**r, **by_id[r["id"]], "author": _user(by_id[r["id"]]["author_id"])}
            expanded.append(r)
        if expanded:
            t["referenced_tweets"] = expanded
        lines.append(json.dumps(t) + "\n")
    path.write_text("".join(lines))
    return path


def _posts(ds: Path) -> list[dict[str, Any]]:
    return pq.read_table(ds / "posts.parquet").sort_by("post_id").to_pylist()


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("form", ["flat", "pages"])
def test_long_posts_keep_their_whole_text_and_entities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str, form: str
) -> None:
    """A long post was its cut ``text``: its second link, hashtag and mention were lost and
    the post-link of the cut text was kept as a URL. Now: the note's text (links expanded)
    and entities, the same for the retweeted and quoted originals."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    src = (_flat_file if form == "flat" else _page_file)(tmp_path / f"{form}.jsonl")
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == ["500", "501", "502", "503", "601", "602", "701", "801"]
    for pid in ("500", "501", "502", "503"):
        p = posts[pid]
        assert p["text"] == BODY.format(a=EARLY, b=LATE)
        assert p["urls"] == ["news.example.com/early", "other.example.org/late"]
        assert p["hashtags"] == ["early", "latetag"]
        assert p["mentions"] == ["late_user"]
    assert posts["503"]["quote_of"] == "601"
    rt = posts["701"]
    assert rt["repost_of"] == "500" and rt["text"].startswith("RT @user0: Opening words")
    assert rt["mentions"] == ["user0"]
    assert posts["801"]["quote_of"] == "500"
    assert posts["601"]["text"] == f"short post 1 {EARLY} #Short"


def test_both_paths_and_both_forms_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SQL path (flattened lines), the Python path, and pages: one posts table."""
    flat, pages = _flat_file(tmp_path / "flat.jsonl"), _page_file(tmp_path / "pages.jsonl")
    tables = []
    for fast, src in (("1", flat), ("0", flat), ("1", pages)):
        monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
        ds = tmp_path / f"ds-{fast}-{src.stem}"
        ingest([src], ds)
        tables.append(_posts(ds))
    assert tables[0] == tables[1] == tables[2]
    assert len(tables[0]) == 8


def test_long_posts_are_mapped_in_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flattened long post without expanded references stays on the SQL path."""
    from vigie.ingest import x_sql

    seen: list[list[int]] = []
    real = x_sql._batch

    def counting(path: Path, fast: Any, slow: list[Any], lines: int) -> Any:
        seen.append([n for n, _, _ in slow])
        return real(path, fast, slow, lines)

    monkeypatch.setattr(x_sql, "_batch", counting)
    monkeypatch.setenv("VIGIE_INGEST_FAST", "1")
    src = tmp_path / "long.jsonl"
    src.write_text("".join(json.dumps(_long(i, str(i))) + "\n" for i in range(4)))
    posts = [p for b in x_sql.read(src) for p in b.posts.to_pylist()]
    assert seen == [[]]
    assert [p["text"] for p in posts] == [BODY.format(a=EARLY, b=LATE)] * 4


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize(
    ("note", "reason"),
    [
        ("the whole text", "note_tweet is not an object"),
        ({"entities": {}}, "note_tweet.text is not a string"),
        ({"text": 5}, "note_tweet.text is not a string"),
    ],
)
def test_a_bad_note_is_a_refused_tweet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str, note: Any, reason: str
) -> None:
    """A ``note_tweet`` that is no object, or has no text, refuses its tweet (and no other)."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    bad = {**_long(1, "1"), "note_tweet": note}
    src = tmp_path / "bad.jsonl"
    src.write_text(json.dumps(bad) + "\n" + json.dumps(_short(2, "1")) + "\n")
    report = ingest([src], tmp_path / "ds", fmt="x")
    assert report.rejected == 1
    assert reason in (tmp_path / "ds" / "rejected.jsonl").read_text()
    assert list(posts_by_id(tmp_path / "ds")) == ["602"]


@pytest.mark.parametrize("fast", ["1", "0"])
def test_a_note_without_entities_is_read_from_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    """The API leaves out empty entity lists; a note without ``entities`` is read from its
    text, as a tweet without them (its hashtags and mentions are in it)."""
    monkeypatch.setenv("VIGIE_INGEST_FAST", fast)
    t = _long(1, "1")
    t["note_tweet"] = {"text": "a long text with #OnlyTag and @someone " + "x" * 280}
    src = tmp_path / "t.jsonl"
    src.write_text(json.dumps(t) + "\n")
    ingest([src], tmp_path / "ds", fmt="x")
    p = posts_by_id(tmp_path / "ds")["501"]
    assert p["text"].startswith("a long text") and p["urls"] == []
    assert p["hashtags"] == ["onlytag"] and p["mentions"] == ["someone"]
