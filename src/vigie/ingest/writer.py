"""Append batches to a Dataset: stage, merge and de-duplicate out of core, swap atomically.

Why this shape:
- **bounded memory** — batches are streamed to staging Parquet files (row groups) as they are
  read, and the merge with the existing Dataset runs in DuckDB with a ``memory_limit`` and a
  spill folder, so 10M posts never sit in Python memory at once;
- **nothing lost, nothing doubled** — rows sharing ``(platform, post_id)`` (a post collected
  twice, or a long-format table that repeats a post once per URL/hashtag/image) become one
  post: scalar fields come from the earliest-ingested row that has them, list fields (urls,
  hashtags, mentions, media) are the union. Accounts sharing ``(platform, account_id)`` keep
  the most recently ingested non-null value of each field;
- **atomic** — everything is written inside ``atomic_dir``: until the final rename the
  previous Dataset is untouched, so an interrupted ingest leaves it intact.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from vigie.ingest.model import Batch, Rejected
from vigie.schema import ACCOUNTS_SCHEMA, OPTIONAL_POSTS_COLUMNS, POSTS_SCHEMA

SRC_SHIFT = 40
"""Row priority = source index << 40 | row number: earlier sources (and the existing Dataset,
source 0) win ties, and the merge stays deterministic."""

LIST_FIELDS = ("urls", "hashtags", "mentions", "media")
STAGE_POSTS = POSTS_SCHEMA.append(pa.field("_src", pa.int64())).append(pa.field("_seq", pa.int64()))
STAGE_ACCOUNTS = ACCOUNTS_SCHEMA.append(pa.field("_src", pa.int64())).append(
    pa.field("_seq", pa.int64())
)


@dataclass
class MergeResult:
    """What the merge produced: final row counts and, per source, rows folded into others."""

    posts: int
    accounts: int
    duplicates: dict[int, int]
    account_duplicates: dict[int, int]
    conflicts: dict[str, int] = field(default_factory=dict)
    """Per scalar field, the merged posts whose rows disagreed on it (one value was kept, the
    earliest-ingested; the others are lost): e.g. two ``repost_of`` for one post id."""


class Staging:
    """Streams canonical batches into staging Parquet files inside the temporary Dataset."""

    def __init__(self, tmp_dataset: Path, old_rejected: Path | None) -> None:
        self.root = tmp_dataset / "_staging"
        self.root.mkdir()
        # staging is read once by the merge and deleted: no compression, no dictionary pages
        # (lz4 and dictionaries cost ~1.5x the write for files that never leave the folder)
        opts = {"compression": "none", "use_dictionary": False}
        self._posts = pq.ParquetWriter(self.root / "posts.parquet", STAGE_POSTS, **opts)
        self._accounts = pq.ParquetWriter(self.root / "accounts.parquet", STAGE_ACCOUNTS, **opts)
        self.rejected_path = tmp_dataset / "rejected.jsonl"
        # what the Dataset refused already: a file ingested again (a command run twice, a
        # collection re-exported whole) refuses its bad records again, and rejected.jsonl
        # held each twice, its count with them. Kept as 8-byte digests of the lines.
        self._seen: set[bytes] = set()
        self.repeated = 0
        if old_rejected is not None and old_rejected.exists():
            shutil.copyfile(old_rejected, self.rejected_path)
            with open(old_rejected, "rb") as fh:
                self._seen.update(_digest(line.rstrip(b"\n")) for line in fh)
        self._rejected = open(self.rejected_path, "a", encoding="utf-8")  # noqa: SIM115
        self.rows: dict[int, int] = {}
        self.account_rows: dict[int, int] = {}

    def add(self, src: int, batch: Batch) -> None:
        """Append one batch of source number ``src`` (1-based; 0 is the existing Dataset)."""
        n = batch.posts.num_rows
        if n:
            start = self.rows.get(src, 0)
            t = batch.posts.append_column("_src", _const(src, n))
            t = t.append_column("_seq", _seq(start, n))
            self._posts.write_table(t)
            self.rows[src] = start + n
        m = batch.accounts.num_rows
        if m:
            start = self.account_rows.get(src, 0)
            t = batch.accounts.append_column("_src", _const(src, m))
            t = t.append_column("_seq", _seq(start, m))
            self._accounts.write_table(t)
            self.account_rows[src] = start + m
        self.write_rejected(batch.rejected)

    def write_rejected(self, rejected: list[Rejected]) -> None:
        """Append refused records; one the Dataset refused already, same file, same line, same
        reason and content, is counted in ``repeated`` and not written again."""
        for r in rejected:
            line = r.to_json()
            key = _digest(line.encode("utf-8"))
            if key in self._seen:
                self.repeated += 1
                continue
            self._seen.add(key)
            self._rejected.write(line)
            self._rejected.write("\n")

    def close(self) -> None:
        """Close the staging files (idempotent)."""
        self._posts.close()
        self._accounts.close()
        if not self._rejected.closed:
            self._rejected.close()

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=8).digest()


def _const(v: int, n: int) -> pa.Array:
    """``n`` times ``v`` as int64, built from a numpy buffer (no Python list of ``n`` ints)."""
    return pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(np.full(n, v, np.int64))])


def _seq(start: int, n: int) -> pa.Array:
    return pa.Array.from_buffers(
        pa.int64(), n, [None, pa.py_buffer(np.arange(start, start + n, dtype=np.int64))]
    )


def _sql_path(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _old_post_cols(path: Path) -> str:
    """The posts columns of a Dataset written earlier, a column added to the schema since
    (``OPTIONAL_POSTS_COLUMNS``) read as null: appending to an old Dataset just works."""
    have = set(pq.read_schema(path).names)
    return ", ".join(
        f'"{f.name}"'
        if f.name in have or f.name not in OPTIONAL_POSTS_COLUMNS
        else f'CAST(NULL AS VARCHAR) AS "{f.name}"'
        for f in POSTS_SCHEMA
    )


EDGE_BLANKS = r"^[\t\n\f\r ]+|[\t\n\f\r ]+$"
"""Blanks at a text's ends (RE2's ``\\s``): exports that strip their cells (twitwi's and
minet's CSVs) write the same post's text without them."""


def _compared(name: str) -> str:
    """SQL: the value of scalar field ``name`` as the merge compares rows of one post for
    its conflict count (the value kept is the earliest-ingested one, whatever this says).

    Why not the raw value: the same post read from a platform's JSON and from a tool's CSV
    of it differed only in how it was written (a time to the millisecond against one to the
    second, a text with and without its edge blanks), and every such post was counted, and
    warned about, as a disagreement (106 times and 12 texts in twitwi's own Bluesky pair)."""
    if name == "created_at":
        return "date_trunc('second', created_at)"
    if name == "text":
        return f"regexp_replace(text, '{EDGE_BLANKS}', '', 'g')"
    return f'"{name}"'


def merge(
    staging: Staging,
    old_posts: Path | None,
    old_accounts: Path | None,
    out_dir: Path,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> MergeResult:
    """Merge the existing tables with the staged rows into ``out_dir`` (DuckDB, out of core)."""
    spill = staging.root / "duckdb_tmp"
    con = duckdb.connect(str(staging.root / "merge.duckdb"))
    try:
        con.execute(f"SET memory_limit='{memory_limit}'")
        con.execute(f"SET temp_directory={_sql_path(spill)}")
        con.execute("SET preserve_insertion_order=false")
        con.execute("SET enable_progress_bar=false")  # it would print over the CLI's output
        if threads:
            con.execute(f"SET threads={int(threads)}")
        post_cols = ", ".join(f'"{f.name}"' for f in POSTS_SCHEMA)
        acc_cols = ", ".join(f'"{f.name}"' for f in ACCOUNTS_SCHEMA)
        parts = [
            f"SELECT {post_cols}, (_src << {SRC_SHIFT}) | _seq AS _prio "
            f"FROM read_parquet({_sql_path(staging.root / 'posts.parquet')})"
        ]
        if old_posts is not None and old_posts.exists():
            parts.insert(
                0,
                f"SELECT {_old_post_cols(old_posts)}, file_row_number AS _prio "
                f"FROM read_parquet({_sql_path(old_posts)}, file_row_number=true)",
            )
        con.execute("CREATE VIEW u AS " + " UNION ALL ".join(parts))

        # the keys held by more than one row (few: re-collected posts) are found once, by one
        # grouping of the keys, and their rows are copied once (``m``): the counts, the
        # conflicts and the final select read those instead of each grouping, or joining and
        # scanning, every row of ``u`` again
        con.execute(
            "CREATE TEMP TABLE d AS SELECT platform, post_id FROM u GROUP BY ALL "
            "HAVING count(*) > 1"
        )
        any_merge = con.execute("SELECT count(*) > 0 FROM d").fetchone()[0]
        if any_merge:
            con.execute(
                f"CREATE TEMP TABLE m AS SELECT {post_cols}, _prio FROM u "
                "SEMI JOIN d USING (platform, post_id)"
            )
            # per source, the keys whose earliest row it holds: its rows of a key held once,
            # and the keys held more than once whose lowest-priority row is its
            per_src = con.execute(
                f"""SELECT s, count(*) FROM (
                        SELECT _prio >> {SRC_SHIFT} AS s FROM u
                        ANTI JOIN d USING (platform, post_id)
                        UNION ALL
                        SELECT min(_prio) >> {SRC_SHIFT} AS s FROM m GROUP BY platform, post_id)
                    GROUP BY s"""
            ).fetchall()
        else:
            per_src = con.execute(
                f"SELECT _prio >> {SRC_SHIFT} AS s, count(*) FROM u GROUP BY s"
            ).fetchall()
        kept = {int(s): int(k) for s, k in per_src}
        total_posts = sum(kept.values())
        duplicates = {src: n - kept.get(src, 0) for src, n in staging.rows.items()}

        conflicts: dict[str, int] = {}
        if any_merge:
            scalars = [
                f.name
                for f in POSTS_SCHEMA
                if f.name not in LIST_FIELDS and f.name not in ("platform", "post_id")
            ]
            row = con.execute(
                "SELECT "
                + ", ".join(f"coalesce(sum(c{i}), 0)" for i in range(len(scalars)))
                + " FROM (SELECT "
                + ", ".join(
                    f"(count(DISTINCT {_compared(name)}) > 1)::INTEGER AS c{i}"
                    for i, name in enumerate(scalars)
                )
                + " FROM m GROUP BY platform, post_id)"
            ).fetchone()
            conflicts = {name: int(n) for name, n in zip(scalars, row, strict=True) if n}

        posts_out = out_dir / "posts.parquet"
        order = "ORDER BY created_at, platform, post_id"
        if not any_merge:
            select = f"SELECT {post_cols} FROM u {order}"
        else:
            aggs = []
            for f in POSTS_SCHEMA:
                name = f'"{f.name}"'
                if f.name in ("platform", "post_id"):
                    aggs.append(name)
                elif f.name in LIST_FIELDS:
                    aggs.append(
                        f"CASE WHEN count({name}) = 0 THEN NULL ELSE "
                        f"list_sort(list_distinct(flatten(list({name})))) END AS {name}"
                    )
                else:
                    aggs.append(f"arg_min({name}, _prio) AS {name}")
            select = f"""
                SELECT {post_cols} FROM (
                    SELECT {post_cols} FROM u ANTI JOIN d USING (platform, post_id)
                    UNION ALL
                    SELECT {", ".join(aggs)} FROM m GROUP BY platform, post_id
                ) {order}"""
        con.execute(
            f"COPY ({select}) TO {_sql_path(posts_out)} "
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
        )

        aparts = [
            f"SELECT {acc_cols}, (_src << {SRC_SHIFT}) | _seq AS _prio "
            f"FROM read_parquet({_sql_path(staging.root / 'accounts.parquet')})"
        ]
        if old_accounts is not None and old_accounts.exists():
            aparts.insert(
                0,
                f"SELECT {acc_cols}, file_row_number AS _prio "
                f"FROM read_parquet({_sql_path(old_accounts)}, file_row_number=true)",
            )
        acc_union = " UNION ALL ".join(aparts)
        acc_kept = dict(
            con.execute(
                f"""SELECT s, count(*) FROM (SELECT min(_prio) >> {SRC_SHIFT} AS s
                    FROM ({acc_union}) GROUP BY platform, account_id) GROUP BY s"""
            ).fetchall()
        )
        account_duplicates = {
            src: n - int(acc_kept.get(src, 0)) for src, n in staging.account_rows.items()
        }
        acc_aggs = [
            f'"{f.name}"'
            if f.name in ("platform", "account_id")
            else f'arg_max("{f.name}", _prio) AS "{f.name}"'
            for f in ACCOUNTS_SCHEMA
        ]
        accounts_out = out_dir / "accounts.parquet"
        con.execute(
            f"""COPY (SELECT {", ".join(acc_aggs)} FROM ({acc_union})
                     GROUP BY platform, account_id ORDER BY platform, account_id)
                TO {_sql_path(accounts_out)} (FORMAT parquet, COMPRESSION zstd)"""
        )
        n_accounts = con.execute(
            f"SELECT count(*) FROM read_parquet({_sql_path(accounts_out)})"
        ).fetchone()[0]
    finally:
        con.close()
    _restore_schema(posts_out, POSTS_SCHEMA)
    _restore_schema(accounts_out, ACCOUNTS_SCHEMA)
    return MergeResult(
        posts=total_posts,
        accounts=int(n_accounts),
        duplicates=duplicates,
        account_duplicates=account_duplicates,
        conflicts=conflicts,
    )


def _restore_schema(path: Path, schema: pa.Schema) -> None:
    """Check that DuckDB wrote exactly the canonical schema (names, types)."""
    got = pq.read_schema(path)
    if [(f.name, f.type) for f in got] != [(f.name, f.type) for f in schema]:
        raise RuntimeError(f"{path}: merge produced {got}, expected {schema}")
