"""Engine, sessions and migrations of one case store (SQLite file or PostgreSQL URL).

Why migrations on open: a workspace outlives vigie versions; opening an older one with a
newer vigie upgrades its schema in place (Alembic, scripts shipped in the package), and an
empty database is brought to the latest revision the same way — there is no other path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from vigie import sqldb
from vigie.errors import VigieError


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written in UTC, so say so."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(db_url: str) -> Engine:
    """An engine for the case store (see ``vigie.sqldb``)."""
    return sqldb.make_engine(db_url, "case store")


redact_url = sqldb.redact_url


def migrate(engine: Engine) -> str:
    """Upgrade the store to the latest revision; returns the revision now in place."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option(
        "script_location", str(resources.files("vigie.cases").joinpath("migrations"))
    )
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except VigieError:
        raise
    except Exception as exc:
        raise VigieError(
            f"cannot prepare case store {redact_url(str(engine.url))!r}: {sqldb.db_error(exc)}"
        ) from exc
    return current_revision(engine) or "base"


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the store is at (None for an empty database)."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "case_alembic_version"})
        return ctx.get_current_revision()


class CaseStore(sqldb.SessionScope):
    """One database: engine, sessions; migrated to the latest schema when opened."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.engine = make_engine(db_url)
        self.revision = migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
