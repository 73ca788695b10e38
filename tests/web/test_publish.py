"""Publishing a run to a TAXII collection from the workbench: reviewers only, reviewed groups
only (confirmed by default), one variant per policy form, and an audit row."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings
from vigie.web.users import Role

PASSWORD = "correct horse battery"
REGISTRY = {
    "partners": [
        {"name": "state", "sector": "state", "trust": 4, "max_tlp": "RED"},
        {"name": "ngo", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
    ]
}


def _client(workspace: Path, tmp_path: Path) -> TestClient:
    (tmp_path / "partners.yaml").write_text(yaml.safe_dump(REGISTRY), encoding="utf-8")
    config = {
        "db_url": "sqlite:///taxii.db",
        "partners": str(tmp_path / "partners.yaml"),
        "api_roots": [{"name": "community", "collections": [{"name": "shared"}]}],
    }
    (tmp_path / "server.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    settings = WebSettings(
        workspace=workspace, team=True, allowed_hosts=("*",), taxii_config=tmp_path / "server.yaml"
    )
    app = create_app(settings)
    for role in (Role.analyst, Role.reviewer):
        app.state.vigie.directory.add(role.name, PASSWORD, role)
    return TestClient(app, base_url="http://vigie.example")


def _login(client: TestClient, name: str) -> str:
    client.post("/login", data={"username": name, "password": PASSWORD})
    return re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)


def test_publish_reviewed_groups_to_a_collection(workspace: Path, tmp_path: Path) -> None:
    from vigie.share.taxii.config import load_config
    from vigie.share.taxii.server import state_from_config
    from vigie.share.taxii.store import StoredObject

    client = _client(workspace, tmp_path)
    ws = client.app.state.vigie.ws
    run = ws.list_runs()[0].id
    csrf = _login(client, "analyst")
    fields = {"run": run, "collection": "community/shared", "csrf": csrf}
    assert client.post("/share/publish", data=fields).status_code == 403  # analysts may not
    csrf = _login(client, "reviewer")
    page = client.get(f"/share?run={run}&partner=internal")
    assert 'id="publish"' in page.text and "community/shared" in page.text
    # nothing confirmed yet: the policy refuses to publish an empty set, with a clear page
    r = client.post("/share/publish", data={**fields, "csrf": csrf}, follow_redirects=False)
    assert r.status_code in (400, 303)
    gid = ws.groups()[0].id
    ws.decide(gid, "confirmed", reason="coordinated-inauthentic", author="test")
    r = client.post("/share/publish", data={**fields, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    state = state_from_config(load_config(tmp_path / "server.yaml"))
    with state.store.session() as s:
        forms = {o.form for o in s.query(StoredObject).all()}
    assert forms >= {"full", "hashed"}
    rows = client.app.state.vigie.audit_rows(action="web.share.publish")
    assert rows and gid in rows[-1].detail
