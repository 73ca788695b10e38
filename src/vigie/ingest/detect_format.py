"""Tell a source's format from its name and first bytes (``--format auto``).

Why sniff the content: ``.json``/``.jsonl`` is used by every collector (twarc2, Bluesky
scripts, Telegram Desktop, in-house tools); only the shape of the first record tells them
apart. When it cannot be told, we stop with an error that says which ``--format`` to pass
rather than guess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vigie.errors import InputError

FORMATS = ("auto", "x", "telegram", "bluesky", "csv", "jsonl", "parquet", "accounts")
SNIFF_BYTES = 1 << 20


def _shape(obj: Any) -> str | None:
    """The platform format a decoded JSON value looks like, if any."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("messages"), list) or isinstance(obj.get("chats"), dict):
        return "telegram"
    if isinstance(obj.get("feed"), list) or isinstance(obj.get("posts"), list):
        return "bluesky"
    post = obj.get("post") if isinstance(obj.get("post"), dict) else obj
    if str(post.get("uri", "")).startswith("at://") and isinstance(post.get("record"), dict):
        return "bluesky"
    if (
        "data" in obj
        and isinstance(obj["data"], list | dict)
        and ("includes" in obj or "meta" in obj or "__twarc" in obj)
    ):
        return "x"
    if (
        "author_id" in obj
        and "id" in obj
        and "text" in obj
        and (
            "__twarc" in obj
            or "edit_history_tweet_ids" in obj
            or "public_metrics" in obj
            or "author" in obj
        )
    ):
        return "x"
    return None


def detect(path: Path) -> str:
    """The format of ``path``: x, telegram, bluesky, csv, jsonl or parquet."""
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if path.is_dir():
        if (path / "result.json").exists():
            raise InputError(
                f"is a folder; pass the export file {path / 'result.json'}", file=str(path)
            )
        raise InputError("is a folder, not a file", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".tsv"):
        return "csv"
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if not text:
        raise InputError("empty file: nothing to ingest", file=str(path))
    first_line = text.split("\n", 1)[0]
    try:
        first = json.loads(first_line)
    except json.JSONDecodeError:
        first = None
    if first is not None:
        shape = _shape(first)
        if shape:
            return shape
        if isinstance(first, dict) and (suffix in (".jsonl", ".ndjson") or "\n" in text.strip()):
            return "jsonl"
    if text.startswith("{"):
        # one JSON document over many lines (Telegram result.json, a saved API page):
        # look for the telltale keys in the first MiB instead of parsing it whole
        if path.name == "result.json" or '"messages"' in text[:SNIFF_BYTES]:
            return "telegram"
        if '"feed"' in text or ('"posts"' in text and '"at://' in text):
            return "bluesky"
        if '"data"' in text and ('"includes"' in text or '"author_id"' in text):
            return "x"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise InputError(
        "cannot tell the format from the name or content; pass --format "
        "(x, telegram, bluesky, csv, jsonl or parquet)",
        file=str(path),
    )
