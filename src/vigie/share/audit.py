"""Append-only, hash-chained audit log of what was shared with whom.

Why: sharing with allies is only trusted if each side can later show exactly which object
went to which partner, when, and under which TLP marking, and refused attempts too. So:

- **append-only**: this module offers ``append`` and read functions only, no update or delete;
  on SQLite and PostgreSQL, database triggers also refuse ``UPDATE``/``DELETE`` on the table,
  so a bug or a careless SQL session cannot rewrite history either;
- **hash-chained**: each row stores the SHA-256 of its own content plus the previous row's
  hash (``prev_hash``); ``seq`` numbers are contiguous. Someone with write access to the
  database file who edits, deletes or reorders rows breaks the chain, and ``verify`` (``vigie
  share audit --verify``) names the first broken row. Truncating the *tail* keeps a valid chain:
  to detect that, and a rewrite re-chained from some row on, anchor the head *outside* the
  database: ``vigie share audit checkpoint --out head.json [--key FILE]`` writes the head
  (HMAC-signed with a key file kept elsewhere), a partner or a ticket keeps it, and ``vigie
  share audit verify --head head.json [--key FILE]`` later shows whether the log still passes
  through it (``make_checkpoint``, ``verify_checkpoint``).

Concurrency: ``seq`` is unique, so two writers racing for the same position cannot both win;
the loser re-reads the head and retries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Integer, String, Text, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from vigie.errors import VigieError
from vigie.json_guard import UNREADABLE, why
from vigie.share.db import Base
from vigie.share.stix_common import as_utc, stix_time, utcnow

if TYPE_CHECKING:
    from vigie.share.store import Store

GENESIS = "0" * 64
"""``prev_hash`` of the first row."""

TABLE = "audit_log"


class AuditRow(Base):
    """One audited event. Columns are written once and never changed."""

    __tablename__ = TABLE

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)  # partner name or "-"
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    collection: Mapped[str | None] = mapped_column(String(200), nullable=True)
    marking: Mapped[str | None] = mapped_column(String(40), nullable=True)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": stix_time(self.ts),
            "actor": self.actor,
            "action": self.action,
            "object_id": self.object_id,
            "collection": self.collection,
            "marking": self.marking,
            "detail": json.loads(self.detail),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def _digest(
    *,
    seq: int,
    ts: datetime,
    actor: str,
    action: str,
    object_id: str | None,
    collection: str | None,
    marking: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of the row's content and the previous hash."""
    payload = json.dumps(
        [seq, stix_time(ts), actor, action, object_id, collection, marking, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
]
_PG_GUARDS = [
    "CREATE OR REPLACE FUNCTION vigie_audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION vigie_audit_append_only()",
]


def install_guards(engine: Engine) -> None:
    """Database triggers that refuse UPDATE and DELETE on the audit table."""
    statements = {"sqlite": _SQLITE_GUARDS, "postgresql": _PG_GUARDS}.get(engine.dialect.name)
    if not statements:
        return
    with engine.begin() as conn:
        for stmt in statements:
            conn.execute(text(stmt))


@dataclass(frozen=True)
class AuditEntry:
    """One event to append: who (``actor``), what (``action``, ``object_id``), where
    (``collection``), under which TLP (``marking``), and details."""

    actor: str
    action: str
    object_id: str | None = None
    collection: str | None = None
    marking: str | None = None
    detail: dict[str, Any] | None = None


class AuditLog:
    """Write and read the audit log of one ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # one writer at a time per database in this process: racing for the head, a large
        # batch (a 6,000-object upload) lost every retry to single-row appends of concurrent
        # reads and failed; serialised, nobody starves. Other processes still retry.
        self._lock: threading.Lock = store.__dict__.setdefault("_audit_lock", threading.Lock())

    def append(
        self,
        actor: str,
        action: str,
        *,
        object_id: str | None = None,
        collection: str | None = None,
        marking: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> AuditRow:
        """Add one row at the head of the chain and return it."""
        return self.append_many(
            [
                AuditEntry(
                    actor,
                    action,
                    object_id=object_id,
                    collection=collection,
                    marking=marking,
                    detail=detail,
                )
            ]
        )[0]

    def append_many(self, entries: list[AuditEntry], attempts: int = 20) -> list[AuditRow]:
        """Add several rows in one transaction (all or none), chained in the given order.

        Why batches: a page of 1,000 objects served means 1,000 rows; one commit per row
        would make the audit trail the server's bottleneck.
        """
        if not entries:
            return []
        last_exc: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(0.5, 0.01 * 2**attempt) * random.random())  # back off
            try:
                with self._lock, self.store.session() as s:
                    head = s.execute(
                        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
                    ).first()
                    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
                    ts = utcnow()
                    rows = []
                    for e in entries:
                        seq += 1
                        detail_json = json.dumps(
                            e.detail or {}, sort_keys=True, ensure_ascii=False, default=str
                        )
                        fields = {
                            "seq": seq,
                            "ts": ts,
                            "actor": e.actor,
                            "action": e.action,
                            "object_id": e.object_id,
                            "collection": e.collection,
                            "marking": e.marking,
                            "detail": detail_json,
                            "prev_hash": prev,
                        }
                        prev = _digest(**fields)
                        rows.append(AuditRow(**fields, hash=prev))
                    s.add_all(rows)
                return rows
            except IntegrityError as exc:  # another writer took these seqs: retry on new head
                last_exc = exc
        raise RuntimeError(f"audit log: could not append after {attempts} attempts") from last_exc

    def rows(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        object_id: str | None = None,
        since_seq: int = 0,
    ) -> Iterator[AuditRow]:
        """Rows in chain order, optionally filtered (streamed in batches)."""
        batch = 1000
        last = since_seq
        while True:
            with self.store.session() as s:
                q = select(AuditRow).where(AuditRow.seq > last)
                if actor is not None:
                    q = q.where(AuditRow.actor == actor)
                if action is not None:
                    q = q.where(AuditRow.action == action)
                if object_id is not None:
                    q = q.where(AuditRow.object_id == object_id)
                chunk = list(s.scalars(q.order_by(AuditRow.seq).limit(batch)))
            yield from chunk
            if len(chunk) < batch:
                return
            last = chunk[-1].seq

    def verify(self, expect_head: str | None = None) -> VerifyReport:
        """Walk the whole chain and report the first inconsistency, if any."""
        return verify_rows(self.rows(), expect_head=expect_head)


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of ``verify``: ``ok``, rows checked, head hash, and what broke where."""

    ok: bool
    rows: int
    head: str
    broken_at: int | None = None
    reason: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.rows} rows, head {self.head}"
        return f"audit log BROKEN at seq {self.broken_at}: {self.reason} ({self.rows} rows read)"


