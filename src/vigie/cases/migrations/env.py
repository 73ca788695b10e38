"""Alembic environment: run the case store's migrations on the connection vigie hands over.

Why no ``alembic.ini``: migrations run inside ``Workspace.open`` (and ``vigie init``), never
from the ``alembic`` command, so the connection comes from ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from vigie.cases.models import CaseBase

VERSION_TABLE = "case_alembic_version"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=CaseBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
