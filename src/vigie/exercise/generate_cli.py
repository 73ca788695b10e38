"""``vigie generate``: write a synthetic election exercise (Dataset + ground truth)."""

from __future__ import annotations

from pathlib import Path

import typer

from vigie.exercise.scenarios import list_scenarios


def generate(
    out: Path = typer.Option(None, "--out", "-o", help="Folder to write (Dataset + truth files)."),
    scenario: str = typer.Option(
        "fr-presidential",
        "--scenario",
        help=f"Preset name: {', '.join(list_scenarios())} (details with --list).",
    ),
    posts: int = typer.Option(None, "--posts", help="Number of posts (preset default if omitted)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; same seed, same bytes."),
    stealth: str = typer.Option(
        None,
        "--stealth",
        help="low, medium, high (0.2, 0.5, 0.8) or a number from 0 (blatant) to 1 (hidden); "
        "the preset's default if omitted.",
    ),
    campaign_scale: float = typer.Option(
        1.0, "--campaign-scale", help="Multiply the preset's campaign sizes."
    ),
    list_: bool = typer.Option(False, "--list", help="List the scenario presets and exit."),
) -> None:
    """Generate a synthetic election scenario with injected campaigns and ground truth."""
    from vigie.errors import VigieError
    from vigie.exercise.scenarios import SCENARIOS, get_scenario
    from vigie.progress import console

    if list_:
        for name in list_scenarios():
            console.print(f"[bold]{name}[/]: {SCENARIOS[name].summary()}")
        return
    if out is None:
        raise VigieError("--out is required (the folder to write)")
    sc = get_scenario(scenario)
    n = sc.default_posts if posts is None else posts

    from vigie.exercise.generate import generate as run
    from vigie.exercise.kinds import parse_stealth

    level = parse_stealth(stealth)
    res = run(scenario, n, seed, out, stealth=level, progress=True, campaign_scale=campaign_scale)
    console.print(
        f"[green]wrote[/] {res.out}/: {res.n_posts:,} posts, {res.n_accounts:,} accounts; "
        f"{res.n_campaigns} campaigns ({res.n_campaign_accounts:,} accounts, "
        f"{res.n_campaign_posts:,} coordinated posts), stealth {res.stealth}, seed {res.seed}"
    )
    console.print(
        "    truth: truth.parquet (accounts), truth_posts.parquet (posts), campaigns.json"
    )
