"""A small workspace with a Dataset and one registered run, shared by the web tests.

Why generated data: the pages are tested on a scenario with known campaigns, so the tests
can check that what the pages show (groups, members, evidence) is what detection found.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")
pytest.importorskip("multipart")


@pytest.fixture(scope="session")
def base_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vigie.cases.workspace import Workspace
    from vigie.detect.pipeline import run_detection
    from vigie.exercise.generate import generate
    from vigie.ingest import ingest

    root = tmp_path_factory.mktemp("web") / "ws"
    scen = root.parent / "scenario"
    generate("fr-presidential", 15_000, 11, scen, progress=False)
    ws = Workspace.init(root)
    ds = root / "datasets" / "election"
    ingest([scen / "posts.parquet"], ds, fmt="parquet")
    ingest([scen / "accounts.parquet"], ds, fmt="accounts")
    run_detection(ds, root / "runs" / "first", progress=False)
    ws.register_run(root / "runs" / "first", label="first", author="test")
    ws.close()
    return root


@pytest.fixture()
def workspace(base_workspace: Path, tmp_path: Path) -> Path:
    """A private copy, so that each test may write."""
    dst = tmp_path / "ws"
    shutil.copytree(base_workspace, dst)
    return dst
