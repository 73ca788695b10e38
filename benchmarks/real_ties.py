"""Tie recall on the real German 2021 election sample (CooRTweet's ``german_elections``).

Target (issue 10): with default settings, at least 95 % of the accounts in pairs that
co-acted on at least 3 distinct objects within 60 s appear in a group or in
``pairs.parquet``, for URLs, images and hashtags each. The Dataset is made with
``vigie ingest`` exactly as an analyst would::

    .venv/bin/python benchmarks/real_ties.py [--data ../shared/data/real/german_elections.parquet]

Images count only once some detector reads the ``media`` column; until then the line says
so (the manifest's diagnosis names ``media`` among the columns no detector read).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = (("urls", "url_id"), ("hashtags", "hashtag_id"), ("media", "phash_id"))
MAPS = [
    "created_at=timestamp",
    "urls=url_id",
    "hashtags=hashtag_id",
    "media=phash_id",
    "platform=prefix:account_id",
]


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--data", type=Path, default=here.parent / "shared/data/real/german_elections.parquet"
    )
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--min-objects", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="keep the Dataset here")
    args = ap.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data}: not found (the real sample lives in ../shared/data/real)")
    from vigie.detect.pipeline import run_detection
    from vigie.detect.ties import reported_accounts, strong_tie_accounts

    with tempfile.TemporaryDirectory(prefix="vigie-ties-") as tmp:
        work = args.work or Path(tmp)
        ds = work / "dataset"
        if not (ds / "posts.parquet").exists():
            cmd = [str(Path(sys.executable).parent / "vigie"), "ingest", str(args.data)]
            cmd += ["--into", str(ds)] + [x for m in MAPS for x in ("--map", m)]
            subprocess.run(cmd, check=True, capture_output=True)
        t = time.perf_counter()
        findings = run_detection(ds, work / "findings", progress=False)
        secs = time.perf_counter() - t
        manifest = findings.manifest()
        diag = manifest.get("diagnosis", {})
        unread = set(diag.get("unread_columns", []))
        found = reported_accounts(findings)
        print(f"detect (defaults) in {secs:.1f} s: {manifest['counts']}")
        for line in diag.get("lines", []):
            print(f"  {line}")
        print(
            f"\naccounts in ties of >= {args.min_objects} objects within {args.window:g} s, "
            "found in groups or pairs.parquet (target >= 95 %)"
        )
        for field, col in KINDS:
            n_pairs, accounts = strong_tie_accounts(args.data, col, args.window, args.min_objects)
            hit = len(accounts & found)
            share = hit / len(accounts) if accounts else float("nan")
            note = " (no detector reads this column yet)" if field in unread else ""
            print(
                f"  {field:9s} {n_pairs:5d} pairs, {len(accounts):5d} accounts, "
                f"found {hit:5d} = {share * 100:5.1f} %{note}"
            )


if __name__ == "__main__":
    main()
