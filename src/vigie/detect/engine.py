"""The DuckDB session every detector runs its queries in.

Why DuckDB: detectors are joins on a shared object within a time window; expressed as SQL
over the Parquet files they stay out of Python loops, spill to disk instead of running out
of memory on 10M+ posts, and can be ported to a distributed SQL engine unchanged in spirit.

Base tables built once:
- ``acc(aid, account_id, platform)``: a dense integer per account (joins on integers are
  several times faster than on strings); an account is its id, or its platform and id where
  one id names accounts of two platforms (``Engine.by_platform``);
- ``p(post_id, aid, t, urls, hashtags, repost_of, reply_to, quote_of)``: the posts
  with ``t`` in seconds since the epoch (DOUBLE); the view ``pr`` adds ``text``, read from
  Parquet only when needed.

The links, hashtags and images one row per element (``x_urls``...) are made on first use
by ``exploded.rows``, not here: a run with those detectors off never pays for them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vigie.detect.textreposts import TEXT_REPOST
from vigie.errors import VigieError
from vigie.schema import EARLIEST_CREATION, Dataset

REQUIRED = ("post_id", "account_id", "created_at")


def creation_known_sql(col: str) -> str:
    """SQL: the creation time ``col`` (a timestamp) is a date, not a placeholder."""
    since = f"TIMESTAMPTZ '{EARLIEST_CREATION} 00:00:00+00'"  # UTC, whatever the session's zone
    return f"({col} IS NOT NULL AND {col}::TIMESTAMPTZ >= {since})"


@dataclass
class Engine:
    """A DuckDB connection with the base tables of one Dataset."""

    con: duckdb.DuckDBPyConnection
    dataset: Dataset
    columns: set[str]
    n_posts: int
    n_accounts: int
    tmpdir: tempfile.TemporaryDirectory = field(repr=False)
    has_accounts: bool = False
    # the list columns one row per element, made once for the detectors that read them
    # (``exploded.rows``): (column, reposts included) -> table name
    lists: dict[tuple[str, bool], str] = field(default_factory=dict, repr=False)
    # posts read as reposts from their text alone, and those matched to their reposted post
    # (``textreposts.mark``)
    reposts_by_text: int = 0
    reposts_by_text_matched: int = 0
    # account ids that name accounts of two or more platforms (said by the diagnosis: read
    # such an id with its platform, which every Findings table gives beside it)
    ids_on_several_platforms: int = 0
    # post ids that name posts of two or more platforms (each platform numbers its own)
    post_ids_on_several_platforms: int = 0
    # account creation dates not read: before ``EARLIEST_CREATION`` (placeholders)
    creation_dates_unread: int = 0

    @property
    def by_platform(self) -> bool:
        """``acc`` keys an account by (platform, id), not by id: where some id names
        accounts of two platforms (a 9-digit X id and a 9-digit Telegram id), which would
        otherwise be read as one account. Off otherwise, so every query stays the one-key
        join."""
        return self.ids_on_several_platforms > 0

    @property
    def posts_by_platform(self) -> bool:
        """Detection reads a post, and what a repost, reply or quote targets, as
        ``platform:id`` (``post_key``): where some post id names posts of two platforms."""
        return self.post_ids_on_several_platforms > 0

    def post_key(self, alias: str = "r.") -> str:
        """SQL: the post id detection reads for a row of the Dataset's posts (``alias``):
        the id, or ``platform:id`` where posts are keyed by both (``posts_by_platform``)."""
        return post_key(self.posts_by_platform, alias)

    def acc_join(self, r: str = "r", a: str = "a") -> str:
        """The join condition of a posts row ``r`` to its account ``a`` in ``acc``: by id,
        and by platform too where accounts are keyed by both (a table without a platform
        column, such as a foreign accounts file, is joined with ``acc_join(False)``)."""
        return acc_join(self.by_platform, r, a)

    def originals_only(self, alias: str = "r.") -> str:
        """SQL conditions (each after ``AND``) that keep a post of the Dataset's Parquet
        (read as ``alias``) only if it is no repost: ``repost_of`` empty and, where the
        Dataset's reposts are known by their text (``textreposts``), no ``RT @x:`` text.
        For the readers that scan the Parquet beside ``p`` (whose ``repost_of`` says it)."""
        parts = [f"{alias}repost_of IS NULL"] if "repost_of" in self.columns else []
        if self.reposts_by_text:
            parts.append(f"NOT regexp_matches(coalesce({alias}text, ''), '{TEXT_REPOST}')")
        return "".join(f" AND {c}" for c in parts)

    def sql(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyRelation:
        return self.con.execute(query, params or [])

    def scalar(self, query: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(query, params or []).fetchall()
        row = rows[0] if rows else None
        return None if row is None else row[0]

    def close(self) -> None:
        self.con.close()
        self.tmpdir.cleanup()


def acc_join(by_platform: bool, r: str = "r", a: str = "a") -> str:
    """``Engine.acc_join`` before the engine exists (``open_engine``)."""
    if not by_platform:
        return "USING (account_id)"
    return f"ON {r}.account_id = {a}.account_id AND {r}.platform IS NOT DISTINCT FROM {a}.platform"


def post_key(by_platform: bool, alias: str = "r.") -> str:
    """``Engine.post_key`` before the engine exists (``open_engine``)."""
    pid = f"{alias}post_id::VARCHAR"
    return pid if not by_platform else f"coalesce({alias}platform, '') || ':' || {pid}"


def shared_post_ids_query(source: str) -> str:
    """SQL (DuckDB and Spark alike): how many post ids of ``source`` name posts of two or
    more platforms (``Engine.posts_by_platform``)."""
    return f"""SELECT count(*) FROM (SELECT post_id FROM {source}
        WHERE post_id IS NOT NULL GROUP BY post_id HAVING min(platform) <> max(platform))"""


def target_key(by_platform: bool, column: str, alias: str = "r.") -> str:
    """SQL: what a repost, reply or quote (``column``) targets, as ``post_key`` names that
    post: a post of the same platform (no platform reposts another's posts). Null and
    empty stay as they are (no target)."""
    if not by_platform:
        return column
    return (
        f"CASE WHEN {column} IS NULL OR {column}::VARCHAR = '' THEN {column}::VARCHAR "
        f"ELSE coalesce({alias}platform, '') || ':' || {column}::VARCHAR END"
    )


def _col(columns: set[str], name: str, fallback: str) -> str:
    return name if name in columns else fallback


def open_engine(dataset: Dataset, general: dict[str, Any]) -> Engine:
    """Open DuckDB on ``dataset`` and build the base tables."""
    tmp = tempfile.TemporaryDirectory(prefix="vigie-detect-")
    con = duckdb.connect(":memory:")
    threads = int(general.get("threads") or 0) or (os.cpu_count() or 1)
    con.execute(f"SET threads = {threads}")
    con.execute(f"SET memory_limit = '{general['memory_limit']}'")
    con.execute(f"SET temp_directory = '{Path(tmp.name).as_posix()}'")
    con.execute("SET preserve_insertion_order = false")
    # DuckDB draws its own bar on stdout for queries over 2 s (a busy machine, 10M posts):
    # it would print over the CLI's progress and into a caller's captured output
    con.execute("SET enable_progress_bar = false")
    posts = dataset.posts_path.as_posix()
    try:
        cols = {
            r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{posts}')").fetchall()
        }
    except duckdb.Error as exc:
        raise VigieError(f"{dataset.posts_path}: cannot be read as Parquet ({exc})") from exc
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise VigieError(f"{dataset.posts_path}: missing column(s) {', '.join(missing)}")
    null_list = "CAST(NULL AS VARCHAR[])"
    null_str = "CAST(NULL AS VARCHAR)"
    platform = _col(cols, "platform", "'unknown'")
    con.execute(
        f"""CREATE TABLE acc AS
        SELECT (row_number() OVER (ORDER BY account_id) - 1)::INTEGER AS aid,
               account_id, platform, platform <> platform_max AS several
        FROM (SELECT account_id, min({platform}) AS platform, max({platform}) AS platform_max
              FROM read_parquet('{posts}') WHERE account_id IS NOT NULL GROUP BY account_id)"""
    )
    several = int(con.execute("SELECT count(*) FILTER (several) FROM acc").fetchall()[0][0])
    con.execute("ALTER TABLE acc DROP COLUMN several")
    by_platform = several > 0  # a platform column exists: it differs within some id
    if by_platform:
        # two accounts of one id on two platforms stay two accounts (the Dataset's key);
        # numbered in the same order as by id alone, each id's platforms in turn (a NULL
        # platform last, as Spark is told to order it)
        con.execute(
            f"""CREATE OR REPLACE TABLE acc AS
            SELECT (row_number() OVER (ORDER BY account_id, platform NULLS LAST) - 1)::INTEGER
                       AS aid, account_id, platform
            FROM (SELECT DISTINCT account_id, platform FROM read_parquet('{posts}')
                  WHERE account_id IS NOT NULL)"""
        )
    on = acc_join(by_platform)
    shared_posts = 0
    if "platform" in cols:
        # several platforms: do two of them number a post alike (``post_key``)? One more
        # grouping of the post ids, only for a Dataset of several platforms
        multi = several > 0 or bool(
            con.execute("SELECT min(platform) <> max(platform) FROM acc").fetchall()[0][0]
        )
        if multi:
            shared_posts = int(
                con.execute(shared_post_ids_query(f"read_parquet('{posts}')")).fetchall()[0][0]
            )
    by_post = shared_posts > 0

    def target(name: str) -> str:
        return target_key(by_post, name) if name in cols else null_str

    # ``pr``: every usable post, read from Parquet on demand (texts stay on disk until the
    # copypasta detector and the evidence need them); ``p``: the same without text, in memory.
    con.execute(
        f"""CREATE VIEW pr AS
        SELECT {post_key(by_post)} AS post_id, a.aid,
               epoch_us(r.created_at::TIMESTAMPTZ) / 1e6 AS t,
               {_col(cols, "text", null_str)} AS text,
               {_col(cols, "urls", null_list)} AS urls,
               {_col(cols, "hashtags", null_list)} AS hashtags,
               {target("repost_of")} AS repost_of,
               {target("reply_to")} AS reply_to,
               {target("quote_of")} AS quote_of
        FROM read_parquet('{posts}') r JOIN acc a {on}
        WHERE r.created_at IS NOT NULL AND r.post_id IS NOT NULL"""
    )
    con.execute("CREATE TABLE p AS SELECT * EXCLUDE (text) FROM pr")
    n_posts = con.execute("SELECT count(*) FROM p").fetchall()[0][0]
    n_acc = con.execute("SELECT count(*) FROM acc").fetchall()[0][0]
    has_accounts = dataset.accounts_path.exists()
    unread = 0
    if has_accounts:
        acc_path = dataset.accounts_path.as_posix()
        acols = {
            r[0]
            for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{acc_path}')").fetchall()
        }
        has_accounts = {"account_id", "created_at"} <= acols
        if has_accounts:
            a_on = acc_join(by_platform and "platform" in acols)
            con.execute(
                f"""CREATE TABLE acc_created AS
                SELECT a.aid, epoch_us(min(r.created_at)::TIMESTAMPTZ) / 1e6 AS created
                FROM read_parquet('{acc_path}') r JOIN acc a {a_on}
                WHERE {creation_known_sql("r.created_at")} GROUP BY a.aid"""
            )
            unread = creation_dates_unread(acc_path, con)
    return Engine(
        con,
        dataset,
        cols,
        n_posts,
        n_acc,
        tmp,
        has_accounts,
        ids_on_several_platforms=several,
        post_ids_on_several_platforms=shared_posts,
        creation_dates_unread=unread,
    )


def creation_dates_unread(acc_path: str, con: Any = None) -> int:
    """Accounts whose creation date is a placeholder (``EARLIEST_CREATION``), counted so
    that the diagnosis says so rather than leave them out in silence (``con``: a DuckDB
    connection, a new one closed after when None: Spark runs count with DuckDB too)."""
    if con is None:
        with duckdb.connect() as own:
            return creation_dates_unread(acc_path, own)
    return int(
        con.execute(
            f"""SELECT count(*) FROM read_parquet('{acc_path}')
            WHERE created_at IS NOT NULL AND NOT {creation_known_sql("created_at")}"""
        ).fetchall()[0][0]
    )


def total_rows(engine: Engine) -> int:
    """Rows in posts.parquet, to count rows dropped for a null key or time."""
    posts = engine.dataset.posts_path.as_posix()
    return int(engine.scalar(f"SELECT count(*) FROM read_parquet('{posts}')"))


def fetch(con: duckdb.DuckDBPyConnection, query: str) -> pa.Table:
    """The rows of ``query`` as an Arrow table (DuckDB 1.x and 2.x spell it differently)."""
    rel = con.sql(query)
    method = getattr(rel, "to_arrow_table", None) or rel.arrow
    return method()
