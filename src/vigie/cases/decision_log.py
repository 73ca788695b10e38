"""Every decision the case store holds, filtered and paged in SQL: the decisions page of the
web workbench and its CSV download.

Why in the case store and in SQL: a workspace followed through a campaign gathers tens of
thousands of decisions (every member of every group, every strong tie); a page shows a
hundred, so only those are read. Paging is by the decisions' sequence number (keyset), not
by an offset: the log is append-only, and a colleague deciding while someone pages through
it must not shift a decision from one page to the next (shown twice, or never).

Where a decision can be seen: a group's on its group page of the run it was taken on; an
account's or a pair's on the group page(s) of that run that hold the account (or either
account of the pair), else among the run's strong ties (the run page). ``LoggedDecision``
carries those places, found for a whole page in one query.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, or_, select

from vigie.atomic import atomic_file
from vigie.cases.decisions import STATUSES, slug
from vigie.cases.models import DecisionRow, MemberRow, RunRow
from vigie.cases.records import Decision
from vigie.errors import VigieError, shortened
from vigie.spreadsheet import csv_cell
from vigie.suggest import meant

if TYPE_CHECKING:
    from vigie.cases.workspace import Workspace

KINDS = ("group", "account", "pair")
PAGE_SIZE = 100
MAX_PAGE = 1000
CSV_COLUMNS = ["seq", "decided_at", "author", "kind", "target", "status", "reason", "note", "run"]
CSV_CHUNK = 1000


@dataclass(frozen=True)
class DecisionFilter:
    """What a person narrows the log to; every field optional (None: any).

    ``text`` is looked for, case-insensitively, in the target, the reason and the note;
    ``since`` and ``until`` are days (UTC), both included."""

    kind: str | None = None
    status: str | None = None
    author: str | None = None
    text: str | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> DecisionFilter:
        """The filter a form (or a command line) gives as text: empty is "any"; a kind,
        status or date that is not one is a ``VigieError`` naming the field."""

        def text(name: str) -> str | None:
            raw = str(values.get(name) or "").strip()
            return raw[:400] or None

        # spelt as a decision's own status is (``Needs review``, ``NEEDS_REVIEW``): the
        # filter must take what ``vigie triage --status`` takes
        kind = (text("kind") or "").lower() or None
        status = slug(text("status")) or None
        if kind is not None and kind not in KINDS:
            raise VigieError(
                f"kind: {shortened(kind, 40)!r} is not one of {', '.join(KINDS)}"
                + meant(kind, KINDS)
            )
        if status is not None and status not in STATUSES:
            raise VigieError(
                f"status: {shortened(status, 40)!r} is not one of {', '.join(STATUSES)}"
                + meant(status, STATUSES)
            )
        return cls(
            kind=kind,
            status=status,
            author=text("author"),
            text=text("q"),
            since=_day(text("since"), "since"),
            until=_day(text("until"), "until"),
        )

    def as_query(self) -> dict[str, str]:
        """The filter as the fields of the decisions page's form (links keep it)."""
        out = {
            "kind": self.kind or "",
            "status": self.status or "",
            "author": self.author or "",
            "q": self.text or "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in out.items() if v}

    def where(self, q: Select[Any]) -> Select[Any]:
        """``q`` narrowed to the decisions this filter keeps."""
        if self.kind:
            q = q.where(DecisionRow.target_kind == self.kind)
        if self.status:
            q = q.where(DecisionRow.status == self.status)
        if self.author:
            q = q.where(DecisionRow.author == self.author)
        if self.text:
            low = self.text.lower()
            q = q.where(
                or_(
                    *(
                        func.lower(func.coalesce(col, "")).contains(low, autoescape=True)
                        for col in (DecisionRow.target, DecisionRow.reason, DecisionRow.note)
                    )
                )
            )
        if self.since:
            q = q.where(DecisionRow.decided_at >= _midnight(self.since))
        if self.until:
            q = q.where(DecisionRow.decided_at < _midnight(self.until + timedelta(days=1)))
        return q


@dataclass(frozen=True)
class LoggedDecision:
    """One decision of the log with where it can be seen.

    ``groups``: the groups of the decision's run that show it (a group's: itself; an
    account's: those holding it; a pair's: those holding either account), sorted;
    ``anchor``: the row of the group page it is in (``member-ID`` for an account,
    ``ties`` for a pair), None for a group's decision."""

    decision: Decision
    run_seq: int | None = None
    groups: list[str] = field(default_factory=list)
    anchor: str | None = None


@dataclass(frozen=True)
class DecisionPage:
    """One page of the log, newest first. ``total``: decisions the filter keeps, on every
    page; ``older``: pass as ``before`` for the next page (None: this is the last);
    ``newer``: pass as ``after`` for the previous one (None: this is the first)."""

    entries: list[LoggedDecision]
    total: int
    older: int | None
    newer: int | None


def page(
    ws: Workspace,
    flt: DecisionFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> DecisionPage:
    """The ``limit`` decisions the filter keeps just older than ``before`` (or, with
    ``after``, just newer than it), newest first; no cursor: the newest ones."""
    limit = max(1, min(int(limit), MAX_PAGE))
    with ws.store.session() as s:
        base = flt.where(select(DecisionRow))
        if after is not None:
            rows = list(
                s.scalars(
                    base.where(DecisionRow.seq > after).order_by(DecisionRow.seq).limit(limit + 1)
                )
            )
            more_newer = len(rows) > limit
            rows = rows[:limit][::-1]
        else:
            q = base if before is None else base.where(DecisionRow.seq < before)
            rows = list(s.scalars(q.order_by(DecisionRow.seq.desc()).limit(limit + 1)))
            more_older = len(rows) > limit
            rows = rows[:limit]
        if rows:
            top, bottom = rows[0].seq, rows[-1].seq
            if after is None:
                more_newer = _exists(s, base.where(DecisionRow.seq > top))
            else:
                more_older = _exists(s, base.where(DecisionRow.seq < bottom))
        else:  # a cursor past either end (the filter changed): the way back, if any
            top = before - 1 if before is not None else 0
            bottom = after + 1 if after is not None else 0
            more_newer = before is not None and _exists(s, base.where(DecisionRow.seq > top))
            more_older = after is not None and _exists(s, base.where(DecisionRow.seq < bottom))
        total = int(s.scalar(flt.where(select(func.count()).select_from(DecisionRow))) or 0)
        entries = _placed(s, [_decision(r) for r in rows])
    return DecisionPage(
        entries=entries,
        total=total,
        older=bottom if more_older else None,
        newer=top if more_newer else None,
    )


def authors(ws: Workspace) -> list[str]:
    """Everyone who decided something, for the page's "who" list."""
    with ws.store.session() as s:
        return list(s.scalars(select(DecisionRow.author).distinct().order_by(DecisionRow.author)))


def iter_decisions(
    ws: Workspace, flt: DecisionFilter, chunk: int = CSV_CHUNK
) -> Iterator[Decision]:
    """Every decision the filter keeps, newest first, read ``chunk`` at a time (keyset), so
    that a long log is never held whole in memory."""
    before: int | None = None
    while True:
        with ws.store.session() as s:
            q = flt.where(select(DecisionRow))
            if before is not None:
                q = q.where(DecisionRow.seq < before)
            rows = [
                _decision(r) for r in s.scalars(q.order_by(DecisionRow.seq.desc()).limit(chunk))
            ]
        yield from rows
        if len(rows) < chunk:
            return
        before = rows[-1].seq


def write_csv(ws: Workspace, flt: DecisionFilter, path: str | Path) -> int:
    """The decisions the filter keeps, newest first, as a UTF-8 CSV at ``path`` (written
    atomically: a reader never sees half a file); returns how many rows.

    Every cell is guarded against formula injection (``vigie.spreadsheet.csv_cell``): notes
    and targets are typed by people and opened in spreadsheets."""
    n = 0
    with atomic_file(path) as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(CSV_COLUMNS)
        for d in iter_decisions(ws, flt):
            out.writerow(csv_cell(v) for v in csv_values(d))
            n += 1
    return n


def csv_values(d: Decision) -> list[Any]:
    """One decision's cells, in ``CSV_COLUMNS`` order, before the formula guard."""
    when = d.decided_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [d.seq, when, d.author, d.target_kind, d.target, d.status, d.reason, d.note, d.run_id]


def _placed(s: Any, decisions: list[Decision]) -> list[LoggedDecision]:
    """Where each decision can be seen, for a whole page in two queries."""
    run_ids = sorted({d.run_id for d in decisions if d.run_id})
    seqs = dict(s.execute(select(RunRow.id, RunRow.seq).where(RunRow.id.in_(run_ids))).all())
    ids = sorted(
        {a for d in decisions if d.target_kind != "group" and d.run_id for a in d.target.split()}
    )
    held: dict[tuple[str, str], dict[str, str]] = {}  # (run, id as typed) -> group -> member id
    for i in range(0, len(ids), 250):
        part = ids[i : i + 250]
        rows = s.execute(
            select(MemberRow.run_id, MemberRow.group_id, MemberRow.account, MemberRow.account_id)
            .where(MemberRow.run_id.in_(run_ids))
            .where(or_(MemberRow.account.in_(part), MemberRow.account_id.in_(part)))
        ).all()
        for run_id, gid, key, acc in rows:
            for typed in {key, acc} & set(part):
                held.setdefault((run_id, typed), {})[gid] = acc
    out = []
    for d in decisions:
        groups: list[str] = []
        anchor = None
        if d.target_kind == "group":
            groups = [d.target]
        elif d.run_id:
            found: dict[str, str] = {}
            both: dict[str, int] = {}  # group -> how many accounts of the target it holds
            for a in d.target.split():
                for gid, acc in held.get((d.run_id, a), {}).items():
                    found.setdefault(gid, acc)
                    both[gid] = both.get(gid, 0) + 1
            groups = sorted(found)
            if groups:
                # a pair inside one group is no strong tie outside groups: the ties section
                # does not list it, its first account's member row does show it
                inside = d.target_kind == "pair" and both[groups[0]] == 2
                anchor = (
                    f"member-{found[groups[0]]}" if d.target_kind == "account" or inside else "ties"
                )
        out.append(LoggedDecision(d, seqs.get(d.run_id or ""), groups, anchor))
    return out


def _exists(s: Any, q: Select[Any]) -> bool:
    return s.scalars(q.with_only_columns(DecisionRow.seq).limit(1)).first() is not None


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise VigieError(f"{name}: {shortened(text, 40)!r} is not a day (YYYY-MM-DD)") from None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _decision(r: DecisionRow) -> Decision:
    from vigie.cases.workspace import _decision as record

    return record(r)
