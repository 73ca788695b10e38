"""Benchmark the case store: stable ids across runs, on real data, and registration speed.

Real data (the German 2021 election sample beside the checkout, ``../shared/data/real``):
the posts up to a cut-off time are detected ("Monday"), then all of them ("Tuesday", the
Dataset with the later posts appended); both runs are registered in a fresh workspace.
Printed: groups per run, how many kept their id (and the Jaccard of their memberships), how
many would have kept their *rank* id (what analysts had before), births, deaths, splits and
merges, and the time to register each run::

    .venv/bin/python benchmarks/cases_identity.py --real --share 0.7

Scale (synthetic memberships, no detection): registration and matching time for N groups of
a given size with a fraction of members replaced between runs::

    .venv/bin/python benchmarks/cases_identity.py --groups 5000 --size 40 --churn 0.2

Figures are printed, never asserted: the machine this runs on decides the numbers.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real" / "german_elections.parquet"


def _real_dataset(src: Path, out: Path, until_share: float | None) -> Path:
    """Canonical posts from the CooRTweet file (one row per post), up to a time quantile."""
    import duckdb

    from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table

    con = duckdb.connect()
    cut = ""
    if until_share is not None:
        q = con.sql(
            f"SELECT quantile_disc(timestamp, {until_share}) FROM read_parquet('{src.as_posix()}')"
        ).fetchall()[0][0]
        cut = f"HAVING min(timestamp) <= {q}"
    rel = con.sql(
        f"""SELECT post_id::VARCHAR AS post_id,
               CASE WHEN starts_with(account_id, 'fb_') THEN 'facebook' ELSE 'twitter' END
                   AS platform,
               account_id, to_timestamp(min(timestamp)) AS created_at,
               list(DISTINCT 'https://u.example/' || url_id) FILTER (url_id IS NOT NULL) AS urls,
               list(DISTINCT 'h' || hashtag_id) FILTER (hashtag_id IS NOT NULL) AS hashtags
        FROM read_parquet('{src.as_posix()}') WHERE post_id IS NOT NULL
        GROUP BY post_id, account_id {cut}"""
    )
    table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    out.mkdir(parents=True)
    write_table(table, out / "posts.parquet", POSTS_SCHEMA)
    write_json(out / "manifest.json", base_manifest("dataset"))
    return out


def _rank_ids_kept(ws, r1, r2) -> int:  # type: ignore[no-untyped-def]
    """Groups of run 2 whose rank id (g0003) names the same stable group as in run 1."""
    l1, l2 = ws.local_ids(r1), ws.local_ids(r2)
    return sum(1 for lid, gid in l2.items() if l1.get(lid) == gid)


def _report(ws, r1, r2, t1: float, t2: float) -> None:  # type: ignore[no-untyped-def]
    from vigie.cases.identity import jaccard

    m1, m2 = ws.memberships(r1), ws.memberships(r2)
    kept = sorted(set(m1) & set(m2))
    events = Counter(e.event for e in ws.lineage_of_run(r2))
    js = sorted(jaccard(m1[g], m2[g]) for g in kept)
    print(f"run 1: {len(m1)} groups, {r1.n_members} accounts; registered in {t1:.2f} s")
    print(f"run 2: {len(m2)} groups, {r2.n_members} accounts; registered in {t2:.2f} s")
    print(
        f"stable ids kept: {len(kept)} of {len(m2)} run-2 groups "
        f"(Jaccard with run 1: min {js[0] if js else 0:.2f}, median "
        f"{js[len(js) // 2] if js else 0:.2f}); rank ids that still named the same group: "
        f"{_rank_ids_kept(ws, r1, r2)}"
    )
    print("lineage:", ", ".join(f"{n} {k}" for k, n in sorted(events.items())))
    d = ws.diff(r1, r2)
    print("diff:", ", ".join(f"{n} {k}" for k, n in d.counts().items() if n))


def real(share: float) -> None:
    from vigie.cases import Workspace
    from vigie.detect.pipeline import run_detection

    if not REAL.exists():
        sys.exit(f"{REAL} is absent (the shared reference data is not beside the checkout)")
    cfg = {k: {"enabled": False} for k in ("co_repost", "co_reply", "copypasta")}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = Workspace.init(root / "ws")
        runs, times = [], []
        for name, until in (("monday", share), ("tuesday", None)):
            ds = _real_dataset(REAL, root / f"ds-{name}", until)
            t = time.perf_counter()
            run_detection(ds, ws.runs_dir / name, config=cfg, progress=False)
            print(f"{name}: detection {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            runs.append(ws.register_run(ws.runs_dir / name))
            times.append(time.perf_counter() - t)
        _report(ws, runs[0], runs[1], *times)
        ws.close()


def scale(n_groups: int, size: int, churn: float, seed: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from cases.helpers import make_findings
    from vigie.cases import Workspace

    rng = random.Random(seed)
    g1 = {f"g{i:05d}": [f"a{i}_{j}" for j in range(size)] for i in range(n_groups)}
    g2 = {}
    for i, (_, mem) in enumerate(rng.sample(sorted(g1.items()), len(g1))):
        k = int(size * churn)
        g2[f"g{i:05d}"] = mem[k:] + [f"n{i}_{j}" for j in range(k)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = Workspace.init(root / "ws")
        f1 = make_findings(root / "f1", g1)
        f2 = make_findings(root / "f2", g2)
        t = time.perf_counter()
        r1 = ws.register_run(f1)
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        r2 = ws.register_run(f2)
        t2 = time.perf_counter() - t
        _report(ws, r1, r2, t1, t2)
        ws.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", action="store_true", help="the German 2021 sample")
    ap.add_argument("--share", type=float, default=0.7, help="Monday = posts up to this quantile")
    ap.add_argument("--groups", type=int, default=2000)
    ap.add_argument("--size", type=int, default=30)
    ap.add_argument("--churn", type=float, default=0.2, help="members replaced per group")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.real:
        real(a.share)
    else:
        scale(a.groups, a.size, a.churn, a.seed)


if __name__ == "__main__":
    main()
