"""``GET /{root}/collections/{id}/manifest/`` (TAXII 2.1, 5.6): id, date added and version
of the objects this partner may read, filtered and paged like the objects, audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vigie.share.stix_common import stix_time
from vigie.share.taxii.media import STIX_MEDIA_TYPE, taxii_response
from vigie.share.taxii.views import date_headers, paged, read_page

router = APIRouter()


@router.get("/{root}/collections/{cid}/manifest/")
def manifest(request: Request, root: str, cid: str) -> JSONResponse:
    s, caller, page = read_page(request, root, cid)
    body: dict[str, Any] = paged(page)
    if page.rows:
        body["objects"] = [
            {
                "id": r.stix_id,
                "date_added": stix_time(r.date_added),
                "version": r.version,
                "media_type": STIX_MEDIA_TYPE,
            }
            for r in page.rows
        ]
        s.audit.append(
            caller.user,
            "manifest.served",
            collection=cid,
            detail={"ids": [r.stix_id for r in page.rows]},
        )
    return taxii_response(body, headers=date_headers(page.rows))
