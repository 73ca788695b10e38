"""Threads API answers (``--format threads``) on fixtures written from Meta's documented fields
(tests/fixtures/ingest/make_threads.py): detection without taking other formats' files, the
mapping with known answers, relations joining the posts they name, skips and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.helpers import FIX, accounts_by_id, posts_by_id, rejected, run_cli
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect
from vigie.ingest.threads_api import api_time, is_value
from vigie.ingest.urls import dotted_mentions_in_text

THREADS = FIX / "threads"
ROOT = "18040000000000001"


def mid(n: int) -> str:
    return f"180400000000000{n:02d}"


@pytest.mark.parametrize(
    "name",
    [
        "threads_search.json",
        "threads_user_threads.json",
        "threads_conversation.json",
        "threads_media.jsonl",
        "threads_malformed.jsonl",
    ],
)
def test_detection(name: str) -> None:
    assert detect(THREADS / name) == "threads"


def test_keyword_search_page(tmp_path: Path) -> None:
    """Post id = media id, account = user name, the ``+0000`` time in UTC; URLs from the
    attachment (through ``l.threads.net``) and the text; the topic tag then the text's tags;
    dotted ``@names``; the CDN picture not kept; a reply's parent by media id."""
    ds = tmp_path / "ds"
    report = ingest([THREADS / "threads_search.json"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == [mid(1), mid(2), mid(3)]
    first = posts[ROOT]
    assert (first["platform"], first["account_id"]) == ("threads", "civic.anna")
    assert first["created_at"].isoformat() == "2024-06-30T08:15:00+00:00"
    assert first["urls"] == ["example.fr/bureaux", "example.fr/programme"]
    assert first["hashtags"] == ["legislatives 2024", "legislatives2024"]
    assert first["mentions"] == ["depute.fr", "jean_m"]
    assert (first["repost_of"], first["reply_to"], first["quote_of"]) == (None, None, None)
    image = posts[mid(2)]
    assert image["account_id"] == "news_desk" and image["media"] == [] and image["urls"] == []
    assert posts[mid(3)]["reply_to"] == ROOT
    accounts = accounts_by_id(ds)
    assert sorted(accounts) == ["civic.anna", "news_desk", "voter_3"]
    assert (accounts["civic.anna"]["platform"], accounts["civic.anna"]["handle"]) == (
        "threads",
        "civic.anna",
    )
    assert rejected(ds) == [] and report.sources[0].accepted == 3


def test_user_threads_repost_quote_and_carousel(tmp_path: Path) -> None:
    """``owner.id`` (given for the token's own posts only) is not the account: the user name
    is, as in a search; a repost facade has no text and points to the reposted media id; a
    carousel is one post, its children no posts."""
    ds = tmp_path / "ds"
    ingest([THREADS / "threads_user_threads.json"], ds)
    posts = posts_by_id(ds)
    assert sorted(posts) == [mid(11), mid(12), mid(13), mid(14)]
    assert {p["account_id"] for p in posts.values()} == {"depute.fr"}
    own = posts[mid(11)]
    assert own["urls"] == ["example.fr/programme"] and own["hashtags"] == ["legislatives 2024"]
    repost = posts[mid(12)]
    assert (repost["repost_of"], repost["text"]) == (ROOT, None)
    assert repost["created_at"].isoformat() == "2024-06-30T08:20:00+00:00"
    assert posts[mid(13)]["quote_of"] == mid(2)
    carousel = posts[mid(14)]
    assert (carousel["text"], carousel["hashtags"], carousel["media"]) == (
        "Meeting à Lyon #meeting",
        ["meeting"],
        [],
    )
    assert list(accounts_by_id(ds)) == ["depute.fr"]


def test_conversation_chain_and_a_private_reply(tmp_path: Path) -> None:
    """Each reply points to its immediate parent (``replied_to``), not to the root; a hidden
    reply is still a post; a private profile's reply, without its user name, is refused
    naming the field."""
    ds = tmp_path / "ds"
    report = ingest([THREADS / "threads_conversation.json"], ds)
    posts = posts_by_id(ds)
    assert {pid: p["reply_to"] for pid, p in posts.items()} == {
        mid(21): ROOT,
        mid(22): mid(21),
        mid(23): mid(22),
    }
    assert posts[mid(21)]["mentions"] == ["civic.anna"]
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    assert got == [("1:4", "missing Threads media object field", "username")]
    assert report.sources[0].accepted == 3 and report.sources[0].rejected == 1


def test_relations_join_the_posts_they_name(tmp_path: Path) -> None:
    """Collected together, every repost, quote and reply names a post of the Dataset: the
    targets are media ids, the posts' ids too."""
    ds = tmp_path / "ds"
    names = ("threads_search.json", "threads_user_threads.json", "threads_conversation.json")
    ingest([THREADS / n for n in names], ds)
    posts = posts_by_id(ds)
    targets = {p[k] for p in posts.values() for k in ("repost_of", "reply_to", "quote_of") if p[k]}
    assert targets == {ROOT, mid(2), mid(21), mid(22)}
    assert targets <= set(posts)


def test_single_objects_one_a_line(tmp_path: Path) -> None:
    """The minimal item (id, user name, time) is a post; another offset is converted to UTC;
    a quoted post given as a bare id is read as ``{"id"}`` is."""
    ds = tmp_path / "ds"
    ingest([THREADS / "threads_media.jsonl"], ds)
    posts = posts_by_id(ds)
    full = posts[mid(31)]
    assert full["urls"] == ["example.fr/merci"]
    assert full["hashtags"] == ["legislatives 2024", "legislatives2024"]
    minimal = posts[mid(32)]
    assert (minimal["account_id"], minimal["text"], minimal["urls"]) == ("min_user", "", [])
    assert minimal["created_at"].isoformat() == "2024-07-01T08:00:00+00:00"
    other = posts[mid(33)]
    assert other["created_at"].isoformat() == "2024-07-01T10:00:00+00:00"
    assert other["quote_of"] == mid(31)


def test_error_answer_is_a_counted_skip(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([THREADS / "threads_error.json"], ds, fmt="threads")
    assert report.sources[0].skipped == {
        "threads: an API error answer (THApiException, code 100), no posts": 1
    }
    assert report.sources[0].accepted == 0 and rejected(ds) == []


def test_malformed_items_are_refused_by_field(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    report = ingest([THREADS / "threads_malformed.jsonl"], ds)
    assert list(posts_by_id(ds)) == [mid(41)]
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    assert got == [
        (2, "missing Threads media object field", "username"),
        (3, "missing Threads media object field", "timestamp"),
        (4, "invalid timestamp", "timestamp"),
        (5, "missing Threads media object field", "id"),
        (6, "invalid username", "username"),
        (7, "invalid text", "text"),
        (8, "invalid quoted_post", "quoted_post"),
        (10, "not a Threads media object or page", None),
        (11, "malformed JSON", None),
    ]
    src = report.sources[0]
    assert src.skipped == {"threads: an API error answer (OAuthException, code 4), no posts": 1}
    assert (src.accepted, src.rejected) == (1, 9)


def test_array_of_pages_and_a_big_indented_page(tmp_path: Path) -> None:
    """``json.dump(pages)`` is read page by page; an indented page over the sniffing window
    (1 MiB) is still told from its text."""
    pages = [
        json.loads((THREADS / n).read_text(encoding="utf-8"))
        for n in ("threads_search.json", "threads_user_threads.json")
    ]
    arr = tmp_path / "pages.json"
    arr.write_text(json.dumps(pages), encoding="utf-8")
    assert detect(arr) == "threads"
    ingest([arr], tmp_path / "a")
    assert len(posts_by_id(tmp_path / "a")) == 7
    item = pages[0]["data"][1]
    big = {"data": [{**item, "id": str(19000000000000000 + n)} for n in range(2500)]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(big, indent=2), encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    assert detect(path) == "threads"


def test_other_meta_shapes_are_not_taken() -> None:
    """An Instagram Graph API media page and a Zeeschuimer Threads capture are not Threads
    API answers; an error answer alone says nothing of its API."""
    instagram = {
        "data": [
            {
                "id": "17900000000000001",
                "media_product_type": "FEED",
                "permalink": "https://www.instagram.com/p/C0abcDEFghi/",
                "username": "civic.anna",
                "timestamp": "2024-06-30T08:15:00+0000",
            }
        ]
    }
    capture = json.loads(
        (FIX / "sources" / "zeeschuimer.ndjson").read_text(encoding="utf-8").splitlines()[8]
    )
    assert capture["source_platform"] == "threads.net"
    assert not is_value(instagram) and not is_value(capture)
    assert not is_value(json.loads((THREADS / "threads_error.json").read_text("utf-8")))


def test_mentions_and_times() -> None:
    text = "@civic.anna, mail anna@example.fr et @Jean_M. puis @" + "x" * 31 + " @a_b.c."
    assert dotted_mentions_in_text(text) == ["civic.anna", "jean_m", "a_b.c"]
    assert api_time("2024-06-30T08:15:00+0000").isoformat() == "2024-06-30T08:15:00+00:00"
    assert api_time("2024-06-30T10:15:00+0200").isoformat() == "2024-06-30T08:15:00+00:00"
    assert api_time("2024-06-30T08:15:00Z").isoformat() == "2024-06-30T08:15:00+00:00"


def test_cli_format_threads_as_the_docs_show_it(tmp_path: Path) -> None:
    code, out = run_cli(
        [
            "ingest",
            str(THREADS / "threads_search.json"),
            "--into",
            str(tmp_path / "ds"),
            "--format",
            "threads",
        ]
    )
    assert code == 0, out
    assert len(posts_by_id(tmp_path / "ds")) == 3


def test_repost_without_its_reposted_post_is_a_counted_skip(tmp_path: Path) -> None:
    """A real ``/{user-id}/threads`` run asked no ``reposted_post``: its three
    ``REPOST_FACADE`` items were kept as original posts with no text, unsaid. A repost of
    an unknown post is skipped and counted, naming the field to ask for; with the field it
    is a repost."""
    base = {
        "media_type": "REPOST_FACADE",
        "permalink": "https://www.threads.com/@ethan/post/DXgBkUUk6SM",
        "timestamp": "2026-04-24T04:06:09+0000",
        "username": "ethan",
        "owner": {"id": "27173231028946699"},
        "media_product_type": "THREADS",
    }
    items = [
        base | {"id": mid(41)},
        base | {"id": mid(42), "reposted_post": {"id": mid(43)}},
        base | {"id": mid(44), "media_type": "TEXT_POST", "text": "mon avis"},
    ]
    src = tmp_path / "threads.jsonl"
    src.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    ds = tmp_path / "ds"
    report = ingest([src], ds)
    assert report.sources[0].format == "threads"
    posts = posts_by_id(ds)
    assert set(posts) == {mid(42), mid(44)}
    assert posts[mid(42)]["repost_of"] == mid(43) and posts[mid(42)]["text"] is None
    [(reason, n)] = report.sources[0].skipped.items()
    assert n == 1 and "reposted_post" in reason
