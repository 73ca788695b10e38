"""Calibration of the chance control: observed false pairs on null data vs the nominal rate.

Null data keep everything real but who posted together: the account labels of each day's
posts are permuted among themselves (``vigie.detect.nullshuffle``). Any pair kept on them
is a false positive. With Bonferroni (the default) each (signal, time scale) is one family
at ``alpha``: the chance of any false pair in a run is at most ``alpha`` x families. With
``--correction bh`` the expected share of false pairs among kept ones is at most ``alpha``;
on null data every kept pair is false, so the chance of any is again at most ``alpha`` per
family. Prints, per data set, runs with any kept pair and mean kept pairs vs the bound::

    .venv/bin/python benchmarks/calibration.py                      # generated + real
    .venv/bin/python benchmarks/calibration.py --seeds 1 2 3 4 5 --stratum 86400

Figures are printed, never asserted (the test with a known answer is
tests/detect/test_calibration.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

MAPS = [
    "created_at=timestamp",
    "urls=url_id",
    "hashtags=hashtag_id",
    "media=phash_id",
    "platform=prefix:account_id",
]


def _datasets(args: argparse.Namespace, work: Path) -> list[tuple[str, Path]]:
    from vigie.exercise.generate import generate

    out = []
    gen = work / "generated"
    if not (gen / "posts.parquet").exists():
        generate(args.scenario, args.posts, 4242, gen, progress=False)
    out.append((f"generated {args.scenario} {args.posts:,} posts", gen))
    if args.real.exists():
        real = work / "real"
        if not (real / "posts.parquet").exists():
            cmd = [str(Path(sys.executable).parent / "vigie"), "ingest", str(args.real)]
            cmd += ["--into", str(real)] + [x for m in MAPS for x in ("--map", m)]
            subprocess.run(cmd, check=True, capture_output=True)
        out.append(("real German 2021 sample", real))
    else:
        print(f"({args.real} absent: real data skipped)")
    return out


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--correction", default="bonferroni", choices=("bonferroni", "bh"))
    ap.add_argument("--stratum", type=float, default=0.0, help="general.null_stratum_s")
    ap.add_argument("--scenario", default="tiny")
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument(
        "--real", type=Path, default=here.parent / "shared/data/real/german_elections.parquet"
    )
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    from vigie.detect.nullshuffle import shuffle_accounts
    from vigie.detect.pipeline import run_detection
    from vigie.schema import base_manifest, write_json

    config = {
        "general": {
            "alpha": args.alpha,
            "correction": args.correction,
            "null_stratum_s": args.stratum,
        }
    }
    with tempfile.TemporaryDirectory(prefix="vigie-calib-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for label, ds in _datasets(args, work):
            posts = pq.read_table(ds / "posts.parquet")
            runs_any, kept_total, families = 0, 0, 0
            per_signal: dict[str, int] = {}
            t0 = time.perf_counter()
            for seed in args.seeds:
                null = work / f"null-{ds.name}-{seed}"
                null.mkdir(exist_ok=True)
                pq.write_table(shuffle_accounts(posts, seed), null / "posts.parquet")
                write_json(null / "manifest.json", base_manifest("dataset"))
                f = run_detection(null, work / f"f-{ds.name}-{seed}", config, progress=False)
                sig = f.manifest()["signals"]
                kept = {k: int(s.get("kept", 0)) for k, s in sig.items() if k != "creation_burst"}
                families = sum(
                    int(s.get("families", 1))
                    for k, s in sig.items()
                    if k != "creation_burst" and s.get("family", s.get("pairs", 0))
                )
                for k, n in kept.items():
                    per_signal[k] = per_signal.get(k, 0) + n
                kept_total += sum(kept.values())
                runs_any += int(sum(kept.values()) > 0)
            n = len(args.seeds)
            bound = min(1.0, args.alpha * families)
            print(
                f"{label}: {n} within-day shuffles in {time.perf_counter() - t0:.0f} s, "
                f"{args.correction} alpha {args.alpha:g}, null stratum {args.stratum:g} s"
            )
            print(
                f"  runs with any kept pair: {runs_any}/{n} = {runs_any / n:.2f} "
                f"(nominal at most {bound:.2f} = alpha x {families} families tested)"
            )
            print(
                f"  kept pairs per run: {kept_total / n:.2f} (nominal ~0); by signal "
                + ", ".join(f"{k}={v / n:.2f}" for k, v in sorted(per_signal.items()) if v)
                or "  kept pairs per run: 0"
            )


if __name__ == "__main__":
    main()
