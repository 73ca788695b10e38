"""The workspace's audit log (web actions, exports, TAXII), filterable, with its chain check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vigie.web.deps import page
from vigie.web.render import render
from vigie.web.users import Role

router = APIRouter()
SHOWN = 500


@router.get("/audit")
async def audit(request: Request, actor: str = "", action: str = "") -> Response:
    ctx = await page(request, Role.reviewer)
    rows = ctx.state.audit_rows(actor.strip() or None, action.strip() or None)
    verify = ctx.state._audit.verify()
    return render(
        ctx,
        "audit.html",
        rows=list(reversed(rows))[:SHOWN],
        total=len(rows),
        actor=actor,
        action=action,
        verify=verify,
    )
