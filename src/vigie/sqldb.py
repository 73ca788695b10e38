"""One way to open the project's SQL databases (case store, TAXII store, audit log).

Why one function: the case store, the TAXII server and the web workbench all open SQLite by
default and PostgreSQL in server mode, and each needs the same care: connections usable across
a web server's threads, WAL so that readers proceed while one request writes, foreign keys on,
a single shared connection for an in-memory database, and an error that names the database
without its password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from vigie.errors import VigieError

MEMORY_URLS = ("sqlite://", "sqlite:///:memory:")


def redact_url(db_url: str) -> str:
    """The URL without its password (for messages and listings)."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:
        return db_url.split("@")[-1]


def db_error(exc: BaseException) -> str:
    """A database error in one line: the driver's own words, without SQLAlchemy's wrapper
    (``(psycopg.OperationalError)``), its ``[SQL: …]`` echo or its "Background on this
    error at" link, which told an analyst nothing they could act on."""
    import re

    text = str(getattr(exc, "orig", None) or exc)
    text = text.split("(Background on this error at:", 1)[0].split("[SQL:", 1)[0]
    text = re.sub(r"^\([\w.]+\)\s*", "", text.strip())
    return " ".join(text.split()) or type(exc).__name__


def make_engine(db_url: str, what: str = "database") -> Engine:
    """An engine for ``db_url`` (``what`` names it in errors: "case store", "database")."""
    try:
        if db_url.startswith("sqlite"):
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
            if db_url in MEMORY_URLS:
                kwargs["poolclass"] = StaticPool
            engine = create_engine(db_url, **kwargs)

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                if db_url not in MEMORY_URLS:
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.close()

            return engine
        return create_engine(db_url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise VigieError(
            f"cannot open {what} {redact_url(db_url)!r}: its driver is not installed "
            f"({exc.name}); for PostgreSQL: pip install 'psycopg[binary]' and use "
            "postgresql+psycopg://…"
        ) from exc
    except Exception as exc:  # a malformed URL
        raise VigieError(f"cannot open {what} {redact_url(db_url)!r}: {db_error(exc)}") from exc


class SessionScope:
    """What every store shares once its engine is open: transactional sessions and disposal.

    Subclasses set ``engine`` and ``_sessions`` (a ``sessionmaker``) in their ``__init__``."""

    engine: Engine
    _sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
