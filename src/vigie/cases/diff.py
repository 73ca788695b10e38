"""Compare two runs: which groups are new, grown, shrunk, merged, split or gone.

Why compare memberships directly (not the lineage chain): the two runs need not be
consecutive, and the analyst asks "what changed since Monday?". Groups are compared by
stable id (a group in both runs); a group of run A absent from run B is *merged* when at
least half of the smaller side went into one group of B, *split* when that holds for two or
more groups of B, else *gone*; a group of B absent from A is *new* (or *split* off a group
of A, by the same rule). New evidence is what B's evidence objects hold that A's did not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from vigie.cases.identity import LINK_SHARE
from vigie.cases.records import Run, _jsonable

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace

KINDS = ("new", "grown", "shrunk", "changed", "merged", "split", "gone", "unchanged")


@dataclass
class GroupChange:
    """One group's change between run A and run B."""

    id: str
    change: str  # one of KINDS
    size_a: int
    size_b: int
    members_in: list[str] = field(default_factory=list)
    members_out: list[str] = field(default_factory=list)
    new_evidence: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # merged into / split into / split from
    status: str = "unreviewed"
    local_a: str | None = None
    local_b: str | None = None
    score_b: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class RunDiff:
    """Run A → run B, group by group (only the changed ones, plus a count of unchanged)."""

    run_a: Run
    run_b: Run
    changes: list[GroupChange]
    unchanged: int

    def by_change(self, kind: str) -> list[GroupChange]:
        return [c for c in self.changes if c.change == kind]

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for c in self.changes:
            out[c.change] += 1
        out["unchanged"] = self.unchanged
        return out

    def alerts(self) -> list[GroupChange]:
        """What ``vigie watch`` alerts on: new groups and grown ones (incl. split-offs)."""
        return [
            c
            for c in self.changes
            if c.change in ("new", "grown", "split")
            and c.size_b > 0
            and (c.change != "split" or c.local_b is not None)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_a": self.run_a.as_dict(),
            "run_b": self.run_b.as_dict(),
            "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes],
        }


MAX_LISTED = 500  # members in/out listed per group (counts are always exact via sizes)


def diff_runs(ws: Workspace, a: Run, b: Run) -> RunDiff:
    """Compare runs ``a`` and ``b`` of workspace ``ws``."""
    ma, mb = ws.memberships(a), ws.memberships(b)
    la = {v: k for k, v in ws.local_ids(a).items()}
    lb = {v: k for k, v in ws.local_ids(b).items()}
    ga = {g.id: g for g in ws.groups(a)}
    gb = {g.id: g for g in ws.groups(b)}
    index: dict[str, list[str]] = defaultdict(list)
    for gid, mem in mb.items():
        for acc in mem:
            index[acc].append(gid)

    def links_from_a(gid: str) -> list[str]:
        counts: dict[str, int] = defaultdict(int)
        for acc in ma[gid]:
            for other in index.get(acc, ()):
                counts[other] += 1
        return sorted(
            o
            for o, ov in counts.items()
            if ov >= LINK_SHARE * max(1, min(len(ma[gid]), len(mb[o])))
        )

    changes: list[GroupChange] = []
    unchanged = 0
    links = {gid: links_from_a(gid) for gid in sorted(ma)}
    split_from: dict[str, list[str]] = defaultdict(list)
    for gid, targets in links.items():
        if len(targets) >= 2:
            for t in targets:
                if t not in ma:
                    split_from[t].append(gid)
    for gid in sorted(ma):
        if gid in mb:
            continue
        targets = links[gid]
        kind = "gone" if not targets else ("merged" if len(targets) == 1 else "split")
        changes.append(
            GroupChange(
                id=gid,
                change=kind,
                size_a=len(ma[gid]),
                size_b=0,
                members_out=sorted(ma[gid])[:MAX_LISTED],
                related=targets,
                status=ga[gid].status if gid in ga else "unreviewed",
                local_a=la.get(gid),
            )
        )
    for gid in sorted(mb):
        sb = gb.get(gid)
        status = sb.status if sb else "unreviewed"
        objs_b = list(sb.objects) if sb else []
        if gid not in ma:
            changes.append(
                GroupChange(
                    id=gid,
                    change="split" if gid in split_from else "new",
                    size_a=0,
                    size_b=len(mb[gid]),
                    members_in=sorted(mb[gid])[:MAX_LISTED],
                    new_evidence=objs_b,
                    related=sorted(split_from.get(gid, [])),
                    status=status,
                    local_b=lb.get(gid),
                    score_b=sb.score if sb else None,
                )
            )
            continue
        ins, outs = sorted(mb[gid] - ma[gid]), sorted(ma[gid] - mb[gid])
        old_objs = set(ga[gid].objects) if gid in ga else set()
        new_ev = [o for o in objs_b if o not in old_objs]
        if not ins and not outs and not new_ev:
            unchanged += 1
            continue
        size_a, size_b = len(ma[gid]), len(mb[gid])
        kind = "grown" if size_b > size_a else "shrunk" if size_b < size_a else "changed"
        absorbed = sorted(c.id for c in changes if c.change == "merged" and c.related == [gid])
        absorbed += sorted(t for t, parents in split_from.items() if gid in parents)
        changes.append(
            GroupChange(
                id=gid,
                change=kind,
                size_a=size_a,
                size_b=size_b,
                members_in=ins[:MAX_LISTED],
                members_out=outs[:MAX_LISTED],
                new_evidence=new_ev,
                related=absorbed,
                status=status,
                local_a=la.get(gid),
                local_b=lb.get(gid),
                score_b=sb.score if sb else None,
            )
        )
    order = {k: i for i, k in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.change], -c.size_b, c.id))
    return RunDiff(a, b, changes, unchanged)
