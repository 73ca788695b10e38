"""Follow trains read as open mutual promotion: known answers.

A follow train (Torres-Lugo, Yang & Menczer, ICWSM 2022) is a community posting public lists
of each other's handles and reposting them: coordinated, in the open, by long-lived accounts.
A group doing that must be rated likely authentic with the reason in plain words; a group of
fresh default-handle accounts posting the same lists must not (the inauthenticity markers
win); a group reposting ordinary posts that tag one or two people gets no such reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa

from vigie.detect.authenticity import annotate, handle_list, plain_words
from vigie.schema import (
    Dataset,
)

from .scenario import write_dataset

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
DAY = 86400


def _ts(s: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=s)


def _dataset(path: Path, accounts: list[dict[str, Any]], posts: list[dict[str, Any]]) -> Dataset:
    rows = [
        {
            "post_id": p["id"],
            "platform": "x",
            "account_id": p["acc"],
            "created_at": _ts(p["t"]),
            "text": p.get("text"),
            "urls": [],
            "hashtags": p.get("tags", []),
            "mentions": [],
            "media": [],
            "repost_of": p.get("rt"),
        }
        for p in posts
    ]
    write_dataset(path, rows, [{"platform": "x", **a} for a in accounts])
    return Dataset(path)


def _train(prefix: str, handles: list[str], lists: bool) -> list[dict[str, Any]]:
    """Every other day a conductor posts a list (or an ordinary post tagging one member);
    the others repost it within hours."""
    posts = []
    n = len(handles)
    for k in range(10):
        t = k * 2 * DAY
        cond = k % n
        if lists:
            named = " ".join(f"@{handles[(cond + j) % n]}" for j in range(1, 9))
            text = f"Follow train! Follow each other {named} #FollowTrain"
        else:
            text = f"Great debate tonight, well said @{handles[(cond + 1) % n]} #debate"
        pid = f"{prefix}{k}"
        posts.append({"id": pid, "acc": f"{prefix}a{cond}", "t": t, "text": text})
        for i in range(n):
            if i != cond:
                posts.append({"id": f"{pid}r{i}", "acc": f"{prefix}a{i}", "t": t + 600 * i,
                              "rt": pid})  # fmt: skip
    return posts


def _accounts(prefix: str, n: int, fresh: bool) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        out.append(
            {
                "account_id": f"{prefix}a{i}",
                "handle": f"Marie{prefix}{40000000 + 7919 * i}"
                if fresh
                else f"{prefix}_citizen{i}",
                "display_name": "" if fresh else f"Citizen {i}",
                "created_at": _ts(-5 * DAY + 3600 * i) if fresh else _ts(-(900 + 50 * i) * DAY),
                "followers": 2 if fresh else 300 + 10 * i,
                "description": "" if fresh else f"Activist, dad, cyclist #{i}",
            }
        )
    return out


def test_handle_list_rule() -> None:
    assert len(handle_list("Follow train! @a1 @b2 @c3 @d4 @e5 @f6 #FBR")) == 6
    # four mentions are a conversation, five in a long text are not a list either
    assert not handle_list("@a1 @b2 @c3 @d4 said something long about the budget today")
    assert not handle_list("thanks @a1 @b2 @c3 @d4 @e5 for the great work on the budget report")
    assert not handle_list("well said @someone #debate")
    assert handle_list("mail x@y.org @a1 @b2 @c3 @d4 @e5") == {"a1", "b2", "c3", "d4", "e5"}
    assert not handle_list(None)


def test_follow_train_is_open_promotion(tmp_path: Path) -> None:
    acc_t = _accounts("t", 12, fresh=False)
    acc_f = _accounts("f", 12, fresh=True)
    acc_o = _accounts("o", 12, fresh=False)
    handles = {p: [a["handle"] for a in accs] for p, accs in (("t", acc_t), ("f", acc_f),
                                                              ("o", acc_o))}  # fmt: skip
    posts = (
        _train("t", handles["t"], lists=True)
        + _train("f", handles["f"], lists=True)
        + _train("o", handles["o"], lists=False)
    )
    ds = _dataset(tmp_path / "ds", acc_t + acc_f + acc_o, posts)
    groups = pa.table({"group_id": ["g0001", "g0002", "g0003"], "score": [0.5] * 3})
    members = pa.table(
        {
            "group_id": [g for g in ("g0001", "g0002", "g0003") for _ in range(12)],
            "account_id": [a["account_id"] for a in acc_t + acc_f + acc_o],
        }
    )
    res = {r["group_id"]: r for r in annotate(ds, groups, members).to_pylist()}
    train, fresh, ordinary = res["g0001"], res["g0002"], res["g0003"]
    assert train["likely_authentic"] is True
    reason = [r for r in train["authenticity_reasons"] if r.startswith("open mutual promotion")]
    assert reason and "12 of 12 members" in reason[0] and "10 public list(s)" in reason[0]
    assert plain_words(train).startswith("This group looks like a follow train")
    # the same lists from a batch of fresh default-handle accounts: markers win
    assert fresh["likely_authentic"] is False
    assert fresh["inauthenticity_score"] >= 0.5
    # reposting ordinary posts that tag one member is no follow train
    assert not any("follow train" in r for r in ordinary["authenticity_reasons"])
    assert ordinary["likely_authentic"] is False
