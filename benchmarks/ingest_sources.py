"""Throughput of the published-dataset readers beside DuckDB's bare parse of the same file.

Why: real archives are large (the IRA release of Twitter's Information Operations archive is
~9M rows; tweepy dumps of v1.1 tweets run to GBs). This script writes a synthetic file in each
shape (explicit seed), ingests it through the public API in a child process, and prints
records/s, the ratio to DuckDB's bare read of the same file (``read_csv``/``read_json``, every
column as text) and the peak RSS.

    .venv/bin/python benchmarks/ingest_sources.py                       # x-io and x-v1, 50k
    .venv/bin/python benchmarks/ingest_sources.py --records 500000 --format x-io
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "ingest"))

from make_datasets import IO_COLUMNS, ORIGINAL, QUOTE, RETWEET, STREAMED_REPLY  # noqa: E402


def write_io(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, IO_COLUMNS, lineterminator="\n")
        w.writeheader()
        for i in range(n):
            user = f"{rng.getrandbits(128):032x}"
            rt = rng.random() < 0.5
            row = dict.fromkeys(IO_COLUMNS, "")
            row.update(
                tweetid=str(10**18 + i),
                userid=user,
                user_screen_name=user,
                follower_count=str(rng.randint(0, 9999)),
                following_count=str(rng.randint(0, 999)),
                account_creation_date="2016-01-02",
                tweet_language="en",
                tweet_text=f"story {i % 5000} #tag{i % 50} https://t.co/{i}",
                tweet_time=f"2018-10-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}",
                is_retweet=str(rt),
                retweet_tweetid=str(10**17 + i % 5000) if rt else "",
                hashtags=f"[tag{i % 50}]",
                urls=f"['https://site{i % 300}.example.org/a/{i % 1000}?utm_source=x']",
                user_mentions="[123]",
            )
            w.writerow(row)


def write_v1(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    shapes = [ORIGINAL, RETWEET, STREAMED_REPLY, QUOTE]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            t = json.loads(json.dumps(shapes[i % 4]))
            t.pop("id", None)
            t["id_str"] = str(2 * 10**18 + i)
            t["user"] = dict(t["user"], id_str=str(rng.randint(1, 5000)))
            fh.write(json.dumps(t) + "\n")


CHILD = """
import resource, sys, time
from vigie.ingest import ingest
t = time.perf_counter()
r = ingest([sys.argv[1]], sys.argv[2], fmt=sys.argv[3])
print(time.perf_counter() - t, r.sources[0].records,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def floor(path: Path, fmt: str) -> float:
    import duckdb

    p = str(path).replace("'", "''")
    sql = (
        f"SELECT count(*) FROM read_csv('{p}', all_varchar=true)"
        if fmt == "x-io"
        else f"SELECT count(*) FROM read_json('{p}', format='newline_delimited', "
        "maximum_object_size=100000000)"
    )
    t = time.perf_counter()
    duckdb.sql(sql).fetchall()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--format", choices=["x-io", "x-v1", "all"], default="all")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    fmts = ["x-io", "x-v1"] if a.format == "all" else [a.format]
    print(f"{'format':8} {'records':>9} {'vigie rec/s':>12} {'floor rec/s':>12} {'ratio':>6} RSS")
    for fmt in fmts:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / ("src.csv" if fmt == "x-io" else "src.jsonl")
            (write_io if fmt == "x-io" else write_v1)(src, a.records, a.seed)
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(src), str(Path(tmp) / "ds"), fmt],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            secs, records, rss = float(out[0]), int(out[1]), int(out[2])
            f = floor(src, fmt)
            print(
                f"{fmt:8} {records:>9,} {records / secs:>12,.0f} {records / f:>12,.0f} "
                f"{secs / f:>5.1f}x {rss} MB"
            )


if __name__ == "__main__":
    main()
