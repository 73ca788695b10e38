"""Attacks on the sharing surface (issue 14): each test mounts one attack and checks it fails.

Fast by design (in-process ASGI client, cheap argon2 parameters, injected clocks), so the
whole module runs in CI. Each test names the weakness it attacks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml

from vigie.risk.templates import template_text

# --- exports: spreadsheet formula injection ---------------------------------------------------


def test_xlsx_formula_injection_is_written_as_text(tmp_path: Path) -> None:
    from tests.risk.helpers import run_cli

    data = yaml.safe_load(template_text("election-en"))
    evil = ['=HYPERLINK("http://evil.example/x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for i, text in enumerate(evil):
        data["missions"][i % len(data["missions"])]["name"] = text
    data["missions"][0]["name"] = evil[0]
    data["feared_events"][0]["name"] = evil[1]
    data["risk_sources"][0]["name"] = evil[3]
    study = tmp_path / "s.yaml"
    study.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "s.xlsx"
    assert run_cli(["risk", "export", str(study), "--xlsx", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s for s in sheets)  # no formula cell anywhere
    assert any("HYPERLINK" in s for s in sheets)  # the text itself is kept


# --- the TAXII server -------------------------------------------------------------------------

import asyncio  # noqa: E402
import base64  # noqa: E402
import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from vigie.share.audit import AuditLog  # noqa: E402
from vigie.share.partners import parse_partners  # noqa: E402
from vigie.share.taxii.app import ServerState, build_state, create_app  # noqa: E402
from vigie.share.taxii.auth import set_password  # noqa: E402
from vigie.share.taxii.config import parse_config  # noqa: E402
from vigie.share.tlp import TLP  # noqa: E402

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
TAXII = "application/taxii+json;version=2.1"
H = {"Accept": TAXII}
HP = {"Accept": TAXII, "Content-Type": TAXII}
PW = {
    "state": "state-password-123",
    "state/alice@example.gouv": "alice-password-123",
    "state/bob@example.gouv": "bob-password-12345",
    "ngo": "ngo-password-12345",
    "newsroom": "newsroom-pass-1234",
}
REGISTRY = {
    "producer": {"name": "Vigie Desk"},
    "partners": [
        {
            "name": "state",
            "sector": "state",
            "trust": 4,
            "max_tlp": "RED",
            "red_recipients": ["alice@example.gouv", "bob@example.gouv"],
        },
        {"name": "ngo", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
        {"name": "newsroom", "sector": "media", "trust": 1, "max_tlp": "GREEN"},
    ],
}


def _config(tmp_path: Path, **guard: Any) -> Any:
    return parse_config(
        {
            "db_url": "sqlite:///a.db",
            "rate_limit": {"requests_per_second": 1000, "burst": 1000},
            **({"guard": guard} if guard else {}),
            "api_roots": [
                {
                    "name": "community",
                    "collections": [
                        {"name": "shared", "max_tlp": "RED", "default_tlp": "GREEN"},
                    ],
                },
                {"name": "inner", "min_trust": 3, "collections": [{"name": "secret"}]},
            ],
        },
        base_dir=tmp_path,
    )


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[ServerState]:
    state = build_state(_config(tmp_path), parse_partners(REGISTRY))
    for user, pw in PW.items():
        set_password(state.store, user, pw, hasher=CHEAP)
    yield state
    state.store.dispose()


def _client(state: ServerState, addr: str = "10.0.0.1") -> TestClient:
    return TestClient(create_app(state), client=(addr, 40000))


def _cid(state: ServerState, root: str = "community") -> str:
    return next(cid for (r, cid) in state.collections if r == root)


def _objects_url(state: ServerState) -> str:
    return f"/community/collections/{_cid(state)}/objects/"


def ind(n: int, tlp: TLP | None = TLP.GREEN, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.UUID(int=n, version=4)}",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "pattern": f"[url:value = 'https://example.org/{n}']",
        "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z",
    }
    if tlp is not None:
        obj["object_marking_refs"] = [tlp.stix_id]
    obj.update(extra)
    return obj


def _post(c: TestClient, state: ServerState, user: str, objs: list[Any]) -> Any:
    return c.post(
        _objects_url(state),
        auth=(user, PW[user]),
        headers=HP,
        content=json.dumps({"objects": objs}),
    )


def _read(c: TestClient, state: ServerState, user: str) -> list[dict[str, Any]]:
    r = c.get(_objects_url(state), auth=(user, PW[user]), headers=H)
    assert r.status_code == 200, r.text
    return r.json().get("objects", [])


@pytest.mark.parametrize(
    "header",
    [b"Basic ", b"Basic", "Basic é".encode("latin-1"), b"Basic Og==", b"Basic !!!!", b"Bearer a"]
    + [b"Basic " + b"A" * 5000, b"Basic " + base64.b64encode("é:x".encode("latin-1"))],
)
def test_odd_authorization_headers_get_401(srv: ServerState, header: bytes) -> None:
    r = _client(srv).get("/taxii2/", headers={**H, "Authorization": header})
    assert r.status_code == 401


def test_lockout_is_per_account_and_address(srv: ServerState) -> None:
    a, b = _client(srv, "10.0.0.1"), _client(srv, "10.0.0.2")
    codes = [a.get("/taxii2/", auth=("ngo", f"guess-{i}"), headers=H).status_code for i in range(7)]
    assert codes == [401] * 5 + [429] * 2
    # the same account from another address, and another account behind the same NAT: served
    assert b.get("/taxii2/", auth=("ngo", PW["ngo"]), headers=H).status_code == 200
    assert a.get("/taxii2/", auth=("state", PW["state"]), headers=H).status_code == 200


def test_lockout_backs_off_exponentially() -> None:
    from vigie.share.taxii.limits import LockOut

    now = [0.0]
    lock = LockOut(threshold=3, base_s=2.0, max_s=60.0, clock=lambda: now[0])
    waits = []
    for _ in range(8):
        lock.fail("u|a")
        waits.append(lock.locked("u|a"))
    assert waits[:2] == [None, None]
    assert waits[2:] == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0]
    lock.succeed("u|a")
    assert lock.locked("u|a") is None


def test_rotating_x_forwarded_for_does_not_dodge_the_lockout(srv: ServerState) -> None:
    c = _client(srv, "10.0.0.9")
    codes = [
        c.get(
            "/taxii2/", auth=("ngo", f"g{i}"), headers={**H, "X-Forwarded-For": f"198.51.100.{i}"}
        ).status_code
        for i in range(8)
    ]
    assert codes.count(401) == 5 and codes[-1] == 429
    rows = list(AuditLog(srv.store).rows(action="auth.refused"))
    assert {json.loads(r.detail)["client"] for r in rows} == {"10.0.0.9"}  # the real peer


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    state = build_state(
        _config(tmp_path, trusted_proxies=["10.9.0.0/16"]), parse_partners(REGISTRY)
    )
    c = _client(state, "10.9.0.5")
    hdr = {**H, "X-Forwarded-For": "203.0.113.7, 10.9.0.4"}
    assert c.get("/taxii2/", auth=("ngo", "bad"), headers=hdr).status_code == 401
    row = next(AuditLog(state.store).rows(action="auth.refused"))
    detail = json.loads(row.detail)
    assert (detail["client"], detail["peer"]) == ("203.0.113.7", "10.9.0.5")
    state.store.dispose()


def _asgi_post(app: Any, headers: list[tuple[bytes, bytes]], receive: Any) -> list[Any]:
    sent: list[Any] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/community/collections/x/objects/",
        "raw_path": b"/community/collections/x/objects/",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("10.0.0.3", 1234),
        "server": ("testserver", 80),
    }

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_unauthenticated_upload_is_refused_before_its_body_is_read(srv: ServerState) -> None:
    reads = []

    async def receive() -> dict[str, Any]:
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    hdrs = [(b"content-type", TAXII.encode()), (b"authorization", b"Basic bm86bm8=")]
    sent = _asgi_post(create_app(srv), hdrs, receive)
    assert sent[0]["status"] == 401 and reads == []


def test_slow_body_is_cut_off(tmp_path: Path) -> None:
    state = build_state(_config(tmp_path, body_timeout_s=0.3), parse_partners(REGISTRY))
    set_password(state.store, "state", PW["state"], hasher=CHEAP)

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0.2)
        return {"type": "http.request", "body": b"{", "more_body": True}

    token = base64.b64encode(f"state:{PW['state']}".encode())
    hdrs = [(b"content-type", TAXII.encode()), (b"authorization", b"Basic " + token)]
    start = time.monotonic()
    sent = _asgi_post(create_app(state), hdrs, receive)
    assert sent[0]["status"] == 408 and time.monotonic() - start < 5
    state.store.dispose()


def test_deep_json_and_forged_next_tokens_get_400(srv: ServerState) -> None:
    c = _client(srv)
    deep = b"[" * 200_000 + b"]" * 200_000
    r = c.post(_objects_url(srv), auth=("state", PW["state"]), headers=HP, content=deep)
    assert r.status_code == 400
    moderately = b'{"objects": [' + b"[" * 100 + b"]" * 100 + b"]}"
    r = c.post(_objects_url(srv), auth=("state", PW["state"]), headers=HP, content=moderately)
    assert r.status_code == 400
    for raw in ("v1:99999999999999999999999999", "v1:-1", "v2:1", "v1:1e9", "!!", "x" * 500):
        token = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        r = c.get(_objects_url(srv) + f"?next={token}", auth=("state", PW["state"]), headers=H)
        assert r.status_code == 400, (raw, r.status_code)


def test_a_partner_cannot_sign_as_us(srv: ServerState) -> None:
    from vigie.share.stix_export import producer_identity_id

    c = _client(srv)
    ours = producer_identity_id(srv.registry.producer)
    forged = ind(1, created_by_ref=ours)
    fake_identity = {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.UUID(int=77, version=4)}",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "Vigie Desk",
        "identity_class": "organization",
    }
    status = _post(c, srv, "ngo", [forged, fake_identity]).json()
    assert status["success_count"] == 0 and status["failure_count"] == 2
    assert _read(c, srv, "state") == []


def test_posting_does_not_reveal_whether_a_hidden_id_exists(srv: ServerState) -> None:
    c = _client(srv)
    hidden = ind(5, TLP.AMBER, name="state's own")
    assert _post(c, srv, "state", [hidden]).json()["success_count"] == 1
    probe = ind(5, TLP.GREEN, name="newsroom's")
    fresh = ind(6, TLP.GREEN, name="newsroom's")
    a = _post(c, srv, "newsroom", [probe]).json()
    b = _post(c, srv, "newsroom", [fresh]).json()
    strip = {"id", "request_timestamp"}
    same = [{k: v for k, v in s.items() if k not in strip} for s in (a, b)]
    for s in same:
        s["successes"] = [{"version": x["version"]} for x in s["successes"]]
    assert same[0] == same[1]
    # the newsroom reads back its own object; the state's object is untouched
    mine = {o["id"]: o for o in _read(c, srv, "newsroom")}
    assert mine[probe["id"]]["name"] == "newsroom's"
    theirs = {o["id"]: o for o in _read(c, srv, "state")}
    assert theirs[hidden["id"]]["name"] == "state's own"


def test_red_granular_parts_of_a_green_object_are_withheld(srv: ServerState) -> None:
    c = _client(srv)
    secret = "SECRET source: informant in ministry"
    partly = ind(
        10,
        description=secret,
        granular_markings=[{"marking_ref": TLP.RED.stix_id, "selectors": ["description"]}],
    )
    core = ind(11, granular_markings=[{"marking_ref": TLP.RED.stix_id, "selectors": ["pattern"]}])
    assert _post(c, srv, "state", [partly, core]).json()["success_count"] == 2
    for user in ("newsroom", "ngo", "state"):  # state's partner-wide credential: not RED
        got = {o["id"]: o for o in _read(c, srv, user)}
        assert secret not in json.dumps(got)
        assert partly["id"] in got and core["id"] not in got
    alice = {o["id"]: o for o in _read(c, srv, "state/alice@example.gouv")}
    assert alice[partly["id"]]["description"] == secret and core["id"] in alice


def test_heavy_write_does_not_block_reads(srv: ServerState) -> None:
    import requests

    from vigie.share.taxii.server import BackgroundServer

    big = json.dumps({"objects": [ind(1000 + i) for i in range(1200)]})
    done: dict[str, float] = {}
    with BackgroundServer(create_app(srv)) as url:
        target = url + _objects_url(srv)

        def write() -> None:
            requests.post(target, data=big, auth=("state", PW["state"]), headers=HP, timeout=120)
            done["write"] = time.monotonic()

        t = threading.Thread(target=write)
        t.start()
        time.sleep(0.3)  # the write is being parsed and validated
        r = requests.get(url + "/taxii2/", auth=("ngo", PW["ngo"]), headers=H, timeout=60)
        done["read"] = time.monotonic()
        t.join()
    assert r.status_code == 200
    assert done["read"] < done["write"]  # the read was answered while the write went on


def test_probes_refusals_and_histories_are_audited(tmp_path: Path) -> None:
    cfg = _config(tmp_path).model_copy(update={"rate_limit": _config(tmp_path).rate_limit})
    state = build_state(cfg, parse_partners(REGISTRY))
    for user, pw in PW.items():
        set_password(state.store, user, pw, hasher=CHEAP)
    c = _client(state)
    hidden = _cid(state, "inner")
    r = c.get(f"/inner/collections/{hidden}/objects/", auth=("ngo", PW["ngo"]), headers=H)
    assert r.status_code == 404
    obj = ind(3)
    _post(c, state, "state", [obj])
    url = _objects_url(state) + f"{obj['id']}/versions/"
    assert c.get(url, auth=("ngo", PW["ngo"]), headers=H).status_code == 200
    from vigie.share.taxii.limits import RateLimiter

    state.limiter = RateLimiter(0.001, 1)
    codes = [c.get("/taxii2/", auth=("ngo", PW["ngo"]), headers=H).status_code for _ in range(3)]
    assert codes[-1] == 429
    actions = {r.action for r in AuditLog(state.store).rows(actor="ngo")}
    assert {"probe.refused", "versions.served", "rate.refused"} <= actions
    state.store.dispose()


# --- private comparison (PSI) ------------------------------------------------------------------

from fastapi import FastAPI  # noqa: E402

from vigie.errors import VigieError  # noqa: E402
from vigie.share.compare import CompareService, compare_with_peer  # noqa: E402
from vigie.share.psi import ecdh  # noqa: E402
from vigie.share.psi.canon import canonical_set  # noqa: E402

OUR_CVES = [f"CVE-2024-{1000 + i}" for i in range(50)]


def _psi_state(tmp_path: Path, **service: Any) -> ServerState:
    state = build_state(_config(tmp_path), parse_partners(REGISTRY))
    for user, pw in PW.items():
        set_password(state.store, user, pw, hasher=CHEAP)
    held = canonical_set(list(enumerate(OUR_CVES, 1)), "ours")
    state.compare = CompareService(held, audit=state.audit, **service)
    return state


def _ecdh_request(elements: list[str]) -> str:
    return ecdh.ClientSession(elements, False).request()


def _fake_request(n: int) -> str:
    """A well-formed PSI request of ``n`` elements that are not curve points (cheap to make)."""
    import private_set_intersection.python as psi

    req = psi.Request()
    req.reveal_intersection = False
    req.encrypted_elements.extend(bytes([2]) + i.to_bytes(32, "big") for i in range(n))
    return base64.b64encode(req.SerializeToString()).decode()


def _run(c: TestClient, body: Any, user: str = "ngo") -> Any:
    return c.post("/compare/v1/run", auth=(user, PW[user]), json=body)


pytestmark_psi = pytest.mark.skipif(not ecdh.available(), reason="openmined.psi not installed")


@pytestmark_psi
def test_psi_refuses_unpadded_probes_and_budgets_elements(tmp_path: Path) -> None:
    state = _psi_state(tmp_path, burst=100, per_hour=1000, budget_elements=256)
    c = _client(state)
    one = _run(
        c, {"backend": "ecdh", "reveal": False, "request": _ecdh_request(["cve:CVE-2024-1000"])}
    )
    assert one.status_code == 422 and "pad" in one.json()["description"]
    padded = [f"dummy:{i}" for i in range(63)] + ["cve:CVE-2024-1000"]
    codes = [
        _run(c, {"backend": "ecdh", "reveal": False, "request": _ecdh_request(padded)}).status_code
        for _ in range(5)
    ]
    assert codes == [200] * 4 + [429]  # 4 × 64 elements = the 256 budgeted for the period
    actions = [r.action for r in AuditLog(state.store).rows(actor="ngo")]
    assert actions.count("compare.refused") == 2 and actions.count("compare.answered") == 4
    state.store.dispose()


@pytestmark_psi
def test_psi_caps_element_counts_with_a_clear_error(tmp_path: Path) -> None:
    from vigie.share.compare import MAX_ELEMENTS

    state = _psi_state(tmp_path, burst=100, per_hour=1000)
    c = _client(state)
    r = _run(c, {"backend": "ecdh", "reveal": False, "request": _fake_request(MAX_ELEMENTS * 4)})
    assert r.status_code == 422 and str(MAX_ELEMENTS) in r.json()["description"]
    too_many = canonical_set([(i, f"CVE-2020-{10000 + i}") for i in range(MAX_ELEMENTS + 1)], "x")
    with pytest.raises(VigieError, match="split the list"):
        compare_with_peer("http://127.0.0.1:9", too_many, user="ngo", password="x" * 12)
    state.store.dispose()


@pytestmark_psi
@pytest.mark.parametrize(
    "body",
    [
        [],
        {"backend": "ecdh"},
        {"backend": "ecdh", "request": "!!!not base64"},
        {"backend": "ecdh", "request": base64.b64encode(b"\xff" * 300).decode()},
        {"backend": "ecdh", "request": "forged"},
        {"backend": "nope"},
        {"backend": "ecdh", "reveal": "yes", "request": "x"},
    ],
)
def test_psi_hostile_requests_get_clean_errors(tmp_path: Path, body: Any) -> None:
    state = _psi_state(tmp_path, burst=100, per_hour=1000)
    r = _run(_client(state), body)
    assert 400 <= r.status_code < 500 and r.json()["description"]
    state.store.dispose()


@pytestmark_psi
def test_psi_request_with_forged_points_gets_422(tmp_path: Path) -> None:
    forged = _fake_request(64)
    state = _psi_state(tmp_path, burst=100, per_hour=1000)
    r = _run(_client(state), {"backend": "ecdh", "reveal": False, "request": forged})
    assert r.status_code == 422
    deep = b"[" * 100_000 + b"]" * 100_000
    r = _client(state).post("/compare/v1/run", auth=("ngo", PW["ngo"]), content=deep)
    assert r.status_code == 400
    state.store.dispose()


def _hostile_peer(info: Any, answer: Any) -> FastAPI:
    app = FastAPI()
    seen: list[Any] = []
    app.state.seen = seen

    @app.get("/compare/v1/")
    def _info() -> Any:
        return info

    @app.post("/compare/v1/run")
    async def _answer(request: Any = None) -> Any:  # noqa: ANN401
        seen.append(1)
        return answer

    return app


def test_client_never_downgrades_to_keyed_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.share import compare as cmp
    from vigie.share.taxii.server import BackgroundServer

    monkeypatch.delenv(cmp.BACKEND_ENV, raising=False)
    app = _hostile_peer({"backends": ["keyed"], "max_items": 1024}, {"size": 0})
    ours = canonical_set(list(enumerate(OUR_CVES, 1)), "ours")
    with BackgroundServer(app) as url, pytest.raises(VigieError, match="WEAKER"):
        compare_with_peer(url, ours, user="ngo", password="x" * 12, key=b"k" * 32)
    assert app.state.seen == []  # not one digest left


@pytestmark_psi
@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"setup": "!!", "response": "!!"},
        {"setup": base64.b64encode(b"\xff" * 50).decode(), "response": "AAAA"},
        {"setup": 1, "response": None},
        ["not", "a", "mapping"],
    ],
)
def test_client_survives_hostile_answers(answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.share import compare as cmp
    from vigie.share.taxii.server import BackgroundServer

    monkeypatch.delenv(cmp.BACKEND_ENV, raising=False)
    app = _hostile_peer({"backends": ["ecdh"], "max_items": 1024}, answer)
    ours = canonical_set(list(enumerate(OUR_CVES, 1)), "ours")
    with BackgroundServer(app) as url, pytest.raises(VigieError, match="compare"):
        compare_with_peer(url, ours, user="ngo", password="x" * 12)


# --- the audit log's head, anchored outside the database ----------------------------------------

import sqlite3  # noqa: E402

from vigie.share.audit import _digest  # noqa: E402
from vigie.share.taxii.store import Store  # noqa: E402


def _log(tmp_path: Path, n: int = 6) -> AuditLog:
    log = AuditLog(Store(f"sqlite:///{tmp_path / 'audit.db'}"))
    for i in range(n):
        log.append("ngo", "object.served", object_id=f"indicator--{i}", marking="amber")
    return log


def _tamper(log: AuditLog, sql: list[Any]) -> None:
    path = log.store.engine.url.database
    log.store.dispose()
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    for stmt in sql:
        conn.execute(*stmt) if isinstance(stmt, tuple) else conn.execute(stmt)
    conn.commit()
    conn.close()


def _rechain(log: AuditLog) -> None:
    """An attacker with the database file rewrites row 2 and recomputes every later hash."""
    rows = list(log.rows())
    stmts = []
    prev = rows[0].hash
    for r in rows[1:]:
        marking = "clear" if r.seq == 2 else r.marking
        h = _digest(
            seq=r.seq,
            ts=r.ts,
            actor=r.actor,
            action=r.action,
            object_id=r.object_id,
            collection=r.collection,
            marking=marking,
            detail=r.detail,
            prev_hash=prev,
        )
        stmts.append(
            (
                "UPDATE audit_log SET marking=?, prev_hash=?, hash=? WHERE seq=?",
                (marking, prev, h, r.seq),
            )
        )
        prev = h
    _tamper(log, stmts)


def test_checkpoint_detects_truncation_and_rechaining(tmp_path: Path) -> None:
    from vigie.share.audit import load_checkpoint_key, make_checkpoint, verify_checkpoint

    key = load_checkpoint_key(tmp_path / "keys" / "audit.key", create=True)
    log = _log(tmp_path)
    cp = make_checkpoint(log, key)
    assert verify_checkpoint(log, cp, key).ok
    log.append("ngo", "object.served", object_id="indicator--later")
    assert verify_checkpoint(log, cp, key).ok  # growth after the checkpoint is fine

    _rechain(log)
    assert log.verify().ok  # the re-chained log is self-consistent …
    report = verify_checkpoint(log, cp, key)  # … but no longer passes through the head
    assert not report.ok and "re-chained" in (report.reason or "")


def test_checkpoint_detects_a_truncated_tail(tmp_path: Path) -> None:
    from vigie.share.audit import make_checkpoint, verify_checkpoint

    log = _log(tmp_path)
    cp = make_checkpoint(log)
    _tamper(log, ["DELETE FROM audit_log WHERE seq >= 5"])
    assert log.verify().ok
    report = verify_checkpoint(log, cp)
    assert not report.ok and "removed" in (report.reason or "")


def test_forged_checkpoint_is_refused(tmp_path: Path) -> None:
    from vigie.share.audit import load_checkpoint_key, make_checkpoint, verify_checkpoint

    key = load_checkpoint_key(tmp_path / "audit.key", create=True)
    log = _log(tmp_path)
    cp = make_checkpoint(log, key)
    forged = {**cp, "seq": 2, "head": next(r.hash for r in log.rows() if r.seq == 2)}
    report = verify_checkpoint(log, forged, key)
    assert not report.ok and "signature" in (report.reason or "")


def test_audit_cli_checkpoint_and_verify_head(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app

    cfg = tmp_path / "server.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "db_url": "sqlite:///audit.db",
                "checkpoint_key": "audit.key",
                "api_roots": [{"name": "community"}],
            }
        )
    )
    log = _log(tmp_path)
    log.store.dispose()
    runner = CliRunner()
    head = tmp_path / "head.json"
    args = ["share", "audit", "checkpoint", "-c", str(cfg), "--out", str(head)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["share", "audit", "verify", "-c", str(cfg), "--head", str(head)])
    assert r.exit_code == 0, r.output
    _tamper(log, ["DELETE FROM audit_log WHERE seq = 6"])
    r = runner.invoke(app, ["share", "audit", "verify", "-c", str(cfg), "--head", str(head)])
    assert r.exit_code == 1 and "removed" in r.output


def test_file_exports_are_audited(tmp_path: Path) -> None:
    from _findings import make_findings
    from typer.testing import CliRunner

    from vigie.cli import app

    findings = make_findings(tmp_path / "f")
    db = tmp_path / "exports.db"
    out = tmp_path / "b.json"
    args = ["share", "export", str(findings), "--stix", str(out), "--no-validate"]
    r = CliRunner().invoke(app, [*args, "--audit-db", str(db)])
    assert r.exit_code == 0, r.output
    rows = list(AuditLog(Store(f"sqlite:///{db}")).rows(action="export.written"))
    assert len(rows) == 1
    import hashlib

    files = json.loads(rows[0].detail)["files"]
    assert files == {str(out): hashlib.sha256(out.read_bytes()).hexdigest()}


# --- content-level leaks -------------------------------------------------------------------------

from vigie.share.policy import hash_account, hash_value  # noqa: E402

LEAKY_NOTE = (
    "Account 111 (@kiki_1, display name Kiki) and account 98765432101 pushed "
    "https://news.example/article-1 and https://other.example/x?id=7 within a minute."
)
LEAKS = ["kiki_1", "Kiki", "98765432101", "news.example", "other.example", "Account 111 "]


def _leaky_findings(tmp_path: Path) -> Path:
    from _findings import make_findings

    f = make_findings(tmp_path / "f")
    (f / "notes.json").write_text(
        json.dumps([{"text": LEAKY_NOTE, "group_id": "g0001", "private": False}])
    )
    return f


def test_free_text_in_file_exports_follows_the_hashed_form(tmp_path: Path) -> None:
    from vigie.share.misp_export import export_misp
    from vigie.share.stix_export import export_stix

    findings = _leaky_findings(tmp_path)
    registry = parse_partners(REGISTRY)
    ngo, state = registry.get("ngo"), registry.get("state")
    stix = json.dumps(export_stix(findings, partner=ngo, validate=False).bundle)
    misp = export_misp(findings, partner=ngo).event.to_json()
    for text in (stix, misp):
        assert not [leak for leak in LEAKS if leak in text]
        assert hash_account("twitter", "111") in text  # the id hashed like the structured one
        assert hash_value("https://news.example/article-1") in text
    full = json.dumps(export_stix(findings, partner=state, validate=False).bundle)
    assert "98765432101" in full and "kiki_1" in full  # trust 4 reads it as written


def test_free_text_served_by_taxii_follows_the_hashed_form(srv: ServerState) -> None:
    c = _client(srv)
    note = {
        "type": "note",
        "spec_version": "2.1",
        "id": f"note--{uuid.UUID(int=90, version=4)}",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "content": LEAKY_NOTE,
        "object_refs": [ind(1)["id"]],
        "object_marking_refs": [TLP.GREEN.stix_id],
    }
    assert _post(c, srv, "state", [note]).json()["success_count"] == 1
    served = json.dumps(_read(c, srv, "newsroom"))
    assert not [
        leak
        for leak in ["kiki_1", "98765432101", "news.example", "other.example"]
        if leak in served
    ]
    assert "98765432101" in json.dumps(_read(c, srv, "state"))


def test_red_publication_reaches_only_the_named_people(tmp_path: Path) -> None:
    from _findings import make_findings

    from vigie.share.taxii.publish import publish_findings

    findings = make_findings(tmp_path / "f")
    state = build_state(_config(tmp_path), parse_partners(REGISTRY))
    for user, pw in PW.items():
        set_password(state.store, user, pw, hasher=CHEAP)
    with pytest.raises(VigieError, match="--to"):
        publish_findings(state, findings, "shared", tlp="red", validate=False)
    with pytest.raises(VigieError, match="not a named"):
        publish_findings(
            state,
            findings,
            "shared",
            tlp="red",
            validate=False,
            recipients=["state/mallory@example.gouv"],
        )
    publish_findings(
        state,
        findings,
        "shared",
        tlp="red",
        validate=False,
        recipients=["state/alice@example.gouv"],
    )
    c = _client(state)
    alice = _read(c, state, "state/alice@example.gouv")
    red = [o for o in alice if TLP.RED.stix_id in o.get("object_marking_refs", [])]
    assert red and "for the eyes of: state/alice@example.gouv only" in json.dumps(alice)
    assert "publish only" not in json.dumps(alice)
    for other in ("state/bob@example.gouv", "state", "ngo"):
        got = _read(c, state, other)
        assert not [o for o in got if TLP.RED.stix_id in o.get("object_marking_refs", [])]
    state.store.dispose()


def test_lone_surrogates_are_refused_not_stored(srv: ServerState, tmp_path: Path) -> None:
    """JSON may escape a lone surrogate (``"\\ud800"``), which no UTF-8 store can keep: a
    partner's object carrying one is refused with where it is (the TAXII POST, and `vigie
    share import` of a bundle), never a server error or a traceback."""
    from vigie.errors import InputError
    from vigie.share.stix_import import BundleStore

    bad = ind(7, name="x")
    body = json.dumps({"objects": [ind(6), bad]}).replace('"name": "x"', '"name": "a\\ud800b"')
    c = _client(srv)
    r = c.post(_objects_url(srv), auth=("state", PW["state"]), headers=HP, content=body)
    assert r.status_code in (400, 422), r.text
    assert "objects[1]" in r.text and "name" in r.text
    assert _read(c, srv, "state") == []  # all or nothing
    bundle = json.loads(body)
    bundle.update(type="bundle", id="bundle--" + "0" * 8 + "-0000-4000-8000-" + "0" * 12)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with BundleStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(InputError, match="not Unicode") as exc:
            store.import_bundle(path, source="plateforme")
        assert "record 1" in str(exc.value) and "'name'" in str(exc.value)
        assert store.imports() == []
