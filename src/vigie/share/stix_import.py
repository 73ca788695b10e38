"""Partners' STIX 2.1 bundles → a local store that remembers who sent what, when, marked how.

Why provenance: what an ally sends us stays theirs. Before we act on it or pass it on, we
must be able to say who sent each object, when, and under which TLP marking — the marking
binds *us* now. The store keeps one row per object version and one provenance row per
(object version, sender, reception); receiving the same object twice adds provenance, not a
copy.

Store: one SQLite file (stdlib ``sqlite3``, no server), default ``./vigie-share.sqlite`` or
``$VIGIE_STORE``. Tables:

- ``objects(id, modified, type, tlp, json, first_source, first_received)`` — primary key
  ``(id, modified)``: STIX versions an object by ``modified``; SCOs and marking-definitions,
  which have none, use ``created`` or ``""``. De-duplication is by id *and* version: the same
  id with a newer ``modified`` is a new version, the same id and version is a duplicate.
- ``provenance(object_id, modified, source, received_at, tlp, bundle_id, import_id)``.
- ``imports(import_id, bundle_id, source, received_at, sha256, tlp, n_objects, added,
  duplicates)`` — one row per imported bundle.

Marking of an object: the strictest TLP among its ``object_marking_refs`` (TLP 2.0 or 1.0 ids);
an unmarked object takes the strictest marking found in its bundle, or TLP:AMBER when the
bundle has none (unmarked partner data is not ours to spread).

Public API: ``BundleStore(path)`` with ``.import_bundle(bundle, source=…, received_at=None)``
→ ``ImportResult``, ``.objects(type=None, source=None, max_tlp=None)``, ``.get(id)`` (latest
version), ``.provenance(id)``, ``.imports()``, ``.close()``; ``load_bundle(path)`` reads and
validates a bundle file; ``object_tlp(obj, default)``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.errors import InputError, VigieError
from vigie.share.tlp import TLP, strictest

STORE_ENV = "VIGIE_STORE"
DEFAULT_STORE = "vigie-share.sqlite"
UNMARKED_DEFAULT = TLP.AMBER

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id TEXT NOT NULL, modified TEXT NOT NULL, type TEXT NOT NULL, tlp TEXT NOT NULL,
    json TEXT NOT NULL, first_source TEXT NOT NULL, first_received TEXT NOT NULL,
    PRIMARY KEY (id, modified));
CREATE TABLE IF NOT EXISTS provenance (
    object_id TEXT NOT NULL, modified TEXT NOT NULL, source TEXT NOT NULL,
    received_at TEXT NOT NULL, tlp TEXT NOT NULL, bundle_id TEXT, import_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS provenance_object ON provenance(object_id);
CREATE TABLE IF NOT EXISTS imports (
    import_id TEXT PRIMARY KEY, bundle_id TEXT, source TEXT NOT NULL, received_at TEXT NOT NULL,
    sha256 TEXT NOT NULL, tlp TEXT, n_objects INTEGER NOT NULL, added INTEGER NOT NULL,
    duplicates INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    import_id: str
    bundle_id: str | None
    source: str
    received_at: str
    n_objects: int
    added: int
    duplicates: int
    by_tlp: dict[str, int]


@dataclass(frozen=True)
class Provenance:
    source: str
    received_at: str
    tlp: TLP
    bundle_id: str | None
    modified: str


def default_store_path() -> Path:
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def object_tlp(obj: dict[str, Any], default: TLP) -> TLP:
    """The strictest TLP marking on ``obj``, else ``default`` (TLP definitions are public)."""
    if obj.get("type") == "marking-definition" and TLP.from_stix_id(obj.get("id", "")) is not None:
        return TLP.CLEAR
    level = strictest(TLP.from_stix_id(r) for r in obj.get("object_marking_refs") or [])
    return level if level is not None else default


def _version(obj: dict[str, Any]) -> str:
    return str(obj.get("modified") or obj.get("created") or "")


def load_bundle(path: str | Path, *, validate: bool = True) -> dict[str, Any]:
    """Read a bundle file; raise ``InputError`` naming the file if it is not valid STIX 2.1."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VigieError(f"{p}: not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON ({exc})", file=str(p)) from None
    check_bundle(data, source=str(p), validate=validate)
    return data


