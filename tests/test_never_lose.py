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


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_detect_never_writes_its_findings_over_the_dataset_or_other_files(
    tmp_path: Path,
) -> None:
    """A folder swap replaces the folder whole: ``--out`` naming the Dataset itself, or a
    folder of the user's own files, must be refused before any work, leaving both intact;
    an earlier Findings folder or an empty folder is replaced as before."""
    ds = tmp_path / "ds"
    code, out = _inproc(
        "ingest", str(_csv(tmp_path / "a.csv", "p", 40)), "--into", str(ds), "--platform", "x"
    )
    assert code == 0, out
    before = _files(ds)
    code, out = _inproc("detect", str(ds), "--out", str(ds))
    assert code == 2 and "Traceback" not in out
    assert "is not a Findings folder (it is a vigie Dataset)" in " ".join(out.split())
    assert _files(ds) == before

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious", encoding="utf-8")
    code, out = _inproc("detect", str(ds), "--out", str(mine))
    assert code == 2 and "thesis.txt" in out
    assert _files(mine) == {"thesis.txt": b"precious"}

    empty = tmp_path / "empty"
    empty.mkdir()
    for target in (empty, empty):  # the second run replaces the first run's Findings
        code, out = _inproc("detect", str(ds), "--out", str(target))
        assert code == 0, out
        assert _manifest(target)["kind"] == "findings"
    assert _files(ds) == before


def test_generate_replaces_an_earlier_exercise_but_never_an_ingested_dataset(
    tmp_path: Path,
) -> None:
    from vigie.atomic import check_replaceable
    from vigie.errors import VigieError

    ds = tmp_path / "ds"
    code, out = _inproc(
        "ingest", str(_csv(tmp_path / "a.csv", "p", 10)), "--into", str(ds), "--platform", "x"
    )
    assert code == 0, out
    with pytest.raises(
        VigieError, match="not a generated exercise .it is a vigie Dataset without truth.parquet"
    ):
        check_replaceable(ds, "generated exercise", "dataset", "truth.parquet")
    (ds / "truth.parquet").write_bytes(b"")  # what marks a folder vigie generate wrote
    check_replaceable(ds, "generated exercise", "dataset", "truth.parquet")
    # a manifest that cannot be read is not a licence to replace the folder
    (ds / "manifest.json").write_text("{trunc", encoding="utf-8")
    with pytest.raises(VigieError, match="it holds accounts.parquet, manifest.json, posts"):
        check_replaceable(ds, "generated exercise", "dataset", "truth.parquet")
    code, out = _inproc("generate", "--out", str(ds), "--posts", "8000")
    assert code == 2 and "Traceback" not in out and "choose a new folder name" in out
    assert (ds / "manifest.json").read_text(encoding="utf-8") == "{trunc"


def test_reports_and_exports_never_write_over_a_file_of_another_kind(tmp_path: Path) -> None:
    """``--html posts.csv`` must not replace the user's data with a page; an earlier report
    (same suffix) is replaced as before, and a new name of any kind is written."""
    ds = tmp_path / "ds"
    src = _csv(tmp_path / "a.csv", "p", 30)
    assert _inproc("ingest", str(src), "--into", str(ds), "--platform", "x")[0] == 0
    assert _inproc("detect", str(ds), "--out", str(tmp_path / "f"))[0] == 0
    data = src.read_bytes()
    code, out = _inproc("report", str(tmp_path / "f"), "--html", str(src))
    assert code == 2 and "Traceback" not in out and "will not write over it" in out
    assert src.read_bytes() == data
    for name in ("r.html", "r.html", "report-without-suffix"):
        code, out = _inproc("report", str(tmp_path / "f"), "--html", str(tmp_path / name))
        assert code == 0, out
        assert (tmp_path / name).read_text(encoding="utf-8").lstrip().lower().startswith("<!doc")
    from vigie.errors import VigieError
    from vigie.share.shareable import write_export

    with pytest.raises(VigieError, match="not a JSON export"):
        write_export("{}", src)
    assert src.read_bytes() == data
    assert write_export("{}", tmp_path / "bundle.json").read_text(encoding="utf-8") == "{}"
