"""Ingest throughput and peak memory on a large synthetic JSONL (or Parquet) file.

Why: the brief's target is a 10M-record JSONL ingested with peak RSS under 2 GB. This script
generates a file of canonical-looking posts (explicit seed; ~2 % re-collected posts to
exercise de-duplication, ~0.1 % broken lines to exercise refusals), ingests it through the
public API, and prints records/s and the process's peak RSS.

    .venv/bin/python benchmarks/ingest.py                      # 1M records
    .venv/bin/python benchmarks/ingest.py --records 10000000   # the 2 GB target
    .venv/bin/python benchmarks/ingest.py --source parquet     # the demo's path
    .venv/bin/python benchmarks/ingest.py --source csv         # a spreadsheet export: text only
    .venv/bin/python benchmarks/ingest.py --format x           # twarc2 pages (100k tweets)
    .venv/bin/python benchmarks/ingest.py --format apify       # Apify tweets (100k items)
    .venv/bin/python benchmarks/ingest.py --format all         # every format, one process each

Every run also prints the floor: DuckDB's bare parse of the same file (``read_json``, every
field materialised; twarc2 pages unnested to tweets), as records/s and as vigie's ratio to it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

T0 = datetime(2024, 5, 1, tzinfo=UTC)
DOMAINS = ["example.org", "nachrichten.example.de", "www.journal.example.fr", "blog.example.com"]
TAGS = ["wahl", "btw", "europawahl", "demokratie", "briefwahl", "umfrage", "debatte"]


def generate(path: Path, n: int, seed: int, with_text_entities: bool) -> dict[str, int]:
    """Write ``n`` JSONL records; returns how many are duplicates and broken lines."""
    rng = random.Random(seed)
    n_accounts = max(10, n // 20)
    url_pool = max(1000, n // 4)
    dup = broken = 0
    written = bytearray(n)  # which post ids were already written (1 byte per record)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            r = rng.random()
            if r < 0.001:
                fh.write('{"post_id": "broken", "created_at": \n')
                broken += 1
                continue
            pid = rng.randrange(i) if (r < 0.021 and i > 0) else i
            dup += written[pid]
            written[pid] = 1
            # a re-collected post keeps its author (and so its platform): same (platform, id)
            acc = (pid * 2_654_435_761) % n_accounts
            # heavy-tailed URL popularity: ~22 % of URL occurrences are distinct, close to
            # the real German-election table (11,960 distinct url_id in 50,785 occurrences)
            u = int(url_pool * rng.random() ** 3)
            url = f"https://{DOMAINS[u % len(DOMAINS)]}/a/{u}?utm_source=x"
            tag = rng.choice(TAGS)
            rec = {
                "post_id": f"p{pid}",
                "platform": "x" if acc % 3 else "facebook",
                "account_id": f"a{acc}",
                "created_at": (T0 + timedelta(seconds=pid * 0.25)).isoformat(),
                "text": f"Post {pid} über #{tag} von @a{rng.randrange(n_accounts)} {url}",
                "lang": "de",
            }
            if not with_text_entities:
                rec.update(urls=[url], hashtags=[tag], mentions=[], media=[])
            if r > 0.97:
                rec["repost_of"] = f"p{rng.randrange(max(1, i))}"
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return {"duplicates": dup, "broken": broken}


def to_parquet(jsonl: Path, out: Path) -> None:
    """The same records as a POSTS_SCHEMA Parquet file (what the demo's generator writes)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit='1GB'")
    con.execute(
        f"""COPY (SELECT post_id, platform, account_id, created_at::TIMESTAMPTZ AS created_at,
                   text, lang, urls, hashtags, mentions, media, repost_of,
                   NULL::VARCHAR AS reply_to, NULL::VARCHAR AS quote_of
            FROM read_json('{jsonl}', format='newline_delimited', ignore_errors=true))
            TO '{out}' (FORMAT parquet)"""
    )


def to_csv(jsonl: Path, out: Path) -> None:
    """The same records as a CSV of their scalar columns, as a spreadsheet export has them:
    the URLs, hashtags and mentions are then read from the text (``--source csv``)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit='1GB'")
    con.execute(
        f"""COPY (SELECT post_id, platform, account_id, created_at, text, lang, repost_of
            FROM read_json('{jsonl}', format='newline_delimited', ignore_errors=true))
            TO '{out}' (HEADER, DELIMITER ',')"""
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--records", type=int, default=None, help="default: 1M (jsonl), 100k (other formats)"
    )
    ap.add_argument(
        "--format",
        default="jsonl",
        help="jsonl (generic table), x (twarc2 pages), x-flat, jetstream, mastodon, apify (Tweet "
        "Scraper V2 items), threads (Threads API pages), twint (twint's --json lines), or all",
    )
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--source", choices=["jsonl", "parquet", "csv"], default="jsonl")
    ap.add_argument(
        "--text-entities",
        action="store_true",
        help="omit urls/hashtags/mentions: extract them from the text",
    )
    ap.add_argument("--memory-limit", default="1GB")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    if args.format == "all":
        _run_all(args)
        return
    if args.records is None:
        args.records = 1_000_000 if args.format == "jsonl" else 100_000

    from vigie.ingest import ingest

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ingest_formats import FORMATS

    if args.workdir:  # a folder named on the command line may not exist yet
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-", dir=args.workdir))
    try:
        src = work / "posts.jsonl"
        t = time.perf_counter()
        if args.format == "jsonl":
            stats = generate(src, args.records, args.seed, args.text_entities)
            unnest = None
        else:
            writer, unnest = FORMATS[args.format]
            writer(src, args.records, args.seed)
            stats = {"duplicates": 0, "broken": 0}
        gen_s = time.perf_counter() - t
        if args.source == "parquet":
            pq_src = work / "posts.parquet"
            to_parquet(src, pq_src)
            src.unlink()
            src = pq_src
        elif args.source == "csv":
            csv_src = work / "posts.csv"
            to_csv(src, csv_src)
            src.unlink()
            src = csv_src
        size_mb = src.stat().st_size / 1e6
        proc = psutil.Process()
        rss_before = proc.memory_info().rss / 1e6
        cpu0 = proc.cpu_times()
        t = time.perf_counter()
        report = ingest([src], work / "ds", memory_limit=args.memory_limit)
        wall = time.perf_counter() - t
        cpu1 = proc.cpu_times()
        cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        out_mb = sum(p.stat().st_size for p in (work / "ds").iterdir()) / 1e6
        print(
            f"source            {args.format if args.source == 'jsonl' else args.source}, "
            f"{args.records:,} records, {size_mb:,.0f} MB "
            f"(generated in {gen_s:.1f} s; {stats['duplicates']:,} re-collected, "
            f"{stats['broken']:,} broken lines)"
        )
        print(f"ingest wall time  {wall:.1f} s")
        print(
            f"throughput        {args.records / wall:,.0f} records/s "
            f"(CPU time {cpu:.1f} s; {args.records / cpu:,.0f} records per CPU-second; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
            flush=True,
        )
        print(
            f"peak RSS          {peak_mb:,.0f} MB (process, ru_maxrss; {rss_before:,.0f} MB "
            "before ingest)",
            flush=True,
        )
        # the floor is measured after the ingest's own figures are out (at 10M records DuckDB's
        # parse of every field is the larger job)
        floor = None
        if args.source in ("jsonl", "csv"):
            import duckdb

            try:
                floor = _floor(src, unnest)
            except duckdb.Error as exc:  # the floor's own limit, not vigie's
                print(f"floor (DuckDB)    not measured: {str(exc).splitlines()[0]}")
        if floor is not None:
            print(
                f"floor (DuckDB)    {args.records / floor[0]:,.0f} records/s "
                f"(bare {'read_csv' if args.source == 'csv' else 'read_json'} of the same file: "
                f"{floor[0]:.1f} s wall, {floor[1]:.1f} s CPU)"
            )
            print(
                f"vigie / floor     {wall / floor[0]:.1f}x wall time, "
                f"{cpu / floor[1]:.1f}x CPU time"
            )
        print(
            f"dataset           {report.posts:,} posts, {report.accounts:,} accounts, "
            f"{report.rejected_total:,} rejected, {report.duplicates:,} duplicates, "
            f"{out_mb:,.0f} MB on disk"
        )
        ok = report.rejected_total == stats["broken"] and report.duplicates == stats["duplicates"]
        if args.format != "jsonl":  # every generated record is one post
            ok = report.rejected_total == 0 and report.posts == args.records
        print(f"check             refusals and duplicates match the generator: {ok}")
        sys.exit(0 if ok else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _floor(src: Path, unnest: str | None) -> tuple[float, float]:
    """Wall and CPU seconds DuckDB takes to parse every field of ``src`` (the speed floor)."""
    import duckdb
    from ingest_formats import floor_query

    con = duckdb.connect()
    con.execute("SET memory_limit='4GB'")
    con.execute("SET preserve_insertion_order=false")  # a count: no order to keep
    proc = psutil.Process()
    c0 = proc.cpu_times()
    t = time.perf_counter()
    con.execute(floor_query(src, unnest)).fetchone()
    wall = time.perf_counter() - t
    c1 = proc.cpu_times()
    return wall, (c1.user - c0.user) + (c1.system - c0.system)


def _run_all(args: argparse.Namespace) -> None:
    """Each format in its own process, so that each peak RSS is its own; then one line per
    format: vigie beside the floor, as a ratio."""
    rows = []
    for fmt in ("jsonl", "x", "x-flat", "jetstream", "mastodon", "apify", "threads", "twint"):
        cmd = [sys.executable, __file__, "--format", fmt, "--seed", str(args.seed)]
        if args.records is not None:
            cmd += ["--records", str(args.records)]
        if args.workdir is not None:
            cmd += ["--workdir", str(args.workdir)]
        print(f"== {fmt}", flush=True)
        out = subprocess.run(cmd, check=False, capture_output=True, text=True)
        print(out.stdout, end="", flush=True)
        print(out.stderr, end="", file=sys.stderr, flush=True)
        rows.append((fmt, _summary(out.stdout)))
    print(
        "\nformat     vigie rec/s  floor rec/s  wall ratio  CPU ratio  vigie CPU  floor CPU"
        "  peak RSS"
    )
    for fmt, r in rows:
        print(
            f"{fmt:<10} {r.get('vigie', '?'):>11}  {r.get('floor', '?'):>11}  "
            f"{r.get('wall', '?'):>10}  {r.get('cpu', '?'):>9}  {r.get('vcpu', '?'):>9}  "
            f"{r.get('fcpu', '?'):>9}  {r.get('rss', '?'):>8}"
        )


def _summary(stdout: str) -> dict[str, str]:
    """The figures of one format's run, read back from its printed lines."""
    r: dict[str, str] = {}
    for line in stdout.splitlines():
        words = line.split()
        if line.startswith("throughput"):
            r["vigie"], r["vcpu"] = words[1], words[5] + " s"
        elif line.startswith("floor (DuckDB)") and words[2] != "not":
            r["floor"], r["fcpu"] = words[2], words[-3] + " s"
        elif line.startswith("vigie / floor"):
            r["wall"], r["cpu"] = words[3], words[6]
        elif line.startswith("peak RSS"):
            r["rss"] = words[2] + " MB"
    return r


if __name__ == "__main__":
    main()
