"""``GET /{root}/collections/{id}/objects/{object_id}/versions/`` (TAXII 2.1, 5.7): the
versions of one object this partner may read (every version by default), audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vigie.share.taxii.media import TaxiiError, taxii_response
from vigie.share.taxii.views import date_headers, paged, read_page

router = APIRouter()


@router.get("/{root}/collections/{cid}/objects/{object_id}/versions/")
def versions(request: Request, root: str, cid: str, object_id: str) -> JSONResponse:
    s, caller, page = read_page(request, root, cid, object_id, default_version="all")
    if not page.rows and not request.query_params.get("next"):
        raise TaxiiError(404, "Not Found", f"no object {object_id!r} for {caller.user}")
    body: dict[str, Any] = {**paged(page), "versions": [r.version for r in page.rows]}
    if page.rows:
        s.audit.append(
            caller.user,
            "versions.served",
            object_id=object_id,
            collection=cid,
            detail={"versions": [r.version for r in page.rows]},
        )
    return taxii_response(body, headers=date_headers(page.rows))
