"""``/compare/v1/`` — private comparison (PSI) offered to partners on the same server; not a
TAXII resource (see ``vigie.share.compare``). Offered only to partners whose trust reaches
the service's ``min_trust``; others get 404, as for a collection they may not see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from vigie.share.compare import CompareService
from vigie.share.taxii import gate
from vigie.share.taxii.access import Caller
from vigie.share.taxii.media import TaxiiError
from vigie.share.taxii.state import ServerState
from vigie.share.taxii.validate import load_json_body
from vigie.share.taxii.views import state

router = APIRouter()


def _service(s: ServerState, caller: Caller) -> CompareService:
    service = s.compare
    if service is None or caller.partner.trust < service.min_trust:
        raise TaxiiError(404, "Not Found", "no private comparison offered to this partner")
    return service


@router.get("/compare/v1/")
def compare_info(request: Request) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request, accept=False)
    return JSONResponse(_service(s, caller).info())


@router.post("/compare/v1/run")
async def compare_run(request: Request) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request, accept=False)
    service = _service(s, caller)
    raw = await request.body()

    def run() -> dict[str, Any]:
        body = load_json_body(raw)
        return service.answer(caller.user, f"partner:{caller.partner.key}", body)

    # ECDH over thousands of elements is CPU work: keep the event loop free meanwhile
    return JSONResponse(await run_in_threadpool(run))
