"""What the TAXII server's views share, built once per application: configuration, the
partners registry, the store, the audit log, authentication and the limits.

Why apart from the views: the HTTP handlers (``views``), the publication of our findings
(``publish``) and the tests build or read this state without importing any route.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from vigie.share.audit import AuditLog
from vigie.share.compare import CompareService
from vigie.share.netaddr import parse_networks
from vigie.share.partners import Registry
from vigie.share.store import Store
from vigie.share.taxii import access
from vigie.share.taxii.auth import Authenticator
from vigie.share.taxii.config import (
    ApiRootConfig,
    CollectionConfig,
    ServerConfig,
    collection_id,
)
from vigie.share.taxii.limits import LockOut, RateLimiter


@dataclass
class ServerState:
    """Everything the routes need, built once per application."""

    config: ServerConfig
    registry: Registry
    store: Store
    audit: AuditLog
    auth: Authenticator
    limiter: RateLimiter
    fail_limiter: RateLimiter
    roots: dict[str, ApiRootConfig]
    collections: dict[tuple[str, str], CollectionConfig]
    compare: CompareService | None = None
    lockout: LockOut = field(default_factory=LockOut)
    proxies: list[Any] = field(default_factory=list)  # trusted proxy networks
    _noted: dict[str, float] = field(default_factory=dict)  # coalesced audit rows
    _noted_lock: threading.Lock = field(default_factory=threading.Lock)

    def note_once(self, key: str, every_s: float = 10.0) -> bool:
        """Whether a refusal keyed ``key`` should be audited now: at most one row per key
        every ``every_s`` seconds, so a flood cannot fill the audit log."""
        now = time.monotonic()
        with self._noted_lock:
            if len(self._noted) > 50_000:
                self._noted = {k: t for k, t in self._noted.items() if now - t < every_s}
            if now - self._noted.get(key, -1e18) < every_s:
                return False
            self._noted[key] = now
            return True


def build_state(
    config: ServerConfig,
    registry: Registry,
    store: Store | None = None,
    compare: CompareService | None = None,
) -> ServerState:
    """Open the database and gather what the routes need. ``compare`` (optional) serves
    private comparisons on the same application (``/compare/v1/``)."""
    store = store or Store(config.resolved_db_url())

    def is_known(user: str) -> bool:
        return access.resolve_caller(registry, user) is not None

    roots = {r.name: r for r in config.api_roots}
    colls = {(r.name, collection_id(r.name, c)): c for r in config.api_roots for c in r.collections}
    g = config.guard
    return ServerState(
        config=config,
        registry=registry,
        store=store,
        audit=AuditLog(store),
        auth=Authenticator(store, is_known),
        limiter=RateLimiter(config.rate_limit.requests_per_second, config.rate_limit.burst),
        fail_limiter=RateLimiter(g.address_failures_per_second, g.address_failures_burst),
        roots=roots,
        collections=colls,
        compare=compare,
        lockout=LockOut(g.lockout_threshold, g.lockout_base_s, g.lockout_max_s),
        proxies=parse_networks(g.trusted_proxies),
    )
