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
import re
from dataclasses import dataclass
from typing import Any

from vigie.share.partners import Partner, Registry
from vigie.share.policy import (
    Decision,
    Form,
    decide,
    form_for_trust,
    hash_account,
    hash_value,
    scrub_text,
)
from vigie.share.stix_export import VIGIE_HASH_PROPERTY
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


def audience_key(caller: Caller) -> str:
    """How the caller is named in a TLP:RED object's audience (``partner/recipient``,
    case-folded); a partner-wide credential matches no audience."""
    if caller.recipient is None:
        return ""
    return f"{caller.partner.key}{RECIPIENT_SEP}{caller.recipient.casefold()}"


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
_HANDLE_FIELDS = ("account_login", "display_name")
HASHED_MARKER = "x_vigie_hashed"
"""Custom property naming the properties of an object the hashed form replaced by a hash."""

_LITERAL = r"'(?:[^'\\]|\\.)*'"
_SENSITIVE_COMPARISON = re.compile(
    r"(?P<type>url|user-account):(?P<prop>value|user_id|account_login|display_name)"
    r"(?P<op>\s*(?:NOT\s+)?(?:=|!=|LIKE|MATCHES|IN)\s*)"
    rf"(?P<rhs>\(\s*{_LITERAL}(?:\s*,\s*{_LITERAL})*\s*\)|{_LITERAL})",
    re.IGNORECASE,
)
_ANY_LITERAL = re.compile(_LITERAL)
_ACCOUNT_TYPE = re.compile(rf"user-account:account_type\s*=\s*(?P<lit>{_LITERAL})")
_URL_IN_TEXT = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+")
_SELF_HANDLED = {"pattern", HASHED_MARKER, VIGIE_HASH_PROPERTY}  # rewritten by their own rules
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# not free text: ids, references, timestamps and citations of public sources (the DISARM
# links our own exports keep in every form) are left as they are
_NOT_TEXT = {"id", "type", "spec_version", "created", "modified", "external_references"}


def _unquote(literal: str) -> str:
    """The value of a STIX pattern string literal (``'it\\'s'`` → ``it's``)."""
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _already_hashed(value: str) -> bool:
    """A 64-hex-digit value is a SHA-256 already (e.g. our own hashed export re-shared)."""
    return bool(_HEX64.match(value))


