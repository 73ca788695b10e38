"""twarc2's users files (``twarc2 users`` / ``followers`` / ``members``): accounts only, told
apart from tweets; and the files twarc2 writes beside tweets that hold neither (counts, lists,
compliance), refused by name.

Fixtures are written here from the X API v2 user object's documented fields (``id``,
``username``, ``name`` always; ``created_at``, ``description``, ``public_metrics`` when the
query asked for them), in twarc2's two shapes: one response page a line, or flattened.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.helpers import accounts_by_id, posts_by_id, rejected
from vigie.errors import InputError
from vigie.ingest.api import ingest
from vigie.ingest.detect_format import detect

TWARC = {"url": "https://api.twitter.com/2/users", "version": "2.x", "retrieved_at": "2024-05-03"}


def _user(i: int, full: bool = True) -> dict:
    u = {"id": str(1000 + i), "username": f"user{i}", "name": f"User {i}"}
    if full:
        u |= {
            "created_at": f"2024-04-{10 + i:02d}T08:00:00.000Z",
            "description": f"about {i}",
            "public_metrics": {
                "followers_count": 10 * i,
                "following_count": i,
                "tweet_count": 100 + i,
                "listed_count": 0,
            },
            "protected": False,
            "verified": False,
        }
    return u


def _lines(path: Path, objs: list) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    return path


def _tweets_page(path: Path) -> Path:
    """Two tweets by user1 and user2 with no includes.users (the query asked no profiles)."""
    data = [
        {"id": "1", "author_id": "1001", "text": "hello", "created_at": "2024-05-01T10:00:00.000Z"},
        {"id": "2", "author_id": "1002", "text": "world", "created_at": "2024-05-01T10:01:00.000Z"},
    ]
    return _lines(path, [{"data": data, "meta": {"result_count": 2}, "__twarc": TWARC}])


def test_users_pages_fill_the_accounts_of_the_tweets(tmp_path: Path) -> None:
    tweets = _tweets_page(tmp_path / "tweets.jsonl")
    users = _lines(
        tmp_path / "users.jsonl",
        [
            {"data": [_user(1), _user(2)], "__twarc": TWARC},
            {"data": [_user(3, full=False)], "includes": {"tweets": []}, "__twarc": TWARC},
        ],
    )
    assert detect(users) == "x-users" and detect(tweets) == "x"
    report = ingest([tweets, users], tmp_path / "ds")
    by_format = {s.format: s for s in report.sources}
    assert by_format["x-users"].records == 3 and by_format["x-users"].accepted == 3
    assert len(posts_by_id(tmp_path / "ds")) == 2  # the users file added no post
    acc = accounts_by_id(tmp_path / "ds")
    assert acc["1001"]["handle"] == "user1" and acc["1001"]["followers"] == 10
    assert str(acc["1002"]["created_at"]).startswith("2024-04-12")
    assert acc["1003"]["handle"] == "user3" and acc["1003"]["followers"] is None  # minimal


def test_flattened_users_and_a_refused_user(tmp_path: Path) -> None:
    src = _lines(
        tmp_path / "flat.jsonl",
        [
            _user(1) | {"__twarc": TWARC},
            {"username": "noid", "public_metrics": {}, "__twarc": TWARC},  # no id: refused
            _user(2) | {"__twarc": TWARC},
        ],
    )
    assert detect(src) == "x-users"
    report = ingest(src, tmp_path / "ds")
    assert report.sources[0].accepted == 2 and report.sources[0].rejected == 1
    (bad,) = rejected(tmp_path / "ds")
    assert bad["field"] == "id" and bad["record"] == 2


def test_an_error_page_is_one_refusal(tmp_path: Path) -> None:
    src = _lines(
        tmp_path / "users.jsonl",
        [
            {"data": [_user(1)], "__twarc": TWARC},
            {"errors": [{"detail": "Could not find user", "title": "Not Found Error"}]},
        ],
    )
    report = ingest(src, tmp_path / "ds", fmt="x-users")
    assert report.sources[0].accepted == 1 and report.sources[0].rejected == 1


@pytest.mark.parametrize(
    ("objs", "says"),
    [
        (
            [
                {
                    "data": [
                        {
                            "end": "2024-05-01T01:00:00Z",
                            "start": "2024-05-01T00:00:00Z",
                            "tweet_count": 7,
                        }
                    ],
                    "meta": {"total_tweet_count": 7},
                    "__twarc": TWARC,
                }
            ],
            "a twarc2 counts file",
        ),
        (
            [
                {
                    "data": [
                        {
                            "id": "9",
                            "name": "journalists",
                            "owner_id": "1001",
                            "follower_count": 3,
                            "member_count": 40,
                            "private": False,
                        }
                    ],
                    "meta": {"result_count": 1},
                    "__twarc": TWARC,
                }
            ],
            "a twarc2 lists file",
        ),
        (
            [
                "",
                {
                    "id": "1170025343920402432",
                    "action": "delete",
                    "created_at": "2019-09-06T17:25:54.667Z",
                    "reason": "protected",
                },
            ],
            "an X compliance file",
        ),
    ],
    ids=["counts", "lists", "compliance-after-a-blank-line"],
)
def test_files_beside_the_tweets_are_refused_by_name(tmp_path: Path, objs: list, says: str) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(
        "".join((json.dumps(o) if o != "" else "") + "\n" for o in objs), encoding="utf-8"
    )
    with pytest.raises(InputError, match=says):
        detect(path)


def test_a_tweet_with_a_username_field_is_still_a_tweet(tmp_path: Path) -> None:
    """A flattened tweet carries ``author.username``; only a top-level user object is a user."""
    tweet = {
        "id": "5",
        "author_id": "1001",
        "text": "hi",
        "created_at": "2024-05-01T10:00:00.000Z",
        "author": _user(1),
        "__twarc": TWARC,
    }
    assert detect(_lines(tmp_path / "t.jsonl", [tweet])) == "x"


def test_users_csv_of_twarc2_csv(tmp_path: Path) -> None:
    """``twarc2 csv --input-data-type users``: one user a row, dotted column names (the
    plugin's documented user columns); a row with a stray delimiter is refused, not shifted."""
    header = (
        "id,created_at,username,name,description,location,pinned_tweet_id,protected,"
        "public_metrics.followers_count,public_metrics.following_count,"
        "public_metrics.listed_count,public_metrics.tweet_count,url,verified,"
        "__twarc.retrieved_at"
    )
    rows = [
        "1001,2024-04-11T08:00:00.000Z,user1,User 1,about 1,Paris,,False,10,1,0,101,,False,"
        "2024-05-03T00:00:00+00:00",
        "1002,,user2,User 2,,,,False,,,,,,False,2024-05-03T00:00:00+00:00",
        "1003,2024-04-13T08:00:00.000Z,user3,User 3,a,b,c,False,1,2,3,4,,False,x,EXTRA",
    ]
    src = tmp_path / "users.csv"
    src.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert detect(src) == "x-users"
    report = ingest(src, tmp_path / "ds")
    assert report.sources[0].accepted == 2 and report.sources[0].rejected == 1
    acc = accounts_by_id(tmp_path / "ds")
    assert acc["1001"]["handle"] == "user1" and acc["1001"]["followers"] == 10
    assert acc["1001"]["posts_count"] == 101 and acc["1001"]["description"] == "about 1"
    assert acc["1002"]["followers"] is None and acc["1002"]["created_at"] is None
    (bad,) = rejected(tmp_path / "ds")
    assert bad["record"] == 4  # the third data row (line 4)
