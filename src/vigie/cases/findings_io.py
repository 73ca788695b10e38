"""Read what the case store needs from a Findings folder, defensively.

Why defensive: detection evolves (new group columns, a ``pairs.parquet`` beside the tables);
the case store reads only the columns it needs, tolerates extra ones, and treats a missing
optional column as unknown (null), never as an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from vigie.cases.identity import member_key
from vigie.errors import VigieError
from vigie.schema import Findings

MAX_OBJECTS = 200
"""Evidence objects kept per group and run (for diffs and search when the run is deleted)."""


@dataclass
class RunContent:
    """A Findings folder as the case store sees it."""

    path: Path
    fingerprint: str
    dataset: str | None
    groups: dict[str, dict[str, Any]]  # local id -> row (score, n_posts, signals, …)
    members: dict[str, dict[str, tuple[str | None, str]]]  # local id -> key -> (platform, id)
    objects: dict[str, list[str]]
    data_first: datetime | None
    data_last: datetime | None

    def membership(self, local_id: str) -> frozenset[str]:
        return frozenset(self.members.get(local_id, {}))


def _columns(path: Path) -> list[str]:
    return list(pq.read_schema(path).names)


def _read(path: Path, wanted: list[str]) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        have = _columns(path)
        return pq.read_table(path, columns=[c for c in wanted if c in have]).to_pylist()
    except Exception as exc:
        raise VigieError(f"{path}: cannot read ({exc})") from exc


def fingerprint(path: Path) -> str:
    """SHA-256 over the groups and members tables (what identity depends on)."""
    h = hashlib.sha256()
    for name in ("groups.parquet", "members.parquet"):
        p = path / name
        if p.exists():
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def _objects(path: Path) -> dict[str, list[str]]:
    """The most frequent evidence objects of each group (DuckDB; bounded memory)."""
    p = path / "evidence.parquet"
    if not p.exists():
        return {}
    have = _columns(p)
    if "object" not in have or "group_id" not in have:
        return {}
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(
            """
            SELECT group_id, object FROM (
              SELECT group_id, object, count(*) AS n,
                     row_number() OVER (PARTITION BY group_id ORDER BY count(*) DESC, object)
                       AS r
              FROM read_parquet(?) WHERE object IS NOT NULL GROUP BY group_id, object)
            WHERE r <= ? ORDER BY group_id, r
            """,
            [str(p), MAX_OBJECTS],
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for gid, obj in rows:
        out.setdefault(str(gid), []).append(str(obj))
    return out


def read_run(path: str | Path) -> RunContent:
    """Groups, memberships and evidence objects of the Findings folder at ``path``."""
    f = Findings(Path(path)).check()
    manifest = f.manifest()
    groups: dict[str, dict[str, Any]] = {}
    firsts, lasts = [], []
    wanted = [
        "group_id",
        "score",
        "n_members",
        "n_posts",
        "signals",
        "techniques",
        "top_objects",
        "summary",
        "first_seen",
        "last_seen",
    ]
    for row in _read(f.table_path("groups"), wanted):
        gid = row.get("group_id")
        if gid is None:
            continue
        groups[str(gid)] = row
        if row.get("first_seen") is not None:
            firsts.append(row["first_seen"])
        if row.get("last_seen") is not None:
            lasts.append(row["last_seen"])
    members: dict[str, dict[str, tuple[str | None, str]]] = {}
    for row in _read(f.table_path("members"), ["group_id", "account_id", "platform"]):
        gid, acc = row.get("group_id"), row.get("account_id")
        if gid is None or acc is None:
            continue
        plat = row.get("platform")
        members.setdefault(str(gid), {})[member_key(plat, str(acc))] = (plat, str(acc))
    for gid in members:  # a member row of a group missing from groups.parquet: keep it
        groups.setdefault(gid, {"group_id": gid})
    objects = _objects(f.path)
    for gid, row in groups.items():
        if gid not in objects and row.get("top_objects"):
            objects[gid] = [str(o) for o in row["top_objects"]][:MAX_OBJECTS]
    ds = manifest.get("dataset") if isinstance(manifest, dict) else None
    return RunContent(
        path=f.path,
        fingerprint=fingerprint(f.path),
        dataset=str(ds) if ds else None,
        groups=groups,
        members=members,
        objects=objects,
        data_first=min(firsts) if firsts else None,
        data_last=max(lasts) if lasts else None,
    )
