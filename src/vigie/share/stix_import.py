"""Partners' STIX 2.1 bundles → a local store that remembers who sent what, when, marked how.

Why provenance: what an ally sends us stays theirs. Before we act on it or pass it on, we
must be able to say who sent each object, when, and under which TLP marking — the marking
binds *us* now. The store keeps one row per object version and one provenance row per
(object version, sender, reception); receiving the same object twice adds provenance, not a
copy.

Store: the one sharing store (``vigie.share.store.Store``, tables in ``import_tables``): an
SQLite file, default ``./vigie-share.sqlite`` or ``$VIGIE_STORE`` (it may be the TAXII
server's database file), or any database URL (``BundleStore(db_url=…)``). Tables:

- ``objects(id, modified, type, tlp, json, first_source, first_received)`` — primary key
  ``(id, modified)``: STIX versions an object by ``modified``; SCOs and marking-definitions,
  which have none, use ``created`` or ``""``. De-duplication is by id *and* version: the same
  id with a newer ``modified`` is a new version, the same id and version is a duplicate.
- ``provenance(object_id, modified, source, received_at, tlp, bundle_id, import_id)``.
- ``imports(import_id, bundle_id, source, received_at, sha256, tlp, n_objects, added,
  duplicates)`` — one row per imported bundle.
- ``pull_bookmarks(url, source, added_last, pulled_at)`` — where the last pull of a partner's
  TAXII collection stopped (``vigie share pull`` asks only what was added after it).

Marking of an object: the strictest TLP among its ``object_marking_refs`` (TLP 2.0 or 1.0 ids);
an unmarked object takes the strictest marking found in its bundle, or TLP:AMBER when the
bundle has none (unmarked partner data is not ours to spread); an object whose markings are
none of TLP's (a partner's statement marking, PAP) takes the same, and never less than AMBER:
such a marking was read as TLP:CLEAR before.

Public API: ``BundleStore(path)`` with ``.import_bundle(bundle, source=…, received_at=None)``
→ ``ImportResult``, ``.objects(type=None, source=None, max_tlp=None)``, ``.get(id)`` (latest
version), ``.provenance(id)``, ``.imports()``, ``.bookmark(url, source)``, ``.close()``;
``load_bundle(path)`` reads and validates a bundle file; ``object_tlp(obj, default)`` (from
``stix_common``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, literal_column, select

from vigie.errors import InputError, MissingExtraError, VigieError
from vigie.json_guard import UNREADABLE, why
from vigie.share.import_tables import (
    ImportedObject,
    ImportProvenance,
    ImportRecord,
    PullBookmark,
)
from vigie.share.stix_common import not_unicode_path, object_tlp, object_version
from vigie.share.store import Store, sqlite_url
from vigie.share.tlp import TLP, strictest

STORE_ENV = "VIGIE_STORE"
DEFAULT_STORE = "vigie-share.sqlite"
UNMARKED_DEFAULT = TLP.AMBER


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


def load_bundle(path: str | Path, *, validate: bool = True) -> dict[str, Any]:
    """Read a bundle file; raise ``InputError`` naming the file if it is not valid STIX 2.1.

    A MISP event (what a MISP instance exports, or a partner's script writes with PyMISP) is
    converted to its STIX 2.1 bundle first (``misp_bundle``)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VigieError(f"{p}: not found") from None
    except UNREADABLE as exc:  # JSONDecodeError, UnicodeDecodeError, a too long integer, depth
        raise InputError(f"not valid JSON ({why(exc)})", file=str(p)) from None
    if is_misp_event(data):
        data = misp_bundle(data, source=str(p))
    elif is_taxii_envelope(data):
        data = as_bundle(data["objects"])
    check_bundle(data, source=str(p), validate=validate)
    return data


def as_bundle(objects: list[Any]) -> dict[str, Any]:
    """Objects received without a bundle (a TAXII envelope, a pull's pages) as one."""
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


def is_taxii_envelope(data: Any) -> bool:
    """A TAXII 2.1 envelope (a collection's ``objects`` answer saved to a file, ``curl … >
    page.json``): its objects with ``more``/``next``, and no ``type`` of a bundle's."""
    return (
        isinstance(data, dict)
        and "type" not in data
        and isinstance(data.get("objects"), list)
        and set(data) <= {"objects", "more", "next"}
    )


def is_misp_event(data: Any) -> bool:
    """A MISP event: ``{"Event": {...}}`` as MISP exports it, the bare event object, or the
    events a MISP search answers (``{"response": [{"Event": {...}}, ...]}``)."""
    if isinstance(data, dict) and isinstance(data.get("response"), list) and data["response"]:
        return all(is_misp_event(e) for e in data["response"])
    return isinstance(data, dict) and (
        isinstance(data.get("Event"), dict) or {"uuid", "info", "Attribute"} <= data.keys()
    )


def misp_bundle(event: dict[str, Any], *, source: str) -> dict[str, Any]:
    """The STIX 2.1 bundle of a MISP event, as the MISP project's own converter (misp-stix,
    the one MISP's "export as STIX 2.1" runs) writes it.

    Why convert rather than refuse: many CERTs and platforms share through MISP, and the
    refusal asked an analyst to go back to a partner for another file. The tags become
    markings (``tlp:amber`` the TLP:AMBER marking-definition), attributes and objects become
    indicators, observables or MISP's own ``x-misp-`` objects, and the bundle is then stored
    like any other, with its provenance."""
    try:
        from misp_stix_converter import MISPtoSTIX21Parser
    except ModuleNotFoundError:
        raise MissingExtraError("misp_stix", "share", "MISP events") from None
    parser = MISPtoSTIX21Parser()
    events = event["response"] if isinstance(event.get("response"), list) else [event]
    dated = [
        {"Event": _dated(e["Event"] if isinstance(e.get("Event"), dict) else e)} for e in events
    ]
    wrapped = dated[0] if len(dated) == 1 else {"response": dated}
    try:
        parser.parse_json_content(wrapped)
        return json.loads(parser.bundle.serialize())
    except Exception as exc:  # noqa: BLE001 - a converter's failure on one partner's file
        raise InputError(
            f"a MISP event that misp-stix cannot convert to STIX 2.1 ({type(exc).__name__}: "
            f"{str(exc)[:200]})",
            file=source,
        ) from None


def _dated(event: dict[str, Any]) -> dict[str, Any]:
    """``event`` (a copy) whose event, attributes and objects each carry a ``timestamp``.

    Why: misp-stix dates a STIX object by its MISP timestamp, and by the clock where there
    is none (an event a script wrote, not a MISP instance): each import of the same event then
    made new versions of every object, and the store kept them all. The event's own time
    (``timestamp``, else ``publish_timestamp``, else its ``date`` at 00:00 UTC) stands in for
    the missing ones, so the same event converts to the same bundle."""
    event = copy.deepcopy(event)
    stamp = event.get("timestamp") or event.get("publish_timestamp")
    if not stamp:
        try:
            day = datetime.strptime(str(event.get("date", ""))[:10], "%Y-%m-%d")
        except ValueError:
            day = datetime(1970, 1, 1)
        stamp = str(int(day.replace(tzinfo=UTC).timestamp()))
    event.setdefault("timestamp", stamp)
    objects = [o for o in event.get("Object") or [] if isinstance(o, dict)]
    for item in [*(event.get("Attribute") or []), *objects]:
        if isinstance(item, dict):
            item.setdefault("timestamp", stamp)
    for obj in objects:
        for attr in obj.get("Attribute") or []:
            if isinstance(attr, dict):
                attr.setdefault("timestamp", stamp)
    return event


def _what_else(data: Any) -> str:
    """What a JSON document that is no bundle is, when it is a sharing format partners
    send instead: the refusal then says what to ask for."""
    if isinstance(data, dict) and isinstance(data.get("type"), str) and "spec_version" in data:
        return f": it is one STIX object ({data['type'][:40]}), not a bundle of them"
    if isinstance(data, list):
        return ': it is a JSON list; a bundle is an object with "type": "bundle"'
    return ""


def check_bundle(data: Any, *, source: str, validate: bool = True) -> None:
    """Raise ``InputError`` unless ``data`` is a STIX bundle (and, if asked, validator-clean)."""
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise InputError('not a STIX bundle (no "type": "bundle")' + _what_else(data), file=source)
    objs = data.get("objects", [])
    if not isinstance(objs, list):
        raise InputError("expected a list", file=source, field="objects")
    for i, o in enumerate(objs):
        if not isinstance(o, dict) or not isinstance(o.get("id"), str) or "type" not in o:
            raise InputError("object without type or id", file=source, record=i)
        bad = not_unicode_path(o)
        if bad is not None:
            raise InputError(
                "text that is not Unicode (a lone surrogate, JSON's \\ud800...): the store "
                "keeps objects as UTF-8 text",
                file=source,
                record=i,
                field=bad,
            )
    if validate:
        from vigie.share.stix_validate import validation_errors

        errors = validation_errors(data)
        if errors:
            more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
            raise InputError("not valid STIX 2.1: " + "; ".join(errors[:3]) + more, file=source)


class BundleStore:
    """The partners' objects received as files, with provenance (see module docstring).

    A view on the one sharing ``Store`` (``vigie.share.store``): ``path`` is an SQLite file
    (the TAXII server's database may be the same file), ``db_url`` any database URL."""

    def __init__(self, path: str | Path | None = None, *, db_url: str | None = None) -> None:
        if db_url is None:
            self.path: Path | None = Path(path) if path is not None else default_store_path()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db_url = sqlite_url(self.path)
        else:
            self.path = None
        try:
            self.store = Store(db_url)
        except VigieError as exc:
            raise VigieError(f"{self.path or db_url}: not a vigie store ({exc})") from None
        self._sqlite = self.store.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.store.dispose()

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
        pulled: tuple[str, str] | None = None,
    ) -> ImportResult:
        """Store every object of ``bundle`` sent by ``source`` (a partner name), in one
        transaction: either the whole bundle is recorded or nothing is. ``pulled``: the
        bundle is what a pull of the collection at ``pulled[0]`` read, whose newest object was
        added at ``pulled[1]`` (the server's ``X-TAXII-Date-Added-Last``): that collection's
        bookmark moves there in the same transaction."""
        if isinstance(bundle, str | Path):
            data = load_bundle(bundle, validate=validate)
        else:
            if is_misp_event(bundle):
                bundle = misp_bundle(bundle, source="<bundle>")
            check_bundle(bundle, source="<bundle>", validate=validate)
            data = bundle
        when = (received_at or datetime.now(UTC)).astimezone(UTC).isoformat()
        raw = json.dumps(data, sort_keys=True).encode("utf-8")
        objs: list[dict[str, Any]] = data.get("objects", [])
        # the strictest TLP marking on the bundle's objects (markings that are no TLP say
        # nothing here, and the TLP marking-definitions, public, mark nothing themselves)
        bundle_tlp = strictest(
            object_tlp(o) for o in objs if o.get("object_marking_refs") is not None
        )
        default = bundle_tlp if bundle_tlp is not None else UNMARKED_DEFAULT
        # an object marked only by markings we do not know (a partner's own statement, PAP, a
        # TLP under another id) may bind us more than we can tell: never less than AMBER
        unknown = strictest([default, UNMARKED_DEFAULT]) or UNMARKED_DEFAULT
        import_id = str(uuid.uuid4())
        added = duplicates = 0
        by_tlp: dict[str, int] = {}
        with self.store.session() as sess:
            for o in objs:
                level = object_tlp(o, unknown if o.get("object_marking_refs") else default)
                by_tlp[level.label] = by_tlp.get(level.label, 0) + 1
                version = object_version(o)
                if sess.get(ImportedObject, (o["id"], version)) is None:
                    sess.add(
                        ImportedObject(
                            id=o["id"],
                            modified=version,
                            type=o["type"],
                            tlp=level.label,
                            json=json.dumps(o, sort_keys=True, ensure_ascii=False),
                            first_source=source,
                            first_received=when,
                        )
                    )
                    sess.flush()  # a bundle repeating an object stores it once
                    added += 1
                else:
                    duplicates += 1
                sess.add(
                    ImportProvenance(
                        object_id=o["id"],
                        modified=version,
                        source=source,
                        received_at=when,
                        tlp=level.label,
                        bundle_id=data.get("id"),
                        import_id=import_id,
                    )
                )
            sess.add(
                ImportRecord(
                    import_id=import_id,
                    bundle_id=data.get("id"),
                    source=source,
                    received_at=when,
                    sha256=hashlib.sha256(raw).hexdigest(),
                    tlp=bundle_tlp.label if bundle_tlp else None,
                    n_objects=len(objs),
                    added=added,
                    duplicates=duplicates,
                )
            )
            if pulled is not None:
                url, added_last = pulled
                sess.merge(
                    PullBookmark(url=url, source=source, added_last=added_last, pulled_at=when)
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
        latest = (
            select(ImportedObject.id, func.max(ImportedObject.modified).label("modified"))
            .group_by(ImportedObject.id)
            .subquery()
        )
        q = (
            select(ImportedObject.json, ImportedObject.tlp, ImportedObject.first_source)
            .join(
                latest,
                (ImportedObject.id == latest.c.id) & (ImportedObject.modified == latest.c.modified),
            )
            .order_by(ImportedObject.id)
        )
        with self.store.session() as sess:
            rows = sess.execute(q).all()
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
        q = (
            select(ImportedObject.json)
            .where(ImportedObject.id == object_id)
            .order_by(ImportedObject.modified.desc())
            .limit(1)
        )
        with self.store.session() as sess:
            js = sess.scalar(q)
        return json.loads(js) if js is not None else None

    def provenance(self, object_id: str) -> list[Provenance]:
        q = (
            select(ImportProvenance)
            .where(ImportProvenance.object_id == object_id)
            .order_by(ImportProvenance.received_at, ImportProvenance.rowid)
        )
        with self.store.session() as sess:
            rows = sess.scalars(q).all()
        return [
            Provenance(r.source, r.received_at, TLP.parse(r.tlp), r.bundle_id, r.modified)
            for r in rows
        ]

    def bookmark(self, url: str, source: str) -> str | None:
        """The ``added_after`` the next pull of ``source``'s collection at ``url`` asks for:
        the newest object the last pull read, as the server dated it (None: never pulled, or
        the server dated nothing)."""
        with self.store.session() as sess:
            row = sess.get(PullBookmark, (url, source))
        return row.added_last if row is not None else None

    def imports(self) -> list[dict[str, Any]]:
        # arrival order among imports received at the same instant: SQLite's rowid
        tiebreak = [literal_column("imports.rowid")] if self._sqlite else []
        q = select(ImportRecord).order_by(ImportRecord.received_at, *tiebreak)
        cols = [c.name for c in ImportRecord.__table__.columns]
        with self.store.session() as sess:
            rows = sess.scalars(q).all()
        return [{c: getattr(r, c) for c in cols} for r in rows]
