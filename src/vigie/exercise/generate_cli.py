"""``vigie generate`` (placeholder until the generator lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def generate(
    out: Path = typer.Option(..., "--out", help="Dataset folder to write."),
) -> None:
    """Generate a synthetic election scenario with ground truth."""
    from vigie.errors import VigieError

    raise VigieError("generate is not implemented yet")
