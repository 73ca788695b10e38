"""Builders of a small hand-made Findings folder (three groups, known contents) and its truth
table, shared by the report tests (imported by name: this folder has no package)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vigie.schema import TRUTH_ACCOUNTS_SCHEMA, write_findings

T0 = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
HOSTILE_TEXT = '<script>alert("x")</script> vote <b>now</b> & see https://evil.example/x.js'


def _group(rng, gid, kind, members, objects, texts, spread_s, score, techniques, summary):
    """Evidence: every member posts every object within ``spread_s`` seconds of a burst."""
    evidence, edges = [], []
    for j, obj in enumerate(objects):
        burst = T0 + timedelta(hours=3 * j + int(gid[-1]))
        for i, acc in enumerate(members):
            evidence.append(
                {
                    "group_id": gid,
                    "kind": kind,
                    "object": obj,
                    "post_id": f"{gid}-p{j}-{i}",
                    "account_id": acc,
                    "created_at": burst + timedelta(seconds=rng.randint(0, spread_s)),
                    "text": texts[(i + j) % len(texts)],
                }
            )
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if rng.random() < 0.6:
                edges.append(
                    {
                        "source": a,
                        "target": b,
                        "kind": kind,
                        "weight": float(rng.randint(2, len(objects) + 2)),
                        "observed": len(objects),
                        "expected": 0.05,
                        "p_value": 1e-6,
                        "group_id": gid,
                    }
                )
    times = [e["created_at"] for e in evidence]
    group = {
        "group_id": gid,
        "score": score,
        "n_members": len(members),
        "n_posts": len(evidence),
        "signals": [kind],
        "first_seen": min(times),
        "last_seen": max(times),
        "techniques": techniques,
        "top_objects": objects[:3],
        "summary": summary,
    }
    strength: dict[str, float] = {}
    for e in edges:
        for a in (e["source"], e["target"]):
            strength[a] = strength.get(a, 0.0) + e["weight"]
    mem = [
        {
            "group_id": gid,
            "account_id": a,
            "platform": "x",
            "strength": strength.get(a, 0.0),
            "n_posts": len(objects),
        }
        for a in members
    ]
    return group, mem, edges, evidence


def make_findings(path: Path, n_extra: int = 0) -> Path:
    """Three detailed groups (+ ``n_extra`` tiny ones to exercise the --max-groups cap)."""
    rng = random.Random(7)
    parts = [
        _group(
            rng,
            "g0001",
            "co_repost",
            [f"bot{i:02d}" for i in range(14)] + ["org01"],
            ["post:9001", "post:9002", "post:9003", "post:9004"],
            ["RT @candidate: Big rally tonight!"],
            20,
            0.97,
            ["T0049.003"],
            "15 accounts reposted the same 4 posts within 20 seconds.",
        ),
        _group(
            rng,
            "g0002",
            "copypasta",
            [f"sock{i}" for i in range(6)],
            ["fp:ab12cd", "fp:ef34aa"],
            [HOSTILE_TEXT, "Vote now & see the truth they hide", "vote NOW, see the truth!"],
            300,
            0.81,
            ["T0084.001"],
            "6 accounts posted near-identical texts.",
        ),
        _group(
            rng,
            "g0003",
            "co_link",
            [f"site{i}" for i in range(5)],
            ["https://fake-news.example/article-1", "https://fake-news.example/article-2"],
            ["Read this https://fake-news.example/article-1"],
            50,
            0.64,
            ["T0119"],
            "5 accounts shared the same links within a minute.",
        ),
    ]
    for k in range(n_extra):
        parts.append(
            _group(
                rng,
                f"x{k:03d}",
                "co_hashtag",
                [f"h{k}a", f"h{k}b"],
                ["election"],
                ["#election"],
                5,
                0.3,
                ["T0049.002"],
                "two accounts, one hashtag",
            )
        )
    write_findings(
        path,
        groups=[p[0] for p in parts],
        members=[m for p in parts for m in p[1]],
        edges=[e for p in parts for e in p[2]],
        evidence=[e for p in parts for e in p[3]],
        manifest={
            "dataset": "hand-made",
            "signals": {
                "co_repost": {"window_s": 60, "pairs": 420, "kept": 60},
                "copypasta": {"window_s": 3600, "pairs": 30, "kept": 12},
                "co_link": {"window_s": 60, "pairs": 80, "kept": 7},
            },
            "skipped": {"posts_without_time": 3},
        },
    )
    return path


def make_truth(path: Path) -> Path:
    rows = (
        [(f"bot{i:02d}", "c1", "bot_amplification") for i in range(14)]
        + [(f"sock{i}", "c2", "copypasta") for i in range(6)]
        + [(f"site{i}", "c3", "coordinated_link_sharing") for i in range(4)]
        + [("org01", None, None), ("site4", None, None), ("org02", None, None)]
    )
    table = pa.Table.from_pylist(
        [
            {"account_id": a, "platform": "x", "campaign_id": c, "campaign_type": t, "role": "r"}
            for a, c, t in rows
        ],
        schema=TRUTH_ACCOUNTS_SCHEMA,
    )
    pq.write_table(table, path)
    return path


class Page(HTMLParser):
    """Collects what the tests look at: tags with attributes, the text, the group sections."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.sections: list[dict] = []  # per <details class="group">: id, svg/circle counts

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("script", "style"):
            self._in = tag
        if tag == "details" and "group" in (a.get("class") or ""):
            self.sections.append({"id": a.get("id"), "svg": 0, "circle": 0, "fills": []})
        elif self.sections and tag in ("svg", "circle"):
            self.sections[-1][tag] += 1
            if tag == "circle":
                self.sections[-1]["fills"].append(a.get("fill"))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p