def verify_rows(rows: Iterator[AuditRow], expect_head: str | None = None) -> VerifyReport:
    """Check contiguity of ``seq``, the ``prev_hash`` links and every row's own hash."""
    prev = GENESIS
    expected_seq = 1
    n = 0
    for row in rows:
        n += 1
        if row.seq != expected_seq:
            reason = f"expected seq {expected_seq}, found {row.seq} (rows deleted or inserted)"
            return VerifyReport(False, n, prev, row.seq, reason)
        if row.prev_hash != prev:
            return VerifyReport(False, n, prev, row.seq, "prev_hash does not match previous row")
        recomputed = _digest(
            seq=row.seq,
            ts=as_utc(row.ts),
            actor=row.actor,
            action=row.action,
            object_id=row.object_id,
            collection=row.collection,
            marking=row.marking,
            detail=row.detail,
            prev_hash=row.prev_hash,
        )
        if recomputed != row.hash:
            return VerifyReport(False, n, prev, row.seq, "row content does not match its hash")
        prev = row.hash
        expected_seq += 1
    if expect_head is not None and expect_head != prev:
        return VerifyReport(
            False,
            n,
            prev,
            expected_seq - 1,
            f"head is {prev}, expected {expect_head} (rows removed from the end?)",
        )
    return VerifyReport(True, n, prev)


# --- anchoring the head outside the database ----------------------------------------------------

CHECKPOINT_FORMAT = "vigie-audit-checkpoint/1"
MIN_KEY_BYTES = 32


