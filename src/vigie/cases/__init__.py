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

from vigie.cases.decisions import REASONS, REREVIEW_JACCARD, STATUSES, UNREVIEWED
from vigie.cases.identity import LINK_SHARE, MATCH_JACCARD
from vigie.cases.records import Decision, GroupState, LineageEvent, Run
from vigie.cases.workspace import Workspace

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
