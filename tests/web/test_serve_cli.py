"""``vigie serve`` (and the sharing servers) refuse what they cannot serve, in one line.

was: ``vigie serve /etc`` made ``/etc`` a workspace (``datasets/``, ``runs/``, ``risk/``,
``uploads/``, ``exports/`` and ``cases.db`` among the system's files), and ``--port
99999999`` was an ``OverflowError`` traceback from the socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.helpers import run_cli


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """uvicorn.run replaced: the server is "started" without listening."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    return calls


def test_a_folder_with_files_is_not_made_a_workspace(tmp_path: Path, started: list) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    code, out = run_cli(["serve", str(folder)])
    assert code == 2 and "Traceback" not in out
    # spaces aside: a long path is wrapped at the console's width, anywhere in it
    assert "not a vigie workspace" in out and f"vigieinit{folder}" in "".join(out.split())
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]  # left as it was
    assert not started


@pytest.mark.parametrize("fresh", ["new", "empty"])
def test_a_new_or_empty_folder_becomes_a_workspace(
    tmp_path: Path, started: list, fresh: str
) -> None:
    folder = tmp_path / "ws"
    if fresh == "empty":
        folder.mkdir()
    from vigie.share.taxii.server import free_port

    port = free_port()  # the command binds it once to see that it can
    code, out = run_cli(["serve", str(folder), "--port", str(port)])
    assert code == 0, out
    assert (folder / "workspace.json").exists() and started[0]["port"] == port
    code, out = run_cli(["serve", str(folder), "--port", str(port)])  # served as it is
    assert code == 0, out


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "WS", "--port", "99999999"],
        ["serve", "WS", "--port", "0"],
        ["serve", "WS", "--port", "-1"],
        ["share", "serve", "--port", "70000"],
        ["share", "compare", "--serve", "--port", "70000"],
    ],
)
def test_a_port_out_of_range_is_refused(tmp_path: Path, started: list, argv: list[str]) -> None:
    argv = [str(tmp_path / "ws") if a == "WS" else a for a in argv]
    code, out = run_cli(argv)
    assert code == 2 and "Traceback" not in out
    assert "--port" in out and not started


def test_a_port_in_use_is_one_line_before_any_address_is_printed(
    tmp_path: Path, started: list
) -> None:
    """was: "vigie workbench on http://127.0.0.1:PORT/" then uvicorn's own ERROR line and
    exit code 3: the address printed answered nothing."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out = run_cli(["serve", str(tmp_path / "ws"), "--port", str(port)])
    assert code == 2 and "Traceback" not in out and not started
    assert f"127.0.0.1:{port} is already in use" in out and "--port" in out
    assert "workbench on" not in out


@pytest.mark.parametrize(
    ("host", "said"), [("no-such-host.invalid", "can resolve"), ("192.0.2.1", "no network")]
)
def test_a_host_that_cannot_be_listened_on_is_one_line(host: str, said: str) -> None:
    from vigie.errors import VigieError
    from vigie.listen import ensure_can_listen

    with pytest.raises(VigieError, match=said):
        ensure_can_listen(host, 8799)


def test_users_without_a_terminal_and_a_forgotten_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``vigie users add ana`` in a script (no terminal) printed "Warning: Password input may
    be echoed" then "Aborted!"; the password is now piped in with --password-stdin, and
    ``vigie users passwd`` sets a new one for a person who forgot theirs (nothing could).
    Each change is a row of the workspace's audit log, as the People page writes."""
    import io

    from vigie.share.audit import AuditLog
    from vigie.share.taxii.store import Store
    from vigie.web.app import open_directory

    ws = tmp_path / "ws"
    assert run_cli(["init", str(ws)])[0] == 0
    monkeypatch.setenv("VIGIE_USER", "night-admin")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, nothing piped
    code, out = run_cli(["users", "add", "ana", "-w", str(ws)])
    said = " ".join(out.split())
    assert code == 2 and "no terminal to ask the password on" in said, out
    assert "--password-stdin" in said and "Aborted" not in said
    code, out = run_cli(["users", "add", "ana", "-w", str(ws), "--password-stdin"])
    assert code == 2 and "standard input held no password" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("first password 1\n"))
    code, out = run_cli(
        ["users", "add", "ana", "--role", "admin", "-w", str(ws), "--password-stdin"]
    )
    assert code == 0 and "added ana (admin)" in out, out
    directory = open_directory(ws)
    assert directory.authenticate("ana", "first password 1", "127.0.0.1") is not None
    session = directory.open_session(directory.authenticate("ana", "first password 1", "::1"))
    monkeypatch.setattr("sys.stdin", io.StringIO("second password 2\r\n"))
    code, out = run_cli(["users", "passwd", "ANA", "-w", str(ws), "--password-stdin"])
    assert code == 0 and "new password set for ana" in out, out
    assert directory.session(session.token) is None  # the open session ended
    assert directory.authenticate("ana", "first password 1", "10.0.0.1") is None
    assert directory.authenticate("ana", "second password 2", "10.0.0.2") is not None
    code, out = run_cli(["users", "passwd", "bob", "-w", str(ws), "--password", "long enough 1"])
    assert code == 2 and "no person named 'bob'" in out
    code, out = run_cli(["users", "passwd", "ana", "-w", str(ws), "--password", "short"])
    assert code == 2 and "at least 10 characters" in out
    store = Store(f"sqlite:///{ws / 'cases.db'}")
    rows = [(r.actor, r.action, r.object_id) for r in AuditLog(store).rows()]
    store.dispose()
    assert rows == [
        ("night-admin", "cli.people.add", "ana"),
        ("night-admin", "cli.people.password", "ana"),
    ]


