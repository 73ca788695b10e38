"""Partner credentials: argon2 hashes in the database, HTTP Basic on the wire.

Why argon2 (argon2-cffi's ``PasswordHasher``): a stolen database must not yield usable
passwords; argon2id is memory-hard, so offline guessing is slow even on GPUs. The clear
password exists only in the prompt of ``vigie share passwd`` and in each request (which is
why the server binds to loopback unless told otherwise: put TLS in front of it for real use).

Verification is deliberately slow (tens of milliseconds). To keep a partner's paging through
a collection fast, a *successful* check is remembered for a few minutes under a keyed BLAKE2
digest of (partner, password, stored hash): the cache holds no password, is lost on restart and
goes stale as soon as the stored hash changes. Unknown partners are checked against a dummy
hash so that response time does not reveal which partner names exist.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import secrets
import threading
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vigie.errors import VigieError
from vigie.share.stix_common import utcnow
from vigie.share.store import Store
from vigie.share.taxii.tables import Credential

MIN_PASSWORD_LENGTH = 12
CACHE_TTL_S = 300.0

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """The argon2id hash stored for a partner (salted, parameters embedded, so a hash made
    with other cost parameters still verifies; tests pass a cheap ``hasher``)."""
    return (hasher or _hasher).hash(password)


def check_password_quality(password: str) -> None:
    """Refuse passwords too short to resist online guessing under our rate limit."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise VigieError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")


def set_password(
    store: Store, partner: str, password: str, hasher: PasswordHasher | None = None
) -> None:
    """Create or replace ``partner``'s credential (only the hash is written)."""
    check_password_quality(password)
    digest = hash_password(password, hasher)
    with store.session() as s:
        row = s.get(Credential, partner)
        if row is None:
            s.add(Credential(partner=partner, password_hash=digest, updated_at=utcnow()))
        else:
            row.password_hash = digest
            row.updated_at = utcnow()


def remove_password(store: Store, partner: str) -> bool:
    """Revoke ``partner``'s credential; ``True`` if there was one."""
    with store.session() as s:
        row = s.get(Credential, partner)
        if row is None:
            return False
        s.delete(row)
        return True


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """``(user, password)`` from an ``Authorization: Basic …`` header, else ``None``."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):  # ValueError: non-ASCII header
        return None
    user, sep, password = decoded.partition(":")
    if not sep or not user or len(user) > 200 or len(password) > 1024:
        return None
    return user, password


class Authenticator:
    """Checks Basic credentials against the stored hashes and the partners registry.

    ``is_partner`` says whether a name is (still) a partner in the registry: a partner
    removed from the registry is refused even if a credential remains in the database.
    """

    def __init__(self, store: Store, is_partner: Callable[[str], bool]) -> None:
        self.store = store
        self.is_partner = is_partner
        self._key = secrets.token_bytes(32)
        self._cache: dict[bytes, float] = {}
        self._lock = threading.Lock()

    def _cache_key(self, user: str, password: str, stored: str) -> bytes:
        h = hashlib.blake2b(key=self._key, digest_size=32)
        for part in (user, password, stored):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.digest()

    def authenticate(self, header: str | None) -> str | None:
        """The partner's name when the header carries valid credentials, else ``None``."""
        creds = parse_basic(header)
        if creds is None:
            return None
        user, password = creds
        with self.store.session() as s:
            row = s.get(Credential, user)
            stored = row.password_hash if row is not None else None
        if stored is None or not self.is_partner(user):
            with contextlib.suppress(VerificationError):  # same work: hide which names exist
                _hasher.verify(_DUMMY_HASH, password)
            return None
        key = self._cache_key(user, password, stored)
        now = time.monotonic()
        with self._lock:
            expiry = self._cache.get(key)
            if expiry is not None and expiry > now:
                return user
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache = {k: v for k, v in self._cache.items() if v > now}
            self._cache[key] = now + CACHE_TTL_S
        return user
