"""The merge (``writer.merge``) against a plain Python statement of its rules.

Why: the merge finds the keys held by several rows once and reads their rows from a copy
(``m``) instead of grouping and scanning every staged row three times; this pins what it
must give whatever the plan: each post once, its scalars from the earliest-ingested row that
has them (the existing Dataset first, then the sources in order, rows in order), its lists
the sorted union, per source the rows folded into others, per field the merged posts whose
rows disagreed, rows ordered by time, platform and id.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.ingest.model import Batch
from vigie.ingest.writer import LIST_FIELDS, SRC_SHIFT, Staging, merge
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA

T0 = datetime(2024, 5, 1, tzinfo=UTC)
SCALARS = [f.name for f in POSTS_SCHEMA if f.name not in LIST_FIELDS]


def _post(rng: random.Random, pool: int) -> dict[str, Any]:
    def maybe(values: list[Any]) -> Any:
        return rng.choice([None, *values])

    def lst() -> list[str] | None:
        if rng.random() < 0.3:
            return None
        return [rng.choice("abcde") for _ in range(rng.randrange(3))]

    pid = rng.randrange(pool)
    return {
        "post_id": f"p{pid}",
        "platform": "x" if pid % 3 else "mastodon",
        "account_id": f"a{rng.randrange(4)}",
        "created_at": T0 + timedelta(minutes=rng.randrange(50)),
        "text": maybe(["one", "two", "three"]),
        "lang": maybe(["de", "fr"]),
        "urls": lst(),
        "hashtags": lst(),
        "mentions": lst(),
        "media": lst(),
        "repost_of": maybe(["p1", "p2"]),
        "reply_to": maybe(["p3"]),
        "quote_of": None,
        "client": maybe(["Web", "App"]),
    }


def _accounts(rows: list[dict[str, Any]]) -> pa.Table:
    ids = sorted({(r["platform"], r["account_id"]) for r in rows})
    return pa.Table.from_pylist(
        [{"account_id": a, "platform": p, "handle": a} for p, a in ids], schema=ACCOUNTS_SCHEMA
    )


def _compared(field: str, value: Any) -> Any:
    """A value as the merge compares it for conflicts: a time to the second, a text without
    its edge blanks (``\\s`` as RE2 reads it)."""
    if field == "created_at":
        return value.replace(microsecond=0)
    if field == "text":
        return re.sub(r"^[\t\n\f\r ]+|[\t\n\f\r ]+$", "", value)
    return value


def _reference(old: list[dict[str, Any]], sources: list[list[list[dict[str, Any]]]]):
    """Posts, per-source duplicates and conflicts as the merge's rules state them."""
    rows: list[tuple[int, dict[str, Any]]] = [(i, r) for i, r in enumerate(old)]
    for src, batches in enumerate(sources, start=1):
        seq = 0
        for batch in batches:
            for r in batch:
                rows.append(((src << SRC_SHIFT) | seq, r))
                seq += 1
    groups: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for prio, r in rows:
        groups.setdefault((r["platform"], r["post_id"]), []).append((prio, r))
    posts, kept, conflicts = [], {}, {}
    for group in groups.values():
        group.sort(key=lambda pr: pr[0])
        src = group[0][0] >> SRC_SHIFT
        kept[src] = kept.get(src, 0) + 1
        out = {}
        for f in SCALARS:
            values = [r[f] for _, r in group if r[f] is not None]
            out[f] = values[0] if values else None
            if len(group) > 1 and len({_compared(f, v) for v in values}) > 1:
                conflicts[f] = conflicts.get(f, 0) + 1
        for f in LIST_FIELDS:
            lists = [r[f] for _, r in group if r[f] is not None]
            if len(group) == 1:
                out[f] = group[0][1][f]
            else:
                out[f] = sorted({v for lst in lists for v in lst}) if lists else None
        posts.append(out)
    posts.sort(key=lambda r: (r["created_at"], r["platform"], r["post_id"]))
    n_rows = {src: sum(len(b) for b in batches) for src, batches in enumerate(sources, start=1)}
    duplicates = {src: n - kept.get(src, 0) for src, n in n_rows.items()}
    return posts, duplicates, conflicts


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("pool", [40, 100_000])  # many merged posts; (nearly) none
def test_merge_follows_its_rules(tmp_path: Path, seed: int, pool: int) -> None:
    rng = random.Random(seed)
    old = list(
        {(r["platform"], r["post_id"]): r for r in (_post(rng, pool) for _ in range(30))}.values()
    )
    sources = [
        [[_post(rng, pool) for _ in range(rng.randrange(1, 60))] for _ in range(3)]
        for _ in range(3)
    ]
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    pq.write_table(pa.Table.from_pylist(old, schema=POSTS_SCHEMA), old_dir / "posts.parquet")
    pq.write_table(_accounts(old), old_dir / "accounts.parquet")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    staging = Staging(tmp, None)
    for src, batches in enumerate(sources, start=1):
        for batch in batches:
            posts = pa.Table.from_pylist(batch, schema=POSTS_SCHEMA)
            staging.add(src, Batch(posts, _accounts(batch), [], {}, len(batch)))
    staging.close()
    out = tmp_path / "out"
    out.mkdir()
    result = merge(staging, old_dir / "posts.parquet", old_dir / "accounts.parquet", out)

    want, duplicates, conflicts = _reference(old, sources)
    got = pq.read_table(out / "posts.parquet").to_pylist()
    assert got == want
    assert result.posts == len(want)
    assert result.duplicates == duplicates
    assert result.conflicts == conflicts
    if pool == 40:
        assert sum(duplicates.values()) > 50 and conflicts
    # the Parquet columns' nullability, as the code before the temp tables wrote it (a table
    # of merged rows once made DuckDB write more columns as required). Known, and kept: with
    # no post merged, account_id and created_at come out required too (the staging schema's)
    levels = {c.name: c.max_definition_level for c in pq.ParquetFile(out / "posts.parquet").schema}
    required = {"post_id", "platform"} | (
        set() if conflicts or any(duplicates.values()) else {"account_id", "created_at"}
    )
    assert levels == {"element": 3} | {f: int(f not in required) for f in SCALARS}


