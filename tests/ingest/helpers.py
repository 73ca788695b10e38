"""Small helpers shared by the ingest tests."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
CSV_MAP = [
    "post_id=id",
    "account_id=user",
    "created_at=published",
    "text=body",
    "urls=links",
    "hashtags=tags",
    "platform=network",
    "display_name=user_name",
]
"""The ``--map`` of ``generic_posts.csv``: each canonical field from its column."""


def posts_by_id(dataset: Path) -> dict[str, dict[str, Any]]:
    return {r["post_id"]: r for r in pq.read_table(dataset / "posts.parquet").to_pylist()}


def assert_same_posts(a: Path, b: Path) -> None:
    """The posts tables of the Datasets ``a`` and ``b`` are equal, row for row by post id."""
    ta = pq.read_table(a / "posts.parquet").sort_by("post_id")
    tb = pq.read_table(b / "posts.parquet").sort_by("post_id")
    assert ta.equals(tb)


def assert_no_temp_left(folder: Path) -> None:
    """No temporary copy (``.vigie-*``: unpacked, re-encoded, a sheet's CSV) is left in
    ``folder`` after an ingest, whether it succeeded or failed."""
    left = [p.name for p in folder.iterdir() if p.name.startswith(".vigie-")]
    assert left == [], left


def accounts_by_id(dataset: Path) -> dict[str, dict[str, Any]]:
    return {r["account_id"]: r for r in pq.read_table(dataset / "accounts.parquet").to_pylist()}


def rejected(dataset: Path) -> list[dict[str, Any]]:
    p = dataset / "rejected.jsonl"
    if not p.exists():
        return []
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def manifest(dataset: Path) -> dict[str, Any]:
    return json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))


def one_group_findings(out: Path) -> None:
    """A Findings folder at ``out`` holding one group of two accounts (a1, a2 on x): what the
    malformed-input batteries corrupt, copy by copy."""
    from vigie.schema import write_findings

    groups = [{"group_id": "g1", "score": 0.9, "n_members": 2, "techniques": ["T0049.003"]}]
    members = [
        {"group_id": "g1", "account_id": "a1", "platform": "x"},
        {"group_id": "g1", "account_id": "a2", "platform": "x"},
    ]
    write_findings(out, groups=groups, members=members, edges=[], evidence=[])


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run ``vigie ARGV`` in process: (exit code, everything it printed).

    A bare ``sys.exit()`` is success (0); an exit with a message is 1, as the shell sees it.
    An exception that is not ``SystemExit`` propagates, so a traceback fails the test.
    """
    from vigie.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return code, out.getvalue() + err.getvalue()
