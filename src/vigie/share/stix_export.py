"""Findings → a STIX 2.1 bundle, marked with TLP 2.0 and redacted for one partner.

Why STIX: it is what CERTs, platforms' threat-intelligence teams and DISARM tooling exchange,
and its objects say exactly what we claim — coordinated *behaviour* we observed — without
claiming who is behind it.

Mapping (one ``grouping`` for the whole export, the "report"):

- each group → a ``campaign`` ("Coordinated group g0001"): description built from the
  evidence (signals, size, score) and the words "no attribution is claimed"; ``confidence``
  is the strength of the evidence for coordination on STIX's None/Low/Med/High scale
  (``vigie.share.confidence``), not the score;
- its accounts → ``user-account`` observables, its URLs → ``url`` observables, both in one
  ``observed-data`` (``related-to`` the campaign);
- each URL it shared → an ``indicator`` (``[url:value = '…']``) that ``indicates`` the
  campaign and is ``based-on`` the observed-data; in the hashed form the URL itself is
  withheld and the pattern is ``[url:x_vigie_sha256 = '<hex>']`` (a custom observable
  property: STIX has no hashed URL) and no ``url`` observable is emitted;
- each DISARM technique → an ``attack-pattern`` with DISARM's own STIX id, external id and
  URL (``source_name: "DISARM"``), kill-chain ``disarm``; the campaign ``uses`` it;
- beside them, the DISARM 2.0 observations the group's signals establish, as the campaign's
  ``external_references`` (``source_name: "DISARM 2.0 Observations"``, the official id, its
  name and page; vigie's signal → observation mapping, ``vigie.share.disarm2``);
- a ``note`` per group with the evidence sample (dropped in the hashed form), and one per
  analyst note the policy lets through;
- every object carries the export's TLP 2.0 marking (the OASIS marking-definitions, included
  in the bundle); the DISARM attack-patterns, public, carry TLP:CLEAR.

Ids are deterministic (UUIDv5 over the Findings manifest, the form and the object's key), so
re-exporting the same Findings for the same form yields the same ids and an importer can
de-duplicate. Every bundle is checked with ``stix2-validator`` before it is written.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie import disarm
from vigie.errors import VigieError
from vigie.share import disarm2, fimi
from vigie.share.confidence import evidence_level, stix_confidence
from vigie.share.disarm2 import group_observations
from vigie.share.partners import Partner, Producer
from vigie.share.policy import Decision
from vigie.share.shareable import (
    ShareView,
    describe_group,
    red_recipients_line,
    start_export,
    write_export,
)
from vigie.share.stix_validate import validation_errors, validation_report  # noqa: F401 (re-export)
from vigie.share.tlp import TLP, marking_definition

NAMESPACE = uuid.UUID("6f1d3a52-8a7e-4f0b-9c39-2b1f4e0c7d11")
"""Namespace mixed into vigie's derived STIX ids."""

DISARM_CREATED = "2025-02-10T00:00:00.000Z"
"""Date of the DISARM release the catalogue was built from (its objects carry no date)."""

VIGIE_HASH_PROPERTY = "x_vigie_sha256"

STIX_ACCOUNT_TYPES = {"x": "twitter", "twitter": "twitter", "facebook": "facebook"}
"""Platform names spelled as the STIX ``account-type-ov`` vocabulary (others kept as is)."""


