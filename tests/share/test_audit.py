"""The audit log: append-only in the database, hash-chained, tampering detected."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from vigie.share.audit import GENESIS, AuditLog
from vigie.share.taxii.store import Store


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    store = Store(f"sqlite:///{tmp_path / 'audit.db'}")
    audit = AuditLog(store)
    for i in range(5):
        audit.append(
            "plateforme",
            "object.served",
            object_id=f"indicator--{i}",
            collection="c1",
            marking="amber",
            detail={"n": i},
        )
    return audit


def _raw(log: AuditLog) -> sqlite3.Connection:
    path = log.store.engine.url.database
    log.store.dispose()
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")  # an attacker with file access can
    conn.execute("DROP TRIGGER audit_log_no_delete")
    return conn


def test_chain_links_rows(log: AuditLog) -> None:
    rows = list(log.rows())
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    report = log.verify()
    assert report.ok and report.rows == 5 and report.head == rows[-1].hash
    assert log.verify(expect_head=rows[-1].hash).ok


def test_database_refuses_update_and_delete(log: AuditLog) -> None:
    with pytest.raises(DatabaseError, match="append-only"), log.store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"))
    with pytest.raises(DatabaseError, match="append-only"), log.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    assert log.verify().ok


def test_edit_detected(log: AuditLog) -> None:
    conn = _raw(log)
    conn.execute("UPDATE audit_log SET marking = 'clear' WHERE seq = 3")
    conn.commit()
    conn.close()
    report = log.verify()
    assert not report.ok and report.broken_at == 3 and "hash" in (report.reason or "")


def test_deleted_row_detected(log: AuditLog) -> None:
    conn = _raw(log)
    conn.execute("DELETE FROM audit_log WHERE seq = 2")
    conn.commit()
    conn.close()
    report = log.verify()
    assert not report.ok and report.broken_at == 3


def test_truncated_tail_detected_with_recorded_head(log: AuditLog) -> None:
    head = log.verify().head
    conn = _raw(log)
    conn.execute("DELETE FROM audit_log WHERE seq = 5")
    conn.commit()
    conn.close()
    assert log.verify().ok  # a shorter chain is still a valid chain …
    report = log.verify(expect_head=head)  # … but not the one recorded earlier
    assert not report.ok and "expected" in (report.reason or "")


def test_concurrent_appends_keep_one_chain(log: AuditLog) -> None:
    def work(k: int) -> None:
        for i in range(10):
            log.append(f"p{k}", "object.received", object_id=f"x--{k}-{i}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = log.verify()
    assert report.ok and report.rows == 5 + 40
    assert len({r.object_id for r in log.rows(action="object.received")}) == 40
