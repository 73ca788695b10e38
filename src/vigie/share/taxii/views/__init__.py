"""The TAXII 2.1 views, one module per resource (the layout of OASIS's medallion server):

- ``discovery`` — ``GET /taxii2/``: the API roots *this partner* may see;
- ``api_root`` — ``GET /{root}/``: versions, ``max_content_length``;
- ``collections`` — ``GET /{root}/collections/`` and ``…/collections/{id}/``;
- ``objects`` — ``GET``/``POST …/objects/`` and ``GET …/objects/{object_id}/``;
- ``versions`` — ``GET …/objects/{object_id}/versions/``;
- ``manifest`` — ``GET …/manifest/``;
- ``status`` — ``GET /{root}/status/{status_id}/``;
- ``compare`` — the private comparison endpoints (``/compare/v1/``), not TAXII.

Each view only speaks HTTP: the gate (``taxii.gate``: authentication, limits, negotiation,
visibility), the SQL (``taxii.queries``), what a caller receives (``taxii.delivery``) and the
intake of objects (``taxii.intake``) live in their own modules. This package holds what the
views share; ``taxii.app`` includes every view's router.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from vigie.share.stix_common import stix_time
from vigie.share.taxii import gate, queries
from vigie.share.taxii.access import Caller
from vigie.share.taxii.params import Filters, encode_next, page_limit
from vigie.share.taxii.queries import Page
from vigie.share.taxii.state import ServerState
from vigie.share.taxii.tables import StoredObject


def state(request: Request) -> ServerState:
    """The server's state, attached to the application by ``taxii.app.create_app``."""
    return request.app.state.vigie


def read_page(
    request: Request,
    root: str,
    cid: str,
    object_id: str | None = None,
    *,
    default_version: str = "last",
) -> tuple[ServerState, Caller, Page]:
    """What every read of a collection does first: the gate, then one page of the rows the
    caller may read that match the request's filters (``object_id``: one object's rows)."""
    s = state(request)
    caller = gate.caller(s, request)
    coll = gate.collection(s, caller, root, cid)
    q = queries.visible_query(
        Filters.of(request), caller, cid, coll, object_id, default_version=default_version
    )
    return s, caller, queries.page(s.store, q, page_limit(request, s.config.page_size))


def date_headers(rows: list[StoredObject]) -> dict[str, str]:
    """``X-TAXII-Date-Added-First``/``-Last`` of a page (none for an empty page)."""
    if not rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": stix_time(rows[0].date_added),
        "X-TAXII-Date-Added-Last": stix_time(rows[-1].date_added),
    }


def paged(page: Page) -> dict[str, Any]:
    """The paging part of an envelope: ``more`` and, when more follow, ``next``."""
    body: dict[str, Any] = {"more": page.more}
    if page.more:
        body["next"] = encode_next(page.rows[-1].rowid)
    return body
