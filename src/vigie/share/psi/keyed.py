"""Keyed-hash comparison: the fallback where the ``openmined.psi`` wheel cannot install.

How it works: both sides hold the same secret key ``K`` (exchanged out of band, e.g. read
aloud on a call or via an encrypted channel) and derive a per-session key
``k = HMAC-SHA256(K, "vigie-psi-keyed/1|" + nonce)``. The client sends
``HMAC-SHA256(k, element)`` for each of its (padded) elements; the server computes the same for
its own elements and answers only the *number* of matches — or, when both sides consent to
reveal, the matching digests, which the client maps back to its elements.

**Weaker guarantee — read before use.** Unlike ECDH PSI, the server *sees* the client's
digests, and it holds ``K``: it can hash every candidate of a small domain (all ~300,000 CVE
ids, all CWE ids, the DISARM techniques, a list of known software versions, the URLs it has
seen) and so learn which of those the client holds, whatever ``reveal`` says. The scheme only
protects elements drawn from a domain too large to enumerate (random-looking URLs, file
hashes), and only against parties who do not know ``K`` (e.g. someone recording the traffic).
Use it with peers you would trust with the raw list anyway, or install ``openmined.psi``.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from vigie.errors import VigieError

DIGEST_BYTES = 16
"""Digests are truncated to 128 bits: collisions stay negligible, messages stay small."""

MIN_KEY_LENGTH = 16


def load_key(env_var: str) -> bytes:
    """The shared secret from ``env_var`` (never from a file in the repository)."""
    raw = os.environ.get(env_var)
    if not raw:
        raise VigieError(
            f"the keyed-hash fallback needs a secret shared with the peer in ${env_var} "
            "(or install openmined.psi for the stronger ECDH backend)"
        )
    if len(raw) < MIN_KEY_LENGTH:
        raise VigieError(f"${env_var} is too short: use at least {MIN_KEY_LENGTH} characters")
    return raw.encode("utf-8")


def session_key(key: bytes, nonce: str) -> bytes:
    return hmac.new(key, f"vigie-psi-keyed/1|{nonce}".encode(), hashlib.sha256).digest()


def digest(session: bytes, element: str) -> str:
    mac = hmac.new(session, element.encode("utf-8"), hashlib.sha256).digest()
    return mac[:DIGEST_BYTES].hex()


def digests(session: bytes, elements: list[str]) -> list[str]:
    return [digest(session, e) for e in elements]
