"""Social-listening exports (Brandwatch, Meltwater, Talkwalker) on fixtures written from the
tools' export headers (tests/fixtures/ingest/make_listening.py): detection, the canonical
fields with known answers, relations, the web rows' rule, refusals and their counts, a
workbook, and one post collected through two tools."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.helpers import FIX, accounts_by_id, assert_same_posts, posts_by_id, rejected, run_cli
from vigie.errors import InputError
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect
from vigie.ingest.listening import (
    meltwater_time,
    platform_id,
    platform_of_kind,
    talkwalker_time,
)
from vigie.ingest.records import BadField

SRC = FIX / "listening"
BW = SRC / "brandwatch_mentions.csv"
MW = SRC / "meltwater_explore.csv"
TW = SRC / "talkwalker_export.csv"
T1, T2 = "1790000000000000001", "1790000000000000002"
REDDIT_POST = "t3_1d8abcd"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("src", "fmt"), [(BW, "brandwatch"), (MW, "meltwater"), (TW, "talkwalker")]
)
def test_detected_from_the_header(src: Path, fmt: str) -> None:
    """Brandwatch's header is below a preamble, Meltwater's in UTF-16 with tabs."""
    assert detect(src) == fmt


def test_brandwatch(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    src = ingest([BW], ds).sources[0]
    assert (src.format, src.records, src.accepted, src.rejected, src.duplicates) == (
        "brandwatch", 15, 12, 3, 1  # the X post seen twice (two queries) is one post
    )  # fmt: skip
    posts = posts_by_id(ds)
    p = posts[T1]
    assert (p["platform"], p["account_id"], p["created_at"], p["lang"]) == (
        "x", "1001", utc(2024, 6, 9, 8, 15), "fr"
    )  # fmt: skip
    assert p["urls"] == ["example-news.fr/article/bureaux"]  # expanded, t.co left out
    assert p["hashtags"] == ["legislatives", "vote"]  # the Hashtags column, cleaned
    assert posts[T2]["repost_of"] == T1 and posts[T2]["mentions"] == ["pollwatch_fr"]
    reply = posts["1790000000000000003"]
    assert reply["reply_to"] == T1 and reply["account_id"] == "citizen_b"  # no id: the handle
    assert reply["created_at"] == utc(2024, 6, 9, 9, 0, 5)
    quote = posts["1790000000000000004"]
    assert quote["quote_of"] == T1 and quote["repost_of"] is None
    assert quote["created_at"] == utc(2024, 6, 9, 9, 30)  # +0200 read as such
    fb = posts["https://www.facebook.com/groupe.vote/posts/123456789"]
    assert (fb["platform"], fb["account_id"]) == ("facebook", "100064000000001")
    assert fb["media"] == ["scontent.example.com/v/photo1.jpg"]
    comment = posts["t1_l7xyz12"]
    assert (comment["platform"], comment["reply_to"]) == ("reddit", REDDIT_POST)
    assert posts["dQw4w9WgXcQ"]["platform"] == "youtube"
    assert posts["7370000000000000001"]["platform"] == "tiktok"
    did = "did:plc:abcdefghijklmnopqrstuvwx"
    sky = posts[f"at://{did}/app.bsky.feed.post/3kv2abcdefg2x"]
    assert (sky["platform"], sky["account_id"]) == ("bluesky", did)
    # news and blog rows are kept, each site its own account on the web
    news = posts["https://www.example-news.fr/article/bureaux"]
    assert (news["platform"], news["account_id"]) == ("web", "example-news.fr")
    assert posts["https://blog.example.org/2024/06/vote"]["account_id"] == "blog.example.org"
    assert len(posts) == 11
    acc = accounts_by_id(ds)
    assert acc["1001"]["handle"] == "pollwatch_fr" and acc["1001"]["followers"] == 1250
    assert acc["1001"]["display_name"] == "Poll Watch FR" and acc["1001"]["following"] == 300
    assert acc["example-news.fr"]["platform"] == "web"
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    assert got == [  # lines count from the file's first, the preamble's included
        (20, "invalid Date", "Date"),
        (21, "missing Brandwatch mention field", "Author"),
        (22, "missing Brandwatch mention field", "Url"),
    ]
    assert "cannot be read without guessing" in rejected(ds)[0]["detail"]


def test_meltwater_utf16_tab_separated(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    src = ingest([MW], ds).sources[0]
    assert (src.format, src.records, src.accepted, src.rejected) == ("meltwater", 11, 7, 4)
    posts = posts_by_id(ds)
    p = posts[T1]
    assert (p["platform"], p["account_id"], p["created_at"]) == (
        "x", "pollwatch_fr", utc(2024, 6, 9, 8, 15)
    )  # fmt: skip
    assert p["lang"] is None  # "French" is a language's name, not a code
    assert posts["1790000000000000007"]["created_at"] == utc(2024, 6, 10, 0, 30)  # 12:30AM
    assert posts["1790000000000000008"]["created_at"] == utc(2024, 6, 10, 12, 5)  # 12:05PM
    assert posts["1790000000000000008"]["account_id"] == "idonly_f"  # no URL: its Tweet Id
    assert posts["1790000000000000009"]["created_at"] == utc(2024, 6, 11, 15, 45)  # alternate
    assert posts[REDDIT_POST]["platform"] == "reddit"
    news = posts["https://www.example-news.fr/article/resultats"]
    assert (news["platform"], news["account_id"]) == ("web", "example-news.fr")
    acc = accounts_by_id(ds)
    assert acc["pollwatch_fr"]["description"] == "Observatoire citoyen"
    assert acc["example-news.fr"]["display_name"] == "Example News"
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    assert got == [
        (9, "invalid Date", "Date"),  # 09/06/2024: day or month first?
        (10, "invalid Date", "Date"),  # a day without a time of day
        (11, "invalid Date", "Date"),  # "Mai": not an English month
        (12, "missing Meltwater mention field", "Twitter Screen Name"),
    ]
    assert "no time of day" in rejected(ds)[1]["detail"]


def test_talkwalker(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    src = ingest([TW], ds).sources[0]
    assert (src.format, src.records, src.accepted, src.rejected) == ("talkwalker", 9, 6, 3)
    posts = posts_by_id(ds)
    assert posts[T2]["created_at"] == utc(2024, 6, 9, 8, 20)  # epoch milliseconds
    assert posts[T2]["account_id"] == "relay_account"  # the handle, not Talkwalker's "tw:" id
    comment = posts["t1_l7abc99"]
    assert (comment["reply_to"], comment["account_id"]) == (REDDIT_POST, "Latter_Bullfrog247")
    news = posts["https://www.example-news.fr/article/bureaux"]
    assert (news["account_id"], news["reply_to"]) == ("example-news.fr", None)  # its own parent
    assert news["urls"] == ["elections.gouv.fr/resultats"]
    assert news["media"] == ["img.example-news.fr/a.jpg"]
    assert posts["dQw4w9WgXcQ"]["created_at"] == utc(2024, 6, 9, 10, 0)  # ISO 8601
    ig = posts["https://www.instagram.com/p/C7abcdEFGH/"]
    assert (ig["platform"], ig["mentions"], ig["hashtags"]) == ("instagram", ["amie_j"], ["vote"])
    assert posts["http://blog.example.org/2024/06/vote"]["account_id"] == "blog.example.org"
    got = [(r["record"], r["reason"], r["field"]) for r in rejected(ds)]
    assert got == [
        (8, "invalid published", "published"),
        (9, "missing Talkwalker mention field", "url"),
        (10, "invalid row", "row"),  # a cell past the header's last column
    ]


def test_one_post_through_two_tools(tmp_path: Path) -> None:
    """The X post exported by Brandwatch and by Meltwater is one post (its id from the URL)."""
    ds = tmp_path / "ds"
    report = ingest([BW, MW], ds)
    assert report.sources[1].duplicates == 1
    assert posts_by_id(ds)[T1]["platform"] == "x"


def test_workbook_gives_the_dataset_of_its_csv(tmp_path: Path) -> None:
    with open(BW, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    book = tmp_path / "mentions.xlsx"
    wb.save(book)
    report = ingest([book], tmp_path / "from_xlsx")
    assert report.sources[0].format == "brandwatch" and report.sources[0].rejected == 3
    ingest([BW], tmp_path / "from_csv")
    assert_same_posts(tmp_path / "from_xlsx", tmp_path / "from_csv")


def test_wrong_format_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="pass --format talkwalker"):
        ingest([TW], tmp_path / "ds", fmt="brandwatch")
    other = tmp_path / "table.csv"
    other.write_text("id,text\n1,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="Date, URL, Hit Sentence"):
        ingest([other], tmp_path / "ds", fmt="meltwater")
    assert detect(other) == "csv"


def test_docs_command(tmp_path: Path) -> None:
    code, out = run_cli(["ingest", str(BW), "--into", str(tmp_path / "mydata")])
    assert code == 0, out
    assert len(posts_by_id(tmp_path / "mydata")) == 11


@pytest.mark.parametrize(
    ("platform", "url", "expected"),
    [
        ("x", "https://mobile.twitter.com/a/status/123?s=20", "123"),
        ("x", "https://x.com/i/web/status/456", "456"),
        ("reddit", "https://redd.it/abc12", "t3_abc12"),
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzABC", "UgzABC"),
        ("youtube", "https://www.youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("bluesky", "https://bsky.app/profile/someone.bsky.social/post/3kv2", None),
        ("facebook", "https://www.facebook.com/a/posts/1", None),
    ],
)
def test_platform_ids(platform: str, url: str, expected: str | None) -> None:
    assert platform_id(platform, url) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("twitter", "x"),
        ("[SOCIAL, SOCIAL_TWITTER]", "x"),
        ("MESSAGEBOARD_REDDIT", "reddit"),
        ("X Factor News", None),  # a publication's name, not the platform
        ("news", None),
    ],
)
def test_type_columns(value: str, expected: str | None) -> None:
    assert platform_of_kind(value) == expected


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"Date": "01-Jan-2024 09:15AM"}, utc(2024, 1, 1, 9, 15)),
        ({"Date": "01-Jan-2024 12:00PM"}, utc(2024, 1, 1, 12, 0)),
        ({"Date": "01-Jan-2024", "Time": "9:05 pm"}, utc(2024, 1, 1, 21, 5)),
        ({"Date": "2024-01-01", "Time": "21:05"}, utc(2024, 1, 1, 21, 5)),
        ({"Date": "2024-01-01T09:15:00"}, utc(2024, 1, 1, 9, 15)),  # a workbook's cell
        ({"Date": "31-Feb-2024 09:00AM"}, "not a date"),
        ({"Date": "01-Jan-2024 13:00PM"}, "not a 12-hour time"),
        ({"Date": "Jan 1, 2024 09:15AM"}, "not a Meltwater date"),
    ],
)
def test_meltwater_times(cells: dict[str, str], expected: datetime | str) -> None:
    if isinstance(expected, datetime):
        assert meltwater_time(cells) == expected
    else:
        with pytest.raises(BadField, match=expected):
            meltwater_time(cells)


def test_talkwalker_seconds_are_no_milliseconds() -> None:
    with pytest.raises(BadField, match="milliseconds out of range"):
        talkwalker_time({"published": "1717921200"})  # seconds: 1970 in milliseconds
    with pytest.raises(BadField, match="milliseconds out of range"):
        talkwalker_time({"published": "9" * 400})  # no float overflow
