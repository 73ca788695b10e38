"""Our Findings published per policy form: each partner reads exactly its variant."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from _findings import URL_A, make_findings
from argon2 import PasswordHasher
from taxii2client.v21 import Collection

from vigie.share.audit import AuditLog
from vigie.share.partners import parse_partners
from vigie.share.taxii.app import build_state, create_app
from vigie.share.taxii.auth import set_password
from vigie.share.taxii.config import parse_config
from vigie.share.taxii.publish import publish_findings
from vigie.share.taxii.server import BackgroundServer

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PW = "a-long-password-123"
REGISTRY = {
    "partners": [
        {"name": "state", "sector": "state", "trust": 4, "max_tlp": "RED"},
        {"name": "platform", "sector": "platform", "trust": 3, "max_tlp": "AMBER+STRICT"},
        {"name": "ngo", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
        {"name": "newsroom", "sector": "media", "trust": 1, "max_tlp": "GREEN"},
    ]
}


def test_each_trust_reads_its_own_variant(tmp_path: Path) -> None:
    findings = make_findings(tmp_path / "f")
    config = parse_config(
        {
            "db_url": "sqlite:///p.db",
            "api_roots": [{"name": "community", "collections": [{"name": "shared"}]}],
        },
        base_dir=tmp_path,
    )
    state = build_state(config, parse_partners(REGISTRY))
    for user in ("state", "platform", "ngo", "newsroom"):
        set_password(state.store, user, PW, hasher=CHEAP)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    report = publish_findings(state, findings, "shared", tlp="amber", now=when, validate=False)
    assert set(report.stored) == {"full", "redacted", "hashed", "all"}
    again = publish_findings(state, findings, "shared", tlp="amber", now=when, validate=False)
    assert again.stored == {} and again.duplicates == sum(report.stored.values())

    cid = next(iter(state.collections))[1]
    with BackgroundServer(create_app(state)) as url:

        def read(user: str) -> list[dict]:
            c = Collection(f"{url}/community/collections/{cid}/", user=user, password=PW)
            return c.get_objects().get("objects", [])

        full, redacted, hashed, newsroom = (
            read(u) for u in ("state", "platform", "ngo", "newsroom")
        )
    text = {k: json.dumps(v) for k, v in [("full", full), ("hashed", hashed)]}
    assert URL_A in text["full"]
    assert URL_A not in text["hashed"] and "x_vigie_sha256" in text["hashed"]
    full_accounts = [o for o in full if o["type"] == "user-account"]
    hashed_accounts = [o for o in hashed if o["type"] == "user-account"]
    assert "kiki_1" in {o.get("account_login") for o in full_accounts}
    assert hashed_accounts and all("account_login" not in o for o in hashed_accounts)
    assert all(len(o["user_id"]) == 64 for o in hashed_accounts)  # SHA-256, not the raw id
    assert "kiki_1" not in text["hashed"]
    assert {o["type"] for o in redacted} >= {"campaign", "indicator"}
    # the FIMI objects travel through TAXII and taxii2-client like any other
    assert {o["type"] for o in full} >= {"narrative", "channel", "intrusion-set", "report"}
    assert {o["type"] for o in hashed} >= {"narrative", "sighting", "extension-definition"}
    # trust 1 may not receive AMBER: only the public objects (markings, DISARM techniques)
    assert {o["type"] for o in newsroom} <= {"marking-definition", "attack-pattern"}
    assert newsroom and all(
        o["type"] == "marking-definition" or "marking-definition--94868c89" in str(o)
        for o in newsroom
    )
    published = list(AuditLog(state.store).rows(action="object.published"))
    assert len(published) == sum(report.stored.values())
    state.store.dispose()
