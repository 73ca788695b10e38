"""Benchmark vigie blind: on scenarios from a generator written without reading vigie's own.

Why: vigie's exercise generator (``vigie.exercise``) and its detectors grew up together, so
scoring one against the other can flatter both. ``benchmarks/blind/gen.py`` was written from
published reports only (Spamouflage, IRA personas, Doppelganger, MacronLeaks, the fox8 LLM
botnet, Operation Overload, low-and-slow sleepers; its header cites each source and the
parameters taken from it) by someone who had not read vigie's generator, beside organic
behaviour chosen to look coordinated (viral cascades, militants, party and newsroom
networks, RSS feeds, share-button copypasta, "A voté !", petitions, small communities).
Its output is a twarc2 collection (X API v2 JSON Lines pages), so the run also goes through
vigie's real X reader. Each seed runs, as a user would:

1. ``blind/gen.py`` (in-process) writes ``tweets.jsonl`` + ``truth.csv`` + ``organic_roles.csv``;
2. ``vigie ingest tweets.jsonl --into DATASET`` (the CLI, a child process);
3. ``vigie detect DATASET --out FINDINGS`` with default settings (or ``--config TOML``);
4. ``blind/score.py`` scores the Findings against the truth.

::

    .venv/bin/python benchmarks/blind.py                       # seeds 1 2 3, ~2 min on 2 cores
    .venv/bin/python benchmarks/blind.py --stealth overt --seeds 1
    .venv/bin/python benchmarks/blind.py --config detect.toml --work /tmp/blind --keep

The table gives, per campaign kind: its members per seed, found (in any group) and recall
per seed and pooled over seeds, how many of those found sit in groups rated
``likely_authentic`` (an analyst would set them aside), purity (found / all accounts of
the groups they landed in, pooled), and the signals touching the found members (edge
kinds, and ``lockstep`` for the accounts the lockstep test placed). Then the organic
accounts flagged, in total and outside likely-authentic groups, by organic role (the
behaviour that made them look coordinated). Nothing is asserted: the scenario was not tuned
to vigie, and low recall on a kind is a finding, not a failure.

``--work DIR`` keeps each seed's truth, Findings, logs and ``score.json`` there; the
collection and the Dataset (~400 MB and ~100 MB a seed) are deleted after scoring unless
``--keep``. Without ``--work`` everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from blind import gen as blind_gen
from blind import score as blind_score

ROOT = Path(__file__).resolve().parents[1]


def vigie_cmd() -> list[str]:
    """The ``vigie`` CLI of the interpreter running this script (its venv), so the run
    tests this checkout rather than whatever ``vigie`` is first on PATH."""
    exe = Path(sys.executable).with_name("vigie")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("vigie")
    if not found:
        raise SystemExit("no vigie command next to this Python nor on PATH")
    return [found]


def run_logged(cmd: list[str], log: Path) -> float:
    """Run a child process with its output in ``log``; seconds taken. A failure stops the
    benchmark with the log's tail: a crash in ingest or detect is the result to report."""
    t = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        rc = subprocess.call(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
    if rc:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd)} failed (exit {rc}); end of {log}:\n{tail}")
    return time.perf_counter() - t


