"""The analyst's workbench: a FastAPI app over the same library calls as the CLI.

Why thin: every action a page offers (ingest, detect, triage, diff, search, risk, share) is a
call into the library the CLI also uses, so the two faces cannot drift. This module only
assembles the app: state, middleware (host check, session, security headers, body limit),
error pages, and one router per resource in ``vigie.web.views``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from vigie.errors import NotFound, VigieError
from vigie.web.deps import COOKIE, LoginRequired, client_ip, same_site
from vigie.web.folders import Folders
from vigie.web.jobs import Jobs
from vigie.web.render import HERE, templates
from vigie.web.settings import WebSettings
from vigie.web.users import Directory, Role, User

LOCAL_USER = User("local", Role.admin)
MAX_FORM_BYTES = 1024 * 1024  # forms other than uploads

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)


@dataclass
class State:
    """What the views share: settings, the workspace folders, people, jobs, the audit log."""

    settings: WebSettings
    ws: Any  # vigie.cases.workspace.Workspace: runs, groups, decisions, diff, search
    folders: Folders
    directory: Directory
    jobs: Jobs
    _audit: Any
    proxies: list[Any]  # trusted reverse proxies, as networks

    def audit(
        self, actor: str, action: str, object_id: str | None, detail: dict[str, Any], ip: str
    ) -> None:
        """One row in the workspace's hash-chained audit log for every write."""
        self._audit.append(
            actor, f"web.{action}", object_id=object_id, detail={**detail, "address": ip}
        )

    def audit_rows(self, actor: str | None = None, action: str | None = None) -> list[Any]:
        return list(self._audit.rows(actor=actor or None, action=action or None))


