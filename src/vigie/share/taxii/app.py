"""The TAXII 2.1 server: a FastAPI application assembled from one view per resource.

Endpoints (TAXII 2.1, OASIS CS01, sections 4–5), all behind HTTP Basic authentication, each
in its own module of ``taxii.views``: discovery (``GET /taxii2/``), API root, collections,
objects (``GET``/``POST``, one object), versions, manifest and status; filters
``match[type|id|version|spec_version]``, ``added_after``, paging with ``limit``/``next``/
``more`` and the ``X-TAXII-Date-Added-First``/``-Last`` headers.

Decisions, in order, for every request: body size (413, and credentials checked on the
headers before a byte of the body is read) → authentication (401, failures rate-limited per
account and address) → rate limit per user (429 + ``Retry-After``) → content negotiation
(406/415) → visibility of root/collection (404, existence not revealed) → write permission
(403) → per-object policy (objects the partner may not receive are simply not in its
answers). Every object served or received, every refused object and every refused
authentication is written to the audit log. Where each lives: ``taxii.gate`` (the request
pipeline), ``taxii.queries`` (SQL), ``taxii.delivery`` (what a reader receives),
``taxii.intake`` (what a writer may add), ``taxii.state`` (what the views share).

Deliberately absent: ``DELETE`` of objects (the store, like the audit trail, only grows).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie import __version__
from vigie.share.taxii import gate
from vigie.share.taxii.limits import BodyLimitMiddleware
from vigie.share.taxii.media import TAXII_MEDIA_TYPE, TaxiiError, error_body, error_response
from vigie.share.taxii.state import ServerState, build_state
from vigie.share.taxii.views import (
    api_root,
    collections,
    compare,
    discovery,
    manifest,
    objects,
    status,
    versions,
)

__all__ = ["ServerState", "build_state", "create_app"]  # the state is built in taxii.state

TAXII_VIEWS = (discovery, api_root, collections, objects, versions, manifest, status)
"""The TAXII resources' views, in the order their routes are matched."""


def create_app(state: ServerState, *, taxii: bool = True) -> FastAPI:
    """The FastAPI application for ``state`` (tests build it directly; the CLI via ``serve``).

    ``taxii=False`` gives only the comparison endpoints (``vigie share compare --serve``).
    """
    app = FastAPI(
        title="vigie TAXII 2.1",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.vigie = state

    @app.exception_handler(TaxiiError)
    async def _taxii_error(_request: Request, exc: TaxiiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, "Error")
        return error_response(TaxiiError(exc.status_code, title, str(exc.detail)))

    # /taxii2/ before /{root}/: paths are matched in the order they are added
    for view in (compare, *(TAXII_VIEWS if taxii else ())):
        app.include_router(view.router)

    def too_large(_scope: Any, size: int) -> dict[str, Any]:
        body = error_body(
            413,
            "Payload Too Large",
            f"request body of {size} bytes exceeds max_content_length "
            f"{state.config.max_content_length}",
        )
        return {
            "status": 413,
            "headers": [(b"content-type", TAXII_MEDIA_TYPE.encode())],
            "body": json.dumps(body).encode(),
        }

    async def authenticate_first(scope: Any) -> Any:
        """Refuse an upload whose credentials fail before reading one byte of its body."""
        try:
            await run_in_threadpool(gate.identify, state, Request(scope))
        except TaxiiError as exc:
            return error_response(exc)
        return None

    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=state.config.max_content_length,
        on_reject=too_large,
        before_body=authenticate_first,
        body_timeout_s=state.config.guard.body_timeout_s,
    )
    return app
