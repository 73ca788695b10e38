"""The import preview cuts a big file to its first records without cutting one in two.

Why it matters: a tweet text with a line break is one CSV record over two lines; a preview
cut by raw lines would end inside it and show the analyst a rejection the real ingest
never makes.
"""

from __future__ import annotations

import csv
import random
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


def test_workbook_preview_is_not_cut(tmp_path: Path) -> None:
    """A workbook forced to a CSV format (a Brandwatch or MCL export saved as ``.xlsx``) is a
    zip: cut by line it would be a broken file and the preview an error the ingest never makes."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Date", "Url", "Author", "Full Text"])
    rng = random.Random(3)  # texts that compress badly: a zip of many bytes, many of them 0x0A
    for i in range(3000):
        text = "".join(rng.choice("abcdefghij klmnop") for _ in range(60))
        wb.active.append(["2024-05-01T10:00:00Z", f"https://x.com/a/status/{i}", "a", text])
    src = tmp_path / "mentions.xlsx"
    wb.save(src)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for fmt in ("brandwatch", "mcl", "csv"):
        head = _head(src, fmt, out_dir)
        assert head.read_bytes() == src.read_bytes()


def test_archive_previews_are_cut_whole(tmp_path: Path) -> None:
    """The archive formats read as tables (a NodeXL sheet with its row of column groups, a
    TCAT export in TSV) are cut to their first records too, and the cut file still reads as
    its format: an upload of a million rows previews in a moment, as it did for CSV ones."""
    from vigie.ingest import ingest

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "datasets"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name, fmt, top in (
        ("nodexl_edges.csv", "nodexl", 2),
        ("tcat_export.tsv", "tcat", 1),
        ("russian_coord_tweets.csv", "coortweet", 1),
        ("cnt_input.csv", "cnt", 1),
    ):
        lines = (fixtures / name).read_text(encoding="utf-8").splitlines(keepends=True)
        src = tmp_path / name
        src.write_text("".join(lines[:top] + lines[top : top + 3] * 100), encoding="utf-8")
        head = _head(src, fmt, out_dir).read_text(encoding="utf-8").splitlines()
        assert head == src.read_text(encoding="utf-8").splitlines()[: len(head)]
        assert PREVIEW_ROWS <= len(head) < 300
        report = ingest([out_dir / name], tmp_path / f"ds-{fmt}", fmt=fmt)
        assert report.sources[0].records >= PREVIEW_ROWS - top
