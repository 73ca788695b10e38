"""Sharing exports at scale: STIX and MISP export time, bundle size and peak RSS.

Why: a national election's Findings can hold hundreds of groups and tens of thousands of
accounts; an analyst must be able to export them for each partner in minutes, and every
bundle is validated before it is written. This script writes a synthetic Findings folder of
the given size (explicit seed), then exports it for an internal archive (full form) and for a
trust-2 partner (hashed form), as STIX (validated) and as MISP, printing per step the wall
time, the output size and the process's peak RSS.

    .venv/bin/python benchmarks/share_export.py                       # 200 groups x 50 accounts
    .venv/bin/python benchmarks/share_export.py --groups 1000 --members 100
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vigie.disarm.behaviours import SIGNAL_TECHNIQUES
from vigie.schema import write_findings
from vigie.share.misp_export import export_misp
from vigie.share.partners import example_partners_path, load_partners
from vigie.share.stix_export import export_stix
from vigie.share.stix_validate import validation_errors

T0 = datetime(2027, 3, 1, tzinfo=UTC)


def make(path: Path, groups: int, members: int, evidence: int, seed: int) -> None:
    rng = random.Random(seed)
    kinds = sorted(SIGNAL_TECHNIQUES)
    g_rows, m_rows, e_rows = [], [], []
    for g in range(groups):
        gid = f"g{g:05d}"
        sig = rng.sample(kinds, 2)
        techs = sorted({t for k in sig for t in SIGNAL_TECHNIQUES[k]})
        first = T0 + timedelta(hours=rng.randrange(500))
        accts = [f"{g}-{i}" for i in range(members)]
        urls = [f"https://site{rng.randrange(50)}.example/a/{g}/{j}" for j in range(5)]
        g_rows.append(
            {
                "group_id": gid,
                "score": rng.random(),
                "n_members": members,
                "n_posts": evidence,
                "signals": sig,
                "first_seen": first,
                "last_seen": first + timedelta(hours=3),
                "techniques": techs,
                "top_objects": urls[:2],
                "summary": f"{members} accounts shared the same links.",
            }
        )
        m_rows += [{"group_id": gid, "account_id": a, "platform": "x"} for a in accts]
        e_rows += [
            {
                "group_id": gid,
                "kind": sig[0],
                "object": rng.choice(urls),
                "post_id": f"{gid}-{k}",
                "account_id": rng.choice(accts),
                "created_at": first + timedelta(seconds=k),
                "text": f"post {k} of {gid}",
            }
            for k in range(evidence)
        ]
    write_findings(path, groups=g_rows, members=m_rows, edges=[], evidence=e_rows)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=200)
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--evidence", type=int, default=40, help="evidence rows per group")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    reg = load_partners(example_partners_path())
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "findings"
        t = time.perf_counter()
        make(f, args.groups, args.members, args.evidence, args.seed)
        print(
            f"findings: {args.groups} groups x {args.members} accounts, "
            f"{args.groups * args.evidence} evidence rows, written in "
            f"{time.perf_counter() - t:.1f} s"
        )
        for label, partner in (
            ("internal/full", None),
            ("observatoire/hashed", reg.get("observatoire")),
        ):
            t = time.perf_counter()
            s = export_stix(f, partner=partner, producer=reg.producer, validate=False)
            built = time.perf_counter() - t
            t = time.perf_counter()
            errors = validation_errors(s.bundle)
            checked = time.perf_counter() - t
            size = len(s.to_json())
            n = len(s.bundle["objects"])
            print(
                f"STIX {label:<20} build {built:6.1f} s, validate {checked:6.1f} s "
                f"({1000 * checked / n:.1f} ms/object, {len(errors)} errors)  {n:>7} objects  "
                f"{size / 1e6:6.1f} MB  peak RSS {peak_rss_mb():,.0f} MB"
            )
            t = time.perf_counter()
            m = export_misp(f, partner=partner, producer=reg.producer)
            size = len(m.to_json())
            print(
                f"MISP {label:<20} {time.perf_counter() - t:7.1f} s              "
                f"{len(m.event.objects):>7} objects  {size / 1e6:6.1f} MB  "
                f"peak RSS {peak_rss_mb():,.0f} MB"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
