#!/usr/bin/env python3
"""Score a vigie Findings folder against ``blind/gen.py``'s ground truth.

Reads ``truth.csv`` (campaign accounts: account_id, campaign, kind, role) and
``organic_roles.csv`` (every other account, with the organic behaviour that could make it
look coordinated) from the generator's folder, and ``groups``, ``members``, ``edges`` and
``pairs`` (Parquet) from the Findings folder::

    .venv/bin/python benchmarks/blind/score.py GEN_DIR FINDINGS_DIR [--json OUT]

Kept apart from ``vigie score`` on purpose: the truth here is the independent generator's
own, per campaign and per organic role, and the figures are the ones an analyst asks of a
blind test (which campaigns were found, by which signals, how cleanly, and which honest
behaviours were caught instead), not vigie's own F1 definitions.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read(findings: Path, name: str, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of one Findings table (none when vigie wrote no such file: no group found)."""
    path = findings / f"{name}.parquet"
    if not path.exists():
        return []
    return pq.read_table(path, columns=columns).to_pylist()


def score(gen_dir: str | Path, findings: str | Path) -> dict[str, Any]:
    """Per campaign, per group and per organic role figures for one run.

    ``campaigns``: one row per injected campaign: ``members``; ``found`` (in any group);
    ``recall``; ``found_likely_authentic`` (found, but in a group vigie rates likely
    authentic, so an analyst would set it aside); ``n_groups`` it landed in;
    ``in_own_group`` (members whose group has this campaign as its largest label);
    ``group_accounts`` (size of those groups together) and ``purity`` = found /
    group_accounts; ``pairs_only`` (members tied only in ``pairs.parquet``, outside any
    group); ``signals`` (edge kinds touching the found members, and ``lockstep`` for those
    the lockstep test placed, as the manifest lists them: kind -> accounts).
    ``organic``: ``total``, ``flagged`` (in any group), ``flagged_not_la`` (in a group not
    rated likely authentic) and ``by_role``: role -> {accounts, flagged, flagged_not_la}.
    ``groups``: one row per group with its label mix.
    """
    gen_dir, findings = Path(gen_dir), Path(findings)
    truth = _read_csv(gen_dir / "truth.csv")
    roles = {r["account_id"]: r["role"] for r in _read_csv(gen_dir / "organic_roles.csv")}
    camp = {r["account_id"]: r["campaign"] for r in truth}

    groups = _read(
        findings,
        "groups",
        ["group_id", "signals", "likely_authentic", "inauthenticity_score"],
    )
    la = {g["group_id"]: bool(g["likely_authentic"]) for g in groups}
    members = _read(findings, "members", ["group_id", "account_id"])
    edges = _read(findings, "edges", ["source", "target", "kind"])
    pairs = _read(findings, "pairs", ["account_id_a", "account_id_b"])

    group_of = {m["account_id"]: m["group_id"] for m in members}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for m in members:
        labels[m["group_id"]][camp.get(m["account_id"], "organic")] += 1
    size = {gid: sum(c.values()) for gid, c in labels.items()}
    top = {gid: c.most_common(1)[0][0] for gid, c in labels.items()}
    sigs: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        sigs[e["source"]].add(e["kind"])
        sigs[e["target"]].add(e["kind"])
    # members the lockstep test placed (no edge of their own): "lockstep" is their signal
    manifest = findings / "manifest.json"
    if manifest.exists():
        graph = json.loads(manifest.read_text(encoding="utf-8")).get("graph") or {}
        for r in (graph.get("lockstep") or {}).get("members") or []:
            sigs[str(r["account_id"])].add("lockstep")
    in_pairs = {p["account_id_a"] for p in pairs} | {p["account_id_b"] for p in pairs}

    by_campaign: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in truth:
        by_campaign[r["campaign"]].append(r)
    campaigns = []
    for c, rows in sorted(by_campaign.items()):
        ids = [r["account_id"] for r in rows]
        found = [a for a in ids if a in group_of]
        gids = Counter(group_of[a] for a in found)
        tot = sum(size[g] for g in gids)
        sig = Counter(s for a in found for s in sigs.get(a, ()))
        campaigns.append(
            {
                "campaign": c,
                "kind": rows[0]["kind"],
                "members": len(ids),
                "found": len(found),
                "recall": len(found) / len(ids),
                "found_likely_authentic": sum(la[group_of[a]] for a in found),
                "n_groups": len(gids),
                "in_own_group": sum(top[group_of[a]] == c for a in found),
                "group_accounts": tot,
                "purity": len(found) / tot if tot else None,
                "pairs_only": sum(a not in group_of and a in in_pairs for a in ids),
                "signals": dict(sig.most_common()),
            }
        )

    by_role: dict[str, dict[str, int]] = {}
    for a, role in roles.items():
        r = by_role.setdefault(role, {"accounts": 0, "flagged": 0, "flagged_not_la": 0})
        r["accounts"] += 1
        if a in group_of:
            r["flagged"] += 1
            r["flagged_not_la"] += not la[group_of[a]]
    organic = {
        "total": len(roles),
        "flagged": sum(r["flagged"] for r in by_role.values()),
        "flagged_not_la": sum(r["flagged_not_la"] for r in by_role.values()),
        "by_role": dict(sorted(by_role.items())),
    }
    group_rows = [
        {
            "group": g["group_id"],
            "n": size.get(g["group_id"], 0),
            "organic": labels[g["group_id"]].get("organic", 0),
            "top": top.get(g["group_id"]),
            "labels": dict(labels[g["group_id"]]),
            "likely_authentic": bool(g["likely_authentic"]),
            "inauth": g["inauthenticity_score"],
            "signals": list(g["signals"] or []),
        }
        for g in sorted(groups, key=lambda g: g["group_id"])
    ]
    return {
        "campaigns": campaigns,
        "groups": group_rows,
        "organic": organic,
        "total_campaign": len(truth),
        "total_found": sum(c["found"] for c in campaigns),
    }


