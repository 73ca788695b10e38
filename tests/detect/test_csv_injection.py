"""The Findings' CSVs are opened in spreadsheets by analysts, and their cells hold what the
accounts under study typed (ids, handles, hashtags, copied texts): a cell starting like a
formula must reach the sheet as text. The Parquet tables keep the values as they are."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vigie.detect.pipeline import run_detection
from vigie.spreadsheet import csv_cell, guard_table

from .scenario import DAY, Builder

HOSTILE = {
    '=HYPERLINK("https://evil.example","open")': '\'=HYPERLINK("https://evil.example","open")',
    "@SUM(A1)": "'@SUM(A1)",
    "+33 6 12 34": "'+33 6 12 34",
    "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
    "\t=1": "'\t=1",
}
NUMBERS = ["-1001234567890", "+42", "-3.5e2"]  # a number is never a formula: kept as is


def _campaign(tmp_path: Path) -> Path:
    """Organic life and one link campaign run by accounts named like formulas and numbers."""
    b = Builder(seed=3)
    b.organic(n_accounts=200, n_posts=2000)
    accs = [b.account(a) for a in [*HOSTILE, *NUMBERS, "plain-a", "plain-b"]]
    for k in range(8):
        t = 0.5 * DAY + k * 3 * 3600
        for a in accs:
            b.post(
                a,
                t + b.rng.uniform(0, 40),
                text=b.random_text(),
                urls=[f"https://fake.example/{k}"],
                hashtags=["=cmd"],
            )
    return b.write(tmp_path / "ds")


def test_findings_csvs_guard_formulas_and_keep_numbers(tmp_path: Path) -> None:
    findings = run_detection(_campaign(tmp_path), tmp_path / "f", progress=False)
    raw = set(findings.members().column("account_id").to_pylist())
    assert set(HOSTILE) | set(NUMBERS) <= raw  # the campaign was found, values as they are

    with (findings.path / "members.csv").open(encoding="utf-8", newline="") as fh:
        cells = {r["account_id"] for r in csv.DictReader(fh)}
    assert set(HOSTILE.values()) | set(NUMBERS) <= cells
    assert not cells & set(HOSTILE)  # no raw formula left
    for name in ("groups", "members", "edges", "pairs", "group_objects"):
        with (findings.path / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell in NUMBERS, (name, cell)

    # the objects the workbench shows come from the Parquet copy, unguarded
    objects = pq.read_table(findings.path / "group_objects.parquet")
    assert "=cmd" in objects.column("object").to_pylist()
    with (findings.path / "group_objects.csv").open(encoding="utf-8", newline="") as fh:
        assert "'=cmd" in {r["object"] for r in csv.DictReader(fh)}


def test_workbench_shows_objects_unguarded(tmp_path: Path) -> None:
    from vigie.web.views.groups import _recorded_objects

    findings = run_detection(_campaign(tmp_path), tmp_path / "f", progress=False)
    gid = next(
        r["group_id"] for r in findings.members().to_pylist() if r["account_id"] == "@SUM(A1)"
    )
    shown = {o["object"] for o in _recorded_objects(findings, gid) or []}
    assert "=cmd" in shown and "'=cmd" not in shown


def test_vector_guard_is_the_cell_rule() -> None:
    """``guard_table`` (Arrow, for millions of cells) and ``csv_cell`` (one value) agree."""
    values = [*HOSTILE, *NUMBERS, "plain", "", None, "'=already text", "1-2", "-", "=", "é=1"]
    out = guard_table(pa.table({"v": values, "n": list(range(len(values)))}))
    assert out.column("v").to_pylist() == [None if v is None else csv_cell(v) for v in values]
    assert out.column("n").to_pylist() == list(range(len(values)))
    untouched = pa.table({"v": ["a", "b"]})
    same = guard_table(untouched).column("v").chunks[0].buffers()[2]
    assert same.address == untouched.column("v").chunks[0].buffers()[2].address  # no copy
