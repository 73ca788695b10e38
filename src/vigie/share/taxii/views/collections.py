"""``GET /{root}/collections/`` and ``GET /{root}/collections/{id}/`` (TAXII 2.1, 5.1–5.2):
the collections this partner may see, and whether it may write to each."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vigie.share.taxii import access, gate
from vigie.share.taxii.access import Caller
from vigie.share.taxii.config import ApiRootConfig, CollectionConfig, collection_id
from vigie.share.taxii.media import STIX_MEDIA_TYPE, taxii_response
from vigie.share.taxii.views import state

router = APIRouter()


def collection_resource(
    caller: Caller, root: ApiRootConfig, coll: CollectionConfig
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "id": collection_id(root.name, coll),
        "title": coll.title or coll.name,
        "can_read": True,
        "can_write": access.can_write(caller, root, coll),
        "media_types": [STIX_MEDIA_TYPE],
    }
    if coll.description:
        res["description"] = coll.description
    return res


@router.get("/{root}/collections/")
def collections(request: Request, root: str) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request)
    r = gate.root(s, caller, root)
    colls = [
        collection_resource(caller, r, c)
        for c in r.collections
        if access.collection_visible(caller, r, c)
    ]
    return taxii_response({"collections": colls} if colls else {})


@router.get("/{root}/collections/{cid}/")
def get_collection(request: Request, root: str, cid: str) -> JSONResponse:
    s = state(request)
    caller = gate.caller(s, request)
    coll = gate.collection(s, caller, root, cid)
    return taxii_response(collection_resource(caller, s.roots[root], coll))
