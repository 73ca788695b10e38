"""The archive readers (TAGS, NodeXL, twint, TCAT, YTDT, academictwitteR, pyktok, snscrape's
Telegram) against damaged copies of their fixtures: never a traceback.

Why: these files come from spreadsheets, R and PHP scripts and scrapers, and reach analysts
cut, re-saved or hand-edited. Each damage (a cut, a flipped byte, a stray quote, a lost
header, shuffled or doubled lines, a byte-order mark with semicolons, NUL bytes, CRLF, 3,000
open brackets) must end as records read or refused by field, or as one ``VigieError``
naming the file: any other exception is a bug. Seeded, so a failure replays.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest.helpers import FIX
from vigie.errors import VigieError
from vigie.ingest import ingest

FILES = [
    "datasets/tags_archive.csv",
    "datasets/nodexl_edges.csv",
    "datasets/nodexl_vertices.csv",
    "datasets/twint_tweets.jsonl",
    "datasets/twint_tweets.csv",
    "datasets/tcat_export.csv",
    "datasets/tcat_export.tsv",
    "datasets/videoinfo_aXnaHh40xnM_2024_06_09-10_00_00_comments.tab",
    "datasets/academictwitter_tidy.csv",
    "datasets/pyktok_videos.csv",
    "sources/snscrape_telegram.jsonl",
]


def _damaged(data: bytes, rng: random.Random, kind: int) -> bytes:
    i = rng.randrange(len(data))
    if kind == 0:
        return data[:i]
    if kind == 1:
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    if kind == 2:
        return data[:i] + b'"' + data[i:]
    if kind == 3:
        return data.split(b"\n", 1)[-1]
    if kind == 4:
        lines = data.split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines + lines[:2])
    if kind == 5:
        return b"\xef\xbb\xbf" + data.replace(b",", b";")
    if kind == 6:
        return data[:i] + b"\x00" * 5 + data[i:]
    if kind == 7:
        return data.replace(b"\n", b"\r\n", 3)
    return data[:i] + b"{[" * 3000 + data[i:]


@pytest.mark.parametrize("name", FILES)
def test_damaged_archives_end_in_records_or_one_error(tmp_path: Path, name: str) -> None:
    rng = random.Random(name)
    data = (FIX / name).read_bytes()
    for kind in range(9):
        src = tmp_path / f"{kind}-{Path(name).name}"
        src.write_bytes(_damaged(data, rng, kind))
        try:
            report = ingest([src], tmp_path / f"ds{kind}")
        except VigieError as exc:  # one line, naming the file
            assert src.name in str(exc) and "\n" not in str(exc).strip()
        else:  # read: every record accounted for (read, refused or skipped), or none, said
            (source,) = report.sources
            skipped = sum(source.skipped.values())
            assert source.accepted + source.rejected + skipped >= source.records
            assert source.records or source.warnings
