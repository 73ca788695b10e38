"""The FIMI community's own objects, added to every STIX export.

Why: analysts of foreign information manipulation and interference (FIMI) exchange more than
campaigns and indicators. OpenCTI (the platform most FIMI desks run) models influence
operations with four objects of its own, which the OASIS DAD-CDM project builds on:
``narrative``, ``channel`` and ``event`` (new STIX domain objects) and ``media-content`` (a new
cyber-observable). We emit them with OpenCTI's type names and properties, so an OpenCTI
import files them where an analyst expects, and declare them, as STIX 2.1 requires of new
object types, through an ``extension-definition`` of ours (``EXTENSION_ID``) carried in the
bundle; a STIX tool that knows none of them can still read and validate the bundle.

Per coordinated group:

- an ``intrusion-set`` "manipulation set candidate" (the EEAS/DAD-CDM term for a set of
  assets used together), never a ``threat-actor``: we observed coordination, we name no one;
- a ``narrative`` (what the group pushed: the analyst's summary where the form keeps it);
- a ``channel`` per account (the handle where the form keeps handles, else the hashed id);
- an ``event`` spanning the group's activity window;
- a ``media-content`` per quoted evidence post (only in forms that keep post texts);
- one ``sighting`` of the campaign per platform, ``where_sighted_refs`` an identity of the
  platform (a ``system``), ``count`` the group's accounts seen there;

and for the whole export a ``report`` that states the method and its limits ("coordination,
not attribution").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from vigie.share.shareable import SharedGroup, ShareView, describe_group, red_recipients_line
from vigie.share.stix_common import stix_time

EXTENSION_NAME = "vigie FIMI objects (OpenCTI narrative, channel, event, media-content)"
EXTENSION_SCHEMA = "https://github.com/vigie-project/vigie/blob/main/docs/share.md#fimi-objects"
NEW_SDO = ("narrative", "channel", "event")
NEW_SCO = ("media-content",)
PLATFORM_NAMES = {
    "twitter": "Twitter",
    "x": "X",
    "telegram": "Telegram",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "threads": "Threads",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "truthsocial": "Truth Social",
    "gab": "Gab",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "reddit": "Reddit",
    "vk": "VKontakte",
    "whatsapp": "WhatsApp",
}
"""How a platform vigie reads is named in a shared report (others: as the Dataset spells it)."""

METHOD = (
    "Method: vigie detects coordinated inauthentic behaviour from behavioural signals between "
    "accounts (for example the same link shared within a short window, synchronised reposts, "
    "near-identical texts), joins accounts whose signals agree into groups and scores each "
    "group; DISARM techniques name the behaviour observed."
)
LIMITS = (
    "Limits: coordination, not attribution. No actor, sponsor or intent is claimed; the "
    "intrusion-sets are candidate manipulation sets (accounts acting together), not threat "
    "actors. Confidence measures the strength of the evidence for coordination only (STIX "
    "None/Low/Med/High scale). A group may include genuine accounts caught up in coordinated "
    "activity, and only the platforms and period collected were examined."
)


def _ext(kind: str, ext_id: str) -> dict[str, Any]:
    return {"extensions": {ext_id: {"extension_type": kind}}}


def extension_definition(ext_id: str, identity_id: str, now: str, refs: list[str]) -> dict:
    """Our declaration of the new object types, carried in every bundle that uses them."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": ext_id,
        "created_by_ref": identity_id,
        "created": now,
        "modified": now,
        "name": EXTENSION_NAME,
        "description": "New STIX object types for influence operations, with the type names "
        "and properties OpenCTI uses: " + ", ".join(NEW_SDO + NEW_SCO) + ".",
        "schema": EXTENSION_SCHEMA,
        "version": "1.0.0",
        "extension_types": ["new-sdo", "new-sco"],
        "object_marking_refs": refs,
    }


def _channel_name(a: Any) -> str:
    if a.handle:
        return f"@{a.handle}"
    if a.hashed:
        return f"{a.platform} account sha256 {a.user_id}"
    return f"{a.platform} account {a.user_id}"


