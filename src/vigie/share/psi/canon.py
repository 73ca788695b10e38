"""Canonical identifiers for private comparison: the same thing must be the same string.

Why: PSI compares exact strings. ``cve-2024-3094`` and ``CVE-2024-3094``, or
``https://www.Example.org/a?utm_source=x`` and ``example.org/a`` would otherwise count as
different and the overlap would be silently under-counted. Each element is written
``kind:value`` so that two different kinds can never collide.

Recognised (case-insensitive input):

===========  =====================================  ======================================
kind         accepted                               canonical element
===========  =====================================  ======================================
cve          ``CVE-2024-3094``                      ``cve:CVE-2024-3094``
cwe          ``CWE-79``, ``cwe_079``, ``CWE 79``    ``cwe:CWE-79``
technique    DISARM/ATT&CK ``T0049.003``            ``technique:T0049.003``
software     ``vendor:product:version``, CPE 2.3    ``software:vendor:product:version``
ip           IPv4 / IPv6                            ``ip:2001:db8::1`` (compressed)
hash         32/40/64/128 hex digits                ``md5:…`` / ``sha1:…`` / ``sha256:…`` …
email        ``a@b.org``                            ``email:a@b.org`` (lower-case)
url          with a scheme or ``www.``              ``url:`` + ``vigie.ingest`` canonical URL
domain       ``example.org``                        ``domain:example.org``
===========  =====================================  ======================================

A prefix ``kind:`` in the input forces the kind (``domain:example.org``,
``software:nginx:nginx:1.25.3``). Anything else is *not* guessed: it is reported as skipped,
with its line, never silently dropped.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigie.errors import InputError, VigieError
from vigie.json_guard import UNREADABLE, why

KINDS = ("cve", "cwe", "technique", "software", "ip", "hash", "email", "url", "domain")
_HASH_KINDS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}

_CVE = re.compile(r"^cve-(\d{4})-(\d{4,})$", re.I)
_CWE = re.compile(r"^cwe[-_ ]?0*(\d+)$", re.I)
_TECH = re.compile(r"^t(\d{4})(\.\d{3})?$", re.I)
_HEX = re.compile(r"^[0-9a-f]+$", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
_SW_PART = re.compile(r"^[^:\s]+$")


def _software(value: str) -> str | None:
    v = value.strip().lower()
    if v.startswith("cpe:2.3:"):
        parts = v.split(":")
        if len(parts) >= 6 and parts[2] in ("a", "o", "h"):
            v = ":".join(parts[3:6])
    parts = [p.strip().replace(" ", "_") for p in v.split(":")]
    if len(parts) != 3 or not all(_SW_PART.match(p) for p in parts):
        return None
    return "software:" + ":".join(parts)


def _as_kind(kind: str, value: str) -> str | None:
    v = value.strip()
    if kind == "cve":
        m = _CVE.match(v)
        return f"cve:CVE-{m.group(1)}-{m.group(2)}" if m else None
    if kind == "cwe":
        m = _CWE.match(v)
        return f"cwe:CWE-{int(m.group(1))}" if m else None
    if kind == "technique":
        m = _TECH.match(v)
        return f"technique:T{m.group(1)}{m.group(2) or ''}" if m else None
    if kind == "software":
        return _software(v)
    if kind == "ip":
        try:
            ip = ipaddress.ip_address(v)
        except ValueError:
            return None
        mapped = getattr(ip, "ipv4_mapped", None)
        return f"ip:{(mapped or ip).compressed}"
    if kind == "hash" or kind in _HASH_KINDS.values():
        if _HEX.match(v) and len(v) in _HASH_KINDS:
            return f"{_HASH_KINDS[len(v)]}:{v.lower()}"
        return None
    if kind == "email":
        return f"email:{v.lower()}" if _EMAIL.match(v) else None
    if kind == "url":
        from vigie.ingest.urls import canonical_url

        if not v:
            return None
        return f"url:{canonical_url(v)}"
    if kind == "domain":
        d = v.lower().rstrip(".")
        try:
            d = d.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        return f"domain:{d}" if _DOMAIN.match(d) else None
    return None


def canonical(value: str) -> str | None:
    """The canonical element for ``value``, or ``None`` when it is not recognised."""
    v = value.strip()
    if not v:
        return None
    head, sep, rest = v.partition(":")
    if sep and head.lower() in (*KINDS, *_HASH_KINDS.values()) and not rest.startswith("//"):
        return _as_kind(head.lower(), rest)
    for kind in ("cve", "cwe", "technique", "ip", "hash", "email"):
        found = _as_kind(kind, v)
        if found:
            return found
    if "://" in v or v.lower().startswith("www."):
        return _as_kind("url", v)
    if v.lower().startswith("cpe:") or v.count(":") == 2:
        return _software(v)
    if "/" in v:
        return _as_kind("url", v)
    return _as_kind("domain", v)


@dataclass
class ItemSet:
    """Canonical elements read from one source, with what was skipped and where."""

    items: list[str]
    source: str
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line/record, raw value)
    duplicates: int = 0

    def summary(self) -> str:
        s = f"{len(self.items)} identifiers from {self.source}"
        if self.duplicates:
            s += f", {self.duplicates} duplicates merged"
        if self.skipped:
            where = ", ".join(str(n) for n, _ in self.skipped[:10])
            more = "…" if len(self.skipped) > 10 else ""
            s += f", {len(self.skipped)} unrecognised skipped (records {where}{more})"
        return s


def canonical_set(values: list[tuple[int, str]], source: str, strict: bool = False) -> ItemSet:
    """Canonicalise ``(record number, raw value)`` pairs; duplicates merged, order kept."""
    seen: dict[str, None] = {}
    skipped: list[tuple[int, str]] = []
    dups = 0
    for n, raw in values:
        c = canonical(raw)
        if c is None:
            if strict:
                raise InputError(
                    f"{raw!r} is not a recognised identifier ({', '.join(KINDS)})",
                    file=source,
                    record=n,
                )
            skipped.append((n, raw))
        elif c in seen:
            dups += 1
        else:
            seen[c] = None
    return ItemSet(list(seen), source, skipped, dups)


def _from_stix(bundle: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for obj in bundle.get("objects") or []:
        if not isinstance(obj, dict):
            continue
        t = obj.get("type")
        if t == "vulnerability":
            for ref in obj.get("external_references") or []:
                if ref.get("source_name") in ("cve", "cwe") and ref.get("external_id"):
                    out.append(ref["external_id"])
        elif t == "software" and obj.get("cpe"):
            out.append(obj["cpe"])
        elif t in ("url", "domain-name", "ipv4-addr", "ipv6-addr", "email-addr"):
            kind = {"url": "url", "domain-name": "domain", "email-addr": "email"}.get(t, "ip")
            if obj.get("value"):
                out.append(f"{kind}:{obj['value']}")
        elif t == "attack-pattern":
            for ref in obj.get("external_references") or []:
                if ref.get("external_id", "").upper().startswith("T"):
                    out.append(f"technique:{ref['external_id']}")
    return out


def load_items(path: str | Path, strict: bool = False) -> ItemSet:
    """Read identifiers from a text file (one per line, ``#`` comments), a JSON list of
    strings, or a STIX 2.1 bundle (CVE/CWE of vulnerabilities, software CPEs, URL, domain,
    IP and e-mail observables, attack-pattern technique ids)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VigieError(f"{p}: items file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VigieError(f"{p}: cannot read the items file ({exc})") from None
    values: list[tuple[int, str]]
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except UNREADABLE as exc:  # JSONDecodeError, an integer too long, too deep
            raise InputError(f"not valid JSON ({why(exc)})", file=str(p)) from None
        if isinstance(data, dict) and data.get("type") == "bundle":
            values = list(enumerate(_from_stix(data), start=1))
        elif isinstance(data, list) and all(isinstance(v, str) for v in data):
            values = list(enumerate(data, start=1))
        else:
            raise InputError("expected a JSON list of strings or a STIX bundle", file=str(p))
    else:
        values = []
        for n, line in enumerate(text.splitlines(), start=1):
            s = line.strip()
            if s.startswith("#"):
                continue
            s = re.split(r"\s+#", s, maxsplit=1)[0].strip()  # trailing " # comment"
            if s:
                values.append((n, s))
    return canonical_set(values, str(p), strict=strict)
