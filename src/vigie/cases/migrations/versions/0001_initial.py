"""The first case store: runs, stable groups, appearances, members, lineage, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)

_SQLITE_GUARDS = [
    "CREATE TRIGGER case_decisions_no_update BEFORE UPDATE ON case_decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
    "CREATE TRIGGER case_decisions_no_delete BEFORE DELETE ON case_decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
]
_PG_GUARDS = [
    "CREATE OR REPLACE FUNCTION vigie_case_decisions_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'decisions are append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER case_decisions_append_only BEFORE UPDATE OR DELETE ON case_decisions "
    "FOR EACH ROW EXECUTE FUNCTION vigie_case_decisions_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "case_runs",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("dataset", sa.Text(), nullable=True),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("registered_at", TS, nullable=False),
        sa.Column("registered_by", sa.String(200), nullable=False),
        sa.Column("n_groups", sa.Integer(), nullable=False),
        sa.Column("n_members", sa.Integer(), nullable=False),
        sa.Column("data_first", TS, nullable=True),
        sa.Column("data_last", TS, nullable=True),
    )
    op.create_index("ix_case_runs_seq", "case_runs", ["seq"], unique=True)
    op.create_index("ix_case_runs_fingerprint", "case_runs", ["fingerprint"])
    op.create_table(
        "case_groups",
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("born_run", sa.String(80), sa.ForeignKey("case_runs.id"), nullable=False),
        sa.Column("last_run", sa.String(80), sa.ForeignKey("case_runs.id"), nullable=False),
    )
    op.create_index("ix_case_groups_born_run", "case_groups", ["born_run"])
    op.create_index("ix_case_groups_last_run", "case_groups", ["last_run"])
    op.create_table(
        "case_appearances",
        sa.Column("run_id", sa.String(80), sa.ForeignKey("case_runs.id"), primary_key=True),
        sa.Column("local_id", sa.String(200), primary_key=True),
        sa.Column("group_id", sa.String(20), sa.ForeignKey("case_groups.id"), nullable=False),
        sa.Column("n_members", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("n_posts", sa.BigInteger(), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("techniques", sa.JSON(), nullable=False),
        sa.Column("objects", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("match", sa.String(20), nullable=False),
        sa.Column("jaccard", sa.Float(), nullable=True),
    )
    op.create_index("ix_case_appearances_group_id", "case_appearances", ["group_id"])
    op.create_table(
        "case_members",
        sa.Column("run_id", sa.String(80), sa.ForeignKey("case_runs.id"), primary_key=True),
        sa.Column("group_id", sa.String(20), sa.ForeignKey("case_groups.id"), primary_key=True),
        sa.Column("account", sa.String(400), primary_key=True),
        sa.Column("platform", sa.String(60), nullable=True),
        sa.Column("account_id", sa.String(300), nullable=False),
    )
    op.create_index("ix_case_members_account_id", "case_members", ["account_id"])
    op.create_table(
        "case_lineage",
        sa.Column("rowid", BIGID, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(80), sa.ForeignKey("case_runs.id"), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("parent", sa.String(20), nullable=True),
        sa.Column("child", sa.String(20), nullable=True),
        sa.Column("overlap", sa.Integer(), nullable=True),
        sa.Column("jaccard", sa.Float(), nullable=True),
    )
    op.create_index("ix_case_lineage_run_id", "case_lineage", ["run_id"])
    op.create_index("ix_case_lineage_parent", "case_lineage", ["parent"])
    op.create_index("ix_case_lineage_child", "case_lineage", ["child"])
    op.create_table(
        "case_decisions",
        sa.Column("seq", BIGID, primary_key=True, autoincrement=True),
        sa.Column("target_kind", sa.String(10), nullable=False),
        sa.Column("target", sa.String(820), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("run_id", sa.String(80), nullable=True),
        sa.Column("membership", sa.JSON(), nullable=True),
    )
    op.create_index("ix_case_decisions_target_kind", "case_decisions", ["target_kind"])
    op.create_index("ix_case_decisions_target", "case_decisions", ["target"])
    op.create_index("ix_case_decisions_decided_at", "case_decisions", ["decided_at"])
    guards = {"sqlite": _SQLITE_GUARDS, "postgresql": _PG_GUARDS}.get(op.get_bind().dialect.name)
    for stmt in guards or []:
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS vigie_case_decisions_append_only() CASCADE")
    for table in (
        "case_decisions",
        "case_lineage",
        "case_members",
        "case_appearances",
        "case_groups",
        "case_runs",
    ):
        op.drop_table(table)
