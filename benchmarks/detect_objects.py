"""What the object detectors (co-media, co-domain, paraphrase) add to detection time.

Generates a scenario (untimed), adds a ``media`` column (the generator has none): a share
of posts carry an image drawn from a Zipf-popular pool, each post's copy re-encoded (0-3
bits of its 64-bit perceptual hash flipped), so near-duplicate clustering has work to do.
Then detection runs twice in child processes, without and with the new detectors, and the
ratio of wall times is printed; the per-step times go to stderr. Paraphrase embeddings are
costly, so by default only their rate is measured on a sample and extrapolated to the
Dataset's distinct texts (``--paraphrase`` runs the detector for real)::

    .venv/bin/python benchmarks/detect_objects.py --posts 1000000

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detect import detect_child, generate  # noqa: E402  (the sibling benchmark's helpers)

NEW = ("co_media", "co_domain", "co_object", "paraphrase")


def add_media(src: Path, dst: Path, share: float, seed: int) -> int:
    """Copy Dataset ``src`` to ``dst`` with a media column; returns distinct hashes."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    t = pq.read_table(dst / "posts.parquet")
    n = t.num_rows
    rng = np.random.default_rng(seed)
    pool = rng.integers(0, 2**63, size=200_000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    has = rng.random(n) < share
    pick = (rng.zipf(1.3, size=int(has.sum())) - 1) % pool.size
    h = pool[pick]
    for _ in range(3):  # re-encoding: up to three bits flipped per copy
        flip = rng.random(h.size) < 0.5
        h = h ^ (flip.astype(np.uint64) << rng.integers(0, 64, h.size).astype(np.uint64))
    hexes = iter(f"{int(x):016x}" for x in h)
    media = [[next(hexes)] if k else [] for k in has.tolist()]
    i = t.schema.get_field_index("media")
    col = pa.array(media, pa.list_(pa.string()))
    t = t.set_column(i, "media", col) if i >= 0 else t.append_column("media", col)
    pq.write_table(t, dst / "posts.parquet")
    return int(np.unique(h).size)


def embed_rate(dataset: Path, sample: int) -> tuple[float, int]:
    """Texts per second of the paraphrase embedder, and distinct texts in the Dataset."""
    import duckdb

    from vigie.detect.paraphrase import default_embedder

    posts = (dataset / "posts.parquet").as_posix()
    con = duckdb.connect()
    n = con.execute(
        f"SELECT count(DISTINCT lower(text)) FROM read_parquet('{posts}') "
        "WHERE text IS NOT NULL AND repost_of IS NULL"
    ).fetchall()[0][0]
    texts = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT text FROM read_parquet('{posts}') WHERE text IS NOT NULL "
            f"AND repost_of IS NULL ORDER BY hash(text) LIMIT {sample}"
        ).fetchall()
    ]
    embed = default_embedder()
    embed(texts[:16])  # load the weights outside the timing
    t = time.perf_counter()
    embed(texts)
    return len(texts) / (time.perf_counter() - t), int(n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--scenario", default="fr-presidential")
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--media-share", type=float, default=0.2)
    ap.add_argument("--sample", type=int, default=500, help="texts embedded to time paraphrase")
    ap.add_argument("--paraphrase", action="store_true", help="also run the paraphrase detector")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="vigie-bench-objects-"))
    base = work / f"{args.scenario}-{args.posts}"
    if not (base / "posts.parquet").exists():
        g = generate(args.scenario, args.posts, args.seed, base, None)
        print(f"generated {args.posts:,} posts in {g:.1f} s (not timed below)")
    ds = work / f"{args.scenario}-{args.posts}-media"
    distinct = add_media(base, ds, args.media_share, args.seed)
    print(f"media on {args.media_share:.0%} of posts: {distinct:,} distinct 64-bit hashes")
    off = {k: {"enabled": False} for k in NEW}
    print("-- without the object detectors", file=sys.stderr)
    w0, r0, rep0 = detect_child(ds, work / "f0", off)
    on = dict(off, co_media={"enabled": True}, co_domain={"enabled": True})
    print("-- with co-media and co-domain", file=sys.stderr)
    w1, r1, rep1 = detect_child(ds, work / "f1", on)
    print(f"detect without: wall {w0:.1f} s, peak RSS {r0:,.0f} MiB")
    print(f"detect with co-media + co-domain: wall {w1:.1f} s, peak RSS {r1:,.0f} MiB")
    print(f"ratio with/without: {w1 / w0:.2f}x (load avg {os.getloadavg()[0]:.1f})")
    for kind in ("co_media", "co_domain"):
        print(f"  {kind:10s} {rep1['signals'].get(kind)}")
    rate, n_texts = embed_rate(ds, args.sample)
    print(
        f"paraphrase embedding: {rate:,.0f} texts/s on one core; {n_texts:,} distinct texts "
        f"-> about {n_texts / rate:,.0f} s of embedding ({n_texts / rate / w0:.1f}x the "
        "detection without it): off by default"
    )
    if args.paraphrase:
        w2, _, rep2 = detect_child(ds, work / "f2", dict(on, paraphrase={"enabled": True}))
        print(f"detect with paraphrase too: wall {w2:.1f} s ({w2 / w0:.2f}x)")
        print(f"  paraphrase {rep2['signals'].get('paraphrase')}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
