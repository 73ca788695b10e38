"""A small hand-made Findings folder (and its Dataset's accounts) with known contents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from vigie.schema import ACCOUNTS_SCHEMA, base_manifest, write_findings, write_json, write_table

T0 = datetime(2025, 2, 20, 18, 0, tzinfo=UTC)
URL_A = "https://news.example/article-1"
URL_B = "https://leak.example/files?id=it's"  # a quote, to test pattern escaping
PRIVATE_NOTE = "Analyst hunch: the seed account @kiki_1 may be run by a known troll."
PUBLIC_NOTE = "Group g0001 re-used the same three links within 60 seconds."

ACCOUNTS = [
    ("twitter", "111", "kiki_1", "Kiki"),
    ("twitter", "222", "lulu_2", "Lulu"),
    ("twitter", "333", "momo_3", None),
    ("telegram", "tg9", "chan_nine", "Nine"),
    ("telegram", "tg8", None, None),
]


def make_findings(
    root: Path, *, tlp: str | None = None, notes: bool = True, links: tuple[str, ...] = ()
) -> Path:
    """Write ``root/dataset`` (accounts only) and ``root/findings``; return the latter.
    ``links``: more co-link objects of group g0001, as detection stores them."""
    ds = root / "dataset"
    ds.mkdir(parents=True, exist_ok=True)
    accounts = pa.Table.from_pylist(
        [
            {"platform": p, "account_id": a, "handle": h, "display_name": d}
            for p, a, h, d in ACCOUNTS
        ]
    )
    write_table(accounts, ds / "accounts.parquet", ACCOUNTS_SCHEMA)
    write_json(ds / "manifest.json", base_manifest("dataset"))
    groups = [
        {
            "group_id": "g0001",
            "score": 0.93,
            "n_members": 3,
            "n_posts": 12,
            "signals": ["co_link", "co_repost"],
            "first_seen": T0,
            "last_seen": datetime(2025, 2, 21, 9, 30, tzinfo=UTC),
            "techniques": ["T0049.003", "T0119"],
            "top_objects": [URL_A],
            "summary": "Three accounts led by @kiki_1 shared the same links within a minute.",
        },
        {
            "group_id": "g0002",
            "score": 0.61,
            "n_members": 2,
            "n_posts": 4,
            "signals": ["copypasta"],
            "first_seen": T0,
            "last_seen": T0,
            "techniques": ["T0084.001"],
            "top_objects": ["Vote on Monday, not Sunday!"],
            "summary": "Two channels posted the same text.",
        },
    ]
    members = [
        {"group_id": "g0001", "account_id": a, "platform": "twitter", "strength": 2.0, "n_posts": 4}
        for a in ("111", "222", "333")
    ] + [
        {
            "group_id": "g0002",
            "account_id": a,
            "platform": "telegram",
            "strength": 1.0,
            "n_posts": 2,
        }
        for a in ("tg9", "tg8")
    ]
    edges = [
        {"source": "111", "target": "222", "kind": "co_link", "weight": 3.0, "group_id": "g0001"},
        {"source": "tg9", "target": "tg8", "kind": "copypasta", "weight": 1.0, "group_id": "g0002"},
    ]
    evidence = [
        {
            "group_id": "g0001",
            "kind": "co_link",
            "object": URL_A,
            "post_id": "p1",
            "account_id": "111",
            "created_at": T0,
            "text": "Read this @lulu_2 " + URL_A,
        },
        {
            "group_id": "g0001",
            "kind": "co_link",
            "object": URL_B,
            "post_id": "p2",
            "account_id": "222",
            "created_at": T0,
            "text": "Leaked! " + URL_B,
        },
        {
            "group_id": "g0002",
            "kind": "copypasta",
            "object": "fp:abc",
            "post_id": "t1",
            "account_id": "tg9",
            "created_at": T0,
            "text": "Vote on Monday, not Sunday!",
        },
    ]
    evidence += [
        {
            "group_id": "g0001",
            "kind": "co_link",
            "object": link,
            "post_id": f"x{i}",
            "account_id": "111",
            "created_at": T0,
            "text": link,
        }
        for i, link in enumerate(links)
    ]
    manifest = {"dataset": str(ds)}
    if tlp:
        manifest["tlp"] = tlp
    extra = {}
    if notes:
        extra["notes.json"] = json.dumps(
            [
                {"text": PRIVATE_NOTE, "group_id": "g0001", "author": "analyst-1"},
                {"text": PUBLIC_NOTE, "group_id": "g0001", "private": False},
            ]
        )
    write_findings(
        root / "findings",
        groups=groups,
        members=members,
        edges=edges,
        evidence=evidence,
        manifest=manifest,
        extra_files=extra,
    )
    return root / "findings"
