"""Excel workbooks (.xlsx) ingested as the CSV of their sheet.

Known answers: each workbook is written here from a CSV fixture (the same Dataset must come
out of both) or with typed cells whose values are known (dates, whole numbers, ids too long
for a spreadsheet's doubles).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from ingest.helpers import (
    CSV_MAP,
    FIX,
    assert_no_temp_left,
    assert_same_posts,
    posts_by_id,
    rejected,
    run_cli,
)
from vigie.errors import InputError
from vigie.ingest import ingest


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _csv_rows(path: Path) -> list[list[Any]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(
    ("fixture", "args"),
    [
        ("generic_posts.csv", {"mapping": CSV_MAP}),
        ("datasets/crowdtangle_facebook.csv", {}),  # a platform's export, told apart as such
        ("datasets/4cat_telegram.csv", {}),
    ],
)
def test_workbook_gives_the_dataset_of_its_csv(
    tmp_path: Path, fixture: str, args: dict[str, Any]
) -> None:
    src = FIX / fixture
    book = _workbook(tmp_path / "export.xlsx", {"Sheet1": _csv_rows(src)})
    ingest([src], tmp_path / "from_csv", **args)
    report = ingest([book], tmp_path / "from_xlsx", **args)
    assert_same_posts(tmp_path / "from_csv", tmp_path / "from_xlsx")
    assert report.sources[0].path == str(book)
    assert_no_temp_left(tmp_path)


def test_typed_cells_and_a_preamble(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Report", "Election monitoring"],
        ["Query", "candidat OR élection"],
        [],
        ["post_id", "account_id", "created_at", "text", "followers", "verified"],
        [101, "a1", dt.datetime(2024, 5, 1, 10, 0, 0), "deux\nlignes", 1200.0, True],
        [102, "a2", dt.datetime(2024, 5, 1, 10, 0, 30), "https://example.org/x #Vote", 7, False],
        [None, None, None, None, None, None],  # an empty row: skipped, not refused
        [103, "a3", "not a date", "refusée", None, None],
    ]
    book = _workbook(tmp_path / "listening.xlsx", {"Mentions": rows})
    out = tmp_path / "ds"
    code, said = run_cli(["ingest", str(book), "--into", str(out), "--platform", "x"])
    assert code == 0 and "the header is row 4" in said
    posts = posts_by_id(out)
    assert sorted(posts) == ["101", "102"]  # whole numbers without ".0"
    assert posts["101"]["text"] == "deux\nlignes"
    assert posts["101"]["created_at"] == dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)
    assert posts["102"]["hashtags"] == ["vote"] and posts["102"]["urls"] == ["example.org/x"]
    (r,) = rejected(out)
    assert r["reason"] == "invalid created_at" and r["file"] == str(book)
    assert_no_temp_left(tmp_path)


def test_other_sheets_are_said_and_an_empty_first_sheet_is_passed(tmp_path: Path) -> None:
    data = [["post_id", "account_id", "created_at", "text"], ["p1", "a1", "2024-05-01", "x"]]
    book = _workbook(tmp_path / "b.xlsx", {"Cover": [], "Posts": data, "Notes": [["n"]]})
    code, said = run_cli(["ingest", str(book), "--into", str(tmp_path / "ds"), "--platform", "x"])
    assert code == 0 and "read sheet 'Posts'" in said and "'Cover', 'Notes'" in said
    assert list(posts_by_id(tmp_path / "ds")) == ["p1"]
    more = [["post_id", "account_id", "created_at", "text"], ["p9", "a9", "2024-05-01", "y"]]
    book = _workbook(tmp_path / "c.xlsx", {"Posts": data, "Later": more})
    ingest([book], tmp_path / "ds2", platform="x", sheet="Later")
    assert list(posts_by_id(tmp_path / "ds2")) == ["p9"]
    code, said = run_cli(
        ["ingest", str(book), "--into", str(tmp_path / "ds3"), "--platform", "x", "--sheet", "Nope"]
    )
    assert code != 0 and "c.xlsx" in said and "--sheet 'Nope': no such sheet" in said
    assert "'Posts', 'Later'" in said and not (tmp_path / "ds3").exists()
    csv_file = tmp_path / "plain.csv"
    csv_file.write_text("post_id,account_id,created_at,text\np1,a,2024-05-01,x\n", "utf-8")
    code, said = run_cli(
        [
            "ingest",
            str(csv_file),
            "--into",
            str(tmp_path / "ds4"),
            "--platform",
            "x",
            "--sheet",
            "S",
        ]
    )
    assert code == 0 and "--sheet is for Excel workbooks" in said


def test_ids_a_spreadsheet_rounded_are_said(tmp_path: Path) -> None:
    rows = [
        ["post_id", "account_id", "created_at", "text"],
        [1790000000000000123, "a1", "2024-05-01T10:00:00Z", "x"],  # stored as a double
        [1790000000000000999, "a2", "2024-05-01T10:00:00Z", "y"],
    ]
    book = _workbook(tmp_path / "ids.xlsx", {"S": rows})
    code, said = run_cli(["ingest", str(book), "--into", str(tmp_path / "ds"), "--platform", "x"])
    assert code == 0 and "column 'post_id': 2 number(s) of more than 15 digits" in said


def test_values_right_of_the_header_are_refused_not_lost(tmp_path: Path) -> None:
    rows = [["post_id", "account_id", "created_at", "text"], ["p1", "a", "2024-05-01", "x"]]
    rows.append(["p2", "a", "2024-05-01", "y", "stray"])
    book = _workbook(tmp_path / "w.xlsx", {"S": rows})
    ingest([book], tmp_path / "ds", platform="x")
    (r,) = rejected(tmp_path / "ds")
    assert r["reason"] == "malformed CSV row" and r["record"] == "line 3"


def test_workbook_inside_a_zip(tmp_path: Path) -> None:
    rows = [["post_id", "account_id", "created_at", "text"], ["p1", "a", "2024-05-01", "x"]]
    book = _workbook(tmp_path / "inner.xlsx", {"S": rows})
    archive = tmp_path / "mail.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(book, "export/inner.xlsx")
    ingest([archive], tmp_path / "ds", platform="x")
    assert list(posts_by_id(tmp_path / "ds")) == ["p1"]
    assert_no_temp_left(tmp_path)


def test_broken_and_foreign_workbooks_are_one_line(tmp_path: Path) -> None:
    rows = [["post_id", "account_id", "created_at", "text"]] + [
        [f"p{i}", "a", "2024-05-01", "x" * 200] for i in range(200)
    ]
    book = _workbook(tmp_path / "w.xlsx", {"S": rows})
    cut = tmp_path / "cut.xlsx"
    data = book.read_bytes()
    buf = io.BytesIO(data[: len(data) // 2])
    cut.write_bytes(b"PK\x03\x04" + buf.getvalue()[4:])
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(xls.read_bytes())
    csv_file = tmp_path / "plain.csv"
    csv_file.write_text("post_id,account_id,created_at,text\np1,a,2024-05-01,x\n", "utf-8")
    for src, says, more in [
        (cut, "cut.xlsx", []),
        (xls, "Excel 97-2003", []),
        (locked, "password-protected workbook", []),
        (csv_file, "--format xlsx: not an Excel workbook", ["--format", "xlsx"]),
        (_workbook(tmp_path / "empty.xlsx", {"A": [], "B": []}), "no data in any", []),
    ]:
        out = tmp_path / f"ds-{src.stem}"
        code, said = run_cli(["ingest", str(src), "--into", str(out), "--platform", "x", *more])
        assert code != 0 and "Traceback" not in said, said
        assert says in said and src.name in said, said
        assert not out.exists()
    assert_no_temp_left(tmp_path)
    with pytest.raises(InputError, match="not an Excel workbook"):
        ingest([csv_file], tmp_path / "ds2", fmt="xlsx", platform="x")


def test_a_tags_workbook_is_read_from_its_archive_sheet(tmp_path: Path) -> None:
    """A TAGS workbook opens on its settings sheet (rows of three values and more, which
    read as a header) and keeps the tweets in "Archive", behind it; a dashboard follows.
    The sheet whose columns name a format is read, and read as that format."""
    settings = [
        ["Instructions", "", ""],
        ["Enter search term:", "#Legislatives", "Type:", "Search/tweets"],
        ["Period:", "default", "No. tweets:", 3000],
    ]
    dashboard = [["Top tweeters", "Tweets", "Rank"], ["JaneDoe", 1, 1]]
    src = FIX / "datasets" / "tags_archive.csv"
    book = _workbook(
        tmp_path / "tags.xlsx",
        {"Readme - Settings": settings, "Archive": _csv_rows(src), "Dashboard": dashboard},
    )
    ingest([src], tmp_path / "from_csv")
    code, said = run_cli(["ingest", str(book), "--into", str(tmp_path / "from_xlsx")])
    assert code == 0, said
    assert "read sheet 'Archive' (its columns are a tags export's)" in said
    assert "'Readme - Settings', 'Dashboard'" in said
    assert_same_posts(tmp_path / "from_csv", tmp_path / "from_xlsx")
    assert posts_by_id(tmp_path / "from_xlsx")  # the tweets, not the settings
    assert_no_temp_left(tmp_path)


def test_a_plain_table_behind_a_cover_is_still_the_first_sheet_with_data(tmp_path: Path) -> None:
    """No sheet names a known format: the first with data is read, as before (the choice by
    format never skips a table the user meant)."""
    data = [["post_id", "account_id", "created_at", "text"], ["p1", "a1", "2024-05-01", "x"]]
    other = [["post_id", "account_id", "created_at", "text"], ["p2", "a2", "2024-05-01", "y"]]
    book = _workbook(tmp_path / "b.xlsx", {"First": data, "Second": other})
    ingest([book], tmp_path / "ds", platform="x")
    assert list(posts_by_id(tmp_path / "ds")) == ["p1"]
