"""FINDINGS on a command line: a folder, or in a workspace a run named as ``vigie runs``
names it.

Why: inside a workspace an analyst names runs ``last``, ``2`` or ``#2`` to ``vigie runs``,
``diff`` and ``triage --run``; ``vigie report last`` or ``vigie share export 2`` answered "no
such Findings folder", and the run's folder is a UTC time to copy from a table. Kept apart
from ``downstream`` (PyArrow) so that a command's help loads nothing heavy.
"""

from __future__ import annotations

from pathlib import Path

from vigie.errors import VigieError

FINDINGS_HELP = (
    "Findings folder written by vigie detect; in a workspace, also a run as vigie runs "
    "names it (last, previous, 2, #2, -1 or its id)."
)


def findings_arg(findings: Path, workspace: str | None = None) -> Path:
    """FINDINGS as typed: the folder when there is one; else, in a workspace, the folder of
    the run so named (``last``, ``previous``, ``2``, ``#2``, ``-1``, its id). A path that
    names neither is returned as it is, for the command's own "no such Findings folder"."""
    if findings.exists():
        return findings
    from vigie.cases.workspace import Workspace

    try:
        ws = Workspace.find(workspace)
    except VigieError:  # an unreadable workspace: the missing folder is the error to say
        return findings
    if ws is None:
        return findings
    try:
        return ws.run(str(findings)).path
    except VigieError:
        return findings
    finally:
        ws.close()
