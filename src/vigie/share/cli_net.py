"""Sharing commands (filled in by the sharing work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``vigie share``."""
