"""A Dataset without posts: the fast path (no engine) writes what the full pipeline writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import vigie.detect.pipeline as pipeline
from vigie.detect.pipeline import run_detection


@pytest.fixture
def empty_dataset(tmp_path):
    from .scenario import Builder

    return Builder(seed=1).write(tmp_path / "ds")


def test_empty_fast_path_matches_full_pipeline(empty_dataset, tmp_path, monkeypatch):
    fast = run_detection(empty_dataset, tmp_path / "fast", progress=False)
    monkeypatch.setattr(pipeline, "detect_empty", lambda *a: None)  # force the engine
    full = run_detection(empty_dataset, tmp_path / "full", progress=False)
    names = sorted(p.name for p in full.path.iterdir())
    assert names == sorted(p.name for p in fast.path.iterdir())
    for name in names:
        if name != "manifest.json":
            assert (fast.path / name).read_bytes() == (full.path / name).read_bytes(), name
    mf, mu = fast.manifest(), full.manifest()
    assert set(mf) == set(mu)
    for key in mu:
        if key != "signals":
            assert mf[key] == mu[key], key
    assert set(mf["signals"]) == set(mu["signals"])
    for kind, stats in mf["signals"].items():  # the engine's figures; detectors add more
        assert stats.items() <= mu["signals"][kind].items(), kind
    assert "no input" in " ".join(mf["diagnosis"]["lines"])


def test_empty_dataset_cli_loads_no_engine(empty_dataset, tmp_path):
    """`vigie detect` on no posts answers without importing DuckDB or igraph."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from vigie.cli import app\n"
        f"r = CliRunner().invoke(app, ['detect', {str(empty_dataset)!r}, "
        f"'--out', {str(tmp_path / 'f')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(json.dumps(sorted(m for m in ('duckdb', 'igraph') if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    assert (tmp_path / "f" / "groups.parquet").exists()


def test_empty_dataset_command_line_imports_only_what_detect_uses(empty_dataset, tmp_path):
    """The `vigie` entry point on no posts loads no pandas (pyarrow's Schema.empty_table
    would), no engine and no other area's command line: start-up is what the analyst waits."""
    code = (
        "import json, sys\n"
        "from vigie.cli import main\n"
        "try:\n"
        f"    main(['detect', {str(empty_dataset)!r}, '--out', {str(tmp_path / 'f')!r}])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = ('pandas', 'duckdb', 'igraph', 'vigie.share.cli', 'vigie.risk.cli')\n"
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    assert (tmp_path / "f" / "groups.parquet").exists()
