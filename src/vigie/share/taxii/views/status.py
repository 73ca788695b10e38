"""``GET /{root}/status/{status_id}/`` (TAXII 2.1, 4.3): the outcome of one POST of objects,
visible only to the partner that posted them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vigie.share.taxii import gate
from vigie.share.taxii.media import TaxiiError, taxii_response
from vigie.share.taxii.tables import StatusRecord
from vigie.share.taxii.views import state

router = APIRouter()


@router.get("/{root}/status/{status_id}/")
def status(request: Request, root: str, status_id: str) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request)
    gate.root(s, caller, root)
    with s.store.session() as sess:
        rec = sess.get(StatusRecord, status_id)
    if rec is None or rec.partner != caller.user or rec.api_root != root:
        raise TaxiiError(404, "Not Found", f"no status {status_id!r} for {caller.user}")
    return taxii_response(rec.detail)
