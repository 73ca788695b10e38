"""The STIX helpers every part of ``vigie.share`` uses: timestamps, versions and markings.

Why one module: the TAXII server, the publication of our findings and the import of
partners' bundle files all ask the same questions of a STIX object (which TLP marking binds
it? which version is it?) and write the same timestamps. They used to answer with two copies
that had drifted (one accepted a non-list ``object_marking_refs``, the other crashed on it).

- ``utcnow()``, ``as_utc(dt)``, ``stix_time(dt)`` — UTC time and the STIX/TAXII timestamp
  text with microseconds (``2026-11-23T02:40:00.123456Z``), the resolution TAXII orders by.
- ``normalise_timestamp(text)`` — any ISO timestamp in that one form, so that string order is
  time order and ``…00Z`` equals ``…00.000Z``.
- ``object_version(obj, fallback="")`` — STIX's version of an object as written:
  ``modified``, else ``created``, else ``fallback`` (SCOs and TLP definitions carry neither);
  ``taxii_version(obj, fallback)`` — the same, normalised (TAXII's ``version``).
- ``object_tlp(obj, default=None)`` — the strictest TLP (2.0 or 1.0 id) among the object's
  ``object_marking_refs``; the TLP marking-definitions themselves are public (CLEAR).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, overload

from vigie.share.tlp import TLP, strictest

STIX_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    """Now, in UTC (microsecond resolution, the TAXII timestamp resolution we keep)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes: they were written as UTC, so say so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stix_time(value: datetime) -> str:
    """A STIX/TAXII timestamp string with microseconds: ``2026-11-23T02:40:00.123456Z``."""
    return as_utc(value).strftime(STIX_TIME_FORMAT)


def normalise_timestamp(value: str) -> str:
    """A STIX timestamp in one fixed form (microseconds, ``Z``). Raises ``ValueError`` for
    text that is not a timestamp."""
    return stix_time(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))


def object_version(obj: dict[str, Any], fallback: str = "") -> str:
    """The object's version as written: ``modified``, else ``created``, else ``fallback``."""
    return str(obj.get("modified") or obj.get("created") or fallback)


def taxii_version(obj: dict[str, Any], fallback: str) -> str:
    """TAXII's version of an object: ``object_version`` normalised (``fallback``, the date it
    was added, for objects without timestamps); the object itself is stored unchanged."""
    return normalise_timestamp(object_version(obj, fallback))


@overload
def object_tlp(obj: dict[str, Any], default: TLP) -> TLP: ...
@overload
def object_tlp(obj: dict[str, Any], default: None = None) -> TLP | None: ...
def object_tlp(obj: dict[str, Any], default: TLP | None = None) -> TLP | None:
    """The strictest TLP marking on ``obj``, else ``default`` (TLP definitions are public)."""
    if obj.get("type") == "marking-definition" and TLP.from_stix_id(str(obj.get("id", ""))):
        return TLP.CLEAR
    refs = obj.get("object_marking_refs") or []
    if not isinstance(refs, list):
        return default
    level = strictest(TLP.from_stix_id(r) for r in refs if isinstance(r, str))
    return level if level is not None else default


def not_unicode_path(obj: Any) -> str | None:
    """The path (``a.b[2]``) of a string in ``obj`` (or of the object holding a key) that
    UTF-8 cannot encode, or ``None`` when there is none. Why: JSON may escape lone
    surrogates, which ``json`` reads into strings that no UTF-8 store accepts (a bundle's
    import and a TAXII POST failed inside the database: found by mutating bundles)."""
    stack: list[tuple[str, Any]] = [("", obj)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                key = f"{path}.{k}" if path else str(k)
                if isinstance(k, str) and not _utf8(k):
                    return path or "(key)"
                stack.append((key, x))
        elif isinstance(v, list):
            stack.extend((f"{path}[{j}]", x) for j, x in enumerate(v))
        elif isinstance(v, str) and not _utf8(v):
            return path
    return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