class _Hasher:
    """Replaces the account ids and URLs of one object by their SHA-256, remembering each
    clear value so that it can also be scrubbed from the object's free text."""

    def __init__(self) -> None:
        self.clear: dict[str, str] = {}  # clear value -> what replaces it in free text

    def url(self, value: str) -> str:
        if _already_hashed(value):
            return value
        digest = hash_value(value)
        self.clear[value] = f"sha256 {digest}"
        return digest

    def account(self, platform: str, account_id: str) -> str:
        if _already_hashed(account_id):
            return account_id
        digest = hash_account(platform, account_id)
        self.clear[account_id] = f"sha256 {digest}"
        return digest

    def handle(self, value: str) -> None:
        """A login or display name: removed, not hashed (too little entropy to resist guessing)."""
        self.clear[value] = "[removed]"

    def pattern(self, pattern: str) -> str:
        """Rewrite a STIX pattern: ``url:value`` comparisons become ``url:x_vigie_sha256``
        ones (as in our own hashed exports), ``user-account:user_id`` literals become the
        account hash, logins/display names and any other literal holding a URL their hash
        (a comparison cannot be removed without changing what the pattern means)."""

        def observation_type(pos: int) -> str:
            start = pattern.rfind("[", 0, pos)
            end = pattern.find("]", pos)
            m = _ACCOUNT_TYPE.search(pattern[start + 1 : end if end >= 0 else None])
            return _unquote(m.group("lit")).lower() if m else "unknown"

        def comparison(m: re.Match[str]) -> str:
            kind, prop = m.group("type").lower(), m.group("prop").lower()
            platform = observation_type(m.start()) if prop == "user_id" else ""

            def literal(lit: re.Match[str]) -> str:
                value = _unquote(lit.group(0))
                if kind == "url":
                    return _quote(self.url(value))
                if prop == "user_id":
                    return _quote(self.account(platform, value))
                self.handle(value)
                return _quote(value if _already_hashed(value) else hash_value(value))

            rhs = _ANY_LITERAL.sub(literal, m.group("rhs"))
            path = (
                f"url:{VIGIE_HASH_PROPERTY}"
                if kind == "url"
                else m.group(0)[: m.start("op") - m.start()]
            )
            return f"{path}{m.group('op')}{rhs}"

        out = _SENSITIVE_COMPARISON.sub(comparison, pattern)

        def other_literal(lit: re.Match[str]) -> str:
            # any other literal: a URL, or a value this object showed in clear elsewhere
            value = _unquote(lit.group(0))
            if _URL_IN_TEXT.fullmatch(value):
                return _quote(self.url(value))
            scrubbed = self.text(value)
            return lit.group(0) if scrubbed == value else _quote(scrubbed)

        return _ANY_LITERAL.sub(other_literal, out)

    def observable(self, obj: dict[str, Any]) -> None:
        """Hash a ``url`` or ``user-account`` observable in place; drop handles."""
        hashed: list[str] = []
        kind = obj.get("type")
        if kind == "url" and isinstance(obj.get("value"), str):
            if not _already_hashed(obj["value"]):
                obj["value"] = obj[VIGIE_HASH_PROPERTY] = self.url(obj["value"])
                hashed.append("value")
        elif kind == "user-account":
            for field in _HANDLE_FIELDS:
                value = obj.pop(field, None)
                if isinstance(value, str):
                    self.handle(value)
            uid = obj.get("user_id")
            if isinstance(uid, str) and not _already_hashed(uid):
                platform = str(obj.get("account_type") or "unknown").lower()
                obj["user_id"] = self.account(platform, uid)
                hashed.append("user_id")
        if hashed:
            obj[HASHED_MARKER] = sorted({*obj.get(HASHED_MARKER, []), *hashed})

    def text(self, value: str) -> str:
        """Free text with the object's clear values, then any other URL, ``@handle`` or
        account-id-shaped number, replaced (``policy.scrub_text``: the same rule as file
        exports)."""
        for clear in sorted(self.clear, key=len, reverse=True):
            value = re.sub(rf"(?<!\w){re.escape(clear)}(?!\w)", self.clear[clear], value)

        def url(m: re.Match[str]) -> str:
            found = m.group(0)
            bare = found.rstrip(".,;:!?)]}")  # sentence punctuation is not part of the URL
            return f"sha256 {self.url(bare)}{found[len(bare) :]}"

        return scrub_text(_URL_IN_TEXT.sub(url, value))

    def scrub(self, node: Any, key: str = "") -> Any:
        """Apply ``text`` to every free-text string under ``node``."""
        if key in _NOT_TEXT or key.endswith(("_ref", "_refs")) or key in _SELF_HANDLED:
            return node
        if isinstance(node, str):
            return self.text(node)
        if isinstance(node, list):
            return [self.scrub(v) for v in node]
        if isinstance(node, dict):
            return {k: self.scrub(v, k) for k, v in node.items()}
        return node


def hash_identifiers(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` with every account identifier and URL replaced by its SHA-256.

    The same hashes as our own hashed exports (``policy.hash_value`` of the URL,
    ``policy.hash_account`` of ``account_type:user_id``), so a partner can still match what
    it receives against its own observations or our published Findings. Covers ``url`` and
    ``user-account`` observables (also embedded in an observed-data's ``objects``), indicator
    patterns, and free text (a clear value found in the object, or any URL, is replaced).
    Logins and display names are removed. Citations in ``external_references`` are kept.
    """
    out = copy.deepcopy(obj)
    h = _Hasher()
    h.observable(out)
    embedded = out.get("objects")
    if out.get("type") == "observed-data" and isinstance(embedded, dict):
        for sco in embedded.values():
            if isinstance(sco, dict):
                h.observable(sco)
    if isinstance(out.get("pattern"), str) and out.get("pattern_type", "stix") == "stix":
        out["pattern"] = h.pattern(out["pattern"])
    return h.scrub(out)


def apply_form(obj: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """The object as the caller may receive it.

    ``full``: unchanged. ``redacted``: custom ``x_`` properties carrying private analyst notes
    (their name contains ``private``, ``internal`` or ``notes``) removed. ``hashed``: the same,
    plus every account identifier and URL replaced by its SHA-256 and logins/display names
    removed (``hash_identifiers``; vigie treats every account as a private individual's), as
    the policy promises trust 1–2 readers. The object keeps its id and version, so the
    partner can still match and de-duplicate it.
    """
    if decision.form is Form.FULL:
        return obj
    out = copy.deepcopy(obj)
    for key in list(out):
        if key.startswith("x_") and any(m in key for m in _PRIVATE_MARKERS):
            del out[key]
    if decision.form is Form.HASHED:
        out = hash_identifiers(out)
    return out
