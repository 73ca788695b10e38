"""The on-screen summary of an ingest (Rich table): what was kept, refused and why."""

from __future__ import annotations

from rich.table import Table

from vigie.ingest.api import IngestReport
from vigie.progress import console


def print_summary(report: IngestReport) -> None:
    """One row per source, then the refusal reasons, then the Dataset's totals."""
    t = Table(title=f"ingested into {report.dataset}", title_justify="left")
    for col in ("source", "format", "records", "accepted", "rejected", "duplicates"):
        t.add_column(col, justify="left" if col in ("source", "format") else "right")
    for s in report.sources:
        t.add_row(
            s.path,
            s.format,
            f"{s.records:,}",
            f"{s.accepted:,}",
            f"{s.rejected:,}",
            f"{s.duplicates:,}",
        )
    console.print(t)
    if report.rejected_reasons:
        r = Table(title="rejected (see rejected.jsonl)", title_justify="left")
        r.add_column("reason")
        r.add_column("records", justify="right")
        for reason, n in report.rejected_reasons.items():
            r.add_row(reason, f"{n:,}")
        console.print(r)
    if report.skipped:
        k = Table(title="skipped (not posts)", title_justify="left")
        k.add_column("reason")
        k.add_column("records", justify="right")
        for reason, n in report.skipped.items():
            k.add_row(reason, f"{n:,}")
        console.print(k)
    line = (
        f"Dataset now holds [bold]{report.posts:,}[/] posts, [bold]{report.accounts:,}[/] "
        f"accounts, {report.rejected_total:,} rejected records."
    )
    if report.duplicates:
        line += (
            f" {report.duplicates:,} rows repeated a (platform, post_id) already seen and were "
            "merged into that post."
        )
    console.print(line)