def test_the_same_post_written_two_ways_is_no_conflict(tmp_path: Path) -> None:
    """One post from a platform's JSON (a time to the millisecond, the text as typed) and
    from a tool's CSV of it (whole seconds, cells stripped) was counted, and warned about,
    as a disagreement (twitwi's own Bluesky pair: 106 times and 12 texts). They agree now;
    a post whose text really differs is still counted, and the earliest-ingested values
    are the ones kept, as before."""
    import json

    from ingest.helpers import manifest, posts_by_id
    from vigie.ingest import ingest

    def line(pid: str, when: str, text: str) -> str:
        return json.dumps({"post_id": pid, "account_id": "a", "platform": "bluesky",
                           "created_at": when, "text": text}) + "\n"  # fmt: skip

    first = tmp_path / "posts.jsonl"
    first.write_text(
        line("p1", "2024-11-19T18:45:03.412Z", "\n\nread https://example.org/a ")
        + line("p2", "2024-11-19T18:45:04.000Z", "one wording")
    )
    second = tmp_path / "export.jsonl"
    second.write_text(
        line("p1", "2024-11-19T18:45:03Z", "read https://example.org/a")
        + line("p2", "2024-11-19T18:45:04Z", "another wording")
    )
    ingest([first, second], tmp_path / "ds")
    assert manifest(tmp_path / "ds")["merge_conflicts"] == {"text": 1}
    kept = posts_by_id(tmp_path / "ds")["p1"]
    assert kept["created_at"].microsecond == 412_000 and kept["text"].startswith("\n\nread")
