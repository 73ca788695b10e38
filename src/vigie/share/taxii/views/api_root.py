"""``GET /{root}/`` — an API root's information (TAXII 2.1, 4.2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vigie.share.taxii import gate
from vigie.share.taxii.media import TAXII_MEDIA_TYPE, taxii_response
from vigie.share.taxii.views import state

router = APIRouter()


@router.get("/{root}/")
def api_root(request: Request, root: str) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request)
    r = gate.root(s, caller, root)
    body: dict[str, Any] = {
        "title": r.title or r.name,
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": s.config.max_content_length,
    }
    if r.description:
        body["description"] = r.description
    return taxii_response(body)
