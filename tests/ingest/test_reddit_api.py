"""Reddit API answers read by ``--format pushshift``: a thread (``/comments/<id>.json``: the
submission's listing, then the comment tree with each comment's ``replies`` nested in it), an
inbox listing, an ``/api/morechildren`` answer. Until this round the replies nested under a
comment were silently left out (a thread of 200 comments gave its 40 top-level ones), a
``more`` stub was refused as if it were a comment without author, a private message (``t4``)
was read as a comment under a made-up ``t3_t4_...`` parent, and a morechildren answer was
refused whole.

Values are ours; the structure is the Reddit API's (``Listing``, things ``t1``/``t3``/``t4``,
``more``), as real answers saved by API clients' test suites show it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.helpers import manifest, posts_by_id, rejected
from vigie.ingest import ingest
from vigie.ingest.detect_format import detect


def _thing(kind: str, **data: Any) -> dict[str, Any]:
    return {"kind": kind, "data": data}


def _listing(*children: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": None, "children": list(children)}}


def _comment(cid: str, parent: str, author: str, body: str, replies: Any = "") -> dict:
    return _thing(
        "t1",
        id=cid,
        name=f"t1_{cid}",
        author=author,
        body=body,
        created_utc=1700000000 + len(cid),
        link_id="t3_abc1",
        parent_id=parent,
        subreddit="exemple",
        replies=replies,
    )


MORE = _thing("more", count=7, id="m1", name="t1_m1", parent_id="t1_c1", children=["x1", "x2"])
THREAD = [
    _listing(
        _thing(
            "t3",
            id="abc1",
            name="t3_abc1",
            author="auteur_un",
            title="Un titre",
            selftext="",
            url="https://presse.example.fr/article",
            is_self=False,
            domain="presse.example.fr",
            created_utc=1700000000,
            subreddit="exemple",
        )
    ),
    _listing(
        _comment(
            "c1",
            "t3_abc1",
            "auteur_deux",
            "premier",
            _listing(
                _comment(
                    "c11",
                    "t1_c1",
                    "auteur_trois",
                    "réponse https://autre.example.net/x",
                    _listing(_comment("c111", "t1_c11", "auteur_deux", "encore")),
                ),
                MORE,
            ),
        ),
        _comment("c2", "t3_abc1", "auteur_quatre", "second"),
        _thing("more", count=12, id="m2", name="t1_m2", parent_id="t3_abc1", children=["y1"]),
    ),
]


def test_thread_with_nested_replies(tmp_path: Path) -> None:
    """Every comment of the tree is a post replying to its parent; a ``more`` stub (comments
    the answer did not load) is counted as skipped, never refused or dropped."""
    src = tmp_path / "thread.json"
    src.write_text(json.dumps(THREAD), encoding="utf-8")
    assert detect(src) == "pushshift"
    ds = tmp_path / "ds"
    ingest([src], ds)
    posts = posts_by_id(ds)
    assert set(posts) == {"t3_abc1", "t1_c1", "t1_c11", "t1_c111", "t1_c2"}
    assert posts["t1_c111"]["reply_to"] == "t1_c11" and posts["t1_c11"]["reply_to"] == "t1_c1"
    assert posts["t1_c11"]["urls"] == ["autre.example.net/x"]
    assert posts["t3_abc1"]["urls"] == ["presse.example.fr/article"]
    assert posts["t3_abc1"]["created_at"] == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert rejected(ds) == []
    [source] = manifest(ds)["sources"]
    assert source["records"] == 7 and source["accepted"] == 5
    stub = (
        "reddit: 'more' stub (comments the answer did not load; fetch them with /api/morechildren)"
    )
    assert source["skipped"] == {stub: 2}


def test_inbox_messages_and_morechildren(tmp_path: Path) -> None:
    """An inbox listing: a comment reply is a post, a private message (``t4``) is not (counted
    by kind); an ``/api/morechildren`` answer gives its comments; its errors are refused."""
    inbox = _listing(
        _comment("c9", "t3_abc1", "auteur_deux", "dans la boîte"),
        _thing(
            "t4",
            id="pm1",
            name="t4_pm1",
            author="auteur_un",
            body="message privé",
            created_utc=1700000100,
            parent_id="t4_pm0",
            subreddit=None,
        ),
    )
    more = {"json": {"errors": [], "data": {"things": [_comment("c5", "t1_c1", "a_b", "plus")]}}}
    bad = {"json": {"errors": [["RATELIMIT", "you are doing that too much", "ratelimit"]]}}
    src = tmp_path / "answers.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in (inbox, more, bad)), encoding="utf-8")
    ds = tmp_path / "ds"
    ingest([src], ds, fmt="pushshift")
    assert set(posts_by_id(ds)) == {"t1_c9", "t1_c5"}
    [source] = manifest(ds)["sources"]
    assert source["skipped"] == {"reddit: private message (t4), not a post or comment": 1}
    [rej] = rejected(ds)
    assert rej["record"] == 3 and rej["reason"] == "Reddit API error answer"
    assert "RATELIMIT" in rej["detail"]


def test_a_crosspost_is_a_repost_of_the_submission_it_shares(tmp_path: Path) -> None:
    """Crossposts (``crosspost_parent``, as Pushshift dumps and the API give them) are reposts
    of the original submission, so that accounts crossposting the same submissions together
    meet in co-repost; a crosspost_parent that is no text is a refused record, not a guess."""
    original = {
        "id": "orig1",
        "author": "source",
        "title": "Article",
        "created_utc": 1700000000,
        "url": "https://presse.example.fr/a",
        "domain": "presse.example.fr",
    }
    cross = [
        {
            "id": f"x{i}",
            "author": f"relai{i}",
            "title": "Article",
            "created_utc": 1700000100 + i,
            "url": "/r/autre/comments/orig1/article/",
            "domain": "self.autre",
            "crosspost_parent": "t3_orig1",
            "subreddit": f"sub{i}",
        }
        for i in range(3)
    ]
    bare = dict(cross[0], id="x9", author="relai9", crosspost_parent="orig1")
    bad = dict(cross[0], id="x8", author="relai8", crosspost_parent=["t3_orig1"])
    src = tmp_path / "RS_sample.ndjson"
    src.write_text("\n".join(json.dumps(x) for x in [original, *cross, bare, bad]) + "\n")
    ingest([src], tmp_path / "ds", fmt="pushshift")
    posts = posts_by_id(tmp_path / "ds")
    assert posts["t3_orig1"]["repost_of"] is None
    assert [posts[f"t3_x{i}"]["repost_of"] for i in range(3)] == ["t3_orig1"] * 3
    assert posts["t3_x9"]["repost_of"] == "t3_orig1"  # a bare id is the submission's
    assert posts["t3_x0"]["urls"] == []  # the relative permalink is no shared link
    (refused,) = rejected(tmp_path / "ds")
    assert "crosspost_parent" in refused["detail"] and refused["record"] == 6
