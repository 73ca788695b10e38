"""The sharing policy: may this object go to that partner, and in what form — with reasons.

Why one pure function: every path out of vigie (``vigie share export``, the TAXII server,
the MISP export) must take the *same* decision for the same partner and marking, and an
auditor must be able to read why. ``decide`` looks only at the partner's registry entry and
the object's TLP 2.0 marking; it has no side effects and no hidden state.

The policy (FIRST TLP 2.0 read with EBIOS RM's 1–4 stakeholder trust):

============  ==================================================================
marking       who may receive it
============  ==================================================================
CLEAR         anyone, including an unregistered recipient (``partner=None``)
GREEN         any registered partner (the community)
AMBER         partners with trust ≥ 2 (their organisation, need-to-know)
AMBER+STRICT  partners with trust ≥ 3 (their organisation only)
RED           trust 4 partners, and only their named ``red_recipients``
============  ==================================================================

A partner's ``max_tlp`` caps everything: nothing above it is ever sent, whatever its trust.

The *form* depends on trust alone (it protects the people in the data, whatever the marking):

- trust 1–2 (and unregistered recipients) → ``hashed``: handles of private individuals are
  removed, account and URL indicators are replaced by SHA-256 hashes, post texts and private
  analyst notes are dropped;
- trust 3 → ``redacted``: handles and indicators kept, private analyst notes dropped;
- trust 4 → ``full``.

vigie cannot tell a private individual from a public figure, so every account in a Findings
folder is treated as a private individual.

Hashing trade-off (``hash_value``): a *plain* SHA-256 of the canonical value (the default)
lets a partner match our indicators against what it observes itself — which is why
indicators are shared — but it is pseudonymisation, not anonymisation: anyone can hash a
guessed URL or handle and confirm it, and handles have little entropy. That is why handles of
private individuals are *removed*, not merely hashed, and only account ids and URLs are
hashed. A *salted* hash (HMAC-SHA256 with a per-export secret, ``salt=``) cannot be confirmed
by guessing and does not link across exports, but then the partner can no longer match it
against its own data unless we hand it the salt; use it when the partner only needs to count
or de-duplicate.

Public API (stable; the TAXII/audit half of ``vigie.share`` imports it):

- ``Form`` (``StrEnum``: ``full``, ``redacted``, ``hashed``, ``denied``) and ``Redaction``
  (``StrEnum`` of the redaction steps; ``Redaction.X.description`` is the human sentence).
- ``Decision`` (frozen dataclass): ``allowed: bool``, ``form: Form``, ``reasons: list[str]``,
  ``redactions: list[str]`` (``Redaction`` values), ``partner: str | None``, ``tlp: TLP``,
  ``recipients: list[str]`` (for TLP:RED, the named people it may reach); ``.to_dict()`` for
  logs; ``.summary()`` for one line.
- ``decide(partner, tlp, *, recipient=None) -> Decision`` — ``partner`` is a
  ``vigie.share.partners.Partner`` or ``None`` (unregistered); ``recipient`` is the named
  person asking, checked against ``red_recipients`` for TLP:RED.
- ``may_receive(partner, tlp, recipient=None) -> bool`` — the ``allowed`` of ``decide``.
- ``form_for_trust(trust)`` and ``redactions_for(form)`` — the form half alone.
- ``MIN_TRUST`` — the minimum trust per marking (``None`` = no registration needed).
- ``hash_value(value, salt=None) -> str`` — lower-case hex SHA-256 (or HMAC-SHA256 with a
  salt) of a canonical indicator.
- ``hash_account(platform, account_id, salt=None) -> str`` — the hash of an account id
  (``hash_value("platform:account_id")``), the one spelling every export and the TAXII
  server use, so the same account hashes the same way everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from vigie.share.partners import Partner
from vigie.share.tlp import TLP


class Form(StrEnum):
    """In what form an object may leave: whole, redacted, with hashed indicators, or not."""

    FULL = "full"
    REDACTED = "redacted"
    HASHED = "hashed"
    DENIED = "denied"


class Redaction(StrEnum):
    """One redaction step the exports apply (the value is stable, for logs and tests)."""

    DROP_PRIVATE_HANDLES = "drop_private_handles"
    HASH_INDICATORS = "hash_indicators"
    DROP_POST_TEXTS = "drop_post_texts"
    DROP_PRIVATE_NOTES = "drop_private_notes"

    @property
    def description(self) -> str:
        return _REDACTION_TEXT[self]


_REDACTION_TEXT = {
    Redaction.DROP_PRIVATE_HANDLES: "handles and display names of private individuals removed",
    Redaction.HASH_INDICATORS: "account ids and URLs replaced by SHA-256 hashes",
    Redaction.DROP_POST_TEXTS: "texts of posts by private individuals removed",
    Redaction.DROP_PRIVATE_NOTES: "private analyst notes removed",
}

MIN_TRUST: dict[TLP, int | None] = {
    TLP.CLEAR: None,
    TLP.GREEN: 1,
    TLP.AMBER: 2,
    TLP.AMBER_STRICT: 3,
    TLP.RED: 4,
}
"""The lowest trust that may receive each marking (``None``: anyone, registered or not)."""

_AUDIENCE = {
    TLP.CLEAR: "anyone",
    TLP.GREEN: "registered partners (the community)",
    TLP.AMBER: "partners with trust ≥ 2, need-to-know within their organisation",
    TLP.AMBER_STRICT: "partners with trust ≥ 3, within their organisation only",
    TLP.RED: "named recipients of trust-4 partners only",
}


@dataclass(frozen=True)
class Decision:
    """The answer to "may this go to that partner, and in what form?"."""

    allowed: bool
    form: Form
    reasons: list[str] = field(default_factory=list)
    redactions: list[str] = field(default_factory=list)
    partner: str | None = None
    tlp: TLP = TLP.AMBER
    recipients: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["form"] = self.form.value
        d["tlp"] = self.tlp.label
        return d

    def summary(self) -> str:
        who = self.partner or "an unregistered recipient"
        if not self.allowed:
            return f"{self.tlp.label} to {who}: DENIED"
        return f"{self.tlp.label} to {who}: allowed, {self.form.value}"


def form_for_trust(trust: int | None) -> Form:
    """The form of what a partner of ``trust`` receives (``None``: unregistered)."""
    if trust is None or trust <= 2:
        return Form.HASHED
    if trust == 3:
        return Form.REDACTED
    return Form.FULL


def redactions_for(form: Form) -> list[str]:
    """The redaction steps a form implies, in the order the exports apply them."""
    if form is Form.HASHED:
        steps = [
            Redaction.DROP_PRIVATE_HANDLES,
            Redaction.HASH_INDICATORS,
            Redaction.DROP_POST_TEXTS,
            Redaction.DROP_PRIVATE_NOTES,
        ]
    elif form is Form.REDACTED:
        steps = [Redaction.DROP_PRIVATE_NOTES]
    else:
        steps = []
    return [s.value for s in steps]


def _deny(partner: str | None, tlp: TLP, reasons: list[str]) -> Decision:
    return Decision(False, Form.DENIED, reasons, [], partner, tlp, [])


def decide(partner: Partner | None, tlp: TLP | str, *, recipient: str | None = None) -> Decision:
    """May an object marked ``tlp`` go to ``partner`` (``None``: unregistered), in what form?

    ``recipient`` is the named person who would receive it; for TLP:RED it must be one of the
    partner's ``red_recipients`` (when omitted, the decision lists who may receive it).
    """
    tlp = TLP.parse(tlp)
    name = partner.name if partner is not None else None
    reasons: list[str] = [f"{tlp.label} may go to {_AUDIENCE[tlp]}"]

    if partner is None:
        if tlp is not TLP.CLEAR:
            return _deny(None, tlp, [*reasons, "the recipient is not a registered partner"])
        form = form_for_trust(None)
        reasons.append("unregistered recipient: treated as trust 1 (hashed form)")
        return Decision(True, form, reasons, redactions_for(form), None, tlp, [])

    if tlp > partner.max_tlp:
        return _deny(
            name,
            tlp,
            [*reasons, f"{name} may receive at most {partner.max_tlp.label} (its max_tlp)"],
        )
    needed = MIN_TRUST[tlp]
    if needed is not None and partner.trust < needed:
        return _deny(
            name, tlp, [*reasons, f"{name} has trust {partner.trust}, below the {needed} needed"]
        )
    recipients: list[str] = []
    if tlp is TLP.RED:
        if not partner.red_recipients:
            return _deny(name, tlp, [*reasons, f"{name} names no red_recipients"])
        allowed = {r.casefold(): r for r in partner.red_recipients}
        if recipient is not None:
            if recipient.strip().casefold() not in allowed:
                return _deny(
                    name,
                    tlp,
                    [*reasons, f"{recipient!r} is not a named TLP:RED recipient of {name}"],
                )
            recipients = [allowed[recipient.strip().casefold()]]
        else:
            recipients = list(partner.red_recipients)
        reasons.append("only to: " + ", ".join(recipients))

    reasons.append(
        f"{name} ({partner.sector.value}) has trust {partner.trust} and max_tlp "
        f"{partner.max_tlp.label}"
    )
    form = form_for_trust(partner.trust)
    if form is Form.HASHED:
        reasons.append(
            f"trust {partner.trust} ≤ 2: private individuals' handles removed, indicators hashed"
        )
    elif form is Form.REDACTED:
        reasons.append("trust 3: handles kept, private analyst notes removed")
    else:
        reasons.append("trust 4: shared in full")
    return Decision(True, form, reasons, redactions_for(form), name, tlp, recipients)


def may_receive(partner: Partner | None, tlp: TLP | str, recipient: str | None = None) -> bool:
    """Whether ``decide`` allows it (for filters that need no reasons)."""
    return decide(partner, tlp, recipient=recipient).allowed


def hash_value(value: str, salt: bytes | str | None = None) -> str:
    """Lower-case hex SHA-256 of ``value`` (UTF-8), or HMAC-SHA256 keyed by ``salt``.

    Hash the *canonical* value (canonical URL, ``platform:account_id``) so that a partner who
    canonicalises the same way gets the same hash. See the module docstring for the trade-off.
    """
    data = value.encode("utf-8")
    if salt is None:
        return hashlib.sha256(data).hexdigest()
    key = salt.encode("utf-8") if isinstance(salt, str) else salt
    return hmac.new(key, data, hashlib.sha256).hexdigest()


_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+")
_HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,48}[A-Za-z0-9_])?")
_LONG_ID = re.compile(r"(?<![\w.\-/])\d{6,}(?![\w\-/])")
HANDLE_REMOVED = "[handle removed]"
ID_WITHHELD = "[id withheld]"


def scrub_text(
    text: str, known: dict[str, str] | None = None, salt: bytes | str | None = None
) -> str:
    """Free text as the hashed form may show it: the same promise as the structured fields.

    Why: a note or a description quoting ``account 1234567890`` or a URL would otherwise
    give a trust 1–2 partner, in clear, what the policy hashes everywhere else. Applied in
    order: ``known`` clear values (account ids, handles, URLs of the same export) replaced by
    what the structured fields show for them (their hash, or ``[handle removed]``); any other
    URL by ``sha256 <hash>``; any ``@handle`` removed; any other run of six or more digits
    standing alone (the shape of platform account ids) withheld.
    """
    for clear in sorted(known or {}, key=len, reverse=True):
        if clear:
            text = re.sub(rf"(?<![\w@]){re.escape(clear)}(?!\w)", (known or {})[clear], text)

    def url(m: re.Match[str]) -> str:
        found = m.group(0)
        bare = found.rstrip(".,;:!?)]}")  # sentence punctuation is not part of the URL
        return f"sha256 {hash_value(bare, salt)}{found[len(bare) :]}"

    text = _URL.sub(url, text)
    text = _HANDLE.sub(HANDLE_REMOVED, text)
    return _LONG_ID.sub(ID_WITHHELD, text)


def hash_account(platform: str, account_id: str, salt: bytes | str | None = None) -> str:
    """The hash of an account identifier: ``hash_value`` of ``platform:account_id``.

    Why the platform is part of it: ids are only unique within a platform (``111`` on two
    networks are two people). Every path that hashes an account (the Findings view, the TAXII
    hashed form) goes through here, so a partner sees one hash per account.
    """
    return hash_value(f"{platform}:{account_id}", salt)
