"""The TAXII server's tables: partner credentials, STIX objects, audiences, status records.

What is stored for each object (provenance): the collection it was added to, the partner who
added it, when (``date_added``, microseconds UTC, the TAXII ordering key), its TLP marking as
read at intake, the policy form it was prepared for (``None`` for partners' objects, which are
redacted when served), and the object itself as canonical JSON. Credentials hold only an
argon2 hash. The database is opened by ``vigie.share.store.Store``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from vigie.share.db import Base

POSTER_ONLY = "poster"
"""``form`` of an object stored for its poster alone: its id collided with an object the
poster may not see, and telling it so would reveal that the hidden object exists."""


class Credential(Base):
    """A partner's TAXII credential: the argon2 hash only, never the password."""

    __tablename__ = "taxii_credentials"

    partner: Mapped[str] = mapped_column(String(200), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoredObject(Base):
    """One version of one STIX object in one collection, with its provenance."""

    __tablename__ = "taxii_objects"
    __table_args__ = (UniqueConstraint("collection_id", "stix_id", "version", "form"),)

    rowid: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    collection_id: Mapped[str] = mapped_column(String(100), index=True)
    stix_id: Mapped[str] = mapped_column(String(200), index=True)
    stix_type: Mapped[str] = mapped_column(String(100), index=True)
    spec_version: Mapped[str] = mapped_column(String(10))
    version: Mapped[str] = mapped_column(String(40))  # STIX timestamp string (sortable)
    date_added: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    added_by: Mapped[str] = mapped_column(String(200))
    marking: Mapped[str | None] = mapped_column(String(40), nullable=True)  # TLP key or None
    # None: one object for every reader (redacted on the fly); else the variant published
    # for readers of that policy form (full / redacted / hashed), see taxii.publish
    form: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    body: Mapped[str] = mapped_column(Text)

    def stix(self) -> dict[str, Any]:
        return json.loads(self.body)


class Audience(Base):
    """The named people a TLP:RED object was addressed to (``partner/recipient``, case-folded).

    A RED object with audience rows is served only to those people's own credentials; one
    without (a partner's RED object) goes to every named recipient the policy allows.
    """

    __tablename__ = "taxii_audience"

    obj_rowid: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    recipient: Mapped[str] = mapped_column(String(400), primary_key=True)


class StatusRecord(Base):
    """A TAXII status resource: the outcome of one POST of objects, visible to its poster."""

    __tablename__ = "taxii_status"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner: Mapped[str] = mapped_column(String(200), index=True)
    api_root: Mapped[str] = mapped_column(String(100))
    collection_id: Mapped[str] = mapped_column(String(100))
    request_timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class StoredIndex:
    """Which of a batch's objects are already stored in a collection (one query per batch).

    "Already stored" means the same id, version and form; objects without
    ``modified``/``created`` (cyber-observables) carry no version of their own, so for them it
    means the same id and form with the same content. ``add`` records what the batch itself
    adds, so a batch that repeats an object stores it once.
    """

    def __init__(self, session: Session, collection_id: str, ids: list[str]) -> None:
        self._keys: set[tuple[str, str, str | None]] = set()
        self._bodies: set[tuple[str, str | None, str]] = set()
        self.owners: dict[str, str] = {}  # stix id -> who added its first version
        unique = sorted(set(ids))
        for k in range(0, len(unique), 500):
            q = (
                select(
                    StoredObject.stix_id,
                    StoredObject.version,
                    StoredObject.form,
                    StoredObject.body,
                    StoredObject.added_by,
                )
                .where(
                    StoredObject.collection_id == collection_id,
                    StoredObject.stix_id.in_(unique[k : k + 500]),
                )
                .order_by(StoredObject.rowid)
            )
            for sid, version, form, body, added_by in session.execute(q):
                self._keys.add((sid, version, form))
                self._bodies.add((sid, form, body))
                self.owners.setdefault(sid, added_by)

    @staticmethod
    def canonical(obj: dict[str, Any]) -> str:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True)

    def contains(self, obj: dict[str, Any], version: str, form: str | None) -> bool:
        if obj.get("modified") or obj.get("created"):
            return (obj["id"], version, form) in self._keys
        return (obj["id"], form, self.canonical(obj)) in self._bodies

    def add(self, obj: dict[str, Any], version: str, form: str | None, added_by: str = "") -> None:
        self._keys.add((obj["id"], version, form))
        self.owners.setdefault(obj["id"], added_by)
        self._bodies.add((obj["id"], form, self.canonical(obj)))
