"""Damaged files through the web workbench: count the server errors.

Why outside the suite: ``ingest_fuzz.py`` and ``file_fuzz.py`` run vigie's commands; the
workbench reads the same files through its own pages (the import wizard's upload, mapping
page, preview and background job; the risk pages of the studies in a workspace's ``risk/``
folder), where an exception the page did not expect is a 500 and a job that fails on one
shows a Python exception's name instead of a message. Each run opens a fresh workspace in
single-user mode (``TestClient``, no server), then:

- every ingest fixture, damaged as ``ingest_fuzz.py`` damages it, is uploaded to
  ``/import/upload``; its mapping page is read, ``/import/run`` posted and the job waited for;
- every risk template, damaged as ``file_fuzz.py`` damages a study, is written to ``risk/``
  and ``/risk/NAME``, ``/risk/NAME/report`` and ``/risk`` are read.

A 500, a job not finished within two minutes, or a job that failed with an exception's name
(``KeyError: ...``) rather than a message counts as bad. Seeded.

    .venv/bin/python benchmarks/web_fuzz.py                # seed 2: 255 uploads, 21 studies, ~40 s
    .venv/bin/python benchmarks/web_fuzz.py --seed 5 --per-file 10
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
EXCEPTION_NAMED = re.compile(r"^[A-Z][A-Za-z]+(Error|Exception|Warning|Interrupt|Exit)?: ")


def uploads(client, csrf: str, per_file: int, rng: random.Random) -> tuple[int, list[str]]:  # noqa: ANN001
    """Each ingest fixture, damaged ``per_file`` times, through the import wizard."""
    from ingest_fuzz import _fixtures, damaged

    from ingest.test_archive_fuzz import _damaged

    n, bad = 0, []
    for f in _fixtures():
        data = f.read_bytes()
        for j in range(per_file):
            n += 1
            where = f"{f.name} copy {j}"
            files = {"file": (f.name, damaged(data, rng, _damaged), "application/octet-stream")}
            r = client.post(
                "/import/upload", data={"csrf": csrf}, files=files, follow_redirects=False
            )
            if r.status_code >= 500:
                bad.append(f"{where}: upload answered {r.status_code}")
                continue
            if r.status_code != 303:
                continue  # refused with a page that says why
            token = r.headers["location"].split("upload=", 1)[1]
            page = client.get(r.headers["location"])
            if page.status_code >= 500:
                bad.append(f"{where}: mapping page answered {page.status_code}")
                continue
            form = {"csrf": csrf, "upload": token, "format": "auto", "dataset": f"d{n}"}
            r = client.post("/import/run", data=form, follow_redirects=False)
            if r.status_code >= 500:
                bad.append(f"{where}: import answered {r.status_code}")
                continue
            if r.status_code != 303:
                continue
            job = client.app.state.vigie.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
            if job is None or job.state not in ("done", "failed"):
                bad.append(f"{where}: the import did not finish in 120 s")
            elif job.state == "failed" and EXCEPTION_NAMED.match(job.message):
                bad.append(f"{where}: the import failed on {job.message[:200]}")
    return n, bad


def studies(client, root: Path, per_file: int, rng: random.Random) -> tuple[int, list[str]]:  # noqa: ANN001
    """Each risk template, damaged ``per_file`` times, read through the risk pages."""
    from file_fuzz import damage

    from vigie.risk.templates import TEMPLATES, template_text

    n, bad = 0, []
    for name in TEMPLATES:
        data = template_text(name).encode("utf-8")
        for j in range(per_file):
            study = root / "risk" / f"s{n}.yaml"
            n += 1
            study.write_bytes(damage(data, rng))
            for url in (f"/risk/{study.name}", f"/risk/{study.name}/report", "/risk"):
                r = client.get(url)
                if r.status_code >= 500:
                    bad.append(f"{name} copy {j}: {url} answered {r.status_code}")
            study.unlink()
    return n, bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--per-file", type=int, default=3, help="damaged copies of each file")
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)  # the server logs each 500: counted here instead

    from fastapi.testclient import TestClient

    from vigie.cases.workspace import Workspace
    from vigie.web.app import create_app
    from vigie.web.settings import WebSettings

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="vigie-web-fuzz-") as tmp:
        root = Path(tmp) / "ws"
        Workspace.init(root).close()
        (root / "risk").mkdir(exist_ok=True)
        client = TestClient(
            create_app(WebSettings(workspace=root)),
            base_url="http://127.0.0.1:8765",
            raise_server_exceptions=False,
        )
        csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)
        n_up, bad_up = uploads(client, csrf, args.per_file, rng)
        n_st, bad_st = studies(client, root, args.per_file, rng)
    for line in bad_up + bad_st:
        print("BAD", line)
    print(
        f"\n{n_up:,} damaged uploads ({len(bad_up)} bad), {n_st:,} damaged studies "
        f"({len(bad_st)} bad), seed {args.seed}"
    )
    sys.exit(1 if bad_up or bad_st else 0)


if __name__ == "__main__":
    main()
