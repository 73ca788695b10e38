"""Findings folders with the memberships a test chooses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from vigie.schema import write_findings


def make_findings(
    path: Path,
    groups: dict[str, list[str]],
    objects: dict[str, list[str]] | None = None,
    techniques: dict[str, list[str]] | None = None,
    dataset: str | None = None,
) -> Path:
    """A Findings folder whose group ``gid`` holds accounts ``groups[gid]`` (platform x);
    scores decrease with the order given, as detection ranks them."""
    objects = objects or {}
    techniques = techniques or {}
    t0 = datetime(2026, 11, 20, tzinfo=UTC)
    n = len(groups)
    grows, mrows, erows = [], [], []
    for i, (gid, accs) in enumerate(groups.items()):
        grows.append(
            {
                "group_id": gid,
                "score": round(1.0 - i / (n + 1), 6),
                "n_members": len(accs),
                "n_posts": 10 * len(accs),
                "signals": ["co_link"],
                "first_seen": t0,
                "last_seen": t0,
                "techniques": techniques.get(gid, []),
                "top_objects": objects.get(gid, [])[:3],
                "summary": f"{len(accs)} accounts share links",
            }
        )
        for a in accs:
            mrows.append({"group_id": gid, "account_id": a, "platform": "x", "strength": 1.0})
        for j, obj in enumerate(objects.get(gid, [])):
            erows.append(
                {
                    "group_id": gid,
                    "kind": "co_link",
                    "object": obj,
                    "post_id": f"{gid}-p{j}",
                    "account_id": accs[0],
                    "created_at": t0,
                    "text": f"look at {obj}",
                }
            )
    manifest = {"dataset": dataset} if dataset else {}
    write_findings(path, groups=grows, members=mrows, edges=[], evidence=erows, manifest=manifest)
    return path


def accs(prefix: str, n: int, start: int = 0) -> list[str]:
    return [f"{prefix}{i:03d}" for i in range(start, start + n)]
