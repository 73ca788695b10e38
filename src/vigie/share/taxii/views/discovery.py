"""``GET /taxii2/`` — discovery: the API roots this partner may see (TAXII 2.1, 4.1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vigie.share.taxii import access, gate
from vigie.share.taxii.media import taxii_response
from vigie.share.taxii.views import state

router = APIRouter()


@router.get("/taxii2/")
def discovery(request: Request) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request)
    roots = [f"/{r.name}/" for r in s.config.api_roots if access.root_visible(caller, r)]
    body: dict[str, Any] = {"title": s.config.title, "api_roots": roots}
    if roots:
        body["default"] = roots[0]
    if s.config.description:
        body["description"] = s.config.description
    if s.config.contact:
        body["contact"] = s.config.contact
    return taxii_response(body)
