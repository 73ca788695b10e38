"""``vigie detect`` (placeholder until the detection work lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def detect(
    dataset: Path = typer.Argument(..., help="Dataset folder."),
    out: Path = typer.Option(..., "--out", help="Findings folder to write."),
) -> None:
    """Find coordinated groups in DATASET and write a Findings folder."""
    from vigie.errors import VigieError

    raise VigieError("detect is not implemented yet")
