"""Generator throughput and peak memory: ``vigie generate`` at scale.

Why: the brief's target is one million posts generated in under 60 s on two cores, with
byte-identical output for a given seed. This script runs the public API once (no progress
bar), prints posts/s, wall time, peak RSS and what was written, and can check determinism
by generating twice and comparing file digests.

    .venv/bin/python benchmarks/generate.py                         # 1,000,000 posts
    .venv/bin/python benchmarks/generate.py --posts 300000 --scenario en-presidential
    .venv/bin/python benchmarks/generate.py --posts 200000 --check-determinism
    .venv/bin/python benchmarks/generate.py --posts 100000 --naive-baselines

``--naive-baselines`` scores two naive detectors against the truth (account-level P/R/F1):
"co-reposts or co-links within 60 s with another account at least k times" and "posted a text
that k accounts posted verbatim". They should score poorly: that is what the organic hard
negatives (cascades, superfans, slogans, quotes) are for.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _prf(flagged: int, tp: int, pos: int) -> str:
    p = tp / flagged if flagged else 0.0
    r = tp / pos if pos else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return f"flagged {flagged:>6,}  precision {p:.2f}  recall {r:.2f}  F1 {f1:.2f}"


def naive_baselines(folder: Path) -> None:
    """Account-level scores of two naive detectors on a generated exercise."""
    import duckdb

    con = duckdb.connect()
    con.sql(f"create view p as select * from read_parquet('{folder / 'posts.parquet'}')")
    con.sql(f"create view t as select * from read_parquet('{folder / 'truth.parquet'}')")
    pos = con.sql("select count(*) from t where campaign_id is not null").fetchall()[0][0]
    con.sql(
        """create table acts as
        select account_id a, 'r:' || repost_of o, epoch_ms(created_at) ms
        from p where repost_of is not null
        union all
        select account_id, 'u:' || unnest(urls), epoch_ms(created_at)
        from p where repost_of is null"""
    )
    con.sql(
        """create table pairs as
        select a1.a x, a2.a y, count(distinct a1.o) n from acts a1 join acts a2
        on a1.o = a2.o and a1.a < a2.a and abs(a1.ms - a2.ms) <= 60000 group by 1, 2"""
    )
    for k in (1, 2, 3, 5):
        flagged, tp = con.sql(
            f"""with f as (select x a from pairs where n >= {k}
                           union select y from pairs where n >= {k})
            select count(*), coalesce(sum((t.campaign_id is not null)::int), 0)
            from f join t on t.account_id = f.a"""
        ).fetchall()[0]
        print(f"naive co-action >= {k} (60 s)    {_prf(flagged, tp, pos)}")
    for k in (2, 5):
        flagged, tp = con.sql(
            f"""with dup as (select text from p where repost_of is null
                             group by text having count(distinct account_id) >= {k}),
            f as (select distinct account_id a from p join dup using (text)
                  where repost_of is null)
            select count(*), coalesce(sum((t.campaign_id is not null)::int), 0)
            from f join t on t.account_id = f.a"""
        ).fetchall()[0]
        print(f"naive same text >= {k} accounts  {_prf(flagged, tp, pos)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--scenario", default="fr-presidential")
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--stealth", type=float, default=None)
    ap.add_argument("--out", type=Path, default=None, help="keep the output here")
    ap.add_argument("--check-determinism", action="store_true", help="generate twice, compare")
    ap.add_argument(
        "--naive-baselines", action="store_true", help="score two naive detectors on the output"
    )
    args = ap.parse_args(argv)

    from vigie.exercise.generate import generate

    tmp = Path(tempfile.mkdtemp(prefix="vigie-bench-gen-"))
    out = args.out or tmp / "exercise"
    try:
        t0 = time.perf_counter()
        res = generate(
            args.scenario, args.posts, args.seed, out, stealth=args.stealth, progress=False
        )
        wall = time.perf_counter() - t0
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mib = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        print(f"scenario        {res.scenario} (seed {res.seed}, stealth {res.stealth})")
        print(f"posts           {res.n_posts:,}")
        print(f"accounts        {res.n_accounts:,}")
        print(
            f"campaigns       {res.n_campaigns} ({res.n_campaign_accounts:,} accounts, "
            f"{res.n_campaign_posts:,} coordinated posts)"
        )
        print(f"wall time       {wall:.1f} s")
        print(f"throughput      {res.n_posts / wall:,.0f} posts/s")
        print(f"peak RSS        {peak_mib:,.0f} MiB")
        print(f"output size     {size_mib:,.1f} MiB in {out}")
        print(
            f"machine         {os.cpu_count()} CPUs, load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
        )
        if args.naive_baselines:
            naive_baselines(out)
        if args.check_determinism:
            again = tmp / "again"
            generate(
                args.scenario, args.posts, args.seed, again, stealth=args.stealth, progress=False
            )
            same = _digests(out) == _digests(again)
            print(f"deterministic   {'yes (byte-identical files)' if same else 'NO'}")
            if not same:
                return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