def load_checkpoint_key(path: str | Path, *, create: bool = False) -> bytes:
    """The HMAC key signing checkpoints, read from a file kept away from the database (on
    another machine, or the partner's). ``create`` writes a fresh random key (mode 0600)
    when the file does not exist yet."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise VigieError(f"{p}: checkpoint key not found")
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    try:
        key = p.read_bytes().strip()
    except OSError as exc:
        raise VigieError(f"{p}: cannot read the checkpoint key ({exc})") from None
    if len(key) < MIN_KEY_BYTES:
        raise VigieError(f"{p}: checkpoint key too short (at least {MIN_KEY_BYTES} bytes)")
    return key


def _sign(payload: dict[str, Any], key: bytes) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def make_checkpoint(log: AuditLog, key: bytes | None = None) -> dict[str, Any]:
    """The log's head as a small JSON document to keep *outside* the database (a partner's
    mailbox, a ticket, another machine): ``seq`` and ``head`` of the last row, signed with
    HMAC-SHA256 when a key is given. Later, ``verify_checkpoint`` shows whether rows up to
    that point were deleted (truncation) or rewritten and re-chained."""
    report = log.verify()
    if not report.ok:
        raise VigieError(f"refusing to checkpoint a broken log: {report}")
    payload: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "seq": report.rows,
        "head": report.head,
        "taken_at": stix_time(utcnow()),
    }
    if key is not None:
        payload["hmac_sha256"] = _sign(payload, key)
    return payload


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """A checkpoint file, checked for shape (a clear error names what is wrong)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VigieError(f"{p}: checkpoint file not found") from None
    except (OSError, *UNREADABLE) as exc:
        raise VigieError(f"{p}: not a checkpoint file ({why(exc)})") from None
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise VigieError(f"{p}: not a {CHECKPOINT_FORMAT} file")
    seq, head = data.get("seq"), data.get("head")
    if not isinstance(seq, int) or seq < 0 or not isinstance(head, str) or len(head) != 64:
        raise VigieError(f"{p}: seq must be a whole number and head a 64-hex-digit hash")
    return data


def verify_checkpoint(
    log: AuditLog, checkpoint: dict[str, Any], key: bytes | None = None
) -> VerifyReport:
    """Check the chain, then that it still passes through the checkpoint: row ``seq`` exists
    (else rows were deleted from the end) and has the recorded hash (else the log was
    rewritten and re-chained). With ``key``, the checkpoint's signature is checked first."""
    if key is not None:
        unsigned = {k: v for k, v in checkpoint.items() if k != "hmac_sha256"}
        given = str(checkpoint.get("hmac_sha256", ""))
        if not hmac.compare_digest(given, _sign(unsigned, key)):
            return VerifyReport(False, 0, "", None, "the checkpoint's signature does not match")
    seq, head = int(checkpoint["seq"]), str(checkpoint["head"])
    report = log.verify()
    if not report.ok:
        return report
    if report.rows < seq:
        return VerifyReport(
            False,
            report.rows,
            report.head,
            report.rows + 1,
            f"the log has {report.rows} rows but the checkpoint saw {seq}: rows were removed "
            "from the end",
        )
    if seq == 0:
        return report
    at = next(log.rows(since_seq=seq - 1), None)
    if at is None or at.seq != seq or at.hash != head:
        return VerifyReport(
            False,
            report.rows,
            report.head,
            seq,
            "row at the checkpoint does not have the recorded hash: the log was rewritten "
            "and re-chained",
        )
    return report


def record_export(
    log: AuditLog,
    *,
    actor: str,
    findings: str,
    partner: str | None,
    recipient: str | None,
    tlp: str,
    form: str,
    files: dict[str, str],
    detail: dict[str, Any] | None = None,
) -> AuditRow:
    """One audit row for a file export (``vigie share export``): who exported what, for whom,
    under which marking and form, and the SHA-256 of each file written (so the very file a
    partner holds can later be matched to this row)."""
    return log.append(
        actor,
        "export.written",
        marking=tlp,
        detail={
            "findings": findings,
            "partner": partner,
            "recipient": recipient,
            "form": form,
            "files": files,
            **(detail or {}),
        },
    )