def _hostname(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def create_app(settings: WebSettings) -> FastAPI:
    """The workbench for ``settings.workspace`` (created as needed)."""
    from vigie.cases.workspace import Workspace
    from vigie.share.audit import AuditLog
    from vigie.share.taxii.store import Store
    from vigie.web import views

    ws = Workspace.init(settings.workspace, db=settings.db_url)
    folders = Folders(ws)
    store = Store(ws.db_url)  # people, sessions and the audit log beside the case store
    directory = Directory(store.engine, settings.session_ttl_s)
    if not settings.team and LOCAL_USER.username not in {u.username for u, _ in directory.people()}:
        import secrets

        directory.add(LOCAL_USER.username, secrets.token_urlsafe(24), Role.admin)
    from vigie.share.netaddr import parse_networks

    try:
        proxies = parse_networks(settings.trusted_proxies)
    except ValueError as exc:
        raise VigieError(f"--trusted-proxy: {exc}") from None
    state = State(settings, ws, folders, directory, Jobs(folders.shown), AuditLog(store), proxies)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.jobs.shutdown()

    app = FastAPI(
        title="vigie workbench", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.vigie = state
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in views.routers():
        app.include_router(router)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if "*" not in settings.allowed_hosts:
            host = _hostname(request.headers.get("host", ""))
            if host not in settings.allowed_hosts:
                return PlainTextResponse(
                    "vigie (single-user) answers only on localhost; use --team behind a proxy",
                    status_code=400,
                )
        length = request.headers.get("content-length")
        limit = (
            settings.max_upload_bytes if request.url.path.startswith("/import") else MAX_FORM_BYTES
        )
        if length is not None and (not length.isdigit() or int(length) > limit):
            return PlainTextResponse("request body too large", status_code=413)
        if length is None and request.headers.get("transfer-encoding"):
            # a body of no declared length (chunked) escaped the limit above, read whole by
            # the form parser, a sign-in's included; a browser's form always declares it
            return PlainTextResponse("a request body must declare its length", status_code=411)
        sess = state.directory.session(request.cookies.get(COOKIE))
        new_token = None
        if (
            sess is None
            and not settings.team
            and request.method == "GET"
            and not request.url.path.startswith("/static")
        ):
            sess = state.directory.open_session(LOCAL_USER)
            new_token = sess.token
        request.state.vigie_session = sess
        response: Response = await call_next(request)
        if new_token:
            _set_cookie(response, new_token, settings)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        # the whole address, query included: a link to a group of one run, a share preview
        # or an import's mapping step must land there after sign-in (the path alone opened
        # the group's latest run, an empty share page, or a 422 for the missing upload)
        from urllib.parse import quote

        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(wanted, safe='/')}", status_code=303)

    @app.exception_handler(HTTPException)  # Starlette's: also "no route" 404s and 405s
    async def _http(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path[:200]}: the link is old or mistyped"
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _fields(request: Request, exc: RequestValidationError) -> Response:
        # a page asked for without a field it needs (/import/map without its upload) was
        # FastAPI's raw 422 JSON: a person gets a page that says which field, in words
        said = "; ".join(
            f"{'/'.join(str(p) for p in e.get('loc', ())[1:]) or 'a field'}: "
            f"{str(e.get('msg', 'not valid')).lower()}"
            for e in exc.errors()[:5]
        )
        return _error_page(request, 400, f"this address lacks what the page needs ({said})")

    @app.exception_handler(VigieError)
    async def _vigie(request: Request, exc: VigieError) -> Response:
        return _error_page(request, _vigie_status(request, exc), folders.shown(str(exc)))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("vigie.web").exception("unexpected error on %s", request.url.path)
        return _error_page(
            request, 500, f"vigie failed unexpectedly ({type(exc).__name__}); nothing was changed"
        )

    return app


def open_directory(workspace: Any, db_url: str | None = None) -> Directory:
    """The people of a workspace, for the ``vigie users`` commands."""
    from vigie.cases.workspace import Workspace
    from vigie.share.taxii.store import Store

    ws = Workspace.init(workspace, db=db_url)
    return Directory(Store(ws.db_url).engine)


def _set_cookie(response: Response, token: str, settings: WebSettings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
        max_age=settings.session_ttl_s,
    )


def _vigie_status(request: Request, exc: VigieError) -> int:
    """404 for a group, run or study the address names and the workspace does not hold
    (a bookmark to a deleted run, a mistyped id): "Not found" says the link is the problem,
    where 400 "That did not work" read as a fault of vigie's. An unknown id in a *posted*
    form's field stays 400, a malformed value, unless the address itself names it
    (``POST /groups/G-GONE00/triage``)."""
    if not isinstance(exc, NotFound):
        return 400
    if request.method in ("GET", "HEAD") or exc.ref in request.path_params.values():
        return 404
    return 400


def _error_page(request: Request, status: int, message: str) -> Response:
    """The error as a page for a browser (plain text for a script).

    Why the page keeps the menu and a real "Back" link: a signed-in person who meets a
    refusal or an old link must be able to go on; the page showed no menu at all, and its
    ``javascript:history.back()`` link is one the CSP (``script-src 'self'``) forbids the
    browser to run, so it did nothing. "Back" is now the same-site page they came from."""
    if "text/html" not in request.headers.get("accept", "") or status == 404 and not message:
        return PlainTextResponse(message, status_code=status)
    from vigie.web.deps import Ctx

    sess = getattr(request.state, "vigie_session", None)
    ctx = Ctx(request, sess, request.app.state.vigie) if sess is not None and status < 500 else None
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "ctx": ctx,
            "status": status,
            "message": message,
            "back": _same_site_referer(request),
            "ip": client_ip(request),
        },
        status_code=status,
    )


def _same_site_referer(request: Request) -> str | None:
    """The path of the page that linked here, when it is one of ours (never another site's)."""
    from urllib.parse import urlsplit

    ref = urlsplit(request.headers.get("referer", ""))
    if ref.netloc != request.headers.get("host", ""):
        return None
    back = same_site(ref.path + (f"?{ref.query}" if ref.query else ""), "")
    return back if back and back != str(request.url.path) else None


def login_response(url: str, token: str, settings: WebSettings) -> Response:
    """Redirect after a successful sign-in, with the new session's cookie."""
    response = RedirectResponse(url, status_code=303)
    _set_cookie(response, token, settings)
    return response
