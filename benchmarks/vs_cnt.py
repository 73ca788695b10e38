"""vigie side by side with QUT-DMRC's coordination_network_toolkit (CNT), on the same data.

Why: "fast" means nothing without a peer. CNT is the reference open-source tool for co-link,
co-retweet and co-similar-text networks; this script runs both tools on the same generated
scenario and prints, in one run, each tool's wall time, peak RSS and account-level F1 against
the ground truth. The target (issue 16) is vigie >= 30x faster than CNT (its preprocess
included) at 200k, 1M and 2M posts, at equal or better F1, with every detector vigie runs by
default on; each run prints its ratio to that target.

    .venv/bin/python benchmarks/vs_cnt.py                    # 1 000 000 posts (~2 min)
    .venv/bin/python benchmarks/vs_cnt.py --posts 100000 1000000 2000000   # how it scales
    .venv/bin/python benchmarks/vs_cnt.py --posts 300000 --scenario fr-presidential

The ratio depends on size, and the script says so rather than picking one: vigie's fixed
costs (Python start, imports, opening DuckDB: ~1 s) dominate at 100k posts, while CNT's
similar-text network compares every pair of messages inside each time window, so its cost
grows with the square of the posting rate. With several ``--posts`` a summary table ends
the run.

What runs (each tool as a child process; wall time and peak RSS are measured by polling the
whole child process tree with psutil every 50 ms):

- data: ``vigie.exercise.generate.generate`` writes a Dataset + truth (cached under --work);
  the posts are converted once to CNT's CSV layout (message_id, user_id, username, repost_id,
  reply_id, message, timestamp, urls). The conversion is timed but counted for neither tool.
- CNT (installed in its own venv, .bench/cnt-venv, created here if missing; never a vigie
  dependency): ``preprocess`` (CSV -> SQLite), then ``compute co_link``, ``compute
  co_retweet`` and ``compute co_similar_tweet`` (edges read back from its SQLite file, untimed;
  see ``cnt_accounts``). Preprocess goes through
  CNT's ``preprocess_data`` function rather than its CSV command, because the CSV command
  turns a post without URLs into the URL "" and would link every such pair of posts.
- vigie: ``run_detection`` with every detector it runs by default (co-link, co-repost,
  co-reply, co-hashtag, copypasta, co-media, co-domain, creation bursts), the three that
  match CNT's networks set to the same windows and minimum weight; ``--vigie-signals 3``
  runs only those three (the comparison of earlier rounds).

Same rules for both: the same time windows (``--window`` for links and reposts,
``--text-window`` for similar text), and the same minimum edge weight ``--min-weight``
(CNT ``--min_edge_weight`` = vigie ``min_observed``: co-actions a pair needs). Text
similarity is each tool's own (CNT: Jaccard of word sets >= ``--similarity``; vigie: MinHash of
word 3-shingles at its default threshold), since the two measures cannot be made identical.

Account-level F1 vs truth (positive = the account belongs to a campaign):
- CNT, per network: the accounts on any edge of its network (weight >= --min-weight;
  self-loops excluded); "all" = union of the three networks.
- vigie, per signal: the accounts on retained edges of that kind (edges tying a group);
  "all" = members of any group (what ``vigie score`` counts as flagged).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"co_link": "co_link", "co_retweet": "co_repost", "co_similar_tweet": "copypasta"}
TARGET_SPEEDUP = 30.0  # issue 16: CNT's wall time (preprocess included) / vigie's

# Runs inside CNT's venv: load our CSV through CNT's own preprocess_data with true URL lists.
_CNT_PREPROCESS = """
import csv, sys
from coordination_network_toolkit.preprocess import preprocess_data
csv.field_size_limit(1 << 30)
def rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.reader(fh)
        next(r)
        for m, u, n, rp, rl, text, ts, urls in r:
            yield (m, u, n, rp, rl, text, ts, [x for x in urls.split(" ") if x])
preprocess_data(sys.argv[2], rows(sys.argv[1]))
"""


@dataclass
class Run:
    """One measured child process."""

    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    rc: int


def measure(name: str, cmd: list[str], log: Path, timeout_s: float) -> Run:
    """Run ``cmd``; wall time, CPU time (user + system of the child and every descendant it
    waited for, from getrusage) and peak RSS summed over the live process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, "w", encoding="utf-8") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
        peak = [0]
        done = threading.Event()

        def poll() -> None:
            try:
                root = psutil.Process(proc.pid)
            except psutil.NoSuchProcess:
                return
            while not done.is_set():
                total = 0
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    break
                for p in procs:
                    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                        total += p.memory_info().rss
                peak[0] = max(peak[0], total)
                done.wait(0.05)

        th = threading.Thread(target=poll, daemon=True)
        th.start()
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            for p in psutil.Process(proc.pid).children(recursive=True):
                p.kill()
            proc.kill()
            rc = proc.wait()
            rc = 124 if rc <= 0 else rc
        wall = time.perf_counter() - t0
        done.set()
        th.join()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    run = Run(name, wall, cpu, peak[0] / 2**20, rc)
    status = "ok" if rc == 0 else f"FAILED rc={rc}, see {log}"
    print(
        f"  {name:<28} {wall:9.2f} s {cpu:9.2f} s {run.peak_rss_mb:9.0f} MB  {status}",
        flush=True,
    )
    return run


