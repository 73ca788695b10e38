"""``vigie detect`` inside a workspace: where the run goes, and its registration.

Why a hook rather than a new command: ``vigie detect DATASET --out F`` must keep working
without a workspace, and analysts already know ``detect``. With ``--workspace`` (or without
``--out`` inside a workspace) the Findings go to ``runs/<UTC time>/`` (or ``--out``) and are
registered, so their groups get stable ids and the decisions already taken; ``--out`` naming
a folder directly in a workspace's ``runs/`` registers it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vigie.errors import VigieError

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace


def plan_run(out: Path | None, workspace: str | None) -> tuple[Path, Workspace | None]:
    """The Findings folder to write and the workspace to register it in (None: plain run)."""
    if workspace is None and out is not None:
        # the classic `vigie detect DATASET --out F`; registered only when F is a workspace's
        # runs/ sub-folder (writing a run there means it belongs to the workspace). Looked up
        # on disk first: the case store (SQLAlchemy, Alembic) is loaded only when it is there.
        runs = out.resolve().parent
        if runs.name != "runs" or not (runs.parent / "workspace.json").exists():
            return out, None
    from vigie.cases.workspace import Workspace

    if workspace is None and out is not None:
        found = Workspace.find(None, start=out.resolve().parent)
        if found is not None and found.root is not None:
            if out.resolve().parent == (found.root / "runs").resolve():
                return out, found
            found.close()
        return out, None
    ws = Workspace.find(workspace)
    if ws is None:
        raise VigieError(
            "give --out FOLDER, or run inside a workspace (vigie init) or with --workspace"
        )
    return (out if out is not None else ws.new_run_dir()), ws


def finish_run(ws: Workspace, out: Path, label: str | None = None) -> None:
    """Register the run just written and say what identity matching found."""
    from vigie.cases.cli import report_registration

    try:
        report_registration(ws, ws.register_run(out, label=label))
    finally:
        ws.close()
