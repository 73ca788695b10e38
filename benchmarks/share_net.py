"""TAXII server, private comparison and audit log: throughput and peak memory.

Why: the server must page through large collections for partners' scripts, and comparisons
must stay quick on realistic list sizes (a CERT tracks thousands of CVEs and indicators).
Everything runs on 127.0.0.1 in this process (uvicorn in a thread), with an explicit seed for
the generated identifiers; figures are printed, never asserted.

    .venv/bin/python benchmarks/share_net.py                     # defaults
    .venv/bin/python benchmarks/share_net.py --objects 20000 --psi-sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

from argon2 import PasswordHasher


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def bench_taxii(tmp: Path, n_objects: int, batch: int, page: int) -> None:
    from taxii2client.v21 import Collection, as_pages

    from vigie.share.partners import parse_partners
    from vigie.share.taxii.app import build_state, create_app
    from vigie.share.taxii.auth import set_password
    from vigie.share.taxii.config import collection_id, parse_config
    from vigie.share.taxii.server import BackgroundServer

    rng = random.Random(7)
    cfg = parse_config(
        {
            "db_url": "sqlite:///bench.db",
            "rate_limit": {"requests_per_second": 1e6, "burst": 1_000_000},
            "api_roots": [{"name": "r", "collections": [{"name": "c", "max_tlp": "RED"}]}],
        },
        base_dir=tmp,
    )
    reg = parse_partners(
        {"partners": [{"name": "p", "sector": "state", "trust": 4, "max_tlp": "RED"}]}
    )
    state = build_state(cfg, reg)
    pw = "benchmark-password-1"
    set_password(state.store, "p", pw, hasher=PasswordHasher())
    cid = collection_id("r", cfg.api_roots[0].collections[0])
    objs = []
    for i in range(n_objects):
        objs.append(
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z",
                "pattern": f"[url:value = 'https://example.org/{i}']",
                "pattern_type": "stix",
                "valid_from": "2026-01-01T00:00:00Z",
                "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
            }
        )
    with BackgroundServer(create_app(state)) as url:
        c = Collection(f"{url}/r/collections/{cid}/", user="p", password=pw)
        t = time.perf_counter()
        for k in range(0, n_objects, batch):
            c.add_objects({"objects": objs[k : k + batch]})
        dt = time.perf_counter() - t
        print(
            f"taxii add: {n_objects} objects in batches of {batch}: {dt:.2f} s "
            f"({n_objects / dt:.0f} objects/s, validation + storage + audit)"
        )
        t = time.perf_counter()
        got = sum(len(p.get("objects", [])) for p in as_pages(c.get_objects, per_request=page))
        dt = time.perf_counter() - t
        print(
            f"taxii get: {got} objects in pages of {page}: {dt:.2f} s ({got / dt:.0f} objects/s,"
            " policy filter + audit row per object)"
        )
    from vigie.share.audit import AuditLog

    t = time.perf_counter()
    rep = AuditLog(state.store).verify()
    print(f"audit verify: {rep.rows} rows in {time.perf_counter() - t:.2f} s (ok={rep.ok})")
    state.store.dispose()


def bench_psi(sizes: list[int], overlap: float) -> None:
    from vigie.share.compare import CompareService
    from vigie.share.psi import ecdh, keyed
    from vigie.share.psi.canon import ItemSet
    from vigie.share.psi.padding import pad

    rng = random.Random(11)
    for n in sizes:
        common = [f"cve:CVE-{2000 + i % 25}-{i:06d}" for i in range(int(n * overlap))]
        a = common + [f"url:a.example/{rng.getrandbits(64):x}" for _ in range(n - len(common))]
        b = common + [f"url:b.example/{rng.getrandbits(64):x}" for _ in range(n - len(common))]
        svc = CompareService(
            ItemSet(b, "b"), key=b"k" * 32, max_items=max(sizes), per_hour=1e9, burst=10**9
        )
        if ecdh.available():
            t = time.perf_counter()
            client = ecdh.ClientSession(pad(a, 64), False)
            body = {"backend": "ecdh", "reveal": False, "request": client.request()}
            ans = svc.answer("bench", "bench", body)
            size = client.size(ans["setup"], ans["response"])
            dt = time.perf_counter() - t
            wire = len(body["request"]) + len(ans["setup"]) + len(ans["response"])
            print(
                f"psi ecdh: n={n} overlap={size} (expected {len(common)}) {dt:.2f} s, "
                f"{wire / 1e6:.1f} MB on the wire (base64)"
            )
        t = time.perf_counter()
        sess = keyed.session_key(b"k" * 32, "0" * 32)
        body = {
            "backend": "keyed",
            "reveal": False,
            "nonce": "0" * 32,
            "digests": keyed.digests(sess, pad(a, 64)),
        }
        ans = svc.answer("bench", "bench", body)
        print(f"psi keyed: n={n} overlap={ans['size']} {time.perf_counter() - t:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--page", type=int, default=1000)
    ap.add_argument("--psi-sizes", default="1000,10000")
    ap.add_argument("--overlap", type=float, default=0.1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_taxii(Path(tmp), args.objects, args.batch, args.page)
    bench_psi([int(s) for s in args.psi_sizes.split(",")], args.overlap)
    print(f"peak RSS: {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
