"""``vigie ingest`` (placeholder until the ingestion work lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def ingest(
    sources: list[Path] = typer.Argument(..., help="Files to ingest."),
    into: Path = typer.Option(..., "--into", help="Dataset folder (created or appended to)."),
) -> None:
    """Ingest SOURCES into the Dataset folder."""
    from vigie.errors import VigieError

    raise VigieError("ingest is not implemented yet")
