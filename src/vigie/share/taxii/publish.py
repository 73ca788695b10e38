"""Publish our own Findings into a TAXII collection, prepared once per policy form.

Why variants: what a partner may receive of a Findings export depends on its trust — full
(trust 4), redacted (trust 3) or hashed indicators without private individuals' handles
(trust 1–2), see ``vigie.share.policy``. Those redactions change the objects themselves
(hashed URL patterns, no ``user-account`` observables), so they cannot be applied on the fly
to a full export. ``publish`` therefore runs the same STIX export the files use
(``vigie.share.stix_export.export_stix``) once per form, and stores each variant tagged with
its form; the server hands each partner the variant of its form, and only if the policy lets
the marking reach it. Objects identical in every variant (TLP marking-definitions, public
DISARM attack-patterns) are stored once, for everyone.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie.errors import VigieError
from vigie.share.audit import AuditEntry
from vigie.share.partners import Partner, Sector
from vigie.share.policy import Form
from vigie.share.stix_common import object_tlp, stix_time, taxii_version, utcnow
from vigie.share.taxii.config import collection_id
from vigie.share.taxii.state import ServerState
from vigie.share.taxii.tables import Audience, StoredIndex, StoredObject
from vigie.share.tlp import TLP

PUBLISH_RECIPIENT = "publish"

# the highest trust that reads each form: the readers most entitled within the form
_FORM_TRUST = {Form.FULL: 4, Form.REDACTED: 3, Form.HASHED: 2}


@dataclass
class PublishReport:
    collection: str
    tlp: TLP
    stored: dict[str, int] = field(default_factory=dict)  # form (or "all") -> new objects
    duplicates: int = 0
    skipped_forms: dict[str, str] = field(default_factory=dict)  # form -> why


def _reader(form: Form, recipients: tuple[str, ...] = ()) -> Partner:
    """A stand-in partner of the form's highest trust, used only to run the export; for a
    TLP:RED publication its ``red_recipients`` are the named people it is addressed to, so the
    objects say who may read them."""
    return Partner(
        name=f"readers-{form.value}",
        sector=Sector.STATE,
        trust=_FORM_TRUST[form],
        max_tlp=TLP.RED,
        red_recipients=recipients or (PUBLISH_RECIPIENT,),
    )


def resolve_recipients(state: ServerState, names: list[str]) -> list[str]:
    """The audience of a TLP:RED publication: each ``partner/recipient`` must be a named
    TLP:RED recipient of a partner the policy lets read RED; returned case-folded (the form
    ``access.audience_key`` gives a caller)."""
    from vigie.share.taxii import access

    out = []
    for name in names:
        caller = access.resolve_caller(state.registry, name.strip())
        if caller is None or caller.recipient is None:
            raise VigieError(
                f"--to {name!r}: not a named TLP:RED recipient (write partner/recipient, as "
                "listed in the partners registry's red_recipients)"
            )
        if not access.decision_for(caller, TLP.RED).allowed:
            raise VigieError(
                f"--to {name!r}: the policy does not let {caller.partner.name} read RED"
            )
        out.append(access.audience_key(caller))
    return sorted(set(out))


def find_collection(state: ServerState, name: str) -> tuple[str, str]:
    """``(api root, collection id)`` for a collection given by name, id or ``root/name``."""
    hits = []
    for root in state.config.api_roots:
        for coll in root.collections:
            cid = collection_id(root.name, coll)
            if name in (cid, coll.name, f"{root.name}/{coll.name}"):
                hits.append((root.name, cid))
    if len(hits) != 1:
        known = ", ".join(
            f"{r.name}/{c.name}" for r in state.config.api_roots for c in r.collections
        )
        what = "ambiguous" if hits else "unknown"
        raise VigieError(f"{what} collection {name!r} (known: {known})")
    return hits[0]


def publish_findings(
    state: ServerState,
    findings: str | Path,
    collection: str,
    *,
    tlp: TLP | str | None = None,
    actor: str = "local:publish",
    now: datetime | None = None,
    validate: bool = True,
    recipients: list[str] | None = None,
) -> PublishReport:
    """Export ``findings`` once per form and store the variants in ``collection``.

    Re-publishing creates new object versions (their ``modified`` is the export time, or
    ``now``); readers get the last version by default. The same ``now`` is idempotent.
    ``validate`` runs ``stix2-validator`` on each variant (slow to import; tests skip it,
    the export's own tests cover it). A TLP:RED publication must name its ``recipients``
    (``partner/recipient``): only their own credentials read it, and its objects name them.
    """
    from vigie.share.stix_export import export_stix

    root, cid = find_collection(state, collection)
    coll = state.collections[(root, cid)]
    audience = resolve_recipients(state, recipients or [])
    variants: dict[str, list[dict[str, Any]]] = {}
    level: TLP | None = None
    skipped: dict[str, str] = {}
    for form in (Form.FULL, Form.REDACTED, Form.HASHED):
        try:
            export = export_stix(
                findings,
                tlp=tlp,
                partner=_reader(form, tuple(audience)),
                recipient=None if audience else PUBLISH_RECIPIENT,
                producer=state.registry.producer,
                now=now,
                validate=validate,
            )
        except VigieError as exc:  # the policy denies this marking to the whole form
            skipped[form.value] = str(exc)
            continue
        level = export.view.tlp
        if level > coll.max_tlp:
            raise VigieError(
                f"the Findings are marked {level.label}, above collection {coll.name}'s "
                f"limit {coll.max_tlp.label}"
            )
        variants[form.value] = export.bundle["objects"]
    if level is None:
        raise VigieError(
            "no form of these Findings may be published: " + "; ".join(skipped.values())
        )
    if level is TLP.RED and not audience:
        raise VigieError(
            "a TLP:RED publication must name its readers: give --to partner/recipient (one "
            "per named person); every other credential will be refused it"
        )
    report = PublishReport(cid, level, skipped_forms=skipped)

    # objects identical in every produced variant are stored once, for everyone
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for objs in variants.values():
        for obj in objs:
            counts[(obj["id"], json.dumps(obj, sort_keys=True))] += 1
    now = utcnow()
    rows: list[tuple[str | None, dict[str, Any]]] = []
    shared_done: set[str] = set()
    for form, objs in variants.items():
        for obj in objs:
            body = json.dumps(obj, sort_keys=True)
            if counts[(obj["id"], body)] == len(variants):
                if obj["id"] in shared_done:
                    continue
                shared_done.add(obj["id"])
                rows.append((None, obj))
            else:
                rows.append((form, obj))
    audit_rows = []
    with state.store.session() as sess:
        index = StoredIndex(sess, cid, [obj["id"] for _, obj in rows])
        for form, obj in rows:
            version = taxii_version(obj, stix_time(now))
            marking = (object_tlp(obj) or report.tlp).key
            if index.contains(obj, version, form):
                report.duplicates += 1
                continue
            index.add(obj, version, form)
            row = StoredObject(
                collection_id=cid,
                stix_id=obj["id"],
                stix_type=obj["type"],
                spec_version=obj.get("spec_version", "2.1"),
                version=version,
                date_added=now,
                added_by=actor,
                marking=marking,
                form=form,
                body=json.dumps(obj, ensure_ascii=False, sort_keys=True),
            )
            sess.add(row)
            if marking == TLP.RED.key and audience:
                sess.flush()  # the row id the audience points at
                sess.add_all(Audience(obj_rowid=row.rowid, recipient=r) for r in audience)
            report.stored[form or "all"] = report.stored.get(form or "all", 0) + 1
            audit_rows.append((obj["id"], marking, form))
    state.audit.append_many(
        [
            AuditEntry(
                actor,
                "object.published",
                object_id=oid,
                collection=cid,
                marking=marking,
                detail={
                    "form": form or "all",
                    "findings": str(findings),
                    **({"to": audience} if marking == TLP.RED.key and audience else {}),
                },
            )
            for oid, marking, form in audit_rows
        ]
    )
    return report
