"""``vigie serve``: the web workbench on a workspace; ``vigie users``: its people (team mode)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from vigie.errors import VigieError

if TYPE_CHECKING:
    from vigie.web.users import Directory

users_app = typer.Typer(no_args_is_help=True, help="People of the web workbench (team mode).")


def _workspace_path(workspace: Path | None) -> Path:
    """The workspace named, else the one found from the current folder, else an error.

    A folder named that is not a workspace is made one only when it is new or empty: a typo
    (``vigie serve ~/Documents``, ``vigie serve /etc``) would otherwise scatter the
    workspace's folders and database among someone's files."""
    if workspace is not None:
        from vigie.cases.workspace import MARKER

        if workspace.is_dir() and not (workspace / MARKER).exists() and any(workspace.iterdir()):
            raise VigieError(
                f"{workspace}: not a vigie workspace ({MARKER} missing) and not empty: give a "
                f"new folder to create one there, or make this one a workspace with "
                f"vigie init {workspace}"
            )
        return workspace
    from vigie.cases.workspace import Workspace

    found = Workspace.find()
    if found is None or found.root is None:
        raise VigieError(
            "no workspace here: give its folder (vigie serve PATH) or create one (vigie init PATH)"
        )
    return found.root


def _need_web() -> None:
    try:
        import argon2  # noqa: F401
        import fastapi  # noqa: F401
        import multipart  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise VigieError(
            f"the web workbench needs the 'web' extra ({exc.name} is missing): "
            "pip install 'vigie[web]'"
        ) from None


def serve(
    workspace: Path = typer.Argument(None, help="Workspace folder (created if new)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8780, "--port", min=1, max=65535, help="Port to listen on."),
    team: bool = typer.Option(
        False, "--team", help="People sign in with roles (behind a reverse proxy with HTTPS)."
    ),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Cookies only over HTTPS (set behind a TLS proxy)."
    ),
    trusted_proxy: list[str] = typer.Option(
        [], "--trusted-proxy", help="Address of a reverse proxy whose X-Forwarded-For counts."
    ),
    db: str = typer.Option(None, "--db", help="Database URL (PostgreSQL in server mode)."),
    partners: Path = typer.Option(None, "--partners", help="Partners registry for sharing."),
    taxii_config: Path = typer.Option(
        None, "--taxii-config", help="TAXII server configuration: publish to its collections."
    ),
) -> None:
    """Start the analyst's workbench in a browser: import, detect, triage, compare, search,
    risk and share, over the same library as the CLI."""
    _need_web()
    import uvicorn

    from vigie.web.app import create_app
    from vigie.web.settings import LOOPBACK_HOSTS, WebSettings

    if not team and host not in LOOPBACK_HOSTS:
        raise VigieError(
            f"--host {host}: single-user mode listens on localhost only; use --team (people "
            "sign in) behind a reverse proxy to serve a team"
        )
    settings = WebSettings(
        workspace=_workspace_path(workspace),
        db_url=db,
        team=team,
        secure_cookies=secure_cookies,
        trusted_proxies=tuple(trusted_proxy),
        allowed_hosts=("*",) if team else LOOPBACK_HOSTS,
        partners_path=partners,
        taxii_config=taxii_config,
    )
    from vigie.listen import ensure_can_listen

    ensure_can_listen(host, port)
    app = create_app(settings)
    if team and app.state.vigie.directory.count() == 0:
        typer.echo(
            "no person can sign in yet: add an administrator first with "
            f"vigie users add NAME --role admin -w {settings.workspace}"
        )
    typer.echo(f"vigie workbench on http://{host}:{port}/ (workspace {settings.workspace})")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


PASSWORD_HELP = (
    "At least 10 characters. Default: asked twice on the terminal (a password typed on the "
    "command line stays in the shell's history and the process list)."
)
STDIN_HELP = "Read the password from standard input's first line (for scripts)."


def _password(given: str | None, from_stdin: bool, command: str) -> str:
    """The password given, else piped in or asked (``vigie.secret``)."""
    from vigie.secret import ask_password

    if given is not None and from_stdin:
        raise VigieError("give the password once: --password or --password-stdin")
    if given is not None:
        return given
    return ask_password(
        "Password",
        from_stdin=from_stdin,
        piped=f"pipe it in, printf '%s\\n' \"$PASSWORD\" | vigie users {command} --password-stdin",
    )


@contextmanager
def _people(workspace: Path | None) -> Iterator[tuple[Directory, Callable[..., None]]]:
    """The workspace's people, and a function writing a change to its audit log as the
    People page writes it: who ran the command (``$VIGIE_USER``, else the OS user), on
    whom, from this machine. One opening of the workspace and its database for both."""
    _need_web()
    from vigie.cases.decisions import current_author
    from vigie.cases.workspace import Workspace
    from vigie.share.audit import AuditLog
    from vigie.share.taxii.store import Store
    from vigie.web.users import Directory

    ws = Workspace.init(_workspace_path(workspace))
    store = Store(ws.db_url)

    def audit(action: str, username: str, **detail: str) -> None:
        AuditLog(store).append(
            current_author(None),
            f"cli.{action}",
            object_id=username,
            detail={**detail, "address": "command line"},
        )

    try:
        yield Directory(store.engine), audit
    finally:
        store.dispose()
        ws.close()


@users_app.command("add")
def add_user(
    username: str = typer.Argument(..., help="Sign-in name (a-z 0-9 . _ -)."),
    role: str = typer.Option("analyst", "--role", help="viewer, analyst, reviewer or admin."),
    workspace: Path = typer.Option(None, "--workspace", "-w", help="Workspace folder."),
    password: str | None = typer.Option(None, "--password", help=PASSWORD_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
) -> None:
    """Add a person who may sign in to the workbench in team mode."""
    with _people(workspace) as (directory, audit):
        user = directory.add(username, _password(password, password_stdin, "add NAME"), role)
        audit("people.add", user.username, role=user.role.name)
    typer.echo(f"added {user.username} ({user.role.name})")


@users_app.command("passwd")
def set_password(
    username: str = typer.Argument(..., help="Sign-in name of the person."),
    workspace: Path = typer.Option(None, "--workspace", "-w", help="Workspace folder."),
    password: str | None = typer.Option(None, "--password", help=PASSWORD_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
) -> None:
    """Set a new password for a person who forgot theirs (their open sessions end); on the
    server, by whoever runs the workbench: the way back in for a locked-out administrator."""
    with _people(workspace) as (directory, audit):
        directory.set_password(username, _password(password, password_stdin, "passwd NAME"))
        audit("people.password", username.strip().lower())
    typer.echo(f"new password set for {username.strip().lower()}; their sessions ended")


@users_app.command("list")
def list_users(
    workspace: Path = typer.Option(None, "--workspace", "-w", help="Workspace folder."),
) -> None:
    """The people of the workbench and their roles."""
    with _people(workspace) as (directory, _):
        people = directory.people()
    for user, disabled in people:
        state = "disabled" if disabled else "active"
        typer.echo(f"{user.username}\t{user.role.name}\t{state}")


@users_app.command("role")
def set_role(
    username: str = typer.Argument(..., help="Sign-in name of the person."),
    role: str = typer.Argument(..., help="viewer, analyst, reviewer or admin."),
    workspace: Path = typer.Option(None, "--workspace", "-w", help="Workspace folder."),
) -> None:
    """Change a person's role (applies at their next request), as the People page does."""
    _need_web()
    from vigie.web.users import Role

    name = username.strip().lower()
    level = Role.parse(role)
    with _people(workspace) as (directory, audit):
        directory.set_role(name, level)
        audit("people.role", name, role=level.name)
    typer.echo(f"{name} is now {level.name}")


def _set_disabled(username: str, workspace: Path | None, disabled: bool) -> None:
    name = username.strip().lower()
    with _people(workspace) as (directory, audit):
        directory.set_disabled(name, disabled)
        audit("people.disable" if disabled else "people.enable", name)
    said = "disabled; their open sessions ended" if disabled else "enabled"
    typer.echo(f"{name} {said}")


@users_app.command("disable")
def disable_user(
    username: str = typer.Argument(..., help="Sign-in name of the person."),
    workspace: Path = typer.Option(None, "--workspace", "-w", help="Workspace folder."),
) -> None:
    """Stop a person signing in (someone who left the team); their sessions end at once.
    Their decisions and audit rows stay, under their name."""
    _set_disabled(username, workspace, True)


@users_app.command("enable")
def enable_user(
    username: str = typer.Argument(..., help="Sign-in name of the person."),
    workspace: Path = typer.Option(None, "--workspace", "-w", help="Workspace folder."),
) -> None:
    """Let a disabled person sign in again."""
    _set_disabled(username, workspace, False)
