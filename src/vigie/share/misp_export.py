"""Findings → a MISP event (PyMISP), redacted for one partner like the STIX export.

Why MISP as well as STIX: many CERTs, platforms and NGOs in the disinformation community
(the DISARM and FIMI ISAC ecosystems) run MISP; its ``microblog`` and ``narrative`` objects
and the DISARM galaxy are the way they already describe influence operations.

Mapping (reads the same redacted ``ShareView`` as the STIX export, so both leak the same):

- the event: ``info`` names the findings, threat level "undefined" (we report behaviour, not
  a threat assessment), analysis "ongoing"; tags ``tlp:<level>`` and, per DISARM technique
  observed, ``misp-galaxy:disarm-techniques="<technique name>"``, and per DISARM 2.0
  observation the signals establish, ``disarm-2.0:observation="<id> <name>"``
  (``vigie.share.disarm2``; no MISP galaxy covers 2.0 yet);
- per group: a ``narrative`` object (``narrative-summary``: what was observed, no attribution
  claimed); a ``user-account`` object per account (``user-id`` hashed in the hashed form,
  ``username``/``display-name`` only when the form keeps handles); a ``url`` attribute per
  shared URL, or in the hashed form a ``text`` attribute ``url-sha256:<hex>`` (category
  "External analysis"; MISP's ``sha256`` type is for files); a ``microblog`` object per
  quoted evidence post (dropped in the hashed form), referencing its narrative;
- analyst notes the policy lets through → ``text`` attributes commented "analyst note".

Distribution (``distribution_for``), from the marking and the partner. A MISP distribution
is how far the *receiving* MISP may spread the event, so it must never be wider than TLP 2.0
lets the marking travel (FIRST): a sharing group or a community is several organisations,
which only CLEAR and GREEN allow.

==============  ===============================================================
TLP:CLEAR       3 — all communities (disclosure is not limited)
TLP:GREEN       4 — the partner's sharing group (``misp_sharing_group`` in the
                registry), else 1 — this community only
TLP:AMBER       0 — the receiving organisation only (its clients, on need-to-know,
                are the recipient's call; no other organisation in a sharing group)
AMBER+STRICT    0 — the receiving organisation only
TLP:RED         0 — the receiving organisation only, and the event names the
                individual recipients the policy allowed (``info`` and a ``text``
                attribute), as the STIX grouping does
==============  ===============================================================

``ALLOWED_DISTRIBUTIONS`` lists, per marking, the distributions that are allowed; tests check
every partner × marking against it.

Objects and attributes are set to inherit the event's distribution (5) explicitly, so a
receiving MISP's default attribute distribution cannot widen them. UUIDs are derived from the
Findings and the form, so re-exports are identical. Every object is checked against its
PyMISP template (known relations, required attributes) before the event is returned.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from vigie import disarm
from vigie.errors import VigieError
from vigie.share.disarm2 import group_observations
from vigie.share.disarm2 import misp_tag as disarm2_tag
from vigie.share.partners import Partner, Producer
from vigie.share.shareable import (
    ShareView,
    describe_group,
    red_recipients_line,
    start_export,
    write_export,
)
from vigie.share.stix_export import stable_uuid
from vigie.share.tlp import TLP

GALAXY = "disarm-techniques"

_MICROBLOG_TYPES = {
    "twitter": "Twitter",
    "x": "Twitter",
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "reddit": "Reddit",
    "instagram": "Instagram",
}
_ACCOUNT_TYPES = {"facebook", "twitter", "skype"}  # user-account template vocabulary we meet


ALLOWED_DISTRIBUTIONS: dict[TLP, frozenset[int]] = {
    TLP.CLEAR: frozenset({0, 1, 2, 3, 4}),
    TLP.GREEN: frozenset({0, 1, 4}),
    TLP.AMBER: frozenset({0}),
    TLP.AMBER_STRICT: frozenset({0}),
    TLP.RED: frozenset({0}),
}
"""The MISP distributions each marking allows (0 your organisation, 1 this community,
2 connected communities, 3 all communities, 4 a sharing group)."""

INHERIT = 5
"""MISP distribution "inherit event": objects and attributes follow the event."""


def distribution_for(tlp: TLP, partner: Partner | None) -> tuple[int, str | None]:
    """MISP distribution level and sharing-group name for an export (see module docstring).

    Only CLEAR and GREEN may leave the receiving organisation: a sharing group (several
    organisations) is the community of a GREEN export, never the audience of AMBER,
    AMBER+STRICT or RED.
    """
    if tlp is TLP.CLEAR:
        return 3, None
    if tlp is TLP.GREEN:
        if partner is not None and partner.misp_sharing_group:
            return 4, partner.misp_sharing_group
        return 1, None
    return 0, None


def galaxy_tag(technique_id: str) -> str:
    """The DISARM galaxy tag of a technique (the cluster value is the technique's name)."""
    return f'misp-galaxy:{GALAXY}="{disarm.technique(technique_id).name}"'


@dataclass
class MispExport:
    event: Any  # pymisp.MISPEvent
    view: ShareView

    def to_json(self) -> str:
        data = json.loads(self.event.to_json())
        return json.dumps({"Event": data}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def check_objects(event: Any) -> None:
    """Raise ``VigieError`` unless every object matches its template (known relations,
    required attributes): a malformed object is a vigie bug, not something to ship."""
    import pymisp

    for obj in event.objects:
        template = obj._definition or {}
        known = set(template.get("attributes", {}))
        for a in obj.attributes:
            if a.object_relation not in known:
                raise VigieError(f"MISP {obj.name}: unknown relation {a.object_relation!r}")
        try:
            obj._validate()
        except pymisp.exceptions.InvalidMISPObject as exc:
            raise VigieError(f"MISP {obj.name} object is invalid: {exc}") from None


def _inherit_distribution(event: Any) -> None:
    """Set every object and attribute to "inherit event" (5): left unset, a receiving MISP
    applies its own default attribute distribution, which may be wider than the marking."""
    for attr in event.attributes:
        attr.distribution = INHERIT
    for obj in event.objects:
        obj.distribution = INHERIT
        for attr in obj.attributes:
            attr.distribution = INHERIT


def build_event(view: ShareView, partner: Partner | None, producer: Producer, now: datetime):
    """The MISP event (a ``pymisp.MISPEvent``) for an already-redacted view."""
    from pymisp import MISPEvent, MISPObject, MISPSharingGroup

    def uid(*parts: str) -> str:
        return str(stable_uuid("/".join([view.key, view.form.value, "misp", *parts])))

    ev = MISPEvent()
    ev.uuid = uid("event")
    ev.info = (
        f"vigie: coordinated inauthentic behaviour, {len(view.groups)} groups "
        f"({view.tlp.label}, {view.form.value} form, from {producer.name})"
    )
    red_line = red_recipients_line(view)
    if red_line:
        ev.info += f". {red_line}"
    last = [g.last_seen for g in view.groups if g.last_seen is not None]
    ev.date = max(last).date() if last else date(now.year, now.month, now.day)
    ev.threat_level_id = 4
    ev.analysis = 1
    distribution, group = distribution_for(view.tlp, partner)
    ev.distribution = distribution
    if group is not None:
        sg = MISPSharingGroup()
        sg.from_dict(name=group, uuid=str(stable_uuid(f"misp-sharing-group/{group}")))
        ev.SharingGroup = sg
    ev.add_tag(view.tlp.misp_tag)
    techniques = sorted({t for g in view.groups for t in g.techniques})
    for tid in techniques:
        ev.add_tag(galaxy_tag(tid))
    # DISARM 2.0 observations beside the 1.x galaxy (vigie.share.disarm2)
    seen = {o.id: o for g in view.groups for o in group_observations(g.signals)}
    for oid in sorted(seen, key=lambda i: [int(p) for p in i[1:].split(".")]):
        ev.add_tag(disarm2_tag(seen[oid]))

    for g in view.groups:
        narrative = MISPObject("narrative", strict=True)
        narrative.uuid = uid(g.group_id, "narrative")
        narrative.comment = f"Coordinated group {g.group_id}"
        narrative.add_attribute("narrative-summary", value=describe_group(g))
        narrative.attributes[-1].uuid = uid(g.group_id, "narrative", "summary")
        ev.add_object(narrative)
        ids = Counter(a.user_id for a in g.accounts)
        for a in g.accounts:
            acc = MISPObject("user-account", strict=True)
            # an id held by two members of the group (two platforms' accounts) is told apart
            # by its platform; every other account keeps the uuid it always had
            key = a.user_id if ids[a.user_id] == 1 else f"{a.platform}:{a.user_id}"
            acc.uuid = uid(g.group_id, "account", key)
            acc.comment = f"Member of coordinated group {g.group_id}"
            acc.add_attribute("user-id", value=a.user_id)
            if a.handle:
                acc.add_attribute("username", value=a.handle)
            if a.display_name:
                acc.add_attribute("display-name", value=a.display_name)
            account_type = {"x": "twitter"}.get(a.platform.lower(), a.platform.lower())
            if account_type in _ACCOUNT_TYPES:
                acc.add_attribute("account-type", value=account_type)
            desc = f"platform: {a.platform}"
            if a.hashed:
                desc += "; user-id is the SHA-256 of platform:account_id"
            acc.add_attribute("description", value=desc)
            for i, attr in enumerate(acc.attributes):
                attr.uuid = uid(g.group_id, "account", key, str(i))
            ref = acc.add_reference(narrative.uuid, "member-of")
            ref.uuid = uid(g.group_id, "account", key, "ref")
            ev.add_object(acc)
        for u in g.urls:
            if u.value is not None:
                attr = ev.add_attribute(
                    "url",
                    u.value,
                    category="Network activity",
                    to_ids=False,
                    comment=f"Shared in coordination by group {g.group_id}",
                )
            else:
                # MISP's sha256 type means a *file* hash; a URL's hash has no type of its own,
                # so it is a text attribute that says what it is
                attr = ev.add_attribute(
                    "text",
                    f"url-sha256:{u.sha256}",
                    category="External analysis",
                    to_ids=False,
                    comment=f"SHA-256 of a canonical URL shared in coordination by group "
                    f"{g.group_id} (not a file hash)",
                )
            attr.uuid = uid(g.group_id, "url", u.value or u.sha256 or "")
        # one object per post: a post that is evidence of several signals (a reply carrying
        # the campaign's hashtag and a rare link) was one object per signal, all with the
        # post's uuid, which MISP refuses to hold twice in an event
        signals: dict[str, list[str]] = {}
        posts = []
        for p in g.evidence:
            if not p.text:
                continue
            if p.post_id not in signals:
                signals[p.post_id] = []
                posts.append(p)
            if p.kind not in signals[p.post_id]:
                signals[p.post_id].append(p.kind)
        for p in posts:
            mb = MISPObject("microblog", strict=True)
            mb.uuid = uid(g.group_id, "post", p.post_id)
            kinds = ", ".join(signals[p.post_id])
            mb.comment = f"Evidence ({kinds}) for coordinated group {g.group_id}"
            mb.add_attribute("post", value=p.text)
            mb.add_attribute("username", value=p.account)
            platform = next((a.platform for a in g.accounts if a.user_id == p.account), "")
            mb.add_attribute("type", value=_MICROBLOG_TYPES.get(platform.lower(), "Other"))
            if p.created_at is not None:
                mb.add_attribute("creation-date", value=p.created_at)
            for i, attr in enumerate(mb.attributes):
                attr.uuid = uid(g.group_id, "post", p.post_id, str(i))
            ref = mb.add_reference(narrative.uuid, "related-to")
            ref.uuid = uid(g.group_id, "post", p.post_id, "ref")
            ev.add_object(mb)
    for i, n in enumerate(view.notes):
        where = f" (group {n.group_id})" if n.group_id else ""
        attr = ev.add_attribute(
            "text", n.text, category="Other", to_ids=False, comment=f"analyst note{where}"
        )
        attr.uuid = uid("note", str(i))
    if red_line:
        attr = ev.add_attribute(
            "text", red_line, category="Other", to_ids=False, comment="TLP:RED named recipients"
        )
        attr.uuid = uid("red-recipients")
    # the same statement of method and limits as the STIX report ("coordination, not
    # attribution"), so a MISP reader gets the caveat with the data
    from vigie.share.fimi import LIMITS, METHOD

    attr = ev.add_attribute(
        "text", f"{METHOD} {LIMITS}", category="Other", to_ids=False, comment="method and limits"
    )
    attr.uuid = uid("method-limits")
    _inherit_distribution(ev)
    check_objects(ev)
    return ev


def export_misp(
    findings: Any,
    *,
    tlp: TLP | str | None = None,
    partner: Partner | None = None,
    recipient: str | None = None,
    producer: Producer | None = None,
    salt: bytes | str | None = None,
    now: datetime | None = None,
    step: Callable[[str], None] | None = None,
) -> MispExport:
    """Export a Findings folder as a MISP event for ``partner`` (``None``: internal, full)."""
    view, when, say = start_export(
        findings, tlp=tlp, partner=partner, recipient=recipient, salt=salt, now=now, step=step
    )
    say("building the MISP event")
    event = build_event(view, partner, producer or Producer(), when)
    return MispExport(event=event, view=view)


def write_misp(export: MispExport, path: str | Path) -> Path:
    """Write the event as MISP JSON (``{"Event": …}``), atomically."""
    return write_export(export.to_json(), path)
