"""The case store's tables (SQLAlchemy 2 declarative models).

Why a store separate from the Findings: a Findings folder says what detection saw and is
replaced by the next run; a person's decision must outlive it. So the case store keeps, per
workspace, the runs registered, the *stable* groups (ids like ``G-7F3A2C``) with the
membership they had in each run, the lineage between runs (births, splits, merges, deaths)
and the decisions, which are append-only (database triggers refuse UPDATE and DELETE).

Every table is prefixed ``case_`` so that the store can share a PostgreSQL database with the
TAXII server and its audit log without a name clash. The schema is created and upgraded by
the Alembic migrations shipped in ``vigie/cases/migrations`` (never by ``create_all``), so an
older workspace is upgraded in place when it is opened.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

BIGID = BigInteger().with_variant(Integer, "sqlite")


class CaseBase(DeclarativeBase):
    """Declarative base of the case store (separate metadata from the TAXII store)."""


class RunRow(CaseBase):
    """One registered run of detection (a Findings folder)."""

    __tablename__ = "case_runs"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True, index=True)
    path: Mapped[str] = mapped_column(Text)  # relative to the workspace when inside it
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    dataset: Mapped[str | None] = mapped_column(Text, nullable=True)
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(200))
    n_groups: Mapped[int] = mapped_column(Integer)
    n_members: Mapped[int] = mapped_column(Integer)
    data_first: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    data_last: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class GroupRow(CaseBase):
    """One stable group identity, born in one run and matched in later ones."""

    __tablename__ = "case_groups"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    born_run: Mapped[str] = mapped_column(ForeignKey("case_runs.id"), index=True)
    last_run: Mapped[str] = mapped_column(ForeignKey("case_runs.id"), index=True)


class AppearanceRow(CaseBase):
    """A stable group as it appeared in one run (its local id there, size, score, evidence)."""

    __tablename__ = "case_appearances"

    run_id: Mapped[str] = mapped_column(ForeignKey("case_runs.id"), primary_key=True)
    local_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("case_groups.id"), index=True)
    n_members: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    n_posts: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    signals: Mapped[list] = mapped_column(JSON)
    techniques: Mapped[list] = mapped_column(JSON)
    objects: Mapped[list] = mapped_column(JSON)  # evidence objects (URLs, hashtags…), capped
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    match: Mapped[str] = mapped_column(String(20))  # born | matched
    jaccard: Mapped[float | None] = mapped_column(Float, nullable=True)  # with previous membership


class MemberRow(CaseBase):
    """One account in one stable group in one run."""

    __tablename__ = "case_members"

    run_id: Mapped[str] = mapped_column(ForeignKey("case_runs.id"), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("case_groups.id"), primary_key=True)
    account: Mapped[str] = mapped_column(String(400), primary_key=True)  # "platform:account_id"
    platform: Mapped[str | None] = mapped_column(String(60), nullable=True)
    account_id: Mapped[str] = mapped_column(String(300), index=True)


class LineageRow(CaseBase):
    """What happened to groups between the previous run and this one."""

    __tablename__ = "case_lineage"

    rowid: Mapped[int] = mapped_column(BIGID, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("case_runs.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))  # born | continued | split | merged | gone
    parent: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    child: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    overlap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    jaccard: Mapped[float | None] = mapped_column(Float, nullable=True)


class DecisionRow(CaseBase):
    """One decision by one person at one time; never updated, never deleted."""

    __tablename__ = "case_decisions"

    seq: Mapped[int] = mapped_column(BIGID, primary_key=True, autoincrement=True)
    target_kind: Mapped[str] = mapped_column(String(10), index=True)  # group | account | pair
    target: Mapped[str] = mapped_column(String(820), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(60), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    run_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    membership: Mapped[list | None] = mapped_column(JSON, nullable=True)  # groups: members then
