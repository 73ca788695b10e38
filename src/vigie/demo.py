"""``vigie demo``: the main job end to end, on embedded defaults, in a few minutes.

Why a demo command: a new user (or a steering committee) must see in one command what vigie
does: a synthetic French presidential election with injected campaigns is generated, ingested
like real data, searched for coordinated groups, scored against the ground truth and rendered
as an HTML report. Every step writes a folder the user can open afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from vigie.progress import console


def _step(n: int, total: int, text: str) -> None:
    console.print(f"\n[bold cyan]{n}/{total}[/] {text}")


def _earlier_demo(dataset: Path) -> bool:
    """Whether ``dataset`` is absent, empty, or a Dataset an earlier ``vigie demo`` made:
    every source it was ingested from is a ``scenario/`` file (the demo's own)."""
    from vigie.errors import VigieError
    from vigie.schema import Dataset, read_json

    if not dataset.is_dir() or not any(dataset.iterdir()):
        return True
    ds = Dataset(dataset)
    if not ds.exists():
        return False
    try:
        manifest: Any = read_json(ds.manifest_path)
    except VigieError:  # unreadable: not recognised, so refused
        return False
    if not isinstance(manifest, dict) or manifest.get("kind") != Dataset.KIND:
        return False
    sources = manifest.get("sources")
    if not isinstance(sources, list) or not sources:
        return False
    own = {("scenario", "posts.parquet"), ("scenario", "accounts.parquet")}
    return all(
        isinstance(s, dict) and tuple(Path(str(s.get("path", ""))).parts[-2:]) in own
        for s in sources
    )


DEMO_NAMES = frozenset({"scenario", "dataset", "findings", "report.html"})
"""What a demo writes before its folder becomes a workspace (a run interrupted there)."""


def _check_outputs(out: Path) -> None:
    """Refuse, before any work, an ``--out`` whose demo folders hold something else.

    Why: the demo's Dataset was appended to, not replaced: a second demo in the same
    folder with another seed scored two scenarios' posts against one truth ("187 flagged
    accounts are not in the truth"). Each run now rebuilds the scenario, the Dataset and
    the Findings; a folder of those names that an earlier demo did not make is refused
    before the minutes of generation, not after."""
    from vigie.atomic import check_replaceable
    from vigie.cases.workspace import MARKER
    from vigie.errors import VigieError
    from vigie.schema import Dataset, Findings

    if out.is_dir() and not (out / MARKER).exists():
        # the demo makes its folder a workspace (datasets/, runs/, cases.db): in a folder of
        # the user's own files (--out ~/Documents) they were mixed among them, kept, but a
        # workspace then spread over someone's papers, as vigie serve already refuses
        foreign = sorted(p.name for p in out.iterdir() if p.name not in DEMO_NAMES)
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise VigieError(
                f"{out}: not empty and not a vigie workspace (it holds "
                f"{', '.join(foreign[:3])}{more}); the demo makes its folder a workspace: "
                "give a new --out folder"
            )
    check_replaceable(out / "scenario", "generated exercise", Dataset.KIND, "truth.parquet")
    if not _earlier_demo(out / "dataset"):
        raise VigieError(
            f"{out / 'dataset'}: exists and is not a Dataset an earlier vigie demo made; the "
            "demo rebuilds it from its scenario and would replace what is there: choose a new "
            "--out folder, or remove this one yourself"
        )
    check_replaceable(out / "findings", "Findings folder", Findings.KIND)


def demo(
    out: Path = typer.Option(Path("vigie-demo"), "--out", "-o", help="Folder for every output."),
    posts: int = typer.Option(300_000, "--posts", min=1000, help="Posts to generate."),
    seed: int = typer.Option(2027, "--seed", help="Random seed of the scenario."),
    scenario: str = typer.Option("fr-presidential", "--scenario", help="Scenario preset."),
    stealth: float | None = typer.Option(
        None, "--stealth", min=0.0, max=1.0, help="Campaign stealth 0..1 (preset default)."
    ),
    campaign_scale: float = typer.Option(
        1.0,
        "--campaign-scale",
        help="Multiply the preset's campaign sizes (below 1: a smaller --posts is enough).",
    ),
) -> None:
    """Generate a French-election scenario, ingest it, detect, score and report."""
    from vigie.atomic import atomic_dir
    from vigie.detect.pipeline import run_detection
    from vigie.exercise.generate import generate
    from vigie.exercise.score import score_findings
    from vigie.exercise.score_cli import print_report
    from vigie.ingest import ingest
    from vigie.report.html import write_report

    started = time.perf_counter()
    _check_outputs(out)
    out.mkdir(parents=True, exist_ok=True)
    raw, dataset, findings_dir = out / "scenario", out / "dataset", out / "findings"
    html = out / "report.html"
    total = 5

    _step(1, total, f"Generating the '{scenario}' exercise: {posts:,} posts (seed {seed})")
    gen = generate(
        scenario, posts, seed, raw, stealth=stealth, progress=True, campaign_scale=campaign_scale
    )
    console.print(f"    wrote {raw}/ (posts, accounts, ground truth)")

    _step(2, total, "Ingesting the generated posts as an analyst would ingest real data")
    with atomic_dir(dataset, "Dataset") as fresh:  # this scenario's posts only
        ingest([raw / "posts.parquet"], fresh, fmt="parquet")
        ingest([raw / "accounts.parquet"], fresh, fmt="accounts")
    console.print(f"    wrote {dataset}/")

    _step(3, total, "Detecting coordinated groups (with chance control)")
    findings = run_detection(dataset, findings_dir, progress=True)
    m = findings.manifest()
    console.print(
        f"    {m['counts']['groups']} groups, {m['counts']['members']} members → {findings_dir}/"
    )

    _step(4, total, "Scoring the findings against the exercise's ground truth")
    report = score_findings(findings_dir, raw / "truth.parquet")
    print_report(report)

    _step(5, total, "Writing the HTML report")
    write_report(findings_dir, html, truth_path=raw / "truth.parquet", dataset_path=dataset)
    console.print(f"    open {html} in a browser (works offline)")
    from vigie.cases.workspace import Workspace

    ws = Workspace.init(out)  # the demo folder is a workspace: triage and the workbench work
    run = ws.register_run(findings_dir, label="demo", author="vigie demo")
    console.print(f"    registered as run #{run.seq} of workspace {out}/ (vigie serve {out})")

    elapsed = time.perf_counter() - started
    console.print(
        f"\n[bold green]Done[/] in {elapsed:.0f} s. "
        f"Generated {gen.n_posts:,} posts; outputs under {out}/."
    )
