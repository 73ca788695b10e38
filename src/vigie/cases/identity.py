"""Stable group identity: match a run's groups to the groups already known, by membership.

Why membership, not rank: detection numbers groups by score (``g0001`` is the strongest), so
the same accounts come back under another number whenever any score moves. A person's
decision must follow the *accounts*, so a group is identified by who is in it.

The rule (also in ``docs/triage.md``), stated so that an analyst can check it by hand:

1. **Match.** For every pair (known group K with its latest membership, new group N) the
   Jaccard index ``|K ∩ N| / |K ∪ N|`` is computed. Pairs with Jaccard ≥ ``MATCH_JACCARD``
   (0.5) are candidates; they are taken greedily from the highest Jaccard down (ties: larger
   overlap, then the older id, then the new group's local id), each known and each new group
   at most once. A matched new group keeps the known id; an unmatched one gets a new id.
2. **Id.** A new id is ``G-`` and the first 6 hex digits (upper case) of SHA-256 over the
   sorted member keys (``platform:account_id``), re-hashed with a counter in the rare case
   the id is taken. It depends on who is in the group, never on its rank, the run's time or
   the order of the rows, so the same Findings give the same ids in any workspace.
3. **Lineage** between the previous run and this one: a *link* K→N exists when the overlap
   is at least ``LINK_SHARE`` (0.5) of the smaller of the two groups. Matched pairs are
   ``continued``; a link to a group under another id is a ``split`` when K has links to two
   or more new groups, otherwise K ``merged`` into N; an unmatched new group without any
   link is ``born``; a previous group neither matched nor linked is ``gone``. A known group
   that was absent from the previous run and matches again is ``returned``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MATCH_JACCARD = 0.5
"""A new group keeps a known id when their memberships have at least this Jaccard index."""

LINK_SHARE = 0.5
"""Lineage link (split, merge) when the overlap is at least this share of the smaller group."""

Membership = frozenset[str]


def member_key(platform: str | None, account_id: str) -> str:
    """The key an account is compared by across runs (``platform:account_id``)."""
    return f"{platform}:{account_id}" if platform else str(account_id)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """``|a ∩ b| / |a ∪ b|`` (1.0 for two empty sets: nothing changed)."""
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0


def new_group_id(members: Iterable[str], taken: set[str] | frozenset[str] = frozenset()) -> str:
    """``G-XXXXXX`` from the membership's hash, re-hashed with a counter while taken."""
    base = "\n".join(sorted(members))
    counter = 0
    while True:
        text = base if counter == 0 else f"{base}\n#{counter}"
        gid = "G-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:6].upper()
        if gid not in taken:
            return gid
        counter += 1


@dataclass(frozen=True)
class Link:
    """Overlap between a known group and a new group (by local id)."""

    known: str
    local: str
    overlap: int
    jaccard: float
    share: float  # overlap / min(size)


@dataclass
class Assignment:
    """The outcome of matching one run: local id -> stable id, and the lineage events."""

    ids: dict[str, str] = field(default_factory=dict)  # local id -> stable id
    jaccard: dict[str, float] = field(default_factory=dict)  # local id -> J with matched group
    born: list[str] = field(default_factory=list)  # local ids that got a new id
    events: list[tuple[str, str | None, str | None, int | None, float | None]] = field(
        default_factory=list
    )  # (event, parent stable id, child stable id, overlap, jaccard)


def _links(
    known: Mapping[str, Membership], new: Mapping[str, Membership]
) -> dict[tuple[str, str], Link]:
    """Every (known, new) pair sharing at least one account, via an inverted index."""
    index: dict[str, list[str]] = defaultdict(list)
    for kid, mem in known.items():
        for acc in mem:
            index[acc].append(kid)
    out: dict[tuple[str, str], Link] = {}
    for lid, mem in new.items():
        counts: dict[str, int] = defaultdict(int)
        for acc in mem:
            for kid in index.get(acc, ()):
                counts[kid] += 1
        for kid, ov in counts.items():
            ka = len(known[kid])
            union = ka + len(mem) - ov
            out[(kid, lid)] = Link(
                kid, lid, ov, ov / union if union else 1.0, ov / max(1, min(ka, len(mem)))
            )
    return out


def match(
    known: Mapping[str, Membership],
    new: Mapping[str, Membership],
    previous: Iterable[str] = (),
    taken: Iterable[str] = (),
) -> Assignment:
    """Match ``new`` groups (local id -> members) to ``known`` groups (stable id -> latest
    members). ``previous`` names the known groups present in the previous run (for lineage);
    ``taken`` every id already used in the workspace (new ids avoid them)."""
    links = _links(known, new)
    candidates = sorted(
        (lk for lk in links.values() if lk.jaccard >= MATCH_JACCARD),
        key=lambda lk: (-lk.jaccard, -lk.overlap, lk.known, lk.local),
    )
    result = Assignment()
    used_known: set[str] = set()
    for lk in candidates:
        if lk.known in used_known or lk.local in result.ids:
            continue
        used_known.add(lk.known)
        result.ids[lk.local] = lk.known
        result.jaccard[lk.local] = lk.jaccard
    taken_ids = set(taken) | set(known)
    for lid in sorted(new, key=lambda x: (sorted(new[x]), x)):
        if lid not in result.ids:
            gid = new_group_id(new[lid], taken_ids)
            taken_ids.add(gid)
            result.ids[lid] = gid
            result.born.append(lid)
    prev = set(previous)
    lineage_links = [lk for lk in links.values() if lk.known in prev and lk.share >= LINK_SHARE]
    out_links: dict[str, list[Link]] = defaultdict(list)
    in_links: dict[str, list[Link]] = defaultdict(list)
    for lk in lineage_links:
        out_links[lk.known].append(lk)
        in_links[lk.local].append(lk)
    events = result.events
    for lid in sorted(new, key=lambda x: result.ids[x]):
        gid = result.ids[lid]
        if lid not in result.born:
            kind = "continued" if gid in prev else "returned"
            lk = links.get((gid, lid))
            events.append((kind, gid, gid, lk.overlap if lk else None, result.jaccard[lid]))
        for lk in sorted(in_links.get(lid, []), key=lambda x: x.known):
            if lk.known == gid:
                continue
            kind = "split" if len(out_links[lk.known]) >= 2 else "merged"
            events.append((kind, lk.known, gid, lk.overlap, round(lk.jaccard, 6)))
        if lid in result.born and not in_links.get(lid):
            events.append(("born", None, gid, None, None))
    matched = set(used_known)
    for kid in sorted(prev):
        if kid not in matched and not out_links.get(kid):
            events.append(("gone", kid, None, None, None))
    return result
