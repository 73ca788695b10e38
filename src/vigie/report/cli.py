"""``vigie report``: write a self-contained HTML report of a Findings folder.

Thin wiring: the work is in ``vigie.report.html``.
"""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    findings: Path = typer.Argument(..., help="Findings folder written by vigie detect."),
    html: Path = typer.Option(..., "--html", help="HTML file to write (self-contained)."),
    truth: Path | None = typer.Option(
        None,
        "--truth",
        help="Exercise mode: truth.parquet from vigie generate; members are coloured by their "
        "truth label and the page shows the score.",
    ),
    dataset: Path | None = typer.Option(
        None,
        "--dataset",
        help="Dataset folder the Findings came from (default: the one in the manifest, if it "
        "is still there); adds the members' whole activity to the timelines.",
    ),
    max_groups: int = typer.Option(
        50, "--max-groups", min=0, help="Groups rendered in detail (highest scores first)."
    ),
    max_nodes: int = typer.Option(
        150, "--max-nodes", min=1, help="Members drawn in one group's network (strongest first)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the network layout."),
) -> None:
    """Write a self-contained HTML report of FINDINGS: summary, DISARM techniques, and per group
    a timeline, its network and the evidence. Opens offline (no external resource)."""
    from vigie.progress import console
    from vigie.report.html import ReportOptions, write_report

    ctx = write_report(
        findings,
        html,
        truth_path=truth,
        dataset_path=dataset,
        options=ReportOptions(max_groups=max_groups, max_nodes=max_nodes, seed=seed),
    )
    shown = len(ctx["details"])
    extra = f" ({shown} of {ctx['n_groups']} in detail)" if ctx["capped"] else ""
    console.print(f"Wrote {html}: {ctx['n_groups']} group(s){extra}.")
