"""The same store and audit log on PostgreSQL (runs only when ``VIGIE_TEST_PG_URL`` names an
empty, throw-away database, e.g. ``postgresql+psycopg://vigie@127.0.0.1:55432/vigie_test``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from taxii2client.v21 import Collection

from vigie.share.audit import AuditLog
from vigie.share.partners import parse_partners
from vigie.share.taxii.app import build_state, create_app
from vigie.share.taxii.auth import set_password
from vigie.share.taxii.config import parse_config
from vigie.share.taxii.server import BackgroundServer
from vigie.share.taxii.store import Base, Store

PG_URL = os.environ.get("VIGIE_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="set VIGIE_TEST_PG_URL to test PostgreSQL")


@pytest.fixture
def pg_store() -> Iterator[Store]:
    assert PG_URL is not None
    store = Store(PG_URL)
    with store.engine.begin() as conn:  # start from empty tables (throw-away database)
        conn.execute(text("DROP TABLE IF EXISTS audit_log CASCADE"))
    Base.metadata.drop_all(store.engine)
    store = Store(PG_URL)
    yield store
    store.dispose()


def test_taxii_and_audit_on_postgresql(pg_store: Store) -> None:
    config = parse_config(
        {"db_url": PG_URL, "api_roots": [{"name": "r", "collections": [{"name": "c"}]}]}
    )
    reg = parse_partners(
        {"partners": [{"name": "p", "sector": "state", "trust": 4, "max_tlp": "RED"}]}
    )
    state = build_state(config, reg, store=pg_store)
    set_password(pg_store, "p", "pg-password-123", hasher=PasswordHasher(1, 1024, 1))
    cid = next(iter(state.collections))[1]
    obj = {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid4()}",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "x",
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
    }
    with BackgroundServer(create_app(state)) as url:
        c = Collection(f"{url}/r/collections/{cid}/", user="p", password="pg-password-123")
        assert c.add_objects({"objects": [obj]}).success_count == 1
        assert [o["id"] for o in c.get_objects()["objects"]] == [obj["id"]]
    log = AuditLog(pg_store)
    assert [r.action for r in log.rows()] == ["object.received", "object.served"]
    assert log.verify().ok
    with pytest.raises(DatabaseError, match="append-only"), pg_store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'x'"))
    with pytest.raises(DatabaseError, match="append-only"), pg_store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
