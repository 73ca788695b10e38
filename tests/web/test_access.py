"""Attacks on the workbench's access rules: roles, CSRF, sessions, hosts, throttling.

Each rule has a test that tries to break it (the brief: security is tested by attacking it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vigie.errors import VigieError
from vigie.web.app import create_app
from vigie.web.settings import WebSettings
from vigie.web.users import Role

PASSWORD = "correct horse battery"


def _team(workspace: Path, **kw: object) -> TestClient:
    app = create_app(WebSettings(workspace=workspace, team=True, allowed_hosts=("*",), **kw))
    d = app.state.vigie.directory
    known = {u.username for u, _ in d.people()}
    for role in Role:
        if role.name not in known:
            d.add(role.name, PASSWORD, role)
    return TestClient(app, base_url="http://vigie.example")


def _login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    r = client.post("/login", data={"username": name, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/")
    return re.search(r'name="csrf" content="([^"]+)"', page.text).group(1)


def _group(client: TestClient) -> str:
    return client.app.state.vigie.ws.groups()[0].id


def _member(client: TestClient, i: int = 0) -> str:
    """An account id of the first group (as the group page's member rows give it)."""
    ws = client.app.state.vigie.ws
    return ws.members(_group(client))[i].split(":", 1)[1]


def test_pages_need_a_session_in_team_mode(workspace: Path) -> None:
    client = _team(workspace)
    for path in ("/", "/runs", "/search?q=x", "/risk", "/diff"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    r = client.post("/runs", data={"dataset": "election"}, follow_redirects=False)
    assert r.status_code == 401


# (method, path, fields, least role allowed) — every write the workbench offers
def _writes(client: TestClient) -> list[tuple[str, dict[str, str], Role]]:
    gid = _group(client)
    run = client.app.state.vigie.ws.list_runs()[0].id
    acc = _member(client)
    return [
        (f"/groups/{gid}/triage", {"status": "needs-review", "run": run}, Role.analyst),
        ("/decisions", {"kind": "account", "target": acc, "status": "needs-review"}, Role.analyst),
        (
            f"/groups/{gid}/triage",
            {"status": "confirmed", "reason": "coordinated-inauthentic", "run": run},
            Role.reviewer,
        ),
        (
            "/decisions",
            {"kind": "account", "target": acc, "status": "dismissed", "reason": "fandom"},
            Role.reviewer,
        ),
        (
            "/decisions",
            {"kind": "pair", "target": f"{acc} {_member(client, 1)}", "status": "confirmed"},
            Role.reviewer,
        ),
        ("/risk", {"template": "election-en", "name": "s1"}, Role.analyst),
        ("/share/export", {"run": run, "partner": "internal"}, Role.reviewer),
        ("/people", {"username": "newbie", "password": PASSWORD, "role": "viewer"}, Role.admin),
        ("/people/viewer", {"role": "viewer"}, Role.admin),
        ("/people/viewer", {"password": "a new password 42"}, Role.admin),
    ]


@pytest.mark.parametrize("who", [r for r in Role])
def test_permissions_matrix(workspace: Path, who: Role) -> None:
    """Every role tries every write: allowed ones succeed, the others are refused (403)."""
    client = _team(workspace)
    csrf = _login(client, who.name)
    for path, fields, least in _writes(client):
        r = client.post(path, data={**fields, "csrf": csrf}, follow_redirects=False)
        if who >= least:
            assert r.status_code == 303, (who.name, path, r.status_code, r.text[:300])
        else:
            assert r.status_code == 403, (who.name, path, r.status_code)
    # reads reserved to some roles
    assert client.get("/audit").status_code == (200 if who >= Role.reviewer else 403)
    assert client.get("/people").status_code == (200 if who >= Role.admin else 403)
    assert client.get("/import").status_code == (200 if who >= Role.analyst else 403)


def test_a_refused_write_changes_nothing(workspace: Path) -> None:
    client = _team(workspace)
    csrf = _login(client, "analyst")
    gid = _group(client)
    r = client.post(
        f"/groups/{gid}/triage",
        data={"status": "confirmed", "reason": "spam", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert client.app.state.vigie.ws.history(gid) == []


@pytest.mark.parametrize("spelled", ["Confirmed", " confirmed", "CONFIRMED", "Dismissed "])
def test_an_analyst_cannot_close_by_spelling_the_status_otherwise(
    workspace: Path, spelled: str
) -> None:
    """The role rule was tested on the raw word while the case store normalises it: an
    analyst's ``Confirmed`` or ``Dismissed `` was stored as a reviewer's decision, on a
    group, an account and a pair alike. Refused, and nothing stored."""
    client = _team(workspace)
    csrf = _login(client, "analyst")
    gid, acc = _group(client), _member(client)
    extra = {"status": spelled, "reason": "fandom", "csrf": csrf}
    for path, fields in (
        (f"/groups/{gid}/triage", extra),
        ("/decisions", {**extra, "kind": "account", "target": acc}),
        ("/decisions", {**extra, "kind": "pair", "target": f"{acc} {_member(client, 1)}"}),
    ):
        r = client.post(path, data=fields, follow_redirects=False)
        assert r.status_code == 403, (path, spelled, r.status_code)
    assert client.app.state.vigie.ws.decisions() == []


def test_csrf_token_is_required_and_checked(workspace: Path) -> None:
    client = _team(workspace)
    csrf = _login(client, "admin")
    gid = _group(client)
    url = f"/groups/{gid}/triage"
    fields = {"status": "needs-review"}
    assert client.post(url, data=fields, follow_redirects=False).status_code == 403
    bad = {**fields, "csrf": csrf[:-2] + "xx"}
    assert client.post(url, data=bad, follow_redirects=False).status_code == 403
    # a token from another session does not work either
    other = _team(workspace)
    other_csrf = _login(other, "analyst")
    stolen = {**fields, "csrf": other_csrf}
    assert client.post(url, data=stolen, follow_redirects=False).status_code == 403
    # a page on another site posting with the right token (cookie sent): Origin refused
    r = client.post(
        url,
        data={**fields, "csrf": csrf},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert client.app.state.vigie.ws.history(gid) == []
    ok = client.post(url, data={**fields, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303
    assert [d.status for d in client.app.state.vigie.ws.history(gid)] == ["needs-review"]


def test_session_cookie_flags_and_logout(workspace: Path) -> None:
    client = _team(workspace, secure_cookies=True)
    r = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD}, follow_redirects=False
    )
    cookie = r.headers["set-cookie"].lower()
    for flag in ("httponly", "samesite=strict", "secure", "path=/"):
        assert flag in cookie
    client = _team(workspace)
    csrf = _login(client, "viewer")
    token = client.cookies.get("vigie_session")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    replay = TestClient(client.app, base_url="http://vigie.example")
    replay.cookies.set("vigie_session", token)
    assert replay.get("/", follow_redirects=False).status_code == 303  # session is gone


def test_disabled_person_loses_open_sessions(workspace: Path) -> None:
    client = _team(workspace)
    _login(client, "analyst")
    assert client.get("/runs").status_code == 200
    client.app.state.vigie.directory.set_disabled("analyst", True)
    assert client.get("/runs", follow_redirects=False).status_code == 303
    r = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 401


def test_role_change_applies_at_the_next_request(workspace: Path) -> None:
    client = _team(workspace)
    _login(client, "reviewer")
    assert client.get("/audit").status_code == 200
    client.app.state.vigie.directory.set_role("reviewer", "viewer")
    assert client.get("/audit").status_code == 403


def test_login_throttle_is_per_person_and_address(workspace: Path) -> None:
    client = _team(workspace)
    d = client.app.state.vigie.directory
    for _ in range(6):
        assert d.authenticate("analyst", "wrong password", "10.0.0.1") is None
    # the right password from the guessing address must wait...
    assert d.authenticate("analyst", PASSWORD, "10.0.0.1") is None
    assert d.wait_s("analyst", "10.0.0.1") > 0
    # ...but a colleague behind another address, and another person, are not locked out
    assert d.authenticate("analyst", PASSWORD, "10.0.0.2") is not None
    assert d.authenticate("reviewer", PASSWORD, "10.0.0.1") is not None


def test_forwarded_for_counts_only_from_a_trusted_proxy(workspace: Path) -> None:
    client = _team(workspace)
    for _ in range(5):
        client.post(
            "/login",
            data={"username": "admin", "password": "nope nope nope"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    rows = client.app.state.vigie.audit_rows(action="web.login_failed")
    assert rows and all('"address": "testclient"' in r.detail for r in rows)
    # rotating the header does not escape the throttle of the real peer
    assert client.app.state.vigie.directory.wait_s("admin", "testclient") > 0
    trusted = _team(workspace.parent / "ws2", trusted_proxies=("127.0.0.0/8",))
    trusted = TestClient(trusted.app, base_url="http://vigie.example", client=("127.0.0.1", 5000))
    trusted.post(
        "/login",
        data={"username": "admin", "password": "nope nope nope"},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    rows = trusted.app.state.vigie.audit_rows(action="web.login_failed")
    assert '"address": "198.51.100.7"' in rows[-1].detail


def test_open_redirect_after_login_is_refused(workspace: Path) -> None:
    client = _team(workspace)
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        r = client.post(
            "/login",
            data={"username": "viewer", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/", target


def test_single_user_mode_answers_only_on_loopback(workspace: Path) -> None:
    app = create_app(WebSettings(workspace=workspace))
    local = TestClient(app, base_url="http://127.0.0.1:8765")
    assert local.get("/").status_code == 200
    assert "local · admin" in local.get("/").text
    # DNS rebinding: a page served as attacker.example resolving to 127.0.0.1
    rebound = TestClient(app, base_url="http://attacker.example")
    assert rebound.get("/").status_code == 400
    # a cross-site form post without our CSRF token is refused even for the local person
    gid = app.state.vigie.ws.groups()[0].id
    r = local.post(f"/groups/{gid}/triage", data={"status": "needs-review"})
    assert r.status_code == 403


def test_writes_are_in_the_audit_log(workspace: Path) -> None:
    client = _team(workspace)
    csrf = _login(client, "reviewer")
    gid = _group(client)
    client.post(
        f"/groups/{gid}/triage",
        data={"status": "dismissed", "reason": "fandom", "note": "fan club", "csrf": csrf},
    )
    rows = client.app.state.vigie.audit_rows(actor="reviewer")
    actions = [r.action for r in rows]
    assert "web.login" in actions and "web.triage" in actions
    assert client.app.state.vigie._audit.verify().ok


def test_body_size_limit(workspace: Path) -> None:
    client = _team(workspace)
    csrf = _login(client, "admin")
    big = "x" * (2 * 1024 * 1024)
    r = client.post("/people", data={"username": "a", "password": big, "csrf": csrf})
    assert r.status_code == 413


def test_a_body_of_no_declared_length_is_refused(workspace: Path) -> None:
    """The limits read ``Content-Length``: a chunked body had none, so 5 MB went past a
    100 kB upload limit and a 20 MB body to ``/login`` was parsed whole, signed in or not.
    Such a body is refused before anything reads it (411), anonymous or not."""
    client = _team(workspace)

    def chunks():  # noqa: ANN202 - a generator body: httpx sends it chunked
        for _ in range(40):
            yield b"x" * (64 << 10)

    r = client.post(
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 411
    csrf = _login(client, "admin")
    r = client.post(
        f"/import/upload?csrf={csrf}",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 411


def test_path_tricks_in_names_are_refused(workspace: Path) -> None:
    client = _team(workspace)
    csrf = _login(client, "admin")
    for name in ("%2e%2e%2f%2e%2e%2fworkspace.json", "..%2fcases.db", ".hidden", "a%2fb"):
        r = client.get(f"/share/files/{name}")
        assert r.status_code in (400, 404), name
    for name in ("../../etc/passwd", "..", "a/b", ".hidden"):
        r = client.post("/risk", data={"template": "election-en", "name": name, "csrf": csrf})
        assert r.status_code in (400, 404), name
    assert not (workspace.parent / "etc").exists()


def test_a_decision_on_one_account_or_pair_follows_the_roles(workspace: Path) -> None:
    """A viewer decides nothing; an analyst asks for review but cannot confirm or dismiss
    an account or a pair (a dismissed account leaves every export); the token is checked."""
    client = _team(workspace)
    ws = client.app.state.vigie.ws
    acc, other = _member(client), _member(client, 1)
    tries = [
        ("viewer", {"kind": "account", "target": acc, "status": "needs-review"}),
        ("analyst", {"kind": "account", "target": acc, "status": "confirmed"}),
        ("analyst", {"kind": "account", "target": acc, "status": "dismissed", "reason": "spam"}),
        ("analyst", {"kind": "pair", "target": f"{acc} {other}", "status": "dismissed"}),
    ]
    for who, fields in tries:
        csrf = _login(client, who)
        r = client.post("/decisions", data={**fields, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 403, (who, fields, r.status_code)
    csrf = _login(client, "analyst")
    asked = {"kind": "account", "target": acc, "status": "needs-review"}
    for token in (None, csrf[:-2] + "xx"):
        data = asked if token is None else {**asked, "csrf": token}
        assert client.post("/decisions", data=data, follow_redirects=False).status_code == 403
    assert ws.history(acc, kind="account") == [] and ws.history((acc, other)) == []
    r = client.post("/decisions", data={**asked, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert [(d.status, d.author) for d in ws.history(acc, kind="account")] == [
        ("needs-review", "analyst")
    ]


def test_the_way_back_after_a_decision_stays_on_this_site(workspace: Path) -> None:
    """``back`` is the client's to send: a forged form must not bounce the person to
    another site (browsers read a backslash as a slash and drop tabs and line breaks)."""
    client = _team(workspace)
    csrf = _login(client, "analyst")
    acc = _member(client)
    fields = {"kind": "account", "target": acc, "status": "needs-review", "csrf": csrf}
    for back in (
        "//evil.example/x",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "",
    ):
        r = client.post("/decisions", data={**fields, "back": back}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/", back
    here = f"/groups/{_group(client)}?run=first#member-{acc}"
    r = client.post("/decisions", data={**fields, "back": here}, follow_redirects=False)
    assert r.headers["location"] == here


def test_a_decision_on_an_account_no_run_has_seen_is_refused(workspace: Path) -> None:
    """The pages offer only accounts a run has seen; an id seen nowhere is a typo or a
    forged post, which the case store would keep as a decision that never applies."""
    client = _team(workspace)
    csrf = _login(client, "reviewer")
    ws = client.app.state.vigie.ws
    acc = _member(client)
    tries = [
        ({"kind": "account", "target": "nobody-42"}, "'nobody-42'"),
        ({"kind": "pair", "target": f"{acc} nobody-42"}, "'nobody-42'"),
        ({"kind": "pair", "target": acc}, "two account ids"),
        ({"kind": "account", "target": " "}, "one account id"),
        ({"kind": "account", "target": acc, "run": "gone"}, "no run 'gone'"),
    ]
    for fields, said in tries:
        data = {**fields, "status": "dismissed", "reason": "spam", "csrf": csrf}
        r = client.post("/decisions", data=data, follow_redirects=False)
        assert r.status_code == 400 and said in r.text, (fields, r.status_code, r.text[:300])
    assert ws.decisions() == []
    # the member as the case store names it (platform:id) is an account it has seen
    key = ws.members(_group(client))[0]
    data = {"kind": "account", "target": key, "status": "needs-review", "csrf": csrf}
    assert client.post("/decisions", data=data, follow_redirects=False).status_code == 303


def test_a_refusal_names_files_inside_the_workspace_not_on_the_server(workspace: Path) -> None:
    """A broken study's errors are shown by line (the checker's own), its file named as
    ``risk/broken.yaml``: a viewer in team mode is not told where the server keeps it."""
    from .teamclient import signed_in, team_client

    (workspace / "risk").mkdir(exist_ok=True)
    (workspace / "risk" / "broken.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    client = signed_in(team_client(workspace), "viewer")
    r = client.get("/risk/broken.yaml", headers={"Accept": "text/html"})
    assert r.status_code == 400
    assert "risk/broken.yaml: line 2: not valid YAML" in r.text
    assert str(workspace) not in r.text and str(workspace.resolve()) not in r.text


def test_a_failed_job_names_files_inside_the_workspace_not_on_the_server(workspace: Path) -> None:
    """The same for a job that fails (an import, a detection): its message is shown on the
    home, runs and job pages to everyone who may see them."""
    from .teamclient import team_client

    client = team_client(workspace)
    state = client.app.state.vigie  # type: ignore[attr-defined]
    where = workspace.resolve() / "uploads" / "u1" / "posts.csv"

    def fail(job: object) -> None:
        raise VigieError(f"{where}: record 3: created_at: not a time")

    job = state.jobs.submit("import", "import posts.csv", "analyst", fail)
    done = state.jobs.wait(job.id, 10)
    assert done.message == "uploads/u1/posts.csv: record 3: created_at: not a time"


def test_an_admin_resets_a_forgotten_password_and_cannot_demote_themself(
    workspace: Path,
) -> None:
    """Nobody could set a new password for a person who forgot theirs (no page, no command),
    and the only administrator could lower their own role, leaving nobody to manage people.
    A reset ends the person's open sessions: a session stolen with the old password dies."""
    client = _team(workspace)
    _login(client, "analyst")
    stolen = dict(client.cookies)
    client.cookies.clear()
    csrf = _login(client, "admin")
    r = client.post(
        "/people/analyst",
        data={"password": "short", "csrf": csrf},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 400 and "at least 10 characters" in r.text
    r = client.post(
        "/people/Analyst",
        data={"password": "a new password 42", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    other = TestClient(client.app, base_url="http://vigie.example", cookies=stolen)
    assert other.get("/import", follow_redirects=False).status_code in (303, 401)
    fresh = TestClient(client.app, base_url="http://vigie.example")
    r = fresh.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert (
        "/import" not in str(r.url)
        and fresh.get("/import", follow_redirects=False).status_code != 200
    )
    _login(fresh, "analyst", "a new password 42")
    for role in ("viewer", "reviewer", "analyst"):
        r = client.post(
            "/people/admin",
            data={"role": role, "csrf": csrf},
            headers={"Accept": "text/html"},
        )
        assert r.status_code == 400 and "cannot change your own role" in r.text
    assert (
        dict((u.username, u.role) for u, _ in client.app.state.vigie.directory.people())["admin"]
        == Role.admin
    )
    rows = client.app.state.vigie.audit_rows(action="web.people.password")
    assert [(r.actor, r.object_id) for r in rows] == [("admin", "analyst")]
