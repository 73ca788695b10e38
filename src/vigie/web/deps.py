"""What every page needs: who is asking, may they, is the form genuine, and the audit trail.

Why these checks live in one place: a page that forgot one would be the hole. Each view asks
``ctx = await page(request, Role.X)`` for a read and ``await form(request, Role.Y)`` for a
write; the latter checks the CSRF token (form field or ``X-CSRF-Token`` header, compared in
constant time) and the Origin header before the view sees any data.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from vigie.errors import VigieError
from vigie.web.users import Role, User, WebSession

COOKIE = "vigie_session"


class LoginRequired(Exception):
    """Raised for a page read without a session in team mode: the app redirects to /login."""


@dataclass
class Ctx:
    """One request's context, handed to templates as ``ctx``."""

    request: Request
    session: WebSession
    state: Any  # the app's State (settings, folders, directory, jobs, audit)

    @property
    def user(self) -> User:
        return self.session.user

    @property
    def csrf(self) -> str:
        return self.session.csrf

    def may(self, role: str) -> bool:
        return self.user.may(Role[role])

    def audit(self, action: str, object_id: str | None = None, **detail: Any) -> None:
        self.state.audit(self.user.username, action, object_id, detail, client_ip(self.request))


def client_ip(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy says in ``X-Forwarded-For``
    (the TAXII server's rule, ``vigie.share.netaddr.client_addresses``)."""
    from vigie.share.netaddr import client_addresses

    return client_addresses(request, request.app.state.vigie.proxies)[0]


def _session(request: Request) -> WebSession | None:
    """Set by the app's middleware (which also opens the local person's session in
    single-user mode and sets its cookie)."""
    return getattr(request.state, "vigie_session", None)


async def page(request: Request, needed: Role = Role.viewer) -> Ctx:
    """The context of a read; redirects to /login (team mode) or refuses (403)."""
    st = request.app.state.vigie
    sess = _session(request)
    if sess is None:
        raise LoginRequired()
    if not sess.user.may(needed):
        raise HTTPException(403, f"your role ({sess.user.role.name}) may not see this page")
    return Ctx(request, sess, st)


async def form(request: Request, needed: Role) -> tuple[Ctx, dict[str, Any]]:
    """The context and fields of a write: session, role, same origin and CSRF token checked."""
    st = request.app.state.vigie
    sess = st.directory.session(request.cookies.get(COOKIE))  # a cookie sent, never a new one
    if sess is None:
        raise HTTPException(401, "sign in first (no session, or it expired)")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            raise HTTPException(403, "cross-site request refused (Origin does not match)")
    data = await request.form()
    fields: dict[str, Any] = {}
    for key in data:
        values = data.getlist(key)
        if len(values) > 1:  # no page sends a field twice: which one was meant is unknown
            name = str(key)[:40]
            raise HTTPException(400, f"field {name!r} sent {len(values)} times; send it once")
        fields[key] = values[0]
    token = request.headers.get("x-csrf-token") or str(fields.get("csrf", ""))
    if not token or not hmac.compare_digest(token.encode(), sess.csrf.encode()):
        raise HTTPException(403, "form expired or forged (CSRF token missing or wrong): reload")
    if not sess.user.may(needed):
        raise HTTPException(403, f"your role ({sess.user.role.name}) may not do this")
    return Ctx(request, sess, st), fields


_ON = frozenset({"1", "on", "true", "yes"})
_OFF = frozenset({"", "0", "off", "false", "no"})


def flag(value: Any, name: str) -> bool:
    """A checkbox's or a yes/no field's value: absent, empty, 0, off, false or no is off;
    1, on, true or yes is on (any case); the same value sent twice is that value.

    Why strict: ``bool("0")`` is true, so a client that posted ``unreviewed=0`` shared the
    groups nobody confirmed with a partner. Anything else is refused, naming the field."""
    if value is None:
        return False
    values = value if isinstance(value, list) else [value]
    seen = set()
    for v in values:
        raw = str(v).strip().lower()
        if raw not in _ON and raw not in _OFF:
            raise VigieError(f"{name}: {str(v)[:40]!r} is not on or off (1/0, true/false, yes/no)")
        seen.add(raw in _ON)
    if len(seen) > 1:
        raise VigieError(f"{name}: sent both on and off")
    return seen.pop() if seen else False


def same_site(url: str | None, default: str = "/") -> str:
    """``url`` if it is a path of this site, else ``default``.

    Why so strict: a form's ``back`` or a sign-in's ``next`` is sent by the client, so a
    forged post could bounce a person to another site. Browsers read ``//evil``, ``/\\evil``
    (a backslash counts as a slash) and ``/<tab>/evil`` (tabs and line breaks are dropped) as
    another host, and ``https://…`` or ``javascript:`` are not paths at all."""
    if (
        not url
        or not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or any(ord(c) < 32 or ord(c) == 127 for c in url)
    ):
        return default
    return url


def redirect(url: str) -> RedirectResponse:
    """After a write: go to the page that shows its result (POST-redirect-GET)."""
    return RedirectResponse(url, status_code=303)
