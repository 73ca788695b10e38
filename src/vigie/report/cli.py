"""``vigie report``: write a self-contained HTML report of a Findings folder.

Thin wiring: the work is in ``vigie.report.html``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from vigie.cases.runref import FINDINGS_HELP, findings_arg
from vigie.risk.pdf import OUT_HELP


def report(
    findings: Path | None = typer.Argument(None, help=FINDINGS_HELP),
    html: Path | None = typer.Option(
        None,
        "--html",
        help="HTML file to write (self-contained); with neither --html nor --pdf: "
        "FINDINGS.html beside the folder.",
    ),
    pdf: Path | None = typer.Option(
        None,
        "--pdf",
        help="PDF file to write (printed by headless Chromium, every group section open).",
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help=OUT_HELP),
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
    workspace: str | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Workspace whose decisions to show (status, reason, note, history, changes since "
        "the previous run); default: $VIGIE_WORKSPACE, else found from here upwards.",
    ),
    hide_dismissed: bool = typer.Option(
        False, "--hide-dismissed", help="With a workspace: leave dismissed groups out."
    ),
) -> None:
    """Write a self-contained HTML report of FINDINGS: summary, DISARM techniques, and per group
    a timeline, its network and the evidence. Opens offline (no external resource)."""
    from functools import partial

    from vigie.cases.downstream import find_workspace
    from vigie.progress import console
    from vigie.report.html import ReportOptions, write_report
    from vigie.risk.pdf import page_outputs

    html, pdf = page_outputs(out, html, pdf)
    findings = findings_arg(findings, workspace)
    if html is None and pdf is None:  # beside the folder: `vigie detect` swaps it whole
        folder = findings if findings.name not in ("", ".", "..") else findings.resolve()
        html = folder.parent / f"{folder.name}.html"
    writer = write_report
    ws = find_workspace(workspace, findings)
    if ws is not None:  # show the decisions, a triage section and the changes since last run
        from vigie.cases.report import write_report as write_with_cases

        writer = partial(write_with_cases, ws=ws, hide_dismissed=hide_dismissed)
    elif hide_dismissed:
        from vigie.errors import VigieError

        raise VigieError("--hide-dismissed needs a workspace (vigie init, or --workspace)")

    def write(out: Path, open_all: bool = False) -> dict:
        opts = ReportOptions(
            max_groups=max_groups, max_nodes=max_nodes, seed=seed, open_all=open_all
        )
        return writer(findings, out, truth_path=truth, dataset_path=dataset, options=opts)

    if html is not None:
        ctx = write(html)
        shown = len(ctx["details"])
        extra = f" ({shown} of {ctx['n_groups']} in detail)" if ctx["capped"] else ""
        console.print(f"Wrote {html}: {ctx['n_groups']} group(s){extra}.")
    if pdf is not None:
        import tempfile

        from vigie.risk.pdf import html_to_pdf, require_chromium

        require_chromium()  # before the page is built
        with tempfile.TemporaryDirectory(prefix="vigie-report-") as tmp:
            ctx = write(Path(tmp) / "report.html", open_all=True)
            html_to_pdf(Path(tmp) / "report.html", pdf)
        console.print(f"Wrote {pdf}: {ctx['n_groups']} group(s), every section open.")
