"""The workspace's case store: stable group identity, decisions, run diffs and search.

Start with ``Workspace`` (``vigie.cases.workspace``)::

    from vigie.cases import Workspace

    ws = Workspace.init("elections")              # or Workspace.open(path | db URL) / find()
    run = ws.register_run("elections/runs/monday")  # groups matched to known ones
    for g in ws.groups(run):                       # GroupState: id G-…, status, history
        ...
    ws.decide("G-7F3A2C", "dismissed", reason="fandom", note="K-pop fan club", author="ana")
    ws.history("G-7F3A2C"); ws.lineage("G-7F3A2C")
    ws.diff()                                      # RunDiff of the last two runs
    ws.search("@handle")                           # list[Hit]

See docs/triage.md for the identity rule, the reasons and the re-review threshold.
"""

from typing import TYPE_CHECKING, Any

from vigie.cases.decisions import REASONS, REREVIEW_JACCARD, STATUSES, UNREVIEWED
from vigie.cases.identity import LINK_SHARE, MATCH_JACCARD
from vigie.cases.records import Decision, GroupState, LineageEvent, Run

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace


def __getattr__(name: str) -> Any:
    """``Workspace`` on first use: it imports SQLAlchemy and Alembic, which the commands that
    need no case store (``vigie detect`` outside a workspace, ``--help``) should not pay for."""
    if name == "Workspace":
        from vigie.cases.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'vigie.cases' has no attribute {name!r}")


__all__ = [
    "LINK_SHARE",
    "MATCH_JACCARD",
    "REASONS",
    "REREVIEW_JACCARD",
    "STATUSES",
    "UNREVIEWED",
    "Decision",
    "GroupState",
    "LineageEvent",
    "Run",
    "Workspace",
]
