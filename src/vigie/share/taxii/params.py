"""TAXII 2.1 query parameters (section 3.4 of the specification) read from a request.

Why apart: the SQL of ``queries`` takes plain values (a ``Filters``), never a request, and
every malformed parameter is a TAXII 400 with the parameter named, never a 500: ``limit``,
``next`` (a paging token this server issued), ``added_after``, and the ``match[...]``
filters (``id``, ``type``, ``version``, ``spec_version``, comma-separated).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from vigie.share.stix_common import as_utc, normalise_timestamp
from vigie.share.taxii.media import TaxiiError

MAX_PAGE = 1000
"""Most objects in one answer, whatever ``limit`` asks (the TAXII server's own limit)."""


def parse_timestamp(value: str, param: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise TaxiiError(
            400, "Bad Request", f"{param}: {value!r} is not a timestamp like 2026-01-31T12:00:00Z"
        ) from None


def version_param(value: str) -> str:
    try:
        return normalise_timestamp(value)
    except ValueError:
        raise TaxiiError(
            400,
            "Bad Request",
            f"match[version]: {value!r} is not last, first, all or a timestamp",
        ) from None


def encode_next(rowid: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{rowid}".encode()).decode().rstrip("=")


def decode_next(token: str) -> int:
    try:
        if len(token) > 40:
            raise ValueError(token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tag, _, num = raw.partition(":")
        if tag != "v1" or not num.isdigit():
            raise ValueError(tag)
        value = int(num)
        if value >= 2**63:  # beyond any row id (and beyond SQL integers: was a 500)
            raise ValueError(num)
        return value
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TaxiiError(
            400, "Bad Request", f"next: {token!r} is not a token this server issued"
        ) from None


def page_limit(request: Request, default: int) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return min(default, MAX_PAGE)
    try:
        n = int(raw)
    except ValueError:
        raise TaxiiError(400, "Bad Request", f"limit: {raw!r} is not a whole number") from None
    if n < 1:
        raise TaxiiError(400, "Bad Request", f"limit: {n} must be at least 1")
    return min(n, MAX_PAGE)


def csv_param(request: Request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    return [v.strip() for v in raw.split(",") if v.strip()]


@dataclass(frozen=True)
class Filters:
    """The filters of one request, checked: ``versions`` holds ``first``/``last``/``all``
    or normalised timestamps; ``after_rowid`` comes from the ``next`` token."""

    ids: list[str] | None = None
    types: list[str] | None = None
    spec_versions: list[str] | None = None
    versions: list[str] | None = None
    added_after: datetime | None = None
    after_rowid: int | None = None

    @classmethod
    def of(cls, request: Request) -> Filters:
        versions = csv_param(request, "match[version]")
        if versions and "all" not in versions:  # with "all", the others do not matter
            versions = [v if v in ("first", "last") else version_param(v) for v in versions]
        added_after = request.query_params.get("added_after")
        token = request.query_params.get("next")
        return cls(
            ids=csv_param(request, "match[id]"),
            types=csv_param(request, "match[type]"),
            spec_versions=csv_param(request, "match[spec_version]"),
            versions=versions,
            added_after=parse_timestamp(added_after, "added_after") if added_after else None,
            after_rowid=decode_next(token) if token else None,
        )
