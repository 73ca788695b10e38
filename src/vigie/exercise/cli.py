"""``vigie generate`` and ``vigie score`` (placeholders until the exercise work lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def generate(
    out: Path = typer.Option(..., "--out", help="Dataset folder to write."),
) -> None:
    """Generate a synthetic election scenario with ground truth."""
    from vigie.errors import VigieError

    raise VigieError("generate is not implemented yet")


def score(
    findings: Path = typer.Argument(..., help="Findings folder."),
    truth: Path = typer.Option(..., "--truth", help="truth.parquet from vigie generate."),
) -> None:
    """Score FINDINGS against the ground truth."""
    from vigie.errors import VigieError

    raise VigieError("score is not implemented yet")
