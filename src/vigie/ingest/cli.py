"""``vigie ingest``: read platform exports or generic tables into a Dataset folder."""

from __future__ import annotations

from pathlib import Path

import typer

FORMAT_HELP = (
    "auto (from name/content), x (twarc2 pages or flattened tweets), telegram (Desktop "
    "result.json), bluesky (getAuthorFeed/searchPosts output), csv, jsonl, parquet; "
    "accounts (a csv/jsonl/parquet table of accounts: fills accounts.parquet only)."
)
FORMAT_HELP += (
    " Also: jetstream (Bluesky Jetstream events), mastodon (API statuses), youtube (Data API"
    " commentThreads), tiktok (Research API videos), mcl (Meta Content Library posts)."
)
MAP_HELP = (
    "FIELD=COLUMN for csv/jsonl/parquet, repeatable (e.g. --map text=body). Fields: post_id, "
    "account_id, created_at (ISO 8601 or POSIX seconds), platform (or prefix:COLUMN to read it "
    "from a fb_/tw_ prefix), text, lang, urls, hashtags, mentions, media (list, JSON array, "
    "space-separated, or one value per row: rows of the same post are merged), repost_of, "
    "reply_to, quote_of, handle, display_name, account_created_at, followers, following, "
    "posts_count, description. Columns named like a field need no mapping."
)


def ingest(
    sources: list[Path] = typer.Argument(..., help="Files to ingest."),
    into: Path = typer.Option(..., "--into", help="Dataset folder (created or appended to)."),
    fmt: str = typer.Option("auto", "--format", "-f", help=FORMAT_HELP),
    mapping: list[str] = typer.Option([], "--map", "-m", help=MAP_HELP),
    platform: str = typer.Option(
        None, "--platform", help="Platform of every row of a generic file (x, facebook, ...)."
    ),
    memory_limit: str = typer.Option(
        "1GB", "--memory-limit", help="DuckDB memory limit for the de-duplication merge."
    ),
) -> None:
    """Ingest SOURCES into the Dataset folder: append, de-duplicate on (platform, post_id),
    refuse malformed records into DATASET/rejected.jsonl; the previous Dataset stays intact
    if anything fails."""
    from vigie.ingest.api import ingest as run
    from vigie.ingest.summary import print_summary

    report = run(
        sources, into, fmt=fmt, mapping=mapping, platform=platform, memory_limit=memory_limit
    )
    print_summary(report)
