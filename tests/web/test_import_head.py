"""The import preview cuts a big file to its first records without cutting one in two.

Why it matters: a tweet text with a line break is one CSV record over two lines; a preview
cut by raw lines would end inside it and show the analyst a rejection the real ingest
never makes.
"""

from __future__ import annotations

import csv
from pathlib import Path

from vigie.web.views.imports import PREVIEW_ROWS, _head


def _records(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_csv_preview_keeps_quoted_line_breaks_whole(tmp_path: Path) -> None:
    src = tmp_path / "archive.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["tweetid", "userid", "tweet_time", "tweet_text"])
        for i in range(3 * PREVIEW_ROWS):
            text = f'line one\nline "two" of {i}' if i % 2 else f"plain {i}"
            w.writerow([str(i), f"u{i % 7}", "2019-01-01 10:00", text])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    head = _records(_head(src, "x-io", out_dir))
    full = _records(src)
    assert head == full[: len(head)]  # whole records, none cut in two
    assert len(head) - 1 >= PREVIEW_ROWS  # the header and PREVIEW_ROWS records
    assert len(head) < len(full)


def test_jsonl_preview_is_cut_by_line(tmp_path: Path) -> None:
    src = tmp_path / "rs.ndjson"
    src.write_text("".join(f'{{"id": "{i}"}}\n' for i in range(500)), encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    lines = _head(src, "pushshift", out_dir).read_text(encoding="utf-8").splitlines()
    assert lines == src.read_text(encoding="utf-8").splitlines()[: len(lines)]
    assert PREVIEW_ROWS <= len(lines) < 500
