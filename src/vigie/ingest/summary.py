"""The on-screen summary of an ingest (Rich table): what was kept, refused and why."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from vigie.errors import record_label
from vigie.ingest.api import IngestReport, SourcePreview
from vigie.ingest.detect_format import ACCOUNT_FORMATS
from vigie.ingest.model import VALUE_NOTES
from vigie.progress import console, err_console


def print_summary(report: IngestReport) -> None:
    """One row per source, then the refusal reasons, then the Dataset's totals."""
    # sources of one folder are named by their file names, the folder said once above;
    # a path folds rather than losing its end (the file's name) to "…"
    parents = {str(Path(s.path).parent) for s in report.sources}
    one = parents.pop() if len(parents) == 1 and len(report.sources) > 1 else None
    title = f"ingested into {report.dataset}" + (f" from {one}/" if one not in (None, ".") else "")
    t = Table(title=title, title_justify="left")
    t.add_column("source", overflow="fold")
    t.add_column("format", no_wrap=True)
    for col in ("records", "accepted", "rejected", "duplicates"):
        t.add_column(col, justify="right")
    for s in report.sources:
        t.add_row(
            Path(s.path).name if one is not None else s.path,
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
    # the manifest's ``skipped`` also counts repairs and caveats inside kept records
    # (``VALUE_NOTES``): under "skipped (not posts)" a kept forward read as a lost one
    left = {k: n for k, n in report.skipped.items() if not k.startswith(VALUE_NOTES)}
    kept = {k: n for k, n in report.skipped.items() if k.startswith(VALUE_NOTES)}
    for title, unit, counts in (
        ("skipped (not posts)", "records", left),
        ("kept, with a note", "times", kept),
    ):
        if counts:
            k = Table(title=title, title_justify="left")
            k.add_column("reason", overflow="fold")
            k.add_column(unit, justify="right")
            for reason, n in counts.items():
                k.add_row(reason, f"{n:,}")
            console.print(k)
    notes: dict[str, int] = {}
    for s in report.sources:
        for note, n in s.notes.items():
            notes[note] = notes.get(note, 0) + n
    for note, n in notes.items():
        console.print(f"note: {n:,} posts: {note}", highlight=False, soft_wrap=True)
    if report.conflicts:
        lost = ", ".join(f"{f}: {n:,}" for f, n in sorted(report.conflicts.items()))
        err_console.print(
            f"[yellow]warning:[/] merged posts disagreed on a value; the earliest-ingested one "
            f"was kept and the others dropped (posts per field: {lost}); see manifest.json "
            "merge_conflicts",
            highlight=False,
            soft_wrap=True,
        )
    for s in report.sources:
        for w in s.warnings:
            err_console.print(f"[yellow]warning:[/] {s.path}: {w}", highlight=False, soft_wrap=True)
    line = (
        f"Dataset now holds [bold]{report.posts:,}[/] posts, [bold]{report.accounts:,}[/] "
        f"accounts, {report.rejected_total:,} rejected records."
    )
    if report.refused_before:
        line += (
            f" {report.refused_before:,} of the records refused were refused before (the same "
            "lines ingested again) and are kept once in rejected.jsonl."
        )
    acc_dups = sum(s.duplicates for s in report.sources if s.format in ACCOUNT_FORMATS)
    post_dups = report.duplicates - acc_dups
    if post_dups:
        line += (
            f" {post_dups:,} rows repeated a (platform, post_id) already seen and were "
            "merged into that post."
        )
    if acc_dups:
        line += (
            f" {acc_dups:,} account rows repeated a (platform, account_id) already seen; each "
            "profile field keeps its latest known value."
        )
    console.print(line)


def print_preview(previews: list[SourcePreview]) -> None:
    """``--dry-run``: per source, each canonical field's source and first values; unmapped
    columns and warnings; what the first batch would refuse. Nothing is written."""
    for p in previews:
        title = f"dry run: {p.path} ({p.format})" + (f", {p.dialect}" if p.dialect else "")
        t = Table(title=title, title_justify="left")
        t.add_column("field")
        t.add_column("from")
        t.add_column("first values")
        for name, (src, vals) in p.fields.items():
            t.add_row(name, src, " | ".join(vals) if vals else "[dim](empty)[/]")
        console.print(t)
        if p.unmapped:
            console.print(
                f"unmapped columns (ignored): {', '.join(p.unmapped)}",
                highlight=False,
                soft_wrap=True,
            )
        for w in p.warnings:
            err_console.print(f"[yellow]warning:[/] {p.path}: {w}", highlight=False, soft_wrap=True)
        line = f"first batch: {p.records:,} records, {p.accepted:,} would be accepted"
        if p.rejected_reasons:
            parts = []
            for reason, n in p.rejected_reasons.items():
                ex = p.examples.get(reason)
                detail = ""
                if ex and ex.detail:
                    detail = f" (e.g. {record_label(ex.record)}: {ex.detail})"
                parts.append(f"{reason}: {n:,}{detail}")
            line += "; refused: " + "; ".join(parts)
        if p.skipped:
            line += "; skipped: " + "; ".join(f"{why}: {n:,}" for why, n in p.skipped.items())
        console.print(line, highlight=False, soft_wrap=True)
    console.print("dry run: nothing was written.")
