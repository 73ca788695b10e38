"""The accounts the lockstep test placed in a group, as a Findings' manifest lists them.

Why one reader: such a member has no pairwise tie (strength 0), so the pages that show a
group's members (the workbench's group page, ``vigie report``) each say why it is there,
from the same rows (``graph.lockstep.members``, written by ``lockstep.py``) and in the same
words.
"""

from __future__ import annotations

from typing import Any


def placed_by_lockstep(manifest: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The listed placements (the 500 most significant of a run) by (group id, account id):
    the manifest's row (observed, expected, p_value, objects) and ``shown``, its objects in
    an analyst's words."""
    rows = ((manifest.get("graph") or {}).get("lockstep") or {}).get("members") or []
    return {
        (str(r["group_id"]), str(r["account_id"])): {
            **r,
            "shown": [shown_object(o) for o in r.get("objects") or []],
        }
        for r in rows
        if r.get("group_id") is not None and r.get("account_id") is not None
    }


def shown_object(obj: str) -> str:
    """A lockstep object (``url:``, ``article:``, ``tag:``, ``media:``, ``at:A B``) in an
    analyst's words."""
    kind, _, value = str(obj).partition(":")
    if kind == "at":
        return " + ".join(f"@{h}" for h in value.split(" ")) + " tagged together"
    if kind == "tag":
        return f"#{value}"
    if kind == "article":
        return f"article {value}"
    if kind == "media":
        return f"image {value}"
    return value if kind == "url" else str(obj)
