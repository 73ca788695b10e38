"""Never lose a Dataset: real crashes between the two renames of a folder swap, real
concurrent writers, a full disk, and a missing optional extra (one line, never a traceback)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from vigie.atomic import folder_lock, lock_path

HEADER = "post_id,account_id,created_at,text"


def _csv(path: Path, prefix: str, n: int) -> Path:
    rows = [f"{prefix}{i},a{i % 7},2024-05-01T10:{i % 60:02d}:00Z,post {i}" for i in range(n)]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _vigie(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from vigie.cli import main; main()", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _inproc(*argv: str) -> tuple[int, str]:
    """Run the CLI in this process (a subprocess costs seconds of start-up)."""
    import contextlib
    import io

    from vigie.cli import main

    buf = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, buf.getvalue()


def _manifest(ds: Path) -> dict:
    return json.loads((ds / "manifest.json").read_text(encoding="utf-8"))


CRASH = textwrap.dedent(
    """
    import os, sys
    import vigie.atomic as atomic
    real = os.replace
    def replace(src, dst):
        # the second rename of the swap (temporary folder -> Dataset): die just before it
        if str(src).endswith(".tmp") and os.path.isdir(src) and not os.path.exists(dst):
            os._exit(9)
        return real(src, dst)
    atomic.os.replace = replace
    from vigie.cli import main
    main(sys.argv[1:])
    """
)


def test_crash_between_the_two_renames_is_recovered(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    first = _csv(tmp_path / "first.csv", "f", 500)
    assert _inproc("ingest", str(first), "--into", str(ds), "--platform", "x")[0] == 0
    second = _csv(tmp_path / "second.csv", "s", 300)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, "ingest", str(second), "--into", str(ds), "--platform", "x"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crashed.returncode == 9
    assert not ds.exists()  # the crash left no Dataset at its path: the state under test
    assert [p.name.endswith(".old") for p in tmp_path.iterdir() if p.name.startswith(".ds.")]
    third = _csv(tmp_path / "third.csv", "t", 200)
    code, out = _inproc("ingest", str(third), "--into", str(ds), "--platform", "x")
    assert code == 0, out
    assert "recovered the previous Dataset" in out
    m = _manifest(ds)
    assert m["counts"]["posts"] == 700  # first + third: never an empty restart
    assert [Path(s["path"]).name for s in m["sources"]] == ["first.csv", "third.csv"]
    assert pq.read_metadata(ds / "posts.parquet").num_rows == 700
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["ds", "first.csv", "second.csv", "third.csv"]
    )  # no .old, .tmp or lock file left behind


def test_concurrent_ingests_lose_nothing(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    sources = [_csv(tmp_path / f"s{k}.csv", f"k{k}_", 3000) for k in range(2)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from vigie.cli import main; main()",
                "ingest",
                str(s),
                "--into",
                str(ds),
                "--platform",
                "x",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for s in sources
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    m = _manifest(ds)
    assert m["counts"]["posts"] == 6000
    assert sorted(Path(s["path"]).name for s in m["sources"]) == ["s0.csv", "s1.csv"]
    ids = pq.read_table(ds / "posts.parquet", columns=["post_id"]).column(0).to_pylist()
    assert len(set(ids)) == 6000


def test_busy_dataset_is_a_clear_error_after_the_timeout(tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    src = _csv(tmp_path / "a.csv", "a", 10)
    with folder_lock(ds, "Dataset"):  # this process holds the lock: the child must wait
        assert lock_path(ds).exists()
        r = _vigie(
            "ingest", str(src), "--into", str(ds), "--platform", "x",
            env={"VIGIE_LOCK_TIMEOUT": "0.5"},
        )  # fmt: skip
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "Dataset busy" in r.stderr and str(ds) in r.stderr
    assert not ds.exists()
    assert _inproc("ingest", str(src), "--into", str(ds), "--platform", "x")[0] == 0


def test_full_disk_is_one_line_and_keeps_the_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from vigie.cli import main
    from vigie.ingest import writer

    ds = tmp_path / "ds"
    main_argv = ["ingest", str(_csv(tmp_path / "a.csv", "a", 50)), "--into", str(ds)]
    with pytest.raises(SystemExit) as ok:
        main([*main_argv, "--platform", "x"])
    assert ok.value.code in (0, None)
    before = (ds / "posts.parquet").read_bytes()

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(ds / "posts.parquet"))

    monkeypatch.setattr(writer.Staging, "add", full)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(
            ["ingest", str(_csv(tmp_path / "b.csv", "b", 50)), "--into", str(ds), "--platform", "x"]
        )
    out = capsys.readouterr()
    assert exc.value.code == 2
    errors = [ln for ln in out.err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], out.err
    assert "Traceback" not in out.err + out.out
    assert (ds / "posts.parquet").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_extra_is_one_line_naming_the_pip_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from vigie.cli import main
    from vigie.errors import MissingExtraError, require_extra
    from vigie.schema import write_findings

    for mod in [m for m in sys.modules if m == "stix2" or m.startswith("stix2.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "stix2", None)  # import stix2 -> ModuleNotFoundError
    with pytest.raises(MissingExtraError, match=r"pip install 'vigie\[share\]'"):
        require_extra("stix2")
    groups = [{"group_id": "g1", "score": 0.9, "n_members": 1, "techniques": ["T0049.003"]}]
    members = [{"group_id": "g1", "account_id": "a1", "platform": "x"}]
    write_findings(tmp_path / "F", groups=groups, members=members, edges=[], evidence=[])
    with pytest.raises(SystemExit) as exc:
        main(["share", "export", str(tmp_path / "F"), "--stix", str(tmp_path / "b.json")])
    out = capsys.readouterr()
    assert exc.value.code == 2
    assert "Traceback" not in out.err
    (line,) = [ln for ln in out.err.splitlines() if ln.startswith("error:")]
    assert "stix2" in line and "pip install 'vigie[share]'" in line


def test_full_disk_inside_duckdb_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import duckdb

    from vigie.cli import main
    from vigie.ingest import api

    def full(*_a: object, **_k: object) -> None:
        raise duckdb.IOException('Could not write file "posts.parquet": No space left on device')

    monkeypatch.setattr(api, "merge", full)
    with pytest.raises(SystemExit) as exc:
        src = _csv(tmp_path / "a.csv", "a", 5)
        main(["ingest", str(src), "--into", str(tmp_path / "ds"), "--platform", "x"])
    out = capsys.readouterr()
    assert exc.value.code == 2 and "Traceback" not in out.err
    (line,) = [ln for ln in out.err.splitlines() if ln.startswith("error:")]
    assert "No space left on device" in line
    assert not (tmp_path / "ds").exists()
