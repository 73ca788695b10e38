"""The one database layer of ``vigie.share``: the declarative base every table joins.

Why a module of its own: the TAXII tables (``taxii.tables``), the audit log (``audit``) and
the partners' imported bundles (``import_tables``) live in one database opened by one
``Store`` (``vigie.share.store``, over ``vigie.sqldb``); keeping the base here lets each table
module import it without importing the store or each other.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every table of the sharing database."""
