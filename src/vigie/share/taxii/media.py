"""TAXII 2.1 media types, content negotiation and error messages.

Why strict negotiation: TAXII 2.1 (section 1.6.8 and 3.x) requires clients to ask for
``application/taxii+json;version=2.1`` and servers to refuse what they cannot produce (406)
or parse (415). Answering a TAXII 2.0 client with 2.1 JSON would silently mislead it, so we
refuse clearly instead. Every error body is a TAXII *error message* resource (``title``,
``description``, ``http_status``) in the TAXII media type.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
_TAXII_BASE = "application/taxii+json"


class TaxiiError(Exception):
    """An HTTP error to send as a TAXII error message resource."""

    def __init__(
        self,
        status: int,
        title: str,
        description: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.description = description
        self.headers = headers or {}
        self.details = details


def taxii_response(
    content: Any, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON response in the TAXII 2.1 media type."""
    return JSONResponse(content, status_code=status, headers=headers, media_type=TAXII_MEDIA_TYPE)


def error_body(
    status: int, title: str, description: str | None = None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "http_status": str(status)}
    if description:
        body["description"] = description
    if details:
        body["details"] = details
    return body


def error_response(exc: TaxiiError) -> JSONResponse:
    return taxii_response(
        error_body(exc.status, exc.title, exc.description, exc.details),
        exc.status,
        headers=exc.headers,
    )


def _parse_media_range(item: str) -> tuple[str, dict[str, str]]:
    parts = [p.strip() for p in item.split(";")]
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.strip().lower()] = v.strip().strip('"')
    return parts[0].lower(), params


def _is_taxii21(mtype: str, params: dict[str, str]) -> bool:
    return mtype == _TAXII_BASE and params.get("version", "2.1") == "2.1"


def check_accept(accept: str | None) -> None:
    """Raise 406 unless ``Accept`` allows TAXII 2.1 JSON (absent or ``*/*`` is fine)."""
    if accept is None or not accept.strip():
        return
    for item in accept.split(","):
        mtype, params = _parse_media_range(item)
        if params.get("q") in ("0", "0.0", "0.00", "0.000"):
            continue
        if mtype in ("*/*", "application/*") or _is_taxii21(mtype, params):
            return
    raise TaxiiError(
        406,
        "Not Acceptable",
        f"this server answers only in {TAXII_MEDIA_TYPE}; the request's Accept was {accept!r}",
    )


def check_content_type(content_type: str | None) -> None:
    """Raise 415 unless the body is declared as TAXII 2.1 JSON."""
    if content_type:
        mtype, params = _parse_media_range(content_type)
        if _is_taxii21(mtype, params):
            return
    raise TaxiiError(
        415,
        "Unsupported Media Type",
        f"send the envelope as Content-Type: {TAXII_MEDIA_TYPE} (got {content_type!r})",
    )
