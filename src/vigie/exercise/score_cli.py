"""``vigie score``: how well a Findings folder matches the ground truth of an exercise.

Thin wiring: the figures come from ``vigie.exercise.score.score_findings``; this module only
prints them as Rich tables, with the definitions underneath, and optionally writes JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from vigie.cases.runref import FINDINGS_HELP, findings_arg

if TYPE_CHECKING:
    from vigie.exercise.score import ScoreReport


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def print_report(rep: ScoreReport, max_campaigns: int = 50) -> None:
    """Print ``rep`` as Rich tables followed by the definitions of every figure."""
    from rich.table import Table

    from vigie.exercise.score import DEFINITIONS
    from vigie.progress import console

    console.print(f"[bold]Scoring[/] {rep.findings}  [dim]against[/] {rep.truth}")
    overall = Table(title="Accounts, overall", title_justify="left")
    for col in ("groups", "flagged", "true pos.", "precision", "recall", "F1", "group purity"):
        overall.add_column(col, justify="right")
    overall.add_row(
        str(rep.groups),
        str(rep.flagged),
        str(rep.true_positives),
        _fmt(rep.precision),
        _fmt(rep.recall),
        _fmt(rep.f1),
        _fmt(rep.group_purity),
    )
    console.print(overall)
    console.print(
        f"Organic false-positive rate: [bold]{_fmt(rep.organic_fpr)}[/] "
        f"({rep.organic_flagged} of {rep.organic} organic accounts flagged); "
        f"{rep.positives} campaign accounts, {rep.truth_accounts} accounts in the truth."
    )
    if rep.authentic_accounts:
        console.print(
            f"Authentic coordination flagged: [bold]{_fmt(rep.authentic_fpr)}[/] "
            f"({rep.authentic_flagged} of {rep.authentic_accounts} accounts of newsroom feeds, "
            "fandoms, follow trains, party networks and activists)."
        )
    rated = (
        f"{rep.groups_likely_authentic} group(s) rated likely authentic"
        if rep.likely_authentic_known
        else "no likely_authentic column in groups.parquet"
    )
    console.print(
        f"Organic false-positive rate outside groups rated likely authentic: "
        f"[bold]{_fmt(rep.organic_fpr_not_authentic)}[/] "
        f"({rep.organic_flagged_not_authentic} accounts; {rated})."
    )
    if rep.unknown_accounts and rep.flagged == 0:
        # not one flagged account is in the truth: the figures are of nothing
        console.print(
            f"[bold yellow]None of the {rep.unknown_accounts} flagged accounts is in the "
            "truth:[/] is this the truth of the exercise these Findings were detected on? "
            f"(e.g. {', '.join(rep.unknown_examples[:3])} are not in it)"
        )
    elif rep.unknown_accounts:
        ex = ", ".join(rep.unknown_examples[:5])
        console.print(
            f"[yellow]{rep.unknown_accounts} flagged account(s) are not in the truth[/] "
            f"and were left out of P/R/F1 (e.g. {ex})."
        )

    per_type = Table(title="By campaign type (R = recall_T, P = precision_T)", title_justify="left")
    per_type.add_column("type", overflow="fold")
    for col in ("accts", "flagged", "R", "P", "F1", "maj."):
        per_type.add_column(col, justify="right")
    for t in rep.by_type:
        per_type.add_row(
            t.campaign_type,
            str(t.accounts),
            str(t.flagged),
            _fmt(t.recall),
            _fmt(t.precision),
            _fmt(t.f1),
            str(t.majority_groups),
        )
    console.print(per_type)

    per_camp = Table(title="By campaign", title_justify="left")
    per_camp.add_column("campaign", overflow="fold")
    per_camp.add_column("type", overflow="fold")
    for col in ("accounts", "flagged", "recall", "groups"):
        per_camp.add_column(col, justify="right")
    for c in rep.by_campaign[:max_campaigns]:
        per_camp.add_row(
            c.campaign_id, c.campaign_type, str(c.accounts), str(c.flagged), _fmt(c.recall),
            str(c.groups),
        )  # fmt: skip
    console.print(per_camp)
    if len(rep.by_campaign) > max_campaigns:
        console.print(
            f"[dim]{len(rep.by_campaign) - max_campaigns} more campaign(s) in --json output.[/]"
        )

    console.print(
        "[bold]Definitions[/] (maj. groups = groups whose majority truth label is the type)"
    )
    for key, text in DEFINITIONS.items():
        console.print(f"  [cyan]{key}[/]: {text}")
    console.print("  [dim]— = undefined (division by zero).[/]")


def find_truth(findings: Path) -> Path:
    """The truth of the scenario FINDINGS were detected in: ``truth.parquet`` in the
    Dataset (a generated folder detected as it is), else beside one of the files it was
    ingested from (``vigie generate --out EX`` then ``vigie ingest EX/posts.parquet``),
    read from the two manifests. Only a single candidate is taken: several scenarios
    ingested into one Dataset have no one truth."""
    from vigie.atomic import read_manifest as manifest
    from vigie.errors import VigieError

    ask = "give --truth TRUTH (truth.parquet from vigie generate)"
    came = manifest(findings).get("dataset")
    if not isinstance(came, str) or not came:
        raise VigieError(
            f"{findings}: no Dataset named in its manifest to find the truth by: {ask}"
        )
    from vigie.schema import recorded_dataset

    dataset = recorded_dataset(findings, came, holding="manifest.json")
    if dataset is None:
        raise VigieError(f"{findings}: its Dataset {came} is not found from here: {ask}")
    found: list[Path] = []
    if (dataset / "truth.parquet").is_file():
        found.append(dataset / "truth.parquet")
    else:
        for src in manifest(dataset).get("sources") or []:
            path = src.get("path") if isinstance(src, dict) else None
            if not isinstance(path, str):
                continue
            # relative to where ingest ran: here, beside the Dataset, or a workspace's root
            # (its Datasets are datasets/NAME)
            for base in (Path(path), dataset.parent / path, dataset.parent.parent / path):
                cand = base.parent / "truth.parquet"
                if cand.is_file():
                    found.append(cand.resolve())
                    break
    found = sorted(set(found))
    if len(found) != 1:
        why = "several found: " + ", ".join(map(str, found)) if found else "none found"
        raise VigieError(f"{findings}: {ask} ({why} in or beside the Dataset {dataset})")
    return found[0]


def score(
    findings: Path | None = typer.Argument(None, help=FINDINGS_HELP),
    truth: Path | None = typer.Option(
        None,
        "--truth",
        help="truth.parquet from vigie generate (or the folder holding it); default: the one "
        "in or beside the Dataset the Findings came from (its generated source's folder).",
    ),
    json_out: Path | None = typer.Option(
        None, "--json", help="Also write every figure (and the definitions) to this JSON file."
    ),
    workspace: str | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Workspace whose runs FINDINGS may name (default: $VIGIE_WORKSPACE, else found "
        "from here upwards).",
    ),
) -> None:
    """Score FINDINGS against the ground truth: account-level precision, recall and F1 (overall,
    per campaign type, per campaign), organic false-positive rate and group purity."""
    from vigie.exercise.score import score_findings
    from vigie.progress import console
    from vigie.schema import write_json

    findings = findings_arg(findings, workspace)
    if truth is None:
        truth = find_truth(findings)
        console.print(f"truth: {truth} (the Dataset's generated scenario; --truth to choose)")
    rep = score_findings(findings, truth)
    print_report(rep)
    if json_out is not None:
        write_json(json_out, rep.to_dict())
        console.print(f"Wrote {json_out}")