def check_bundle(data: Any, *, source: str, validate: bool = True) -> None:
    """Raise ``InputError`` unless ``data`` is a STIX bundle (and, if asked, validator-clean)."""
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise InputError('not a STIX bundle (no "type": "bundle")', file=source)
    objs = data.get("objects", [])
    if not isinstance(objs, list):
        raise InputError("expected a list", file=source, field="objects")
    for i, o in enumerate(objs):
        if not isinstance(o, dict) or not isinstance(o.get("id"), str) or "type" not in o:
            raise InputError("object without type or id", file=source, record=i)
    if validate:
        from vigie.share.stix_validate import validation_errors

        errors = validation_errors(data)
        if errors:
            more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
            raise InputError("not valid STIX 2.1: " + "; ".join(errors[:3]) + more, file=source)


class BundleStore:
    """The local store of partners' STIX objects, with provenance (see module docstring)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path)
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise VigieError(f"{self.path}: not a vigie store ({exc})") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> BundleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def import_bundle(
        self,
        bundle: dict[str, Any] | str | Path,
        *,
        source: str,
        received_at: datetime | None = None,
        validate: bool = True,
    ) -> ImportResult:
        """Store every object of ``bundle`` sent by ``source`` (a partner name), in one
        transaction: either the whole bundle is recorded or nothing is."""
        if isinstance(bundle, str | Path):
            data = load_bundle(bundle, validate=validate)
        else:
            check_bundle(bundle, source="<bundle>", validate=validate)
            data = bundle
        when = (received_at or datetime.now(UTC)).astimezone(UTC).isoformat()
        raw = json.dumps(data, sort_keys=True).encode("utf-8")
        objs: list[dict[str, Any]] = data.get("objects", [])
        bundle_tlp = strictest(
            object_tlp(o, TLP.CLEAR) if o.get("object_marking_refs") else None for o in objs
        )
        default = bundle_tlp if bundle_tlp is not None else UNMARKED_DEFAULT
        import_id = str(uuid.uuid4())
        added = duplicates = 0
        by_tlp: dict[str, int] = {}
        with self._db:
            for o in objs:
                level = object_tlp(o, default)
                by_tlp[level.label] = by_tlp.get(level.label, 0) + 1
                version = _version(o)
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO objects VALUES (?,?,?,?,?,?,?)",
                    (
                        o["id"],
                        version,
                        o["type"],
                        level.label,
                        json.dumps(o, sort_keys=True, ensure_ascii=False),
                        source,
                        when,
                    ),
                )
                if cur.rowcount:
                    added += 1
                else:
                    duplicates += 1
                self._db.execute(
                    "INSERT INTO provenance VALUES (?,?,?,?,?,?,?)",
                    (o["id"], version, source, when, level.label, data.get("id"), import_id),
                )
            self._db.execute(
                "INSERT INTO imports VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    import_id,
                    data.get("id"),
                    source,
                    when,
                    hashlib.sha256(raw).hexdigest(),
                    bundle_tlp.label if bundle_tlp else None,
                    len(objs),
                    added,
                    duplicates,
                ),
            )
        return ImportResult(
            import_id,
            data.get("id"),
            source,
            when,
            len(objs),
            added,
            duplicates,
            dict(sorted(by_tlp.items())),
        )

    def objects(
        self, type: str | None = None, source: str | None = None, max_tlp: TLP | None = None
    ) -> list[dict[str, Any]]:
        """Latest version of each stored object, optionally filtered by type, first sender
        and the highest marking wanted."""
        rows = self._db.execute(
            "SELECT json, tlp, first_source FROM objects o WHERE modified = "
            "(SELECT MAX(modified) FROM objects WHERE id = o.id) ORDER BY id"
        ).fetchall()
        out = []
        for js, tlp, first in rows:
            obj = json.loads(js)
            if type is not None and obj["type"] != type:
                continue
            if source is not None and first != source:
                continue
            if max_tlp is not None and TLP.parse(tlp) > max_tlp:
                continue
            out.append(obj)
        return out

    def get(self, object_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT json FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (object_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def provenance(self, object_id: str) -> list[Provenance]:
        rows = self._db.execute(
            "SELECT source, received_at, tlp, bundle_id, modified FROM provenance "
            "WHERE object_id = ? ORDER BY received_at, rowid",
            (object_id,),
        ).fetchall()
        return [Provenance(s, r, TLP.parse(t), b, m) for s, r, t, b, m in rows]

    def imports(self) -> list[dict[str, Any]]:
        cur = self._db.execute("SELECT * FROM imports ORDER BY received_at, rowid")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
