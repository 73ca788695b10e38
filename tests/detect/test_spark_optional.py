"""The Spark engine is optional: the default install neither imports nor needs it."""

from __future__ import annotations

import subprocess
import sys


def test_default_detection_imports_no_spark():
    code = (
        "import sys\n"
        "import vigie.cli, vigie.detect.pipeline, vigie.detect.cli\n"
        "bad = [m for m in ('pyspark', 'sqlglot', 'py4j') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_unknown_engine_is_refused(tmp_path):
    from typer.testing import CliRunner

    from vigie.cli import app
    from vigie.errors import VigieError

    res = CliRunner().invoke(
        app, ["detect", str(tmp_path), "--out", str(tmp_path / "f"), "--engine", "flink"]
    )
    assert isinstance(res.exception, VigieError)
    assert "--engine 'flink': expected duckdb or spark" in str(res.exception)
    assert not (tmp_path / "f").exists()
