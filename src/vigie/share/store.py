"""The one store of ``vigie.share``: a SQL database for everything shared and received.

Why one: what partners send us (TAXII uploads and bundle files given to ``vigie share
import``), what we publish to them and the audit log of who received what are the records an
auditor asks for together. One ``Store`` opens them all in one database through
``vigie.sqldb`` (SQLite by default: one file to back up, copy to an auditor and inspect;
PostgreSQL by pointing the URL at it, nothing else changes), creates the tables of
``taxii.tables``, ``import_tables`` and ``audit``, and installs the triggers that keep the
audit log append-only.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from vigie import sqldb
from vigie.errors import VigieError
from vigie.share import audit, import_tables
from vigie.share.db import Base
from vigie.share.taxii import tables

TABLE_MODULES = (tables, import_tables, audit)
"""Modules whose tables the store creates (imported here so that they join ``Base``)."""


def make_engine(db_url: str) -> Engine:
    """An engine for the sharing database (see ``vigie.sqldb``: SQLite across threads, WAL,
    one shared connection for an in-memory URL)."""
    return sqldb.make_engine(db_url, "database")


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{Path(path)}"


class Store(sqldb.SessionScope):
    """The sharing database: engine, transactional sessions and schema creation."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.engine = make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            Base.metadata.create_all(self.engine)
            audit.install_guards(self.engine)
        except Exception as exc:
            self.engine.dispose()
            raise VigieError(
                f"cannot initialise database {sqldb.redact_url(db_url)!r}: {sqldb.db_error(exc)}"
            ) from exc
