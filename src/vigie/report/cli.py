"""``vigie report`` (placeholder until the report work lands)."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    findings: Path = typer.Argument(..., help="Findings folder."),
    html: Path = typer.Option(..., "--html", help="HTML file to write."),
) -> None:
    """Write a self-contained HTML report of FINDINGS."""
    from vigie.errors import VigieError

    raise VigieError("report is not implemented yet")
