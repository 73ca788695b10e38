"""Post times known to the day (or minute) only: the run says so, and raises no alarm on
ordinary users.

Why it matters: a day-only export (a spreadsheet's date column, yt-dlp's ``upload_date``,
YouTube comment times estimated from "3 days ago") gives every post of a day one instant, so
every co-action of a day falls "within 60 s". An analyst must be told the timing is by day,
and the chance control, which counts the same coarse times, must still keep the viral
cascades, the petition and the slogan of the mixed scenario (hard negatives) out of groups.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vigie.detect.diagnosis import COARSE_MIN_POSTS, _coarse_line
from vigie.detect.pipeline import run_detection

from .conftest import Mixed


def _cut_to(src: Path, dst: Path, unit: str) -> Path:
    shutil.copytree(src, dst)
    posts = pq.read_table(src / "posts.parquet")
    at = posts.column("created_at")
    cut = pc.floor_temporal(at, unit=unit).cast(at.type)
    i = posts.schema.get_field_index("created_at")
    pq.write_table(posts.set_column(i, "created_at", cut), dst / "posts.parquet")
    return dst


def _diagnosis(findings: Path) -> dict:
    return json.loads((findings / "manifest.json").read_text(encoding="utf-8"))["diagnosis"]


def test_day_only_times_are_said_and_flag_no_ordinary_account(mixed: Mixed, tmp_path: Path) -> None:
    ds = _cut_to(mixed.dataset, tmp_path / "days", "day")
    run_detection(ds, tmp_path / "findings", progress=False)
    diag = _diagnosis(tmp_path / "findings")
    res = diag["time_resolution"]
    assert res["whole_days"] == res["posts"] > 0
    assert any(line.startswith("Post times are whole days for 100%") for line in diag["lines"])
    members = pq.read_table(tmp_path / "findings" / "members.parquet").column("account_id")
    flagged = set(members.to_pylist())
    assert flagged, "the campaigns that need no timing are still found"
    assert not flagged & set(mixed.organic)  # viral cascades, petition, slogan included
    campaigns = set().union(*mixed.truth.values())
    assert flagged <= campaigns


def test_minute_times_are_said_and_flag_no_ordinary_account(mixed: Mixed, tmp_path: Path) -> None:
    """Android's WhatsApp export and X's information-operations archive write no seconds:
    every time falls on a whole minute. The run says so, and the chance control, counting
    the same coarse times, keeps the hard negatives out as it does with exact times."""
    ds = _cut_to(mixed.dataset, tmp_path / "minutes", "minute")
    run_detection(ds, tmp_path / "findings", progress=False)
    diag = _diagnosis(tmp_path / "findings")
    res = diag["time_resolution"]
    assert res["whole_minutes"] == res["posts"] > 0
    assert res["whole_hours"] < 0.1 * res["posts"]
    assert any(line.startswith("Post times are whole minutes for 100%") for line in diag["lines"])
    members = pq.read_table(tmp_path / "findings" / "members.parquet").column("account_id")
    flagged = set(members.to_pylist())
    assert flagged
    assert not flagged & set(mixed.organic)
    assert flagged <= set().union(*mixed.truth.values())


def test_exact_times_say_nothing(mixed: Mixed) -> None:
    diag = json.loads(mixed.findings.manifest_path.read_text(encoding="utf-8"))["diagnosis"]
    res = diag["time_resolution"]
    assert res["posts"] > 0 and res["whole_hours"] < 0.1 * res["posts"]
    assert not any(line.startswith("Post times are whole") for line in diag["lines"])


@pytest.mark.parametrize(
    ("posts", "days", "hours", "minutes", "unit"),
    [
        (1000, 1000, 1000, 1000, "days"),
        (1000, 900, 1000, 1000, "days"),  # 90 %: the threshold itself
        (1000, 899, 1000, 1000, "hours"),
        (1000, 10, 950, 950, "hours"),
        (1000, 10, 899, 1000, "minutes"),
        (1000, 0, 20, 900, "minutes"),
        (1000, 0, 20, 899, None),
        (1000, 10, 899, None, None),  # Findings written before minutes were counted
        (COARSE_MIN_POSTS - 1, COARSE_MIN_POSTS - 1, COARSE_MIN_POSTS - 1, 0, None),  # too few
        (0, 0, 0, 0, None),
    ],
)
def test_the_line_names_the_coarsest_unit(
    posts: int, days: int, hours: int, minutes: int | None, unit: str | None
) -> None:
    res = {"posts": posts, "whole_days": days, "whole_hours": hours}
    if minutes is not None:
        res["whole_minutes"] = minutes
    line = _coarse_line(res)
    if unit is None:
        assert line is None
    else:
        assert line is not None and line.startswith(f"Post times are whole {unit}")