@dataclass
class StixExport:
    """A bundle and how it was made (what the policy decided, what was counted)."""

    bundle: dict[str, Any]
    view: ShareView

    @property
    def decision(self) -> Decision | None:
        return self.view.decision

    def to_json(self) -> str:
        return json.dumps(self.bundle, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.bundle["objects"]:
            out[o["type"]] = out.get(o["type"], 0) + 1
        return dict(sorted(out.items()))


def stable_uuid(name: str) -> uuid.UUID:
    """A UUID in version-4 form derived from ``name`` (STIX asks SDO ids to be UUIDv4;
    deriving it keeps re-exports identical, so importers can de-duplicate)."""
    digest = hashlib.sha256(f"{NAMESPACE}/{name}".encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def producer_identity_id(producer: Producer) -> str:
    """Our identity's STIX id: one per producer name, in every export and form, so that a
    partner can tell what we signed and the TAXII server can refuse objects that a partner
    signs with it (``created_by_ref``)."""
    return f"identity--{stable_uuid('producer/' + producer.name.casefold())}"


def _sid(kind: str, view: ShareView, *parts: str) -> str:
    name = "/".join([view.key, view.form.value, kind, *parts])
    return f"{kind}--{stable_uuid(name)}"


def _ts(value: datetime | None, default: datetime) -> datetime:
    if value is None:
        return default
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _red_line(view: ShareView) -> str:
    line = red_recipients_line(view)
    return f" {line}" if line else ""


def build_bundle(view: ShareView, producer: Producer, now: datetime) -> dict[str, Any]:
    """The STIX 2.1 bundle (as a dict) for an already-redacted view."""
    import stix2

    v21 = stix2.v21
    marking = v21.MarkingDefinition(**marking_definition(view.tlp))
    clear = v21.MarkingDefinition(**marking_definition(TLP.CLEAR))
    refs = [marking.id]
    objects: list[Any] = [clear] if view.tlp is not TLP.CLEAR else []
    objects.append(marking)
    identity = v21.Identity(
        id=producer_identity_id(producer),
        name=producer.name,
        identity_class="organization",
        contact_information=producer.contact,
        created=now,
        modified=now,
        object_marking_refs=refs,
    )
    objects.append(identity)
    common = {"created_by_ref": identity.id, "object_marking_refs": refs}
    stamp = {"created": now, "modified": now}

    fimi_objs: list[dict[str, Any]] = []
    ext_id = f"extension-definition--{stable_uuid('vigie-fimi/' + fimi.EXTENSION_SCHEMA)}"
    now_s = fimi.stamp_text(now)
    dict_stamp = {"created": now_s, "modified": now_s}
    dict_common = {"created_by_ref": identity.id, "object_marking_refs": refs}
    patterns: dict[str, Any] = {}
    for g in view.groups:
        for tid in g.techniques:
            if tid in patterns:
                continue
            t = disarm.technique(tid)
            patterns[tid] = v21.AttackPattern(
                id=t.stix_id,
                name=t.name,
                description=t.description or t.name,
                created=DISARM_CREATED,
                modified=DISARM_CREATED,
                external_references=[
                    {
                        "source_name": "DISARM",
                        "external_id": t.id,
                        **({"url": t.url} if t.url else {}),
                    }
                ],
                kill_chain_phases=[
                    {"kill_chain_name": "disarm", "phase_name": disarm.tactics()[ta].shortname}
                    for ta in t.tactics
                    if ta in disarm.tactics()
                ],
                object_marking_refs=[clear.id],
            )
    objects.extend(patterns[k] for k in sorted(patterns))

    for g in view.groups:
        first = _ts(g.first_seen, now)
        last = max(_ts(g.last_seen, now), first)
        confidence = stix_confidence(g.signals, g.n_members, g.score)
        level = evidence_level(g.signals, g.n_members, g.score)
        # DISARM 2.0 observations the group's signals establish, beside the 1.x techniques
        # (attack-patterns it "uses", below): see vigie.share.disarm2
        observations = [disarm2.external_reference(o) for o in group_observations(g.signals)]
        campaign = v21.Campaign(
            id=_sid("campaign", view, g.group_id),
            name=f"Coordinated group {g.group_id}",
            description=describe_group(g),
            first_seen=first,
            last_seen=last,
            confidence=confidence,
            labels=[*sorted(g.signals), f"confidence:{level}"],
            **({"external_references": observations} if observations else {}),
            **stamp,
            **common,
        )
        objects.append(campaign)
        scos: list[Any] = []
        for a in g.accounts:
            scos.append(
                v21.UserAccount(
                    user_id=a.user_id,
                    account_type=STIX_ACCOUNT_TYPES.get(a.platform.lower(), a.platform),
                    account_login=a.handle,
                    display_name=a.display_name,
                    object_marking_refs=refs,
                )
            )
        url_objs = [v21.URL(value=u.value, object_marking_refs=refs) for u in g.urls if u.value]
        scos.extend(url_objs)
        objects.extend(scos)
        observed = None
        if scos:
            observed = v21.ObservedData(
                id=_sid("observed-data", view, g.group_id),
                first_observed=first,
                last_observed=last,
                number_observed=max(1, int(g.n_posts or g.n_evidence or 1)),
                object_refs=[s.id for s in scos],
                **stamp,
                **common,
            )
            objects.append(observed)
            objects.append(
                v21.Relationship(
                    id=_sid("relationship", view, g.group_id, "observed"),
                    relationship_type="related-to",
                    source_ref=campaign.id,
                    target_ref=observed.id,
                    description="Activity observed from the coordinated group.",
                    **stamp,
                    **common,
                )
            )
        for u in g.urls:
            if u.value is not None:
                escaped = u.value.replace("\\", "\\\\").replace("'", "\\'")
                pattern, shown = f"[url:value = '{escaped}']", u.value
            else:
                pattern, shown = f"[url:{VIGIE_HASH_PROPERTY} = '{u.sha256}']", f"sha256 {u.sha256}"
            key = u.value or u.sha256 or ""
            ind = v21.Indicator(
                id=_sid("indicator", view, g.group_id, key),
                name=f"URL shared by coordinated group {g.group_id}",
                description=f"{shown}, shared in coordination by group {g.group_id}. "
                "A URL pushed by a coordinated group; not necessarily malicious itself.",
                indicator_types=["anomalous-activity"],
                pattern=pattern,
                pattern_type="stix",
                valid_from=first,
                **stamp,
                **common,
            )
            objects.append(ind)
            objects.append(
                v21.Relationship(
                    id=_sid("relationship", view, g.group_id, "indicates", key),
                    relationship_type="indicates",
                    source_ref=ind.id,
                    target_ref=campaign.id,
                    **stamp,
                    **common,
                )
            )
            if observed is not None:
                objects.append(
                    v21.Relationship(
                        id=_sid("relationship", view, g.group_id, "based-on", key),
                        relationship_type="based-on",
                        source_ref=ind.id,
                        target_ref=observed.id,
                        **stamp,
                        **common,
                    )
                )
        for tid in g.techniques:
            objects.append(
                v21.Relationship(
                    id=_sid("relationship", view, g.group_id, "uses", tid),
                    relationship_type="uses",
                    source_ref=campaign.id,
                    target_ref=patterns[tid].id,
                    description=f"Behaviour of group {g.group_id} matches DISARM {tid}.",
                    **stamp,
                    **common,
                )
            )
        fimi_objs.extend(
            fimi.group_objects(
                g,
                sid=lambda kind, *parts: _sid(kind, view, *parts),
                campaign_id=campaign.id,
                observed_id=observed.id if observed is not None else None,
                ext_id=ext_id,
                confidence=confidence,
                first=fimi.stamp_text(first),
                last=fimi.stamp_text(last),
                stamp=dict_stamp,
                common=dict_common,
            )
        )
        if g.evidence:
            lines = [
                f"Evidence sample ({len(g.evidence)} of {g.n_evidence} posts):",
                *(
                    f"- {p.created_at.isoformat() if p.created_at else '?'} "
                    f"{p.account}{f' (@{p.handle})' if p.handle else ''} "
                    f"[{p.kind}] post {p.post_id}: {p.text or ''}".rstrip()
                    for p in g.evidence
                ),
            ]
            objects.append(
                v21.Note(
                    id=_sid("note", view, g.group_id, "evidence"),
                    abstract=f"Evidence for coordinated group {g.group_id}",
                    content="\n".join(lines),
                    object_refs=[campaign.id],
                    **stamp,
                    **common,
                )
            )
    campaign_ids = {g.group_id: _sid("campaign", view, g.group_id) for g in view.groups}
    for i, n in enumerate(view.notes):
        target = campaign_ids.get(n.group_id) if n.group_id else None
        objects.append(
            v21.Note(
                id=_sid("note", view, "analyst", str(i)),
                abstract="Analyst note",
                content=n.text,
                authors=[n.author] if n.author else None,
                object_refs=[target or identity.id],
                **stamp,
                **common,
            )
        )
    if fimi_objs:
        objects.append(fimi.extension_definition(ext_id, identity.id, now_s, refs))
        seen: set[str] = set()
        for o in fimi_objs:  # a platform's identity is shared by the groups seen there
            if o["id"] not in seen:
                seen.add(o["id"])
                objects.append(o)

    def oid(o: Any) -> str:
        return o["id"] if isinstance(o, dict) else o.id

    def otype(o: Any) -> str:
        return o["type"] if isinstance(o, dict) else o.type

    content_ids = [oid(o) for o in objects if otype(o) not in ("marking-definition",)]
    grouping = v21.Grouping(
        id=_sid("grouping", view, "report"),
        name=f"vigie findings ({len(view.groups)} coordinated groups, {view.tlp.label})",
        description="Coordinated inauthentic behaviour detected by vigie; observed behaviour "
        f"only, no attribution claimed. Form: {view.form.value}.{_red_line(view)}",
        context="suspicious-activity",
        object_refs=content_ids,
        allow_custom=True,
        **stamp,
        **common,
    )
    objects.append(grouping)
    objects.append(
        fimi.report_object(
            view,
            report_id=_sid("report", view, "report"),
            refs=[*content_ids, grouping.id],
            stamp=dict_stamp,
            common=dict_common,
            now=now_s,
        )
    )
    bundle = v21.Bundle(
        id=_sid("bundle", view, "bundle"),
        objects=objects,
        allow_custom=True,
    )
    return json.loads(bundle.serialize())


def export_stix(
    findings: Any,
    *,
    tlp: TLP | str | None = None,
    partner: Partner | None = None,
    recipient: str | None = None,
    producer: Producer | None = None,
    salt: bytes | str | None = None,
    now: datetime | None = None,
    validate: bool = True,
    step: Callable[[str], None] | None = None,
) -> StixExport:
    """Export a Findings folder for ``partner`` (``None``: internal, full form).

    Raises ``VigieError`` when the policy denies it, or if the bundle failed validation
    (which would be a bug in vigie, reported rather than shipped).
    """
    view, when, say = start_export(
        findings, tlp=tlp, partner=partner, recipient=recipient, salt=salt, now=now, step=step
    )
    say("building the STIX objects")
    bundle = build_bundle(view, producer or Producer(), when)
    if validate:
        say(f"validating {len(bundle['objects'])} STIX objects")
        errors = validation_errors(bundle)
        if errors:
            raise VigieError("the STIX bundle failed validation: " + "; ".join(errors[:5]))
    return StixExport(bundle=bundle, view=view)


def write_stix(export: StixExport, path: str | Path) -> Path:
    """Write the bundle atomically (sorted keys, UTF-8)."""
    return write_export(export.to_json(), path)
