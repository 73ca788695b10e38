"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """The reference data beside the checkout; tests that need it skip without it."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent (clone without the shared reference data)")
    return data
