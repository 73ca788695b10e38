"""``vigie detect DATASET --out FINDINGS [--config detect.toml]``: thin wiring.

The work is in ``vigie.detect.pipeline.run_detection``; this module parses the flags, shows
progress bars and prints a short Rich summary of what was found and how.
"""

from __future__ import annotations

from pathlib import Path

import typer


def detect(
    dataset: str | None = typer.Argument(
        None,
        help="Dataset folder (from vigie ingest or generate); in a workspace, default: its "
        "only Dataset.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Findings folder to write (replaced atomically). Default in a workspace: "
        "runs/<UTC time>/, registered.",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="TOML file overriding detector settings (windows in seconds)."
    ),
    method: str = typer.Option(
        "vigie", "--method", help="vigie (chance-controlled, default) or coortweet (CooRTweet 2.x)."
    ),
    window: float | None = typer.Option(
        None, "--window", help="coortweet: time_window in seconds (default 10)."
    ),
    only: list[str] | None = typer.Option(
        None, "--only", help="coortweet: co_repost, co_link, co_hashtag or co_media (repeatable)."
    ),
    workspace: str | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Workspace to register the run in (groups get stable ids; see vigie triage).",
    ),
    engine: str = typer.Option(
        "duckdb",
        "--engine",
        help="duckdb (one machine, default) or spark (Apache Spark; needs vigie[spark] and "
        "Java; DATASET may then be a Hadoop URI: s3a://, abfss://, hdfs://). See docs/spark.md.",
    ),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="spark: master URL (default: spark-submit's, else local[*])."
    ),
    spark_conf: list[str] | None = typer.Option(
        None, "--spark-conf", help="spark: a KEY=VALUE Spark setting (repeatable)."
    ),
) -> None:
    """Find coordinated groups in DATASET and write a Findings folder with evidence."""
    import time

    from vigie.cases.detect_hook import finish_run, plan_run

    spark = None
    if engine not in ("duckdb", "spark"):
        from vigie.errors import VigieError

        raise VigieError(f"--engine {engine!r}: expected duckdb or spark")
    if engine == "spark":
        from vigie.detect.spark_engine import SparkOptions, parse_conf

        spark = SparkOptions(master=spark_master, conf=parse_conf(spark_conf))
    if dataset is None:
        from vigie.cases.runref import workspace_dataset
        from vigie.progress import console

        dataset = str(workspace_dataset(workspace))
        console.print(f"dataset: {dataset} (the workspace's only one)", highlight=False)
    out, ws = plan_run(out, workspace)
    started = time.perf_counter()
    if method != "vigie" or window is not None or only:
        from vigie.detect.coortweet_findings import run_cli

        if spark is not None:
            from vigie.errors import VigieError

            raise VigieError("--engine spark runs vigie's method only (not --method coortweet)")
        run_cli(Path(dataset), out, config, method, window, only, started)
        if ws is not None:
            finish_run(ws, out)
        return
    if spark is not None:
        from vigie.detect.pipeline import run_detection

        findings = run_detection(dataset, out, config, True, spark)
    else:
        from vigie.detect.empty import run_if_empty

        findings = run_if_empty(Path(dataset), out, config)  # no posts: no engine to start
        if findings is None:
            from vigie.detect.pipeline import run_detection

            findings = run_detection(Path(dataset), out, config=config, progress=True)
    print_summary(findings.manifest(), time.perf_counter() - started, out)
    if ws is not None:
        finish_run(ws, out)


def print_summary(manifest: dict, seconds: float, out: Path) -> None:
    """Signals (window, candidate pairs, kept, observed vs expected) and the top groups."""
    import pyarrow.parquet as pq
    from rich.table import Table

    from vigie.progress import console

    sig = Table(title="Signals (chance-controlled)", title_justify="left")
    # the signal's name whole ("creation_b…" on 80 columns): the figures wrap instead
    sig.add_column(
        "signal", no_wrap=True, min_width=max(map(len, manifest.get("signals", {})), default=6)
    )
    for col in ("window s", "actions", "pairs", "kept", "observed", "expected"):
        sig.add_column(col, justify="right")
    for kind, s in manifest.get("signals", {}).items():
        w = s.get("window_s", "")
        sig.add_row(
            kind,
            f"{w:.0f}" if isinstance(w, (int, float)) and w >= 1000 else f"{w}",
            f"{s.get('actions', '—')}",
            f"{s.get('pairs', 0)}",
            f"{s.get('kept', 0)}",
            f"{s.get('observed_kept', '—')}",
            f"{s['expected_kept']:.2f}" if "expected_kept" in s else "—",
        )
    console.print(sig)
    # ParquetFile, not read_table: no pyarrow.dataset to import (0.2 s of start-up)
    groups = pq.ParquetFile(out / "groups.parquet").read().slice(0, 10).to_pylist()
    if groups:
        gt = Table(title="Top groups", title_justify="left")
        gt.add_column("group", no_wrap=True)
        for col in ("score", "members", "signals", "DISARM"):
            gt.add_column(col)
        for g in groups:
            gt.add_row(
                g["group_id"],
                f"{g['score']:.2f}",
                str(g["n_members"]),
                ", ".join(g["signals"] or []),
                ", ".join(g["techniques"] or []),
            )
        console.print(gt)
    counts = manifest.get("counts", {})
    skipped = manifest.get("skipped", {})
    for line in (manifest.get("diagnosis") or {}).get("lines", []):
        console.print(f"[dim]•[/] {line}")
    console.print(
        f"[bold green]{counts.get('groups', 0)} groups[/], {counts.get('members', 0)} members, "
        f"{counts.get('edges', 0)} edges in {seconds:.1f} s → {out}/"
        + (
            f"  [dim](skipped: {', '.join(f'{k}={v}' for k, v in skipped.items())})[/]"
            if skipped
            else ""
        )
    )
