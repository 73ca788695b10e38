"""People and roles (administrators only): add a person, change a role, disable an account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vigie.errors import VigieError
from vigie.web.deps import flag, form, page, redirect
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()


@router.get("/people")
async def people(request: Request) -> Response:
    ctx = await page(request, Role.admin)
    return render(ctx, "people.html", people=ctx.state.directory.people(), roles=list(Role))


@router.post("/people")
async def add_person(request: Request) -> Response:
    ctx, fields = await form(request, Role.admin)
    user = ctx.state.directory.add(
        str(fields.get("username", "")), str(fields.get("password", "")), str(fields.get("role"))
    )
    ctx.audit("people.add", user.username, role=user.role.name)
    return redirect("/people")


@router.post("/people/{username}")
async def change_person(request: Request, username: str) -> Response:
    ctx, fields = await form(request, Role.admin)
    d = ctx.state.directory
    username = username.strip().lower()  # as the directory keys people (the audit too)
    own = username == ctx.user.username
    if "role" in fields:
        if own and str(fields["role"]).strip().lower() != ctx.user.role.name:
            # the last administrator lowering their own role left nobody to manage people
            raise VigieError("you cannot change your own role: another administrator can")
        d.set_role(username, str(fields["role"]))
        ctx.audit("people.role", username, role=str(fields["role"]))
    if "password" in fields:  # a person who forgot theirs; their sessions end
        d.set_password(username, str(fields["password"]))
        ctx.audit("people.password", username)
    if "disabled" in fields:
        disabled = flag(fields["disabled"], "disabled")
        if disabled and own:
            raise VigieError("you cannot disable your own account")
        d.set_disabled(username, disabled)
        ctx.audit("people.disable" if disabled else "people.enable", username)
    return redirect("/people")