def group_objects(
    g: SharedGroup,
    *,
    sid: Any,
    campaign_id: str,
    observed_id: str | None,
    ext_id: str,
    confidence: int,
    first: str,
    last: str,
    stamp: dict[str, Any],
    common: dict[str, Any],
) -> list[dict[str, Any]]:
    """The FIMI objects of one group (``sid(kind, *parts)`` makes the export's stable ids)."""
    out: list[dict[str, Any]] = []
    base = {"spec_version": "2.1", **stamp, **common}
    iset = {
        "type": "intrusion-set",
        "id": sid("intrusion-set", g.group_id),
        "name": f"Manipulation set candidate {g.group_id}",
        "description": f"The {g.n_members} accounts of coordinated group {g.group_id}, acting "
        "together. A candidate manipulation set: coordination, not attribution — no actor is "
        "named or implied.",
        "labels": ["manipulation-set-candidate"],
        "first_seen": first,
        "last_seen": last,
        "confidence": confidence,
        **base,
    }
    narrative = {
        "type": "narrative",
        "id": sid("narrative", g.group_id),
        "name": f"Narrative pushed by coordinated group {g.group_id}",
        "description": g.summary or describe_group(g),
        **base,
        **_ext("new-sdo", ext_id),
    }
    event = {
        "type": "event",
        "id": sid("event", g.group_id),
        "name": f"Coordinated activity of group {g.group_id}",
        "description": describe_group(g),
        "event_types": ["influence-operation"],
        "start_time": first,
        "stop_time": last,
        **base,
        **_ext("new-sdo", ext_id),
    }
    out += [iset, narrative, event]

    def rel(kind: str, src: str, dst: str, *parts: str, text: str | None = None) -> None:
        r = {
            "type": "relationship",
            "id": sid("relationship", g.group_id, kind, *parts),
            "relationship_type": kind,
            "source_ref": src,
            "target_ref": dst,
            **base,
        }
        if text:
            r["description"] = text
        out.append(r)

    rel(
        "related-to",
        campaign_id,
        iset["id"],
        "set",
        text="The campaign's accounts form this candidate manipulation set (no attribution).",
    )
    rel("related-to", campaign_id, narrative["id"], "narrative")
    rel("related-to", event["id"], campaign_id, "event")
    platforms: dict[str, int] = defaultdict(int)
    for a in g.accounts:
        platforms[a.platform] += 1
        key = a.user_id
        channel = {
            "type": "channel",
            "id": sid("channel", g.group_id, a.platform, key),
            "name": _channel_name(a),
            "channel_types": [PLATFORM_NAMES.get(a.platform.lower(), a.platform)],
            **base,
            **_ext("new-sdo", ext_id),
        }
        out.append(channel)
        rel("uses", iset["id"], channel["id"], "channel", a.platform, key)
    for p in g.evidence:
        if not p.text:
            continue
        media: dict[str, Any] = {
            "type": "media-content",
            "spec_version": "2.1",
            "id": sid("media-content", g.group_id, p.post_id),
            "title": f"Post {p.post_id} ({p.kind})",
            "content": p.text,
            "object_marking_refs": common["object_marking_refs"],
            **_ext("new-sco", ext_id),
        }
        if p.created_at is not None:
            media["publication_date"] = stix_time(p.created_at)
        out.append(media)
        rel("related-to", media["id"], narrative["id"], "media", p.post_id)
    for platform, n in sorted(platforms.items()):
        where = {
            "type": "identity",
            "id": sid("identity", "platform", platform.lower()),
            "name": PLATFORM_NAMES.get(platform.lower(), platform),
            "identity_class": "system",
            "description": f"The {platform} platform, where the group's accounts were seen.",
            **base,
        }
        sighting = {
            "type": "sighting",
            "id": sid("sighting", g.group_id, platform.lower()),
            "sighting_of_ref": campaign_id,
            "where_sighted_refs": [where["id"]],
            "first_seen": first,
            "last_seen": last,
            "count": n,
            "description": f"{n} accounts of coordinated group {g.group_id} seen on {platform}.",
            **base,
        }
        if observed_id is not None:
            sighting["observed_data_refs"] = [observed_id]
        out += [where, sighting]
    return out


def report_object(
    view: ShareView, *, report_id: str, refs: list[str], stamp: dict, common: dict, now: str
) -> dict[str, Any]:
    """The export as a STIX ``report`` that says how it was made and what it does not claim."""
    red = red_recipients_line(view)
    return {
        "type": "report",
        "spec_version": "2.1",
        "id": report_id,
        "name": f"vigie findings: {len(view.groups)} coordinated groups ({view.tlp.label})",
        "description": " ".join(
            [METHOD, LIMITS, f"Form shared: {view.form.value}.", *([red] if red else [])]
        ),
        "report_types": ["campaign", "observed-data"],
        "published": now,
        "object_refs": refs,
        "labels": ["coordination-not-attribution"],
        **stamp,
        **common,
    }


def stamp_text(value: datetime) -> str:
    return stix_time(value)
