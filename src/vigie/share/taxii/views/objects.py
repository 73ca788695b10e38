"""``GET``/``POST /{root}/collections/{id}/objects/`` and ``GET …/objects/{object_id}/``
(TAXII 2.1, 5.3–5.5): the objects this partner may read, as the policy lets it read them,
filtered and paged; and adding an envelope of objects (answered with a status resource,
processed synchronously, so always ``complete``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from vigie.share.taxii import access, delivery, gate, intake
from vigie.share.taxii.media import TaxiiError, check_content_type, taxii_response
from vigie.share.taxii.views import date_headers, paged, read_page, state

router = APIRouter()


@router.get("/{root}/collections/{cid}/objects/")
def get_objects(request: Request, root: str, cid: str) -> JSONResponse:
    s, caller, page = read_page(request, root, cid)
    body: dict[str, Any] = paged(page)
    objects = delivery.serve_objects(s, caller, cid, page.rows, "objects")
    if objects:
        body["objects"] = objects
    return taxii_response(body, headers=date_headers(page.rows))


@router.post("/{root}/collections/{cid}/objects/")
async def add_objects(request: Request, root: str, cid: str) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request)
    coll = gate.collection(s, caller, root, cid)
    if not access.can_write(caller, s.roots[root], coll):
        raise TaxiiError(403, "Forbidden", f"{caller.user} may not add objects to {cid}")
    check_content_type(request.headers.get("content-type"))
    raw = await request.body()
    # parsing, validating and storing thousands of objects takes seconds: done in a worker
    # thread, so that other partners' reads go on meanwhile (was: the event loop stalled)
    status = await run_in_threadpool(intake.add_envelope, s, caller, root, cid, coll, raw)
    return taxii_response(status, 202)


@router.get("/{root}/collections/{cid}/objects/{object_id}/")
def get_object(request: Request, root: str, cid: str, object_id: str) -> JSONResponse:
    s, caller, page = read_page(request, root, cid, object_id)
    if not page.rows and not request.query_params.get("next"):
        raise TaxiiError(404, "Not Found", f"no object {object_id!r} for {caller.user}")
    body: dict[str, Any] = paged(page)
    objects = delivery.serve_objects(s, caller, cid, page.rows, "object")
    if objects:
        body["objects"] = objects
    return taxii_response(body, headers=date_headers(page.rows))
