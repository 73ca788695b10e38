"""Benchmark ``vigie detect --engine spark`` (local mode) beside DuckDB as the data grows.

Each size is generated first (untimed), then detected by DuckDB and by Spark in local mode,
each in a child process. Peak memory is the whole process tree's resident set, sampled
every 0.2 s from /proc (Spark's JVM is a child of the Python driver, and its heap is most
of the cost), so it includes the JVM and the Python workers. "time per doubling" is how
much the wall time grows each time the posts double (x2.0 = linear), from the two nearest
sizes. Spark's run also prints how many Spark jobs it ran and how many statements the
detectors sent it, by kind (a figure that, unlike the wall time, a busy machine does not
disturb), and how many rows the executors handled in place of the driver (the actions the
co-action pairs were drawn from against those sent to the driver, the candidate pairs
counted, copypasta's texts clustered). Runnable here at the defaults; the issue's 1M and
10M by flag::

    .venv/bin/python benchmarks/spark_scale.py                       # 25k, 50k, 100k posts
    .venv/bin/python benchmarks/spark_scale.py --sizes 1000000 --master 'local[*]'
    .venv/bin/python benchmarks/spark_scale.py --sizes 1000000 10000000

Figures are printed, never asserted: the machine (and how busy it is) decides them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHILD = """
import json, sys, time
from vigie.detect.pipeline import run_detection
engine, ds, out, master, conf = sys.argv[1:6]
spark = session = None
if engine == "spark":
    from vigie.detect import spark_engine as se
    opts = se.SparkOptions(master=master, conf=tuple(tuple(kv) for kv in json.loads(conf)))
    session, _ = se.spark_session(opts)  # ours, so that its job count can be read after
    spark = se.SparkOptions(session=session)
t = time.perf_counter()
f = run_detection(ds, out, progress=False, spark=spark)
m = f.manifest()
rep = {"seconds": time.perf_counter() - t, "counts": m["counts"],
       "kept": {k: v.get("kept") for k, v in m["signals"].items()}}
if session is not None:
    ids = session.sparkContext.statusTracker().getJobIdsForGroup()
    rep["jobs"] = max(ids) + 1 if ids else 0  # job ids count up from 0 in a session
    rep["statements"] = dict(se.STATEMENTS)
    rep["spread"] = dict(getattr(se, "SPREAD", {}))  # older code has none
    session.stop()
