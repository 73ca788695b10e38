"""Plain records the case store hands out (no database object escapes the library).

Why plain dataclasses: the CLI, the web workbench and tests read them without a session, and
they serialise to JSON with ``as_dict``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class _AsDict:
    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (datetimes as ISO 8601, paths as text)."""
        return _jsonable(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Run(_AsDict):
    """A registered run of detection. ``path`` is where its Findings folder is (it may
    have been deleted since: the case store keeps memberships, so diffs still work)."""

    id: str
    seq: int
    path: Path
    registered_at: datetime
    registered_by: str
    n_groups: int
    n_members: int
    dataset: str | None = None
    label: str | None = None
    data_first: datetime | None = None
    data_last: datetime | None = None


@dataclass(frozen=True)
class Decision(_AsDict):
    """One decision (append-only history: a later one supersedes, never erases)."""

    seq: int
    target_kind: str  # group | account | pair
    target: str  # G-XXXXXX | account id | "A B" (sorted)
    status: str
    reason: str | None
    note: str | None
    author: str
    decided_at: datetime
    run_id: str | None = None


@dataclass(frozen=True)
class LineageEvent(_AsDict):
    """What happened to a group in a run: born, continued, returned, split, merged, gone."""

    run_id: str
    event: str
    parent: str | None
    child: str | None
    overlap: int | None = None
    jaccard: float | None = None


@dataclass(frozen=True)
class GroupState(_AsDict):
    """A stable group as seen in one run, with its review state.

    ``status`` is the *effective* status: the latest decision's, except that a group whose
    membership drifted (``drift`` = Jaccard with the decided membership, below
    ``REREVIEW_JACCARD``) is ``needs-review`` with ``rereview`` set; ``unreviewed`` when
    nobody decided."""

    id: str
    run_id: str
    local_id: str
    n_members: int
    score: float | None
    n_posts: int | None
    signals: list[str]
    techniques: list[str]
    objects: list[str]
    summary: str | None
    match: str  # born | matched
    jaccard: float | None  # with this group's previous membership
    status: str
    decision: Decision | None = None
    rereview: bool = False
    drift: float | None = None
    born_run: str | None = None
    history: list[Decision] = field(default_factory=list)