def run_seed(
    seed: int, stealth: str, work: Path, config: Path | None, keep: bool
) -> dict[str, Any]:
    """Generate, ingest, detect and score one seed; the score dict plus ``seconds``.

    The Dataset folder is removed first: ``vigie ingest`` appends, and a rerun in the same
    ``--work`` must not merge two collections."""
    base = work / f"{stealth}-{seed}"
    gen_dir, ds, findings = base / "gen", base / "dataset", base / "findings"
    base.mkdir(parents=True, exist_ok=True)
    for d in (ds, findings):
        shutil.rmtree(d, ignore_errors=True)
    t = time.perf_counter()
    info = blind_gen.generate(seed, gen_dir, stealth=stealth)
    t_gen = time.perf_counter() - t
    vigie = vigie_cmd()
    tweets = gen_dir / "tweets.jsonl"
    t_ing = run_logged([*vigie, "ingest", str(tweets), "--into", str(ds)], base / "ingest.log")
    detect = [*vigie, "detect", str(ds), "--out", str(findings)]
    if config:
        detect += ["--config", str(config)]
    t_det = run_logged(detect, base / "detect.log")
    rep = blind_score.score(gen_dir, findings)
    rep["seed"] = seed
    rep["tweets"] = info["tweets"]
    rep["seconds"] = {"generate": t_gen, "ingest": t_ing, "detect": t_det}
    (base / "score.json").write_text(json.dumps(rep, indent=1, default=str))
    if not keep:
        tweets.unlink(missing_ok=True)
        (gen_dir / "truth.parquet").unlink(missing_ok=True)
        shutil.rmtree(ds, ignore_errors=True)
    return rep


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "—"


def print_table(results: list[dict[str, Any]], stealth: str, config: Path | None) -> None:
    """Per campaign kind (per seed and pooled), then organic accounts by role (pooled)."""
    seeds = [r["seed"] for r in results]
    settings = f"detect config {config}" if config else "default detect settings"
    print(
        f"\nblind scenario (benchmarks/blind/gen.py), stealth {stealth}, seeds {seeds}; "
        f"vigie ingest (twarc2) + vigie detect, {settings}"
    )
    kinds: dict[str, list[dict[str, Any] | None]] = {}
    for i, r in enumerate(results):
        for c in r["campaigns"]:
            kinds.setdefault(c["kind"], [None] * len(results))[i] = c
    head = f"{'kind':14}{'campaign':14}{'members':>8}"
    head += "".join(f"{f'seed {s}':>12}" for s in seeds)
    head += f"{'pooled':>12}{'recall':>8}{'in LA':>7}{'purity':>8}  signals (found accounts)"
    print(head)
    for kind, cs in sorted(kinds.items()):
        got = [c for c in cs if c]
        mem = sorted({c["members"] for c in got})
        members = str(mem[0]) if len(mem) == 1 else f"{mem[0]}-{mem[-1]}"
        cells = "".join(f"{c['found']:>6} {c['recall']:.3f}" if c else f"{'—':>12}" for c in cs)
        found, n = sum(c["found"] for c in got), sum(c["members"] for c in got)
        grp = sum(c["group_accounts"] for c in got)
        la = sum(c["found_likely_authentic"] for c in got)
        sig: Counter[str] = Counter()
        for c in got:
            sig.update(c["signals"])
        sigs = ", ".join(f"{k}:{v}" for k, v in sig.most_common(5)) or "—"
        print(
            f"{kind:14}{got[0]['campaign']:14}{members:>8}{cells}{f'{found}/{n}':>12}"
            f"{_ratio(found, n):>8}{la:>7}{_ratio(found, grp):>8}  {sigs}"
        )
    found = sum(r["total_found"] for r in results)
    n = sum(r["total_campaign"] for r in results)
    cells = "".join(
        f"{r['total_found']:>6} {r['total_found'] / r['total_campaign']:.3f}" for r in results
    )
    print(f"{'all campaigns':28}{'':>8}{cells}{f'{found}/{n}':>12}{_ratio(found, n):>8}")

    print("\norganic accounts flagged (pooled over seeds; 'not LA' = outside groups rated")
    print("likely_authentic, what an analyst would act on)")
    print(f"{'organic role':24}{'accounts':>9}{'flagged':>9}{'share':>8}{'not LA':>8}{'share':>8}")
    roles: dict[str, Counter[str]] = {}
    for r in results:
        for role, v in r["organic"]["by_role"].items():
            roles.setdefault(role, Counter()).update(v)
    tot: Counter[str] = Counter()
    for role, v in sorted(roles.items()):
        tot.update(v)
        print(
            f"{role:24}{v['accounts']:>9}{v['flagged']:>9}{_ratio(v['flagged'], v['accounts']):>8}"
            f"{v['flagged_not_la']:>8}{_ratio(v['flagged_not_la'], v['accounts']):>8}"
        )
    print(
        f"{'all organic':24}{tot['accounts']:>9}{tot['flagged']:>9}"
        f"{_ratio(tot['flagged'], tot['accounts']):>8}{tot['flagged_not_la']:>8}"
        f"{_ratio(tot['flagged_not_la'], tot['accounts']):>8}"
    )

    print()
    for r in results:
        g = r["groups"]
        camp = sum(x["top"] != "organic" for x in g)
        org_act = sum(x["top"] == "organic" and not x["likely_authentic"] for x in g)
        o, s = r["organic"], r["seconds"]
        print(
            f"seed {r['seed']}: {r['tweets']:,} tweets; {len(g)} groups ({camp} campaign-majority, "
            f"{org_act} organic-majority not rated likely authentic); organic flagged "
            f"{o['flagged']}, not LA {o['flagged_not_la']}; generate {s['generate']:.0f}s, "
            f"ingest {s['ingest']:.0f}s, detect {s['detect']:.0f}s"
        )
    for r in results:
        ranks = inauth_ranks(r["groups"])
        print(
            f"seed {r['seed']}: by inauthenticity score, the campaign-majority groups rank "
            f"{', '.join(map(str, ranks)) or '—'} of {len(r['groups'])}; AUC against the "
            f"organic-majority groups {_fmt(inauth_auc(r['groups']))}"
        )
    pooled = [x for r in results for x in r["groups"]]
    print(f"pooled AUC over seeds: {_fmt(inauth_auc(pooled))}")


