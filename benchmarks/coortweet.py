"""vigie's method beside CooRTweet's recipe on the same data, and what authenticity costs.

On a generated scenario (known truth): account F1, organic false-positive rate and time of
``vigie detect`` and of ``vigie detect --method coortweet`` (CooRTweet 2.x defaults), and
the time the authenticity annotation adds. On the German 2021 sample that ships with
CooRTweet (when ``../shared`` is beside the repository): coordinated accounts per object
kind, to set beside the figures published with the R package (284 by URL at 60 s)::

    .venv/bin/python benchmarks/coortweet.py --posts 100000 --seed 1

Figures are printed, never asserted: the machine this runs on decides the numbers.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def generated(posts: int, seed: int, root: Path) -> None:
    from vigie.detect.authenticity import annotate
    from vigie.detect.coortweet import run_coortweet
    from vigie.detect.pipeline import run_detection
    from vigie.exercise.generate import generate
    from vigie.exercise.score import score_findings
    from vigie.schema import Dataset

    gen = root / "gen"
    generate("fr-presidential", posts, seed, gen, progress=False)
    truth = gen / "truth.parquet"
    print(f"generated scenario: {posts} posts, seed {seed}")
    print(f"{'method':<24}{'F1':>6}{'recall':>8}{'organic FPR':>13}{'groups':>8}{'time s':>8}")
    for name, run in (
        ("vigie", lambda out: run_detection(gen, out, progress=False)),
        ("coortweet (defaults)", lambda out: run_coortweet(gen, out)),
    ):
        t = time.perf_counter()
        f = run(root / name.split()[0])
        dt = time.perf_counter() - t
        s = score_findings(f, truth).to_dict()
        print(
            f"{name:<24}{s['f1']:>6.3f}{s['recall']:>8.3f}{s['organic_fpr']:>13.4f}"
            f"{f.manifest()['counts']['groups']:>8}{dt:>8.1f}"
        )
        t = time.perf_counter()
        annotate(Dataset(gen), f.groups(), f.members())
        print(f"  of which authenticity annotation: {time.perf_counter() - t:.2f} s")


def german(root: Path) -> None:
    import duckdb

    from vigie.detect.coortweet import run_coortweet
    from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table

    src = SHARED / "german_elections.parquet"
    if not src.exists():
        print(f"German sample: skipped ({src} is absent)")
        return
    rel = duckdb.connect().sql(
        f"""SELECT post_id::VARCHAR AS post_id, 'x' AS platform, account_id,
               to_timestamp(min(timestamp)) AS created_at,
               list(DISTINCT url_id::VARCHAR) FILTER (url_id IS NOT NULL) AS urls,
               list(DISTINCT hashtag_id::VARCHAR) FILTER (hashtag_id IS NOT NULL) AS hashtags,
               list(DISTINCT phash_id::VARCHAR) FILTER (phash_id IS NOT NULL) AS media
        FROM read_parquet('{src.as_posix()}') WHERE post_id IS NOT NULL
        GROUP BY post_id, account_id"""
    )
    ds = root / "german"
    ds.mkdir()
    table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    write_table(table, ds / "posts.parquet", POSTS_SCHEMA)
    write_json(ds / "manifest.json", base_manifest("dataset"))
    print("German 2021 sample, CooRTweet mode (coordinated accounts = members of groups)")
    print(f"{'kinds':<32}{'window s':>9}{'accounts':>10}{'groups':>8}{'threshold':>11}")
    for kinds in (["co_link"], ["co_hashtag"], ["co_media"], ["co_link", "co_hashtag", "co_media"]):
        for window in (10, 60):
            f = run_coortweet(ds, root / "g", {"time_window": window}, kinds)
            m = f.manifest()
            print(
                f"{'+'.join(kinds):<32}{window:>9}{m['counts']['members']:>10}"
                f"{m['counts']['groups']:>8}{m['coortweet']['weight_threshold']:>11g}"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        generated(args.posts, args.seed, Path(tmp))
        german(Path(tmp))


if __name__ == "__main__":
    main()
