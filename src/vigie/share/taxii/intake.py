"""Objects a partner adds (``POST …/objects/``): validated, checked against the intake
policy, stored and audited, in one transaction.

The intake policy, object by object: an object signed with our own identity
(``created_by_ref``) or posing as our producer's identity is refused; one marked above the
collection's ``max_tlp`` is refused; a new version of an object another partner added is
refused when the poster may see that object, and otherwise kept for the poster alone (saying
"taken" would reveal that a hidden object exists). Unmarked objects take the collection's
intake marking. The envelope is parsed in a worker thread (``views.objects``) so that a large
upload never stalls other partners' reads.
"""

from __future__ import annotations

import uuid
from typing import Any

from vigie.share.audit import AuditEntry
from vigie.share.stix_common import object_tlp, stix_time, taxii_version, utcnow
from vigie.share.taxii import access, queries
from vigie.share.taxii.access import Caller
from vigie.share.taxii.config import CollectionConfig
from vigie.share.taxii.media import TaxiiError
from vigie.share.taxii.state import ServerState
from vigie.share.taxii.tables import POSTER_ONLY, StatusRecord, StoredIndex, StoredObject
from vigie.share.taxii.validate import load_json_body, validate_objects
from vigie.share.tlp import TLP


def add_envelope(
    s: ServerState, caller: Caller, root: str, cid: str, coll: CollectionConfig, raw: bytes
) -> dict[str, Any]:
    """Parse, validate and store a POSTed envelope; the TAXII status resource (422 when any
    object is invalid: then nothing is added)."""
    envelope = load_json_body(raw)
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(
            400,
            "Bad Request",
            'body must be a TAXII envelope: {"objects": [ ...STIX 2.1 objects... ]}',
        )
    objects = envelope["objects"]
    problems = validate_objects(objects)
    if problems:
        s.audit.append(
            caller.user,
            "bundle.refused",
            collection=cid,
            detail={"objects": len(objects), "problems": problems[:50]},
        )
        shown = problems[:20]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise TaxiiError(
            422,
            "Unprocessable Entity",
            f"{len(problems)} problem(s) in the envelope, nothing was added: "
            + "; ".join(shown)
            + more,
            details={"problems": problems},
        )
    return store_objects(s, caller, root, cid, coll, objects)


def store_objects(
    s: ServerState, caller: Caller, root: str, cid: str, coll: CollectionConfig, objects: list[Any]
) -> dict[str, Any]:
    """Store valid objects one by one under the intake policy; the status resource."""
    status_id = str(uuid.uuid4())
    now = utcnow()
    successes, failures = [], []
    audit_rows = []
    with s.store.session() as sess:
        index = StoredIndex(sess, cid, [o["id"] for o in objects])
        ours = queries.our_identities(sess, s.registry.producer)
        foreign = [
            o["id"]
            for o in objects
            if index.owners.get(o["id"]) is not None
            and not access.same_partner(index.owners[o["id"]], caller)
        ]
        readable = queries.readable_ids(sess, caller, cid, coll, foreign)
        for obj in objects:
            oid = obj["id"]
            version = taxii_version(obj, stix_time(now))
            tlp = object_tlp(obj) or coll.intake_tlp
            forged = impersonates(obj, ours, s.registry.producer.name)
            if forged:
                failures.append({"id": oid, "version": version, "message": forged})
                audit_rows.append(("object.refused", oid, tlp, {"version": version, "why": forged}))
                continue
            if tlp > coll.max_tlp:
                msg = f"marked {tlp.label}, above this collection's limit {coll.max_tlp.label}"
                failures.append({"id": oid, "version": version, "message": msg})
                audit_rows.append(("object.refused", oid, tlp, {"version": version, "why": msg}))
                continue
            owner = index.owners.get(oid)
            form: str | None = None
            if owner is not None and not access.same_partner(owner, caller):
                if obj["type"] == "marking-definition" and object_tlp(obj) is TLP.CLEAR:
                    successes.append({"id": oid, "version": version})  # shared TLP ids
                    continue
                if oid in readable:
                    msg = "this id belongs to an object another partner added; new "
                    msg += "versions of it may come only from that partner"
                    failures.append({"id": oid, "version": version, "message": msg})
                    audit_rows.append(
                        ("object.refused", oid, tlp, {"version": version, "why": msg})
                    )
                    continue
                # the id is taken by an object this partner may not see: saying so would
                # reveal it exists. Keep the partner's object for the partner alone.
                form = POSTER_ONLY
                audit_rows.append(
                    (
                        "object.isolated",
                        oid,
                        tlp,
                        {"version": version, "why": "id of an object hidden from the poster"},
                    )
                )
            duplicate = index.contains(obj, version, form)
            if not duplicate:
                index.add(obj, version, form, caller.user)
                sess.add(
                    StoredObject(
                        collection_id=cid,
                        stix_id=oid,
                        stix_type=obj["type"],
                        spec_version=obj.get("spec_version", "2.1"),
                        version=version,
                        date_added=now,
                        added_by=caller.user,
                        marking=tlp.key,
                        form=form,
                        body=StoredIndex.canonical(obj),
                    )
                )
            successes.append({"id": oid, "version": version})
            audit_rows.append(
                (
                    "object.received",
                    oid,
                    tlp,
                    {"version": version, "duplicate": duplicate, "status": status_id},
                )
            )
        status = {
            "id": status_id,
            "status": "complete",
            "request_timestamp": stix_time(now),
            "total_count": len(objects),
            "success_count": len(successes),
            "successes": successes,
            "failure_count": len(failures),
            "failures": failures,
            "pending_count": 0,
            "pendings": [],
        }
        sess.add(
            StatusRecord(
                id=status_id,
                partner=caller.user,
                api_root=root,
                collection_id=cid,
                request_timestamp=now,
                detail=status,
            )
        )
    s.audit.append_many(
        [
            AuditEntry(
                caller.user,
                action,
                object_id=oid,
                collection=cid,
                marking=tlp.key,
                detail=detail,
            )
            for action, oid, tlp, detail in audit_rows
        ]
    )
    return status


def impersonates(obj: dict[str, Any], ours: set[str], producer_name: str) -> str | None:
    """Why ``obj`` would pass for ours, or ``None``."""
    if obj.get("created_by_ref") in ours:
        return "created_by_ref names this server's own identity; partners sign as themselves"
    if obj.get("type") == "identity":
        name = str(obj.get("name", "")).strip().casefold()
        if obj.get("id") in ours or name == producer_name.casefold():
            return "an identity of this server's producer may not come from a partner"
    return None
