"""Where the TAXII server's state lives (kept for older imports).

The store is ``vigie.share.store.Store`` (one database for the TAXII tables, the audit log
and imported bundles); the tables are in ``vigie.share.taxii.tables``.
"""

from __future__ import annotations

from vigie.share.db import Base
from vigie.share.stix_common import as_utc, stix_time, utcnow
from vigie.share.store import Store, make_engine
from vigie.share.taxii.tables import Audience, Credential, StatusRecord, StoredIndex, StoredObject

__all__ = [
    "Audience",
    "Base",
    "Credential",
    "StatusRecord",
    "Store",
    "StoredIndex",
    "StoredObject",
    "as_utc",
    "make_engine",
    "stix_time",
    "utcnow",
]