def ensure_cnt_venv(venv: Path) -> Path:
    """CNT's own venv (created with ``python -m venv`` + pip on first use)."""
    exe = venv / "bin" / "compute_networks"
    if exe.exists():
        return exe
    print(f"creating {venv} and installing coordination_network_toolkit …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "coordination_network_toolkit"], check=True)
    return exe


def cnt_version(venv: Path) -> str:
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "show", "coordination_network_toolkit"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return next(
        (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Version")), "?"
    )


def ensure_dataset(args: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    """Generate (or reuse) the scenario; returns (dataset folder, truth.parquet)."""
    if args.dataset is not None:
        if args.truth is None:
            raise SystemExit("--dataset needs --truth")
        return args.dataset.resolve(), args.truth.resolve()
    from vigie.exercise.generate import generate

    data = work / f"data-{args.scenario}-{args.posts}-{args.seed}"
    if args.regenerate or not (data / "manifest.json").exists():
        print(f"generating {args.scenario}, {args.posts} posts, seed {args.seed} …", flush=True)
        t0 = time.perf_counter()
        generate(args.scenario, args.posts, args.seed, data)
        print(f"  generated in {time.perf_counter() - t0:.1f} s", flush=True)
    for truth in (data / "truth.parquet", data.parent / "truth.parquet"):
        if truth.exists():
            return data, truth
    raise SystemExit(f"{data}: no truth.parquet written by the generator")


def to_cnt_csv(dataset: Path, out: Path) -> int:
    """Posts -> CNT's CSV layout (timestamps in integer seconds, URLs space-separated)."""
    import duckdb

    if out.exists():
        return -1
    tmp = out.with_suffix(".tmp")
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT post_id AS message_id, account_id AS user_id, account_id AS username,
                 coalesce(repost_of, '') AS repost_id, coalesce(reply_to, '') AS reply_id,
                 coalesce(text, '') AS message,
                 CAST(floor(epoch_us(created_at) / 1e6) AS BIGINT) AS timestamp,
                 coalesce(array_to_string(urls, ' '), '') AS urls
          FROM read_parquet('{dataset / "posts.parquet"}')
          WHERE post_id IS NOT NULL AND created_at IS NOT NULL
          ORDER BY created_at, post_id
        ) TO '{tmp}' (HEADER, DELIMITER ',', QUOTE '"')
        """
    )
    n = con.execute(f"SELECT count(*) FROM read_csv('{tmp}', header=true)").fetchone()[0]
    os.replace(tmp, out)
    return int(n)


def cnt_accounts(db: Path, network: str, min_weight: int) -> set[str]:
    """Accounts on any edge of a network CNT computed into its SQLite file (self-loops out).

    Read straight from CNT's table (``<network>_network``: user_1, user_2, weight), untimed:
    CNT 1.5.2's CSV export crashes (``output_gephi_csv() got an unexpected keyword argument
    'n_messages'``) and GraphML export would only add time to the peer's figures.
    """
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            f"SELECT user_1, user_2 FROM {network}_network WHERE user_1 != user_2 AND weight >= ?",
            (min_weight,),
        ).fetchall()
    except sqlite3.OperationalError:
        return set()
    finally:
        con.close()
    return {str(a) for pair in rows for a in pair}


def vigie_accounts(findings: Path) -> dict[str, set[str]]:
    """vigie's flagged accounts: per signal kind (retained edges) and 'all' (group members)."""
    import pyarrow.compute as pc

    from vigie.schema import Findings

    f = Findings(findings)
    edges = f.edges()
    edges = edges.filter(pc.is_valid(edges.column("group_id")))
    out: dict[str, set[str]] = {}
    for kind in KINDS.values():
        sel = edges.filter(pc.equal(edges.column("kind"), kind))
        out[kind] = set(sel.column("source").to_pylist()) | set(sel.column("target").to_pylist())
    out["all"] = set(f.members().column("account_id").to_pylist())
    return out


def prf(flagged: set[str], positives: set[str], known: set[str]) -> tuple[float, float, float]:
    """Account-level precision, recall, F1; flagged accounts absent from the truth ignored."""
    judged = flagged & known
    tp = len(judged & positives)
    p = tp / len(judged) if judged else 0.0
    r = tp / len(positives) if positives else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--scenario", default="en-presidential")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--window", type=int, default=60, help="co-link / co-repost window (s)")
    ap.add_argument("--text-window", type=int, default=60, help="similar-text window (s)")
    ap.add_argument("--min-weight", type=int, default=2, help="co-actions a pair needs (both)")
    ap.add_argument("--similarity", type=float, default=0.8, help="CNT Jaccard threshold")
    ap.add_argument("--work", type=Path, default=ROOT / ".bench" / "vs_cnt")
    ap.add_argument("--cnt-venv", type=Path, default=ROOT / ".bench" / "cnt-venv")
    ap.add_argument("--timeout", type=float, default=3600, help="per child process (s)")
    ap.add_argument("--regenerate", action="store_true", help="do not reuse cached data")
    ap.add_argument("--skip-cnt", action="store_true", help="run vigie only")
    ap.add_argument(
        "--vigie-signals",
        choices=("all", "3"),
        default="all",
        help="all: every default detector on (the target's rule); 3: only CNT's three",
    )
    ap.add_argument("--dataset", type=Path, default=None, help="use this Dataset, not generate")
    ap.add_argument("--truth", type=Path, default=None, help="its truth.parquet (with --dataset)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    print(f"machine: {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB")
    sizes = args.posts if args.dataset is None else args.posts[:1]  # a given Dataset: once
    results = []
    for posts in sizes:
        one = argparse.Namespace(**{**vars(args), "posts": posts})
        if len(sizes) > 1:
            print(f"\n=== {posts} posts ===")
        results.append(compare(one))
    if len(results) > 1:
        print(
            "\nsummary: wall-time speed-up of vigie over CNT (incl. its preprocess; target "
            f"{TARGET_SPEEDUP:.0f}x) and F1"
        )
        print(f"{'posts':>10}{'vigie s':>10}{'CNT s':>10}{'speed-up':>10}{'F1 vigie':>10}"
              f"{'F1 CNT':>8}")  # fmt: skip
        for r in results:
            v = sum(x["wall_s"] for x in r["runs"]["vigie"])
            c = sum(x["wall_s"] for x in r["runs"]["cnt"])
            fv = r["scores"]["vigie"].get("all", [0, 0, 0])[2]
            fc = r["scores"]["cnt"].get("all", [0, 0, 0])[2]
            sp = f"{r['speedup']:.1f}x" if "speedup" in r else "-"
            print(f"{r['posts']!s:>10}{v:10.1f}{c:10.1f}{sp:>10}{fv:10.3f}{fc:8.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
        print(f"wrote {args.json}")


def compare(args: argparse.Namespace) -> dict:
    """One side-by-side run at ``args.posts`` posts; prints its table, returns the figures."""
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    dataset, truth_path = ensure_dataset(args, work)
    tag = dataset.name if args.dataset else f"{args.scenario}-{args.posts}-{args.seed}"

    from vigie.exercise.score import load_truth

    truth = load_truth(truth_path)
    known = {acc for _, acc in truth.labels}
    positives = {acc for (_, acc), (camp, _) in truth.labels.items() if camp is not None}
    print(f"data: {dataset} ({len(known)} accounts, {len(positives)} in campaigns)", flush=True)

    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\ntool / step                        wall     CPU (u+s)   peak RSS")
    runs: dict[str, list[Run]] = {"vigie": [], "cnt": []}

    # --- vigie
    findings = work / f"findings-{tag}"
    cfg = {
        "co_link": {"window_s": float(args.window), "min_observed": args.min_weight},
        "co_repost": {"window_s": float(args.window), "min_observed": args.min_weight},
        "copypasta": {"window_s": float(args.text_window), "min_observed": args.min_weight},
    }
    if args.vigie_signals == "3":
        off = ("co_reply", "co_hashtag", "co_media", "co_domain", "sync_activity")
        cfg.update({k: {"enabled": False} for k in (*off, "creation_burst")})
    label = "vigie detect (all default)" if args.vigie_signals == "all" else "vigie detect (3)"
    driver = (
        "import json, sys\n"
        "from vigie.detect.pipeline import run_detection\n"
        "run_detection(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), progress=False)\n"
    )
    runs["vigie"].append(
        measure(
            label,
            [sys.executable, "-c", driver, str(dataset), str(findings), json.dumps(cfg)],
            work / "logs" / "vigie.log",
            args.timeout,
        )
    )
    flagged_vigie = vigie_accounts(findings) if runs["vigie"][0].rc == 0 else {}

    # --- CNT
    flagged_cnt: dict[str, set[str]] = {}
    if not args.skip_cnt:
        ensure_cnt_venv(args.cnt_venv)
        csv_path = work / f"cnt-{tag}.csv"
        t0 = time.perf_counter()
        if args.regenerate:
            csv_path.unlink(missing_ok=True)
        n = to_cnt_csv(dataset, csv_path)
        if n >= 0:
            print(f"  (CSV conversion for CNT: {n} rows, {time.perf_counter() - t0:.1f} s, "
                  "counted for neither tool)")  # fmt: skip
        db = work / f"cnt-{tag}.db"
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        py = str(args.cnt_venv / "bin" / "python")
        exe = str(args.cnt_venv / "bin" / "compute_networks")
        runs["cnt"].append(
            measure(
                "cnt preprocess",
                [py, "-c", _CNT_PREPROCESS, str(csv_path), str(db)],
                work / "logs" / "cnt-preprocess.log",
                args.timeout,
            )
        )
        for net in KINDS:
            window = args.text_window if net == "co_similar_tweet" else args.window
            cmd = [
                exe, str(db), "compute", net, "--time_window", str(window),
                "--min_edge_weight", str(args.min_weight),
            ]  # fmt: skip
            if net == "co_similar_tweet":
                cmd += ["--similarity_threshold", str(args.similarity)]
            runs["cnt"].append(measure(f"cnt {net}", cmd, work / "logs" / f"cnt-{net}.log",
                                       args.timeout))  # fmt: skip
            flagged_cnt[KINDS[net]] = cnt_accounts(db, net, args.min_weight)
        flagged_cnt["all"] = set().union(*(flagged_cnt[k] for k in KINDS.values()))

    # --- figures
    def total(rs: list[Run]) -> tuple[float, float, float]:
        return (
            sum(r.wall_s for r in rs),
            sum(r.cpu_s for r in rs),
            max((r.peak_rss_mb for r in rs), default=0.0),
        )

    vt, vc, vm = total(runs["vigie"])
    ct, cu, cm = total(runs["cnt"])
    cc, ccu, cm2 = total(runs["cnt"][1:])
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"\n{'':28}{'wall s':>10}{'CPU s':>10}{'peak RSS MB':>13}")
    print(f"{label.removeprefix('vigie detect '):28}{vt:10.2f}{vc:10.2f}{vm:13.0f}")
    if runs["cnt"]:
        print(f"{'CNT (preprocess + 3 nets)':28}{ct:10.2f}{cu:10.2f}{cm:13.0f}")
        print(f"{'CNT (3 nets, no preprocess)':28}{cc:10.2f}{ccu:10.2f}{cm2:13.0f}")

    print(f"\naccount-level scores vs truth (min edge weight {args.min_weight} for both)")
    print(f"{'signal':12}{'tool':7}{'flagged':>9}{'P':>8}{'R':>8}{'F1':>8}")
    scores: dict[str, dict[str, list[float]]] = {"vigie": {}, "cnt": {}}
    for kind in [*KINDS.values(), "all"]:
        for tool, flagged in (("vigie", flagged_vigie), ("cnt", flagged_cnt)):
            if kind not in flagged:
                continue
            p, r, f = prf(flagged[kind], positives, known)
            scores[tool][kind] = [p, r, f]
            print(f"{kind:12}{tool:7}{len(flagged[kind]):9d}{p:8.3f}{r:8.3f}{f:8.3f}")

    result = {
        "scenario": args.scenario,
        "posts": args.posts,
        "seed": args.seed,
        "window_s": args.window,
        "text_window_s": args.text_window,
        "min_weight": args.min_weight,
        "cnt_similarity": args.similarity,
        "cnt_version": cnt_version(args.cnt_venv) if runs["cnt"] else None,
        "runs": {t: [r.__dict__ for r in rs] for t, rs in runs.items()},
        "scores": scores,
    }
    if runs["cnt"] and all(r.rc == 0 for r in runs["cnt"] + runs["vigie"]):
        speedup = ct / vt if vt else float("inf")
        speedup_compute = cc / vt if vt else float("inf")
        speedup_cpu = cu / vc if vc else float("inf")
        f_v, f_c = scores["vigie"]["all"][2], scores["cnt"]["all"][2]
        ok = speedup >= TARGET_SPEEDUP and f_v >= f_c
        print(
            f"\nspeed-up (wall): {speedup:.1f}x vs CNT incl. preprocess, {speedup_compute:.1f}x "
            f"vs CNT networks only; CPU time: {speedup_cpu:.1f}x"
        )
        print(f"F1 (all accounts): vigie {f_v:.3f} vs CNT {f_c:.3f}")
        print(
            f"target (>= {TARGET_SPEEDUP:.0f}x faster wall, equal or better F1): "
            f"{speedup / TARGET_SPEEDUP:.2f} of the speed-up; {'MET' if ok else 'NOT MET'}"
        )
        result.update(
            speedup=speedup,
            speedup_compute=speedup_compute,
            speedup_cpu=speedup_cpu,
            target_met=ok,
        )
    return result


if __name__ == "__main__":
    main()
