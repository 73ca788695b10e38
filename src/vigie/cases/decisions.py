"""What a decision may say: statuses, the documented reasons, and who takes it.

Why a closed list of reasons: decisions are counted and compared across analysts and weeks
("how many false positives were fan clubs?"); free text goes in the note. ``other`` needs a
note saying what it is.
"""

from __future__ import annotations

import getpass
import os

from vigie.errors import VigieError
from vigie.suggest import meant

STATUSES = ("confirmed", "dismissed", "needs-review")
"""What a person may decide. ``unreviewed`` is the absence of a decision."""

UNREVIEWED = "unreviewed"

REASONS: dict[str, str] = {
    "coordinated-inauthentic": "coordination that hides who is behind it (a campaign)",
    "party-or-campaign-network": "an official party or campaign and its declared relays",
    "newsroom-and-feeds": "a newsroom, its journalists, syndication or automated news feeds",
    "activists": "people mobilising openly for a cause, under their own names",
    "fandom": "fans of a person, show, team or artist",
    "spam": "commercial or scam spam, not aimed at the election",
    "declared-automation": "bots that say they are bots (alerts, weather, utilities)",
    "coincidence": "no real coordination: a popular link or hashtag shared by chance",
    "other": "anything else; say what in the note (required)",
}
"""The documented reasons (``vigie triage --help`` and docs/triage.md list them)."""

REREVIEW_JACCARD = 0.7
"""A group whose membership now has a Jaccard index below this with the membership it had
when it was decided is flagged for re-review (its effective status becomes needs-review)."""


def slug(text: str | None) -> str:
    """``Newsroom and feeds`` / ``newsroom_and_feeds`` -> ``newsroom-and-feeds``."""
    return "-".join((text or "").strip().lower().replace("_", " ").split())


def check(status: str, reason: str | None, note: str | None) -> tuple[str, str | None]:
    """Validate a decision; returns (status, reason) normalised, or raises a clear error."""
    st = slug(status)
    if st not in STATUSES:
        raise VigieError(
            f"--status: {status!r} is not one of {', '.join(STATUSES)}{meant(st, STATUSES)}"
        )
    rs = slug(reason) if reason else None
    if rs is not None and rs not in REASONS:
        raise VigieError(
            f"--reason: {reason!r} is not one of {', '.join(REASONS)}{meant(rs, REASONS)}"
        )
    if st == "dismissed" and rs is None:
        raise VigieError(
            f"--reason is required to mark something {st} (one of {', '.join(REASONS)})"
        )
    if rs == "other" and not (note or "").strip():
        raise VigieError("--reason other needs a --note saying what it is")
    return st, rs


def current_author(author: str | None = None) -> str:
    """Who decides: ``author`` if given, else ``$VIGIE_USER``, else the OS user name."""
    for value in (author, os.environ.get("VIGIE_USER")):
        if value and value.strip():
            return value.strip()
    try:
        return getpass.getuser()
    except Exception:  # no user name (some containers): still record something honest
        return "unknown"