def test_users_role_disable_and_enable_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The People page changed roles and disabled people; the server's command line could
    only add them. A disabled person cannot sign in and their sessions end; each change is
    an audit row; a mistyped role names the one meant."""
    from vigie.share.audit import AuditLog
    from vigie.share.taxii.store import Store
    from vigie.web.app import open_directory

    ws = tmp_path / "ws"
    assert run_cli(["init", str(ws)])[0] == 0
    monkeypatch.setenv("VIGIE_USER", "it-desk")
    pw = "a long password 7"
    assert run_cli(["users", "add", "Ana", "-w", str(ws), "--password", pw])[0] == 0
    d = open_directory(ws)
    session = d.open_session(d.authenticate("ana", pw, "10.0.0.1"))
    code, out = run_cli(["users", "role", "ana", "Reviewer", "-w", str(ws)])
    assert code == 0 and "ana is now reviewer" in out
    code, out = run_cli(["users", "role", "ana", "reviwer", "-w", str(ws)])
    assert code == 2 and "(did you mean reviewer?)" in out
    code, out = run_cli(["users", "disable", "ANA", "-w", str(ws)])
    assert code == 0 and "ana disabled" in out
    assert d.session(session.token) is None and d.authenticate("ana", pw, "10.0.0.2") is None
    code, out = run_cli(["users", "list", "-w", str(ws)])
    assert "ana\treviewer\tdisabled" in out
    assert run_cli(["users", "enable", "ana", "-w", str(ws)])[0] == 0
    assert d.authenticate("ana", pw, "10.0.0.3") is not None
    code, out = run_cli(["users", "disable", "bob", "-w", str(ws)])
    assert code == 2 and "no person named 'bob'" in out
    store = Store(f"sqlite:///{ws / 'cases.db'}")
    actions = [(r.actor, r.action, r.object_id) for r in AuditLog(store).rows()]
    store.dispose()
    assert actions == [
        ("it-desk", f"cli.people.{a}", "ana") for a in ("add", "role", "disable", "enable")
    ]


def test_the_last_administrator_keeps_the_role(tmp_path: Path) -> None:
    """``vigie users role`` and ``disable`` could take the admin role from a team's only
    active administrator, and nobody could then manage people from the workbench (the People
    page refused it for one's own account only). Refused, naming what to do first; once
    another person is an admin, it goes through."""
    from vigie.web.app import open_directory

    ws = tmp_path / "ws"
    assert run_cli(["init", str(ws)])[0] == 0
    pw = "a long password 8"
    for name, role in (("ana", "admin"), ("bob", "analyst")):
        add = ["users", "add", name, "--role", role, "-w", str(ws), "--password", pw]
        assert run_cli(add)[0] == 0
    for attempt in (["role", "ana", "viewer"], ["disable", "ana"]):
        code, out = run_cli(["users", *attempt, "-w", str(ws)])
        said = " ".join(out.split())
        assert code == 2 and "ana is the team's only active administrator" in said, out
        assert "vigie users role NAME admin" in said
    assert "ana\tadmin\tactive" in run_cli(["users", "list", "-w", str(ws)])[1]
    assert run_cli(["users", "role", "bob", "admin", "-w", str(ws)])[0] == 0
    assert run_cli(["users", "role", "ana", "viewer", "-w", str(ws)])[0] == 0
    code, out = run_cli(["users", "disable", "bob", "-w", str(ws)])
    assert code == 2 and "bob is the team's only active administrator" in " ".join(out.split())
    d = open_directory(ws)
    d.set_role("bob", "admin")  # the same role again: allowed
    assert [(u.username, u.role.name, off) for u, off in d.people()] == [
        ("ana", "viewer", False),
        ("bob", "admin", False),
    ]
