"""A team-mode workbench with one person per role, and signing in as one of them.

Why shared: the decision pages' tests sign in as every role in turn; one definition keeps
their password, origin and sign-in check the same."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings
from vigie.web.users import Role

PASSWORD = "correct horse battery"
ORIGIN = "http://vigie.example"


def team_client(workspace: Path) -> TestClient:
    """The workbench in team mode on ``workspace``, one user per role named after it."""
    app = create_app(WebSettings(workspace=workspace, team=True, allowed_hosts=("*",)))
    for role in Role:
        app.state.vigie.directory.add(role.name, PASSWORD, role)
    return TestClient(app, base_url=ORIGIN)


def signed_in(client: TestClient, who: str) -> TestClient:
    """``client`` signed in as ``who`` (cookies of any earlier person dropped)."""
    client.cookies.clear()
    r = client.post("/login", data={"username": who, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client
