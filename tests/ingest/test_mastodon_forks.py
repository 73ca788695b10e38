"""Truth Social and Gab statuses read from their APIs (as ``truthbrush`` saves them) are posts
of their own platform, not of a Mastodon instance.

Why it matters: both run Mastodon's API, so ``--format auto`` reads their statuses as
Mastodon's; labelled ``mastodon`` they would share a platform (and so an id space) with every
Mastodon instance in the Dataset, and a Truth Social quote (the quoted status itself under
``quote``, or only ``quote_id``) was read only when it came through Zeeschuimer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest.test_fast_paths import _same
from vigie.ingest import ingest
from vigie.ingest.mastodon import fork_of


def _account(i: str, acct: str) -> dict[str, Any]:
    return {"id": i, "username": acct, "acct": acct, "display_name": acct.title()}


def _status(i: str, host: str, acct: str, **more: Any) -> dict[str, Any]:
    return {
        "id": i,
        "created_at": "2024-10-01T12:00:00.000Z",
        "url": f"https://{host}/@{acct}/{i}",
        "uri": f"https://{host}/users/{acct}/statuses/{i}",
        "content": f'<p>status {i} <a href="https://example.org/a{i}">link</a></p>',
        "account": _account(f"a-{acct}", acct),
        "tags": [],
        "mentions": [],
        "media_attachments": [],
        **more,
    }


def _lines(path: Path) -> Path:
    quoted = _status("900", "truthsocial.com", "ts_quoted")
    rows = [
        _status("101", "truthsocial.com", "ts_user"),
        _status("102", "truthsocial.com", "ts_user", quote=quoted),  # the quoted status itself
        _status("103", "truthsocial.com", "ts_other", quote_id="777"),  # only its id
        _status(
            "104",
            "TRUTHSOCIAL.COM",
            "ts_other",
            reblog=_status("101", "truthsocial.com", "ts_user"),
        ),
        _status("201", "gab.com", "gab_user"),
        _status("301", "mastodon.social", "m_user"),
        {**_status("302", "mastodon.social", "m_url_empty"), "url": ""},
        _status("303", "mastodon.social", "m_about", content="<p>see truthsocial.com now</p>"),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _posts(ds: Path) -> dict[str, dict[str, Any]]:
    return {p["post_id"]: p for p in pq.read_table(ds / "posts.parquet").to_pylist()}


def test_forks_are_their_own_platform(tmp_path: Path) -> None:
    src = _lines(tmp_path / "truthbrush.jsonl")
    report = ingest([src], tmp_path / "ds")
    assert report.sources[0].format == "mastodon"
    posts = _posts(tmp_path / "ds")
    platforms = {pid: p["platform"] for pid, p in posts.items()}
    assert platforms == {
        "101": "truthsocial",
        "102": "truthsocial",
        "103": "truthsocial",
        "104": "truthsocial",
        "900": "truthsocial",  # the quoted status, a post of its own
        "201": "gab",
        "301": "mastodon",
        "302": "mastodon",
        "303": "mastodon",  # a text naming the site is no Truth Social status
    }
    assert posts["102"]["quote_of"] == "900"
    assert posts["103"]["quote_of"] == "777"
    assert posts["104"]["repost_of"] == "101"
    accounts = pq.read_table(tmp_path / "ds" / "accounts.parquet").to_pylist()
    assert {(a["account_id"], a["platform"]) for a in accounts} >= {
        ("a-ts_user", "truthsocial"),
        ("a-ts_quoted", "truthsocial"),
        ("a-gab_user", "gab"),
        ("a-m_user", "mastodon"),
    }


def test_sql_and_python_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(_lines(tmp_path / "truthbrush.jsonl"), tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("status", "fork"),
    [
        ({"url": "https://truthsocial.com/@a/1"}, "truthsocial"),
        ({"url": None, "uri": "https://truthsocial.com/users/a/statuses/1"}, "truthsocial"),
        ({"url": "https://www.gab.com/a/posts/1"}, "gab"),
        ({"url": "https://mastodon.social/@a/1"}, None),
        ({"url": "https://truthsocial.com.evil.example/@a/1"}, None),
        ({"url": "https://mastodon.social/@truthsocial.com/1"}, None),
        ({"url": {"not": "a string"}}, None),
        ({}, None),
    ],
)
def test_fork_is_told_by_the_link_host(status: dict[str, Any], fork: str | None) -> None:
    assert fork_of(status) == fork
