"""Fixtures of the case store tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def ws(tmp_path):
    from vigie.cases import Workspace

    w = Workspace.init(tmp_path / "ws")
    yield w
    w.close()
