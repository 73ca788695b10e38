"""Sign in and out (team mode); in single-user mode the local person is signed in already."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from vigie.web.deps import COOKIE, client_ip, redirect, same_site
from vigie.web.render import templates

router = APIRouter()


def _safe_next(url: str | None) -> str:
    """Only local paths: an attacker's link must not bounce a person to another site."""
    return same_site(url)


@router.get("/login")
async def login_page(request: Request, next: str = "/") -> Response:
    return templates.TemplateResponse(
        request, "login.html", {"ctx": None, "next": _safe_next(next), "error": None}
    )


@router.post("/login")
async def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    from vigie.web.app import login_response

    st = request.app.state.vigie
    ip = client_ip(request)
    user = st.directory.authenticate(username[:200], password[:1000], ip)
    if user is None:
        wait = st.directory.wait_s(username[:200], ip)
        st.audit(username[:80] or "-", "login_failed", None, {}, ip)
        msg = "wrong name or password"
        if wait > 0:
            msg += f"; wait {wait:.0f} s before trying again from this address"
        return templates.TemplateResponse(
            request,
            "login.html",
            {"ctx": None, "next": _safe_next(next), "error": msg},
            status_code=401,
        )
    sess = st.directory.open_session(user)
    st.audit(user.username, "login", None, {}, ip)
    return login_response(_safe_next(next), sess.token, st.settings)


@router.post("/logout")
async def logout(request: Request) -> Response:
    from vigie.web.deps import form
    from vigie.web.users import Role

    ctx, _ = await form(request, Role.viewer)
    ctx.audit("logout")
    ctx.state.directory.close_session(request.cookies.get(COOKIE))
    response = redirect("/login" if ctx.state.settings.team else "/")
    response.delete_cookie(COOKIE, path="/")
    return response
