"""``vigie ingest`` on the command line, and ``--format auto``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.helpers import FIX, manifest
from vigie.cli import main
from vigie.ingest.detect_format import detect


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("x_v2_pages.jsonl", "x"),
        ("x_v2_flat.jsonl", "x"),
        ("telegram/result.json", "telegram"),
        ("bluesky_author_feed.json", "bluesky"),
        ("bluesky_search.jsonl", "bluesky"),
        ("generic_posts.csv", "csv"),
        ("generic_posts.jsonl", "jsonl"),
    ],
)
def test_auto_detection(name: str, fmt: str) -> None:
    assert detect(FIX / name) == fmt


def test_cli_ingest_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = tmp_path / "ds"
    args = ["ingest", str(FIX / "generic_posts.csv"), "--into", str(ds)]
    for m in (
        "post_id=id",
        "account_id=user",
        "created_at=published",
        "text=body",
        "platform=network",
    ):
        args += ["--map", m]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "rejected" in out and "invalid created_at" in out and "missing post_id" in out
    assert manifest(ds)["counts"]["posts"] == 2


def test_cli_user_error_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "ingest",
                str(FIX / "generic_posts.csv"),
                "--into",
                str(tmp_path / "ds"),
                "--map",
                "post_id=id",
            ]
        )
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "generic_posts.csv" in err and "account_id" in err and "Traceback" not in err


def test_a_pattern_the_shell_left_as_typed_is_expanded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Windows' shells pass ``in\\*.jsonl`` to the program as typed, as every shell passes a
    quoted pattern: it was "no such file". The files it matches are read, sorted; a pattern
    matching nothing is a one-line error; a file whose name holds ``[`` is that file."""
    drop = tmp_path / "in"
    drop.mkdir()
    for name in ("b.jsonl", "a.jsonl", "[x].jsonl"):
        (drop / name).write_bytes((FIX / "x_v2_flat.jsonl").read_bytes())
    (drop / "notes.txt").write_text("not an export\n")
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["ingest", f"{drop}/?.jsonl", "--into", str(tmp_path / "ds")])
    assert done.value.code in (0, None)
    paths = [Path(s["path"]).name for s in manifest(tmp_path / "ds")["sources"]]
    assert paths == ["a.jsonl", "b.jsonl"]
    # sources of one folder: that folder said once, each file by its name (not cut to "…")
    said = capsys.readouterr().out
    # spaces aside: a long path is wrapped at the console's width, anywhere in it
    assert f"from{drop}" in "".join(said.split()) and "│ a.jsonl" in said, said
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(drop / "[x].jsonl"), "--into", str(tmp_path / "ds2")])
    assert done.value.code in (0, None)
    assert [Path(s["path"]).name for s in manifest(tmp_path / "ds2")["sources"]] == ["[x].jsonl"]
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["ingest", f"{drop}/*.csv", "--into", str(tmp_path / "ds3")])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2 and f"{drop}/*.csv: no file matches this pattern" in err
    assert not (tmp_path / "ds3").exists()
