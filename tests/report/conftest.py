"""Fixtures of the report tests: a hand-made Findings folder and its truth table."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_samples import make_findings, make_truth


@pytest.fixture
def findings_dir(tmp_path) -> Path:
    return make_findings(tmp_path / "findings")


@pytest.fixture
def truth_file(tmp_path) -> Path:
    return make_truth(tmp_path / "truth.parquet")
