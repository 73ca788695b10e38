"""Does one partner's large upload stall the others? Read latency during a heavy TAXII POST.

Why: a 2.3 MiB POST of 6,000 indicators used to stall every other partner for ~13 s (the
request was parsed and validated on the server's event loop). Now heavy POSTs run in a worker
thread. This starts the server on 127.0.0.1, has one partner post ``--objects`` indicators
while another reads a collection every 50 ms, and prints the reads' latency against the
write's duration. Figures are printed, never asserted.

    .venv/bin/python benchmarks/share_stall.py                 # 6000 indicators
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

TAXII = "application/taxii+json;version=2.1"


def main() -> None:
    import requests
    from argon2 import PasswordHasher

    from vigie.share.partners import parse_partners
    from vigie.share.taxii.app import build_state, create_app
    from vigie.share.taxii.auth import set_password
    from vigie.share.taxii.config import collection_id, parse_config
    from vigie.share.taxii.server import BackgroundServer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objects", type=int, default=6000)
    args = ap.parse_args()
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    pw = "a-long-password-123"
    with tempfile.TemporaryDirectory() as tmp:
        cfg = parse_config(
            {
                "db_url": "sqlite:///stall.db",
                "rate_limit": {"requests_per_second": 1000, "burst": 1000},
                "api_roots": [{"name": "r", "collections": [{"name": "c", "max_tlp": "GREEN"}]}],
            },
            base_dir=Path(tmp),
        )
        reg = parse_partners(
            {
                "partners": [
                    {"name": "writer", "sector": "state", "trust": 4, "max_tlp": "RED"},
                    {"name": "reader", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
                ]
            }
        )
        state = build_state(cfg, reg)
        for user in ("writer", "reader"):
            set_password(state.store, user, pw, hasher=cheap)
        cid = collection_id("r", cfg.api_roots[0].collections[0])
        objs = [
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.UUID(int=i + 1, version=4)}",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z",
                "pattern": f"[url:value = 'https://example.org/{i}']",
                "pattern_type": "stix",
                "valid_from": "2026-01-01T00:00:00Z",
                "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
            }
            for i in range(args.objects)
        ]
        body = json.dumps({"objects": objs})
        hdr = {"Accept": TAXII, "Content-Type": TAXII}
        with BackgroundServer(create_app(state)) as url:
            target = f"{url}/r/collections/{cid}/objects/"
            requests.post(
                target,
                data=json.dumps({"objects": objs[:1]}),
                auth=("writer", pw),
                headers=hdr,
                timeout=60,
            )
            lat: list[float] = []
            done = threading.Event()

            def write() -> None:
                requests.post(target, data=body, auth=("writer", pw), headers=hdr, timeout=600)
                done.set()

            t0 = time.perf_counter()
            th = threading.Thread(target=write)
            th.start()
            while not done.is_set():
                s = time.perf_counter()
                requests.get(target + "?limit=1", auth=("reader", pw), headers=hdr, timeout=600)
                lat.append(time.perf_counter() - s)
                time.sleep(0.05)
            th.join()
            write_s = time.perf_counter() - t0
        state.store.dispose()
    print(f"POST of {args.objects} indicators ({len(body) / 2**20:.1f} MiB): {write_s:.2f} s")
    print(
        f"reads during it: {len(lat)}, median {statistics.median(lat) * 1000:.0f} ms, "
        f"max {max(lat) * 1000:.0f} ms; max read / write time = {max(lat) / write_s:.2f}"
    )


if __name__ == "__main__":
    main()