def print_report(rep: dict[str, Any], out: Any = sys.stdout) -> None:
    """The three tables: campaigns, groups, organic roles."""

    def p(*a: Any) -> None:
        print(*a, file=out)

    p(
        f"{'campaign':14}{'kind':14}{'members':>8}{'found':>7}{'recall':>8}{'in LA':>7}"
        f"{'#grp':>6}{'purity':>8}{'pairs':>7}  signals (accounts)"
    )
    for c in rep["campaigns"]:
        pur = "—" if c["purity"] is None else f"{c['purity']:.3f}"
        sig = ", ".join(f"{k}:{v}" for k, v in list(c["signals"].items())[:6])
        p(
            f"{c['campaign']:14}{c['kind']:14}{c['members']:>8}{c['found']:>7}"
            f"{c['recall']:>8.3f}{c['found_likely_authentic']:>7}{c['n_groups']:>6}"
            f"{pur:>8}{c['pairs_only']:>7}  {sig}"
        )
    p()
    p(f"{'group':8}{'n':>5}{'organic':>8}  {'top':14}{'lik.auth':>9}{'inauth':>8}  signals")
    for g in rep["groups"]:
        p(
            f"{g['group']:8}{g['n']:>5}{g['organic']:>8}  {g['top'] or '—':14}"
            f"{'yes' if g['likely_authentic'] else 'no':>9}{g['inauth']:>8.3f}  "
            + ", ".join(g["signals"])
        )
    o = rep["organic"]
    p()
    p(
        f"organic accounts in groups: {o['flagged']} of {o['total']}; "
        f"in groups not rated likely authentic: {o['flagged_not_la']}"
    )
    p(f"{'role':24}{'accounts':>9}{'flagged':>9}{'not LA':>8}")
    for role, r in o["by_role"].items():
        if r["flagged"]:
            p(f"{role:24}{r['accounts']:>9}{r['flagged']:>9}{r['flagged_not_la']:>8}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gen_dir", type=Path, help="the generator's --out folder")
    ap.add_argument("findings", type=Path, help="vigie detect's --out folder")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = ap.parse_args(argv)
    rep = score(args.gen_dir, args.findings)
    print_report(rep)
    if args.json:
        args.json.write_text(json.dumps(rep, indent=1, default=str))
    return rep


if __name__ == "__main__":
    main()
