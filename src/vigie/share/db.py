"""The one database layer of ``vigie.share``: the declarative base and UTC time helpers.

Why a module of its own: the TAXII tables (``taxii.store``) and the audit log (``audit``)
share one database and one ``Base``; keeping the base here lets each import it without
importing the other (they used to import each other).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by the TAXII tables and the audit log."""


def utcnow() -> datetime:
    """Now, in UTC (microsecond resolution, the TAXII timestamp resolution we keep)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes: they were written as UTC, so say so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stix_time(value: datetime) -> str:
    """A STIX/TAXII timestamp string with microseconds: ``2026-11-23T02:40:00.123456Z``."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
