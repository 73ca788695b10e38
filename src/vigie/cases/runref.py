"""FINDINGS on a command line: a folder, or in a workspace a run named as ``vigie runs``
names it (left out: the last run); DATASET left out in a workspace: its only Dataset.

Why: inside a workspace an analyst names runs ``last``, ``2`` or ``#2`` to ``vigie runs``,
``diff`` and ``triage --run``; ``vigie report last`` or ``vigie share export 2`` answered "no
such Findings folder", and the run's folder is a UTC time to copy from a table. Kept apart
from ``downstream`` (PyArrow) so that a command's help loads nothing heavy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from vigie.errors import VigieError

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace

FINDINGS_HELP = (
    "Findings folder written by vigie detect; in a workspace, also a run as vigie runs "
    "names it (last, previous, 2, #2, -1 or its id), the last one by default."
)


def findings_arg(findings: Path | None, workspace: str | None = None) -> Path:
    """FINDINGS as typed: the folder when there is one; else, in a workspace, the folder of
    the run so named (``last``, ``previous``, ``2``, ``#2``, ``-1``, its id), the last run
    when none is given. A path that names neither is returned as it is, for the command's
    own "no such Findings folder"."""
    if findings is None:
        return _last_run(workspace)
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


def _workspace(workspace: str | None, missing: str) -> Workspace:
    """The workspace meant (``--workspace``, ``$VIGIE_WORKSPACE``, else found from here),
    or ``missing`` as the error: what to give instead of the argument left out."""
    from vigie.cases.workspace import Workspace

    ws = Workspace.find(workspace)
    if ws is None or ws.root is None:
        raise VigieError(missing)
    return ws


def _last_run(workspace: str | None) -> Path:
    """The last run's folder, for a command given no FINDINGS in a workspace."""
    from vigie.progress import console

    ws = _workspace(
        workspace,
        "give FINDINGS, a Findings folder written by vigie detect (in a workspace, the last "
        "run is the default)",
    )
    try:
        run = ws.run("last")
    finally:
        ws.close()
    console.print(f"findings: run #{run.seq} {run.id} (the last run)", highlight=False)
    return run.path


def workspace_dataset(workspace: str | None = None) -> Path:
    """The Dataset ``vigie detect`` means when none is given: the workspace's only one
    (``datasets/NAME``); with none or several, an error saying what to type."""
    from vigie.atomic import manifest_kind

    ws = _workspace(
        workspace,
        "give DATASET, the Dataset folder to detect in (vigie ingest EXPORT --into DATASET "
        "makes one; in a workspace, its only Dataset is the default)",
    )
    try:
        folder = ws.datasets_dir
    finally:
        ws.close()
    found = sorted(
        p for p in (folder.iterdir() if folder.is_dir() else []) if manifest_kind(p) == "dataset"
    )
    if len(found) == 1:
        shown = os.path.relpath(found[0])
        return found[0] if shown.startswith("..") else Path(shown)
    if not found:
        raise VigieError(
            f"the workspace has no Dataset yet: vigie ingest EXPORT --into {folder / 'NAME'}"
        )
    names = ", ".join(p.name for p in found)
    raise VigieError(f"the workspace has {len(found)} Datasets ({names}): give one, e.g. "
                     f"vigie detect {found[0]}")  # fmt: skip
