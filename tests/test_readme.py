"""The README's tour must work when pasted: run its ``bash`` blocks as written.

Why: docs that drift from the CLI are the first thing a new analyst hits. Blocks after the
"A tour" heading are run in order in a temporary folder with the installed ``vigie``; blocks
that need files the reader brings (real exports) are recognised and skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
NEEDS_USER_FILES = ("tweets.jsonl", "result.json", "posts.csv")


def tour_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    tour = text.split("## A tour", 1)[1]
    blocks = re.findall(r"```bash\n(.*?)```", tour, flags=re.S)
    return [b for b in blocks if not any(name in b for name in NEEDS_USER_FILES)]


def test_readme_has_the_two_quickstart_commands():
    quick = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)[0]
    commands = [ln.split("#")[0].strip() for ln in block.splitlines() if ln.split("#")[0].strip()]
    assert commands == ["make demo", "make test"]


@pytest.mark.slow
def test_readme_tour_runs_as_written(tmp_path):
    vigie = Path(sys.executable).with_name("vigie")
    if not vigie.exists():
        found = shutil.which("vigie")
        if found is None:
            pytest.skip("the vigie command is not installed in this environment")
        vigie = Path(found)
    blocks = tour_blocks()
    assert len(blocks) >= 3
    env = dict(os.environ, PATH=f"{vigie.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    for block in blocks:
        res = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert res.returncode == 0, f"README block failed:\n{block}\n{res.stdout}\n{res.stderr}"
    for name in ("findings/graph.gexf", "report.html", "study.html", "study.xlsx", "bundle.json"):
        assert (tmp_path / "tour" / name).exists(), name