print(json.dumps(rep))
"""


def _tree(pid: int, cpu: dict[int, float], own: list[float] | None = None) -> float:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in MiB; ``cpu``
    gets each one's CPU seconds so far (user + system); ``own[0]`` is raised to ``pid``'s
    own resident memory (the Python driver alone, without the JVM and its workers)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
            ticks[int(entry)] = int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages
    total, todo = 0, [pid]
    hz = os.sysconf("SC_CLK_TCK")
    if own is not None:
        own[0] = max(own[0], rss.get(pid, 0) * os.sysconf("SC_PAGE_SIZE") / 2**20)
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        cpu[p] = max(cpu.get(p, 0.0), ticks.get(p, 0) / hz)
        todo.extend(children.get(p, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(args: list[str]) -> tuple[float, float, dict]:
    """(wall seconds, peak tree RSS MiB, the child's report with ``cpu_s``: the tree's CPU
    seconds, a figure that a machine shared with other work disturbs far less than wall,
    and ``driver_mib``: the peak RSS of the child alone, the Python driver, whose share is
    what the executors' work spares)."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak, own = [0.0], [0.0]
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree(proc.pid, cpu, own))
            done.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t
    if proc.returncode:
        tail = "\n".join(err.strip().splitlines()[-15:])
        raise SystemExit(f"{args[0]} failed (exit {proc.returncode}):\n{tail}")
    lines = out.strip().splitlines()
    # the report is the last JSON line; anything else the child printed is shown, not parsed
    last = max((i for i, line in enumerate(lines) if line.startswith("{")), default=-1)
    if last < 0:
        raise SystemExit(f"{args[0]} printed no report:\n{out[-2000:]}")
    for line in lines[:last] + lines[last + 1 :]:
        print(f"  ({args[0]} printed: {line[:200]})", file=sys.stderr)
    rep = json.loads(lines[last])
    rep["cpu_s"] = sum(cpu.values())
    rep["driver_mib"] = own[0]
    return wall, peak[0], rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    ap.add_argument("--scenario", default="fr-presidential")
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--partitions", type=int, default=0, help="spark.sql.shuffle.partitions")
    ap.add_argument("--conf", nargs="*", default=[], help="more KEY=VALUE Spark settings")
    ap.add_argument("--no-duckdb", action="store_true", help="Spark only")
    ap.add_argument("--work", type=Path, default=None, help="keep data here (default: temp)")
    args = ap.parse_args()
    conf = [kv.split("=", 1) for kv in args.conf]
    # local mode's own defaults (spark_engine.local_defaults: 2 partitions per core) unless
    # asked otherwise
    parts = args.partitions or "local default"
    if args.partitions:
        conf.append(["spark.sql.shuffle.partitions", str(args.partitions)])
    with tempfile.TemporaryDirectory(prefix="vigie-spark-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        from vigie.exercise.generate import generate

        rows = []
        for n in args.sizes:
            ds = work / f"{args.scenario}-{n}"
            if not (ds / "posts.parquet").exists():
                t = time.perf_counter()
                generate(args.scenario, n, args.seed, ds, progress=False)
                print(f"generated {n:,} posts in {time.perf_counter() - t:.1f} s (untimed)")
            row = {"posts": n}
            engines = ["spark"] if args.no_duckdb else ["duckdb", "spark"]
            for engine in engines:
                wall, rss, rep = run_child(
                    [engine, str(ds), str(work / f"f-{engine}-{n}"), args.master, json.dumps(conf)]
                )
                row[engine] = (wall, rss, rep)
                if "jobs" in rep:
                    st = rep["statements"]
                    print(
                        f"spark jobs {rep['jobs']:,}; statements {sum(st.values()):,} "
                        f"({', '.join(f'{k} {v}' for k, v in sorted(st.items()))})",
                        flush=True,
                    )
                    spread = rep.get("spread") or {}
                    if spread:  # rows the executors handled in place of the driver
                        print(
                            "rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(spread.items())),
                            flush=True,
                        )
                print(
                    f"{engine:6s} {n:>11,} posts: wall {wall:7.1f} s (pipeline "
                    f"{rep['seconds']:.1f} s), CPU {rep['cpu_s']:7.1f} s, "
                    f"peak RSS {rss:7,.0f} MiB (tree; Python driver "
                    f"{rep['driver_mib']:,.0f}), "
                    f"groups {rep['counts'].get('groups')}, load avg {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            if "duckdb" in row and "spark" in row:
                same = row["duckdb"][2]["counts"] == row["spark"][2]["counts"]
                print(
                    f"       same counts on both engines: {same}; spark/duckdb wall "
                    f"x{row['spark'][0] / row['duckdb'][0]:.1f}"
                )
            rows.append(row)
        print(f"\n{os.cpu_count()} cores, master {args.master}, shuffle partitions {parts}")
        print("time per doubling (wall ratio when the posts double; 2.0 = linear):")
        for a, b in zip(rows, rows[1:], strict=False):
            steps = math.log2(b["posts"] / a["posts"])
            for engine in ("duckdb", "spark"):
                if engine in a and engine in b and steps > 0:
                    ratio = (b[engine][0] / a[engine][0]) ** (1 / steps)
                    print(f"  {engine:6s} {a['posts']:>11,} -> {b['posts']:>11,}: x{ratio:.2f}")
        print("CPU per doubling (CPU-seconds ratio; less disturbed by other work):")
        for a, b in zip(rows, rows[1:], strict=False):
            steps = math.log2(b["posts"] / a["posts"])
            for engine in ("duckdb", "spark"):
                if engine in a and engine in b and steps > 0:
                    ratio = (b[engine][2]["cpu_s"] / a[engine][2]["cpu_s"]) ** (1 / steps)
                    print(f"  {engine:6s} {a['posts']:>11,} -> {b['posts']:>11,}: x{ratio:.2f}")
        for r in rows:
            if "spark" in r:
                wall, cpu = r["spark"][0], r["spark"][2]["cpu_s"]
                print(
                    f"  spark at {r['posts']:,}: {r['posts'] / wall:,.0f} posts per wall s, "
                    f"{r['posts'] / cpu:,.0f} posts per CPU s (one partition's core)"
                )


if __name__ == "__main__":
    main()