def inauth_ranks(groups: list[dict[str, Any]]) -> list[int]:
    """The places of the campaign-majority groups when an analyst sorts the groups by
    ``inauthenticity_score``, highest first (a tie takes its best place)."""
    scores = sorted((x["inauth"] or 0.0 for x in groups), reverse=True)
    return sorted(scores.index(x["inauth"] or 0.0) + 1 for x in groups if x["top"] != "organic")


def inauth_auc(groups: list[dict[str, Any]]) -> float | None:
    """The chance that a campaign-majority group scores higher on ``inauthenticity_score``
    than an organic-majority group (ties count half): how well the score alone sorts the
    groups an analyst should read first. None without both kinds."""
    camp = [x["inauth"] or 0.0 for x in groups if x["top"] != "organic"]
    org = [x["inauth"] or 0.0 for x in groups if x["top"] == "organic"]
    if not camp or not org:
        return None
    wins = sum((c > o) + 0.5 * (c == o) for c in camp for o in org)
    return wins / (len(camp) * len(org))


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument(
        "--stealth",
        choices=["default", "overt"],
        default="default",
        help="overt: the generator's sensitivity variant (Doppelganger, MacronLeaks and "
        "Overload far more active); everything else identical",
    )
    ap.add_argument("--work", type=Path, default=None, help="keep each seed's results here")
    ap.add_argument("--config", type=Path, default=None, help="detect TOML passed to vigie")
    ap.add_argument(
        "--keep", action="store_true", help="with --work: keep tweets.jsonl and the Dataset too"
    )
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = ap.parse_args(argv)
    if args.config and not args.config.is_file():
        ap.error(f"--config {args.config}: no such file")
    config = args.config.resolve() if args.config else None

    t0 = time.perf_counter()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = (args.work or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        for seed in args.seeds:
            rep = run_seed(seed, args.stealth, work, config, args.keep)
            results.append(rep)
            s = rep["seconds"]
            print(
                f"[seed {seed}] found {rep['total_found']}/{rep['total_campaign']} campaign "
                f"accounts, organic flagged {rep['organic']['flagged']} "
                f"(not LA {rep['organic']['flagged_not_la']})  (generate {s['generate']:.1f}s, "
                f"ingest {s['ingest']:.1f}s, detect {s['detect']:.1f}s)",
                file=sys.stderr,
            )
    print_table(results, args.stealth, config)
    print(f"\ntotal wall time {time.perf_counter() - t0:.0f}s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
