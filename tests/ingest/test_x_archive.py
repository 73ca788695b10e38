"""An X account's own archive (``data/tweets.js`` beside ``data/account.js``), as X writes it.

Values are ours; the structure is that of a real archive (a public one: milahu/twitter-milahu104,
2,045 tweets, read whole by hand once): a JavaScript assignment around a JSON array of
``{"tweet": {...}}``, v1.1 tweets without ``user``, every number a string. It was "cannot tell
the format", and as ``--format x-v1`` every line was refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.helpers import accounts_by_id, posts_by_id, rejected
from vigie.errors import InputError
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect

OWNER = "1964312974236991488"


def _tweet(tid: str, text: str, **more: Any) -> dict[str, Any]:
    return {
        "tweet": {
            "id": tid,
            "id_str": tid,
            "created_at": "Sat Sep 06 13:13:48 +0000 2025",
            "full_text": text,
            "lang": "de",
            "favorite_count": "0",
            "retweet_count": "0",
            "display_text_range": ["0", str(len(text))],
            "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
            "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
            **more,
        }
    }


def _js(path: Path, name: str, value: Any, part: int = 0) -> Path:
    path.write_text(f"window.YTD.{name}.part{part} = " + json.dumps(value, indent=2), "utf-8")
    return path


def _archive(folder: Path) -> Path:
    folder.mkdir()
    account = {
        "username": "milahu104",
        "accountId": OWNER,
        "createdAt": "2025-09-06T13:02:20.496Z",
        "accountDisplayName": "Milan Hauth",
    }
    _js(folder / "account.js", "account", [{"account": account}])
    mention = {"name": "Tagesspiegel", "screen_name": "Tagesspiegel", "indices": ["0", "13"],
               "id_str": "8720562", "id": "8720562"}  # fmt: skip
    link = {"url": "https://t.co/abc", "expanded_url": "https://archive.is/ou39D",
            "display_url": "archive.is/ou39D", "indices": ["28", "51"]}  # fmt: skip
    tweets = [
        _tweet(
            "1975441673091268677",
            "@Tagesspiegel quelle: #weimer https://t.co/abc",
            in_reply_to_status_id_str="1974789286974333335",
            in_reply_to_screen_name="Tagesspiegel",
            entities={
                "hashtags": [{"text": "weimer", "indices": ["21", "28"]}],
                "user_mentions": [mention],
                "urls": [link],
            },  # fmt: skip
        ),
        _tweet("1975441823830319239", "RT @StephanRPalm: Das hier ist der Grund"),
    ]
    return _js(folder / "tweets.js", "tweets", tweets)


def test_an_account_archive_is_read_as_the_owners_tweets(tmp_path: Path) -> None:
    src = _archive(tmp_path / "data")
    assert detect(src) == "x-archive"
    report = ingest([src], tmp_path / "ds")
    assert report.sources[0].format == "x-archive" and report.rejected == 0
    posts = posts_by_id(tmp_path / "ds")
    reply = posts["1975441673091268677"]
    assert reply["account_id"] == OWNER and reply["reply_to"] == "1974789286974333335"
    assert reply["urls"] == ["archive.is/ou39D"] and reply["hashtags"] == ["weimer"]
    assert reply["mentions"] == ["Tagesspiegel"]
    assert "archive.is/ou39D" in reply["text"]  # the t.co link expanded, as every X reader
    assert posts["1975441823830319239"]["text"].startswith("RT @StephanRPalm:")
    owner = accounts_by_id(tmp_path / "ds")[OWNER]
    assert (owner["handle"], owner["display_name"]) == ("milahu104", "Milan Hauth")
    assert owner["created_at"].isoformat() == "2025-09-06T13:02:20+00:00"


def test_an_archive_without_its_account_file_is_refused_in_one_line(tmp_path: Path) -> None:
    src = _archive(tmp_path / "data")
    (tmp_path / "data" / "account.js").unlink()
    with pytest.raises(InputError, match="data/account.js"):
        ingest([src], tmp_path / "ds")


def test_the_archives_other_files_are_no_posts(tmp_path: Path) -> None:
    _archive(tmp_path / "data")
    like = _js(tmp_path / "data" / "like.js", "like", [{"like": {"tweetId": "1"}}])
    assert detect(like) == "x-archive"
    with pytest.raises(InputError, match="like.js holds no posts"):
        ingest([like], tmp_path / "ds")


def test_a_later_part_and_a_file_broken_part_way(tmp_path: Path) -> None:
    """Large archives split their tweets (``tweets-part1.js``: ``window.YTD.tweets.part1``);
    a file cut short keeps the tweets before the break and refuses the rest in one record."""
    src = _archive(tmp_path / "data")
    text = src.read_text("utf-8").replace("tweets.part0", "tweets.part1")
    part1 = tmp_path / "data" / "tweets-part1.js"
    part1.write_text(text[: text.index('"1975441823830319239"')], "utf-8")
    ingest([part1], tmp_path / "ds")
    assert list(posts_by_id(tmp_path / "ds")) == ["1975441673091268677"]
    [rej] = rejected(tmp_path / "ds")
    assert rej["reason"] == "malformed JSON" and "breaks after tweet 1" in rej["detail"]
