"""Who is calling, what they may see, and in what form — the policy applied to TAXII.

Why here and not in the routes: the same rules decide discovery (which API roots a partner
sees), collection listings, object reads and writes, so they live in one place, and every
decision about an object comes from ``vigie.share.policy.decide`` — the very function the
file exports use — never from a TAXII-specific rule.

Identities. A TAXII user name is either a partner's name (``plateforme``) or, for TLP:RED,
``partner/recipient`` naming one of the partner's ``red_recipients``
(``agence-etat/analyste.a@example.gouv``). Each has its own credential, so TLP:RED objects
reach only the named people the registry lists, as TLP 2.0 requires.

Visibility. An API root or collection is visible to partners whose trust reaches its
``min_trust``; others get 404 (its existence is not revealed). Inside a collection, the
objects a caller may read are those whose TLP marking ``decide`` allows for the caller's
partner and recipient; since that depends only on the marking, it is pushed into the SQL
query, so paging stays exact.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from vigie.share.partners import Partner, Registry
from vigie.share.policy import Decision, Form, decide, form_for_trust
from vigie.share.taxii.config import ApiRootConfig, CollectionConfig
from vigie.share.tlp import TLP

RECIPIENT_SEP = "/"


@dataclass(frozen=True)
class Caller:
    """An authenticated TAXII user: the partner and, for TLP:RED, the named recipient."""

    user: str
    partner: Partner
    recipient: str | None = None


def split_user(user: str) -> tuple[str, str | None]:
    """``partner`` or ``partner/recipient`` → ``(partner, recipient or None)``."""
    name, sep, recipient = user.partition(RECIPIENT_SEP)
    return name, (recipient if sep and recipient else None)


def resolve_caller(registry: Registry, user: str) -> Caller | None:
    """The ``Caller`` for a user name, or ``None`` when the registry does not know it (an
    unknown partner, or a recipient not in that partner's ``red_recipients``)."""
    name, recipient = split_user(user)
    partner = registry.find(name)
    if partner is None:
        return None
    if recipient is not None:
        named = {r.casefold(): r for r in partner.red_recipients}
        if recipient.casefold() not in named:
            return None
        recipient = named[recipient.casefold()]
    return Caller(user=user, partner=partner, recipient=recipient)


def same_partner(user: str, caller: Caller) -> bool:
    """Whether the TAXII user ``user`` (``partner`` or ``partner/recipient``) belongs to the
    caller's partner: versions of an object may only come from the partner that added it, so
    that one ally cannot overwrite (by a newer version) what another ally shared."""
    return split_user(user)[0].casefold() == caller.partner.key


def root_visible(caller: Caller, root: ApiRootConfig) -> bool:
    return caller.partner.trust >= root.min_trust


def collection_visible(caller: Caller, root: ApiRootConfig, coll: CollectionConfig) -> bool:
    return root_visible(caller, root) and caller.partner.trust >= coll.min_trust


def can_write(caller: Caller, root: ApiRootConfig, coll: CollectionConfig) -> bool:
    need = coll.write_min_trust if coll.write_min_trust is not None else coll.min_trust
    return (
        collection_visible(caller, root, coll) and coll.can_write and caller.partner.trust >= need
    )


def decision_for(caller: Caller, tlp: TLP) -> Decision:
    """The policy's decision for this caller and marking.

    TLP:RED additionally needs a named recipient: a partner-wide credential never receives
    RED, even when the partner has named recipients.
    """
    if tlp is TLP.RED and caller.recipient is None:
        d = decide(caller.partner, tlp)
        if not d.allowed:
            return d
        return Decision(
            False,
            Form.DENIED,
            [*d.reasons, "TLP:RED goes only to a named recipient's own credential"],
            [],
            caller.partner.name,
            tlp,
            [],
        )
    return decide(caller.partner, tlp, recipient=caller.recipient)


def reader_form(caller: Caller) -> str:
    """The policy form this caller reads (by trust): picks published variants."""
    return form_for_trust(caller.partner.trust).value


def readable_markings(caller: Caller, coll: CollectionConfig) -> list[str]:
    """TLP keys of the objects the caller may read in ``coll`` (used as an SQL filter)."""
    return [
        level.key for level in TLP if level <= coll.max_tlp and decision_for(caller, level).allowed
    ]


_PRIVATE_MARKERS = ("private", "internal", "notes")
_HANDLE_FIELDS = {"user-account": ("account_login", "display_name")}


def apply_form(obj: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """The object as the caller may receive it.

    ``full``: unchanged. ``redacted``: custom ``x_`` properties carrying private analyst notes
    (their name contains ``private``, ``internal`` or ``notes``) removed. ``hashed``: the same,
    plus the login and display name of ``user-account`` observables removed (vigie treats
    every account as a private individual's). The object keeps its id and version, so the
    partner can still match and de-duplicate it.
    """
    if decision.form is Form.FULL:
        return obj
    out = copy.deepcopy(obj)
    for key in list(out):
        if key.startswith("x_") and any(m in key for m in _PRIVATE_MARKERS):
            del out[key]
    if decision.form is Form.HASHED:
        for field in _HANDLE_FIELDS.get(out.get("type", ""), ()):
            out.pop(field, None)
    return out
