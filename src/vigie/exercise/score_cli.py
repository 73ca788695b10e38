"""``vigie score`` (placeholder until scoring lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def score(
    findings: Path = typer.Argument(..., help="Findings folder."),
    truth: Path = typer.Option(..., "--truth", help="truth.parquet from vigie generate."),
) -> None:
    """Score FINDINGS against the ground truth."""
    from vigie.errors import VigieError

    raise VigieError("score is not implemented yet")
