"""Page load times of the web workbench on a demo workspace (target: every page < 1 s).

Builds (or reuses) a demo workspace with ``vigie demo`` (300,000 posts by default), then asks
every page through the app in-process (FastAPI's TestClient: server time, no network) and
prints the median of ``--repeat`` loads per page beside the 1 s target, as a ratio.

    .venv/bin/python benchmarks/web_pages.py                # 300k posts
    .venv/bin/python benchmarks/web_pages.py --posts 50000 --workspace /tmp/w
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--posts", type=int, default=300_000)
    ap.add_argument("--workspace", type=Path, default=Path(".bench/web-demo"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ws_path = args.workspace
    if not (ws_path / "workspace.json").exists():
        print(f"building the demo workspace ({args.posts:,} posts) in {ws_path} …", flush=True)
        vigie = Path(sys.executable).with_name("vigie")
        subprocess.run(
            [str(vigie), "demo", "--out", str(ws_path), "--posts", str(args.posts)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    from fastapi.testclient import TestClient

    from vigie.web.app import create_app
    from vigie.web.settings import WebSettings

    app = create_app(WebSettings(workspace=ws_path))
    client = TestClient(app, base_url="http://127.0.0.1")
    ws = app.state.vigie.ws
    run = ws.run()
    groups = ws.groups(run)
    biggest = max(groups, key=lambda g: g.n_members)
    pages = {
        "workspace": "/",
        "runs": "/runs",
        "run (groups list)": f"/runs/{run.id}",
        "group page (largest)": f"/groups/{biggest.id}",
        "group network.json": f"/groups/{biggest.id}/network.json",
        "compare": "/diff",
        "search": f"/search?q={biggest.id}",
        "risk": "/risk",
        "share preview": f"/share?run={run.id}&partner=internal",
        "audit": "/audit",
        "import": "/import",
    }
    print(f"\nworkspace {ws_path}: run {run.id}, {len(groups)} groups, largest {biggest.n_members}")
    print(f"{'page':<24} {'median s':>9} {'vs 1 s target':>14}")
    worst = 0.0
    for name, path in pages.items():
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get(path)
            times.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise SystemExit(f"{path}: HTTP {r.status_code}: {r.text[:200]}")
        med = statistics.median(times)
        worst = max(worst, med)
        print(f"{name:<24} {med:>9.3f} {med / TARGET_S:>13.2f}x")
    print(f"\nslowest page: {worst:.3f} s ({worst / TARGET_S:.2f}x the 1 s target)")


if __name__ == "__main__":
    main()
