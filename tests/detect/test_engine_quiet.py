"""The detection engine never draws DuckDB's own progress bar.

Why: DuckDB prints a bar on stdout for any query over two seconds (10M posts, or a busy
machine); it wrote hundreds of lines over the CLI's progress and into the captured output
of a benchmark's child process, which then could not read its report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vigie.exercise.generate import generate

# In a plain process, as the CLI runs (under pytest DuckDB turns its bar off by itself)
CHILD = """
import sys
from pathlib import Path
from vigie.detect.engine import open_engine
from vigie.detect.pipeline import resolve_config
from vigie.schema import Dataset
engine = open_engine(Dataset(Path(sys.argv[1])).check(), resolve_config(None)["general"])
rows = engine.con.execute("SELECT current_setting('enable_progress_bar')").fetchall()
print(rows[0][0], engine.n_posts)
engine.close()
"""


def test_the_engine_connection_has_no_progress_bar(tmp_path: Path) -> None:
    generate("tiny", 5000, 1, tmp_path / "ex", progress=False)
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "ex")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["False", "5000"]
