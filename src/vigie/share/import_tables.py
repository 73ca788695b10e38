"""The tables of partners' bundles received as files (``vigie share import``).

One row per object version (``objects``), one provenance row per (object version, sender,
reception) (``provenance``) and one row per imported bundle (``imports``). The table and
column names are those the store had when it was written with the standard ``sqlite3``
module, so a store file made by an older vigie opens unchanged. Timestamps are kept as the
ISO text they were received with, and the marking as its label (``TLP:AMBER``).
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from vigie.share.db import Base


class ImportedObject(Base):
    """One version of one object (STIX versions an object by ``modified``; SCOs and TLP
    definitions, which have none, by ``created`` or ``""``)."""

    __tablename__ = "objects"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    modified: Mapped[str] = mapped_column(Text, primary_key=True)
    type: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(Text)
    json: Mapped[str] = mapped_column(Text)
    first_source: Mapped[str] = mapped_column(Text)
    first_received: Mapped[str] = mapped_column(Text)


class ImportProvenance(Base):
    """Who sent one object version, when, under which marking, in which bundle."""

    __tablename__ = "provenance"
    __table_args__ = (Index("provenance_object", "object_id"),)

    # the historical table has no key of its own: SQLite's rowid is its order of arrival
    rowid: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    object_id: Mapped[str] = mapped_column(Text)
    modified: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(Text)
    bundle_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    import_id: Mapped[str] = mapped_column(Text)


class ImportRecord(Base):
    """One imported bundle: its checksum, marking and what it added."""

    __tablename__ = "imports"

    import_id: Mapped[str] = mapped_column(Text, primary_key=True)
    bundle_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str | None] = mapped_column(Text, nullable=True)
    n_objects: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)


class PullBookmark(Base):
    """Where the last ``vigie share pull`` of one partner's collection stopped: the
    ``X-TAXII-Date-Added-Last`` of the newest object it read (the server's own clock, so no
    skew between the two machines), asked again as ``added_after`` by the next pull. Saved in
    the transaction that stores what the pull read: a pull that fails moves no bookmark."""

    __tablename__ = "pull_bookmarks"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    source: Mapped[str] = mapped_column(Text, primary_key=True)
    added_last: Mapped[str] = mapped_column(Text)
    pulled_at: Mapped[str] = mapped_column(Text)
